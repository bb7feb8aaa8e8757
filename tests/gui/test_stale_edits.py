"""An edit saved over a record another window changed meanwhile asks the user first."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from desktop.services.session import Session, open_session
from desktop.ui.edit_actions import EditActions
from tests.gui.edit_harness import SelectionHarness, records, site_id, type_into


@pytest.fixture
def batch_id(demo_session: Session, harness: SelectionHarness, actions: EditActions) -> int:
    batch = demo_session.store.list_batches()[0]
    assert batch.id is not None
    harness.batch_id = batch.id
    actions.update_enabled()
    return batch.id


def other_window_edits_supplier(session: Session, batch_id: int, supplier: str) -> None:
    """A second connection to the same file (another window, the command line) saves."""
    with open_session(session.path) as other:
        b = other.store.get_batch(batch_id)
        other.fleet.edit_batch(
            batch_id, b.data_center_id, b.model_id, b.units, b.ordered_on, b.expected_on,
            f"{b.unit_price_cents / 100:.2f}", supplier, b.notes,
        )  # fmt: skip


def question(qtbot, dialog) -> QMessageBox:
    """Waits for the conflict question the dialog put up, as the user would see it."""

    def shown() -> list[QMessageBox]:
        return [box for box in dialog.findChildren(QMessageBox) if box.isVisible()]

    qtbot.waitUntil(lambda: len(shown()) == 1)
    return shown()[0]


def save_and_get_question(qtbot, dialog) -> QMessageBox:
    assert dialog.ok_button.isEnabled()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    return question(qtbot, dialog)


def answer(qtbot, box: QMessageBox, which: str) -> None:
    if which == "cancel":
        button = box.button(QMessageBox.StandardButton.Cancel)
    else:
        [button] = [b for b in box.buttons() if b.objectName() == which]
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not box.isVisible())


def test_the_question_names_the_record_and_offers_three_ways(qtbot, actions, demo_session, batch_id):
    dialog = actions.open_edit_batch()
    type_into(qtbot, dialog.supplier_edit, "Mine")
    other_window_edits_supplier(demo_session, batch_id, "Theirs")

    box = save_and_get_question(qtbot, dialog)

    assert box.windowTitle() == "Changed in another window"
    assert f"Batch #{batch_id} was changed elsewhere" in box.text()
    assert [b.text() for b in box.buttons() if b.objectName()] == ["Load their version", "Save mine anyway"]
    assert box.button(QMessageBox.StandardButton.Cancel) is not None
    assert box.defaultButton().objectName() == "conflictReload"  # Enter never overwrites
    answer(qtbot, box, "cancel")


def test_load_their_version_refills_the_form_and_saves_nothing(qtbot, actions, demo_session, batch_id):
    dialog = actions.open_edit_batch()
    type_into(qtbot, dialog.supplier_edit, "Mine")
    other_window_edits_supplier(demo_session, batch_id, "Theirs")
    with open_session(demo_session.path) as other:  # and retires a unit: the header follows
        other.fleet.record_event(batch_id, "retired", 1, date(2026, 1, 5))
    theirs = records(demo_session.path)
    events = len(demo_session.store.events_for_batch(batch_id))

    answer(qtbot, save_and_get_question(qtbot, dialog), "conflictReload")

    assert dialog.isVisible()
    assert dialog.supplier_edit.text() == "Theirs"
    assert "Loaded the version saved elsewhere" in dialog.status.text() and dialog.status.isVisible()
    assert "retired" in dialog.header.text().lower()
    assert records(demo_session.path) == theirs
    assert actions.undo_stack.count() == 0
    # The form now holds their version: a save goes through without asking again.
    type_into(qtbot, dialog.supplier_edit, "Mine after all")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert demo_session.store.get_batch(batch_id).supplier == "Mine after all"
    assert len(demo_session.store.events_for_batch(batch_id)) == events


def test_save_mine_anyway_overwrites_as_one_undoable_change(qtbot, actions, demo_session, batch_id):
    dialog = actions.open_edit_batch()
    type_into(qtbot, dialog.supplier_edit, "Mine")
    other_window_edits_supplier(demo_session, batch_id, "Theirs")
    theirs = records(demo_session.path)

    answer(qtbot, save_and_get_question(qtbot, dialog), "conflictOverwrite")

    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert demo_session.store.get_batch(batch_id).supplier == "Mine"
    assert actions.undo_stack.count() == 1
    actions.undo.trigger()  # undo gives back their version, not the one I opened
    assert records(demo_session.path) == theirs
    actions.redo.trigger()
    assert demo_session.store.get_batch(batch_id).supplier == "Mine"


def test_cancel_keeps_my_form_saves_nothing_and_asks_again_next_time(qtbot, actions, demo_session, batch_id):
    dialog = actions.open_edit_batch()
    type_into(qtbot, dialog.supplier_edit, "Mine")
    other_window_edits_supplier(demo_session, batch_id, "Theirs")
    theirs = records(demo_session.path)

    answer(qtbot, save_and_get_question(qtbot, dialog), "cancel")

    assert dialog.isVisible() and dialog.supplier_edit.text() == "Mine"
    assert dialog.general_error.isVisible() and dialog.general_error.text().startswith("Not saved:")
    assert records(demo_session.path) == theirs and actions.undo_stack.count() == 0
    box = save_and_get_question(qtbot, dialog)  # never a silent overwrite on the second try
    answer(qtbot, box, "cancel")
    assert records(demo_session.path) == theirs


def test_a_change_elsewhere_while_deciding_asks_again(qtbot, actions, demo_session, batch_id):
    dialog = actions.open_edit_batch()
    type_into(qtbot, dialog.supplier_edit, "Mine")
    other_window_edits_supplier(demo_session, batch_id, "Theirs")
    box = save_and_get_question(qtbot, dialog)
    other_window_edits_supplier(demo_session, batch_id, "Theirs again")  # while the question is up

    answer(qtbot, box, "conflictOverwrite")  # overwrites what was saved when asked: stale again

    box = question(qtbot, dialog)
    answer(qtbot, box, "conflictOverwrite")
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert demo_session.store.get_batch(batch_id).supplier == "Mine"
    assert actions.undo_stack.count() == 1


@pytest.mark.parametrize(
    ("choice", "saved_country", "form_country"),
    [("conflictReload", "Theirs", "Theirs"), ("conflictOverwrite", "Mine", None), ("cancel", "Theirs", "Mine")],
)
def test_a_data_center_changed_elsewhere_asks_too(
    qtbot, actions, demo_session, harness, choice, saved_country, form_country
):
    harness.site_id = site_id(demo_session, "Texas")
    actions.update_enabled()
    dialog = actions.open_edit_site()
    type_into(qtbot, dialog.country_edit, "Mine")
    with open_session(demo_session.path) as other:
        site = other.store.get_site(harness.site_id)
        other.fleet.edit_site(site.id, site.name, "Theirs", site.capacity_mw, site.notes)

    answer(qtbot, save_and_get_question(qtbot, dialog), choice)

    assert demo_session.store.get_site(harness.site_id).country == saved_country
    if form_country is None:
        qtbot.waitUntil(lambda: not dialog.isVisible())
        assert actions.undo_stack.count() == 1
    else:
        assert dialog.isVisible() and dialog.country_edit.text() == form_country
        assert actions.undo_stack.count() == 0


def test_a_batch_deleted_elsewhere_is_named_in_the_dialog(qtbot, actions, demo_session, batch_id):
    dialog = actions.open_edit_batch()
    type_into(qtbot, dialog.supplier_edit, "Mine")
    with open_session(demo_session.path) as other:
        other.fleet.delete_batch(batch_id)

    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: dialog.general_error.isVisible())
    assert f"#{batch_id}" in dialog.general_error.text() or str(batch_id) in dialog.general_error.text()
    assert dialog.isVisible() and not dialog.findChildren(QMessageBox)
    assert actions.undo_stack.count() == 0


def test_in_the_window_a_change_from_another_process_is_shown_then_asked_about(qtbot, main_window):
    session, panel = main_window.session, main_window.batch_panel
    batch_id = session.store.list_batches()[0].id
    assert panel.select_batch(batch_id)
    main_window.edit_actions.edit_batch.trigger()
    dialog = main_window.edit_actions.dialog
    type_into(qtbot, dialog.supplier_edit, "Mine")

    other_window_edits_supplier(session, batch_id, "Theirs")
    qtbot.waitUntil(lambda: panel.cell_text(batch_id, "Supplier") == "Theirs", timeout=5000)  # live refresh
    answer(qtbot, save_and_get_question(qtbot, dialog), "conflictOverwrite")

    qtbot.waitUntil(lambda: panel.cell_text(batch_id, "Supplier") == "Mine", timeout=5000)
    main_window.edit_actions.undo.trigger()
    qtbot.waitUntil(lambda: panel.cell_text(batch_id, "Supplier") == "Theirs", timeout=5000)
