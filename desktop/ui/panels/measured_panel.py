"""Measured hash rate in the window: the operating and uptime tiles, and per site the
reconciliation of the books with the network (deployed units, miners found, hashing,
offline, operating / nominal), a difference flagged; poll now and the polling interval."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.measured import SiteReconciliation
from desktop.domain.units import format_hashrate
from desktop.services.measured import MeasuredSnapshot
from desktop.ui.panels.kpi_tiles import KpiTile
from desktop.ui.workers.measured_poller import MIN_INTERVAL_S

COLUMNS = (
    "Data center",
    "Deployed (books)",
    "Found",
    "Hashing",
    "Offline",
    "Operating",
    "Nominal",
    "Op. / nom.",
    "Check",
)
WARNING = QColor("#c92a2a")


class MeasuredTiles(QWidget):
    """Operating (measured) hash rate and hashing uptime of the selection, one above the other."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.operating = KpiTile("operating", "Operating hash rate", self)
        self.uptime = KpiTile("uptime", "Hashing uptime (24 h)", self)
        for tile in (self.operating, self.uptime):
            tile.setMinimumWidth(250)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        layout.addWidget(self.operating)
        layout.addWidget(self.uptime)
        self.operating.show_figure("-", "no miners polled yet")
        self.uptime.show_figure("-", "5-minute windows hashing")

    def show_snapshot(self, snapshot: MeasuredSnapshot) -> None:
        site = snapshot.selection()
        if not snapshot.polled_miners:
            self.operating.show_figure("-", "no miners found yet: set the site's networks, then scan")
        else:
            self.operating.show_figure(
                format_hashrate(site.measured_ths),
                f"{site.percent_of_nominal:.1f} % of {format_hashrate(site.nominal_ths)} nominal, "
                f"{site.miners_hashing:,} of {site.miners_found:,} hashing",
                warning=site.miners_hashing < 0.9 * site.miners_found,  # a tenth of the miners down
            )
        if snapshot.uptime is None:
            self.uptime.show_figure("-", "5-minute windows hashing (none closed yet)")
        else:
            self.uptime.show_figure(f"{snapshot.uptime * 100:.1f} %", "of miner 5-minute windows hashing")

    def texts(self) -> dict[str, str]:
        return {"operating": self.operating.value_label.text(), "uptime": self.uptime.value_label.text()}


class MeasuredPanel(QWidget):
    """The reconciliation table and the polling controls."""

    poll_requested = Signal()
    interval_changed = Signal(int)
    miners_requested = Signal()

    def __init__(self, interval_s: int, tiles: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tiles = tiles
        self.title = QLabel("Books vs network", self)
        self.title.setObjectName("panelTitle")
        self.status = QLabel("not polled yet", self)
        self.status.setObjectName("mutedLabel")
        # the panel must not widen the window (it shares the column with the batch table)
        self.status.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.poll_button = QPushButton("Poll now", self)
        self.poll_button.setToolTip("Read every known miner once now")
        self.poll_button.clicked.connect(self.poll_requested)
        self.miners_button = QPushButton("Miners...", self)
        self.miners_button.setToolTip("Every known miner of the selection with its last reading")
        self.miners_button.clicked.connect(self.miners_requested)
        self.interval = QSpinBox(self)
        self.interval.setRange(MIN_INTERVAL_S, 3600)
        self.interval.setSuffix(" s")
        self.interval.setPrefix("every ")
        self.interval.setValue(interval_s)
        self.interval.setToolTip("How often the window polls the miners while it is open")
        self.interval.valueChanged.connect(self.interval_changed)
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        bar = QHBoxLayout()
        bar.addWidget(self.title)
        bar.addWidget(self.status, 1)
        bar.addWidget(self.interval)
        bar.addWidget(self.poll_button)
        bar.addWidget(self.miners_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addLayout(bar)
        body = QHBoxLayout()
        body.setSpacing(10)
        # The two tiles scroll when the panel is short: their 180 pixels set the window's
        # minimum height, and at QT_SCALE_FACTOR=2 a 1080-pixel screen has 540 (issue #14 item 6).
        self.tiles_scroll = QScrollArea(self)
        self.tiles_scroll.setWidget(tiles)
        self.tiles_scroll.setWidgetResizable(True)
        self.tiles_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.tiles_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.tiles_scroll.setMinimumWidth(tiles.minimumSizeHint().width())
        self.tiles_scroll.setMinimumHeight(self.table.minimumSizeHint().height())
        body.addWidget(self.tiles_scroll)
        body.addWidget(self.table, 1)
        layout.addLayout(body, 1)

    def set_busy(self, busy: bool) -> None:
        self.poll_button.setEnabled(not busy)
        if busy:
            self.status.setText("polling...")

    def show_snapshot(self, snapshot: MeasuredSnapshot) -> None:
        rows = [*snapshot.reconciliation.sites, snapshot.reconciliation.total]
        polled = snapshot.reconciliation.as_of is not None
        self.table.setRowCount(len(rows))
        for r, site in enumerate(rows):
            unscanned = not polled and site.miners_found == 0  # nothing to compare yet: not a red flag
            for c, text in enumerate(self._cells(site)):
                if c == len(COLUMNS) - 1 and unscanned and site.deployed_units:
                    text = "not scanned yet"
                item = QTableWidgetItem(text)
                if c:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if c == len(COLUMNS) - 1 and text and not unscanned:
                    item.setForeground(QBrush(WARNING))
                    item.setToolTip("Found on the network differs from deployed on the books: a question for the site")
                self.table.setItem(r, c, item)
        when = snapshot.reconciliation.as_of
        self.status.setText("not polled yet" if when is None else f"last poll {datetime.fromtimestamp(when):%H:%M:%S}")

    @staticmethod
    def _cells(site: SiteReconciliation) -> list[str]:
        difference = site.miners_found - site.deployed_units
        check = "" if not site.found_differs else f"found {'+' if difference > 0 else ''}{difference:,} vs books"
        return [
            site.name,
            f"{site.deployed_units:,}",
            f"{site.miners_found:,}",
            f"{site.miners_hashing:,}",
            f"{site.miners_offline:,}",
            format_hashrate(site.measured_ths),
            format_hashrate(site.nominal_ths),
            f"{site.percent_of_nominal:.1f} %" if site.nominal_ths else "-",
            check,
        ]

    def row_texts(self) -> list[list[str]]:
        """What the operator reads in the table (tests compare it with ``poll --json``)."""
        return [
            [self.table.item(r, c).text() for c in range(self.table.columnCount())]
            for r in range(self.table.rowCount())
        ]
