"""Issue #14 item 7: a mis-dated event is fixed or deleted from the batch dialog, undoably."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop.ui.main_window import MainWindow
from tests.gui.test_mouse_on_batches import row_centre
from tests.gui.test_typed_dates import active, click, type_into_focus
from tests.integration.cli_runner import run_cli


def open_batch(qtbot, window: MainWindow, batch_id: int):
    viewport = window.batch_panel.table.viewport()
    QTest.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=row_centre(window, batch_id))
    QTest.mouseDClick(viewport, Qt.MouseButton.LeftButton, pos=row_centre(window, batch_id))
    qtbot.waitUntil(lambda: window.edit_actions.dialog is not None)
    return active(qtbot, window.edit_actions.dialog)


def click_event_row(dialog, row: int) -> None:
    table = dialog.events_box.table
    QTest.mouseClick(
        table.viewport(), Qt.MouseButton.LeftButton, pos=table.visualRect(table.model().index(row, 1)).center()
    )


def test_the_batch_dialog_lists_its_events_oldest_first(qtbot, main_window: MainWindow) -> None:
    dialog = open_batch(qtbot, main_window, 1)
    assert dialog.events_box.row_texts() == [
        ("2021-06-01", "shipped", "1,819", ""),
        ("2021-06-12", "delivered", "1,819", ""),
        ("2021-06-15", "deployed", "1,200", ""),
        ("2021-06-22", "deployed", "619", ""),
    ]
    assert not dialog.events_box.edit_button.isEnabled()
    dialog.reject()


def test_a_mis_dated_event_is_edited_audited_and_undone(qtbot, main_window: MainWindow, demo_db: Path, capsys) -> None:
    dialog = open_batch(qtbot, main_window, 1)
    click_event_row(dialog, 3)
    click(dialog.events_box.edit_button)
    editor = active(qtbot, dialog.event_editor)
    click(editor.date_edit)
    QTest.keySequence(QApplication.focusWidget(), "Ctrl+A")
    type_into_focus("2021-06-25")
    click(editor.note_edit)
    type_into_focus("late crane")
    click(editor.ok_button)
    assert dialog.events_box.row_texts()[3] == ("2021-06-25", "deployed", "619", "late crane")
    events = json.loads(run_cli(capsys, "--db", str(demo_db), "events", "--batch", "1", "--json").out)
    assert (events[3]["occurred_on"], events[3]["note"]) == ("2021-06-25", "late crane")
    audit = main_window.session.store.audit_entries("batch_event", events[3]["id"])
    assert audit[-1].before["occurred_on"] == "2021-06-22" and audit[-1].after["occurred_on"] == "2021-06-25"
    assert main_window.edit_actions.undo.text() == "&Undo edit deployed event #4 on batch #1"
    click(dialog.ok_button)  # the batch's own save is not taken for a stale edit
    assert not dialog.isVisible()
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)
    active(qtbot, main_window)
    QTest.keySequence(main_window, "Ctrl+Z")  # the batch's save
    QTest.keySequence(main_window, "Ctrl+Z")  # the event's edit
    assert main_window.session.fleet.get_event(events[3]["id"]).occurred_on == date(2021, 6, 22)


def test_an_event_others_need_is_not_deleted_and_says_why(
    qtbot, main_window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a: warnings.append(text))
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: pytest.fail("should not ask"))
    dialog = open_batch(qtbot, main_window, 1)
    click_event_row(dialog, 1)  # the delivery the deployments need
    click(dialog.events_box.delete_button)
    assert warnings == [
        "Deleting delivered event #2 would break the batch's stages: cannot record deployed of 1,200 units on "
        "2021-06-15: only 0 on site then (record a delivery first)"
    ]
    assert len(dialog.events_box.row_texts()) == 4
    dialog.reject()


def test_an_event_is_deleted_and_undo_brings_it_back(
    qtbot, main_window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    dialog = open_batch(qtbot, main_window, 1)
    click_event_row(dialog, 3)
    click(dialog.events_box.delete_button)
    assert [row[2] for row in dialog.events_box.row_texts()] == ["1,819", "1,819", "1,200"]
    assert dialog.header.text() == "Batch #1 now: 0 ordered · 619 on site · 1,200 deployed"
    dialog.reject()
    qtbot.waitUntil(lambda: main_window.batch_panel.cell_text(1, "Deployed") == "1,200")
    active(qtbot, main_window)
    QTest.keySequence(main_window, "Ctrl+Z")
    qtbot.waitUntil(lambda: main_window.batch_panel.cell_text(1, "Deployed") == "1,819")
    assert len(main_window.session.fleet.events_of_batch(1)) == 4
