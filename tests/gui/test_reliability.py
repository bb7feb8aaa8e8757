"""Back up now, Restore from backup, History, the read-only banner, the open-failure dialog."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

from desktop.errors import ConflictError, NewerSchemaError, NotHashplanFileError
from desktop.services.backups import BackupService
from desktop.services.session import Session, open_session
from desktop.ui.conflict import ConflictChoice, choice_of, conflict_box
from desktop.ui.dialogs.history_dialog import HistoryDialog
from desktop.ui.dialogs.open_failure_dialog import OpenFailureChoice, OpenFailureDialog
from desktop.ui.reliability_actions import ReliabilityActions
from desktop.ui.widgets.readonly_banner import ReadOnlyBanner


class _Selection:
    def __init__(self, batch_id: int | None = None) -> None:
        self.batch_id = batch_id

    def selected_site_id(self) -> int | None:
        return None

    def selected_batch_id(self) -> int | None:
        return self.batch_id


@pytest.fixture
def host(qtbot) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    return widget


@pytest.fixture(autouse=True)
def _no_modal_boxes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text, *a, **k: shown.append(text))
    return shown


def test_back_up_now_writes_a_backup_off_the_ui_thread(qtbot, host: QWidget, demo_session: Session) -> None:
    actions = ReliabilityActions(host, demo_session, backup_on_open=False)
    with qtbot.waitSignal(actions.backup_written, timeout=10_000) as written:
        actions.back_up_now.trigger()
    info = written.args[0]
    assert info.path.is_file() and info.path.parent == BackupService(demo_session.store).folder
    assert [b.path for b in BackupService(demo_session.store).list_backups()] == [info.path]


def test_opening_makes_the_daily_backup_once(qtbot, host: QWidget, demo_session: Session) -> None:
    actions = ReliabilityActions(host, demo_session)
    qtbot.waitUntil(lambda: len(BackupService(demo_session.store).list_backups()) == 1, timeout=10_000)
    actions.daily_backup()  # the hourly check on the same day adds none
    actions.wait()
    assert len(BackupService(demo_session.store).list_backups()) == 1


def test_the_daily_check_backs_up_while_the_window_stays_open(qtbot, host: QWidget, demo_session: Session) -> None:
    actions = ReliabilityActions(host, demo_session, daily_check_ms=20, backup_on_open=False)
    with qtbot.waitSignal(actions.backup_written, timeout=10_000):
        pass  # the timer's first tick finds no backup from today and makes one
    actions.daily_timer.stop()
    actions.wait()
    assert len(BackupService(demo_session.store).list_backups()) == 1


def test_restore_from_backup_lists_backups_and_restores_after_confirming(
    qtbot, host: QWidget, demo_session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = BackupService(demo_session.store).backup_now()
    demo_session.fleet.add_site("Added After Backup")
    actions = ReliabilityActions(host, demo_session, backup_on_open=False)
    asked: list[str] = []
    monkeypatch.setattr(actions, "confirm_restore", lambda info: asked.append(info.name) or True)
    seen: list[str] = []
    demo_session.fleet.subscribe(seen.append)

    dialog = actions.open_restore_dialog()
    assert dialog.table.rowCount() == 1 and "KB" in dialog.table.item(0, 1).text()
    assert dialog.chosen() == old
    dialog.grab().save(str(Path(demo_session.path).parent / "restore-dialog.png"))
    with qtbot.waitSignal(actions.restored, timeout=10_000) as done:
        dialog.restore_button.click()

    assert asked == [old.name]
    assert demo_session.store.find_site("Added After Backup") is None
    assert seen == ["restore backup"]  # the views re-read, on the UI thread
    assert done.args[0].safety_backup.tag == "before-restore"


def test_restore_is_off_on_a_read_only_session(host: QWidget, demo_session: Session) -> None:
    with open_session(demo_session.path, readonly=True) as reader:
        actions = ReliabilityActions(host, reader, backup_on_open=False)
        assert not actions.restore_from_backup.isEnabled()


def test_history_shows_a_batch_exports_csv_and_restores_a_deleted_batch(
    qtbot, host: QWidget, demo_session: Session, tmp_path: Path, _no_modal_boxes: list[str]
) -> None:
    batch = demo_session.store.list_batches()[0]
    snapshot = demo_session.fleet.delete_batch(batch.id or 0)
    actions = ReliabilityActions(host, demo_session, _Selection(batch.id), backup_on_open=False)

    dialog = actions.open_history()
    assert isinstance(dialog, HistoryDialog)
    actions_shown = [dialog.model.index(r, 1).data() for r in range(dialog.model.rowCount())]
    assert actions_shown[0] == f"delete batch #{batch.id}"
    records = [dialog.model.index(r, 2).data() for r in range(dialog.model.rowCount())]
    assert records.count("batch event") == len(snapshot.events) == 4  # its events' history too
    assert not dialog.restore_button.isEnabled()
    dialog.table.selectRow(0)
    assert dialog.restore_button.isEnabled()
    dialog.grab().save(str(tmp_path / "history.png"))

    out = tmp_path / "history.csv"
    assert dialog.export_to(out) == dialog.model.rowCount()
    with out.open(newline="", encoding="utf-8") as handle:
        exported = list(csv.DictReader(handle))
    assert exported[0]["action"] == f"delete batch #{batch.id}" and '"events"' in exported[0]["before"]

    with qtbot.waitSignal(dialog.batch_restored) as restored:
        dialog.restore_button.click()
    assert restored.args == [batch.id]
    assert demo_session.store.get_batch(batch.id or 0).units == batch.units
    assert demo_session.store.events_for_batch(batch.id or 0) == list(snapshot.events)
    again = next(r for r in range(dialog.model.rowCount()) if dialog.model.entries[r].is_batch_delete)
    dialog.table.selectRow(again)  # the same delete entry once more: refused, clearly
    dialog.restore_button.click()
    assert _no_modal_boxes and f"batch #{batch.id} is already back" in _no_modal_boxes[-1]


def test_bringing_back_a_deleted_batch_from_history_is_undoable(qtbot, main_window, _no_modal_boxes: list[str]) -> None:
    session = main_window.session
    batch = session.store.list_batches()[0]
    session.fleet.delete_batch(batch.id or 0)  # elsewhere: not on this window's stack
    dialog = main_window.reliability.open_history()
    dialog.table.selectRow(0)
    with qtbot.waitSignal(dialog.batch_restored):
        dialog.restore_button.click()
    actions = main_window.edit_actions
    assert actions.undo_stack.count() == 1
    assert actions.undo.text().replace("&", "") == f"Undo bring back batch #{batch.id} ({batch.units:,} units)"

    actions.undo.trigger()
    assert batch.id not in {b.id for b in session.store.list_batches()}
    actions.redo.trigger()
    assert session.store.get_batch(batch.id or 0).units == batch.units
    assert _no_modal_boxes == []


def test_read_only_banner_names_the_file_and_why(qtbot, tmp_path: Path) -> None:
    path = tmp_path / "fleet.db"
    path.write_bytes(b"")
    banner = ReadOnlyBanner(path)
    qtbot.addWidget(banner)
    assert str(path) in banner.label.text() and "Read-only" in banner.label.text()
    banner.grab().save(str(tmp_path / "banner.png"))


def test_open_failure_dialog_offers_the_newest_good_backup(qtbot, db_path: Path) -> None:
    with open_session(db_path) as session:
        session.fleet.add_site("Kazakhstan")
        good = BackupService(session.store).backup_now()
    db_path.write_bytes(db_path.read_bytes()[:3000])
    error = NotHashplanFileError(f"{db_path} is damaged")

    dialog = OpenFailureDialog(db_path, error)
    qtbot.addWidget(dialog)
    assert "damaged" in dialog.problem.text()
    assert any(str(db_path) in label.text() for label in dialog.findChildren(QLabel))
    assert dialog.backup == good and dialog.restore_button.isEnabled()
    assert good.name in dialog.advice.text()
    dialog.grab().save(str(db_path.parent / "open-failure.png"))
    dialog.restore_button.click()
    assert dialog.choice is OpenFailureChoice.RESTORE


def test_open_failure_dialog_never_offers_restore_over_a_newer_file(qtbot, db_path: Path) -> None:
    with open_session(db_path) as session:
        BackupService(session.store).backup_now()
    dialog = OpenFailureDialog(db_path, NewerSchemaError(f"{db_path} was written by a newer Hashplan"))
    qtbot.addWidget(dialog)
    assert not dialog.restore_button.isEnabled()
    dialog.quit_button.click()
    assert dialog.choice is OpenFailureChoice.QUIT


def test_conflict_question_offers_reload_overwrite_or_cancel(qtbot) -> None:
    box = conflict_box(None, ConflictError("batch #3 was changed elsewhere since it was opened"))
    qtbot.addWidget(box)
    assert box.text().startswith("Batch #3 was changed")
    names = {b.objectName() for b in box.buttons()}
    assert {"conflictReload", "conflictOverwrite"} <= names
    assert choice_of(box) is ConflictChoice.CANCEL  # nothing clicked: nothing overwritten
    next(b for b in box.buttons() if b.objectName() == "conflictOverwrite").click()
    assert choice_of(box) is ConflictChoice.OVERWRITE


# -- hooked into the main window and app.open_window -------------------------------------


def test_main_window_menus_have_backup_restore_and_history(open_main_window, demo_db: Path) -> None:
    window = open_main_window(demo_db)
    file_texts = [a.text() for a in window.file_menu.actions()]
    assert "&Back up now" in file_texts and "&Restore from backup..." in file_texts
    edit_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Edit")
    assert "&History..." in [a.text() for a in edit_menu.actions()]
    assert not hasattr(window, "readonly_banner")


def test_main_window_on_a_read_only_file_shows_the_banner(qtbot, demo_db: Path, window_settings) -> None:
    from desktop.ui.main_window import MainWindow

    window = MainWindow(open_session(demo_db, readonly=True), window_settings)
    qtbot.addWidget(window)
    window.show()
    assert window.readonly_banner.isVisible() and str(demo_db) in window.readonly_banner.label.text()
    assert not window.reliability.restore_from_backup.isEnabled()


def test_open_window_on_a_damaged_file_restores_the_newest_good_backup(
    qtbot, tmp_path: Path, window_settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop.services.demo import load_demo
    from desktop.ui.app import open_window

    path = tmp_path / "fleet.db"
    with open_session(path) as session:
        load_demo(session)
        BackupService(session.store).backup_now()
    path.write_bytes(path.read_bytes()[:4096] + b"\x00garbage" * 500)
    asked: list[str] = []

    def choose_restore(dialog: OpenFailureDialog) -> int:
        asked.append(dialog.problem.text())
        dialog.choice = OpenFailureChoice.RESTORE
        return 1

    monkeypatch.setattr(OpenFailureDialog, "exec", choose_restore)
    window = open_window(path, settings=window_settings, ask=lambda s, p: False)
    assert window is not None
    qtbot.addWidget(window)
    assert len(asked) == 1 and str(path) in asked[0]
    qtbot.waitUntil(lambda: len(window.batch_panel.visible_batch_ids()) == 7, timeout=5000)
    assert list((tmp_path / "backups" / "fleet" / "damaged").iterdir())  # the damaged file was kept


def _damaged_demo_with_backup(path: Path) -> str:
    """A demo file with one good backup, then rows damaged so only the integrity check can tell."""
    import hashlib

    from desktop.services.demo import load_demo
    from tests.integration.test_deferred_check import damage_rows

    with open_session(path) as session:
        load_demo(session)
        BackupService(session.store).backup_now()
    damage_rows(path)
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_damage_found_after_the_window_showed_closes_it_and_restores_the_backup(
    qtbot, tmp_path: Path, window_settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop.ui.app import _windows, open_window

    path = tmp_path / "fleet.db"
    _damaged_demo_with_backup(path)
    asked: list[str] = []

    def choose_restore(dialog: OpenFailureDialog) -> int:
        asked.append(dialog.problem.text())
        dialog.choice = OpenFailureChoice.RESTORE
        return 1

    monkeypatch.setattr(OpenFailureDialog, "exec", choose_restore)
    first = open_window(path, settings=window_settings, ask=lambda s, p: False)
    assert first is not None  # the file opened: its check runs once the window shows
    qtbot.waitUntil(lambda: len(asked) == 1, timeout=10_000)
    assert str(path) in asked[0] and "damaged" in asked[0]
    qtbot.waitUntil(lambda: first not in _windows, timeout=5000)  # closed (and deleted)
    [replacement] = [w for w in _windows if w.isVisible()]
    qtbot.addWidget(replacement)
    qtbot.waitUntil(lambda: len(replacement.batch_panel.visible_batch_ids()) == 7, timeout=5000)
    assert list((tmp_path / "backups" / "fleet" / "damaged").iterdir())  # the damaged file was kept


def test_damage_found_after_the_window_showed_leaves_the_file_as_it_was_on_quit(
    qtbot, tmp_path: Path, window_settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    import hashlib

    from desktop.ui.app import _windows, open_window

    path = tmp_path / "fleet.db"
    before = _damaged_demo_with_backup(path)
    asked: list[str] = []

    def choose_quit(dialog: OpenFailureDialog) -> int:
        asked.append(dialog.problem.text())
        dialog.choice = OpenFailureChoice.QUIT
        return 0

    monkeypatch.setattr(OpenFailureDialog, "exec", choose_quit)
    window = open_window(path, settings=window_settings, ask=lambda s, p: False)
    assert window is not None
    qtbot.waitUntil(lambda: len(asked) == 1, timeout=10_000)
    qtbot.waitUntil(lambda: window not in _windows, timeout=5000)  # closed (and deleted)
    assert not [w for w in _windows if w.isVisible()]
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before  # nothing was written into it
    assert len(list((tmp_path / "backups" / "fleet").glob("*.db"))) == 1  # and no backup of the damage


def test_history_of_everything_reads_only_the_newest_entries(
    qtbot, demo_session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop.ui.dialogs import history_dialog

    total = len(demo_session.store.audit_entries())
    monkeypatch.setattr(history_dialog, "MAX_SHOWN", 5)
    demo_session.fleet.add_site("Norway", "Norway")  # the newest change
    dialog = HistoryDialog(demo_session)
    qtbot.addWidget(dialog)
    assert dialog.model.rowCount() == 5
    assert dialog.count_label.text() == f"5 entries (newest 5 of {total + 1:,})"
    assert dialog.model.index(0, 2).data() == "data center"
    assert "Norway" in dialog.model.index(0, 4).data()


def _click_restore(asked: list[str]) -> Callable[[OpenFailureDialog], int]:
    """A stand-in for the dialog's exec: shows it and clicks "Restore newest good backup"."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    def exec_(dialog: OpenFailureDialog) -> int:
        asked.append(dialog.problem.text())
        dialog.show()
        assert dialog.restore_button.isEnabled()
        QTest.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
        return 1

    return exec_


