"""View ▸ Late Deliveries by Supplier…: average days late, share late and overdue batches (item 9)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.lateness import SupplierLateness

COLUMNS = ("Supplier", "Deployed batches", "Average days late", "Share late", "Overdue now")


class LatenessDialog(QDialog):
    def __init__(self, parent: QWidget | None, rows: list[SupplierLateness], where: str) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Late deliveries by supplier: {where}")
        note = QLabel(
            "Days late: a fully deployed batch's last deployment minus its expected date (negative: early). "
            "Overdue: past the expected date with units not yet deployed."
        )
        note.setWordWrap(True)
        note.setObjectName("mutedLabel")
        self.table = QTableWidget(len(rows), len(COLUMNS), self)
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        for row, r in enumerate(rows):
            deployed = bool(r.batches)
            cells = (
                r.supplier or "(no supplier)",
                f"{r.batches:,}",
                f"{r.average_days_late:+.1f}" if deployed else "-",
                f"{r.share_late:.0%}" if deployed else "-",
                f"{r.overdue:,}",
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, column, item)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.resize(640, 320)

    def row_texts(self) -> list[tuple[str, ...]]:
        return [
            tuple(self.table.item(row, column).text() for column in range(len(COLUMNS)))
            for row in range(self.table.rowCount())
        ]
