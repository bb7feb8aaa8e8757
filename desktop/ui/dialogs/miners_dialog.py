"""The miners view of one site (or all): each known miner, its model, firmware, TH/s now vs
ideal, W, J/TH, temperature, last seen and status; sortable and filterable."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.measured import DEGRADED, HASHING, NOT_HASHING, OFFLINE, UNKNOWN_MODEL, UNREADABLE, MinerRow
from desktop.ui.models.miner_table_model import MinerFilterProxy, MinerTableModel, PreparedRow

STATUS_FILTERS = (
    ("All statuses", None),
    ("Not hashing well", "problems"),
    (HASHING, HASHING),
    (DEGRADED, DEGRADED),
    (OFFLINE, OFFLINE),
    (UNKNOWN_MODEL, UNKNOWN_MODEL),
    (NOT_HASHING, NOT_HASHING),
    (UNREADABLE, UNREADABLE),
)


class MinersDialog(QDialog):
    # (reported type, catalog model): the user corrects which model a reported type is
    type_model_chosen = Signal(str, str)

    def __init__(self, title: str, parent: QWidget | None = None, model_names: list[str] | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.resize(1100, 600)
        self.model = MinerTableModel(self)
        self.proxy = MinerFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView(self)
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Filter miners: address, model, firmware...")
        self.search.setClearButtonEnabled(True)
        self.status_filter = QComboBox(self)
        for label, value in STATUS_FILTERS:
            self.status_filter.addItem(label, value)
        self.count_label = QLabel("", self)
        self.search.textChanged.connect(self._filter)
        self.status_filter.currentIndexChanged.connect(self._filter)
        bar = QHBoxLayout()
        bar.addWidget(self.search, 1)
        bar.addWidget(self.status_filter)
        bar.addWidget(self.count_label)
        self.model_choice = QComboBox(self)
        self.model_choice.addItems(model_names or [])
        self.model_choice.setToolTip("The catalog model the selected miner's reported type is")
        self.apply_model = QPushButton("Set model for this type", self)
        self.apply_model.setEnabled(False)
        self.apply_model.clicked.connect(self._choose_model)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.mapping_label = QLabel("", self)
        mapping = QHBoxLayout()
        mapping.addWidget(self.mapping_label, 1)
        mapping.addWidget(self.model_choice)
        mapping.addWidget(self.apply_model)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addLayout(mapping)

    def selected_row(self) -> MinerRow | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        return self.model.rows[self.proxy.mapToSource(rows[0]).row()]

    def _selection_changed(self) -> None:
        row = self.selected_row()
        self.apply_model.setEnabled(row is not None and bool(row.reported_type))
        if row is None or not row.reported_type:
            self.mapping_label.setText("")
            return
        self.mapping_label.setText(f"Miners reporting '{row.reported_type}' run:")
        if row.model:
            self.model_choice.setCurrentText(row.model)

    def _choose_model(self) -> None:
        row = self.selected_row()
        if row is not None and row.reported_type:
            self.type_model_chosen.emit(row.reported_type, self.model_choice.currentText())

    def set_rows(self, rows: list[MinerRow]) -> None:
        self.model.set_rows(rows)
        self._filter()

    def set_prepared(self, entries: list[PreparedRow]) -> None:
        """Rows a worker prepared (texts and sort keys made off the UI thread)."""
        self.model.set_prepared(entries)
        self._filter()

    def _filter(self) -> None:
        self.proxy.set_filters(status=self.status_filter.currentData(), text=self.search.text())
        self.count_label.setText(f"{self.proxy.rowCount():,} of {self.model.rowCount():,} miners")
