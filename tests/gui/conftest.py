"""GUI fixtures: a main window on its own temporary demo database and settings file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from desktop.services.demo import load_demo
from desktop.services.session import Session, open_session
from desktop.ui import ui_thread_gc
from desktop.ui.edit_actions import EditActions
from desktop.ui.look import apply_look
from desktop.ui.main_window import MainWindow
from desktop.ui.settings import WindowSettings
from tests.gui.edit_harness import SelectionHarness

WindowFactory = Callable[..., MainWindow]


@pytest.fixture(scope="session", autouse=True)
def _app_look(qapp) -> None:
    """The style, palette and UI-thread garbage collection the app sets up in application()."""
    apply_look(qapp)
    ui_thread_gc.install(qapp)


@pytest.fixture
def window_settings(tmp_path: Path) -> WindowSettings:
    # An ini file per test: QSettings caches the user's config folder per process.
    return WindowSettings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))


@pytest.fixture
def demo_db(tmp_path: Path) -> Path:
    path = tmp_path / "demo.db"
    with open_session(path) as session:
        load_demo(session)
    return path


def wait_loaded(qtbot, window: MainWindow) -> None:
    """Until the first snapshot is on screen and no read is in flight."""
    qtbot.waitUntil(lambda: not window.refresher.is_busy() and window.site_list.model.rowCount() > 0, timeout=5000)


@pytest.fixture
def open_main_window(qtbot, window_settings: WindowSettings) -> WindowFactory:
    """Opens a loaded window on ``path`` (the window owns and closes its session)."""

    def factory(path: Path, settings: WindowSettings | None = None, **kwargs) -> MainWindow:
        window = MainWindow(open_session(path), settings or window_settings, **kwargs)
        qtbot.addWidget(window)
        window.show()
        wait_loaded(qtbot, window)
        return window

    return factory


@pytest.fixture
def main_window(open_main_window: WindowFactory, demo_db: Path) -> MainWindow:
    return open_main_window(demo_db)


@pytest.fixture
def harness(qtbot) -> SelectionHarness:
    """A stand-in for the main window's selection: tests set site_id / batch_id directly."""
    widget = SelectionHarness()
    qtbot.addWidget(widget)
    return widget


@pytest.fixture
def actions(harness: SelectionHarness, demo_session: Session) -> EditActions:
    return EditActions(harness, demo_session, harness)
