"""The data-center list on the left: name, deployed / planned and a thin progress bar."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPersistentModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from desktop.services.snapshot import FleetSnapshot
from desktop.ui.models.site_list_model import DETAIL_ROLE, FIGURES_ROLE, PROGRESS_ROLE, SITE_ID_ROLE, SiteListModel

PADDING = 8
BAR_HEIGHT = 5


class SiteDelegate(QStyledItemDelegate):
    """Two lines and a bar; colours come from the palette so dark mode just works."""

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        line = option.fontMetrics.height()
        return QSize(180, PADDING * 2 + line * 2 + 4 + BAR_HEIGHT + 2)

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        self.initStyleOption(option, index)
        style = option.widget.style() if option.widget else None
        painter.save()
        option.text = ""
        if style:  # the selection/hover background of the platform style
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, option.widget)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        palette = option.palette
        text_colour = palette.color(QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text)
        muted = QColor(text_colour)
        muted.setAlphaF(0.7)
        rect = option.rect.adjusted(PADDING + 2, PADDING, -PADDING - 2, -PADDING)
        line = option.fontMetrics.height()

        bold = QFont(option.font)
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(text_colour)
        name_rect = QRect(rect.left(), rect.top(), rect.width(), line)
        name = painter.fontMetrics().elidedText(str(index.data()), Qt.TextElideMode.ElideRight, rect.width())
        painter.drawText(name_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, name)

        painter.setFont(option.font)
        painter.setPen(muted)
        detail_rect = QRect(rect.left(), rect.top() + line + 2, rect.width(), line)
        progress = float(index.data(PROGRESS_ROLE) or 0.0)
        painter.drawText(
            detail_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, index.data(DETAIL_ROLE)
        )
        figures = index.data(FIGURES_ROLE)
        percent = f"{progress * 100:.1f} %" if figures is not None and figures.planned_ths else ""
        painter.drawText(detail_rect, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, percent)

        bar = QRect(rect.left(), rect.top() + 2 * line + 6, rect.width(), BAR_HEIGHT)
        track = QColor(text_colour)
        track.setAlphaF(0.18)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(track)
        painter.drawRoundedRect(bar, 2, 2)
        fill = QColor(text_colour) if selected else palette.color(QPalette.ColorRole.Highlight)
        painter.setBrush(fill)
        filled = QRect(bar.left(), bar.top(), round(bar.width() * max(0.0, min(1.0, progress))), bar.height())
        if filled.width() > 0:
            painter.drawRoundedRect(filled, 2, 2)
        painter.restore()


class SiteListPanel(QWidget):
    site_selected = Signal(object)  # int | None: None means all sites

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = SiteListModel(self)
        self.view = QListView(self)
        self.view.setObjectName("siteList")
        self.view.setModel(self.model)
        self.view.setItemDelegate(SiteDelegate(self.view))
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setUniformItemSizes(True)
        self.view.setAccessibleName("Data centers")
        self.view.selectionModel().currentChanged.connect(self._on_current_changed)
        title = QLabel("Data centers", self)
        title.setObjectName("panelTitle")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(title)
        layout.addWidget(self.view)
        self._wanted: int | None = None
        self.setMinimumWidth(200)

    def set_snapshot(self, snapshot: FleetSnapshot) -> None:
        wanted = self.selected_site_id() if self.view.currentIndex().isValid() else self._wanted
        self.model.set_snapshot(snapshot)
        self.select_site(wanted)

    def selected_site_id(self) -> int | None:
        index = self.view.currentIndex()
        return index.data(SITE_ID_ROLE) if index.isValid() else self._wanted

    def select_site(self, site_id: int | None) -> None:
        """Selects a site by id (falls back to "All sites" when it is gone)."""
        self._wanted = site_id
        row = self.model.row_of(site_id)
        if row < 0:
            if self.model.rowCount() == 0:
                return  # not loaded yet: applied with the first snapshot
            row = 0
        index = self.model.index(row)
        if index != self.view.currentIndex():
            self.view.selectionModel().setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)

    def _on_current_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        if current.isValid():
            self._wanted = current.data(SITE_ID_ROLE)
            self.site_selected.emit(self._wanted)
