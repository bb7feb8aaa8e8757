"""The database file as the operating system sees it: the one module that touches it outside SQLite.

Why this module exists: POSIX advisory locks belong to a process and a file, not to a
descriptor. Closing *any* descriptor of the database file (a header read, a copy, a
checksum) drops every lock the process holds on it, including those SQLite's own open
connections rely on. Another process's SQLite then believes it is the last connection,
checkpoints and deletes the -wal and -shm that this process still writes into: its later
commits go to a deleted file and are lost ("How To Corrupt An SQLite Database File",
section 2.2). Measured before this module: one `hashplan sites` while the window was open
left the window holding `f.db-wal (deleted)` and `f.db-shm (deleted)`.

So, in this process:

- the checks before opening use ``stat`` only (``check_before_open``): the file's bytes are
  read by SQLite alone, which shares one descriptor per file among its connections and
  defers closing it while any of them holds a lock;
- every connection the store opens is recorded here (``track``), and ``guard_raw_opens``
  installs an audit hook that refuses a Python-level ``open`` of a tracked file or its
  -wal/-shm/-journal while one of its connections is open: a slip becomes an error at the
  slip, not a silently lost write in another window;
- the one raw operation the app needs on the file, setting a damaged file aside before a
  restore, hard-links it (no descriptor at all) and copies only when no connection of this
  process is open on it.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import sys
from _thread import allocate_lock  # threading's Lock, without importing threading (a start-up cost)
from _weakref import ref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from desktop.errors import DatabaseError, NotHashplanFileError

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (a start-up cost)
if TYPE_CHECKING:
    from typing import Any

SIDE_SUFFIXES = ("-wal", "-shm", "-journal")


class RawOpenError(RuntimeError):
    """Code of this process tried to open an open database file outside SQLite (a bug)."""


_lock = allocate_lock()
_open_counts: dict[str, int] = {}  # realpath of a database file -> its connections open in this process
_guard_installed = False
_allowed = 0  # > 0 inside raw_access_allowed()


def _key(path: str | os.PathLike[str]) -> str:
    return os.path.realpath(os.fspath(path))


def is_open_here(path: str | os.PathLike[str]) -> bool:
    """A connection of this process is open on ``path`` (the database file itself)."""
    with _lock:
        return _key(path) in _open_counts


def _forget(key: str) -> None:
    with _lock:
        left = _open_counts.get(key, 0) - 1
        if left > 0:
            _open_counts[key] = left
            return
        _open_counts.pop(key, None)


class _Release:
    """Forgets a connection once: when it closes, or when it is collected unclosed (what
    weakref.finalize does; the weakref and threading modules cost ~2 ms of a command's start)."""

    __slots__ = ("key", "watch")

    def __init__(self, conn: TrackedConnection, key: str) -> None:
        self.key: str | None = key
        self.watch = ref(conn, self)
        _watching.add(self)

    def __call__(self, _collected: object = None) -> None:
        key, self.key = self.key, None
        if key is not None:
            _watching.discard(self)
            _forget(key)


_watching: set[_Release] = set()  # keeps each watch (a weak reference with its callback) alive


class TrackedConnection(sqlite3.Connection):
    """A sqlite3 connection whose file is known to be open until it is closed (or collected)."""

    _tracked_key: str | None = None
    _release: _Release | None = None

    def close(self) -> None:
        super().close()
        if self._release is not None:
            self._release()


def track(conn: TrackedConnection, path: str | os.PathLike[str]) -> None:
    """Records that ``conn`` is open on ``path`` until it closes."""
    key = _key(path)
    with _lock:
        _open_counts[key] = _open_counts.get(key, 0) + 1
    conn._tracked_key = key
    conn._release = _Release(conn, key)


def _database_of(target: str) -> str | None:
    """The tracked database ``target`` (a path being opened) belongs to, if any."""
    key = _key(target)  # resolves links and relative paths: a few lstat calls, no open
    name = os.path.basename(key)
    for suffix in SIDE_SUFFIXES:
        if name.endswith(suffix):
            key = key[: -len(suffix)]
            break
    return key if key in _open_counts else None


def refuse_as_output(path: str | os.PathLike[str]) -> None:
    """Refuses to let a file be written (replaced) at ``path`` when it is a database this
    process has open, or one of its -wal/-shm/-journal: an export given the database's own
    name replaced the fleet with a CSV (the rename needs no open, so the audit hook cannot
    see it)."""
    database = _database_of(os.fspath(path))
    if database is not None:
        raise DatabaseError(
            f"cannot write {path}: it is the database Hashplan has open ({database}); choose another file name"
        )


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if event != "open" or not _open_counts or _allowed:
        return
    target = args[0] if args else None
    if isinstance(target, bytes):
        target = os.fsdecode(target)
    if not isinstance(target, str):
        return  # a descriptor (os.fdopen) or None
    database = _database_of(target)
    if database is not None:
        raise RawOpenError(
            f"{target} was about to be opened outside SQLite while this process has {database} open in "
            "SQLite; closing it would drop SQLite's locks and let another process delete the live -wal "
            "(refused; this is a bug in Hashplan)"
        )


def guard_raw_opens() -> None:
    """Installs (once per process; audit hooks cannot be removed) the check on Python's ``open``."""
    global _guard_installed
    with _lock:
        if _guard_installed:
            return
        _guard_installed = True
    sys.addaudithook(_audit)


@contextmanager
def raw_access_allowed() -> Iterator[None]:
    """Lets this process open its open database files outside SQLite, knowingly: for tests that
    copy a live file to simulate a crash. The app itself never needs it."""
    global _allowed
    with _lock:
        _allowed += 1
    try:
        yield
    finally:
        with _lock:
            _allowed -= 1


def missing_database_error(path: Path) -> DatabaseError:
    import shlex  # only for this message

    return DatabaseError(
        f"no database at {path}; `hashplan --db {shlex.quote(str(path))} demo` or the window creates one"
    )


def check_db_path(path: Path, *, must_exist: bool = False) -> bool:
    """True if ``path`` is an existing regular file; False if nothing is there (and
    ``must_exist`` is False). Anything else (a folder, FIFO, device, socket, a path we may
    not look into) is refused with a sentence naming the path. ``stat`` only: an open of a
    FIFO would block for ever, and an open of a live database would drop its locks."""
    if str(path).lower().startswith(("postgresql:", "postgres:")):
        # a server URL made into a path (its // folded to /) would become a SQLite file named like it
        raise DatabaseError(f"{path}: a server URL taken as a file path; give it as postgresql://... to --db")
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        if must_exist:
            raise missing_database_error(path) from None
        return False
    except PermissionError:
        raise DatabaseError(f"{path}: permission denied; the file cannot be read") from None
    except NotADirectoryError:
        raise DatabaseError(f"{path}: a folder in this path is a file") from None
    except (OSError, ValueError) as error:  # ValueError: a NUL in the path
        reason = getattr(error, "strerror", None) or str(error)
        raise DatabaseError(f"{path}: cannot be read ({reason})") from None
    if stat.S_ISDIR(mode):
        raise DatabaseError(f"{path} is a folder, not a database file")
    if not stat.S_ISREG(mode):
        raise DatabaseError(f"{path} is not a regular file (a pipe, socket or device), not a database file")
    return True


def check_before_open(path: Path) -> os.stat_result | None:
    """What can be known of ``path`` without opening it: None when missing; refuses what
    ``check_db_path`` refuses, and an empty or unreadable file."""
    if not check_db_path(path):
        return None
    status = path.stat()
    if status.st_size == 0:
        raise NotHashplanFileError(f"{path} is empty (0 bytes), not a Hashplan database")
    if not os.access(path, os.R_OK):
        raise DatabaseError(f"{path}: permission denied; the file cannot be read")
    return status


def set_aside(source: Path, target: Path) -> None:
    """Puts ``source`` (a database or one of its side files) at ``target``, keeping ``source``.

    A hard link needs no descriptor; a copy (another file system, or one without hard links)
    is made only when no connection of this process is open on the database."""
    try:
        os.link(source, target)
        return
    except OSError:
        pass
    database = _database_of(os.fspath(source)) or (_key(source) if is_open_here(source) else None)
    if database is not None:
        raise DatabaseError(f"{source} is open; it cannot be copied aside now (close its window first)")
    import shutil  # only here: the rest of the app never copies a database file

    shutil.copy2(source, target)


def move_aside(source: Path, target: Path) -> None:
    """Moves a side file (-wal/-shm/-journal) away: a rename, or a copy and delete across file systems."""
    try:
        os.replace(source, target)
    except OSError:
        set_aside(source, target)
        source.unlink()


NETWORK_FILESYSTEMS = frozenset(
    {
        *("nfs", "nfs4", "cifs", "smb3", "smbfs", "ncpfs", "afs", "9p", "ceph", "glusterfs", "lustre", "gpfs"),
        *("beegfs", "davfs", "fuse.sshfs", "fuse.glusterfs", "fuse.cephfs", "fuse.davfs2", "fuse.s3fs"),
        "fuse.rclone",
    }
)


def network_filesystem(path: Path, mountinfo: str | None = None) -> str | None:
    """The network file system type ``path`` lies on (``nfs4``, ``cifs``...), or None when local
    or unknown. SQLite's locking is not reliable over SMB/NFS: two machines on one file can
    corrupt it. Linux reads /proc/self/mountinfo; Windows asks for the drive type."""
    target = os.path.realpath(path if path.exists() else path.parent)
    if sys.platform == "win32":
        return _windows_network_drive(target)
    if mountinfo is None:
        try:
            mountinfo = Path("/proc/self/mountinfo").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None
    best, best_type = "", ""
    for line in mountinfo.splitlines():
        left, sep, right = line.partition(" - ")
        fields = left.split()
        if not sep or len(fields) < 5 or not right.split():
            continue
        mount_point = fields[4].replace("\\040", " ")
        inside = target == mount_point or target.startswith(mount_point.rstrip("/") + "/")
        if inside and len(mount_point) >= len(best):
            best, best_type = mount_point, right.split()[0]
    return best_type if best_type in NETWORK_FILESYSTEMS else None


def _windows_network_drive(target: str) -> str | None:
    if target.startswith("\\\\"):
        return "a network share"
    import ctypes

    drive_remote = 4
    root = os.path.splitdrive(target)[0] + "\\"
    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    return "a network drive" if kernel32.GetDriveTypeW(root) == drive_remote else None


def network_warning(path: Path) -> str | None:
    """A sentence for people when ``path`` is on a network file system, else None."""
    kind = network_filesystem(path)
    if kind is None:
        return None
    return (
        f"{path} is on a network file system ({kind}): SQLite's file locking is not safe there, so use this "
        "file from one machine at a time (two machines writing to it can corrupt it); keep it on a local disk"
    )
