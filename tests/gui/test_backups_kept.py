"""Issue #14 item 11: backups a person can go back to, and no silent copy of an unchanged file."""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from desktop.services.backups import BackupService
from desktop.services.session import open_session
from desktop.store.backup import list_backups
from desktop.ui.app import open_window
from desktop.ui.main_window import MainWindow
from tests.gui.conftest import wait_loaded


def open_as_the_app_does(qtbot, path: Path, window_settings) -> MainWindow:
    window = open_window(path, settings=window_settings)
    assert window is not None
    qtbot.addWidget(window)
    wait_loaded(qtbot, window)
    return window


def status(window: MainWindow) -> str:
    return window.statusBar().currentMessage()


def test_opening_an_unchanged_file_skips_the_daily_backup_and_says_so(qtbot, demo_db: Path, window_settings) -> None:
    yesterday = datetime.now(timezone.utc) - timedelta(days=1)
    with open_session(demo_db) as session:
        BackupService(session.store).backup_now(now=yesterday)
    window = open_as_the_app_does(qtbot, demo_db, window_settings)
    qtbot.waitUntil(lambda: status(window).startswith("Daily backup skipped: nothing changed since the newest backup"))
    assert len(list_backups(demo_db)) == 1


def test_opening_a_changed_file_backs_it_up_and_says_where(qtbot, demo_db: Path, window_settings) -> None:
    yesterday = datetime.now(timezone.utc) - timedelta(days=1)
    with open_session(demo_db) as session:
        BackupService(session.store).backup_now(now=yesterday)
        session.fleet.add_site("Iceland")  # a change since that backup
    window = open_as_the_app_does(qtbot, demo_db, window_settings)
    qtbot.waitUntil(lambda: status(window).startswith("Daily backup written: "))
    assert " MB)" in status(window)
    assert len(list_backups(demo_db)) == 2


def click_menu(qtbot, window: MainWindow, menu, action) -> None:
    bar = window.menuBar()
    QTest.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.actionGeometry(menu.menuAction()).center())
    qtbot.waitUntil(menu.isVisible)
    QTest.mouseClick(menu, Qt.MouseButton.LeftButton, pos=menu.actionGeometry(action).center())


def test_back_up_now_keeps_every_backup_of_the_last_day(qtbot, main_window: MainWindow, demo_db: Path) -> None:
    """The morning's backup (before the day's edits) survives a "Back up now" in the afternoon."""
    now = datetime.now(timezone.utc)
    with open_session(demo_db) as session:
        service = BackupService(session.store)
        morning = service.backup_now(now=now - timedelta(hours=5))
        lunch = service.backup_now(now=now - timedelta(hours=2))
        for days in range(1, 10):  # older days: one each
            shutil.copy(morning.path, morning.path.with_name(f"demo_{(now - timedelta(days=days)):%Y-%m-%d_%H%M%S}.db"))
    click_menu(qtbot, main_window, main_window.file_menu, main_window.reliability.back_up_now)
    qtbot.waitUntil(lambda: status(main_window).startswith("Backed up to "))
    kept = {b.path for b in list_backups(demo_db)}
    assert morning.path in kept and lunch.path in kept
    assert len([b for b in list_backups(demo_db) if now - b.taken_at > timedelta(days=1)]) <= 7 + 4
