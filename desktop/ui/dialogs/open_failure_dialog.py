"""Shown when a database cannot be opened: names the file and the problem, offers a way on."""

from __future__ import annotations

from enum import Enum
from pathlib import Path

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPushButton, QStyle, QVBoxLayout, QWidget

from desktop.errors import HashplanError, NotHashplanFileError
from desktop.services.backups import BackupInfo, newest_good_backup_of
from desktop.ui import file_dialogs


class OpenFailureChoice(Enum):
    RESTORE = "restore"
    OPEN_OTHER = "open other"
    QUIT = "quit"


class OpenFailureDialog(QDialog):
    def __init__(self, path: Path, error: HashplanError, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path = path
        self.error = error
        self.choice = OpenFailureChoice.QUIT
        # Only a damaged or foreign file is replaced by a backup (it is kept aside first);
        # a newer Hashplan's file is never overwritten from here.
        restorable = isinstance(error, NotHashplanFileError)
        self.backup: BackupInfo | None = newest_good_backup_of(path) if restorable else None
        self.setWindowTitle("Cannot open the database")
        self.setMinimumWidth(520)

        layout = QVBoxLayout(self)
        title = QLabel(f"<b>Hashplan cannot open {path.name}</b>", self)
        self.problem = QLabel(str(error), self)
        self.problem.setWordWrap(True)
        self.problem.setObjectName("openFailureProblem")
        where = QLabel(f"File: {path}", self)
        where.setObjectName("mutedLabel")
        where.setWordWrap(True)
        self.advice = QLabel(self._advice(), self)
        self.advice.setWordWrap(True)
        for widget in (title, self.problem, where, self.advice):
            layout.addWidget(widget)

        buttons = QDialogButtonBox(self)
        self.restore_button = QPushButton("Restore newest good backup", self)
        self.restore_button.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_BrowserReload))
        self.restore_button.setEnabled(self.backup is not None)
        self.open_button = QPushButton("Open another file...", self)
        self.quit_button = QPushButton("Quit", self)
        buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.open_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.quit_button, QDialogButtonBox.ButtonRole.RejectRole)
        layout.addWidget(buttons)
        self.restore_button.clicked.connect(lambda: self._choose(OpenFailureChoice.RESTORE))
        self.open_button.clicked.connect(lambda: self._choose(OpenFailureChoice.OPEN_OTHER))
        self.quit_button.clicked.connect(lambda: self._choose(OpenFailureChoice.QUIT))
        (self.restore_button if self.backup is not None else self.open_button).setDefault(True)

    def _advice(self) -> str:
        if self.backup is not None:
            when = self.backup.taken_at.astimezone().strftime("%Y-%m-%d %H:%M")
            return (
                f"The newest good backup is from {when} ({self.backup.name}). Restoring it keeps the "
                "current file in the backups folder (under 'damaged'); nothing is deleted."
            )
        if isinstance(self.error, NotHashplanFileError):
            return "There is no good backup of this file. The file was not changed."
        return "The file was not changed."

    def _choose(self, choice: OpenFailureChoice) -> None:
        self.choice = choice
        if choice is OpenFailureChoice.QUIT:
            self.reject()
        else:
            self.accept()


def handle_open_failure(path: Path, error: HashplanError, parent: QWidget | None = None) -> Path | None:
    """Asks what to do about a file that did not open; returns the file to open next, or None.

    "Restore newest good backup" sets the damaged file aside (backups/<stem>/damaged/)
    and puts the backup in its place, so the same path is returned to open again.
    """
    from PySide6.QtWidgets import QMessageBox

    from desktop.services.backups import restore_unopenable

    dialog = OpenFailureDialog(path, error, parent)
    dialog.exec()
    if dialog.choice is OpenFailureChoice.RESTORE and dialog.backup is not None:
        try:
            restore_unopenable(path, dialog.backup)
        except HashplanError as problem:
            QMessageBox.warning(parent, "Backup not restored", str(problem))
            return None
        return path
    if dialog.choice is OpenFailureChoice.OPEN_OTHER:
        name, _ = file_dialogs.open_file_name(
            parent, "Open database", str(path.parent), "Hashplan databases (*.db);;All files (*)"
        )
        return Path(name) if name else None
    return None
