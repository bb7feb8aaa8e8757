"""Undo and redo (QUndoStack over FleetService) put back exactly the previous records."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMessageBox

from desktop.domain.stages import EventKind
from desktop.errors import HashplanError
from desktop.services.changes import AddSite
from desktop.services.inputs import SiteInput
from desktop.services.session import Session, open_session
from desktop.ui.edit_actions import EditActions
from desktop.ui.undo import execute
from tests.gui.edit_harness import dump_tables, records


@pytest.fixture
def batch_with_events(demo_session: Session) -> int:
    """A demo batch that has shipments, deliveries and deployments recorded."""
    for batch in demo_session.store.list_batches():
        kinds = {e.kind for e in demo_session.store.events_for_batch(batch.id or 0)}
        if EventKind.DEPLOYED in kinds:
            return batch.id or 0
    raise AssertionError("the demo has a deployed batch")


def press_ok(qtbot, dialog) -> None:
    assert dialog.ok_button.isEnabled()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible())


def check_undo_redo(actions: EditActions, session: Session, before) -> None:
    """One action ran since ``before``: undo gives ``before`` back, redo gives the change back."""
    after = records(session.path)
    assert after != before
    assert actions.undo_stack.count() == 1
    actions.undo.trigger()
    assert records(session.path) == before
    actions.redo.trigger()
    assert records(session.path) == after
    actions.undo.trigger()  # and once more, from a redone state
    assert records(session.path) == before


def test_undo_and_redo_of_adding_a_batch(qtbot, actions, demo_session):
    before = records(demo_session.path)
    dialog = actions.open_new_batch()
    dialog.units_edit.setText("2,500")
    dialog.unit_price_edit.setText("2640")
    press_ok(qtbot, dialog)
    assert actions.undo.text().replace("&", "").startswith("Undo add batch #")
    check_undo_redo(actions, demo_session, before)


def test_undo_and_redo_of_editing_a_batch(qtbot, actions, demo_session, harness, batch_with_events):
    harness.batch_id = batch_with_events
    before = records(demo_session.path)
    dialog = actions.open_edit_batch()
    qtbot.keyClicks(dialog.supplier_edit, " (via broker)")
    dialog.unit_price_edit.setText("1,999.99")
    dialog.expected_edit.setDate(dialog.expected_edit.date().addDays(9))
    press_ok(qtbot, dialog)
    assert demo_session.store.get_batch(batch_with_events).unit_price_cents == 199999
    check_undo_redo(actions, demo_session, before)


def test_undo_and_redo_of_recording_an_event(qtbot, actions, demo_session, harness):
    ordered = next(b for b in demo_session.store.list_batches() if not demo_session.store.events_for_batch(b.id or 0))
    harness.batch_id = ordered.id
    before = records(demo_session.path)
    dialog = actions.open_record_event()
    dialog.units_edit.setText("700")
    dialog.date_edit.setDate(QDate(ordered.ordered_on.year, ordered.ordered_on.month, ordered.ordered_on.day))
    press_ok(qtbot, dialog)
    check_undo_redo(actions, demo_session, before)


def test_undo_and_redo_of_deleting_a_batch_with_its_events(
    actions, demo_session, harness, monkeypatch, batch_with_events
):
    harness.batch_id = batch_with_events
    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.StandardButton.Yes)
    before = records(demo_session.path)
    assert actions.delete_selected_batch() is True
    assert batch_with_events not in {b.id for b in demo_session.store.list_batches()}
    check_undo_redo(actions, demo_session, before)


def test_undo_and_redo_of_sites_and_models(qtbot, actions, demo_session, harness, monkeypatch):
    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.StandardButton.Yes)
    states = [records(demo_session.path)]
    dialog = actions.open_new_site()
    qtbot.keyClicks(dialog.name_edit, "Quebec")
    qtbot.keyClicks(dialog.capacity_edit, "30")
    press_ok(qtbot, dialog)
    states.append(records(demo_session.path))
    harness.site_id = demo_session.store.find_site("quebec").id
    dialog = actions.open_edit_site()
    qtbot.keyClicks(dialog.country_edit, "Canada")
    press_ok(qtbot, dialog)
    states.append(records(demo_session.path))
    dialog = actions.open_new_model()
    qtbot.keyClicks(dialog.name_edit, "Antminer S21 Pro")
    qtbot.keyClicks(dialog.ths_edit, "234")
    qtbot.keyClicks(dialog.watts_edit, "3510")
    press_ok(qtbot, dialog)
    states.append(records(demo_session.path))
    assert actions.delete_selected_site() is True
    states.append(records(demo_session.path))
    assert len({repr(s) for s in states}) == 5 and actions.undo_stack.count() == 4

    for state in reversed(states[:-1]):
        actions.undo.trigger()
        assert records(demo_session.path) == state
    for state in states[1:]:
        actions.redo.trigger()
        assert records(demo_session.path) == state


def test_the_shortcuts_drive_the_stack(qtbot, actions, demo_session, harness):
    harness.addActions([actions.undo, actions.redo])
    harness.show()
    harness.activateWindow()
    qtbot.waitUntil(harness.isActiveWindow)
    before = records(demo_session.path)
    execute(actions.undo_stack, AddSite(demo_session.fleet, SiteInput.parse("Quebec")))
    after = records(demo_session.path)
    qtbot.keySequence(harness, QKeySequence("Ctrl+Z"))
    assert records(demo_session.path) == before
    qtbot.keySequence(harness, QKeySequence("Ctrl+Shift+Z"))
    assert records(demo_session.path) == after


def test_a_refused_change_is_not_pushed(actions, demo_session):
    before = dump_tables(demo_session.path)
    with pytest.raises(HashplanError, match="already exists"):
        actions.run(AddSite(demo_session.fleet, SiteInput.parse("KAZAKHSTAN")))
    assert actions.undo_stack.count() == 0
    assert dump_tables(demo_session.path) == before


def test_an_undo_that_no_longer_fits_is_explained_and_dropped(actions, demo_session, monkeypatch):
    errors: list[str] = []
    monkeypatch.setattr(actions, "show_error", lambda title, error: errors.append(f"{title}: {error}"))
    command = AddSite(demo_session.fleet, SiteInput.parse("Quebec"))
    actions.run(command)
    with open_session(demo_session.path) as other:  # another window logs a batch there meanwhile
        other.fleet.add_batch("Quebec", "Antminer S19", 10, "2026-01-05")
    before = dump_tables(demo_session.path)
    actions.undo.trigger()
    assert errors == ["Undo add data center Quebec: data_center: 'Quebec' still has batches; delete or move them first"]
    assert dump_tables(demo_session.path) == before
    assert actions.undo_stack.count() == 0 and not actions.undo.isEnabled()


def test_undoing_an_edit_never_overwrites_a_change_made_elsewhere(qtbot, actions, demo_session, harness, monkeypatch):
    errors: list[str] = []
    monkeypatch.setattr(actions, "show_error", lambda title, error: errors.append(str(error)))
    batch = demo_session.store.list_batches()[0]
    harness.batch_id = batch.id
    dialog = actions.open_edit_batch()
    dialog.unit_price_edit.setText("1,000")
    press_ok(qtbot, dialog)
    with open_session(demo_session.path) as other:  # another window changes the supplier
        other.fleet.edit_batch(
            batch.id or 0,
            batch.data_center_id,
            batch.model_id,
            batch.units,
            batch.ordered_on,
            batch.expected_on,
            "1000",
            "Broker Ltd",
            batch.notes,
        )
    before = records(demo_session.path)
    actions.undo.trigger()
    assert records(demo_session.path) == before
    assert errors == [f"batch #{batch.id} was changed elsewhere since; undoing would overwrite that change"]
