"""The data-center dialog edits the site's network ranges, checked as typed."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.gui.edit_harness import shown_reason, site_id, type_into


def test_new_site_is_saved_with_its_networks(qtbot, actions, demo_session) -> None:
    dialog = actions.open_new_site()
    type_into(qtbot, dialog.name_edit, "Norway")
    type_into(qtbot, dialog.networks_edit, "127.0.8.0/26")
    qtbot.keyClick(dialog.networks_edit, Qt.Key.Key_Return)
    qtbot.keyClicks(dialog.networks_edit, "127.0.9.10-127.0.9.60")
    assert dialog.ok_button.isEnabled()
    with qtbot.waitSignal(actions.site_added) as added:
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert demo_session.measured.networks_by_site()[added.args[0]] == ["127.0.8.0/26", "127.0.9.10-127.0.9.60"]


def test_a_bad_range_keeps_save_disabled_and_names_the_problem(qtbot, actions, demo_session, harness) -> None:
    texas = site_id(demo_session, "Texas")
    demo_session.measured.set_networks(texas, ["127.0.8.0/28"])
    harness.site_id = texas
    actions.update_enabled()
    dialog = actions.open_edit_site()
    assert dialog.networks_edit.toPlainText() == "127.0.8.0/28"
    type_into(qtbot, dialog.networks_edit, "8.8.8.0/24")
    assert not dialog.ok_button.isEnabled()
    assert "not a private or loopback address" in shown_reason(dialog, "network")
    type_into(qtbot, dialog.networks_edit, "127.0.8.0/27")
    assert dialog.ok_button.isEnabled()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert demo_session.measured.networks_by_site()[texas] == ["127.0.8.0/27"]
