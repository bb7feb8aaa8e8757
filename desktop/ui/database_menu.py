"""File > New database, Open, Open server database, Open recent: pick a file, then the window opens it in its place."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMenu, QWidget

from desktop.server_address import ServerAddress
from desktop.ui import file_dialogs
from desktop.ui.dialogs.server_dialog import ServerDatabaseDialog
from desktop.ui.settings import WindowSettings

FILTER = "Hashplan databases (*.db);;All files (*)"


class DatabaseMenu(QObject):
    def __init__(
        self,
        parent: QWidget,
        settings: WindowSettings,
        current: Callable[[], Path],
        open_path: Callable[[Path], object],
    ) -> None:
        super().__init__(parent)
        self.parent_widget = parent
        self.settings = settings
        self.current = current  # the open database's path
        self.open_path = open_path
        self.new_action = QAction("&New database...", parent, shortcut="Ctrl+Shift+N")  # Ctrl+N: new batch
        self.new_action.setStatusTip("Create an empty database file and open it")
        self.new_action.triggered.connect(self.new_database)
        self.open_action = QAction("&Open...", parent, shortcut=QKeySequence.StandardKey.Open)
        self.open_action.setStatusTip("Open another database file")
        self.open_action.triggered.connect(self.open_database)
        self.server_action = QAction("Open &server database...", parent)
        self.server_action.setStatusTip("Open a PostgreSQL database your team shares")
        self.server_action.triggered.connect(self.open_server_database)
        self.recent_menu = QMenu("Open &recent", parent)
        self.recent_menu.aboutToShow.connect(self.fill_recent_menu)

    def add_to(self, menu: QMenu) -> None:
        menu.addAction(self.new_action)
        menu.addAction(self.open_action)
        menu.addAction(self.server_action)
        menu.addMenu(self.recent_menu)

    def new_database(self) -> None:
        # An existing file is opened, never overwritten: hence no overwrite question.
        path, _ = file_dialogs.save_file_name(
            self.parent_widget,
            "New database",
            str(self.current().parent / "fleet.db"),
            FILTER,
            options=QFileDialog.Option.DontConfirmOverwrite,
        )
        if path:
            self.open_path(Path(path))

    def open_database(self) -> None:
        path, _ = file_dialogs.open_file_name(self.parent_widget, "Open database", str(self.current().parent), FILTER)
        if path:
            self.open_path(Path(path))

    def open_server_database(self) -> ServerDatabaseDialog:
        current = self.current()
        dialog = ServerDatabaseDialog(
            self.parent_widget, current.without_password() if isinstance(current, ServerAddress) else ""
        )
        dialog.accepted.connect(lambda: self.open_path(dialog.address()))  # type: ignore[arg-type]
        dialog.open()
        self.dialog = dialog
        return dialog

    def fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        for path in self.settings.recent_files():
            self.recent_menu.addAction(str(path), lambda p=path: self.open_path(p))
        if self.recent_menu.isEmpty():
            self.recent_menu.addAction("No recent databases").setEnabled(False)
