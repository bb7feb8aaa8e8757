"""Edit ▸ Targets… (Ctrl+T): add, edit and delete targets, each an undoable change (issue #14 item 8).

A mixin of EditActions (which supplies session, run, confirm, show_error, dialog, _show).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDialog, QWidget

from desktop.domain.units import format_hashrate
from desktop.errors import HashplanError
from desktop.services.changes import Change
from desktop.services.target_changes import AddTarget, DeleteTarget, EditTarget
from desktop.ui.dialogs.target_dialog import TargetDialog, TargetValues
from desktop.ui.dialogs.targets_dialog import TargetsDialog

if TYPE_CHECKING:
    from desktop.services.session import Session
    from desktop.ui.selection import SelectionContext


class TargetActionsMixin:
    session: Session
    parent_widget: QWidget
    selection: SelectionContext
    dialog: QDialog | None
    run: Callable[[Change], None]
    show_error: Callable[..., None]
    confirm: Callable[..., bool]
    _show: Callable[[QDialog], QDialog]

    def open_targets(self) -> TargetsDialog:
        targets = TargetsDialog(
            self.parent_widget, self.session.fleet, self.add_target, self.edit_target, self.delete_target
        )
        self._show(targets)
        return targets

    def _over(self) -> QWidget:
        return self.dialog or self.parent_widget

    def _open_target_dialog(self, dialog: TargetDialog) -> TargetDialog:
        self.target_dialog = dialog  # what is open over the list (tests and the window find it here)
        dialog.finished.connect(lambda _: dialog.deleteLater())
        dialog.open()
        return dialog

    def add_target(self) -> TargetDialog:
        fleet = self.session.fleet

        def submit(v: TargetValues) -> None:
            self.run(AddTarget(fleet, v.ths, v.due_on, v.data_center, v.note))

        site_id = self.selection.selected_site_id()
        return self._open_target_dialog(TargetDialog(self._over(), fleet, submit, site_id=site_id))

    def edit_target(self, target_id: int) -> TargetDialog | None:
        fleet = self.session.fleet
        try:
            target = fleet.get_target(target_id)
        except HashplanError as error:
            self.show_error("Edit target", error, self._over())
            return None

        def submit(v: TargetValues) -> None:
            site = "" if v.data_center is None else v.data_center
            self.run(EditTarget(fleet, target_id, v.ths, v.due_on, site, v.note))

        return self._open_target_dialog(TargetDialog(self._over(), fleet, submit, target))

    def delete_target(self, target_id: int) -> bool:
        fleet = self.session.fleet
        try:
            target = fleet.get_target(target_id)
            what = f"the target of {format_hashrate(target.ths)} by {target.due_on}"
            if not self.confirm("Delete target", f"Delete {what}?\n\nUndo (Ctrl+Z) brings it back.", self._over()):
                return False
            self.run(DeleteTarget(fleet, target_id))
        except HashplanError as error:
            self.show_error("Delete target", error, self._over())
            return False
        return True
