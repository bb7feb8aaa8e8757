"""Reads a FleetSnapshot on a QThreadPool thread through its own read-only connection."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, Signal

from desktop.errors import HashplanError
from desktop.store import Store
from desktop.ui.workers.snapshot import SnapshotRequest, build_snapshot

log = logging.getLogger(__name__)


class SnapshotSignals(QObject):
    # Emitted from the worker thread; Qt queues them to the receiver's (UI) thread.
    loaded = Signal(object, int)  # FleetSnapshot, request number
    failed = Signal(str, int)  # a sentence for people, request number


class ReadConnection:
    """A read-only Store opened lazily in the worker and reused by later reads.

    Only one worker runs at a time (the refresher's pool has one thread), so the
    connection is never shared between two threads at once.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._store: Store | None = None

    def store(self) -> Store:
        if self._store is None:
            self._store = Store.open(self.path, readonly=True, verify=False)  # the window checked it
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


class SnapshotWorker(QRunnable):
    def __init__(self, connection: ReadConnection, request: SnapshotRequest, number: int) -> None:
        super().__init__()
        self.connection = connection
        self.request = request
        self.number = number
        self.signals = SnapshotSignals()

    def run(self) -> None:
        try:
            snapshot = build_snapshot(self.connection.store(), self.request)
        except HashplanError as error:
            self.connection.close()  # reopen next time: the file may have been replaced
            self.signals.failed.emit(str(error), self.number)
        except Exception as error:  # never let a worker die silently
            log.exception("reading the fleet failed")
            self.connection.close()
            self.signals.failed.emit(f"reading the database failed: {type(error).__name__}: {error}", self.number)
        else:
            self.signals.loaded.emit(snapshot, self.number)
