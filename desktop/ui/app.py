"""Starts the desktop app: QApplication, look, the database (first run), the main window."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from desktop import __version__
from desktop.errors import HashplanError, NotHashplanFileError
from desktop.paths import APP_NAME, resolve_db_path
from desktop.server_address import ServerAddress
from desktop.services.demo import load_demo
from desktop.services.session import Session, open_session
from desktop.ui import ui_thread_gc
from desktop.ui.dialogs.open_failure_dialog import handle_open_failure
from desktop.ui.dialogs.server_dialog import ServerDatabaseDialog
from desktop.ui.first_run import ask_first_run, is_empty
from desktop.ui.icons import app_icon
from desktop.ui.look import apply_look
from desktop.ui.main_window import MainWindow
from desktop.ui.settings import WindowSettings
from desktop.ui.workers.task import wait_for_tasks

log = logging.getLogger(__name__)
SHUTDOWN_WAIT_S = 60.0
_windows: list[MainWindow] = []  # open windows; Qt owns none of them (top-level)

FirstRunQuestion = Callable[[Session, QWidget | None], bool]


def application() -> QApplication:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(sys.argv[:1])
        apply_look(app)
    ui_thread_gc.install(app)  # never a collection (and a Qt object's death) on a worker thread
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setWindowIcon(app_icon())
    return app


def _prepare(session: Session, *, demo: bool, ask: FirstRunQuestion, parent: QWidget | None) -> None:
    """``--demo`` loads the demo into a database without batches; an empty one asks."""
    if session.has_batches():
        return
    if demo or (is_empty(session) and ask(session, parent)):
        load_demo(session)


def open_window(
    path: Path,
    *,
    demo: bool = False,
    parent: QWidget | None = None,
    settings: WindowSettings | None = None,
    ask: FirstRunQuestion = ask_first_run,
) -> MainWindow | None:
    """Opens the database at ``path`` in a new window; errors go to a message box, not a traceback."""
    settings = settings or WindowSettings()
    try:
        session = open_session(path, defer_check=True)  # checked on a worker once the window shows
    except HashplanError as error:  # names the file and the problem; offers a backup or another file
        retry = ask_server_again(path, error, parent) if isinstance(path, ServerAddress) else None
        if not isinstance(path, ServerAddress):
            retry = handle_open_failure(path, error, parent)
        return None if retry is None else open_window(retry, demo=demo, parent=parent, settings=settings, ask=ask)
    try:
        _prepare(session, demo=demo, ask=ask, parent=parent)
    except HashplanError as error:
        QMessageBox.warning(parent, "Demo data not loaded", str(error))
    try:
        window = MainWindow(session, settings)
    except Exception:
        session.close()
        raise
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    settings.add_recent_file(session.path)
    _windows.append(window)
    window.destroyed.connect(lambda *_: _windows.remove(window) if window in _windows else None)
    window.reliability.file_damaged.connect(lambda problem: _offer_a_way_on(window, problem))
    window.show()
    window.reliability.check_then_back_up()  # worker thread: the file check, then at most one backup a day
    return window


def ask_server_again(address: ServerAddress, error: HashplanError, parent: QWidget | None) -> ServerAddress | None:
    """A server database that did not open (no password, a wrong one, the server away): the
    URL again with the server's reason, and a password field; None when the user gives up."""
    dialog = ServerDatabaseDialog(parent, address.without_password(), password_needed="password" in str(error))
    dialog.problem.setText(str(error))
    dialog.problem.setVisible(True)
    if dialog.exec() != ServerDatabaseDialog.DialogCode.Accepted:
        return None
    return dialog.address()


def _offer_a_way_on(window: MainWindow, problem: str) -> MainWindow | None:
    """The check after opening found the file damaged: offer a backup or another file.

    Nothing was written to it meanwhile (the store holds writes back until the check passed).
    The window lets go of the file first, so a restore can set it aside, and closes once the
    next window (if any) is open: the app stays up while it asks.
    """
    window.release_file()
    retry = handle_open_failure(window.session.path, NotHashplanFileError(problem), window)
    replacement = None if retry is None else open_window(retry, settings=window.settings)
    if replacement is not None:
        replacement.setGeometry(window.geometry())
    window.close()
    return replacement


def run_gui(args: argparse.Namespace) -> int:
    app = application()
    window = open_window(resolve_db_path(getattr(args, "db", None)), demo=bool(getattr(args, "demo", False)))
    if window is None:
        return 2
    code = app.exec()
    if not wait_for_tasks(SHUTDOWN_WAIT_S):  # a backup or an export still writing its file
        log.warning("quit with background work still running after %s s", SHUTDOWN_WAIT_S)
    return code
