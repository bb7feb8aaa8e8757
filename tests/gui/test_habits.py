"""Issue #14 item 13: habits a person relies on (remembered choices, shortcuts, History, a steady toolbar)."""

from __future__ import annotations

from PySide6.QtCore import QDate, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QToolBar

from desktop.services.inputs import SiteInput
from desktop.ui.main_window import MainWindow
from tests.gui.test_mouse_on_batches import row_centre
from tests.gui.test_typed_dates import active, click, type_into_focus


def record_event_on(qtbot, window: MainWindow, batch_id: int):
    QTest.mouseClick(window.batch_panel.table.viewport(), Qt.MouseButton.LeftButton, pos=row_centre(window, batch_id))
    active(qtbot, window)
    QTest.keySequence(window, "Ctrl+E")
    qtbot.waitUntil(lambda: window.edit_actions.dialog is not None)
    return active(qtbot, window.edit_actions.dialog)


def test_record_event_remembers_the_last_kind_and_date(qtbot, main_window: MainWindow) -> None:
    dialog = record_event_on(qtbot, main_window, 7)
    assert dialog.kind_combo.currentText().startswith("Shipped")  # the natural next step
    click(dialog.units_edit)
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Backtab)  # to the event kind
    type_into_focus("Ca")  # a closed list selects by typing
    assert dialog.kind_combo.currentText() == "Cancelled (ordered → never coming)"
    click(dialog.units_edit)
    QTest.keySequence(QApplication.focusWidget(), "Ctrl+A")
    type_into_focus("100")
    click(dialog.date_edit)
    QTest.keySequence(QApplication.focusWidget(), "Ctrl+A")
    type_into_focus("2021-08-02")
    click(dialog.ok_button)
    qtbot.waitUntil(lambda: main_window.edit_actions.dialog is None)
    again = record_event_on(qtbot, main_window, 7)
    assert again.kind_combo.currentText().startswith("Cancelled")
    assert again.date_edit.date() == QDate(2021, 8, 2)
    again.reject()


def test_help_lists_every_keyboard_shortcut(qtbot, main_window: MainWindow) -> None:
    active(qtbot, main_window)
    QTest.keyClick(main_window, Qt.Key.Key_F1)
    rows = dict(main_window.shortcuts_dialog.rows())
    for keys in ("Ctrl+I", "Ctrl+Shift+E", "Ctrl+H", "Ctrl+E", "Ctrl+N", "Ctrl+T", "Ctrl+L", "Ctrl+0", "Ctrl+Z"):
        assert keys in rows, keys
    assert rows["Ctrl+H"].startswith("History")
    main_window.shortcuts_dialog.close()


def test_the_toolbar_does_not_jump_when_the_undo_label_changes(qtbot, main_window: MainWindow) -> None:
    toolbar = main_window.findChild(QToolBar, "mainToolbar")
    refresh = toolbar.widgetForAction(main_window.refresh_action)
    before = refresh.geometry()
    main_window.session.fleet.add_site("Iceland")  # from elsewhere: then an undoable change here
    from desktop.services.changes import AddSite

    main_window.edit_actions.run(AddSite(main_window.session.fleet, SiteInput.parse("Norway", "Norway", "", "")))
    assert main_window.edit_actions.undo.text() == "&Undo add data center Norway"
    QApplication.processEvents()
    assert refresh.geometry() == before
    assert toolbar.widgetForAction(main_window.edit_actions.undo).text() == "Undo"


def test_history_shows_names_and_the_time_zone(qtbot, main_window: MainWindow) -> None:
    QTest.mouseClick(
        main_window.batch_panel.table.viewport(), Qt.MouseButton.LeftButton, pos=row_centre(main_window, 7)
    )
    active(qtbot, main_window)
    QTest.keySequence(main_window, "Ctrl+H")
    qtbot.waitUntil(lambda: main_window.reliability.dialog is not None)
    dialog = main_window.reliability.dialog
    qtbot.waitUntil(lambda: dialog.model.rowCount() > 0)
    change = dialog.model.index(dialog.model.rowCount() - 1, 4).data()
    assert "data_center=Kazakhstan" in change and "model=MicroBT Whatsminer M20S" in change
    assert "data_center_id" not in change
    when = dialog.model.headerData(0, Qt.Orientation.Horizontal)
    assert when.startswith("When (") and "UTC" in when
    assert (
        dialog.model.index(0, 0).data().endswith(("UTC", "CET", "CEST"))
        or dialog.model.index(0, 0).data()[-1].isalpha()
    )
    dialog.close()


