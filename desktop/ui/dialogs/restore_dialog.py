"""Pick a backup to restore: date, size and kind of each, newest first."""

from __future__ import annotations

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

from desktop.services.backups import BackupInfo

_KINDS = {"": "automatic or manual", "before-restore": "taken before a restore"}


def describe_size(size_bytes: int) -> str:
    if size_bytes < 1024 * 1024:
        return f"{size_bytes / 1024:,.0f} KB"
    return f"{size_bytes / 1024 / 1024:,.1f} MB"


class RestoreDialog(QDialog):
    def __init__(self, backups: list[BackupInfo], folder: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.backups = backups
        self.setWindowTitle("Restore from backup")
        self.resize(640, 380)
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Choose the backup to go back to. The data as it is now is backed up first, "
            "so a restore can itself be undone the same way.",
            self,
        )
        intro.setWordWrap(True)
        where = QLabel(f"Backups folder: {folder}", self)
        where.setObjectName("mutedLabel")
        where.setWordWrap(True)
        self.table = QTableWidget(len(backups), 3, self)
        self.table.setHorizontalHeaderLabels(["Taken", "Size", "Kind"])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        for row, info in enumerate(backups):
            taken = QTableWidgetItem(info.taken_at.astimezone().strftime("%Y-%m-%d %H:%M:%S"))
            taken.setToolTip(str(info.path))
            self.table.setItem(row, 0, taken)
            self.table.setItem(row, 1, QTableWidgetItem(describe_size(info.size_bytes)))
            self.table.setItem(row, 2, QTableWidgetItem(_KINDS.get(info.tag, info.tag)))
        self.table.setColumnWidth(0, 180)
        self.empty = QLabel("There are no backups of this database yet (File > Back up now makes one).", self)
        self.empty.setVisible(not backups)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.restore_button = self.buttons.addButton("Restore...", QDialogButtonBox.ButtonRole.AcceptRole)
        self.restore_button.setEnabled(False)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.table.itemSelectionChanged.connect(lambda: self.restore_button.setEnabled(self.chosen() is not None))
        self.table.doubleClicked.connect(lambda _: self.accept() if self.chosen() else None)
        for widget in (intro, where, self.table, self.empty, self.buttons):
            layout.addWidget(widget)
        if backups:
            self.table.selectRow(0)

    def chosen(self) -> BackupInfo | None:
        rows = self.table.selectionModel().selectedRows()
        return self.backups[rows[0].row()] if rows else None
