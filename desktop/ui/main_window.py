"""The main window: a thin assembly of the panels, the chart, the menus and live refresh."""

from __future__ import annotations

import itertools
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressBar,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop import __version__
from desktop.services.batch_pages import batch_rows_by_id
from desktop.services.session import Session
from desktop.services.snapshot import FleetSnapshot, SnapshotRequest
from desktop.ui.charts.hashrate_chart import HashrateChart
from desktop.ui.database_menu import DatabaseMenu
from desktop.ui.dialogs.lateness_dialog import LatenessDialog
from desktop.ui.dialogs.miners_dialog import MinersDialog
from desktop.ui.dialogs.shortcuts_dialog import ShortcutsDialog
from desktop.ui.edit_actions import EditActions
from desktop.ui.file_transfer_actions import FileTransferActions
from desktop.ui.icons import app_icon, icon
from desktop.ui.live_refresh import POLL_INTERVAL_MS, DataRefresher
from desktop.ui.measured_view import MeasuredView
from desktop.ui.panels.batch_panel import BatchPanel
from desktop.ui.panels.kpi_tiles import KpiTiles
from desktop.ui.panels.site_list_panel import SiteListPanel
from desktop.ui.reliability_actions import ReliabilityActions
from desktop.ui.settings import WindowSettings
from desktop.ui.widgets.readonly_banner import ReadOnlyBanner

READING = "Reading the database..."


