"""First run: an empty database offers the demo data (the default) or an empty start."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from desktop.services.session import Session


def is_empty(session: Session) -> bool:
    """No batches and no data centers: nothing the operator entered yet."""
    return session.is_empty()


class FirstRunDialog(QMessageBox):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Welcome to Hashplan")
        self.setIcon(QMessageBox.Icon.Information)
        self.setText("<b>This database is empty.</b>")
        self.setInformativeText(
            "Load the demo data (a mining company with 3,819 miners deployed in Kazakhstan, 4,033 on the way "
            "and 2,500 just bought, plus a planned Texas site) to look around, or start with an empty "
            f"database.\n\nDatabase: {session.path}"
        )
        self.demo_button = self.addButton("Load demo data", QMessageBox.ButtonRole.AcceptRole)
        self.empty_button = self.addButton("Start empty", QMessageBox.ButtonRole.RejectRole)
        self.setDefaultButton(self.demo_button)
        self.setEscapeButton(self.empty_button)

    def wants_demo(self) -> bool:
        return self.clickedButton() is self.demo_button


def ask_first_run(session: Session, parent: QWidget | None = None) -> bool:
    """True when the operator chose the demo data."""
    dialog = FirstRunDialog(session, parent)
    dialog.exec()
    return dialog.wants_demo()
