"""The app's file dialogs list the database's folder without opening the database (its locks)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileSystemModel
from pytestqt.qtbot import QtBot

from desktop.services.session import Session
from desktop.ui import file_dialogs
from tests.integration.test_shared_file import deleted_side_files

pytestmark = pytest.mark.skipif(sys.platform == "win32" or not Path("/proc/self/fd").is_dir(), reason="POSIX locks")


def test_browsing_the_database_folder_keeps_the_window_s_wal(qtbot: QtBot, demo_session: Session) -> None:
    db = demo_session.path
    demo_session.fleet.add_site("Written before browsing")
    assert Path(f"{db}-wal").exists()
    dialog = file_dialogs._dialog(None, "Open database", str(db.parent), "Hashplan databases (*.db);;All (*)", None)
    qtbot.addWidget(dialog)
    dialog.show()
    model = dialog.findChild(QFileSystemModel)
    assert model is not None
    qtbot.waitUntil(lambda: model.rowCount(model.index(str(db.parent))) >= 1, timeout=10_000)
    qtbot.wait(1500)  # icons and types are gathered after the listing
    dialog.close()

    # Another process opens and closes the file: it must find our locks and leave the WAL alone.
    reader = f"import sqlite3; c = sqlite3.connect({str(db)!r}); c.execute('SELECT count(*) FROM batches'); c.close()"
    subprocess.run([sys.executable, "-c", reader], check=True)
    assert deleted_side_files(os.getpid(), db) == []
    demo_session.fleet.add_site("Written after browsing")
    assert Path(f"{db}-wal").exists()
