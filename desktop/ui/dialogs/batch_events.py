"""The batch dialog's list of recorded events, each editable and deletable (issue #14 item 7)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.entities import BatchEvent

EVENT_ID_ROLE = Qt.ItemDataRole.UserRole + 1
_COLUMNS = ("Date", "Event", "Units", "Note")


class BatchEventsBox(QGroupBox):
    edit_requested = Signal(int)  # an event id
    delete_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Recorded events", parent)
        self.table = QTableWidget(0, len(_COLUMNS), self)
        self.table.setObjectName("batchEvents")
        self.table.setAccessibleName("Recorded events")
        self.table.setHorizontalHeaderLabels(list(_COLUMNS))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        row = self.fontMetrics().height() + 8
        self.table.verticalHeader().setDefaultSectionSize(row)
        self.table.setMinimumHeight(row * 6 + 4)  # the header and five events without scrolling
        self.edit_button = QPushButton("Edit Event…", self)
        self.delete_button = QPushButton("Delete Event", self)
        self.edit_button.setToolTip("Change the selected event's units, date or note (undoable)")
        self.delete_button.setToolTip("Delete the selected event (undoable)")
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.delete_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.itemDoubleClicked.connect(lambda _item: self._request(self.edit_requested))
        self.edit_button.clicked.connect(lambda: self._request(self.edit_requested))
        self.delete_button.clicked.connect(lambda: self._request(self.delete_requested))
        self._update_buttons()

    def set_events(self, events: list[BatchEvent]) -> None:
        """Oldest first; the selection stays on the same event when it is still there."""
        chosen = self.selected_event_id()
        self.table.setRowCount(len(events))
        for row, event in enumerate(events):
            cells = (event.occurred_on.isoformat(), event.kind.value, f"{event.units:,}", event.note)
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(EVENT_ID_ROLE, event.id)
                if column == 2:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, column, item)
            if event.id == chosen:
                self.table.selectRow(row)
        self.setTitle(f"Recorded events ({len(events)})" if events else "Recorded events: none yet")
        self._update_buttons()

    def selected_event_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        return None if not rows else self.table.item(rows[0].row(), 0).data(EVENT_ID_ROLE)

    def row_texts(self) -> list[tuple[str, ...]]:
        """What the table shows, row by row."""
        return [
            tuple(self.table.item(row, column).text() for column in range(len(_COLUMNS)))
            for row in range(self.table.rowCount())
        ]

    def _update_buttons(self) -> None:
        chosen = self.selected_event_id() is not None
        self.edit_button.setEnabled(chosen)
        self.delete_button.setEnabled(chosen)

    def _request(self, signal: Signal) -> None:
        event_id = self.selected_event_id()
        if event_id is not None:
            signal.emit(event_id)  # type: ignore[attr-defined]
