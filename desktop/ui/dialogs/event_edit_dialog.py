"""Change one recorded event's units, date or note; its kind stays (delete it to undo the kind)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QLineEdit, QWidget

from desktop.domain.values import parse_units
from desktop.services.fleet import FleetService
from desktop.ui.dialogs.form import ValidatedDialog
from desktop.ui.dialogs.widgets import date_check, date_edit, number_edit


@dataclass(frozen=True)
class EventEditValues:
    units: str
    occurred_on: str
    note: str


class EventEditDialog(ValidatedDialog):
    def __init__(
        self, parent: QWidget | None, fleet: FleetService, event_id: int, on_submit: Callable[[EventEditValues], None]
    ) -> None:
        super().__init__(parent, f"Edit event #{event_id}", "Save")
        self.fleet = fleet
        self.event_id = event_id
        self._on_submit = on_submit
        event = fleet.get_event(event_id)
        self.set_header(f"<b>{event.kind.value.capitalize()}</b> on batch #{event.batch_id}")
        self.units_edit = number_edit()
        self.units_edit.setText(f"{event.units:,}")
        day = event.occurred_on
        self.date_edit = date_edit(QDate(day.year, day.month, day.day))
        self.note_edit = QLineEdit(event.note)
        self.add_field("units", "&Units", self.units_edit, lambda: parse_units("units", self.units_edit.text()))
        self.add_field("date", "&Date", self.date_edit, date_check("date", self.date_edit))
        self.add_field("note", "N&ote", self.note_edit)
        self.revalidate()
        self.units_edit.setFocus()
        self.units_edit.selectAll()

    def values(self) -> EventEditValues:
        return EventEditValues(self.units_edit.text(), self.date_edit.text(), self.note_edit.text())

    def check_form(self) -> None:
        v = self.values()
        self.fleet.build_event_edit(self.event_id, v.units, v.occurred_on, v.note)

    def submit(self) -> None:
        self._on_submit(self.values())
