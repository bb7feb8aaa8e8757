"""The logging dialogs: filled with qtbot, checked as typed, refusals leave the file alone."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtWidgets import QApplication

from desktop.domain.hashrate import value_at
from desktop.domain.stages import EventKind
from desktop.services.session import open_session
from desktop.ui.dialogs.model_dialog import ModelDialog
from desktop.ui.edit_actions import EditActions
from tests.gui.edit_harness import (
    dump_tables,
    fill_batch,
    model_id,
    pick,
    shown_reason,
    site_id,
    type_into,
)

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


def test_tab_moves_through_the_batch_form_in_reading_order(qtbot, actions, demo_session):
    dialog = actions.open_new_batch()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    dialog.units_edit.setFocus()
    order = []
    for _ in range(6):  # a date is one field (typed whole), not three sections
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        order.append(QApplication.focusWidget())
    assert order == [
        dialog.per_unit_radio,
        dialog.unit_price_edit,
        dialog.supplier_edit,
        dialog.ordered_edit.line,
        dialog.expected_edit.line,
        dialog.notes_edit,
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


def test_a_batch_needs_a_data_center_first_and_says_so(harness, session):
    dialog = EditActions(harness, session, harness).open_new_batch()
    assert not dialog.ok_button.isEnabled()
    assert shown_reason(dialog, "data_center") == "No data center yet: add one first (Edit > New data center)"


def test_reasons_follow_a_switch_to_the_dark_palette(qtbot, actions):
    from desktop.ui.dialogs.widgets import error_colour
    from desktop.ui.look import dark_palette

    dialog = actions.open_new_model()
    reason = dialog.fields["ths"].reason
    light = reason.palette().color(reason.foregroundRole())
    dialog.setPalette(dark_palette())
    dark = reason.palette().color(reason.foregroundRole())
    assert light != dark and dark == error_colour(dark_palette())


def test_an_unexpected_failure_is_a_sentence_in_the_dialog_not_a_traceback(qtbot, actions, demo_session, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(demo_session.fleet, "create_site", broken)
    dialog = actions.open_new_site()
    type_into(qtbot, dialog.name_edit, "Quebec")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert dialog.general_error.text().startswith("Something unexpected went wrong (RuntimeError); nothing was saved.")
    assert actions.undo_stack.count() == 0


def test_the_model_picker_shows_its_longest_label_in_full(qtbot, actions, demo_session):
    dialog = actions.open_new_batch()
    qtbot.waitUntil(dialog.isVisible)
    metrics = dialog.model_combo.fontMetrics()
    widest = max(metrics.horizontalAdvance(dialog.model_combo.itemText(i)) for i in range(dialog.model_combo.count()))
    assert dialog.model_combo.width() >= widest
    assert dialog.width() >= dialog.minimumSizeHint().width()  # no row clipped under "New…"
