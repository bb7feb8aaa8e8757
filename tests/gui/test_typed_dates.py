"""Issue #14 item 2: a person types ISO dates, picks one on the calendar, mistypes one."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from desktop.ui.main_window import MainWindow
from tests.gui.test_mouse_on_batches import row_centre


def type_into_focus(text: str) -> None:
    """Keys go where the keyboard focus is, as they do for a person."""
    QTest.keyClicks(QApplication.focusWidget(), text)


def click(widget) -> None:
    """A left click at the widget's centre, delivered to the child a person's click lands on."""
    centre = widget.rect().center()
    target = widget.childAt(centre) or widget
    QTest.mouseClick(target, Qt.MouseButton.LeftButton, pos=target.mapFrom(widget, centre))


def open_new_batch(qtbot, window: MainWindow):
    window.activateWindow()
    QTest.keySequence(window, "Ctrl+N")
    qtbot.waitUntil(lambda: window.edit_actions.dialog is not None and window.edit_actions.dialog.isVisible())
    return active(qtbot, window.edit_actions.dialog)


def active(qtbot, dialog):
    """A new dialog has the keyboard (the offscreen platform activates it only when asked)."""
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    return dialog


def test_tabbing_into_order_date_and_typing_an_iso_date_gives_that_date(qtbot, main_window: MainWindow) -> None:
    dialog = open_new_batch(qtbot, main_window)
    click(dialog.supplier_edit)
    type_into_focus("Bitmain")
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    type_into_focus("2021-05-01")
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    type_into_focus("2021-08-15")
    assert dialog.ordered_edit.date() == QDate(2021, 5, 1)
    assert dialog.expected_edit.date() == QDate(2021, 8, 15)
    assert dialog.values().ordered_on == "2021-05-01"
    assert not dialog.fields["ordered_on"].reason.isVisible()
    dialog.reject()


def test_select_all_then_typing_a_date_records_that_date(qtbot, main_window: MainWindow) -> None:
    QTest.mouseClick(
        main_window.batch_panel.table.viewport(), Qt.MouseButton.LeftButton, pos=row_centre(main_window, 6)
    )
    main_window.activateWindow()
    QTest.keySequence(main_window, "Ctrl+E")
    qtbot.waitUntil(lambda: main_window.edit_actions.dialog is not None)
    dialog = active(qtbot, main_window.edit_actions.dialog)
    click(dialog.date_edit)
    QTest.keySequence(QApplication.focusWidget(), "Ctrl+A")
    type_into_focus("2021-09-01")
    click(dialog.ok_button)
    events = main_window.session.fleet.events_for_batch(6)
    assert events[-1].occurred_on == date(2021, 9, 1)
    assert events[-1].units == 1500


def test_the_calendar_popup_picks_a_date(qtbot, main_window: MainWindow) -> None:
    dialog = open_new_batch(qtbot, main_window)
    click(dialog.ordered_edit.line)
    QTest.keySequence(QApplication.focusWidget(), "Ctrl+A")
    type_into_focus("2021-05-01")
    click(dialog.ordered_edit.button)
    calendar = dialog.ordered_edit.calendar
    qtbot.waitUntil(calendar.isVisible)
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Right)  # the next day
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert not calendar.isVisible()
    assert dialog.ordered_edit.text() == "2021-05-02"
    dialog.reject()


def test_impossible_and_far_future_dates_are_refused_with_their_reason(qtbot, main_window: MainWindow) -> None:
    dialog = open_new_batch(qtbot, main_window)
    reason = dialog.fields["ordered_on"].reason
    for typed, said in [
        ("2021-02-30", "'2021-02-30' is not a date as YYYY-MM-DD: 2021-02 has 28 days"),
        ("2021-13-01", "'2021-13-01' is not a date as YYYY-MM-DD: there is no month 13"),
        ("2201-05-01", "2201-05-01 is more than 30 years ahead (a typo for the year?)"),
        ("1999-05-01", "1999-05-01 is before 2009-01-03, when Bitcoin began"),
    ]:
        click(dialog.ordered_edit.line)
        QTest.keySequence(QApplication.focusWidget(), "Ctrl+A")
        type_into_focus(typed)
        assert reason.isVisible() and reason.text() == said
        assert not dialog.ok_button.isEnabled()
    dialog.reject()
