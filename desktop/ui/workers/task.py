"""One helper for every piece of work off the UI thread (the shape of Picard's ``run_task`` and
napari's ``create_worker``): a backup, an import, an export, a preview, the window's reads.

``run_task(pool, work, ...)`` runs ``work(progress, cancel)`` on ``pool``; what it returns
comes back as ``result``, a failure as ``error`` (a sentence for people: a HashplanError's
own, or "<what> failed: unexpected ..." with the traceback in the log, never a dead
worker), ``progress(done, total)`` as it goes. Signals are emitted from the worker and
queued by Qt to the receivers' (UI) thread. ``task.cancel`` is a threading.Event the work
checks. Running tasks are counted, and ``wait_for_tasks`` waits for them at shutdown.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from desktop.errors import HashplanError
from desktop.runtime import gc_paused, ui_gets_the_gil

log = logging.getLogger(__name__)
Progress = Callable[[int, int], None]
Work = Callable[[Progress, threading.Event], Any]

_running = 0
_running_lock = threading.Condition()
# Tasks whose outcome has not reached the UI thread yet: held here so that their signals
# object lives until then (a caller need not keep the task).
_alive: set[Task] = set()


class TaskSignals(QObject):
    progress = Signal(int, int)
    result = Signal(object)
    error = Signal(str)


@contextmanager
def bulk_work() -> Iterator[None]:
    """For work that builds many objects (a transfer): no GC pause on the UI thread, and the
    UI thread gets the GIL back quickly (desktop/runtime.py)."""
    with gc_paused(), ui_gets_the_gil():
        yield


class Task(QRunnable):
    def __init__(self, work: Work, what: str, settings: Callable[[], AbstractContextManager[Any]] = nullcontext):
        super().__init__()
        self.work = work
        self.what = what
        self.settings = settings
        self.cancel = threading.Event()
        self.signals = TaskSignals()

    def run(self) -> None:
        global _running
        try:
            with self.settings():
                result = self.work(self.signals.progress.emit, self.cancel)
        except HashplanError as error:
            log.warning("%s failed: %s", self.what, error)
            self.signals.error.emit(str(error))
        except Exception as error:  # never a silent dead worker, never a traceback for people
            log.exception("%s failed", self.what)
            self.signals.error.emit(f"{self.what} failed: unexpected {type(error).__name__}: {error}")
        else:
            self.signals.result.emit(result)
        finally:
            with _running_lock:
                _running -= 1
                _running_lock.notify_all()


def run_task(
    pool: QThreadPool,
    work: Work,
    what: str,
    *,
    on_result: Callable[[Any], None] | None = None,
    on_error: Callable[[str], None] | None = None,
    on_progress: Progress | None = None,
    settings: Callable[[], AbstractContextManager[Any]] = nullcontext,
) -> Task:
    """Starts ``work`` on ``pool``. Connect slots of QObjects (or pass them here) so they run on
    the UI thread. The returned task carries ``cancel``."""
    global _running
    task = Task(work, what, settings)
    task.setAutoDelete(False)  # Python owns it: released once its outcome reached the UI thread
    _alive.add(task)
    if on_result is not None:
        task.signals.result.connect(on_result)
    if on_error is not None:
        task.signals.error.connect(on_error)
    if on_progress is not None:
        task.signals.progress.connect(on_progress)
    task.signals.result.connect(lambda _: _alive.discard(task))  # after the caller's slots
    task.signals.error.connect(lambda _: _alive.discard(task))
    with _running_lock:
        _running += 1
    pool.start(task)
    return task


def running_tasks() -> int:
    return _running


def wait_for_tasks(timeout_s: float | None = None) -> bool:
    """Blocks until no task runs (shutdown); False if ``timeout_s`` passed first."""
    with _running_lock:
        return _running_lock.wait_for(lambda: _running == 0, timeout_s)
