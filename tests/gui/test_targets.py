"""Issue #14 item 8: a person sets, changes and deletes targets in the window; the chart follows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop.ui.main_window import MainWindow
from tests.gui.test_chart_per_site import click_site
from tests.gui.test_typed_dates import active, click, type_into_focus
from tests.integration.cli_runner import run_cli


def legend_labels(window: MainWindow) -> list[str]:
    return [label.text for _sample, label in window.chart.legend.items]


def open_targets(qtbot, window: MainWindow):
    active(qtbot, window)
    QTest.keySequence(window, "Ctrl+T")
    qtbot.waitUntil(lambda: window.edit_actions.dialog is not None)
    return active(qtbot, window.edit_actions.dialog)


def click_row(table, row: int) -> None:
    QTest.mouseClick(
        table.viewport(), Qt.MouseButton.LeftButton, pos=table.visualRect(table.model().index(row, 1)).center()
    )


def retype(widget, text: str) -> None:
    click(widget)
    QTest.keySequence(QApplication.focusWidget(), "Ctrl+A")
    type_into_focus(text)


def test_a_site_target_is_added_edited_and_deleted_in_the_window(
    qtbot, main_window: MainWindow, demo_db: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    click_site(qtbot, main_window, "Texas")
    assert "Target" not in legend_labels(main_window)  # Texas has none
    targets = open_targets(qtbot, main_window)
    assert targets.row_texts() == [
        ("Kazakhstan", "458.00 PH/s", "2021-10-31", "458 PH/s once every purchase is in place")
    ]

    click(targets.add_button)
    editor = active(qtbot, main_window.edit_actions.target_dialog)
    assert editor.site_combo.currentText() == "Texas"  # the selected site
    retype(editor.rate_edit, "200")
    retype(editor.due_edit, "2027-03-31")
    retype(editor.note_edit, "phase 1")
    click(editor.ok_button)
    assert targets.row_texts()[1] == ("Texas", "200.00 PH/s", "2027-03-31", "phase 1")
    listed = json.loads(run_cli(capsys, "--db", str(demo_db), "targets", "--json").out)
    assert [(t["ths"], t["due_on"], t["data_center"]) for t in listed][1] == (200_000.0, "2027-03-31", "Texas")
    qtbot.waitUntil(lambda: "Target" in legend_labels(main_window))
    assert main_window.chart.target_item.data[0]["y"] == 200.0

    click_row(targets.table, 1)
    click(targets.edit_button)
    editor = active(qtbot, main_window.edit_actions.target_dialog)
    retype(editor.rate_edit, "250")
    click(editor.ok_button)
    assert targets.row_texts()[1][1] == "250.00 PH/s"

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    click_row(targets.table, 1)
    click(targets.delete_button)
    assert len(targets.row_texts()) == 1
    targets.reject()
    qtbot.waitUntil(lambda: "Target" not in legend_labels(main_window))
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)
    active(qtbot, main_window)
    QTest.keySequence(main_window, "Ctrl+Z")  # the delete
    qtbot.waitUntil(lambda: "Target" in legend_labels(main_window))
    assert [t.ths for t in main_window.session.fleet.list_targets()] == [458_000.0, 250_000.0]


def test_a_fleet_target_and_a_bad_one(qtbot, main_window: MainWindow) -> None:
    targets = open_targets(qtbot, main_window)
    click(targets.add_button)
    editor = active(qtbot, main_window.edit_actions.target_dialog)
    assert editor.site_combo.currentText() == "Whole fleet"  # All sites selected
    retype(editor.rate_edit, "0")
    assert editor.fields["target"].reason.text() == "Must be more than 0 PH/s, not 0"
    assert not editor.ok_button.isEnabled()
    retype(editor.rate_edit, "1.2")
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)  # to the unit
    type_into_focus("E")  # EH/s
    retype(editor.due_edit, "2230-01-01")
    assert "more than 30 years ahead" in editor.fields["due_on"].reason.text()
    retype(editor.due_edit, "2027-12-31")
    click(editor.ok_button)
    assert targets.row_texts()[-1][:3] == ("Whole fleet", "1.20 EH/s", "2027-12-31")
    targets.reject()
