"""The seal of a checked file: skip the next quick_check while the file is as Hashplan left it.

Every command-line call used to run ``PRAGMA quick_check`` before anything (0.9 s of a
1 s `summary` on a 1,000,000-event fleet, 98 % of 2.5 s on 10,000,000 events): the cost of
a read grew with the file. Now a read runs no check at all (it writes nothing, and a
damaged page it meets is reported by SQLite as damage), and a write runs the check before
its first change, unless the seal says the file passed one and has been changed since only
by Hashplan's own commits.

The seal is a small private file in the user's state folder, one per database (by its
real path): the file's mark when it was last sealed (the newest audit row's id and time,
which every Hashplan write adds, the page count and the schema version) and when a check
last passed. Each commit by a process that checked (or found the seal whole) moves the
mark on; a file changed any other way (another program, a copy put in its place, a
truncation) no longer matches and is checked before it is written to. A seal older than
a week is not trusted: the file is checked again. The window's weekly full check
(``integrity_check``) and the full check of every backup's copy stay as they are.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (a start-up cost)
if TYPE_CHECKING:
    from typing import Any

    Mark = tuple[Any, ...]

TRUSTED_FOR = timedelta(days=7)


def current_mark(conn: sqlite3.Connection) -> Mark:
    """What every Hashplan write changes: the newest audit row, the page count, the schema version."""
    last = conn.execute("SELECT id, at FROM audit ORDER BY id DESC LIMIT 1").fetchone()
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    return (*(last or (None, None)), int(pages), int(version))


def _seal_file(db_path: Path) -> Path:
    import hashlib

    from desktop.paths import state_dir

    key = hashlib.sha256(os.path.realpath(db_path).encode("utf-8", "surrogateescape")).hexdigest()[:24]
    return state_dir() / "checked" / f"{key}.json"


def _read(db_path: Path) -> dict[str, Any] | None:
    try:
        return dict(json.loads(_seal_file(db_path).read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None


def _stat_of(db_path: Path) -> list[int] | None:
    try:
        status = os.stat(db_path)  # stat only: never an open of a live database (db_file.py)
    except OSError:
        return None
    return [status.st_size, status.st_mtime_ns]


def is_sealed(db_path: Path, mark: Mark, *, now: datetime | None = None) -> bool:
    """The file passed a check within a week and is exactly as Hashplan's last commit left it:
    the same mark, and its bytes untouched since the last Hashplan connection closed (size and
    modification time: a byte changed by another program moves them)."""
    seal = _read(db_path)
    if seal is None or tuple(seal.get("mark") or ()) != tuple(json.loads(json.dumps(list(mark)))):
        return False
    if seal.get("stat") is None or seal.get("stat") != _stat_of(db_path):
        return False
    try:
        checked = datetime.fromisoformat(str(seal["checked_at"]))
    except (KeyError, ValueError):
        return False
    return (now or datetime.now(timezone.utc)) - checked < TRUSTED_FOR


def seal(db_path: Path, mark: Mark, *, checked_at: datetime | None = None) -> None:
    """Records ``mark`` as Hashplan's own; ``checked_at`` when a check just passed (else the
    time of the last check is kept). Best effort: a folder that cannot be written only
    means the next write checks again."""
    previous = _read(db_path) or {}
    when = checked_at.isoformat() if checked_at is not None else previous.get("checked_at")
    if when is None:
        return
    _write(db_path, {"database": str(db_path), "mark": list(mark), "checked_at": when, "stat": None})


def seal_closed(db_path: Path) -> None:
    """This process's connection closed: what the file's bytes look like as Hashplan left them
    (the close may have folded the WAL into the file, so this comes after it)."""
    previous = _read(db_path)
    if previous is not None and previous.get("stat") is None:
        _write(db_path, {**previous, "stat": _stat_of(db_path)})


def _write(db_path: Path, content: dict[str, Any]) -> None:
    target = _seal_file(db_path)
    try:
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.{os.getpid()}")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(content, out)
        os.replace(partial, target)
    except OSError:
        pass


def forget(db_path: Path) -> None:
    """The file was found damaged or replaced: check it before the next write."""
    with contextlib.suppress(OSError):
        _seal_file(db_path).unlink()