def test_export_says_where_the_file_went_and_remembers_the_choices(
    qtbot, main_window: MainWindow, tmp_path, monkeypatch
) -> None:
    from PySide6.QtGui import QDesktopServices

    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()) or True)
    out = tmp_path / "reports"
    out.mkdir()
    active(qtbot, main_window)
    QTest.keySequence(main_window, "Ctrl+Shift+E")
    dialog = active(qtbot, main_window.file_transfer.dialog)
    click(dialog.format_combo)  # the list opens; a person picks with the keys
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is not None)
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Down)
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert dialog.format_combo.currentData() == "xlsx"
    click(dialog.file_edit)
    type_into_focus(str(out / "fleet.xlsx"))
    click(dialog.export_button)
    qtbot.waitUntil(lambda: main_window.file_transfer.done_box is not None, timeout=10_000)
    box = main_window.file_transfer.done_box
    assert box.text() == f"Exported batches: 8 rows to {out / 'fleet.xlsx'} (XLSX)"  # 7 batches and Texas
    open_folder = next(b for b in box.buttons() if b.text() == "Open Folder")
    click(open_folder)
    assert opened == [str(out)]
    qtbot.waitUntil(lambda: main_window.file_transfer.done_box is None)  # the button closed it
    active(qtbot, main_window)
    QTest.keySequence(main_window, "Ctrl+Shift+E")
    again = main_window.file_transfer.dialog
    assert again is not dialog
    assert again.format_combo.currentData() == "xlsx"
    assert again.file_edit.text() == str(out / "hashplan-batches.xlsx")
    again.reject()


def test_the_batch_table_shows_the_notes(main_window: MainWindow) -> None:
    assert main_window.batch_panel.cell_text(1, "Notes") == "First machines for Kazakhstan"
    assert main_window.batch_panel.cell_text(7, "Notes") == "Agreed 2021-07-28: 2,500 miners for USD 6.6 million"


def test_import_remembers_its_folder_in_the_next_session(
    qtbot, main_window: MainWindow, open_main_window, demo_db, tmp_path, monkeypatch
) -> None:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QPushButton

    from desktop.ui import file_dialogs
    from desktop.ui.settings import WindowSettings

    folder = tmp_path / "purchase orders"
    folder.mkdir()
    (folder / "may.csv").write_text("data_center,miner_model\n", encoding="utf-8")
    opened_in: list[str] = []

    def file_dialog(parent, caption, directory="", name_filter=""):  # the user picks may.csv
        opened_in.append(directory)
        return str(folder / "may.csv"), name_filter

    monkeypatch.setattr(file_dialogs, "open_file_name", file_dialog)

    def choose_in(window: MainWindow):
        active(qtbot, window)
        QTest.keySequence(window, "Ctrl+I")
        dialog = active(qtbot, window.file_transfer.dialog)
        click(next(b for b in dialog.findChildren(QPushButton) if b.text() == "Choose…"))
        qtbot.waitUntil(lambda: dialog.plan is not None or not dialog.is_busy())
        qtbot.waitUntil(lambda: not dialog.is_busy())
        dialog.reject()

    choose_in(main_window)
    main_window.close()
    from desktop.ui.dialogs.import_dialog import ImportDialog

    ImportDialog.last_folder = ""  # a new process: only the settings file remembers
    settings_file = main_window.settings.qsettings.fileName()
    choose_in(open_main_window(demo_db, settings=WindowSettings(QSettings(settings_file, QSettings.Format.IniFormat))))
    assert opened_in == [opened_in[0], str(folder)]
    assert opened_in[0] != str(folder)
