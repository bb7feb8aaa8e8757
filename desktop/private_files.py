"""Files and folders only their user can read: backups and logs carry the whole fleet.

Modes are set when a file is created (``os.open`` with 0600), never after: a backup made
0644 and tightened once complete was read by another local user while it was written.
The process umask is not used: it is process-wide, and the window's threads share it.
"""

from __future__ import annotations

import logging.handlers
import os
import stat
from pathlib import Path

from desktop.errors import DatabaseError

FILE_MODE = 0o600
FOLDER_MODE = 0o700


def _owned_by_me(status: os.stat_result) -> bool:
    return os.name == "nt" or status.st_uid == os.getuid()


def private_folder(folder: Path, *, top: Path) -> Path:
    """Makes ``folder`` and any missing parent up to and including ``top`` with mode 0700.

    An existing level from ``top`` down (or a link there) that another user owns is refused:
    a ``backups`` link planted in a shared folder would send the fleet's copy to them.
    """
    levels = [folder, *folder.parents]
    chain = levels[: levels.index(top) + 1] if top in levels else [folder]
    for level in reversed(chain):
        try:
            status = level.lstat()
        except FileNotFoundError:
            try:
                level.mkdir(mode=FOLDER_MODE)
            except FileExistsError:  # another process made it meanwhile: check it below
                pass
            except OSError as error:
                raise DatabaseError(f"cannot create the folder {level}: {error.strerror}") from None
            status = level.lstat()
        if stat.S_ISLNK(status.st_mode):
            if not _owned_by_me(status):
                raise DatabaseError(f"{level} is a link made by another user; nothing is written through it")
            status = level.stat()
        if not stat.S_ISDIR(status.st_mode):
            raise DatabaseError(f"{level} is not a folder")
        if not _owned_by_me(status):
            raise DatabaseError(f"{level} belongs to another user; nothing is written there")
    return folder


def create_private_file(path: Path) -> None:
    """Creates ``path`` empty with mode 0600 (never following a link; refused if it exists)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    os.close(os.open(path, flags, FILE_MODE))


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """The log, and each file rotation starts, created 0600."""

    def _open(self):  # type: ignore[no-untyped-def]
        flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND
        fd = os.open(self.baseFilename, flags, FILE_MODE)
        if os.name != "nt":
            os.fchmod(fd, FILE_MODE)  # a log made 0644 by an older version
        return os.fdopen(fd, self.mode, encoding=self.encoding, errors=self.errors)
