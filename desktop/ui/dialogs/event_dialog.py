"""Record what happened to some units of a batch: shipped, delivered, deployed, retired, cancelled.

Units default to what is still in the stage the event takes from, and follow the kind
when it changes; the batch's current stage counts are shown on top.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QWidget

from desktop.domain.entities import Batch
from desktop.domain.ledger import StageCounts, replay
from desktop.domain.stages import EventKind, Stage
from desktop.domain.values import parse_units
from desktop.errors import HashplanError
from desktop.services.fleet import FleetService
from desktop.ui.dialogs.form import ValidatedDialog
from desktop.ui.dialogs.widgets import date_check, date_edit, muted_colour, number_edit

_VERBS = {
    EventKind.SHIPPED: "Shipped (ordered → in transit)",
    EventKind.DELIVERED: "Delivered (in transit → on site)",
    EventKind.DEPLOYED: "Deployed (on site → hashing)",
    EventKind.RETIRED: "Retired (deployed → removed)",
    EventKind.CANCELLED: "Cancelled (ordered → never coming)",
}


@dataclass(frozen=True)
class EventValues:
    kind: EventKind
    units: str
    occurred_on: str
    note: str


def stage_line(counts: StageCounts) -> str:
    parts = [f"{counts[stage]:,} {stage.label}" for stage in Stage if counts[stage] or stage is Stage.ORDERED]
    return " · ".join(parts)


def _next_kind(counts: StageCounts) -> EventKind:
    """The natural next step: the earliest stage that still holds units."""
    for kind in (EventKind.SHIPPED, EventKind.DELIVERED, EventKind.DEPLOYED):
        if counts[kind.source]:
            return kind
    return EventKind.SHIPPED


class EventDialog(ValidatedDialog):
    def __init__(
        self,
        parent: QWidget | None,
        fleet: FleetService,
        batch_id: int,
        on_submit: Callable[[EventValues], None],
        remembered: tuple[EventKind, QDate] | None = None,
    ) -> None:
        """``remembered``: the kind and date of the last event recorded this session (item 13)."""
        super().__init__(parent, f"Record event on batch #{batch_id}", "Record")
        self.fleet = fleet
        self.batch_id = batch_id
        self._on_submit = on_submit
        batch = fleet.get_batch(batch_id)
        counts = replay(batch, fleet.events_for_batch(batch_id))
        self.set_header(self._describe(batch, counts))

        self.kind_combo = QComboBox()
        for kind in EventKind:
            self.kind_combo.addItem(_VERBS[kind], kind)
        self.units_edit = number_edit()
        self.date_edit = date_edit(remembered[1] if remembered else QDate.currentDate())
        self.note_edit = QLineEdit()
        self.note_edit.setPlaceholderText("optional, e.g. container MSCU 123456")
        self.held_label = QLabel()
        self.held_label.setMinimumWidth(150)
        self.paint(self.held_label, muted_colour)

        self.add_field("event", "&Event", self.kind_combo)
        self.add_field(
            "units",
            "&Units",
            self.units_edit,
            lambda: parse_units("units", self.units_edit.text()),
            suffix="units",
            trailing=self.held_label,
        )
        self.add_field("date", "&Date", self.date_edit, date_check("date", self.date_edit))
        self.add_field("note", "N&ote", self.note_edit)

        kind = remembered[0] if remembered and counts[remembered[0].source] else _next_kind(counts)
        self.kind_combo.setCurrentIndex(self.kind_combo.findData(kind))
        self.kind_combo.currentIndexChanged.connect(self._kind_changed)
        self._kind_changed()
        self.units_edit.setFocus()
        self.units_edit.selectAll()

    def _describe(self, batch: Batch, counts: StageCounts) -> str:
        site = self.fleet.get_site(batch.data_center_id)
        model = self.fleet.get_model(batch.model_id)
        return (
            f"<b>{batch.units:,} × {model.label}</b> at {site.name}, ordered {batch.ordered_on.isoformat()}"
            f"<br>Now: {stage_line(counts)}"
        )

    def kind(self) -> EventKind:
        return EventKind(self.kind_combo.currentData())

    def _kind_changed(self, *_: object) -> None:
        kind = self.kind()
        try:
            held = self.fleet.default_event_units(self.batch_id, kind)
        except HashplanError:
            held = 0
        self.held_label.setText(f"of {held:,} {kind.source.label}")
        self.units_edit.setText(f"{held:,}" if held else "")
        self.fields["units"].touched = False
        self.revalidate()
        if not held:  # say why there is no default rather than "required"
            reason = self.fields["units"].reason
            reason.setText(_hint(kind))
            reason.setVisible(True)

    def values(self) -> EventValues:
        return EventValues(self.kind(), self.units_edit.text(), self.date_edit.text(), self.note_edit.text())

    def check_form(self) -> None:
        v = self.values()
        self.fleet.build_event(self.batch_id, v.kind, v.units, v.occurred_on, v.note)

    def submit(self) -> None:
        self._on_submit(self.values())


def _hint(kind: EventKind) -> str:
    return {
        EventKind.SHIPPED: "Every unit has left the ordered stage",
        EventKind.DELIVERED: "Nothing in transit: record a shipment first",
        EventKind.DEPLOYED: "Nothing on site: record a delivery first",
        EventKind.RETIRED: "Only deployed units can be retired",
        EventKind.CANCELLED: "Only units not yet shipped can be cancelled",
    }[kind]
