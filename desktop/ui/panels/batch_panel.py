"""The batch table with its filters: stage, model and free-text search (Ctrl+F)."""

from __future__ import annotations

import math

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QFontMetricsF
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QStyle,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.stages import Stage
from desktop.services.batch_columns import natural_key
from desktop.services.reports import BatchRow
from desktop.services.snapshot import FleetSnapshot
from desktop.ui.models.batch_filter_proxy import BatchFilterProxy
from desktop.ui.models.batch_table_model import BATCH_ID_ROLE, COLUMN_INDEX, BatchTableModel, RowReader
from desktop.ui.panels.overdue_delegate import OVERDUE, OverdueDelegate

SEARCH_PAUSE_MS = 200
SIZE_FROM_ROWS = 60  # rows measured to size the columns: a screenful and a little more


class BatchPanel(QWidget):
    batch_activated = Signal(int)  # double-click or Enter on a batch
    selection_changed = Signal(object)  # int | None

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = BatchTableModel(self)
        self.proxy = BatchFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self._context_actions: list[QAction] = []

        self.title = QLabel("Batches", self)
        self.title.setObjectName("panelTitle")
        self.title.setMinimumWidth(60)  # a narrow window clips the title rather than growing
        self.search = QLineEdit(self)
        self.search.setObjectName("batchSearch")
        self.search.setPlaceholderText("Search batches: model, supplier, notes, status (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search batches")
        self.stage_filter = QComboBox(self)
        self.stage_filter.setAccessibleName("Filter by stage")
        self.stage_filter.addItem("All stages", None)
        for stage in Stage:
            self.stage_filter.addItem(f"With units {stage.label}", stage.value)
        self.stage_filter.addItem("Overdue (past expected, not all deployed)", OVERDUE)
        self.model_filter = QComboBox(self)
        self.model_filter.setAccessibleName("Filter by model")
        self.model_filter.addItem("All models", None)
        for combo in (self.stage_filter, self.model_filter):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(9)
        self.search.setMinimumWidth(120)
        self.count_label = QLabel("", self)
        self.count_label.setObjectName("mutedLabel")

        self.table = QTableView(self)
        self.table.setObjectName("batchTable")
        self.table.setModel(self.proxy)
        self.table.setItemDelegate(OverdueDelegate(self.table, self._row_at))
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setAccessibleName("Batches")
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setHighlightSections(False)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._show_context_menu)
        self.table.doubleClicked.connect(self._on_double_clicked)
        self.table.activated.connect(self._on_double_clicked)
        # A mouse press makes the row current *before* it selects it: only selectionChanged
        # comes after both, so the actions read the clicked row (issue #14 item 1).
        self.table.selectionModel().currentRowChanged.connect(self._emit_selection)
        self.table.selectionModel().selectionChanged.connect(self._emit_selection)

        filters = QHBoxLayout()
        filters.setSpacing(8)
        filters.addWidget(self.title)
        filters.addSpacing(8)
        filters.addWidget(self.search, 3)
        filters.addWidget(self.stage_filter, 1)
        filters.addWidget(self.model_filter, 1)
        filters.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addLayout(filters)
        layout.addWidget(self.table)

        # Typing waits for a pause: each keystroke would otherwise ask the worker for a new selection.
        self._search_pause = QTimer(self, singleShot=True, interval=SEARCH_PAUSE_MS)
        self._search_pause.timeout.connect(self._apply_filters)
        self.search.textChanged.connect(self._search_pause.start)
        self.search.returnPressed.connect(self._apply_filters)
        self.stage_filter.currentIndexChanged.connect(self._apply_filters)
        self.model_filter.currentIndexChanged.connect(self._apply_filters)
        self.proxy.rowsInserted.connect(self._update_count)
        self.proxy.rowsRemoved.connect(self._update_count)
        self.proxy.modelReset.connect(self._update_count)
        self.proxy.layoutChanged.connect(self._update_count)
        self.setTabOrder(self.search, self.stage_filter)
        self.setTabOrder(self.stage_filter, self.model_filter)
        self.setTabOrder(self.model_filter, self.table)
        self._sized = False

    # -- data ----------------------------------------------------------------------------

    def set_snapshot(self, snapshot: FleetSnapshot, read_rows: RowReader | None = None) -> None:
        """Shows the snapshot's batches; ``read_rows(ids)`` reads the pages after its first."""
        selected = self.selected_batch_id()
        self._update_model_filter(snapshot)
        self.model.set_selection(snapshot.row_ids, snapshot.rows, snapshot.row_count, read_rows)
        self.title.setText(f"Batches: {snapshot.site_name(snapshot.site_id)}")
        self.table.setColumnHidden(COLUMN_INDEX["Data center"], snapshot.site_id is not None)  # one site: no need
        if selected is not None:
            self.select_batch(selected)
        self._update_count()
        if not self._sized and self.model.rowCount():
            self._fit_columns()
            self._sized = True

    def _fit_columns(self) -> None:
        """Each column as wide as its title or its widest text in the first rows.

        Qt's resizeColumnsToContents asks the delegate for every cell's size hint (about 8
        roles a cell): 60 rows took 65 ms of the UI thread; measuring the texts takes ~5 ms.
        """
        metrics = QFontMetricsF(self.table.font())  # fractional: Qt's text layout rounds the sum up
        header = self.table.horizontalHeader()
        # What QStyledItemDelegate adds around a text (the focus frame margin + 1 on each side),
        # and the grid line QTableView adds to a column.
        margin = self.table.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, self.table)
        padding = 2 * (margin + 1) + (1 if self.table.showGrid() else 0)
        rows = range(min(self.model.rowCount(), SIZE_FROM_ROWS))
        for column in range(self.model.columnCount()):
            texts = (self.model.data(self.model.index(row, column)) or "" for row in rows)
            widest = max((math.ceil(metrics.horizontalAdvance(text)) for text in texts), default=0)
            self.table.setColumnWidth(column, max(widest + padding, header.sectionSizeHint(column)))

    def _update_model_filter(self, snapshot: FleetSnapshot) -> None:
        wanted = [(m.label, m.id) for m in sorted(snapshot.models, key=lambda m: natural_key(m.label))]
        current = [
            (self.model_filter.itemText(i), self.model_filter.itemData(i)) for i in range(1, self.model_filter.count())
        ]
        if wanted == current:
            return
        chosen = self.model_filter.currentData()
        self.model_filter.blockSignals(True)
        self.model_filter.clear()
        self.model_filter.addItem("All models", None)
        for label, model_id in wanted:
            self.model_filter.addItem(label, model_id)
        self.model_filter.setCurrentIndex(max(0, self.model_filter.findData(chosen)))
        self.model_filter.blockSignals(False)
        self._apply_filters()

    def _apply_filters(self) -> None:
        self._search_pause.stop()
        stage = self.stage_filter.currentData()
        overdue = stage == OVERDUE
        self.proxy.set_filters(
            stage=Stage(stage) if stage and not overdue else None,
            model_id=self.model_filter.currentData(),
            text=self.search.text(),
            overdue=overdue,
        )
        self._update_count()

    def _update_count(self, *args: object) -> None:
        shown, total = self.proxy.rowCount(), self.model.total
        if not self.proxy.is_filtering():
            shown = total  # rows not paged in yet are there all the same
        self.count_label.setText(f"{total:,} batches" if shown == total else f"{shown:,} of {total:,} batches")

    # -- selection -----------------------------------------------------------------------

    def selected_batch_id(self) -> int | None:
        index = self.table.selectionModel().currentIndex()
        if not index.isValid() or not self.table.selectionModel().isRowSelected(index.row(), QModelIndex()):
            return None
        return index.data(BATCH_ID_ROLE)

    def select_batch(self, batch_id: int) -> bool:
        row = self.model.row_of(batch_id)  # a search of the ids (numpy), not a data() call a row
        if row < 0:
            return False
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        self.table.selectionModel().setCurrentIndex(self.proxy.index(row, 0), flags)
        return True

    def show_overdue(self) -> None:
        """The Overdue tile's click: only the overdue batches."""
        self.stage_filter.setCurrentIndex(self.stage_filter.findData(OVERDUE))

    def _row_at(self, index: QModelIndex) -> BatchRow:
        return self.model.row_at(self.proxy.mapToSource(index).row())

    def visible_batch_ids(self) -> list[int]:
        return [int(batch_id) for batch_id in self.model.ids]

    def cell_text(self, batch_id: int, column: str) -> str:
        row = self.model.row_of(batch_id)
        if row < 0:
            raise KeyError(batch_id)
        return str(self.proxy.index(row, COLUMN_INDEX[column]).data())

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def set_context_actions(self, actions: list[QAction]) -> None:
        self._context_actions = actions

    def _show_context_menu(self, pos: QPoint) -> None:
        if not self._context_actions:
            return
        index = self.table.indexAt(pos)
        if index.isValid() and index.data(BATCH_ID_ROLE) is not None:
            self.select_batch(int(index.data(BATCH_ID_ROLE)))  # the menu acts on the row under the mouse
        self._emit_selection()  # the actions follow the selection before the menu shows them
        menu = QMenu(self.table)
        menu.addActions(self._context_actions)
        menu.exec(self.table.viewport().mapToGlobal(pos))

    def _on_double_clicked(self, index: QModelIndex) -> None:
        batch_id = index.data(BATCH_ID_ROLE)
        if batch_id is not None:
            self.batch_activated.emit(int(batch_id))

    def _emit_selection(self, *args: object) -> None:
        self.selection_changed.emit(self.selected_batch_id())
