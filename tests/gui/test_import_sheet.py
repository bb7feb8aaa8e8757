"""Issue #14 item 10 (part): a hand-made sheet with a typo, typed into the File box, fixed and reloaded."""

from __future__ import annotations

import csv
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtTest import QTest

from desktop.ui.dialogs.widgets import error_colour
from desktop.ui.main_window import MainWindow
from tests.gui.test_typed_dates import active, click, type_into_focus

COLUMNS = ("data_center", "miner_model", "units", "ordered_on", "expected_on", "unit_price_usd", "status")


def sheet(path: Path, site: str, model: str = "Antminer S19j Pro") -> Path:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        writer.writerow([site, model, "1,200", "2021-05-01", "2021-07-01", "$5,200.00", "ordered"])
    return path


def open_import(qtbot, window: MainWindow):
    active(qtbot, window)
    QTest.keySequence(window, "Ctrl+I")
    qtbot.waitUntil(lambda: window.file_transfer.dialog is not None)
    return active(qtbot, window.file_transfer.dialog)


def test_a_typo_in_the_site_is_asked_about_then_the_fixed_file_reloads(
    qtbot, main_window: MainWindow, tmp_path: Path
) -> None:
    path = sheet(tmp_path / "purchase.csv", "Kazakstan")
    dialog = open_import(qtbot, main_window)
    assert dialog.errors.placeholderText() == ""  # no "No problems found." before a file is chosen
    click(dialog.file_edit)
    type_into_focus(str(path))
    QTest.keyClick(dialog.file_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.plan is not None and not dialog.is_busy())
    assert dialog.errors.toPlainText() == (
        "row 2, column data_center: no data center is named 'Kazakstan'; did you mean 'Kazakhstan'? "
        "(fix the name: as written, a new data center would be created)"
    )
    tint = dialog.table.item(0, 0).background().color()
    assert tint.rgb() == error_colour(dialog.palette()).rgb()  # the error colour, faint
    assert tint != dialog.palette().color(QPalette.ColorRole.Highlight)
    assert not dialog.import_button.isEnabled()

    sheet(path, "Kazakhstan")  # the operator fixes the file
    click(dialog.reload_button)
    qtbot.waitUntil(lambda: not dialog.is_busy() and dialog.import_button.isEnabled())
    assert dialog.errors.toPlainText() == "" and dialog.errors.placeholderText() == "No problems found."
    assert dialog.summary.text().startswith("1 row (all shown): 1 new batch, 0 updates, 0 new data centers")
    with qtbot.waitSignal(dialog.imported, timeout=10_000):
        click(dialog.import_button)
    new = max((row.batch for row in main_window.session.queries.batch_rows(None)), key=lambda b: b.id or 0)
    assert (new.id, new.unit_price_cents, new.units) == (8, 520_000, 1200)  # "$5,200.00" read as USD 5,200


def test_an_unknown_model_is_reported_under_the_model_column(qtbot, main_window: MainWindow, tmp_path: Path) -> None:
    dialog = open_import(qtbot, main_window)
    click(dialog.file_edit)
    type_into_focus(str(sheet(tmp_path / "m.csv", "Kazakhstan", "Antminer S19j Pr")))
    QTest.keyClick(dialog.file_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.plan is not None and not dialog.is_busy())
    assert dialog.errors.toPlainText().startswith(
        "row 2, column miner_model: 'Antminer S19j Pr' is not in the catalog (did you mean 'Antminer S19j Pro'?)"
    )
