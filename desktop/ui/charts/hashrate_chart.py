"""Deployed vs planned (and operating, as measured) hash rate over time (pyqtgraph), for one
site or all of them."""

from __future__ import annotations

from datetime import date

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QPointF, Qt, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget

from desktop.domain.units import hashrate_unit
from desktop.services.snapshot import FleetSnapshot, empty_curves
from desktop.ui.charts import series_math
from desktop.ui.charts.axes import BEHIND_VIEW_Z, DateAxis, ValueAxis
from desktop.ui.charts.chart_text import empty_text, fit_legend
from desktop.ui.charts.chart_text import mix_colours as _mix
from desktop.ui.charts.chart_text import points as _points
from desktop.ui.charts.series_math import DAY_S, stack, step_lines, to_date, to_seconds, value_at
from desktop.ui.icons import icon

DEPLOYED_COLOUR = "#e8820c"
PLANNED_COLOUR = "#4c6ef5"
TARGET_COLOUR = "#d6336c"
MEASURED_COLOUR = "#2f9e44"
OTHER_COLOUR = "#adb5bd"  # the "Other" band of a stack of many sites (no site colour is grey)
SITE_COLOURS = ("#12b886", "#7950f2", "#fab005", "#15aabf", "#e64980", "#82c91e", "#a0522d", "#fd7e14")
MARGIN_DAYS = 21
DOWNSAMPLE_PER_PIXEL = 1.0  # samples kept per pixel column (pyqtgraph's default: 5)


