"""Miner models…: the catalog as a list (vendor, model, TH/s, W, J/TH) with Add, Edit, Delete.

The dialog only presents: Add/Edit/Delete call back into EditActions, which runs
each change as an undoable command. The list re-reads the catalog after every change
made in this window (FleetService.subscribe), undo included.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.entities import MinerModel
from desktop.services.fleet import FleetService

Index = QModelIndex | QPersistentModelIndex
COLUMNS = ("Vendor", "Model", "TH/s", "W", "J/TH")
NUMERIC = {2, 3, 4}


class CatalogTableModel(QAbstractTableModel):
    """The catalog, one row per miner model, sorted as the store lists it (vendor, name)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.models: list[MinerModel] = []

    def set_models(self, models: list[MinerModel]) -> None:
        self.beginResetModel()
        self.models = list(models)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self.models)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight if section in NUMERIC else Qt.AlignmentFlag.AlignLeft)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        model = self.models[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                model.vendor,
                model.name,
                f"{model.ths:,g}",
                f"{model.watts:,g}",
                f"{model.efficiency_j_per_th:,.1f}",
            )[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            horizontal = Qt.AlignmentFlag.AlignRight if index.column() in NUMERIC else Qt.AlignmentFlag.AlignLeft
            return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.UserRole:
            return model.id
        return None

    def row_of(self, model_id: int) -> int:
        return next((row for row, m in enumerate(self.models) if m.id == model_id), -1)


class CatalogDialog(QDialog):
    def __init__(
        self,
        parent: QWidget | None,
        fleet: FleetService,
        on_add: Callable[[], object],
        on_edit: Callable[[int], object],
        on_delete: Callable[[int], object],
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Miner models")
        self.setModal(True)
        self.fleet = fleet
        self.table_model = CatalogTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.table_model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        rows = self.table.verticalHeader()
        rows.setVisible(False)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 10)  # list-dense, not form-tall
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for column in NUMERIC:  # room for 5-digit watts and their header
            header.resizeSection(column, self.fontMetrics().horizontalAdvance("00,000.0") + 24)
        self.count_label = QLabel()
        self.count_label.setObjectName("mutedLabel")

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.add_button = self._button("&Add…", "Add a miner model (TH/s and W) to the catalog")
        self.edit_button = self._button("&Edit…", "Change the selected model's name, TH/s or W")
        self.delete_button = self._button("&Delete", "Delete the selected model (only if no batch uses it)")
        self.buttons.rejected.connect(self.reject)
        self.add_button.clicked.connect(lambda: on_add())
        self.edit_button.clicked.connect(lambda: self._with_selected(on_edit))
        self.delete_button.clicked.connect(lambda: self._with_selected(on_delete))
        self.table.doubleClicked.connect(lambda _: self._with_selected(on_edit))
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())

        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count_label)
        layout.addWidget(self.buttons)
        self.resize(660, 440)

        self._listener = lambda _action: self.reload()
        fleet.subscribe(self._listener)
        self.finished.connect(lambda _: fleet.unsubscribe(self._listener))
        self.reload()

    def _button(self, text: str, tip: str) -> QPushButton:
        button = self.buttons.addButton(text, QDialogButtonBox.ButtonRole.ActionRole)
        button.setToolTip(tip)
        button.setAutoDefault(False)
        return button

    def reload(self) -> None:
        """Re-reads the catalog, keeping the selected model selected when it is still there."""
        kept = self.selected_model_id()
        self.table_model.set_models(self.fleet.list_models())
        count = self.table_model.rowCount()
        self.count_label.setText(f"{count:,} model{'s' if count != 1 else ''} in the catalog")
        if kept is not None:
            self.select_model(kept)
        self._update_buttons()

    def selected_model_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        return self.table_model.data(rows[0], Qt.ItemDataRole.UserRole) if rows else None

    def select_model(self, model_id: int) -> bool:
        row = self.table_model.row_of(model_id)
        if row < 0:
            return False
        self.table.selectRow(row)
        return True

    def _with_selected(self, action: Callable[[int], object]) -> None:
        model_id = self.selected_model_id()
        if model_id is not None:
            action(model_id)

    def _update_buttons(self) -> None:
        selected = self.selected_model_id() is not None
        self.edit_button.setEnabled(selected)
        self.delete_button.setEnabled(selected)