def test_a_damaged_trigger_shows_the_damaged_file_dialog_and_restores(
    qtbot, tmp_path: Path, window_settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue #17: one byte of a trigger's SQL made invalid UTF-8 crashed the window (UnicodeDecodeError)."""
    from desktop.services.demo import load_demo
    from desktop.ui.app import open_window
    from tests.integration.test_hardening_cli import damage_a_trigger

    path = tmp_path / "fleet.db"
    with open_session(path) as session:
        load_demo(session)
        BackupService(session.store).backup_now()
    damage_a_trigger(path)
    asked: list[str] = []
    monkeypatch.setattr(OpenFailureDialog, "exec", _click_restore(asked))

    window = open_window(path, settings=window_settings, ask=lambda s, p: False)

    assert window is not None
    qtbot.addWidget(window)
    assert len(asked) == 1 and str(path) in asked[0] and "damaged" in asked[0]
    qtbot.waitUntil(lambda: len(window.batch_panel.visible_batch_ids()) == 7, timeout=5000)
    assert list((tmp_path / "backups" / "fleet" / "damaged").iterdir())  # the damaged file was kept


def test_the_weekly_full_check_finds_index_damage_and_offers_the_restore(
    qtbot, tmp_path: Path, window_settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue #17: damage quick_check misses (an index page) is found by the full check the
    window runs before its daily backup, and the restore is offered; no backup of it is kept."""
    from desktop.services.demo import load_demo
    from desktop.ui.app import _windows, open_window
    from tests.integration.test_hardening_backups import damage_an_index

    path = tmp_path / "fleet.db"
    with open_session(path) as session:
        load_demo(session)
        good = BackupService(session.store).backup_now()
    damage_an_index(path)
    asked: list[str] = []
    monkeypatch.setattr(OpenFailureDialog, "exec", _click_restore(asked))

    first = open_window(path, settings=window_settings, ask=lambda s, p: False)

    assert first is not None  # quick_check passed: the window opened
    qtbot.waitUntil(lambda: len(asked) == 1, timeout=10_000)
    assert str(path) in asked[0] and "missing from index" in asked[0]
    qtbot.waitUntil(lambda: first not in _windows, timeout=5000)
    [replacement] = [w for w in _windows if w.isVisible()]
    qtbot.addWidget(replacement)
    qtbot.waitUntil(lambda: len(replacement.batch_panel.visible_batch_ids()) == 7, timeout=5000)
    assert good.path.exists()
