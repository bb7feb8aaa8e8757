"""Runs one import, export or preview on a QThreadPool thread with progress and cancel.

The job gets its own database connection (opened inside ``job``), never the window's,
so the window keeps reading while the file is processed.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Signal

from desktop.errors import HashplanError
from desktop.gc_pause import gc_paused

log = logging.getLogger(__name__)
Job = Callable[[Callable[[int, int], None], threading.Event], Any]
UI_SWITCH_S = 0.001  # how long the UI thread may wait for the GIL while a transfer runs (Python's default: 5 ms)

_switch_lock = threading.Lock()
_switch_users = 0
_switch_saved = 0.0


@contextmanager
def ui_gets_the_gil() -> Iterator[None]:
    """A shorter GIL switch interval while transfers run (one setting for the process).

    PySide takes the GIL for each Python slot, timer and queued signal; a worker running
    Python code hands it over only after the switch interval, so the UI thread paid up to
    5 ms several times per event-loop turn: gaps of 30-90 ms in its 10 ms heartbeat during
    an XLSX export of the 1,000,000-event fleet, none over 25 ms at 1 ms (the export was
    not slower: the worker gives the GIL up only when another thread asks for it).
    """
    global _switch_users, _switch_saved
    with _switch_lock:
        _switch_users += 1
        if _switch_users == 1:
            _switch_saved = sys.getswitchinterval()
            sys.setswitchinterval(min(_switch_saved, UI_SWITCH_S))
    try:
        yield
    finally:
        with _switch_lock:
            _switch_users -= 1
            if _switch_users == 0:
                sys.setswitchinterval(_switch_saved)


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
            # A full GC over the job's records stalled the UI thread ~0.4 s; see ui_gets_the_gil.
            with gc_paused(), ui_gets_the_gil():
                result = self.job(self.signals.progress.emit, self.cancel)
        except HashplanError as error:
            self.signals.failed.emit(str(error))
        except Exception as error:  # never let a worker die silently
            log.exception("file transfer failed")
            self.signals.failed.emit(f"unexpected error: {type(error).__name__}: {error}")
        else:
            self.signals.finished.emit(result)
