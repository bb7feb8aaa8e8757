"""The Edit menu: add/edit/delete sites and batches, catalog models, events, undo/redo.

Every change is an undoable service change (desktop/services/changes.py) pushed on the
window's undo stack (desktop/ui/undo.py); the forms parse their text into the service's
typed inputs. Dialogs open non-blocking (``open()``), so
the window keeps painting and tests can drive them; each ``open_*`` returns its dialog.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QDate, QObject, Signal
from PySide6.QtGui import QAction, QIcon, QKeySequence, QUndoStack
from PySide6.QtWidgets import QDialog, QMessageBox, QStyle, QWidget

from desktop.domain.stages import EventKind
from desktop.domain.units import format_usd
from desktop.errors import HashplanError, ValidationError
from desktop.services.changes import (
    AddBatch,
    AddSite,
    Change,
    DeleteBatch,
    DeleteSite,
    EditBatch,
    EditSite,
    RecordEvent,
)
from desktop.services.import_plan import ImportResult
from desktop.services.import_undo import ImportChange
from desktop.services.inputs import EventInput, SiteInput
from desktop.services.session import Session
from desktop.ui.dialogs.batch_dialog import BatchDialog, BatchValues
from desktop.ui.dialogs.event_dialog import EventDialog, EventValues
from desktop.ui.dialogs.site_dialog import SiteDialog, SiteValues
from desktop.ui.dialogs.widgets import reason_text
from desktop.ui.event_actions import EventActionsMixin
from desktop.ui.icons import icon
from desktop.ui.model_actions import ModelActionsMixin
from desktop.ui.selection import SelectionContext
from desktop.ui.target_actions import TargetActionsMixin
from desktop.ui.undo import execute, push_done

log = logging.getLogger(__name__)
READ_ONLY_TIP = "Unavailable: the file is open read-only, so nothing in it can be changed"


def load_icon(widget: QWidget, name: str, fallback: QStyle.StandardPixmap) -> QIcon:
    """resources/icons/<name>.svg in the palette's colours, else the platform's own icon."""
    found = icon(name)
    return found if not found.isNull() else widget.style().standardIcon(fallback)


class EditActions(TargetActionsMixin, EventActionsMixin, ModelActionsMixin, QObject):
    site_added = Signal(int)  # the window may select what was just created
    batch_added = Signal(int)

    def __init__(self, parent: QWidget, session: Session, selection: SelectionContext) -> None:
        super().__init__(parent)
        self.parent_widget = parent
        self.session = session
        self.selection = selection
        self.undo_stack = QUndoStack(self)
        self.undo_stack.setUndoLimit(200)
        self.dialog: QDialog | None = None  # the dialog open now, if any
        self._last_event: tuple[EventKind, QDate] | None = None  # Record Event's kind and date this session

        sp = QStyle.StandardPixmap
        self.new_site = self._action("New &Data Center…", "site-add", sp.SP_DirIcon, "Add a data center")
        self.edit_site = self._action(
            "Edit Data &Center…", "site-edit", sp.SP_FileDialogDetailedView, "Edit the selected data center"
        )
        self.delete_site = self._action(
            "Delete Data Cen&ter", "site-delete", sp.SP_TrashIcon, "Delete the selected data center (it must be empty)"
        )
        self.new_model = self._action(
            "New Miner &Model…", "model-add", sp.SP_FileIcon, "Add a miner model (TH/s and W) to the catalog"
        )
        self.manage_models = self._action(
            "Miner M&odels…", "model-edit", sp.SP_FileDialogListView, "List, add, edit and delete catalog miner models"
        )
        self.new_batch = self._action(
            "&New Batch…", "batch-add", sp.SP_FileDialogNewFolder, "Log a purchase of miners for a data center"
        )
        self.new_batch.setShortcut(QKeySequence.StandardKey.New)
        self.edit_batch = self._action(
            "&Edit Batch…", "batch-edit", sp.SP_FileDialogContentsView, "Edit the selected batch"
        )
        self.delete_batch = self._action(
            "De&lete Batch", "batch-delete", sp.SP_TrashIcon, "Delete the selected batch and its events (undoable)"
        )
        self.delete_batch.setShortcut(QKeySequence.StandardKey.Delete)
        self.record_event = self._action(
            "&Record Event…",
            "event-add",
            sp.SP_ArrowForward,
            "Record units shipped, delivered, deployed, retired or cancelled on the selected batch",
        )
        self.record_event.setShortcut(QKeySequence("Ctrl+E"))
        self.manage_targets = self._action(
            "&Targets…", "event", sp.SP_FileDialogListView, "Add, edit and delete hash-rate targets by a date"
        )
        self.manage_targets.setShortcut(QKeySequence("Ctrl+T"))
        self.target_dialog: QDialog | None = None

        self.undo = self.undo_stack.createUndoAction(self, "&Undo")
        self.undo.setIcon(load_icon(parent, "undo", sp.SP_ArrowBack))
        self.undo.setShortcut(QKeySequence("Ctrl+Z"))
        self.undo.setStatusTip("Undo the last change")
        self.redo = self.undo_stack.createRedoAction(self, "&Redo")
        self.redo.setIcon(load_icon(parent, "redo", sp.SP_ArrowForward))
        self.redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])  # Ctrl+Y: Windows habit
        self.redo.setStatusTip("Redo the change just undone")
        # (status tip, tool tip) to put back; "" lets undo/redo show their changing text.
        self._tips = {
            a: (a.statusTip(), "" if a in (self.undo, self.redo) else a.toolTip()) for a in self.editing_actions()
        }
        # The stack enables undo/redo on its own; on a read-only file they must stay off.
        self.undo_stack.canUndoChanged.connect(self._stack_changed)  # a slot: disconnected with self
        self.undo_stack.canRedoChanged.connect(self._stack_changed)

        self.new_site.triggered.connect(self.open_new_site)
        self.edit_site.triggered.connect(self.open_edit_site)
        self.delete_site.triggered.connect(self.delete_selected_site)
        self.new_model.triggered.connect(self.open_new_model)
        self.manage_models.triggered.connect(self.open_model_catalog)
        self.new_batch.triggered.connect(self.open_new_batch)
        self.edit_batch.triggered.connect(self.open_edit_batch)
        self.delete_batch.triggered.connect(self.delete_selected_batch)
        self.record_event.triggered.connect(self.open_record_event)
        self.manage_targets.triggered.connect(self.open_targets)
        self.update_enabled()

    def _action(self, text: str, icon: str, fallback: QStyle.StandardPixmap, tip: str) -> QAction:
        action = QAction(load_icon(self.parent_widget, icon, fallback), text, self)
        action.setStatusTip(tip)
        action.setToolTip(tip)
        return action

    # -- what the window asks ------------------------------------------------------

    def edit_menu_actions(self) -> list[QAction | None]:
        return [
            self.undo,
            self.redo,
            None,
            self.new_batch,
            self.edit_batch,
            self.record_event,
            self.delete_batch,
            None,
            self.new_site,
            self.edit_site,
            self.delete_site,
            None,
            self.new_model,
            self.manage_models,
            None,
            self.manage_targets,
        ]

    def editing_actions(self) -> list[QAction]:
        """Everything that changes the file: all off while it is open read-only."""
        return [
            self.new_site,
            self.edit_site,
            self.delete_site,
            self.new_model,
            self.manage_models,
            self.manage_targets,
            self.new_batch,
            self.edit_batch,
            self.delete_batch,
            self.record_event,
            self.undo,
            self.redo,
        ]

    def batch_context_actions(self) -> list[QAction]:
        return [self.record_event, self.edit_batch, self.delete_batch, self.new_batch]

    def update_enabled(self) -> None:
        readonly = self.session.readonly
        for action, (status_tip, tool_tip) in self._tips.items():
            action.setStatusTip(READ_ONLY_TIP if readonly else status_tip)
            action.setToolTip(READ_ONLY_TIP if readonly else tool_tip)
        if readonly:
            for action in self._tips:
                action.setEnabled(False)
            return
        has_site = self.selection.selected_site_id() is not None
        has_batch = self.selection.selected_batch_id() is not None
        for action in (self.new_site, self.new_model, self.manage_models, self.new_batch, self.manage_targets):
            action.setEnabled(True)
        for action in (self.edit_site, self.delete_site):
            action.setEnabled(has_site)
        for action in (self.edit_batch, self.delete_batch, self.record_event):
            action.setEnabled(has_batch)
        self.undo.setEnabled(self.undo_stack.canUndo())
        self.redo.setEnabled(self.undo_stack.canRedo())

    def _stack_changed(self, _can: bool) -> None:
        if self.session.readonly:
            self.update_enabled()

    def set_session(self, session: Session) -> None:
        """Another database was opened: its changes are not this stack's to undo."""
        if self.dialog is not None:
            self.dialog.reject()
        self.session = session
        self.undo_stack.clear()
        self.update_enabled()

    # -- running changes -----------------------------------------------------------

    def run(self, change: Change) -> None:
        """Performs and pushes; a refusal raises HashplanError (the dialog shows it)."""
        execute(self.undo_stack, change, self.show_error)

    def push_import(self, result: ImportResult) -> None:
        """An import, written on its worker, goes on the stack as one step."""
        if result.written is not None and not self.session.readonly:
            push_done(self.undo_stack, ImportChange(self.session, result), self.show_error)

    def show_error(self, title: str, error: HashplanError, parent: QWidget | None = None) -> None:
        # A refusal reads as the service's sentence; the field name is for the command line.
        text = reason_text(error.message) if isinstance(error, ValidationError) else str(error)
        QMessageBox.warning(parent or self.parent_widget, title[:1].upper() + title[1:], text)

    def confirm(self, title: str, text: str, parent: QWidget | None = None) -> bool:
        answer = QMessageBox.question(
            parent or self.parent_widget,
            title,
            text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Yes

    def _show(self, dialog: QDialog) -> QDialog:
        self.dialog = dialog
        dialog.finished.connect(lambda _: self._closed(dialog))
        dialog.open()
        return dialog

    def _closed(self, dialog: QDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()

    # -- data centers --------------------------------------------------------------

    def open_new_site(self) -> SiteDialog:
        fleet = self.session.fleet

        def submit(v: SiteValues) -> None:
            command = AddSite(fleet, SiteInput.parse(v.name, v.country, v.capacity_mw, v.notes))
            self.run(command)
            if command.site is not None and command.site.id is not None:
                self._save_networks(command.site.id, [], v.networks)
                self.site_added.emit(command.site.id)

        dialog = SiteDialog(self.parent_widget, fleet, submit, networks=[])
        self._show(dialog)
        return dialog

    def open_edit_site(self) -> SiteDialog | None:
        site_id = self.selection.selected_site_id()
        if site_id is None:
            return None
        fleet = self.session.fleet
        try:
            site = fleet.get_site(site_id)
        except HashplanError as error:
            self.show_error("Edit data center", error)
            return None

        networks = [n.spec for n in self.session.measured.site_networks(site_id)]

        def submit(v: SiteValues) -> None:
            assert v.version is not None  # the version the dialog read (or the user chose to overwrite)
            self.run(EditSite(fleet, site_id, SiteInput.parse(v.name, v.country, v.capacity_mw, v.notes), v.version))
            self._save_networks(site_id, networks, v.networks)

        dialog = SiteDialog(self.parent_widget, fleet, submit, site, networks)
        self._show(dialog)
        return dialog

    def _save_networks(self, site_id: int, before: list[str], after: list[str] | None) -> None:
        """The site's network ranges, when the form changed them (audited; not on the undo stack)."""
        if after is not None and [n.spec for n in self.session.measured.check_networks(after)] != before:
            self.session.measured.set_networks(site_id, after)

    def delete_selected_site(self) -> bool:
        site_id = self.selection.selected_site_id()
        if site_id is None:
            return False
        fleet = self.session.fleet
        try:
            site = fleet.check_site_deletable(site_id)  # the service's own refusal, nothing written
            if not self.confirm("Delete data center", f"Delete the data center '{site.name}'?\n\nUndo brings it back."):
                return False
            self.run(DeleteSite(fleet, site_id))
        except HashplanError as error:
            self.show_error("Delete data center", error)
            return False
        self.update_enabled()
        return True

    # -- batches -------------------------------------------------------------------

    def open_new_batch(self) -> BatchDialog:
        fleet = self.session.fleet

        def submit(v: BatchValues) -> None:
            command = AddBatch(fleet, v.parse())
            self.run(command)
            if command.batch is not None and command.batch.id is not None:
                self.batch_added.emit(command.batch.id)

        dialog = BatchDialog(
            self.parent_widget,
            fleet,
            submit,
            site_id=self.selection.selected_site_id(),
            on_new_model=self._new_model_from_batch_dialog,
        )
        self._show(dialog)
        return dialog

    def open_edit_batch(self) -> BatchDialog | None:
        batch_id = self.selection.selected_batch_id()
        if batch_id is None:
            return None
        fleet = self.session.fleet
        try:
            batch = fleet.get_batch(batch_id)
        except HashplanError as error:
            self.show_error("Edit batch", error)
            return None

        def submit(v: BatchValues) -> None:
            assert v.version is not None  # the version the dialog read (or the user chose to overwrite)
            self.run(EditBatch(fleet, batch_id, v.version, v.parse()))

        dialog = BatchDialog(
            self.parent_widget, fleet, submit, batch=batch, on_new_model=self._new_model_from_batch_dialog
        )
        self.add_events_box(dialog, batch_id)
        self._show(dialog)
        return dialog

    def describe_batch(self, batch_id: int) -> str:
        fleet = self.session.fleet
        batch = fleet.get_batch(batch_id)
        model = fleet.get_model(batch.model_id)
        site = fleet.get_site(batch.data_center_id)
        events = len(fleet.events_for_batch(batch_id))
        recorded = f", with {events} recorded event{'s' if events != 1 else ''}" if events else ""
        return (
            f"batch #{batch_id}: {batch.units:,} × {model.label} at {site.name} "
            f"(ordered {batch.ordered_on.isoformat()}, {format_usd(batch.cost_cents)}){recorded}"
        )

    def delete_selected_batch(self) -> bool:
        batch_id = self.selection.selected_batch_id()
        if batch_id is None:
            return False
        fleet = self.session.fleet
        try:
            question = f"Delete {self.describe_batch(batch_id)}?\n\nUndo (Ctrl+Z) brings it back."
            if not self.confirm("Delete batch", question):
                return False
            self.run(DeleteBatch(fleet, batch_id))
        except HashplanError as error:
            self.show_error("Delete batch", error)
            return False
        self.update_enabled()
        return True

    # -- events --------------------------------------------------------------------

    def open_record_event(self) -> EventDialog | None:
        batch_id = self.selection.selected_batch_id()
        if batch_id is None:
            return None
        fleet = self.session.fleet

        def submit(v: EventValues) -> None:
            self.run(RecordEvent(fleet, batch_id, EventInput.parse(v.kind, v.units, v.occurred_on, v.note)))
            self._last_event = (v.kind, QDate.fromString(v.occurred_on, "yyyy-MM-dd"))  # the next one's default

        try:
            dialog = EventDialog(self.parent_widget, fleet, batch_id, submit, self._last_event)
        except HashplanError as error:
            self.show_error("Record event", error)
            return None
        self._show(dialog)
        return dialog
