"""Server database URLs (PostgreSQL): recognising them, and showing them without their password.

Plain Python with no SQL: the CLI, the window and the store all name a server database this way.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit, urlunsplit

_SCHEMES = ("postgresql://", "postgres://")
_PASSWORD = re.compile(r"^([^:/@]*):[^@]*@")


def is_server_url(text: object) -> bool:
    """True for a libpq URL (``postgresql://...``); a path opens SQLite."""
    if isinstance(text, ServerAddress):
        return True
    return isinstance(text, str) and text.lower().startswith(_SCHEMES)


def redacted(url: str) -> str:
    """The URL as logs and windows may show it: any password (in the user part or a
    ``password=`` parameter) replaced by ``***``."""
    parts = urlsplit(url)
    netloc = _PASSWORD.sub(r"\1:***@", parts.netloc)
    query = "&".join(
        f"{key}={'***' if key.lower() == 'password' else value}"
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
    )
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


class ServerAddress:
    """Where a server database is: the store's ``path`` for PostgreSQL.

    ``str()`` is the redacted URL (messages, logs, the window title); ``url`` is the one to
    connect with, and a password typed into the window lives only here, in memory.
    ``name`` and ``stem`` are the database's name, as a file's would be.
    """

    __slots__ = ("password", "url")

    def __init__(self, url: str, password: str | None = None) -> None:
        self.url = url
        self.password = password

    def __str__(self) -> str:
        return redacted(self.url)

    def __repr__(self) -> str:
        return f"ServerAddress({str(self)!r})"

    def __fspath__(self) -> str:  # never a file: refuse being used as one
        raise TypeError(f"{self} is a server database, not a file")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ServerAddress) and other.url == self.url

    def __hash__(self) -> int:
        return hash(self.url)

    @property
    def name(self) -> str:
        parts = urlsplit(self.url)
        dbname = dict(parse_qsl(parts.query)).get("dbname") or parts.path.lstrip("/")
        return dbname or "postgres"

    @property
    def stem(self) -> str:
        return self.name

    @property
    def host(self) -> str:
        parts = urlsplit(self.url)
        return dict(parse_qsl(parts.query)).get("host") or parts.hostname or "localhost"

    # A few of pathlib.Path's answers, so code that shows or compares "the database" works on
    # either (nothing here touches a file): no parent folder of its own (file dialogs start at
    # home), it resolves to itself, it is there until connecting says otherwise.
    def expanduser(self) -> ServerAddress:
        return self

    def resolve(self) -> ServerAddress:
        return self

    def exists(self) -> bool:
        return True

    def is_relative_to(self, *_: object) -> bool:
        return False

    @property
    def parent(self) -> Path:
        return Path.home()

    @property
    def suffix(self) -> str:
        return ""

    def without_password(self) -> str:
        """The URL as it may be kept (recent databases, settings): no password in it."""
        return redacted(self.url).replace(":***@", "@")


def as_address(target: object) -> ServerAddress:
    return target if isinstance(target, ServerAddress) else ServerAddress(str(target))


def location(text: str) -> Path | ServerAddress:
    """A ``--db`` value, a setting or a recent entry: a server URL, else a file path."""
    return ServerAddress(text) if is_server_url(text) else Path(text).expanduser()