class MainWindow(QMainWindow):
    """Implements SelectionContext: actions and dialogs ask it what is selected."""

    def __init__(self, session: Session, settings: WindowSettings | None = None, *, poll_ms: int = POLL_INTERVAL_MS):
        super().__init__()
        self.session = session
        self.settings = settings or WindowSettings()
        self.setWindowTitle(f"Hashplan - {session.path.name}")
        self.setWindowIcon(app_icon())

        self.refresher = DataRefresher(session, self, poll_ms=poll_ms)
        # The first read starts now, on its worker, while the widgets are built and painted;
        # it asks for the site the operator left selected, so that selection needs no second read.
        remembered = SnapshotRequest(self.settings.last_site_id(session.path), by_site=self.settings.chart_stacked())
        self.refresher.start(remembered)
        self.kpi_tiles = KpiTiles(self)
        self.site_list = SiteListPanel(self)
        self.batch_panel = BatchPanel(self)
        self.chart = HashrateChart(self)
        self.chart.set_stack_wanted(self.settings.chart_stacked())
        self._build_measured()
        self._build_layout()
        self.edit_actions = EditActions(self, session, self)
        self._select_next: tuple[str, int] | None = None  # what was just added, once it is read
        self._build_actions()
        self._build_menus()
        self._build_status_bar()

        self.refresher.changed.connect(self._show_snapshot)
        self.refresher.busy_changed.connect(self._set_busy)
        self.refresher.failed.connect(lambda message: self.statusBar().showMessage(message, 10_000))
        self.site_list.site_selected.connect(self._on_site_selected)
        self.batch_panel.model.query_changed.connect(self._on_batch_query_changed)
        self.chart.stacked_toggled.connect(lambda stacked: self.refresher.set_request(by_site=stacked))
        self.batch_panel.batch_activated.connect(self._edit_batch)
        self.kpi_tiles.overdue_clicked.connect(self.batch_panel.show_overdue)
        self.batch_panel.selection_changed.connect(lambda _: self.edit_actions.update_enabled())
        self.edit_actions.site_added.connect(lambda site_id: self._select_when_read("site", site_id))
        self.edit_actions.batch_added.connect(lambda batch_id: self._select_when_read("batch", batch_id))
        self._shown_once = False
        self._restore_settings()
        self._set_busy(self.refresher.is_busy())

    # -- SelectionContext ----------------------------------------------------------------

    def selected_site_id(self) -> int | None:
        return self.site_list.selected_site_id()

    def selected_batch_id(self) -> int | None:
        return self.batch_panel.selected_batch_id()

    # -- assembly ------------------------------------------------------------------------

    def _build_layout(self) -> None:
        self.right_splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.right_splitter.setObjectName("rightSplitter")
        self.right_splitter.addWidget(self.batch_panel)
        self.right_splitter.addWidget(self.chart)
        self.right_splitter.addWidget(self.measured_panel)
        self.right_splitter.setStretchFactor(0, 1)
        self.right_splitter.setStretchFactor(1, 1)
        self.main_splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.main_splitter.setObjectName("mainSplitter")
        self.main_splitter.addWidget(self.site_list)
        self.main_splitter.addWidget(self.right_splitter)
        self.main_splitter.setStretchFactor(1, 1)
        self.main_splitter.setSizes([260, 1100])
        self.right_splitter.setSizes([280, 380, 220])
        for splitter in (self.main_splitter, self.right_splitter):
            splitter.setChildrenCollapsible(False)
            splitter.setHandleWidth(10)
        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(12, 10, 12, 6)
        layout.setSpacing(10)
        if self.session.readonly:  # says so before anyone tries to change something
            self.readonly_banner = ReadOnlyBanner(self.session.path, central)
            layout.addWidget(self.readonly_banner)
        layout.addWidget(self.kpi_tiles)
        layout.addWidget(self.main_splitter, 1)
        self.setCentralWidget(central)
        # Tab: sites -> search -> stage -> model -> table -> chart controls.
        chain = [self.site_list.view, self.batch_panel.search, self.batch_panel.stage_filter]
        chain += [
            self.batch_panel.model_filter,
            self.batch_panel.table,
            self.chart.stacked_box,
            self.chart.reset_button,
        ]
        for first, second in itertools.pairwise(chain):
            self.setTabOrder(first, second)

    def _build_measured(self) -> None:
        """Measured hash rate: tiles, the books-vs-network panel and the polling schedule."""
        self.measured = MeasuredView(self, self.session, self.settings, self.chart, self.selected_site_id)
        self.measured.failed.connect(lambda message: self.statusBar().showMessage(message, 10_000))
        self.measured_tiles, self.measured_panel, self.poller = (
            self.measured.tiles,
            self.measured.panel,
            self.measured.poller,
        )
        self.poller.set_site(self.settings.last_site_id(self.session.path))

    def show_miners(self) -> MinersDialog:
        return self.measured.show_miners(self.refresher.snapshot.site_name(self.selected_site_id()))

    def _build_actions(self) -> None:
        self.find_action = QAction(icon("search"), "&Find batches", self, shortcut=QKeySequence.StandardKey.Find)
        self.find_action.triggered.connect(self.batch_panel.focus_search)
        self.refresh_action = QAction(icon("refresh"), "&Refresh", self, shortcut=QKeySequence.StandardKey.Refresh)
        self.refresh_action.triggered.connect(self.refresher.refresh)
        self.reset_view_action = QAction(icon("reset-view"), "Reset chart &view", self, shortcut="Ctrl+0")
        self.reset_view_action.triggered.connect(self.chart.reset_view)
        self.stacked_action = QAction("&Stacked by site", self, checkable=True)
        self.stacked_action.setChecked(self.chart.stack_wanted)
        self.stacked_action.toggled.connect(self.chart.set_stack_wanted)
        self.chart.stacked_toggled.connect(self.stacked_action.setChecked)
        self.quit_action = QAction("&Quit", self, shortcut=QKeySequence.StandardKey.Quit)
        self.quit_action.triggered.connect(self.close)
        self.lateness_action = QAction("&Late Deliveries by Supplier…", self, shortcut="Ctrl+L")
        self.lateness_action.triggered.connect(self.show_lateness)
        self.shortcuts_action = QAction("&Keyboard Shortcuts", self, shortcut="F1")
        self.shortcuts_action.triggered.connect(self.show_shortcuts)
        self.about_action = QAction("&About Hashplan", self)
        self.about_action.triggered.connect(self.show_about)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        self._build_file_menu(bar.addMenu("&File"))
        edit_menu = bar.addMenu("&Edit")
        toolbar = self.addToolBar("Main")
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for action in self.edit_actions.edit_menu_actions():
            edit_menu.addSeparator() if action is None else edit_menu.addAction(action)
        ea = self.edit_actions
        toolbar.addActions([ea.new_batch, ea.edit_batch, ea.record_event, ea.delete_batch])
        toolbar.addSeparator()
        toolbar.addActions([ea.undo, ea.redo])
        # The toolbar says "Undo" / "Redo" (the menu and tooltip name the change): the buttons
        # after them no longer jump each time the label changes.
        ea.undo.setIconText("Undo")
        ea.redo.setIconText("Redo")
        toolbar.addSeparator()
        self.batch_panel.set_context_actions(ea.batch_context_actions())
        self.site_list.view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.site_list.view.addActions([ea.new_site, ea.edit_site, ea.delete_site])
        edit_menu.addSeparator()
        edit_menu.addAction(self.find_action)
        edit_menu.addAction(self.reliability.show_history)
        toolbar.addAction(self.refresh_action)
        view_menu = bar.addMenu("&View")
        view_menu.addActions([self.refresh_action, self.stacked_action, self.reset_view_action])
        view_menu.addSeparator()
        view_menu.addAction(self.lateness_action)
        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self.shortcuts_action)
        help_menu.addAction(self.about_action)

    def _build_file_menu(self, menu: QMenu) -> None:
        """File: New, Open, Open recent | import/export (their helpers hook in below) | Quit."""
        self.file_menu = menu
        self.database_menu = DatabaseMenu(self, self.settings, lambda: self.session.path, self.switch_to)
        self.database_menu.add_to(menu)
        self.file_transfer_separator = menu.addSeparator()
        # Hook: FileTransferActions (import/export) and reliability actions are added here.
        self.file_transfer = FileTransferActions(
            self, self.session, lambda: self.chart, self.selected_site_id, self.settings
        )
        menu.addActions(self.file_transfer.actions())
        menu.addSeparator()  # Back up now, Restore from backup...; the app opens with a backup
        self.reliability = ReliabilityActions(self, self.session, self, backup_on_open=False)
        menu.addActions(self.reliability.actions())
        self.reliability.message.connect(lambda text: self.statusBar().showMessage(text, 10_000))
        self.reliability.restored.connect(lambda _: self.edit_actions.undo_stack.clear())
        self.reliability.run_change = self.edit_actions.run  # History's undelete goes on the undo stack
        self.file_transfer.imported.connect(self.edit_actions.push_import)  # one undo step per import
        self.file_quit_separator = menu.addSeparator()
        menu.addAction(self.quit_action)

    def _build_status_bar(self) -> None:
        self.busy_bar = QProgressBar(self)
        self.busy_bar.setRange(0, 0)  # indeterminate: reading the database
        self.busy_bar.setMaximumWidth(120)
        self.busy_bar.setMaximumHeight(12)
        self.busy_bar.setTextVisible(False)
        self.busy_bar.setVisible(False)
        home, path = Path.home(), self.session.path
        shown = f"~/{path.relative_to(home)}" if path.is_relative_to(home) else str(path)
        self.path_label = QLabel(shown, self)
        self.path_label.setToolTip(str(path))
        self.path_label.setObjectName("mutedLabel")
        self.statusBar().addPermanentWidget(self.busy_bar)
        self.statusBar().addPermanentWidget(self.path_label)
        if self.session.warning:  # on a network share: say so where the file's name is shown
            self.path_label.setText(f"⚠ {shown} (network share: one machine at a time)")
            self.path_label.setToolTip(self.session.warning)
            self.path_label.setObjectName("warningLabel")
            self.path_label.setStyleSheet("color: #b45309;")

    # -- data flow -----------------------------------------------------------------------

    def _show_snapshot(self, snapshot: FleetSnapshot) -> None:
        self.site_list.set_snapshot(snapshot)  # a vanished site falls back to "All sites"
        pending = self._select_next  # kept until a snapshot holds the new item
        if pending and pending[0] == "site" and self.site_list.model.row_of(pending[1]) >= 0:
            self.site_list.select_site(pending[1])
            self._select_next = None
        site_id = self.selected_site_id()
        self.kpi_tiles.show_figures(snapshot.figures(site_id))
        self.kpi_tiles.show_overdue(snapshot.overdue_count(site_id))
        if snapshot.site_id != site_id:
            return  # the selection moved on: its own read is on the way
        queries = self.session.queries  # further pages, read as the operator scrolls
        self.batch_panel.set_snapshot(snapshot, lambda ids: batch_rows_by_id(queries, ids))
        self.chart.set_data(snapshot)
        if pending and pending[0] == "batch" and self.batch_panel.select_batch(pending[1]):
            self._select_next = None
        self.edit_actions.update_enabled()

    def _select_when_read(self, kind: str, item_id: int) -> None:
        self._select_next = (kind, item_id)

    def _on_site_selected(self, site_id: int | None) -> None:
        self.kpi_tiles.show_figures(self.refresher.snapshot.figures(site_id))  # known already
        self.kpi_tiles.show_overdue(self.refresher.snapshot.overdue_count(site_id))
        self.refresher.set_request(site_id=site_id)
        self.poller.set_site(site_id)
        self.edit_actions.update_enabled()

    def _on_batch_query_changed(self) -> None:
        model = self.batch_panel.model  # filtered, sorted and counted by the worker, in SQL
        self.refresher.set_request(sort=model.sort_spec, batch_filter=model.batch_filter)

    def _set_busy(self, busy: bool) -> None:
        self.busy_bar.setVisible(busy)
        if busy:
            if not self.statusBar().currentMessage():  # a backup's message stays its ten seconds
                self.statusBar().showMessage(READING)
        elif self.statusBar().currentMessage() == READING:
            self.statusBar().clearMessage()

    def _edit_batch(self, batch_id: int) -> None:
        if self.edit_actions.dialog is not None:
            return  # a double-click sends both doubleClicked and activated: one dialog, not two
        if self.batch_panel.select_batch(batch_id):
            self.edit_actions.update_enabled()  # not waiting on the selection signals' order
            self.edit_actions.edit_batch.trigger()

    # -- files ---------------------------------------------------------------------------

    def switch_to(self, path: Path) -> MainWindow | None:
        """Opens ``path`` in a fresh window in this one's place; on failure this one stays."""
        from desktop.ui.app import open_window

        if path.expanduser().resolve() == self.session.path.resolve():
            return self
        self._save_settings()
        window = open_window(path, parent=self, settings=self.settings)
        if window is not None:
            window.setGeometry(self.geometry())
            self.close()
        return window

    def show_lateness(self) -> LatenessDialog:
        site_id = self.selected_site_id()
        rows = self.session.fleet.supplier_lateness(site_id)
        dialog = LatenessDialog(self, rows, self.refresher.snapshot.site_name(site_id))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.lateness_dialog = dialog
        dialog.open()
        return dialog

    def show_shortcuts(self) -> ShortcutsDialog:
        dialog = ShortcutsDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.shortcuts_dialog = dialog
        dialog.open()
        return dialog

    def show_about(self) -> None:
        QMessageBox.about(
            self,
            "About Hashplan",
            f"<b>Hashplan {__version__}</b><p>Plan and track Bitcoin-miner deployments per data center."
            f"<p>Database: <code>{self.session.path}</code>",
        )

    # -- settings ------------------------------------------------------------------------

    def _restore_settings(self) -> None:
        if geometry := self.settings.geometry():
            self.restoreGeometry(geometry)
        else:  # at most 9/10 of the screen: at QT_SCALE_FACTOR=2, 1400 x 900 is bigger than most screens
            room = self.screen().availableGeometry()
            self.resize(min(1400, room.width() * 9 // 10), min(900, room.height() * 9 // 10))
        if state := self.settings.window_state():
            self.restoreState(state)
        self.site_list.select_site(self.settings.last_site_id(self.session.path))

    def _save_settings(self) -> None:
        self.settings.set_geometry(self.saveGeometry())
        self.settings.set_window_state(self.saveState())
        for splitter in (self.main_splitter, self.right_splitter):
            self.settings.set_splitter_state(splitter.objectName(), splitter.saveState())
        self.settings.set_last_site_id(self.session.path, self.selected_site_id())
        self.settings.set_chart_stacked(self.chart.stack_wanted)
        self.settings.sync()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._shown_once:  # splitters take their sizes once laid out at full size
            self._shown_once = True
            QTimer.singleShot(0, self._restore_splitters)

    def _restore_splitters(self) -> None:
        for splitter in (self.main_splitter, self.right_splitter):
            if state := self.settings.splitter_state(splitter.objectName()):
                splitter.restoreState(state)

    def release_file(self) -> None:
        """Stops reading and closes the database; the window stays (disabled) until it closes.

        A restore over a damaged file needs it closed while the window still asks what to do.
        """
        self.refresher.close()
        self.poller.close()  # a poll in flight finishes before the file closes
        self.reliability.wait()  # a backup in flight finishes before the file closes
        self.session.close()
        self.centralWidget().setEnabled(False)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._save_settings()
        self.release_file()
        super().closeEvent(event)
