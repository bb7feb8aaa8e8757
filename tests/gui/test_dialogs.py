"""The logging dialogs: filled with qtbot, checked as typed, refusals leave the file alone."""

from __future__ import annotations

import json
from datetime import date

import pytest
from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop.domain.hashrate import value_at
from desktop.domain.stages import EventKind
from desktop.services.session import Session, open_session
from desktop.ui.dialogs.batch_dialog import BatchDialog
from desktop.ui.dialogs.event_dialog import EventDialog
from desktop.ui.dialogs.model_dialog import ModelDialog
from desktop.ui.edit_actions import EditActions
from tests.gui.edit_harness import SelectionHarness, dump_tables


@pytest.fixture
def harness(qtbot) -> SelectionHarness:
    widget = SelectionHarness()
    qtbot.addWidget(widget)
    return widget


@pytest.fixture
def actions(harness: SelectionHarness, demo_session: Session) -> EditActions:
    return EditActions(harness, demo_session, harness)


def site_id(session: Session, name: str) -> int:
    site = session.store.find_site(name)
    assert site is not None and site.id is not None
    return site.id


def model_id(session: Session, name: str) -> int:
    model = session.store.find_model(name)
    assert model is not None and model.id is not None
    return model.id


def pick(combo, item_id: int) -> None:
    index = combo.findData(item_id)
    assert index >= 0
    combo.setCurrentIndex(index)


def type_into(qtbot, edit, text: str) -> None:
    edit.clear()
    qtbot.keyClicks(edit, text)


def shown_reason(dialog, name: str) -> str:
    field = dialog.fields[name]
    return field.reason.text() if field.reason.isVisibleTo(dialog) else ""


def fill_batch(qtbot, dialog: BatchDialog, session: Session, **overrides: str) -> None:
    values = {"units": "1,200", "price": "2,640", "supplier": "Bitmain", "notes": "lot 7"} | overrides
    pick(dialog.site_combo, site_id(session, "Texas"))
    pick(dialog.model_combo, model_id(session, "Antminer S19 XP"))
    type_into(qtbot, dialog.units_edit, values["units"])
    type_into(qtbot, dialog.unit_price_edit, values["price"])
    type_into(qtbot, dialog.supplier_edit, values["supplier"])
    dialog.ordered_edit.setDate(QDate(2026, 3, 2))
    dialog.expected_edit.setDate(QDate(2026, 5, 15))
    dialog.notes_edit.setPlainText(values["notes"])


# -- the batch dialog ---------------------------------------------------------------------


def test_filled_batch_dialog_adds_exactly_that_batch_and_the_planned_curve_rises(qtbot, actions, demo_session):
    planned_before = demo_session.queries.series().planned[-1][1]
    batches_before = {b.id for b in demo_session.store.list_batches()}
    dialog = actions.open_new_batch()
    fill_batch(qtbot, dialog, demo_session)
    assert dialog.ok_button.isEnabled()
    assert "168.00 PH/s" in dialog.planned_label.text()  # 1,200 x 140 TH/s, shown before saving
    assert dialog.total_cost_edit.text() == "3,168,000.00"

    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: not dialog.isVisible())
    [new] = [b for b in demo_session.store.list_batches() if b.id not in batches_before]
    assert new.data_center_id == site_id(demo_session, "Texas")
    assert new.model_id == model_id(demo_session, "Antminer S19 XP")
    assert (new.units, new.unit_price_cents, new.supplier, new.notes) == (1200, 264000, "Bitmain", "lot 7")
    assert (new.ordered_on, new.expected_on) == (date(2026, 3, 2), date(2026, 5, 15))
    assert demo_session.queries.series().planned[-1][1] == pytest.approx(planned_before + 1200 * 140)
    assert actions.undo_stack.count() == 1
    # The main window's table and chart are tested by the shell's tests over the same service.


def test_recording_a_partial_deployment_raises_the_deployed_curve_on_that_date(qtbot, actions, demo_session, harness):
    dialog = actions.open_new_batch()
    fill_batch(qtbot, dialog, demo_session)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    harness.batch_id = max(b.id or 0 for b in demo_session.store.list_batches())
    actions.update_enabled()
    deployed_before = demo_session.queries.series().deployed

    for kind, units, day in (("shipped", "1200", 10), ("delivered", "1200", 20), ("deployed", "500", 25)):
        event = actions.open_record_event()
        pick(event.kind_combo, EventKind(kind))
        type_into(qtbot, event.units_edit, units)
        event.date_edit.setDate(QDate(2026, 4, day))
        assert event.ok_button.isEnabled(), shown_reason(event, "units") + shown_reason(event, "date")
        qtbot.mouseClick(event.ok_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda event=event: not event.isVisible())

    deployed = demo_session.queries.series().deployed
    assert value_at(deployed, date(2026, 4, 25)) - value_at(deployed_before, date(2026, 4, 25)) == pytest.approx(
        500 * 140
    )
    assert value_at(deployed, date(2026, 4, 24)) == value_at(deployed_before, date(2026, 4, 24))


