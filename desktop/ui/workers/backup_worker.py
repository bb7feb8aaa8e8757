"""Runs a backup or a restore on a QThreadPool thread; the result comes back as a signal."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Signal

from desktop.errors import HashplanError

log = logging.getLogger(__name__)


class TaskSignals(QObject):
    # Emitted from the worker thread; Qt queues them to the receiver's (UI) thread.
    done = Signal(object)
    failed = Signal(str)


class BackupTask(QRunnable):
    """Calls ``work()`` off the UI thread. ``work`` must not touch widgets nor notify listeners."""

    def __init__(self, work: Callable[[], Any], what: str) -> None:
        super().__init__()
        self.work = work
        self.what = what
        self.signals = TaskSignals()

    def run(self) -> None:
        try:
            result = self.work()
        except HashplanError as error:
            log.warning("%s failed: %s", self.what, error)
            self.signals.failed.emit(str(error))
        except Exception as error:  # never a silent dead worker, never a traceback for people
            log.exception("%s failed", self.what)
            self.signals.failed.emit(f"{self.what} failed: unexpected {type(error).__name__}; the log has details")
        else:
            self.signals.done.emit(result)
