"""What a database path must be before SQLite is let near it: a regular file we may read.

Only ``os.stat``: the file is never opened here (a FIFO would block an open for ever).
"""

from __future__ import annotations

import os
import shlex
import stat
from pathlib import Path

from desktop.errors import DatabaseError


def missing_database_error(path: Path) -> DatabaseError:
    return DatabaseError(
        f"no database at {path}; `hashplan --db {shlex.quote(str(path))} demo` or the window creates one"
    )


def check_db_path(path: Path, *, must_exist: bool = False) -> bool:
    """True if ``path`` is an existing regular file; False if nothing is there (and
    ``must_exist`` is False). Anything else (a folder, FIFO, device, socket, a path we may
    not look into) is refused with a sentence naming the path."""
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