def test_total_cost_mode_computes_and_stores_the_unit_price(qtbot, actions, demo_session):
    dialog = actions.open_new_batch()
    fill_batch(qtbot, dialog, demo_session, units="2,500")
    dialog.total_radio.click()
    assert dialog.total_cost_edit.isEnabled() and not dialog.unit_price_edit.isEnabled()
    type_into(qtbot, dialog.total_cost_edit, "6,600,000")
    assert dialog.unit_price_edit.text() == "2,640.00"
    assert "USD 18.86 / TH" in dialog.cost_per_th_label.text()  # 6.6 M / (2,500 x 140 TH/s)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    newest = max(demo_session.store.list_batches(), key=lambda b: b.id or 0)
    assert (newest.units, newest.unit_price_cents) == (2500, 264000)


def test_a_total_that_does_not_split_into_cents_is_explained(qtbot, actions, demo_session):
    dialog = actions.open_new_batch()
    fill_batch(qtbot, dialog, demo_session, units="3")
    dialog.total_radio.click()
    type_into(qtbot, dialog.total_cost_edit, "100")
    assert not dialog.ok_button.isEnabled()
    assert "does not split into whole cents over 3 units" in shown_reason(dialog, "total_cost")


@pytest.mark.parametrize(
    ("field", "text", "reason"),
    [
        ("units", "0", "Must be more than 0, not 0"),
        ("units", "-5", "Must be more than 0, not -5"),
        ("units", "2.5", "Must be a whole number of units, not 2.5"),
        ("units", "abc", "'abc' is not a number"),
        ("units", "", "Required"),
        ("unit_price", "-1", "Cannot be negative (USD -1)"),
        ("unit_price", "12,34", "'12,34' is not a number"),
    ],
)
def test_each_invalid_batch_field_keeps_ok_disabled_and_shows_why(qtbot, actions, demo_session, field, text, reason):
    dialog = actions.open_new_batch()
    fill_batch(qtbot, dialog, demo_session)
    before = dump_tables(demo_session.path)
    edit = {"units": dialog.units_edit, "unit_price": dialog.unit_price_edit}[field]
    type_into(qtbot, edit, text)
    if not text:  # clearing by keyboard, as a user would
        type_into(qtbot, edit, "1")
        qtbot.keyClick(edit, Qt.Key.Key_Backspace)

    assert not dialog.ok_button.isEnabled()
    assert shown_reason(dialog, field) == reason
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    dialog.accept()  # even a forced accept is refused
    assert dialog.isVisible()
    assert dump_tables(demo_session.path) == before
    assert actions.undo_stack.count() == 0


def test_expected_date_before_the_order_date_is_refused(qtbot, actions, demo_session):
    dialog = actions.open_new_batch()
    fill_batch(qtbot, dialog, demo_session)
    before = dump_tables(demo_session.path)
    dialog.expected_edit.setDate(QDate(2026, 3, 1))
    assert not dialog.ok_button.isEnabled()
    assert shown_reason(dialog, "expected_on") == "Expected deployment 2026-03-01 is before the order date 2026-03-02"
    dialog.accept()
    assert dump_tables(demo_session.path) == before


def test_shrinking_a_batch_below_its_recorded_events_is_refused(qtbot, actions, demo_session, harness):
    deployed = next(b for b in demo_session.store.list_batches() if demo_session.store.events_for_batch(b.id or 0))
    harness.batch_id = deployed.id
    dialog = actions.open_edit_batch()
    assert dialog.units_edit.text() == f"{deployed.units:,}"
    assert dialog.ok_button.isEnabled()
    type_into(qtbot, dialog.units_edit, "1")
    assert not dialog.ok_button.isEnabled()
    assert "recorded events no longer fit" in shown_reason(dialog, "units")


def test_a_refusal_at_save_time_is_shown_in_the_dialog_which_stays_open(qtbot, actions, demo_session):
    dialog = actions.open_new_site()
    type_into(qtbot, dialog.name_edit, "Quebec")
    assert dialog.ok_button.isEnabled()
    with open_session(demo_session.path) as other:  # another window takes the name meanwhile
        other.fleet.add_site("QUEBEC ")
    before = dump_tables(demo_session.path)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert shown_reason(dialog, "name") == "A data center named 'QUEBEC' already exists"
    assert dump_tables(demo_session.path) == before
    assert actions.undo_stack.count() == 0


# -- data centers and models --------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "capacity", "field", "reason"),
    [
        ("", "", "name", "Required"),
        ("  kazakhstan ", "", "name", "A data center named 'Kazakhstan' already exists"),
        ("North Dakota", "-3", "capacity_mw", "Cannot be negative (-3 MW)"),
        ("North Dakota", "lots", "capacity_mw", "'lots' is not a number"),
    ],
)
def test_invalid_site_fields_keep_ok_disabled(qtbot, actions, demo_session, name, capacity, field, reason):
    before = dump_tables(demo_session.path)
    dialog = actions.open_new_site()
    type_into(qtbot, dialog.name_edit, name or "x")
    if not name:
        qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Backspace)
    type_into(qtbot, dialog.capacity_edit, capacity)
    assert not dialog.ok_button.isEnabled()
    assert shown_reason(dialog, field) == reason
    dialog.accept()
    assert dump_tables(demo_session.path) == before


