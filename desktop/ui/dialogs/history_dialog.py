"""History: the audit trail of one batch or of everything, exportable, with undelete."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import HashplanError
from desktop.services.changes import Change, UndeleteBatch
from desktop.services.history import HistoryEntry, export_csv, history, history_size
from desktop.services.session import Session
from desktop.ui import file_dialogs

log = logging.getLogger(__name__)
Index = QModelIndex | QPersistentModelIndex
COLUMNS = ("When", "Action", "Record", "Id", "Change")
MAX_SHOWN = 20_000  # the newest; Export writes the same rows


class HistoryModel(QAbstractTableModel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.entries: list[HistoryEntry] = []

    def set_entries(self, entries: list[HistoryEntry]) -> None:
        self.beginResetModel()
        self.entries = entries
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self.entries)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            if section == 0:  # the zone the times are shown in (the file keeps UTC)
                return f"When ({datetime.now().astimezone().strftime('%Z, UTC%z')})"
            return COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        h = self.entries[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            values = (h.when_local, h.entry.action, h.record, "" if h.entry.entity_id is None else h.entry.entity_id)
            return values[index.column()] if index.column() < 4 else h.change_text()
        return None


class HistoryDialog(QDialog):
    batch_restored = Signal(int)

    def __init__(
        self,
        session: Session,
        batch_id: int | None = None,
        parent: QWidget | None = None,
        run: Callable[[Change], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.run = run or (lambda change: change.perform())  # the window's undo stack, when it has one
        self.batch_id = batch_id
        self.setWindowTitle("History")
        self.resize(980, 560)

        self.scope = QComboBox(self)
        if batch_id is not None:
            self.scope.addItem(f"Batch #{batch_id}", batch_id)
        self.scope.addItem("Everything", None)
        self.count_label = QLabel(self)
        self.count_label.setObjectName("mutedLabel")
        self.model = HistoryModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(0, 150)
        self.table.setColumnWidth(1, 220)
        self.restore_button = QPushButton("Restore deleted batch", self)
        self.restore_button.setEnabled(False)
        self.restore_button.setToolTip("Puts the selected deleted batch back, with its id and all its events")
        self.export_button = QPushButton("Export CSV...", self)
        close = QPushButton("Close", self)

        top = QHBoxLayout()
        top.addWidget(QLabel("Show:", self))
        top.addWidget(self.scope)
        top.addStretch(1)
        top.addWidget(self.count_label)
        bottom = QHBoxLayout()
        bottom.addWidget(self.restore_button)
        bottom.addStretch(1)
        bottom.addWidget(self.export_button)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)

        self.scope.currentIndexChanged.connect(lambda _: self.reload())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.restore_button.clicked.connect(self.restore_selected)
        self.export_button.clicked.connect(self.ask_export)
        close.clicked.connect(self.accept)
        self.reload()

    def reload(self) -> None:
        batch_id = self.scope.currentData()
        shown = history(self.session, batch_id, newest=MAX_SHOWN)  # only those are read
        total = len(shown) if batch_id is not None or len(shown) < MAX_SHOWN else history_size(self.session)
        self.model.set_entries(shown)
        more = f" (newest {len(shown):,} of {total:,})" if total > len(shown) else ""
        self.count_label.setText(f"{len(shown):,} entries{more}")
        self._update_buttons()

    def selected_entry(self) -> HistoryEntry | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.entries[rows[0].row()] if rows else None

    def _update_buttons(self) -> None:
        entry = self.selected_entry()
        writable = not self.session.readonly
        self.restore_button.setEnabled(writable and entry is not None and entry.is_batch_delete)
        self.export_button.setEnabled(bool(self.model.entries))

    def restore_selected(self) -> None:
        entry = self.selected_entry()
        if entry is None or not entry.is_batch_delete:
            return
        change = UndeleteBatch(self.session.fleet, entry)  # undoable like every other change
        try:
            self.run(change)
        except HashplanError as error:
            QMessageBox.warning(self, "Batch not restored", str(error))
            return
        batch = change.batch
        assert batch is not None
        log.info("restored batch #%s from history entry #%s", batch.id, entry.entry.id)
        self.batch_restored.emit(batch.id or 0)
        self.reload()

    def export_to(self, path: Path) -> int:
        return export_csv(self.model.entries, path)

    def ask_export(self) -> None:
        suggested = self.session.path.parent / f"{self.session.path.stem}-history.csv"
        name, _ = file_dialogs.save_file_name(self, "Export history", str(suggested), "CSV files (*.csv)")
        if not name:
            return
        try:
            count = self.export_to(Path(name))
        except HashplanError as error:
            QMessageBox.warning(self, "History not exported", str(error))
            return
        self.count_label.setText(f"{count:,} entries written to {Path(name).name}")
