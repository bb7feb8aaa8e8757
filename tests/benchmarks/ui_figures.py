"""Figures with widgets (offscreen): chart refresh, a 1,000,000-point redraw, UI-thread stalls."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QEventLoop, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from desktop.domain.hashrate import deployed_curve, planned_curve
from desktop.services.session import open_session
from tests.benchmarks.common import Figure, cache_dir, fleet_copy, median_time
from tests.benchmarks.data_figures import import_file

POINTS = 1_000_000


def _app() -> QApplication:
    from desktop.ui.app import application

    return application()


class PaintCounter(QObject):
    """Counts paint events of a widget: proof that a repaint really drew."""

    def __init__(self, widget: QWidget) -> None:
        super().__init__(widget)
        self.count = 0
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


def _wait(done: Callable[[], bool], timeout_s: float) -> None:
    """Runs the real event loop (as app.exec() does) until ``done()``; checked every 50 ms."""
    if done():
        return
    loop = QEventLoop()
    deadline = time.perf_counter() + timeout_s
    check = QTimer()
    check.setInterval(50)
    check.timeout.connect(lambda: loop.quit() if done() or time.perf_counter() > deadline else None)
    check.start()
    loop.exec()
    check.stop()
    if not done():
        raise TimeoutError("the benchmark's work did not finish in time")


def chart_figures(repeat: int = 9) -> list[Figure]:
    from desktop.services.snapshot import SnapshotRequest, build_snapshot
    from desktop.ui.charts.hashrate_chart import HashrateChart

    app = _app()
    path = fleet_copy("chart")
    figures: list[Figure] = []
    with open_session(path) as session:
        chart = HashrateChart()
        chart.resize(1200, 600)
        chart.show()
        snapshot = build_snapshot(session.store, SnapshotRequest())
        chart.set_data(snapshot)
        app.processEvents()
        viewport = chart.plot_widget.viewport()
        painted = PaintCounter(viewport)
        site = session.store.list_sites()[0]
        model = session.store.list_models()[0]
        today = date.today()

        def add_batch() -> None:
            session.fleet.add_batch(site.id, model.id, 120, today, today + timedelta(30))

        def refresh() -> None:  # the chart's own read, its setData, and a synchronous repaint
            chart.set_data(replace(snapshot, curves=session.queries.chart_arrays(None)))
            viewport.repaint()

        before = painted.count
        ours = median_time(refresh, repeat, setup=add_batch)
        assert painted.count >= before + repeat, "the chart did not repaint"
        window_read = median_time(lambda: build_snapshot(session.store, SnapshotRequest()), 5)
        read_only = median_time(lambda: session.queries.chart_arrays(None), repeat)
        paint_only = median_time(viewport.repaint, repeat)

        def replayed() -> None:  # the v2 way: every event loaded and replayed
            store = session.store
            models = {m.id or 0: m for m in store.list_models()}
            batches, events = store.list_batches(), store.events_by_batch()
            deployed_curve(batches, events, models)
            planned_curve(batches, events, models)

        baseline = median_time(replayed, 1)
        figures.append(
            Figure(
                "chart refresh after one new batch (read+setData+repaint)", ours * 1000, "ms", baseline * 1000,
                "same curves by replaying every event", baseline / ours, "<= 50 ms", ours <= 0.050,
                f"of which the curves' read {read_only * 1000:.0f} ms and a bare repaint {paint_only * 1000:.0f} ms "
                f"(grid and date-axis pictures); the window's whole read (summary, table page, curves) "
                f"{window_read * 1000:.0f} ms",
            )
        )  # fmt: skip
        chart.close()
    figures.append(_redraw_figure(app))
    return figures


def _redraw_figure(app: QApplication, repeat: int = 15) -> Figure:
    """One frame of a pan over a 1,000,000-point series: our chart vs a plain PlotWidget."""
    from desktop.ui.charts.hashrate_chart import HashrateChart

    rng = np.random.default_rng(1)
    start = (date(2016, 1, 1) - date(1970, 1, 1)).days * 86_400.0
    x = start + np.arange(POINTS, dtype=np.float64) * 300.0  # one point every 5 minutes
    y = np.cumsum(rng.random(POINTS))

    chart = HashrateChart()
    chart.resize(1200, 600)
    chart.show()
    chart.plot_deployed(x, y)  # the line and the area under it
    plain = pg.PlotWidget()  # pyqtgraph as it comes: no downsampling, no clip to view
    plain.resize(1200, 600)
    plain.show()
    plain.plot(x, y)
    app.processEvents()

    def frame(widget: pg.PlotWidget) -> Callable[[], None]:
        view = widget.getPlotItem().getViewBox()
        step = [0]

        def pan_and_paint() -> None:
            step[0] += 1
            shift = (step[0] % 7) * 86_400.0 * 30
            view.setXRange(x[0] + shift, x[-1] - shift, padding=0)
            widget.viewport().repaint()

        return pan_and_paint

    ours = median_time(frame(chart.plot_widget), repeat)
    baseline = median_time(frame(plain), max(3, repeat // 3))
    chart.close()
    plain.close()
    return Figure(
        "1,000,000-point series redraw (pan frame)", ours * 1000, "ms", baseline * 1000,
        "pyqtgraph defaults (no downsampling/clip)", baseline / ours, "<= 16 ms", ours <= 0.016,
    )  # fmt: skip


class Heartbeat(QObject):
    """A 10 ms timer on the UI thread; the longest gap between its ticks is the worst stall."""

    def __init__(self) -> None:
        super().__init__()
        self.longest = 0.0
        self._last = time.perf_counter()
        self.timer = QTimer(self)
        self.timer.setInterval(10)
        self.timer.timeout.connect(self._tick)

    def start(self) -> None:
        self.longest, self._last = 0.0, time.perf_counter()
        self.timer.start()

    def stop(self) -> float:
        self._tick()
        self.timer.stop()
        return self.longest

    def _tick(self) -> None:
        now = time.perf_counter()
        self.longest = max(self.longest, now - self._last)
        self._last = now


def stall_figures() -> list[Figure]:
    from desktop.ui.dialogs.export_dialog import ExportDialog
    from desktop.ui.dialogs.import_dialog import ImportDialog

    _app()
    beat = Heartbeat()
    beat.start()
    idle_start = time.perf_counter()
    _wait(lambda: time.perf_counter() - idle_start > 1.0, 5)
    idle = beat.stop()

    source = import_file()
    target = cache_dir() / "stall-import.db"
    for leftover in target.parent.glob(target.name + "*"):
        leftover.unlink()
    figures = []
    with open_session(target) as session:
        dialog = ImportDialog(None, session)
        dialog.show()
        beat.start()
        started = time.perf_counter()
        dialog.set_path(source)  # the preview (parse and check) runs on a worker
        _wait(lambda: dialog.plan is not None and not dialog.is_busy(), 600)
        dialog.start_import()
        _wait(lambda: dialog.outcome is not None or not dialog.is_busy(), 600)
        took = time.perf_counter() - started
        stall = beat.stop()
        assert dialog.outcome is not None, dialog.summary.text()
        figures.append(
            Figure(
                "UI-thread longest stall: import of 100,000 rows", stall * 1000, "ms", idle * 1000,
                "idle heartbeat", stall / idle, "<= 100 ms", stall <= 0.100, f"preview + import took {took:.1f} s",
            )
        )  # fmt: skip
        dialog.close()

    with open_session(fleet_copy("stall-export")) as session:
        dialog = ExportDialog(None, session)
        dialog.set_choices("batches", "csv", cache_dir() / "stall-export.csv")
        dialog.show()
        beat.start()
        started = time.perf_counter()
        dialog.start_export()
        _wait(lambda: dialog.worker is None, 900)
        took = time.perf_counter() - started
        stall = beat.stop()
        assert dialog.outcome is not None, dialog.message.text()
        figures.append(
            Figure(
                "UI-thread longest stall: export of the 1,000,000-event fleet", stall * 1000, "ms", idle * 1000,
                "idle heartbeat", stall / idle, "<= 100 ms", stall <= 0.100, f"export (batches, CSV) took {took:.1f} s",
            )
        )  # fmt: skip
        dialog.close()
    return figures


class PollingHeartbeat(Heartbeat):
    """The heartbeat, each tick also doing what the window's 500 ms poll does: PRAGMA
    data_version on the window's connection (a wait for that connection is a UI stall)."""

    def __init__(self, poll: Callable[[], object]) -> None:
        super().__init__()
        self.timer.timeout.connect(poll)


