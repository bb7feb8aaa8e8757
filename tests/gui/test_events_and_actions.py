"""Recording events, the Edit actions, and a batch logged in the main window end to end."""

from __future__ import annotations

import json
from datetime import date

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QMessageBox

from desktop.domain.stages import EventKind
from desktop.services.session import Session, open_session
from desktop.ui.dialogs.event_dialog import EventDialog
from desktop.ui.edit_actions import EditActions
from tests.gui.edit_harness import (
    SelectionHarness,
    dump_tables,
    fill_batch,
    pick,
    shown_reason,
    site_id,
    type_into,
)

# -- events -------------------------------------------------------------------------------


@pytest.fixture
def fresh_batch(session: Session) -> int:
    """2,500 units ordered 2026-01-10; 1,000 shipped and delivered."""
    session.fleet.add_site("Kazakhstan", "Kazakhstan")
    batch = session.fleet.add_batch("Kazakhstan", "Antminer S19 XP", 2500, "2026-01-10", "2026-03-01", 2640)
    session.fleet.record_event(batch.id or 0, "shipped", 1000, "2026-01-20")
    session.fleet.record_event(batch.id or 0, "delivered", 1000, "2026-02-01")
    return batch.id or 0


@pytest.fixture
def event_dialog(harness: SelectionHarness, session: Session, fresh_batch: int) -> EventDialog:
    harness.batch_id = fresh_batch
    dialog = EditActions(harness, session, harness).open_record_event()
    assert dialog is not None
    return dialog


def test_event_units_default_to_what_the_stage_holds_and_follow_the_kind(event_dialog):
    assert "1,500 ordered · 1,000 on site" in event_dialog.header.text()
    assert event_dialog.kind() is EventKind.SHIPPED
    assert event_dialog.units_edit.text() == "1,500"
    pick(event_dialog.kind_combo, EventKind.DEPLOYED)
    assert event_dialog.units_edit.text() == "1,000"
    pick(event_dialog.kind_combo, EventKind.RETIRED)
    assert event_dialog.units_edit.text() == ""
    assert not event_dialog.ok_button.isEnabled()
    assert shown_reason(event_dialog, "units") == "Only deployed units can be retired"
    assert event_dialog.date_edit.date() == QDate.currentDate()


def test_deploying_more_than_on_site_is_refused_in_the_dialog(qtbot, event_dialog, session):
    before = dump_tables(session.path)
    pick(event_dialog.kind_combo, EventKind.DEPLOYED)
    type_into(qtbot, event_dialog.units_edit, "1001")
    assert not event_dialog.ok_button.isEnabled()
    assert shown_reason(event_dialog, "units").startswith("Cannot record deployed of 1,001 units")
    assert "only 1,000 on site then" in shown_reason(event_dialog, "units")
    event_dialog.accept()
    assert dump_tables(session.path) == before


def test_an_event_dated_before_the_order_is_refused(qtbot, event_dialog, session):
    before = dump_tables(session.path)
    event_dialog.date_edit.setDate(QDate(2026, 1, 9))
    assert not event_dialog.ok_button.isEnabled()
    assert shown_reason(event_dialog, "date") == "Shipped on 2026-01-09 is before the batch was ordered (2026-01-10)"
    event_dialog.accept()
    assert dump_tables(session.path) == before


def test_a_valid_event_is_recorded(qtbot, event_dialog, session, fresh_batch):
    pick(event_dialog.kind_combo, EventKind.DEPLOYED)
    type_into(qtbot, event_dialog.units_edit, "600")
    event_dialog.date_edit.setDate(QDate(2026, 2, 14))
    qtbot.keyClicks(event_dialog.note_edit, "row A")
    qtbot.mouseClick(event_dialog.ok_button, Qt.MouseButton.LeftButton)
    last = session.store.events_for_batch(fresh_batch)[-1]
    assert (last.kind, last.units, last.occurred_on, last.note) == (EventKind.DEPLOYED, 600, date(2026, 2, 14), "row A")


# -- the actions --------------------------------------------------------------------------


def test_actions_follow_the_selection_and_carry_the_shortcuts(actions, harness, demo_session):
    assert not actions.edit_batch.isEnabled() and not actions.record_event.isEnabled()
    assert not actions.delete_site.isEnabled()
    assert actions.new_batch.isEnabled() and actions.new_site.isEnabled() and actions.new_model.isEnabled()
    harness.site_id = site_id(demo_session, "Texas")
    harness.batch_id = demo_session.store.list_batches()[0].id
    actions.update_enabled()
    assert actions.edit_batch.isEnabled() and actions.record_event.isEnabled() and actions.delete_site.isEnabled()
    assert actions.new_batch.shortcut().toString() == "Ctrl+N"
    assert actions.record_event.shortcut().toString() == "Ctrl+E"
    assert actions.undo.shortcut().toString() == "Ctrl+Z"
    assert actions.redo.shortcut().toString() == "Ctrl+Shift+Z"
    assert None in actions.edit_menu_actions()
    assert actions.record_event in actions.batch_context_actions()
    assert all(a.statusTip() for a in actions.edit_menu_actions() if a is not None)


