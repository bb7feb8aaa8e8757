"""Asking the user when a save meets a record another window changed meanwhile.

A dialog that saves with ``version=`` (the row version it read) gets ConflictError if
the record moved on. It calls ``ask_on_conflict`` and acts on the answer:

    try:
        fleet.edit_batch(batch_id, ..., version=opened_version)
    except ConflictError as error:
        choice = ask_on_conflict(self, error)
        if choice is ConflictChoice.OVERWRITE:
            fleet.edit_batch(batch_id, ..., version=fleet.get_batch(batch_id).version)
        elif choice is ConflictChoice.RELOAD:
            ...  # refill the form from fleet.get_batch(batch_id)
        # CANCEL: keep the form open as it is

Nothing is ever overwritten without the user choosing "Save mine anyway".
"""

from __future__ import annotations

from enum import Enum

from PySide6.QtWidgets import QMessageBox, QWidget

from desktop.errors import ConflictError


class ConflictChoice(Enum):
    RELOAD = "reload"  # drop my changes, show what the other window saved
    OVERWRITE = "overwrite"  # save my values on top of theirs (the user said so)
    CANCEL = "cancel"  # back to my form, nothing saved


def conflict_box(parent: QWidget | None, error: ConflictError) -> QMessageBox:
    """The question, built but not shown (tests and callers may open() it themselves)."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("Changed in another window")
    sentence = str(error)
    box.setText(f"{sentence[:1].upper()}{sentence[1:]}.")
    box.setInformativeText(
        "Someone saved this record (another window or the command line) after you opened it. "
        "Load their version, or save yours over it?"
    )
    reload = box.addButton("Load their version", QMessageBox.ButtonRole.AcceptRole)
    overwrite = box.addButton("Save mine anyway", QMessageBox.ButtonRole.DestructiveRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(reload)
    reload.setObjectName("conflictReload")
    overwrite.setObjectName("conflictOverwrite")
    return box


def choice_of(box: QMessageBox) -> ConflictChoice:
    clicked = box.clickedButton()
    name = clicked.objectName() if clicked is not None else ""
    if name == "conflictReload":
        return ConflictChoice.RELOAD
    if name == "conflictOverwrite":
        return ConflictChoice.OVERWRITE
    return ConflictChoice.CANCEL


def ask_on_conflict(parent: QWidget | None, error: ConflictError) -> ConflictChoice:
    """Asks (modal) what to do about a stale save; returns the user's choice."""
    box = conflict_box(parent, error)
    box.exec()
    return choice_of(box)
