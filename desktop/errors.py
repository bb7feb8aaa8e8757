"""Every failure a person can cause or meet, as named types with a readable message.

The UI shows ``str(error)``; the command line prints it and exits 2 (user errors) or 1.
"""

from __future__ import annotations


class HashplanError(Exception):
    """Base of all errors meant for people. ``str(e)`` is the sentence to show."""

    exit_code = 2

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ValidationError(HashplanError):
    """Input that breaks a domain rule; ``field`` names what is wrong (e.g. ``units``)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class NotFoundError(HashplanError):
    """A site, model, batch or event that does not exist (any more)."""


class ConflictError(HashplanError):
    """The record was changed by someone else since it was read."""


class DatabaseError(HashplanError):
    """The database file cannot be used as asked."""


class NewerSchemaError(DatabaseError):
    """The file was written by a newer Hashplan; it is never altered."""


class NotHashplanFileError(DatabaseError):
    """The file is not a SQLite database, is corrupt, or belongs to another program."""


class ReadOnlyError(DatabaseError):
    """The database is open read-only, or the disk refused the write."""


class DatabaseBusyError(DatabaseError):
    """Another program held the database longer than the busy timeout."""


class ImportFileError(HashplanError):
    """An import file with bad rows; ``problems`` lists ``row N, column C: what``."""

    def __init__(self, path: str, problems: list[str]) -> None:
        shown = problems[:50]
        more = f"\n... and {len(problems) - 50} more" if len(problems) > 50 else ""
        if len(problems) == 1:  # a refused file: one line, as every other refusal
            super().__init__(f"{path}: {problems[0]}; nothing was imported")
        else:
            super().__init__(f"{path}: {len(problems):,} problems, nothing was imported:\n" + "\n".join(shown) + more)
        self.path = path
        self.problems = problems
