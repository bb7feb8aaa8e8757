"""The figures on top: deployed, planned, % of plan, in transit, power against capacity."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QMouseEvent, QResizeEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from desktop.domain.hashrate import SiteFigures
from desktop.domain.units import format_hashrate, format_mw

COMPACT_BELOW = 1300  # the tiles' width under which figures use the compact font


class KpiTile(QFrame):
    clicked = Signal()

    def __init__(self, key: str, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("kpiTile")
        self.setProperty("warning", False)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMinimumWidth(112)  # six tiles fit a 790-pixel window
        self.key = key
        self.title_label = QLabel(title, self)
        self.title_label.setObjectName("kpiTitle")
        self.value_label = QLabel("-", self)
        self.value_label.setObjectName("kpiValue")
        self.value_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail_label = QLabel("", self)
        self.detail_label.setObjectName("kpiDetail")
        # Details may be cut on a narrow window (the tooltip has them): tiles must not set its width.
        for label in (self.title_label, self.value_label, self.detail_label):
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.setSpacing(2)
        layout.addWidget(self.title_label)
        layout.addWidget(self.value_label)
        layout.addWidget(self.detail_label)

    def show_figure(self, value: str, detail: str, *, warning: bool = False) -> None:
        self.value_label.setText(value)
        self.detail_label.setText(detail)
        self.setToolTip(f"{self.title_label.text()}: {value}\n{detail}")
        self.setAccessibleDescription(f"{self.title_label.text()}: {value}, {detail}")
        if bool(self.property("warning")) != warning:
            self.setProperty("warning", warning)
            self.style().unpolish(self)  # re-apply the [warning="true"] style sheet rule
            self.style().polish(self)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(event.position().toPoint()):
            self.clicked.emit()
        super().mouseReleaseEvent(event)

    @property
    def warning(self) -> bool:
        return bool(self.property("warning"))


class KpiTiles(QWidget):
    """Six tiles; ``show_figures`` fills them from one SiteFigures (a site or the total)."""

    overdue_clicked = Signal()  # the window filters the table to the overdue batches

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("kpiTiles")
        self.setProperty("compact", False)
        self.tiles: dict[str, KpiTile] = {}
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        for key, title in (
            ("deployed", "Deployed hash rate"),
            ("planned", "Planned hash rate"),
            ("percent", "% of plan"),
            ("in_transit", "Units in transit"),
            ("power", "Deployed power / capacity"),
            ("overdue", "Overdue batches"),
        ):
            tile = KpiTile(key, title, self)
            self.tiles[key] = tile
            layout.addWidget(tile)
        self.figures: SiteFigures | None = None
        self.tiles["overdue"].clicked.connect(self.overdue_clicked)
        self.tiles["overdue"].setCursor(Qt.CursorShape.PointingHandCursor)

    def show_figures(self, figures: SiteFigures) -> None:
        self.figures = figures
        units = figures.units
        self.tiles["deployed"].show_figure(format_hashrate(figures.deployed_ths), f"{units.deployed:,} units hashing")
        self.tiles["planned"].show_figure(format_hashrate(figures.planned_ths), f"{units.active:,} active units")
        self.tiles["percent"].show_figure(
            f"{figures.percent_of_plan:.1f} %", f"{units.ordered:,} ordered, {units.on_site:,} on site"
        )
        self.tiles["in_transit"].show_figure(f"{units.in_transit:,}", "units shipped, not delivered")
        capacity = "no capacity set" if figures.capacity_mw is None else f"of {format_mw(figures.capacity_mw)}"
        detail = f"{capacity}, planned {format_mw(figures.planned_power_mw)}"
        if figures.deployed_ths:  # fleet efficiency: nominal W / TH/s over the deployed units
            detail += f"; {figures.deployed_power_mw * 1_000_000 / figures.deployed_ths:.1f} J/TH"
        if figures.over_capacity:  # the warning alone: it is what the operator must read
            detail = f"planned load {format_mw(figures.planned_power_mw)} exceeds {format_mw(figures.capacity_mw)}"
        self.tiles["power"].show_figure(format_mw(figures.deployed_power_mw), detail, warning=figures.over_capacity)

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Smaller figures on a narrow window (1024 pixels cut "145.56 PH/s" at 19 pt)."""
        super().resizeEvent(event)
        compact = event.size().width() < COMPACT_BELOW
        if bool(self.property("compact")) != compact:
            self.setProperty("compact", compact)
            for label in self.findChildren(QLabel):
                label.style().unpolish(label)
                label.style().polish(label)
            self.updateGeometry()  # the compact font makes the row shorter: the window's layout must know

    def show_overdue(self, count: int) -> None:
        detail = "past their expected date" if count else "none past its expected date"
        self.tiles["overdue"].show_figure(f"{count:,}", detail, warning=count > 0)
        self.tiles["overdue"].setToolTip(f"Overdue batches: {count:,}\n{detail}\nClick to list them")

    def texts(self) -> dict[str, str]:
        """What the operator reads on each tile (tests compare it with ``summary --json``)."""
        return {key: tile.value_label.text() for key, tile in self.tiles.items()}
