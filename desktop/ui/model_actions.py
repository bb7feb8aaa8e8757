"""Edit > miner models: New Miner Model…, and Miner Models… (the catalog: edit, delete).

A mixin of EditActions (which supplies session, run, confirm, show_error, dialog,
parent_widget): every change is an undoable command like the rest of the Edit menu.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDialog, QWidget

from desktop.errors import HashplanError
from desktop.services.changes import AddModel, Change, DeleteModel, EditModel
from desktop.services.inputs import ModelInput
from desktop.ui.dialogs.catalog_dialog import CatalogDialog
from desktop.ui.dialogs.model_dialog import ModelDialog, ModelValues

if TYPE_CHECKING:
    from desktop.services.session import Session


class ModelActionsMixin:
    session: Session
    parent_widget: QWidget
    dialog: QDialog | None
    run: Callable[[Change], None]
    show_error: Callable[..., None]
    confirm: Callable[..., bool]
    _show: Callable[[QDialog], QDialog]

    def _model_dialog(self, parent: QWidget) -> tuple[ModelDialog, list[int]]:
        fleet = self.session.fleet
        added: list[int] = []

        def submit(v: ModelValues) -> None:
            command = AddModel(fleet, ModelInput.parse(v.name, v.vendor, v.ths, v.watts))
            self.run(command)
            if command.model is not None and command.model.id is not None:
                added.append(command.model.id)

        return ModelDialog(parent, fleet, submit), added

    def open_model_catalog(self) -> CatalogDialog:
        """Edit > Miner Models…: the list; its Add/Edit open the model dialog over it."""
        catalog: CatalogDialog

        def add() -> ModelDialog:
            dialog, added = self._model_dialog(catalog)
            dialog.finished.connect(lambda _: added and catalog.select_model(added[0]))
            return self._open_over(dialog)

        catalog = CatalogDialog(self.parent_widget, self.session.fleet, add, self.edit_model, self.delete_model)
        self._show(catalog)
        return catalog

    def _open_over(self, dialog: QDialog) -> QDialog:
        """A dialog over the open one (non-blocking, deleted when closed)."""
        dialog.finished.connect(lambda _: dialog.deleteLater())
        dialog.open()
        return dialog

    def edit_model(self, model_id: int) -> ModelDialog | None:
        fleet = self.session.fleet
        parent = self.dialog or self.parent_widget
        try:
            model = fleet.get_model(model_id)
        except HashplanError as error:
            self.show_error("Edit miner model", error, parent)
            return None

        def submit(v: ModelValues) -> None:
            self.run(EditModel(fleet, model_id, ModelInput.parse(v.name, v.vendor, v.ths, v.watts)))

        dialog = ModelDialog(parent, fleet, submit, model)
        self._open_over(dialog)
        return dialog

    def delete_model(self, model_id: int) -> bool:
        fleet = self.session.fleet
        parent = self.dialog or self.parent_widget
        try:
            model = fleet.check_model_deletable(model_id)  # the service's own refusal, nothing written
            question = f"Delete the miner model '{model.label}' from the catalog?\n\nUndo (Ctrl+Z) brings it back."
            if not self.confirm("Delete miner model", question, parent):
                return False
            self.run(DeleteModel(fleet, model_id))
        except HashplanError as error:
            self.show_error("Delete miner model", error, parent)
            return False
        return True

    def open_new_model(self) -> ModelDialog:
        dialog, _ = self._model_dialog(self.parent_widget)
        self._show(dialog)
        return dialog

    def _new_model_from_batch_dialog(self) -> int | None:
        """The batch dialog's "New…" button: a nested, modal model dialog."""
        parent = self.dialog or self.parent_widget
        dialog, added = self._model_dialog(parent)
        dialog.exec()
        dialog.deleteLater()
        return added[0] if added else None
