"""A file open read-only: every editing action is off and says why."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.services.demo import load_demo
from desktop.services.session import Session, open_session
from desktop.ui.edit_actions import READ_ONLY_TIP, EditActions
from tests.gui.conftest import wait_loaded
from tests.gui.edit_harness import SelectionHarness, dump_tables, site_id

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def reader(demo_session: Session) -> Iterator[Session]:
    with open_session(demo_session.path, readonly=True) as session:
        assert session.store.readonly
        yield session


def select_everything(harness: SelectionHarness, session: Session) -> None:
    harness.site_id = site_id(session, "Texas")
    harness.batch_id = session.store.list_batches()[0].id


def test_every_editing_action_is_off_and_says_the_file_is_read_only(harness, reader):
    select_everything(harness, reader)  # a selection that would enable edit/delete/record
    actions = EditActions(harness, reader, harness)
    editing = actions.editing_actions()
    names = {a.text().replace("&", "") for a in editing}
    assert {"New Batch…", "Edit Batch…", "Delete Batch", "Record Event…", "Undo", "Redo"} <= names
    assert {"New Data Center…", "Edit Data Center…", "Delete Data Center", "Miner Models…"} <= names
    assert all(a in editing for a in actions.edit_menu_actions() if a is not None)
    for action in editing:
        assert not action.isEnabled(), action.text()
        assert action.statusTip() == READ_ONLY_TIP and "open read-only" in action.statusTip()
        assert action.toolTip() == READ_ONLY_TIP


def test_shortcuts_and_triggers_on_a_read_only_file_open_nothing_and_write_nothing(harness, reader):
    select_everything(harness, reader)
    actions = EditActions(harness, reader, harness)
    before = dump_tables(reader.path)
    for action in actions.editing_actions():
        action.trigger()  # what Ctrl+N, Ctrl+E, Delete, double-click would do
        assert actions.dialog is None, action.text()
    actions.update_enabled()  # a later selection change does not switch anything back on
    assert not any(a.isEnabled() for a in actions.editing_actions())
    assert dump_tables(reader.path) == before


def test_a_writable_file_after_a_read_only_one_gets_its_actions_and_tips_back(harness, reader, demo_session):
    select_everything(harness, reader)
    writable = EditActions(harness, demo_session, harness)
    tips = {a.text(): a.statusTip() for a in writable.editing_actions()}
    actions = EditActions(harness, reader, harness)
    actions.set_session(demo_session)
    for action in actions.editing_actions():
        assert action.statusTip() == tips[action.text()] != READ_ONLY_TIP
    assert actions.new_batch.isEnabled() and actions.edit_batch.isEnabled() and actions.manage_models.isEnabled()
    assert not actions.undo.isEnabled()  # nothing done yet
    actions.set_session(reader)
    assert not any(a.isEnabled() for a in actions.editing_actions())


def test_the_main_window_on_a_read_only_file_has_its_edit_menu_off(qtbot, demo_db, window_settings):
    from desktop.ui.main_window import MainWindow

    window = MainWindow(open_session(demo_db, readonly=True), window_settings)
    qtbot.addWidget(window)
    window.show()
    wait_loaded(qtbot, window)
    qtbot.waitUntil(lambda: window.batch_panel.proxy.rowCount() > 0)
    assert window.batch_panel.select_batch(window.session.store.list_batches()[0].id)  # re-checks the actions
    edit_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Edit")
    editing = set(window.edit_actions.editing_actions())
    shown = [a for a in edit_menu.actions() if a in editing]
    assert len(shown) == len(editing)
    assert not any(a.isEnabled() for a in shown)
    assert window.readonly_banner.isVisible()


# -- a file the user really cannot write (not just opened read-only) ---------------------

_PROBE = """
import os
os.environ["QT_QPA_PLATFORM"] = "offscreen"
import sys
from PySide6.QtWidgets import QApplication
from desktop.services.session import open_session
from desktop.ui.edit_actions import EditActions
from tests.gui.edit_harness import SelectionHarness
app = QApplication([])
with open_session(sys.argv[1]) as session:
    harness = SelectionHarness()
    harness.batch_id = session.store.list_batches()[0].id
    actions = EditActions(harness, session, harness)
    print("readonly" if session.store.readonly else "writable")
    print(sum(a.isEnabled() for a in actions.editing_actions()))
    print(actions.new_batch.statusTip())
"""


def test_a_file_without_write_permission_opens_with_editing_off() -> None:
    folder = Path(tempfile.mkdtemp(prefix="hashplan-ro-gui-"))  # reachable by an unprivileged user
    try:
        folder.chmod(0o777)
        path = folder / "fleet.db"
        with open_session(path) as session:
            load_demo(session)
        path.chmod(0o444)
        env = dict(os.environ, XDG_STATE_HOME="/tmp", XDG_DATA_HOME="/tmp", PYTHONPATH=str(ROOT))
        prefix: list[str] = []
        if os.geteuid() == 0:  # root could write anyway: be somebody else
            setpriv = shutil.which("setpriv")
            if setpriv is None:
                pytest.skip("running as root without setpriv: cannot drop privileges to test file modes")
            prefix = [setpriv, "--reuid", "65534", "--regid", "65534", "--clear-groups"]
        probe = subprocess.run(
            [*prefix, sys.executable, "-c", _PROBE, str(path)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert probe.returncode == 0, probe.stderr
        assert probe.stdout.splitlines() == ["readonly", "0", READ_ONLY_TIP]
    finally:
        for p in [folder, *folder.rglob("*")]:
            p.chmod(0o777)
        shutil.rmtree(folder)


def test_import_and_restoring_a_deleted_batch_are_off_on_a_read_only_file(harness, reader, demo_session):
    from desktop.ui.dialogs.history_dialog import HistoryDialog
    from desktop.ui.file_transfer_actions import FileTransferActions

    transfer = FileTransferActions(harness, reader, lambda: None)
    assert not transfer.import_action.isEnabled() and "read-only" in transfer.import_action.statusTip()
    assert transfer.export_action.isEnabled()  # reading out is fine
    transfer.set_session(demo_session)
    assert transfer.import_action.isEnabled()

    demo_session.fleet.delete_batch(1)  # a delete to restore, seen by the reader
    dialog = HistoryDialog(reader, parent=harness)
    rows = [i for i, e in enumerate(dialog.model.entries) if e.is_batch_delete]
    assert rows
    dialog.table.selectRow(rows[0])
    assert not dialog.restore_button.isEnabled()
