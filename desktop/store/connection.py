"""Opening a database file safely: checks first, then pragmas, then migrations.

A file that is not a Hashplan database, is corrupt, or comes from a newer Hashplan
is refused before anything is written to it.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Sequence
from contextlib import suppress
from datetime import datetime, timezone
from pathlib import Path

from desktop.errors import (
    DatabaseBusyError,
    DatabaseError,
    NewerSchemaError,
    NotHashplanFileError,
    ReadOnlyError,
)
from desktop.store import db_file, migrations

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (a start-up cost)
if TYPE_CHECKING:
    from typing import Any

BUSY_TIMEOUT_MS = 10_000


def utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def select_in(conn: sqlite3.Connection, sql: str, ids: Sequence[int]) -> list[tuple[Any, ...]]:
    """Rows of ``sql`` for ``ids``, whose placeholders go where ``sql`` says {marks}: 900 ids a
    statement (SQLite allows at most 999 parameters)."""
    found: list[tuple[Any, ...]] = []
    for start in range(0, len(ids), 900):
        part = list(ids[start : start + 900])
        found += conn.execute(sql.format(marks=", ".join("?" * len(part))), part).fetchall()
    return found


def _is_writable(path: Path) -> bool:
    folder = path.parent if str(path.parent) else Path(".")
    return os.access(path, os.W_OK) and os.access(folder, os.W_OK | os.X_OK)


def _side_files(path: Path) -> list[Path]:
    return [Path(f"{path}{suffix}") for suffix in ("-wal", "-journal")]


def _open(path: Path, mode: str) -> sqlite3.Connection:
    """mode: "rw" (normal), "ro" (read-only, shares the WAL) or "immutable" (touches nothing)."""
    target, uri = str(path), False
    if mode == "ro":
        target, uri = f"{path.resolve().as_uri()}?mode=ro", True
    elif mode == "immutable":
        target, uri = f"{path.resolve().as_uri()}?mode=ro&immutable=1", True
    db_file.guard_raw_opens()
    conn = sqlite3.connect(
        target,
        uri=uri,
        isolation_level=None,
        check_same_thread=False,
        timeout=BUSY_TIMEOUT_MS / 1000,
        factory=db_file.TrackedConnection,
    )
    db_file.track(conn, path)
    return conn


def connect(
    path: Path, *, readonly: bool = False, verify: bool = True, defer_check: bool = False
) -> tuple[sqlite3.Connection, bool, bool, bool]:
    """Open (creating if missing) a checked, migrated connection.

    Returns (connection, created, readonly, check_pending). A read-only file or folder
    opens read-only rather than failing.

    An existing file is inspected before anything may write to it. When no -wal or
    -journal lies beside it (nobody has it open and it was closed cleanly) the checks
    run on an ``immutable`` connection, which creates no -wal/-shm file and takes no
    lock: a damaged, foreign or newer file is refused with its bytes and its folder
    exactly as they were. With a -wal present (another window has the file open, or a
    crash left committed changes in it) the checks run on a ``mode=ro`` connection:
    it reads the WAL but never writes the database file, whereas closing a normal
    connection would checkpoint the WAL into it (it may add a -shm if none is there).
    A file we cannot write (read-only file or folder) with no -wal stays on the
    immutable connection: it needs no -shm, so a file in a read-only folder opens too;
    it is a snapshot (a change made meanwhile by someone who can write shows after
    reopening). A read-only open of a writable file (the GUI's reader, ``backup``)
    uses ``mode=ro`` instead, which follows other writers: immutable would not.

    ``verify=False`` skips the quick_check (the version checks still run): for a second
    connection to a file this process has just checked, where the check would cost
    about a second on a million-event fleet.

    ``defer_check=True`` (the desktop window) leaves the quick_check of a writable file at
    the current schema version for later (``check_pending`` is True): the caller runs
    ``check_integrity`` off the UI thread once the window shows, and the Store holds back
    every write until it passed. A file that needs an upgrade is still checked first,
    since the upgrade writes.
    """
    # stat() only: reading the header with open() would drop this process's SQLite locks (db_file.py)
    created = db_file.check_before_open(path) is None
    inspected = pending = False
    if created:
        if readonly:
            raise DatabaseError(f"{path} does not exist")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise DatabaseError(f"cannot create the folder {path.parent}: {error.strerror}") from None
    else:
        writable = _is_writable(path)
        readonly = readonly or not writable
        in_use = any(side.exists() for side in _side_files(path))
        keep_probe = readonly and (in_use or not writable)
        probe = _connect_or_raise(path, "ro" if in_use else "immutable")
        try:
            pending, inspected = _inspect(
                probe, path, readonly=readonly, verify=verify, defer_check=defer_check and not readonly,
                header_will_do=not keep_probe,
            )  # fmt: skip
        except BaseException:
            probe.close()
            raise
        if keep_probe:
            return probe, False, True, False
        probe.close()

    old_umask = os.umask(0o077)  # the database is private to its user
    try:
        conn = _connect_or_raise(path, "ro" if readonly else "rw")
    finally:
        os.umask(old_umask)

    try:
        _prepare(conn, path, readonly=readonly, created=created, inspected=inspected)
    except BaseException:
        conn.close()
        if created:
            for suffix in ("", "-wal", "-shm"):
                with suppress(OSError):
                    Path(f"{path}{suffix}").unlink()
        raise
    return conn, created, readonly, pending


def _connect_or_raise(path: Path, mode: str) -> sqlite3.Connection:
    try:
        return _open(path, mode)
    except sqlite3.Error as error:
        raise DatabaseError(f"{path}: cannot be opened ({error})") from None


def _inspect(
    conn: sqlite3.Connection,
    path: Path,
    *,
    readonly: bool,
    verify: bool = True,
    defer_check: bool = False,
    header_will_do: bool = False,
) -> tuple[bool, bool]:
    """Refuses a damaged, foreign or newer file; reads only.

    Returns (the quick_check was deferred, the file was inspected whole). ``header_will_do``:
    a file whose 100-byte header says it is Hashplan's at the current version, and that needs
    no quick_check now, is taken on the header's word: reading the schema costs a parse of
    all of it (33 KB of trigger SQL since v8, ~3 ms of a `summary` call), which the working
    connection makes anyway. The working connection then inspects it whole before anything
    writes (``_prepare``), so a file whose tables disagree with its header is still refused.
    """
    try:
        header = migrations.header_version(conn)
        if header_will_do and header == migrations.CURRENT_VERSION and (not verify or defer_check):
            return verify, False
        version = max(migrations.schema_version(conn), header)  # either may say "newer"
        deferred = verify and defer_check and version == migrations.CURRENT_VERSION
        if verify and not deferred:
            _quick_check(conn, path)
        if version == 0 and (
            migrations.user_table_count(conn) or migrations.application_id(conn) not in (0, migrations.APPLICATION_ID)
        ):
            raise NotHashplanFileError(f"{path} is a SQLite database of another program, not Hashplan's")
        if version > migrations.CURRENT_VERSION:
            raise NewerSchemaError(
                f"{path} was written by a newer Hashplan (schema version {version}; "
                f"this version understands up to {migrations.CURRENT_VERSION}). "
                "Update Hashplan to open it; the file was not changed."
            )
        if readonly and version < migrations.CURRENT_VERSION:
            raise ReadOnlyError(
                f"{path} is read-only and needs an upgrade to schema version "
                f"{migrations.CURRENT_VERSION}; copy it somewhere writable to open it"
            )
    except sqlite3.DatabaseError as error:
        raise translate(error, path) from None
    except UnicodeDecodeError:  # SQLite's message quotes the damaged schema text, which is not UTF-8
        raise damaged_schema(path) from None
    return deferred, True


def _quick_check(conn: sqlite3.Connection, path: Path, *, full: bool = False) -> None:
    ok = conn.execute("PRAGMA integrity_check" if full else "PRAGMA quick_check").fetchone()[0]
    if ok != "ok":
        raise NotHashplanFileError(f"{path} is damaged (integrity check: {ok})")


def check_integrity(path: Path, *, full: bool = False) -> None:
    """The quick_check that ``connect(defer_check=True)`` left, on its own read-only connection;
    ``full``: the complete integrity_check (index content too; the weekly check, seconds on a big fleet).

    Safe on any thread while the file is open elsewhere (it reads the WAL, writes nothing).
    Raises NotHashplanFileError for a damaged file, DatabaseError when it cannot be read.
    """
    conn = _connect_or_raise(path, "ro")
    try:
        _quick_check(conn, path, full=full)
    except sqlite3.DatabaseError as error:
        raise translate(error, path) from None
    except UnicodeDecodeError:
        raise damaged_schema(path) from None
    finally:
        conn.close()


def _prepare(conn: sqlite3.Connection, path: Path, *, readonly: bool, created: bool, inspected: bool) -> None:
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        if not created and not inspected:  # the probe took the header's word; the check was its to decide
            _inspect(conn, path, readonly=readonly, verify=False)
        if not readonly:
            # WAL lets readers (the chart, another window) run while one writer writes;
            # synchronous=FULL makes every committed action survive a power cut.
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = FULL")
            migrations.migrate(conn, utc_now())
    except sqlite3.DatabaseError as error:
        raise translate(error, path) from None
    except UnicodeDecodeError:
        raise damaged_schema(path) from None


def damaged_schema(path: Path | str) -> NotHashplanFileError:
    return NotHashplanFileError(f"{path} is damaged (its schema holds bytes that are not text)")


NEARLY_FULL_BYTES = 1024 * 1024  # less free space than a page cache spill: "full"


def _disk_nearly_full(path: Path | str) -> bool:
    import shutil  # only to explain a failed write

    folder = Path(path).parent
    try:
        return shutil.disk_usage(folder if str(folder) else ".").free < NEARLY_FULL_BYTES
    except OSError:
        return False


def translate(error: sqlite3.Error, path: Path | str) -> DatabaseError:
    """A sqlite3 error as a sentence naming the file and what to do."""
    text = str(error).lower()
    if "locked" in text or "busy" in text:
        return DatabaseBusyError(
            f"{path} is busy: another program kept it locked for more than "
            f"{BUSY_TIMEOUT_MS // 1000} s; nothing was changed, try again"
        )
    if "readonly" in text or "read-only" in text:
        return ReadOnlyError(f"{path} is read-only; nothing was changed")
    if "full" in text:
        return DatabaseError(f"the disk holding {path} is full; nothing was changed")
    if "not a database" in text:  # SQLite's own check of the header (we never read it ourselves)
        return NotHashplanFileError(
            f"{path} is not a SQLite database (it may be another kind of file, or its header is damaged)"
        )
    if "malformed" in text or "corrupt" in text:
        return NotHashplanFileError(f"{path} is damaged or not a Hashplan database ({error})")
    if "disk i/o" in text:
        if _disk_nearly_full(path):  # a full disk often shows as an I/O error (a -wal or -shm that cannot grow)
            return DatabaseError(f"the disk holding {path} is full; nothing was changed")
        return DatabaseError(f"{path}: the disk reported an I/O error; nothing was changed")
    return DatabaseError(f"{path}: database error ({error})")
