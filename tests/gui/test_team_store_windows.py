"""Windows on a shared PostgreSQL database (issue #16): live across clients through
LISTEN/NOTIFY, read-only for a viewer login, File > Open server database."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from desktop.server_address import ServerAddress
from desktop.services.demo import load_demo
from desktop.services.session import open_session
from desktop.ui.dialogs.server_dialog import ServerDatabaseDialog
from desktop.ui.main_window import MainWindow
from tests.pg_server import PgCluster

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def server_demo(pg_cluster: PgCluster) -> ServerAddress:
    address = ServerAddress(pg_cluster.new_database())
    with open_session(address) as session:
        load_demo(session)
    return address


def test_a_commit_on_another_machine_shows_in_the_window_within_1_s(
    qtbot, open_main_window, server_demo: ServerAddress
) -> None:
    first: MainWindow = open_main_window(server_demo)
    second: MainWindow = open_main_window(server_demo)
    assert not first.refresher._timer.isActive()  # woken by the server's NOTIFY, not a poll
    assert first.kpi_tiles.texts()["in_transit"] == "4,033"
    done = subprocess.run(  # a third client, the command line of another machine
        [sys.executable, "-m", "desktop", "--db", server_demo.url, "record", "delivered", "--batch", "4",
         "--on", "2021-08-20"],
        cwd=REPO, capture_output=True, text=True, timeout=60, env={**os.environ},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    committed = time.monotonic()
    qtbot.waitUntil(lambda: first.kpi_tiles.texts()["in_transit"] == "2,500", timeout=1000)
    qtbot.waitUntil(lambda: second.kpi_tiles.texts()["in_transit"] == "2,500", timeout=1000)
    assert time.monotonic() - committed < 1.0

    second.session.fleet.add_site("Norway", "Norway", "20")  # one window's change reaches the other
    qtbot.waitUntil(lambda: "Norway" in first.site_list.model.names(), timeout=1000)


def test_a_viewer_login_opens_the_window_read_only_with_its_banner(
    qtbot, open_main_window, pg_cluster: PgCluster, server_demo: ServerAddress
) -> None:
    from desktop.services.database_copy import set_up_server

    set_up_server(server_demo.url)
    viewer = ServerAddress(pg_cluster.login(server_demo.url, "hashplan_viewer", "val"))
    window: MainWindow = open_main_window(viewer)
    assert window.session.readonly
    assert window.readonly_banner.isVisible()
    assert "hashplan_viewer" in window.readonly_banner.label.text()
    assert not window.edit_actions.new_batch.isEnabled()
    assert window.kpi_tiles.texts()["in_transit"] == "4,033"  # it reads


def test_open_server_database_from_the_file_menu(qtbot, main_window: MainWindow, server_demo: ServerAddress) -> None:
    dialog = main_window.database_menu.open_server_database()
    qtbot.waitUntil(dialog.isVisible)
    dialog.url.clear()
    QTest.keyClicks(dialog.url, "not a url")
    QTest.mouseClick(dialog.buttons.button(dialog.buttons.StandardButton.Open), Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and "postgresql://" in dialog.problem.text()
    dialog.url.clear()
    QTest.keyClicks(dialog.url, server_demo.url)
    QTest.keyClicks(dialog.password, "never-kept")
    QTest.mouseClick(dialog.buttons.button(dialog.buttons.StandardButton.Open), Qt.MouseButton.LeftButton)

    def opened() -> MainWindow | None:
        return next((w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)
                     and isinstance(w.session.path, ServerAddress) and w.isVisible()), None)  # fmt: skip

    qtbot.waitUntil(lambda: opened() is not None, timeout=10_000)
    window = opened()
    assert window is not None
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.kpi_tiles.texts()["in_transit"] == "4,033", timeout=5000)
    assert "never-kept" not in str(window.session.path)  # shown and remembered without the password
    recent = [str(p) for p in window.settings.recent_files()]
    assert server_demo.url in recent and not any("never-kept" in r for r in recent)
    assert not isinstance(dialog, ServerDatabaseDialog) or not dialog.isVisible()


def test_a_lost_listening_connection_is_replaced_and_changes_still_arrive(
    qtbot, open_main_window, pg_cluster: PgCluster, server_demo: ServerAddress
) -> None:
    window: MainWindow = open_main_window(server_demo)
    old_listener = window.session.change_listener()
    import psycopg

    with psycopg.connect(server_demo.url, autocommit=True) as admin:  # the network drops that connection
        admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN%'")
    qtbot.waitUntil(lambda: window.refresher._listener is not old_listener, timeout=5000)
    with open_session(server_demo) as other:
        other.fleet.add_site("Iceland")
    qtbot.waitUntil(lambda: "Iceland" in window.site_list.model.names(), timeout=2000)
    assert not window.refresher._timer.isActive()  # listening again, not polling
