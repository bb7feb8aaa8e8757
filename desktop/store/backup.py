"""Online backups of the database, their rotation, and restoring one.

A backup is ``VACUUM INTO`` a temporary name beside the final one (a consistent
snapshot even while another window writes; never a file copy of a live database),
checked with ``quick_check``, fsynced, then renamed: a backup on disk is always whole.
Backups are single self-contained files (rollback-journal mode, no -wal) named
``<stem>_<UTC time>[_<n>][_<tag>].db`` in ``paths.backups_dir(db)``.

Restore copies a backup into the live file with SQLite's backup API through the
open connection: one write transaction in the live file's own WAL, so another
window sees the restored data on its next read and no -wal/-shm is ever left
belonging to a different file. A file that cannot be opened at all (damaged) is
instead set aside and replaced by an atomic rename (``restore_file``).
"""

from __future__ import annotations

import os
import re
import sqlite3
import time
from collections.abc import Iterable
from contextlib import closing, suppress
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from desktop.errors import DatabaseError, NotHashplanFileError
from desktop.paths import backups_dir
from desktop.private_files import create_private_file, private_folder
from desktop.store import db_file, migrations
from desktop.store.connection import check_integrity, translate
from desktop.store.store import Store

KEEP_DAILY = 7
KEEP_WEEKLY = 4
KEEP_ALL_FOR = timedelta(hours=24)  # every backup of the last day: "Back up now" never drops the morning's
PROTECTED_TAGS = frozenset({"before-restore"})  # kept a week even if rotation would drop them
PROTECT_FOR = timedelta(days=7)
_STAMP = "%Y-%m-%d_%H%M%S"
_NAME = re.compile(r"_(?P<stamp>\d{4}-\d\d-\d\d_\d{6})(?:_(?P<seq>\d+))?(?:_(?P<tag>[a-z][a-z-]*))?\.db$")


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    taken_at: datetime  # UTC, from the name
    size_bytes: int
    tag: str = ""
    seq: int = 1  # the n-th backup taken in the same second (from the name's _<n>)

    @property
    def order(self) -> tuple[datetime, int, str]:
        """Oldest first: by time, then by the number within the second (_10 after _2)."""
        return (self.taken_at, self.seq, self.name)

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def day(self) -> date:
        return self.taken_at.date()


def _now() -> datetime:
    return datetime.now(timezone.utc)


def parse_backup(path: Path, stem: str) -> BackupInfo | None:
    """The backup a file name describes, or None if it is not one of ours."""
    match = _NAME.search(path.name)
    if not match or path.name[: match.start()] != stem:
        return None
    taken = datetime.strptime(match["stamp"], _STAMP).replace(tzinfo=timezone.utc)
    try:
        size = path.stat().st_size
    except OSError:
        return None
    return BackupInfo(path, taken, size, match["tag"] or "", int(match["seq"] or 1))


def list_backups(db_path: Path) -> list[BackupInfo]:
    """Backups of ``db_path``, newest first."""
    folder = backups_dir(db_path)
    try:
        if not folder.is_dir():
            return []
        found = [info for p in folder.iterdir() if (info := parse_backup(p, db_path.stem)) is not None]
    except PermissionError:
        raise DatabaseError(f"{folder}: permission denied; the backups cannot be listed") from None
    return sorted(found, key=lambda b: b.order, reverse=True)


def _fsync_dir(folder: Path) -> None:
    # Makes the rename itself durable; not possible (nor needed) on Windows.
    if os.name == "nt":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_file(path: Path) -> None:
    with path.open("rb+") as handle:
        os.fsync(handle.fileno())


def _target_name(folder: Path, stem: str, when: datetime, tag: str) -> Path:
    """A new name after every backup of the same second, even one rotation deleted meanwhile:
    re-using a freed lower number made the new backup older than a kept one, and rotation
    then deleted the backup it had just written (three backups in one second)."""
    base = f"{stem}_{when.strftime(_STAMP)}"
    suffix = f"_{tag}" if tag else ""
    taken = [info.seq for p in folder.glob(f"{base}*.db") if (info := parse_backup(p, stem)) is not None]
    seq = max(taken, default=0) + 1
    candidate = folder / (f"{base}{suffix}.db" if seq == 1 else f"{base}_{seq}{suffix}.db")
    while candidate.exists():  # a same-second name parse_backup does not know (cannot happen in practice)
        seq += 1
        candidate = folder / f"{base}_{seq}{suffix}.db"
    return candidate


class BackupDamagedError(NotHashplanFileError):
    """A backup (or the copy just written) that fails its check; ``detail`` is SQLite's finding."""

    def __init__(self, message: str, detail: str) -> None:
        super().__init__(message)
        self.detail = detail


def full_check(db_path: Path) -> None:
    """The complete integrity_check of the live file (read-only; raises NotHashplanFileError)."""
    check_integrity(db_path, full=True)