class HashrateChart(QWidget):
    stacked_toggled = Signal(bool)  # the stacked view needs every site's curves

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel("Hash rate: deployed vs planned", self)
        self.title.setObjectName("panelTitle")
        self.readout = QLabel("", self)
        self.readout.setObjectName("chartReadout")
        self.stacked_box = QCheckBox("Stacked by site", self)
        self.stacked_box.setToolTip("Show the deployed hash rate of each data center stacked (All sites)")
        self.reset_button = QToolButton(self)
        self.reset_button.setIcon(icon("reset-view"))
        self.reset_button.setText("Reset view")
        self.reset_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.reset_button.setToolTip("Fit the whole curve again after zooming or panning")
        self.reset_button.clicked.connect(self.reset_view)
        self.stacked_box.toggled.connect(self._on_stacked_toggled)
        self._stack_wanted = False  # the operator's choice; the box shows it ticked only where it applies
        self.empty_label = QLabel("", self)
        self.empty_label.setObjectName("chartEmpty")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setVisible(False)

        self.axes = (ValueAxis(orientation="left"), DateAxis(orientation="bottom"))
        self.plot_widget = pg.PlotWidget(axisItems={"left": self.axes[0], "bottom": self.axes[1]})
        self.plot_widget.setAccessibleName("Hash rate chart")
        self.plot_widget.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.plot_item: pg.PlotItem = self.plot_widget.getPlotItem()
        # Horizontal lines only: they carry the reading of a value; the date grid cost
        # ~15 ms of every repaint (DateAxisItem ticks) and the x axis already marks dates.
        self.plot_item.showGrid(x=False, y=True, alpha=0.15)
        for axis in self.axes:
            axis.setZValue(BEHIND_VIEW_Z)
        # Peak downsampling keeps each pixel column's lowest and highest value, so one bin
        # per pixel draws the same picture as pyqtgraph's default five, with 1/5 of the
        # points to stroke and fill (a 1,000,000-point pan frame: 45 -> 26 ms, measured).
        self.plot_item.setDownsampling(auto=True, mode="peak")
        self.plot_item.setClipToView(True)
        self.plot_item.getViewBox().setLimits(yMin=0)
        self.plot_item.getAxis("left").enableAutoSIPrefix(False)
        self.plot_item.hideButtons()  # our own reset button replaces pyqtgraph's "A"
        # Bottom right, in rows: the curves rise to the right and a target's label sits above its
        # star, so the top is where lines and labels are (issue #14 item 5).
        self.legend = self.plot_item.addLegend(offset=(-8, -4), colCount=4)

        self.deployed_item = pg.PlotDataItem(autoDownsampleFactor=DOWNSAMPLE_PER_PIXEL)
        # The area under the deployed curve is an item of its own, opaque (a tint of the
        # background) and below the planned line: Qt's raster engine fills a translucent
        # area ~7 ms slower per repaint (a 1,000,000-point pan frame, measured), and under
        # an opaque fill in the line's own item the planned line would disappear. It takes
        # the line's points as drawn (clipped to the view and downsampled), so a pan does
        # that work once, not twice (~2.5 ms of a 1,000,000-point frame).
        self.deployed_fill = pg.PlotCurveItem(pen=None, fillLevel=0.0)
        shown = self.deployed_item.curve
        shown.sigPlotChanged.connect(lambda *_: self.deployed_fill.setData(shown.xData, shown.yData))
        self.planned_item = pg.PlotDataItem(autoDownsampleFactor=DOWNSAMPLE_PER_PIXEL)
        self.target_item = pg.ScatterPlotItem(symbol="star", size=16)
        # The legend shows plain line samples (a filled curve's own sample is a blob).
        self._deployed_sample = pg.PlotDataItem()
        self._planned_sample = pg.PlotDataItem()
        self.legend.addItem(self._deployed_sample, "Deployed (cumulative)")
        self.legend.addItem(self._planned_sample, "Planned (by expected date)")
        # What the miners report (the poll's rollups), beside what the books say.
        self.measured_item = pg.PlotDataItem(autoDownsampleFactor=DOWNSAMPLE_PER_PIXEL)
        self._measured = (np.zeros(0), np.zeros(0))
        self.plot_item.addItem(self.planned_item)
        self.plot_item.addItem(self.deployed_item)
        self.plot_item.addItem(self.deployed_fill, ignoreBounds=True)  # the line's bounds (and 0) already count
        self.plot_item.addItem(self.target_item)
        self.plot_item.addItem(self.measured_item)
        self.measured_item.setZValue(10.5)
        self.deployed_item.setZValue(10)
        self.deployed_fill.setZValue(8)
        self.planned_item.setZValue(9)
        self.target_item.setZValue(11)
        self.today_line = pg.InfiniteLine(angle=90, movable=False, label="today", labelOpts={"position": 0.93})
        self.cursor_line = pg.InfiniteLine(angle=90, movable=False)
        self.cursor_line.setVisible(False)
        self.plot_item.addItem(self.today_line, ignoreBounds=True)
        self.plot_item.addItem(self.cursor_line, ignoreBounds=True)
        self._stack_items: list[pg.PlotDataItem] = []
        self._stack_samples: list[pg.PlotDataItem] = []
        self._target_labels: list[pg.TextItem] = []
        self._user_view = False  # the operator zoomed or panned: refreshes keep the view
        self.plot_item.getViewBox().sigRangeChangedManually.connect(self._on_manual_range)
        self.plot_item.getViewBox().sigXRangeChanged.connect(lambda *_: self._side_target_labels())
        self._mouse = pg.SignalProxy(self.plot_widget.scene().sigMouseMoved, rateLimit=60, slot=self._on_mouse_moved)

        self._snapshot: FleetSnapshot | None = None
        self._site_id: int | None = None
        self._series: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._scale = 1.0
        self._unit = "TH/s"
        self._hovering = False

        bar = QHBoxLayout()
        bar.setSpacing(8)
        bar.addWidget(self.title)
        bar.addSpacing(12)
        bar.addWidget(self.readout, 1)
        bar.addWidget(self.stacked_box)
        bar.addWidget(self.reset_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addLayout(bar)
        layout.addWidget(self.plot_widget, 1)
        self.empty_label.setParent(self.plot_widget)  # over the plot, centred on it
        self.plot_widget.installEventFilter(self)  # resizes
        self.plot_widget.viewport().installEventFilter(self)  # the mouse entering and leaving
        self.apply_palette()

    # -- data ----------------------------------------------------------------------------

    def set_data(self, snapshot: FleetSnapshot) -> None:
        """Draws the snapshot's selection (its site, or all sites)."""
        if snapshot.site_id != self._site_id:
            self._user_view = False
        self._snapshot, self._site_id = snapshot, snapshot.site_id
        self.clear_readout()  # its figures were the last data's (issue #14 item 4)
        self._redraw()

    def set_measured(self, points: tuple[tuple[int, float], ...] | list[tuple[int, float]]) -> None:
        """The operating (measured) curve: (epoch seconds, TH/s) of the selection."""
        xs = np.fromiter((p[0] for p in points), dtype=float, count=len(points))
        ys = np.fromiter((p[1] for p in points), dtype=float, count=len(points))
        self._measured = (xs, ys)
        self._redraw()

    stack_wanted = property(lambda self: self._stack_wanted)  # the operator's choice, remembered

    def set_stack_wanted(self, wanted: bool) -> None:
        """The operator's "Stacked by site" (remembered); it shows on All sites with 2+ sites."""
        if wanted == self._stack_wanted:
            return
        self._stack_wanted = wanted
        self.stacked_toggled.emit(wanted)
        self._redraw()
        self._sync_stacked_box()

    def stack_applies(self) -> bool:
        snapshot = self._snapshot
        return snapshot is not None and self._site_id is None and len(snapshot.sites) > 1

    def _sync_stacked_box(self) -> None:
        """Ticked only while the chart is stacked; disabled where stacking does not apply."""
        applies = self.stack_applies()
        self.stacked_box.blockSignals(True)
        self.stacked_box.setEnabled(applies)
        self.stacked_box.setChecked(applies and self._stack_wanted)
        self.stacked_box.blockSignals(False)

    def series_values(self) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """The corners of each curve: x in UTC epoch seconds, y in TH/s (not scaled)."""
        return {name: (x.copy(), y.copy()) for name, (x, y) in self._series.items()}

    def value_on(self, name: str, day: date) -> float:
        x, y = self._series[name]
        return value_at(x, y, to_seconds(day))

    @property
    def unit(self) -> str:
        return self._unit

    def _redraw(self) -> None:
        if self._snapshot is None:
            return
        snapshot, site_id = self._snapshot, self._site_id
        deployed = _points(snapshot.curves.deployed)
        planned = _points(snapshot.curves.planned)
        self._series = {"deployed": deployed, "planned": planned}
        if len(self._measured[0]):
            self._series["measured"] = self._measured
        targets = snapshot.selection_targets()
        biggest = max([0.0, *deployed[1], *planned[1], *self._measured[1], *(t.ths for t in targets)])
        self._unit, self._scale = hashrate_unit(biggest)
        self.plot_item.setLabel("left", f"Hash rate ({self._unit})")
        # Month ticks carry no year: the axis title names the years the data spans.
        ends = [to_date(xs[i]).year for xs in (deployed[0], planned[0]) if len(xs) for i in (0, -1)]
        ends += [date.today().year] if ends else []  # the default view reaches today
        span = "" if not ends else f"{min(ends)}" if min(ends) == max(ends) else f"{min(ends)} to {max(ends)}"
        self.plot_item.setLabel("bottom", span)

        today = to_seconds(date.today())
        corners = [today, *deployed[0], *planned[0], *(to_seconds(t.due_on) for t in targets)]
        end = max(corners) + MARGIN_DAYS * DAY_S
        xs, ys = step_lines(*deployed, end)
        self.plot_deployed(xs, ys / self._scale)
        xs, ys = step_lines(*planned, end)
        self.planned_item.setData(xs, ys / self._scale)
        self.measured_item.setData(self._measured[0], self._measured[1] / self._scale)
        self.today_line.setPos(today)
        self._draw_targets(targets)
        self._draw_stack(snapshot, end)
        where = snapshot.site_name(site_id)
        self.title.setText(f"Hash rate: {where}")
        self._sync_stacked_box()
        self._show_empty(snapshot, where)
        if not self._user_view:
            self.reset_view()

    def plot_deployed(self, x: np.ndarray, y: np.ndarray) -> None:
        """The deployed line and (following it) the area under it, in the axis unit."""
        self.deployed_item.setData(x, y)
        if not len(x):  # an empty curve sends no change: the area would keep the last site's shape
            self.deployed_fill.setData([], [])

    def _show_empty(self, snapshot: FleetSnapshot, where: str) -> None:
        """A site without batches says so instead of an empty axis (issue #14 item 3)."""
        empty = snapshot.row_count == 0 and not snapshot.selection_targets()
        if empty:
            self.empty_label.setText(empty_text(where if self._site_id is not None else None))
        self.empty_label.setVisible(empty)
        self.legend.setVisible(not empty)
        self.plot_item.getAxis("left").setStyle(showValues=not empty)  # no 0.1-1.0 TH/s scale for nothing
        self._place_empty_label()

    def _place_empty_label(self) -> None:
        self.empty_label.setGeometry(self.plot_widget.rect().adjusted(40, 20, -20, -40))

    def _draw_targets(self, targets: list) -> None:
        for label in self._target_labels:
            self.plot_item.removeItem(label)
        self._target_labels = []
        spots = [{"pos": (to_seconds(t.due_on), t.ths / self._scale)} for t in targets]
        self.target_item.setData(spots)
        in_legend = any(sample.item is self.target_item for sample, _ in self.legend.items)
        if targets and not in_legend:  # "Target" in the legend only when there is one (item 8)
            self.legend.addItem(self.target_item, "Target")
        elif not targets and in_legend:
            self.legend.removeItem(self.target_item)
        measured = bool(len(self._measured[0]))
        measured_in_legend = any(sample.item is self.measured_item for sample, _ in self.legend.items)
        if measured and not measured_in_legend:  # "Operating (measured)" once the miners were polled
            self.legend.addItem(self.measured_item, "Operating (measured)")
        elif not measured and measured_in_legend:
            self.legend.removeItem(self.measured_item)
        for target in targets:
            text = f"target {target.ths / self._scale:,.0f} {self._unit}"
            label = pg.TextItem(text, color=TARGET_COLOUR, anchor=(1.05, 1.1))
            label.setPos(to_seconds(target.due_on), target.ths / self._scale)
            self.plot_item.addItem(label, ignoreBounds=True)
            self._target_labels.append(label)
        self._side_target_labels()

    def _side_target_labels(self) -> None:
        """A label on the left half of the view reads to the right of its star (never cut off)."""
        left, right = self.plot_item.getViewBox().viewRange()[0]
        for label in self._target_labels:
            label.setAnchor((-0.05, 1.1) if label.pos().x() < (left + right) / 2 else (1.05, 1.1))

    def _draw_stack(self, snapshot: FleetSnapshot, end: float) -> None:
        for item in self._stack_items:
            self.plot_item.removeItem(item)
        for sample in self._stack_samples:
            self.legend.removeItem(sample)
        self._stack_items, self._stack_samples = [], []
        stacked = self._stack_wanted and self.stack_applies() and bool(snapshot.curves_by_site)
        self.deployed_fill.setVisible(not stacked)  # the bands fill the area instead
        if not stacked:
            return
        nothing = empty_curves()
        every = [_points(snapshot.curves_by_site.get(site.id or 0, nothing).deployed) for site in snapshot.sites]
        names, layers = series_math.top_layers([site.name for site in snapshot.sites], every, keep=len(SITE_COLOURS))
        x, cumulative = stack(layers)
        for i, (name, layer, y) in enumerate(zip(names, layers, cumulative, strict=True)):
            if not len(layer[0]):
                continue  # nothing deployed there ever: no band
            xs, ys = step_lines(x, y, end)
            colour = QColor(SITE_COLOURS[i] if i < len(SITE_COLOURS) else OTHER_COLOUR)  # never a repeat
            # Opaque (a tint of the background): each layer is filled down to 0 and the lower
            # layers are drawn over the higher ones, so translucent fills would mix colours.
            fill = QColor(_mix(colour, self.palette().color(QPalette.ColorRole.Base), 0.45))
            item = pg.PlotDataItem(
                xs, ys / self._scale, pen=pg.mkPen(colour, width=self.devicePixelRatioF()), fillLevel=0, brush=fill,
                autoDownsampleFactor=DOWNSAMPLE_PER_PIXEL,
            )  # fmt: skip
            item.setZValue(5 - i * 0.01)
            self.plot_item.addItem(item)
            sample = pg.PlotDataItem(pen=pg.mkPen(fill, width=8 * self.devicePixelRatioF()))
            self.legend.addItem(sample, f"Deployed: {name}")
            self._stack_items.append(item)
            self._stack_samples.append(sample)
        self._series.update({f"site:{name}": (x, y) for name, y in zip(names, cumulative, strict=True)})
        self.fit_legend()

    def fit_legend(self) -> None:
        fit_legend(self.legend, self.plot_item.vb.sceneBoundingRect().width() - 16)

    # -- interaction ---------------------------------------------------------------------

    def reset_view(self) -> None:
        """Fits the data, its targets and today (issue #14 item 5: 2021 data seen in 2026)."""
        self._user_view = False
        targets = self._snapshot.selection_targets() if self._snapshot else []
        marks = [(to_seconds(t.due_on), t.ths) for t in targets]
        (left, right), top = series_math.fitted_range(list(self._series.values()), marks, to_seconds(date.today()))
        view = self.plot_item.getViewBox()
        view.setXRange(left, right, padding=0)
        view.setYRange(0, top / self._scale, padding=0)

    def _on_stacked_toggled(self, stacked: bool) -> None:
        self.set_stack_wanted(stacked)  # the operator ticked it (the sync blocks its own signals)

    def _on_manual_range(self, *args: object) -> None:
        self._user_view = True

    def readout_at(self, day: date) -> str:
        if not self._series:
            return ""
        parts = [day.isoformat()]
        for name in ("deployed", "planned"):
            x, y = self._series[name]
            parts.append(f"{name} {value_at(x, y, to_seconds(day)) / self._scale:,.2f} {self._unit}")
        return "   ".join(parts)

    def clear_readout(self) -> None:
        # A move the rate-limiting proxy still holds would otherwise land after the clear (a
        # site switched, the data changed) and put back the old read-out: deliver it first.
        self._mouse.flush()  # (it empties its queue before delivering: no second round)
        self.cursor_line.setVisible(False)
        self.readout.setText("")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.plot_widget.viewport():
            if event.type() == QEvent.Type.Leave:
                self._hovering = False
                self.clear_readout()  # the read-out is for where the mouse is, not where it was
            elif event.type() in (QEvent.Type.Enter, QEvent.Type.MouseMove):
                self._hovering = True
        elif watched is self.plot_widget and event.type() == QEvent.Type.Resize:
            self._place_empty_label()
            self.fit_legend()
        return super().eventFilter(watched, event)

    def _on_mouse_moved(self, event: tuple[QPointF]) -> None:
        pos = event[0]
        # The proxy delivers moves late: one may arrive after the mouse has left.
        inside = self._hovering and self.plot_item.sceneBoundingRect().contains(pos)
        if not inside or not self._series or self.empty_label.isVisible():
            self.clear_readout()
            return
        point = self.plot_item.getViewBox().mapSceneToView(pos)
        try:
            day = to_date(point.x())
        except (OverflowError, OSError, ValueError):
            return
        self.cursor_line.setPos(to_seconds(day))
        self.cursor_line.setVisible(True)
        self.readout.setText(self.readout_at(day))

    # -- look ----------------------------------------------------------------------------

    def apply_palette(self) -> None:
        px = self.devicePixelRatioF()  # cosmetic pens are device pixels: QT_SCALE_FACTOR=2 made hairlines
        palette = self.palette()
        text = palette.color(QPalette.ColorRole.Text)
        muted = QColor(text)
        muted.setAlphaF(0.55)
        self.plot_widget.setBackground(palette.color(QPalette.ColorRole.Base))
        for axis in self.axes:
            axis.set_background(palette.color(QPalette.ColorRole.Base))
        for name in ("left", "bottom"):
            axis = self.plot_item.getAxis(name)
            axis.setPen(pg.mkPen(muted))
            axis.setTextPen(pg.mkPen(text))
        self.legend.setLabelTextColor(text)
        for _sample, label in self.legend.items:  # labels added before keep their old colour
            label.setText(label.text, color=text)
        background = QColor(palette.color(QPalette.ColorRole.Base))
        background.setAlpha(220)
        self.legend.setBrush(pg.mkBrush(background))
        self.legend.setPen(pg.mkPen(muted))
        fill = _mix(QColor(palette.color(QPalette.ColorRole.Base)), QColor(DEPLOYED_COLOUR), 45 / 255)
        self.deployed_item.setPen(pg.mkPen(DEPLOYED_COLOUR, width=2.5 * px))
        self._deployed_sample.setPen(pg.mkPen(DEPLOYED_COLOUR, width=2.5 * px))
        self._planned_sample.setPen(pg.mkPen(PLANNED_COLOUR, width=2 * px, style=Qt.PenStyle.DashLine))
        self.deployed_fill.setBrush(pg.mkBrush(fill))
        self.planned_item.setPen(pg.mkPen(PLANNED_COLOUR, width=2 * px, style=Qt.PenStyle.DashLine))
        self.measured_item.setPen(pg.mkPen(MEASURED_COLOUR, width=2.5 * px))
        self.target_item.setBrush(pg.mkBrush(TARGET_COLOUR))
        self.target_item.setPen(pg.mkPen(TARGET_COLOUR))
        self.today_line.setPen(pg.mkPen(muted, width=1 * px, style=Qt.PenStyle.DotLine))
        self.today_line.label.setColor(muted)
        self.cursor_line.setPen(pg.mkPen(muted, width=1 * px))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            self.apply_palette()
            self._redraw()
        super().changeEvent(event)
