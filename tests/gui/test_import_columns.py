"""Issue #14 items 10 and 13: an operator's own sheet (their column names, their short dates)
is mapped once, asked about once, and the next session remembers the mapping, the answer
and the folder (the same settings file, read by a new window)."""

from __future__ import annotations

import csv
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale, QSettings, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop.ui import file_dialogs
from desktop.ui.main_window import MainWindow
from desktop.ui.settings import WindowSettings
from tests.gui.test_import_sheet import open_import
from tests.gui.test_typed_dates import click, type_into_focus

OUR_HEADER = ["data_center", "miner_model", "units", "ordered_on", "expected_on", "unit_price_usd", "status", "notes"]
THEIR_HEADER = ["Site", "Model", "Qty", "PO date", "ETA", "Price", "State of play", "Comments"]
SHOTS = Path(os.environ.get("HASHPLAN_SHOTS", "/tmp/hashplan-shots"))


def their_sheet(path: Path, rows: list[list[str]], header: list[str] = THEIR_HEADER) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture
def locale_without_order() -> Iterator[None]:
    """Swedish short dates are year first (2021-05-01): the locale says nothing of 05/01/2021."""
    before = QLocale()
    QLocale.setDefault(QLocale(QLocale.Language.Swedish, QLocale.Country.Sweden))
    yield
    QLocale.setDefault(before)


def type_path(qtbot, dialog, path: Path) -> None:
    click(dialog.file_edit)
    QTest.keySequence(QApplication.focusWidget(), "Ctrl+A")
    type_into_focus(str(path))
    QTest.keyClick(dialog.file_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.plan is not None and not dialog.is_busy())


def pick(qtbot, combo, text: str) -> None:
    """Opens the combo's list with a click and picks an entry by typing its start, as a person does."""
    click(combo)
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is not None)
    type_into_focus(text)
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is None)