def private_backups_folder(db_path: Path) -> Path:
    """backups/<stem>/ beside the database, 0700, and refused if another user owns it or a link in it."""
    folder = backups_dir(db_path)
    if not isinstance(db_path, Path):  # a server database's backups: in the user's data folder
        try:
            folder.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise DatabaseError(f"cannot create the folder {folder.parent}: {error.strerror}") from None
    return private_folder(folder, top=folder.parent)


def verify_backup(path: Path, *, full: bool = True) -> None:
    """Raises NotHashplanFileError unless ``path`` is a whole Hashplan database this version can use.

    ``full``: PRAGMA integrity_check (also index order and content, which quick_check skips:
    one flipped byte in an index page passed quick_check); ``full=False``: quick_check only.
    """
    check = "integrity_check" if full else "quick_check"
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)) as conn:
            ok = conn.execute(f"PRAGMA {check}").fetchone()[0]
            if ok != "ok":
                raise BackupDamagedError(f"backup {path} is damaged (integrity check: {ok})", f"integrity check: {ok}")
            if migrations.application_id(conn) != migrations.APPLICATION_ID:
                raise NotHashplanFileError(f"{path} is not a Hashplan database")
            version = migrations.schema_version(conn)
            if version > migrations.CURRENT_VERSION:
                raise NotHashplanFileError(f"backup {path} was made by a newer Hashplan (schema {version})")
    except sqlite3.Error as error:
        raise NotHashplanFileError(f"backup {path} cannot be read ({error})") from None
    except UnicodeDecodeError:
        raise NotHashplanFileError(f"backup {path} is damaged (its schema holds bytes that are not text)") from None


def create_backup(store: Store, *, tag: str = "", now: datetime | None = None, rotate_after: bool = True) -> BackupInfo:
    """Writes, verifies and publishes one backup of the open database; then rotates."""
    store.finish_check()  # a damaged file never becomes a backup (rotation could drop a good one for it)
    when = now or _now()
    folder = private_backups_folder(store.path)
    final = _target_name(folder, store.path.stem, when, tag)
    partial = folder / f".{final.name}.{os.getpid()}.partial"  # two windows may back up at once
    try:
        if store.dialect == "sqlite":
            # 0600 from the first byte: VACUUM INTO writes into an existing empty file and keeps its mode.
            create_private_file(partial)
            with store._lock:  # the store's connection is shared with the UI thread
                store.conn.execute("VACUUM INTO ?", (str(partial),))
        else:
            _portable_copy(store, partial)
        try:  # damage quick_check misses (an index page) is copied by VACUUM INTO: never kept
            verify_backup(partial, full=True)
        except BackupDamagedError as damage:
            raise NotHashplanFileError(
                f"{store.path} is damaged ({damage.detail}); no backup of it was kept. "
                "`hashplan restore --newest` (or File > Restore from backup) puts the newest good backup back"
            ) from None
        _fsync_file(partial)
        os.replace(partial, final)
        _fsync_dir(folder)
    except sqlite3.Error as error:
        with suppress(OSError):
            partial.unlink()
        raise translate(error, partial) from None
    except OSError as error:
        with suppress(OSError):
            partial.unlink()
        raise DatabaseError(f"cannot write the backup {final}: {error.strerror}") from None
    except BaseException:
        with suppress(OSError):
            partial.unlink()
        raise
    if rotate_after:
        rotate(store.path, now=when)
    info = parse_backup(final, store.path.stem)
    assert info is not None
    return info


def _portable_copy(store: Store, target: Path) -> None:
    """A server database's backup: the same Hashplan SQLite file a file's backup is (every
    table, ids and aggregates included, read in one snapshot), so ``restore`` takes it on
    either backend and the window can open it as it is."""
    from desktop.store.whole_copy import copy_rows

    copy = Store.open(target)  # created 0600 (connection.connect's umask)
    try:
        with copy.write(f"backup of {store.path}"):
            copy_rows(store, copy)
    finally:
        copy.close()


def backups_to_keep(backups: Iterable[BackupInfo], now: datetime) -> set[Path]:
    """Every backup of the last 24 hours, and the newest of each of the last 7 days and of
    each of the last 4 weeks that have backups; a pre-restore backup is kept a week besides
    (it does not take the day's slot, so the restored-from backup is not dropped because of it)."""
    keep: set[Path] = set()
    days: set[date] = set()
    weeks: set[tuple[int, int]] = set()
    for info in sorted(backups, key=lambda b: b.order, reverse=True):
        if info.tag in PROTECTED_TAGS:
            if now - info.taken_at < PROTECT_FOR:
                keep.add(info.path)
            continue
        if now - info.taken_at < KEEP_ALL_FOR:
            keep.add(info.path)  # and it still takes its day's and week's slot below
        iso = info.taken_at.isocalendar()
        week = (iso[0], iso[1])
        if info.day not in days and len(days) < KEEP_DAILY:
            days.add(info.day)
            keep.add(info.path)
        if week not in weeks and len(weeks) < KEEP_WEEKLY:
            weeks.add(week)
            keep.add(info.path)
    return keep


