"""The batch dialog's recorded events: edit and delete one, undoable (issue #14 item 7).

A mixin of EditActions (which supplies session, run, confirm, show_error): each change
goes on the undo stack and into the audit trail like every other.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from desktop.domain.ledger import replay
from desktop.errors import HashplanError
from desktop.services.changes import Change, DeleteEvent, EditEvent
from desktop.ui.dialogs.batch_dialog import BatchDialog
from desktop.ui.dialogs.batch_events import BatchEventsBox
from desktop.ui.dialogs.event_dialog import stage_line
from desktop.ui.dialogs.event_edit_dialog import EventEditDialog, EventEditValues

if TYPE_CHECKING:
    from desktop.services.session import Session


class EventActionsMixin:
    session: Session
    run: Callable[[Change], None]
    show_error: Callable[..., None]
    confirm: Callable[..., bool]

    def add_events_box(self, dialog: BatchDialog, batch_id: int) -> BatchEventsBox:
        """Lists the batch's events under its fields, with Edit Event… and Delete Event."""
        box = BatchEventsBox(dialog)
        layout = dialog.layout()
        layout.insertWidget(layout.indexOf(dialog.general_error), box)  # type: ignore[attr-defined]
        dialog.events_box = box  # type: ignore[attr-defined]
        box.edit_requested.connect(lambda event_id: self.open_edit_event(dialog, box, event_id))
        box.delete_requested.connect(lambda event_id: self.delete_event(dialog, box, event_id))
        box.set_events(self.session.fleet.events_of_batch(batch_id))
        return box

    def open_edit_event(self, dialog: BatchDialog, box: BatchEventsBox, event_id: int) -> EventEditDialog | None:
        fleet = self.session.fleet

        def submit(v: EventEditValues) -> None:
            self.run(EditEvent(fleet, event_id, v.units, v.occurred_on, v.note))
            self._events_changed(dialog, box)

        try:
            editor = EventEditDialog(dialog, fleet, event_id, submit)
        except HashplanError as error:
            self.show_error("Edit event", error, dialog)
            return None
        dialog.event_editor = editor  # type: ignore[attr-defined]
        editor.finished.connect(lambda _: editor.deleteLater())
        editor.open()
        return editor

    def delete_event(self, dialog: BatchDialog, box: BatchEventsBox, event_id: int) -> bool:
        fleet = self.session.fleet
        try:
            event = fleet.check_event_deletable(event_id)  # the reason, before asking
            what = f"the {event.kind.value} of {event.units:,} units on {event.occurred_on}"
            if not self.confirm("Delete event", f"Delete {what}?\n\nUndo (Ctrl+Z) brings it back.", dialog):
                return False
            self.run(DeleteEvent(fleet, event_id))
        except HashplanError as error:
            self.show_error("Delete event", error, dialog)
            return False
        self._events_changed(dialog, box)
        return True

    def _events_changed(self, dialog: QWidget, box: BatchEventsBox) -> None:
        """The list, the stage line and the version the batch's own save goes against."""
        assert isinstance(dialog, BatchDialog) and dialog.batch is not None and dialog.batch.id is not None
        fleet = self.session.fleet
        saved = fleet.get_batch(dialog.batch.id)
        if replace(saved, version=0) == replace(dialog.batch, version=0):
            # Only the events moved (they bump the batch's version): the form is not stale.
            dialog.batch, dialog.version = saved, saved.version
        events = fleet.events_of_batch(dialog.batch.id)
        box.set_events(events)
        dialog.set_header(f"Batch #{saved.id} now: {stage_line(replay(saved, events))}")