def test_new_site_is_saved_with_its_capacity(qtbot, actions, demo_session):
    dialog = actions.open_new_site()
    type_into(qtbot, dialog.name_edit, "  North   Dakota ")
    type_into(qtbot, dialog.country_edit, "USA")
    type_into(qtbot, dialog.capacity_edit, "12.5")
    with qtbot.waitSignal(actions.site_added) as added:
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    site = demo_session.store.get_site(added.args[0])
    assert (site.name, site.country, site.capacity_mw) == ("North Dakota", "USA", 12.5)


@pytest.mark.parametrize(
    ("ths", "watts", "name", "field", "reason"),
    [
        ("0", "3010", "S21 Hydro", "ths", "Must be more than 0 TH/s, not 0"),
        ("140", "0", "S21 Hydro", "watts", "Must be more than 0 W, not 0"),
        ("-1", "3010", "S21 Hydro", "ths", "Must be more than 0 TH/s, not -1"),
        ("140", "3010", "antminer s19 XP", "model", "A miner model named 'Antminer S19 XP' already exists"),
    ],
)
def test_invalid_model_fields_keep_ok_disabled(qtbot, actions, demo_session, ths, watts, name, field, reason):
    before = dump_tables(demo_session.path)
    dialog = actions.open_new_model()
    type_into(qtbot, dialog.vendor_edit, "Bitmain")
    type_into(qtbot, dialog.name_edit, name)
    type_into(qtbot, dialog.ths_edit, ths)
    type_into(qtbot, dialog.watts_edit, watts)
    assert not dialog.ok_button.isEnabled()
    assert shown_reason(dialog, field) == reason
    assert (dialog.efficiency.text() == "-") == (field in ("ths", "watts"))
    dialog.accept()
    assert dump_tables(demo_session.path) == before


def test_new_model_shows_its_efficiency_and_joins_the_catalog(qtbot, actions, demo_session):
    dialog = actions.open_new_model()
    type_into(qtbot, dialog.vendor_edit, "Bitmain")
    type_into(qtbot, dialog.name_edit, "Antminer S21 Pro")
    type_into(qtbot, dialog.ths_edit, "234")
    type_into(qtbot, dialog.watts_edit, "3,510")
    assert dialog.efficiency.text() == "15.0 J/TH"
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    model = demo_session.store.find_model("antminer s21 pro")
    assert model is not None and (model.vendor, model.ths, model.watts) == ("Bitmain", 234.0, 3510.0)
    batch_dialog = actions.open_new_batch()
    assert batch_dialog.model_combo.findData(model.id) >= 0
    assert "234 TH/s" in batch_dialog.model_combo.itemText(batch_dialog.model_combo.findData(model.id))


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


def test_tab_moves_through_the_batch_form_in_reading_order(qtbot, actions, demo_session):
    dialog = actions.open_new_batch()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    dialog.units_edit.setFocus()
    order = []
    for _ in range(4):  # then Tab walks the date's sections (year, month, day), as Qt does
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        order.append(QApplication.focusWidget())
    assert order == [
        dialog.per_unit_radio,
        dialog.unit_price_edit,
        dialog.supplier_edit,
        dialog.ordered_edit,
    ]


def test_new_model_from_the_batch_dialog_is_selected_there(qtbot, actions, demo_session):
    dialog = actions.open_new_batch()

    def fill_nested() -> None:
        nested = QApplication.activeModalWidget()
        assert isinstance(nested, ModelDialog)
        nested.vendor_edit.setText("Canaan")
        nested.name_edit.setText("Avalon A1466")
        nested.ths_edit.setText("150")
        nested.watts_edit.setText("3230")
        nested.ok_button.click()

    QTimer.singleShot(0, fill_nested)
    qtbot.mouseClick(dialog.fields["model"].extra[0], Qt.MouseButton.LeftButton)
    assert dialog.model_combo.currentText().startswith("Canaan Avalon A1466  ·  150 TH/s")
    assert actions.undo_stack.count() == 1  # adding the model is undoable on its own


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


def test_a_batch_needs_a_data_center_first_and_says_so(harness, session):
    dialog = EditActions(harness, session, harness).open_new_batch()
    assert not dialog.ok_button.isEnabled()
    assert shown_reason(dialog, "data_center") == "No data center yet: add one first (Edit > New data center)"


def test_reasons_follow_a_switch_to_the_dark_palette(qtbot, actions):
    from desktop.ui.dialogs.form import error_colour
    from desktop.ui.look import dark_palette

    dialog = actions.open_new_model()
    reason = dialog.fields["ths"].reason
    light = reason.palette().color(reason.foregroundRole())
    dialog.setPalette(dark_palette())
    dark = reason.palette().color(reason.foregroundRole())
    assert light != dark and dark == error_colour(dark_palette())
