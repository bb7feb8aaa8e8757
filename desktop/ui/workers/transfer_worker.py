"""Runs one import, export or preview on a QThreadPool thread with progress and cancel.

The job gets its own database connection (opened inside ``job``), never the window's,
so the window keeps reading while the file is processed.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Signal

from desktop.errors import HashplanError
from desktop.gc_pause import gc_paused

log = logging.getLogger(__name__)
Job = Callable[[Callable[[int, int], None], threading.Event], Any]


class TransferSignals(QObject):
    # Emitted from the worker thread; Qt queues them to the dialog's (UI) thread.
    progress = Signal(int, int)
    finished = Signal(object)
    failed = Signal(str)


class TransferWorker(QRunnable):
    """``job(progress, cancel)`` returns the result or raises a HashplanError."""

    def __init__(self, job: Job) -> None:
        super().__init__()
        self.job = job
        self.cancel = threading.Event()
        self.signals = TransferSignals()

    def run(self) -> None:
        try:
            with gc_paused():  # a full GC over the job's records stalled the UI thread ~0.4 s
                result = self.job(self.signals.progress.emit, self.cancel)
        except HashplanError as error:
            self.signals.failed.emit(str(error))
        except Exception as error:  # never let a worker die silently
            log.exception("file transfer failed")
            self.signals.failed.emit(f"unexpected error: {type(error).__name__}: {error}")
        else:
            self.signals.finished.emit(result)
