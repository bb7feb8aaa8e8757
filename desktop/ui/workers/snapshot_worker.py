"""Reads a FleetSnapshot on a QThreadPool thread through the reader's own read-only connection."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QRunnable, Signal

from desktop.errors import HashplanError
from desktop.services.snapshot import ReadCancelled, SnapshotReader, SnapshotRequest

log = logging.getLogger(__name__)


class SnapshotSignals(QObject):
    # Emitted from the worker thread; Qt queues them to the receiver's (UI) thread.
    loaded = Signal(object, int)  # FleetSnapshot, request number
    failed = Signal(str, int)  # a sentence for people, request number
    cancelled = Signal(int)  # request number: a newer request stopped this read


class SnapshotWorker(QRunnable):
    def __init__(self, connection: SnapshotReader, request: SnapshotRequest, number: int) -> None:
        super().__init__()
        self.connection = connection
        self.request = request
        self.number = number
        self.signals = SnapshotSignals()

    def run(self) -> None:
        try:
            snapshot = self.connection.read(self.request)
        except ReadCancelled:
            self.signals.cancelled.emit(self.number)
        except HashplanError as error:
            self.connection.close()  # reopen next time: the file may have been replaced
            self.signals.failed.emit(str(error), self.number)
        except Exception as error:  # never let a worker die silently
            log.exception("reading the fleet failed")
            self.connection.close()
            self.signals.failed.emit(f"reading the database failed: {type(error).__name__}: {error}", self.number)
        else:
            self.signals.loaded.emit(snapshot, self.number)
