"""Python's cyclic garbage collector, run on the UI thread only (a timer), never on a worker.

An automatic collection runs on whichever thread allocates when a threshold is crossed. On a
worker it can be the one that frees a window left in a reference cycle, so Qt objects were
destroyed off their own thread: a test run hung with the snapshot worker inside ~QMenu,
holding Qt's connection lock and waiting for the GIL, while the UI thread held the GIL and
waited for that lock. pyqtgraph's GarbageCollector does the same for the same reason; this
one also leaves the collector alone while a worker has it paused (desktop/runtime.py).
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication

from desktop import runtime

INTERVAL_MS = 1000


class UiThreadCollector(QObject):
    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setInterval(INTERVAL_MS)
        self.timer.timeout.connect(self.collect)
        self.timer.start()

    def collect(self) -> int | None:
        """Collects the oldest generation over its threshold, as the automatic collector would;
        returns it (None: nothing due, or a worker has the collector paused)."""
        if runtime.is_paused():
            return None
        counts, limits = gc.get_count(), gc.get_threshold()
        due = [generation for generation in (2, 1, 0) if counts[generation] > limits[generation]]
        if not due:
            return None
        gc.collect(due[0])
        return due[0]


def install(app: QApplication) -> UiThreadCollector:
    """Turns automatic collection off and collects on ``app``'s thread instead (once per app)."""
    existing = app.findChild(UiThreadCollector)
    if existing is not None:
        return existing
    gc.disable()
    runtime.keep_disabled()
    return UiThreadCollector(app)
