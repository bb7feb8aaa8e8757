"""The integrity check a window defers past its first paint, and the gate it puts on writes.

Opening a million-event file with its quick_check first cost ~0.3 s before the window
could show. The desktop opens the file with the check deferred (connection.connect) and
runs it on a worker thread once the window shows; every write waits for it and is
refused if the file turned out damaged, so nothing is ever written into a damaged file.
"""

from __future__ import annotations

from _thread import allocate_lock  # threading's Lock, without importing threading (a start-up cost)
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

from desktop.errors import NotHashplanFileError
from desktop.store import check_seal
from desktop.store.connection import check_integrity


class DeferredCheck:
    """Runs the check once; a caller that comes while it runs waits for its answer."""

    def __init__(self, path: Path, mark: Callable[[], check_seal.Mark] | None = None) -> None:
        self._path = path
        self._mark = mark  # the file's mark now: a sealed file needs no check (check_seal.py)
        self.passed_at: datetime | None = None  # when the check ran and passed (None: sealed or not yet)
        self._lock = allocate_lock()
        self._done = False
        self._damage: str | None = None

    @property
    def done(self) -> bool:
        return self._done

    def run(self) -> None:
        """Returns once the file passed; raises NotHashplanFileError (again on each call) if it is damaged.

        A file that could not be read at all (DatabaseError) is tried again next time.
        """
        with self._lock:
            if not self._done:
                if self._mark is not None and check_seal.is_sealed(self._path, self._mark()):
                    self._done = True
                    return
                try:
                    check_integrity(self._path)
                    self.passed_at = datetime.now(timezone.utc)
                except NotHashplanFileError as error:
                    self._damage = str(error)
                    check_seal.forget(self._path)
                self._done = True
        if self._damage is not None:
            raise NotHashplanFileError(f"{self._damage}; nothing was changed")
