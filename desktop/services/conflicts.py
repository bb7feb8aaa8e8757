"""The check an undo or redo makes inside its write transaction: is the record still as the
change left it? If not, another window or the command line changed it since, and putting
ours back would silently overwrite theirs: refuse, write nothing, say so.

Records are compared by their fields, not by row version alone: a batch's version also
moves when an event is recorded on it (and when that event is undone), which does not
make an edit of its fields stale.
"""

from __future__ import annotations

from dataclasses import fields, replace
from typing import TypeVar

from desktop.errors import ConflictError

R = TypeVar("R")


def _fields_of(record: object) -> object:
    names = {f.name for f in fields(record)}  # type: ignore[arg-type]
    return replace(record, version=0) if "version" in names else record  # type: ignore[type-var]


def expect_unchanged(current: R, expected: R | None, what: str) -> None:
    """Raises ConflictError unless ``current`` has ``expected``'s fields (None: no check)."""
    if expected is not None and _fields_of(current) != _fields_of(expected):
        raise ConflictError(f"{what} was changed elsewhere since; undoing would overwrite that change")
