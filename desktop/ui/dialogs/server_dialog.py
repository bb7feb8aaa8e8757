"""File > Open server database...: a libpq URL and, when the server asks for one, a password.

The password is kept in memory only (in the ServerAddress the window opens): never in
QSettings, the recent list or a log. A URL's own options (sslmode, host=/run/dir for a Unix
socket, a service name) pass through to the server as typed.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QWidget

from desktop.server_address import ServerAddress, is_server_url

EXAMPLE = "postgresql://alice@db.example.com/fleet?sslmode=require"


class ServerDatabaseDialog(QDialog):
    def __init__(self, parent: QWidget | None = None, url: str = "", password_needed: bool = False) -> None:
        super().__init__(parent)
        self.setWindowTitle("Open Server Database")
        self.url = QLineEdit(url, self)
        self.url.setPlaceholderText(EXAMPLE)
        self.url.setMinimumWidth(420)
        self.password = QLineEdit(self)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("from PGPASSWORD or ~/.pgpass when empty")
        self.problem = QLabel(self)
        self.problem.setObjectName("errorLabel")
        self.problem.setStyleSheet("color: #c92a2a;")
        self.problem.setWordWrap(True)
        self.problem.setVisible(False)
        hint = QLabel(
            "A PostgreSQL database shared by your team. The password is kept only while the window "
            "is open.",
            self,
        )
        hint.setWordWrap(True)
        hint.setObjectName("mutedLabel")
        form = QFormLayout(self)
        form.addRow(hint)
        form.addRow("&Server URL:", self.url)
        form.addRow("&Password:", self.password)
        form.addRow(self.problem)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)
        if password_needed:
            self.password.setFocus()

    def address(self) -> ServerAddress:
        return ServerAddress(self.url.text().strip(), self.password.text() or None)

    def accept(self) -> None:
        text = self.url.text().strip()
        if not is_server_url(text):
            self.problem.setText(f"Server URL: start with postgresql:// (for example {EXAMPLE})")
            self.problem.setVisible(True)
            self.url.setFocus()
            return
        super().accept()
