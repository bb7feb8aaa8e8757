"""Run in a fresh process by process_figures: start a window, report when it first painted.

    python -m tests.benchmarks.child_window app|bare DB_PATH

Prints one JSON line: seconds from process start (HASHPLAN_BENCH_T0, time.time() of the
parent just before it spawned us) to the first paint of the window, to the first paint
showing the fleet's figures (app only), and the peak RSS in MB after the data is shown.
"""

from __future__ import annotations

import os
import sys
import time

T0 = float(os.environ.get("HASHPLAN_BENCH_T0", time.time()))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import json  # noqa: E402
import resource  # noqa: E402
from pathlib import Path  # noqa: E402


def _peak_rss_mb() -> float:
    """This process's peak RSS (VmHWM: ru_maxrss would carry the parent's peak across exec)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / (1024 if sys.platform != "darwin" else 1024 * 1024)


def main() -> None:
    mode, db = sys.argv[1], Path(sys.argv[2])
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication, QWidget

    marks: dict[str, float] = {}

    class FirstPaint(QObject):
        """Any paint of any widget inside ``window`` (the window itself may paint nothing)."""

        def __init__(self, app: QApplication, window: QWidget) -> None:
            super().__init__()
            self.window, self.data_ready = window, False
            app.installEventFilter(self)

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and isinstance(watched, QWidget) and watched.window() is self.window:
                marks.setdefault("first_paint", time.time() - T0)
                if self.data_ready:
                    marks.setdefault("data_painted", time.time() - T0)
            return False

    if mode == "bare":
        import pyqtgraph as pg
        from PySide6.QtWidgets import QMainWindow

        app = QApplication(sys.argv[:1])
        window = QMainWindow()
        window.setCentralWidget(pg.PlotWidget())
        window.resize(1280, 800)
        watcher = FirstPaint(app, window)
        window.show()
        started = time.time()
        while "first_paint" not in marks and time.time() - started < 60:
            app.processEvents()
        marks["data_painted"] = marks["first_paint"]
    else:
        from desktop.ui.app import application, open_window

        app = application()
        watcher = FirstPaint(app, None)  # type: ignore[arg-type]  # the window is not made yet
        window = open_window(db, ask=lambda *_: False)
        assert window is not None
        watcher.window = window
        window.refresher.changed.connect(lambda *_: setattr(watcher, "data_ready", True) or window.update())
        started = time.time()
        while "data_painted" not in marks:
            app.processEvents()
            if time.time() - started > 120:
                break
    marks["peak_rss_mb"] = _peak_rss_mb()
    print(json.dumps(marks), flush=True)
    os._exit(0)  # the measurement is done: no teardown in the timing or the output


if __name__ == "__main__":
    main()
