"""File ▸ Report… (issue #18): real clicks through the menu and the dialog; the report is made
on a worker thread with a progress bar, and the dialog says where the files went."""

from __future__ import annotations

import threading
from pathlib import Path

import openpyxl
from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMenu

from desktop.ui.dialogs.report_dialog import ReportDialog


def _click_menu_item(qtbot, window, menu_text: str, item_text: str) -> None:
    bar = window.menuBar()
    top = next(a for a in bar.actions() if a.text() == menu_text)
    QTest.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.actionGeometry(top).center())
    menu: QMenu = top.menu()
    qtbot.waitUntil(menu.isVisible, timeout=3000)
    item = next(a for a in menu.actions() if a.text() == item_text)
    QTest.mouseClick(menu, Qt.MouseButton.LeftButton, pos=menu.actionGeometry(item).center())


def _type_into(qtbot, widget, text: str) -> None:
    QTest.mouseClick(widget, Qt.MouseButton.LeftButton, pos=QPoint(5, widget.height() // 2))
    QTest.keyClick(widget, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClicks(widget, text)


def test_file_report_makes_the_pdf_and_xlsx_off_the_ui_thread_and_says_where(
    qtbot, main_window, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setattr(
        "desktop.ui.dialogs.report_dialog.QSettings",
        lambda: QSettings(str(tmp_path / "r.ini"), QSettings.Format.IniFormat),
    )
    _click_menu_item(qtbot, main_window, "&File", "&Report…")
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), ReportDialog), timeout=5000)
    dialog: ReportDialog = QApplication.activeModalWidget()  # type: ignore[assignment]
    assert not dialog.make_button.isEnabled()  # no file yet

    edit = dialog.month_edit  # the year section, then the month section, by arrow keys
    QTest.mouseClick(edit, Qt.MouseButton.LeftButton, pos=QPoint(6, edit.height() // 2))
    for _ in range(edit.date().year() - 2021):
        QTest.keyClick(edit, Qt.Key.Key_Down)
    QTest.keyClick(edit, Qt.Key.Key_Tab)  # Tab moves to the month section inside a date edit
    month = edit.date().month()
    for _ in range(abs(month - 7)):
        QTest.keyClick(edit, Qt.Key.Key_Down if month > 7 else Qt.Key.Key_Up)
    assert dialog.month_edit.date().toString("yyyy-MM") == "2021-07"
    pdf, xlsx = tmp_path / "july.pdf", tmp_path / "july.xlsx"
    _type_into(qtbot, dialog.pdf_edit, str(pdf))
    _type_into(qtbot, dialog.xlsx_edit, str(xlsx))
    _type_into(qtbot, dialog.company_edit, "Demo Mining")
    logo = QImage(90, 30, QImage.Format.Format_RGB32)
    logo.fill(QColor("#2ca02c"))
    assert logo.save(str(tmp_path / "logo.png"))
    _type_into(qtbot, dialog.logo_edit, str(tmp_path / "logo.png"))
    assert dialog.make_button.isEnabled()

    progress: list[int] = []
    dialog.progress.valueChanged.connect(progress.append)
    with qtbot.waitSignal(dialog.produced, timeout=30000):
        QTest.mouseClick(dialog.make_button, Qt.MouseButton.LeftButton)
        assert dialog.progress.isVisible() and not dialog.make_button.isEnabled()  # running on the worker
    assert dialog.isVisible()
    text = dialog.message.text()
    assert "Saved the report for July 2021 (3 pages) to:" in text
    assert str(pdf) in text and str(xlsx) in text
    assert progress[-1] == 100 and progress == sorted(progress)
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 10_000
    assert b"/Subtype /Image" in pdf.read_bytes()  # the logo
    headline = {r[0]: r[1] for r in openpyxl.load_workbook(xlsx)["Headline"].iter_rows(values_only=True) if r and r[0]}
    assert headline["Units deployed"] == 3819 and headline["Units in transit"] == 4033
    dialog.grab().save(str(tmp_path / "report-dialog.png"))
    QTest.mouseClick(dialog.buttons.button(dialog.buttons.StandardButton.Close), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=3000)


def test_a_bad_file_name_is_said_in_the_dialog_and_nothing_is_written(qtbot, demo_session, tmp_path: Path) -> None:
    dialog = ReportDialog(None, demo_session, settings=QSettings(str(tmp_path / "r.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(dialog)
    dialog.show()
    _type_into(qtbot, dialog.pdf_edit, str(tmp_path / "missing" / "r.pdf"))
    QTest.mouseClick(dialog.make_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.worker is None and "does not exist" in dialog.message.text(), timeout=10000)
    assert not dialog.progress.isVisible() and dialog.make_button.isEnabled()
    assert not (tmp_path / "missing").exists() and not list(tmp_path.glob("*.pdf"))


def test_cancel_while_the_report_is_made_writes_no_file(qtbot, demo_session, tmp_path: Path, monkeypatch) -> None:
    from desktop.render import report_files

    started, release = threading.Event(), threading.Event()
    read = report_files.session_report

    def held(*args, **kwargs):  # the worker waits after reading until the test has pressed Close
        content = read(*args, **kwargs)
        started.set()
        assert release.wait(10)
        return content

    monkeypatch.setattr(report_files, "session_report", held)
    dialog = ReportDialog(None, demo_session, settings=QSettings(str(tmp_path / "r.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(dialog)
    dialog.show()
    out = tmp_path / "out"
    out.mkdir()
    _type_into(qtbot, dialog.pdf_edit, str(out / "r.pdf"))
    _type_into(qtbot, dialog.xlsx_edit, str(out / "r.xlsx"))
    QTest.mouseClick(dialog.make_button, Qt.MouseButton.LeftButton)
    assert started.wait(10) and dialog.progress.isVisible()
    QTest.mouseClick(dialog.buttons.button(dialog.buttons.StandardButton.Close), Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and "no file will be written" in dialog.message.text()
    release.set()
    qtbot.waitUntil(lambda: dialog.worker is None, timeout=10000)
    assert dialog.message.text() == "the report was cancelled; no file was written"
    assert list(out.iterdir()) == [] and dialog.outcome is None
