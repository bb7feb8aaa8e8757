"""Stage counts of a batch by replaying its events in date order.

Replaying (rather than checking one event against today's counts) is what keeps
back-dated events honest: a deployment dated before the delivery it needs is refused.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from desktop.domain.entities import Batch, BatchEvent
from desktop.domain.stages import EventKind, Stage
from desktop.errors import ValidationError
from desktop.frozen import frozen


@frozen
class StageCounts:
    ordered: int = 0
    in_transit: int = 0
    on_site: int = 0
    deployed: int = 0
    retired: int = 0
    cancelled: int = 0

    def __getitem__(self, stage: Stage) -> int:
        return int(getattr(self, stage.value))

    @property
    def active(self) -> int:
        return self.ordered + self.in_transit + self.on_site + self.deployed

    @property
    def total(self) -> int:
        return self.active + self.retired + self.cancelled

    def as_dict(self) -> dict[str, int]:
        return {stage.value: self[stage] for stage in Stage}

    def __add__(self, other: StageCounts) -> StageCounts:
        return StageCounts(**{s.value: self[s] + other[s] for s in Stage})

    @property
    def status(self) -> str:
        """One word for the table: the stage most units are in, or 'mixed'."""
        nonzero = [s for s in Stage if self[s]]
        if len(nonzero) == 1:
            return nonzero[0].value
        if not nonzero:
            return "empty"
        return "partly " + max(nonzero, key=lambda s: (self[s], list(Stage).index(s))).label


def sorted_events(events: Iterable[BatchEvent]) -> list[BatchEvent]:
    return sorted(events, key=lambda e: e.sort_key)


def replay(batch: Batch, events: Iterable[BatchEvent], at: date | None = None) -> StageCounts:
    """Counts per stage after every event up to ``at`` (all events when None).

    Raises ValidationError naming the first event that moves more units than its
    source stage holds at that date, or is dated before the order date.
    """
    counts = {stage: 0 for stage in Stage}
    counts[Stage.ORDERED] = batch.units
    for event in sorted_events(events):
        if event.occurred_on < batch.ordered_on:
            raise ValidationError(
                "date",
                f"{event.kind.value} on {event.occurred_on} is before the batch was ordered ({batch.ordered_on})",
            )
        if at is not None and event.occurred_on > at:
            break
        source, target = event.kind.source, event.kind.target
        if event.units > counts[source]:
            held = counts[source]
            raise ValidationError(
                "units",
                f"cannot record {event.kind.value} of {event.units:,} units on "
                f"{event.occurred_on}: only {held:,} {source.label} then" + _hint(event.kind, held),
            )
        counts[source] -= event.units
        counts[target] += event.units
    return StageCounts(**{s.value: n for s, n in counts.items()})


def _hint(kind: EventKind, held: int) -> str:
    if held:
        return ""
    return {
        EventKind.DELIVERED: " (record a shipment first)",
        EventKind.DEPLOYED: " (record a delivery first)",
        EventKind.RETIRED: " (only deployed units can be retired)",
        EventKind.CANCELLED: " (only units not yet shipped can be cancelled)",
        EventKind.SHIPPED: "",
    }[kind]
