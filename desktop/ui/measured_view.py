"""Measured hash rate in the window, wired: the poller (its schedule, off the UI thread),
the tiles, the books-vs-network panel, the chart's operating curve and the miners view."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from desktop.errors import HashplanError
from desktop.services.session import Session
from desktop.ui.charts.hashrate_chart import HashrateChart
from desktop.ui.dialogs.miners_dialog import MinersDialog
from desktop.ui.panels.measured_panel import MeasuredPanel, MeasuredTiles
from desktop.ui.settings import WindowSettings
from desktop.ui.workers.measured_poller import DEFAULT_INTERVAL_S, MeasuredPoller, PollOutcome

INTERVAL_KEY = "measured/interval_s"


class MeasuredView(QObject):
    failed = Signal(str)

    def __init__(
        self,
        window: QWidget,
        session: Session,
        settings: WindowSettings,
        chart: HashrateChart,
        selected_site_id: Callable[[], int | None],
    ) -> None:
        super().__init__(window)
        self.window, self.session, self.settings, self.chart = window, session, settings, chart
        self.selected_site_id = selected_site_id
        try:
            interval = int(settings.qsettings.value(INTERVAL_KEY, DEFAULT_INTERVAL_S))
        except (TypeError, ValueError):
            interval = DEFAULT_INTERVAL_S
        self.poller = MeasuredPoller(session, self, interval_s=interval)
        self.tiles = MeasuredTiles(window)
        self.panel = MeasuredPanel(self.poller.interval_s, self.tiles, window)
        self.miners_dialog: MinersDialog | None = None
        self.poller.updated.connect(self._show)
        self.poller.busy_changed.connect(self.panel.set_busy)
        self.poller.failed.connect(self.failed)
        self.panel.poll_requested.connect(self.poller.poll_now)
        self.panel.interval_changed.connect(self.set_interval)
        self.panel.miners_requested.connect(lambda: self.show_miners(None))

    def set_interval(self, seconds: int) -> None:
        self.poller.set_interval(seconds)
        self.settings.qsettings.setValue(INTERVAL_KEY, self.poller.interval_s)

    def set_site(self, site_id: int | None) -> None:
        self.poller.set_site(site_id)

    def _show(self, outcome: PollOutcome) -> None:
        snapshot = outcome.snapshot
        if snapshot.site_id != self.selected_site_id():
            self.poller.set_site(self.selected_site_id())  # the selection moved on: read it
            return
        self.tiles.show_snapshot(snapshot)
        self.panel.show_snapshot(snapshot)
        self.chart.set_measured(snapshot.series)
        if self.miners_dialog is not None and self.miners_dialog.isVisible() and outcome.miner_table is not None:
            self.miners_dialog.set_prepared(outcome.miner_table)  # read and formatted on the worker

    def show_miners(self, site_name: str | None) -> MinersDialog:
        """The miners view of the selected site (or all sites)."""
        site_id = self.selected_site_id()
        title = f"Miners: {site_name or ('All sites' if site_id is None else f'site #{site_id}')}"
        if self.miners_dialog is None:
            self.miners_dialog = MinersDialog(title, self.window, self.session.measured.model_names())
            self.miners_dialog.type_model_chosen.connect(self.set_type_model)
            self.miners_dialog.finished.connect(lambda _: setattr(self.poller, "with_miners", False))
        self.miners_dialog.setWindowTitle(title)
        self.miners_dialog.set_rows(self.session.measured.miners(site_id))
        self.poller.with_miners = True
        self.miners_dialog.show()
        self.miners_dialog.raise_()
        return self.miners_dialog

    def set_type_model(self, reported_type: str, model_name: str) -> None:
        """The user's correction of a type's model; the view and the figures are read again."""
        try:
            self.session.measured.set_type_model(reported_type, model_name)
        except HashplanError as error:
            self.failed.emit(str(error))
            return
        if self.miners_dialog is not None:
            self.miners_dialog.set_rows(self.session.measured.miners(self.selected_site_id()))
        self.poller.refresh()

    def close(self) -> None:
        self.poller.close()