def backup_stall_figures() -> list[Figure]:
    """The longest UI-thread stall while a backup of the 1M-event fleet runs on its worker:
    ours (the backup on a connection of its own) beside the old way (VACUUM INTO on the
    window's shared connection, behind its lock), in the same run."""
    from PySide6.QtWidgets import QWidget

    from desktop.store import backup as store_backup
    from desktop.ui.reliability_actions import ReliabilityActions

    _app()
    host = QWidget()
    figures = []
    with open_session(fleet_copy("stall-backup")) as session:
        actions = ReliabilityActions(host, session, backup_on_open=False)
        beat = PollingHeartbeat(session.data_version)
        written: list[object] = []
        actions.backup_written.connect(written.append)
        actions.failed.connect(written.append)

        def run(work: Callable[[], object]) -> tuple[float, float]:
            written.clear()
            beat.start()
            started = time.perf_counter()
            actions._run(work, "the backup", written.append, loud=False)  # the worker plumbing the menu uses
            _wait(lambda: bool(written), 900)
            took = time.perf_counter() - started
            return beat.stop(), took

        shared, shared_took = run(lambda: store_backup.create_backup(session.store, rotate_after=False))
        own, own_took = run(lambda: actions.service.backup_now(rotate=False))
        figures.append(
            Figure(
                "UI-thread longest stall: backup of the 1,000,000-event fleet", own * 1000, "ms", shared * 1000,
                "the backup on the window's connection", shared / own, "<= 100 ms", own <= 0.100,
                f"backup took {own_took:.1f} s (on the shared connection {shared_took:.1f} s); the tick polls "
                "data_version on the window's connection as its 500 ms timer does",
            )
        )  # fmt: skip
    return figures