def content_fingerprint(store: Store) -> str | None:
    """What the file holds, in a few cheap reads: the audit's last row (every change writes
    one), each table's row count and last id, and the batches' summed row versions.
    None when the file cannot say (damaged): then nothing counts as unchanged."""
    tables = ("data_centers", "miner_models", "batches", "batch_events", "targets")
    parts = ["(SELECT COALESCE(MAX(id), 0) FROM audit)"]
    parts += [f"(SELECT COUNT(*) || ':' || COALESCE(MAX(id), 0) FROM {table})" for table in tables]
    parts.append("(SELECT COALESCE(SUM(version), 0) FROM batches)")
    try:
        with store._lock:
            row = store.conn.execute(f"SELECT {', '.join(parts)}").fetchone()
    except sqlite3.Error:  # the backup's own check reports the damage, with its sentence
        return None
    return "/".join(str(value) for value in row)


def rotate(db_path: Path, *, now: datetime | None = None) -> list[Path]:
    """Deletes backups outside the rotation (and stale partial files); returns what went."""
    when = now or _now()
    backups = list_backups(db_path)
    keep = backups_to_keep(backups, when)
    removed = []
    for info in backups:
        if info.path not in keep:
            with suppress(OSError):
                info.path.unlink()
                removed.append(info.path)
    folder = backups_dir(db_path)
    for partial in folder.glob(".*.partial") if folder.is_dir() else []:
        with suppress(OSError):
            if time.time() - partial.stat().st_mtime > 3600:  # not one being written right now
                partial.unlink()
    return removed


def restore_into(store: Store, backup: Path) -> None:
    """Replaces the live database's content with ``backup``'s, in one transaction.

    The caller backs up the current content first (see services.backups). The
    restored file is migrated if the backup is older, then integrity-checked.
    """
    verify_backup(backup)
    if store.dialect != "sqlite":  # a server database: its rows replaced by the backup's, in one write
        from desktop.store.whole_copy import copy_rows

        with Store.open(backup, readonly=True) as source_store, store.write(f"restore from {backup.name}"):
            copy_rows(source_store, store)
        return
    source = sqlite3.connect(f"{backup.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    try:
        with store._lock:
            if store.conn.in_transaction:
                raise DatabaseError(f"{store.path} is busy with another change; try the restore again")
            source.backup(store.conn)
            migrations.migrate(store.conn, _now().isoformat(timespec="seconds"))
            result = store.conn.execute("PRAGMA integrity_check").fetchone()[0]
            with suppress(sqlite3.Error):  # fold the restored pages into the main file
                store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except sqlite3.Error as error:
        raise translate(error, store.path) from None
    finally:
        source.close()
    if result != "ok":
        raise DatabaseError(f"{store.path} failed its integrity check after the restore: {result}")


def set_aside(db_path: Path, *, now: datetime | None = None) -> Path | None:
    """Moves an unopenable file (and its -wal/-shm) into backups/<stem>/damaged/; returns the copy."""
    if not db_path.exists():
        return None
    folder = private_folder(backups_dir(db_path) / "damaged", top=backups_dir(db_path).parent)
    target = folder / f"{db_path.name}.{(now or _now()).strftime(_STAMP)}"
    db_file.set_aside(db_path, target)  # a hard link: never a descriptor of a file SQLite may hold
    for suffix in db_file.SIDE_SUFFIXES:
        side = Path(f"{db_path}{suffix}")
        if side.exists():
            # A stale -wal next to the restored file would be replayed into it: move it away.
            db_file.move_aside(side, Path(f"{target}{suffix}"))
    return target


def restore_file(db_path: Path, backup: Path, *, now: datetime | None = None) -> Path | None:
    """Restores a database that cannot be opened: sets the file aside, then renames
    a fresh copy of ``backup`` over it. Returns where the old file was set aside."""
    verify_backup(backup)
    partial = db_path.with_name(f".{db_path.name}.restoring")
    try:
        aside = set_aside(db_path, now=now)
        with suppress(OSError):  # left by a restore that crashed
            partial.unlink()
        create_private_file(partial)  # the restored file is as private as the one it replaces
        with (
            closing(sqlite3.connect(f"{backup.resolve().as_uri()}?mode=ro&immutable=1", uri=True)) as source,
            closing(sqlite3.connect(partial, isolation_level=None)) as dest,
        ):
            source.backup(dest)
            dest.execute("PRAGMA journal_mode = DELETE")
            if dest.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise DatabaseError(f"the copy of {backup} failed its integrity check; {db_path} was not replaced")
        _fsync_file(partial)
        os.replace(partial, db_path)
        _fsync_dir(db_path.parent)
    except sqlite3.Error as error:
        raise translate(error, db_path) from None
    except OSError as error:
        raise DatabaseError(f"cannot restore {db_path}: {error.strerror or error}; the backup is unchanged") from None
    finally:
        with suppress(OSError):
            partial.unlink()
    return aside
