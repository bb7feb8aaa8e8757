"""Issue #14 item 1: a person clicks a batch row, double-clicks it, right-clicks it."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMenu

from desktop.ui.dialogs.batch_dialog import BatchDialog
from desktop.ui.main_window import MainWindow
from desktop.ui.models.batch_table_model import BATCH_ID_ROLE


def row_centre(window: MainWindow, batch_id: int) -> QPoint:
    table = window.batch_panel.table
    for row in range(table.model().rowCount()):
        index = table.model().index(row, 1)
        if index.data(BATCH_ID_ROLE) == batch_id:
            return table.visualRect(index).center()
    raise AssertionError(f"batch #{batch_id} is not shown")


def test_a_click_on_a_row_enables_edit_record_and_delete(qtbot, main_window: MainWindow) -> None:
    actions = main_window.edit_actions
    assert not actions.edit_batch.isEnabled()
    QTest.mouseClick(
        main_window.batch_panel.table.viewport(), Qt.MouseButton.LeftButton, pos=row_centre(main_window, 3)
    )
    assert main_window.selected_batch_id() == 3
    assert actions.edit_batch.isEnabled()
    assert actions.record_event.isEnabled()
    assert actions.delete_batch.isEnabled()


def test_a_double_click_opens_the_batch_for_editing(qtbot, main_window: MainWindow) -> None:
    viewport = main_window.batch_panel.table.viewport()
    centre = row_centre(main_window, 5)
    QTest.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=centre)
    QTest.mouseDClick(viewport, Qt.MouseButton.LeftButton, pos=centre)
    dialog = main_window.edit_actions.dialog
    assert isinstance(dialog, BatchDialog)
    assert dialog.isVisible()
    assert "#5" in dialog.windowTitle()
    dialog.reject()
    assert QApplication.activeModalWidget() is None  # one dialog opened, not two


def test_the_rows_context_menu_offers_enabled_actions(qtbot, main_window: MainWindow) -> None:
    seen: dict[str, bool] = {}

    def read_menu() -> None:
        menu = QApplication.activePopupWidget()
        assert isinstance(menu, QMenu)
        seen.update({a.text().replace("&", ""): a.isEnabled() for a in menu.actions() if a.text()})
        menu.close()

    viewport = main_window.batch_panel.table.viewport()
    centre = row_centre(main_window, 2)
    QTimer.singleShot(100, read_menu)
    QTest.mouseClick(viewport, Qt.MouseButton.RightButton, pos=centre)
    # What the platform sends after a right-click (QTest has no context-menu event of its own).
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, centre, viewport.mapToGlobal(centre))
    QApplication.sendEvent(viewport, event)
    assert main_window.selected_batch_id() == 2
    assert seen["Edit Batch…"] and seen["Record Event…"] and seen["Delete Batch"]
