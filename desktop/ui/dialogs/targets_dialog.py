"""Edit ▸ Targets…: every target (site or fleet, hash rate, due date, note) with Add, Edit, Delete.

Like the catalog: the dialog presents, EditActions runs each change as an undoable
command, and the list re-reads after every change made in this window (undo included).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.units import format_hashrate
from desktop.services.fleet import FleetService

TARGET_ID_ROLE = Qt.ItemDataRole.UserRole + 1
COLUMNS = ("For", "Hash rate", "Due by", "Note")


class TargetsDialog(QDialog):
    def __init__(
        self,
        parent: QWidget | None,
        fleet: FleetService,
        on_add: Callable[[], object],
        on_edit: Callable[[int], object],
        on_delete: Callable[[int], object],
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Targets")
        self.fleet = fleet
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setAccessibleName("Targets")
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.count_label = QLabel()
        self.count_label.setObjectName("mutedLabel")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.add_button = self._button("&Add…", "Add a target for a data center or the whole fleet")
        self.edit_button = self._button("&Edit…", "Change the selected target")
        self.delete_button = self._button("&Delete", "Delete the selected target (undoable)")
        self.buttons.rejected.connect(self.reject)
        self.add_button.clicked.connect(lambda: on_add())
        self.edit_button.clicked.connect(lambda: self._with_selected(on_edit))
        self.delete_button.clicked.connect(lambda: self._with_selected(on_delete))
        self.table.itemDoubleClicked.connect(lambda _item: self._with_selected(on_edit))
        self.table.itemSelectionChanged.connect(self._update_buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count_label)
        layout.addWidget(self.buttons)
        self.resize(620, 360)
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
        kept = self.selected_target_id()
        names = {site.id: site.name for site in self.fleet.list_sites()}
        targets = self.fleet.list_targets()
        self.table.setRowCount(len(targets))
        for row, target in enumerate(targets):
            where = "Whole fleet" if target.data_center_id is None else names.get(target.data_center_id, "?")
            cells = (where, format_hashrate(target.ths), target.due_on.isoformat(), target.note)
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(TARGET_ID_ROLE, target.id)
                if column == 1:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, column, item)
            if target.id == kept:
                self.table.selectRow(row)
        count = len(targets)
        self.count_label.setText(
            "No targets yet: Add… sets one." if not count else f"{count} target{'s' * (count != 1)}"
        )
        self._update_buttons()

    def row_texts(self) -> list[tuple[str, ...]]:
        return [
            tuple(self.table.item(row, column).text() for column in range(len(COLUMNS)))
            for row in range(self.table.rowCount())
        ]

    def selected_target_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        return None if not rows else self.table.item(rows[0].row(), 0).data(TARGET_ID_ROLE)

    def _with_selected(self, action: Callable[[int], object]) -> None:
        target_id = self.selected_target_id()
        if target_id is not None:
            action(target_id)

    def _update_buttons(self) -> None:
        chosen = self.selected_target_id() is not None
        self.edit_button.setEnabled(chosen)
        self.delete_button.setEnabled(chosen)
