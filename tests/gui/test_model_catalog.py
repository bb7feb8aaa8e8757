"""Edit > Miner Models…: the catalog list, with add, edit and delete, each undoable."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from desktop.services.session import Session
from desktop.ui.dialogs.catalog_dialog import COLUMNS, CatalogDialog
from desktop.ui.dialogs.model_dialog import ModelDialog
from desktop.ui.edit_actions import EditActions
from tests.gui.edit_harness import model_id, records, shown_reason, type_into


@pytest.fixture
def catalog(qtbot, actions: EditActions) -> CatalogDialog:
    actions.manage_models.trigger()
    qtbot.waitUntil(lambda: isinstance(actions.dialog, CatalogDialog) and actions.dialog.isVisible())
    assert isinstance(actions.dialog, CatalogDialog)
    return actions.dialog


@pytest.fixture
def unused_model(demo_session: Session) -> int:
    """A catalog model no batch uses (the demo ships more models than it buys)."""
    for model in demo_session.store.list_models():
        if not demo_session.store.model_in_use(model.id or 0):
            return model.id or 0
    return demo_session.fleet.add_model("Spare Unit", "Test", "100", "3000").id or 0


def shown_rows(catalog: CatalogDialog) -> list[list[str]]:
    m = catalog.table.model()
    return [[m.index(r, c).data() for c in range(m.columnCount())] for r in range(m.rowCount())]


def row_for(catalog: CatalogDialog, name: str) -> list[str]:
    [row] = [r for r in shown_rows(catalog) if r[1] == name]
    return row


def select(qtbot, catalog: CatalogDialog, model: int) -> None:
    assert catalog.select_model(model)
    qtbot.waitUntil(catalog.edit_button.isEnabled)


def nested_dialog(qtbot, catalog: CatalogDialog) -> ModelDialog:
    def shown() -> list[ModelDialog]:
        return [d for d in catalog.findChildren(ModelDialog) if d.isVisible()]

    qtbot.waitUntil(lambda: len(shown()) == 1)
    return shown()[0]


def test_the_catalog_is_in_the_edit_menu_and_lists_every_model(catalog, actions, demo_session):
    assert actions.manage_models in actions.edit_menu_actions()
    assert catalog.windowTitle() == "Miner models"
    assert [catalog.table.model().headerData(c, Qt.Orientation.Horizontal) for c in range(5)] == list(COLUMNS)
    assert COLUMNS == ("Vendor", "Model", "TH/s", "W", "J/TH")
    models = demo_session.store.list_models()
    assert len(shown_rows(catalog)) == len(models)
    assert f"{len(models)} models in the catalog" in catalog.count_label.text()
    assert row_for(catalog, "Antminer S19 XP") == ["Bitmain", "Antminer S19 XP", "140", "3,010", "21.5"]
    # Nothing selected yet: only Add makes sense.
    assert catalog.add_button.isEnabled()
    assert not catalog.edit_button.isEnabled() and not catalog.delete_button.isEnabled()


def test_add_from_the_catalog_lists_and_selects_the_new_model_undo_removes_it(qtbot, catalog, actions, demo_session):
    before = records(demo_session.path)
    qtbot.mouseClick(catalog.add_button, Qt.MouseButton.LeftButton)
    dialog = nested_dialog(qtbot, catalog)
    type_into(qtbot, dialog.vendor_edit, "MicroBT")
    type_into(qtbot, dialog.name_edit, "Whatsminer M66S")
    type_into(qtbot, dialog.ths_edit, "298")
    type_into(qtbot, dialog.watts_edit, "5,513")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: any(r[1] == "Whatsminer M66S" for r in shown_rows(catalog)))
    assert row_for(catalog, "Whatsminer M66S") == ["MicroBT", "Whatsminer M66S", "298", "5,513", "18.5"]
    assert catalog.selected_model_id() == model_id(demo_session, "Whatsminer M66S")
    actions.undo.trigger()
    assert not any(r[1] == "Whatsminer M66S" for r in shown_rows(catalog))
    assert records(demo_session.path) == before


def test_edit_changes_the_model_everywhere_and_undo_redo_restore_it(qtbot, catalog, actions, demo_session):
    s19 = model_id(demo_session, "Antminer S19 XP")
    before = records(demo_session.path)
    select(qtbot, catalog, s19)
    qtbot.mouseClick(catalog.edit_button, Qt.MouseButton.LeftButton)
    dialog = nested_dialog(qtbot, catalog)
    assert dialog.windowTitle() == "Edit miner model" and dialog.ok_button.text() == "Save"
    assert (dialog.vendor_edit.text(), dialog.name_edit.text(), dialog.ths_edit.text(), dialog.watts_edit.text()) == (
        "Bitmain",
        "Antminer S19 XP",
        "140",
        "3010",
    )
    type_into(qtbot, dialog.watts_edit, "2,800")
    assert dialog.efficiency.text() == "20.0 J/TH"
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: row_for(catalog, "Antminer S19 XP")[3] == "2,800")
    assert row_for(catalog, "Antminer S19 XP")[4] == "20.0"
    assert demo_session.store.get_model(s19).watts == 2800
    after = records(demo_session.path)
    assert actions.undo_stack.count() == 1
    actions.undo.trigger()
    assert records(demo_session.path) == before and row_for(catalog, "Antminer S19 XP")[3] == "3,010"
    actions.redo.trigger()
    assert records(demo_session.path) == after


def test_editing_a_model_to_another_models_name_is_refused_under_the_field(qtbot, catalog, demo_session):
    select(qtbot, catalog, model_id(demo_session, "Antminer S19 XP"))
    qtbot.mouseClick(catalog.edit_button, Qt.MouseButton.LeftButton)
    dialog = nested_dialog(qtbot, catalog)
    other = next(m for m in demo_session.store.list_models() if m.name != "Antminer S19 XP")
    type_into(qtbot, dialog.name_edit, other.name)
    assert not dialog.ok_button.isEnabled()
    assert shown_reason(dialog, "model") == f"A miner model named '{other.name}' already exists"


def test_deleting_an_unused_model_asks_then_undo_brings_it_back(
    qtbot, catalog, actions, demo_session, unused_model, monkeypatch
):
    asked: list[str] = []

    def answer(parent, title, text, *args):
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", answer)
    label = demo_session.store.get_model(unused_model).label
    before = records(demo_session.path)
    select(qtbot, catalog, unused_model)
    qtbot.mouseClick(catalog.delete_button, Qt.MouseButton.LeftButton)

    assert asked == [f"Delete the miner model '{label}' from the catalog?\n\nUndo (Ctrl+Z) brings it back."]
    qtbot.waitUntil(lambda: len(shown_rows(catalog)) == len(before["miner_models"]) - 1)
    assert catalog.selected_model_id() is None and not catalog.delete_button.isEnabled()
    actions.undo.trigger()
    assert records(demo_session.path) == before  # same id, same values
    assert len(shown_rows(catalog)) == len(before["miner_models"])


def test_deleting_a_model_batches_use_is_refused_with_the_reason(qtbot, catalog, actions, demo_session, monkeypatch):
    errors: list[str] = []
    monkeypatch.setattr(actions, "confirm", lambda *a: pytest.fail("should not ask"))
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a: errors.append(f"{title}|{text}"))
    used = demo_session.store.get_model(demo_session.store.list_batches()[0].model_id)
    before = records(demo_session.path)
    select(qtbot, catalog, used.id)
    qtbot.mouseClick(catalog.delete_button, Qt.MouseButton.LeftButton)

    assert errors == [f"Delete miner model|'{used.name}' is used by batches; it cannot be deleted"]
    assert records(demo_session.path) == before and actions.undo_stack.count() == 0
    assert row_for(catalog, used.name)


def test_editing_a_model_batches_use_warns_that_their_figures_follow(qtbot, catalog, demo_session, unused_model):
    used = demo_session.store.list_batches()[0].model_id
    for model, warned in ((used, True), (unused_model, False)):
        select(qtbot, catalog, model)
        qtbot.mouseClick(catalog.edit_button, Qt.MouseButton.LeftButton)
        dialog = nested_dialog(qtbot, catalog)
        assert dialog.header.isVisible() is warned
        assert ("change their hash rate and power too" in dialog.header.text()) is warned
        dialog.reject()
        qtbot.waitUntil(lambda dialog=dialog: not dialog.isVisible())