def test_delete_names_the_batch_and_cancel_keeps_it(actions, harness, demo_session, monkeypatch):
    batch = demo_session.store.list_batches()[0]
    harness.batch_id = batch.id
    asked: list[str] = []

    def answer(parent, title, text, *args):
        asked.append(text)
        return QMessageBox.StandardButton.Cancel

    monkeypatch.setattr(QMessageBox, "question", answer)
    before = dump_tables(demo_session.path)
    assert actions.delete_selected_batch() is False
    assert dump_tables(demo_session.path) == before
    model = demo_session.store.get_model(batch.model_id)
    assert f"{batch.units:,} × {model.label} at Kazakhstan" in asked[0]


def test_deleting_a_site_that_has_batches_is_explained_not_asked(actions, harness, demo_session, monkeypatch):
    harness.site_id = site_id(demo_session, "Kazakhstan")
    errors: list[str] = []
    monkeypatch.setattr(actions, "confirm", lambda *a: pytest.fail("should not ask"))
    monkeypatch.setattr(actions, "show_error", lambda title, error: errors.append(str(error)))
    assert actions.delete_selected_site() is False
    assert errors == ["data_center: 'Kazakhstan' still has batches; delete or move them first"]


def test_a_new_session_starts_with_an_empty_undo_stack(qtbot, actions, demo_session, tmp_path):
    dialog = actions.open_new_site()
    type_into(qtbot, dialog.name_edit, "Quebec")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert actions.undo.isEnabled()
    with open_session(tmp_path / "other.db") as other:
        actions.set_session(other)
        assert actions.undo_stack.count() == 0 and not actions.undo.isEnabled()
        assert actions.open_new_batch().fleet is other.fleet


# -- in the main window -------------------------------------------------------------------


def test_a_batch_logged_in_the_window_shows_in_table_chart_and_tiles(qtbot, main_window, demo_db, capsys):
    from desktop.domain.units import format_hashrate
    from tests.integration.cli_runner import run_cli

    chart, panel, session = main_window.chart, main_window.batch_panel, main_window.session
    far = date(2030, 1, 1)
    planned_before, deployed_before = chart.value_on("planned", far), chart.value_on("deployed", far)
    dialog = main_window.edit_actions.open_new_batch()
    fill_batch(qtbot, dialog, session)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    new_id = max(b.id or 0 for b in session.store.list_batches())

    qtbot.waitUntil(lambda: main_window.selected_batch_id() == new_id, timeout=5000)
    assert panel.cell_text(new_id, "Units") == "1,200"
    assert panel.cell_text(new_id, "Cost (USD)") == "3,168,000.00"
    assert chart.value_on("planned", far) == pytest.approx(planned_before + 1200 * 140)
    assert chart.value_on("planned", date(2026, 5, 14)) == pytest.approx(planned_before)
    assert chart.value_on("deployed", far) == pytest.approx(deployed_before)

    for kind, units, day in (("shipped", "1200", 10), ("delivered", "1200", 20), ("deployed", "500", 25)):
        main_window.edit_actions.record_event.trigger()
        event = main_window.edit_actions.dialog
        assert isinstance(event, EventDialog) and event.batch_id == new_id
        pick(event.kind_combo, EventKind(kind))
        type_into(qtbot, event.units_edit, units)
        event.date_edit.setDate(QDate(2026, 4, day))
        qtbot.mouseClick(event.ok_button, Qt.MouseButton.LeftButton)
        assert not event.isVisible()
    qtbot.waitUntil(lambda: chart.value_on("deployed", far) > deployed_before, timeout=5000)
    assert chart.value_on("deployed", date(2026, 4, 25)) == pytest.approx(deployed_before + 500 * 140)
    assert chart.value_on("deployed", date(2026, 4, 24)) == pytest.approx(deployed_before)

    total = json.loads(run_cli(capsys, "--db", str(demo_db), "summary", "--json").out)["total"]
    assert main_window.kpi_tiles.texts()["planned"] == format_hashrate(total["planned_ths"])
    assert main_window.kpi_tiles.texts()["deployed"] == format_hashrate(total["deployed_ths"])
