"""Edit dialogs that save against the row version they read, and ask when it moved on.

Another window or the command line may save the same record while the form is open;
its version then moves on and our save raises ConflictError. The user is asked
(desktop.ui.conflict): load their version into the form (mine is discarded), save mine
over it (against the version saved now: still one undoable change), or go back to the
form with nothing saved. Nothing is ever overwritten without that explicit choice.
"""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from desktop.errors import ConflictError, HashplanError
from desktop.ui import conflict
from desktop.ui.conflict import ConflictChoice
from desktop.ui.dialogs.form import ValidatedDialog

RELOADED = "Loaded the version saved elsewhere; your changes were discarded. Check it and save again if needed."


class VersionedEditDialog(ValidatedDialog):
    """Subclasses set ``version`` (None for a new record) and implement the two hooks."""

    def __init__(self, parent: QWidget | None, title: str, ok_text: str = "Save") -> None:
        super().__init__(parent, title, ok_text)
        self.version: int | None = None  # the row version the next save goes against
        self.conflict_question: QMessageBox | None = None  # open while the user decides

    def saved_version(self) -> int:
        """The record's version in the file now."""
        raise NotImplementedError

    def reload_saved(self) -> None:
        """Refills the form from the record as saved now (and takes its version)."""
        raise NotImplementedError

    def on_conflict(self, error: ConflictError) -> None:
        try:  # "mine anyway" overwrites the version saved now, not one saved while deciding
            asked_about = self.saved_version()
        except HashplanError as gone:  # deleted elsewhere: nothing left to overwrite
            self.show_error(gone)
            return
        # Non-blocking (open(), not exec()): no nested event loop inside the save.
        box = conflict.conflict_box(self, error)
        self.conflict_question = box
        box.finished.connect(lambda _result: self._answered(box, error, asked_about))
        box.open()

    def _answered(self, box: QMessageBox, error: ConflictError, asked_about: int) -> None:
        self.conflict_question = None
        choice = conflict.choice_of(box)
        box.deleteLater()
        try:
            if choice is ConflictChoice.RELOAD:
                self.reload_saved()
                self.revalidate()
                self.status.setText(RELOADED)
                self.status.setVisible(True)
            elif choice is ConflictChoice.OVERWRITE:
                self.version = asked_about
                self.accept()  # a change saved elsewhere while deciding asks again
            else:
                self.show_error(HashplanError(f"Not saved: {error}. Save again to choose, or Cancel to leave it."))
        except HashplanError as refused:  # e.g. the record was deleted meanwhile
            self.show_error(refused)