def shoot(widget, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    assert widget.grab().save(str(SHOTS / name))


def test_their_columns_are_mapped_their_dates_asked_about_once_and_both_remembered(
    qtbot, main_window: MainWindow, open_main_window, demo_db: Path, tmp_path: Path, locale_without_order, monkeypatch
) -> None:
    folder = tmp_path / "sheets"
    folder.mkdir()
    path = their_sheet(
        folder / "purchases-may.csv",
        [["Kazakhstan", "Antminer S19j Pro", "1,200", "05/01/2021", "07/01/2021", "$5,200.00", "ordered", "PO 17"]],
    )
    dialog = open_import(qtbot, main_window)
    type_path(qtbot, dialog, path)

    # The mapping step: their titles, each with a combo box pre-filled where the title says.
    panel = dialog.mapping_panel
    assert panel.isVisible()
    assert panel.combo_for("Qty").currentData() == "units"
    assert panel.combo_for("PO date").currentData() == "ordered_on"
    assert panel.combo_for("State of play").currentData() == ""  # no guess: ignored until said
    assert not dialog.import_button.isEnabled()
    shoot(dialog, "import-mapping-step.png")

    pick(qtbot, panel.combo_for("State of play"), "Status")
    pick(qtbot, panel.combo_for("Comments"), "Notes")
    assert panel.mapping() == [
        "data_center", "miner_model", "units", "ordered_on", "expected_on", "unit_price_usd", "status", "notes"
    ]  # fmt: skip
    click(panel.apply_button)

    # 05/01/2021 and 07/01/2021 read either way, and the locale does not say: one question.
    qtbot.waitUntil(lambda: dialog.date_box is not None and dialog.date_box.isVisible())
    box = dialog.date_box
    assert box.text() == "Are dates day/month or month/day?"
    assert "'05/01/2021' (row 2) could be 5 January 2021 or 1 May 2021" in box.informativeText()
    assert dialog.errors.toPlainText().startswith("row 2, column ordered_on: '05/01/2021' could be day/month")
    shoot(box, "import-date-question.png")
    day_first = next(b for b in box.buttons() if b.text().startswith("Day/Month"))
    click(day_first)
    qtbot.waitUntil(lambda: not dialog.is_busy() and dialog.import_button.isEnabled())
    assert dialog.date_box is None
    assert dialog.errors.toPlainText() == ""
    assert dialog.summary.text() == (
        "1 row (all shown): 1 new batch, 0 updates, 0 new data centers, 0 new miner models. "
        "Dates like 05/01/2021 read as day/month/year."
    )
    shoot(dialog, "import-mapped.png")
    with qtbot.waitSignal(dialog.imported, timeout=10_000):
        click(dialog.import_button)
    new = max((row.batch for row in main_window.session.queries.batch_rows(None)), key=lambda b: b.id or 0)
    assert (new.units, str(new.ordered_on), str(new.expected_on)) == (1200, "2021-01-05", "2021-01-07")
    assert new.notes == "PO 17"
    assert new.unit_price_cents == 520_000
    main_window.close()

    # Another session: a new window reading the same settings file.
    settings_file = Path(main_window.settings.qsettings.fileName())
    again_settings = WindowSettings(QSettings(str(settings_file), QSettings.Format.IniFormat))
    window = open_main_window(demo_db, settings=again_settings)
    june = their_sheet(
        folder / "purchases-june.csv",
        [["Texas", "Antminer S19j Pro", "300", "02/06/2021", "03/07/2021", "5000", "ordered", ""]],
        header=[" site", "MODEL", "Qty", "PO  date", "ETA", "Price", "State of play", "Comments"],  # same set
    )
    chosen: list[str] = []

    def choose(parent, caption, directory="", name_filter=""):  # the file dialog, as the user fills it
        chosen.append(directory)
        return str(june), name_filter

    monkeypatch.setattr(file_dialogs, "open_file_name", choose)
    dialog = open_import(qtbot, window)
    click(next(b for b in dialog.findChildren(type(dialog.reload_button)) if b.text() == "Choose…"))
    assert chosen == [str(folder)]  # Choose… starts in last session's folder
    qtbot.waitUntil(lambda: not dialog.is_busy() and dialog.import_button.isEnabled())
    assert dialog.date_box is None  # not asked again for the same header set
    assert dialog.mapping_panel.combo_for("State of play").currentData() == "status"  # pre-filled
    assert dialog.summary.text().endswith("Dates like 05/01/2021 read as day/month/year.")
    assert not dialog.findChildren(QMessageBox)
    shoot(dialog, "import-remembered.png")
    with qtbot.waitSignal(dialog.imported, timeout=10_000):
        click(dialog.import_button)
    new = max((row.batch for row in window.session.queries.batch_rows(None)), key=lambda b: b.id or 0)
    assert (new.units, str(new.ordered_on), str(new.expected_on)) == (300, "2021-06-02", "2021-07-03")


def test_a_date_past_the_twelfth_settles_the_order_without_a_question(
    qtbot, main_window: MainWindow, tmp_path: Path, locale_without_order
) -> None:
    path = their_sheet(
        tmp_path / "us.csv",
        [
            ["Kazakhstan", "Antminer S19j Pro", "10", "05/01/2021", "07/01/2021", "5000", "ordered", ""],
            ["Kazakhstan", "Antminer S19j Pro", "20", "05/13/2021", "7/30/21", "5000", "ordered", ""],
        ],
        header=OUR_HEADER,
    )
    dialog = open_import(qtbot, main_window)
    type_path(qtbot, dialog, path)
    qtbot.waitUntil(lambda: not dialog.is_busy() and dialog.import_button.isEnabled())
    assert not dialog.mapping_panel.isVisible()  # Hashplan's own column names: no mapping step
    assert dialog.date_box is None
    assert dialog.summary.text().endswith("Dates like 05/01/2021 read as month/day/year.")
    with qtbot.waitSignal(dialog.imported, timeout=10_000):
        click(dialog.import_button)
    rows = sorted(main_window.session.queries.batch_rows(None), key=lambda r: r.batch.id or 0)[-2:]
    assert [(str(r.batch.ordered_on), str(r.batch.expected_on)) for r in rows] == [
        ("2021-05-01", "2021-07-01"),
        ("2021-05-13", "2021-07-30"),
    ]


def test_the_locale_order_reads_dates_no_file_date_settles(
    qtbot, main_window: MainWindow, tmp_path: Path
) -> None:
    before = QLocale()
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom))  # dd/MM/yyyy
    try:
        path = their_sheet(
            tmp_path / "uk.csv",
            [["Kazakhstan", "Antminer S19j Pro", "10", "05/01/2021", "07/01/2021", "5000", "ordered", ""]],
            header=OUR_HEADER,
        )
        dialog = open_import(qtbot, main_window)
        type_path(qtbot, dialog, path)
        qtbot.waitUntil(lambda: not dialog.is_busy() and dialog.import_button.isEnabled())
        assert dialog.date_box is None
        assert dialog.summary.text().endswith("Dates like 05/01/2021 read as day/month/year.")
    finally:
        QLocale.setDefault(before)
