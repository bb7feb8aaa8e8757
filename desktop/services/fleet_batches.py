"""The batch and event half of FleetService: build, add, edit, delete, restore, record.

A mixin so FleetService stays one object for callers while each file stays small.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from typing import Any, TypeVar

from desktop.domain.batch_rules import check_units_change, unit_price_cents
from desktop.domain.entities import Batch, BatchEvent, BatchSnapshot, DataCenter, MinerModel
from desktop.domain.ledger import replay, sorted_events
from desktop.domain.stages import EventKind, parse_event_kind
from desktop.domain.values import clean_text, parse_date, parse_money_cents, parse_units
from desktop.errors import NotFoundError, ValidationError
from desktop.services.conflicts import expect_unchanged
from desktop.store import Store

T = TypeVar("T")


class BatchOperations:
    _store: Store

    # FleetService provides these
    def site(self, ref: int | str | DataCenter) -> DataCenter:
        raise NotImplementedError

    def model(self, ref: int | str | MinerModel) -> MinerModel:
        raise NotImplementedError

    def notify(self, action: str) -> None:
        raise NotImplementedError

    def _commit(self, action: str, event: str, change: Callable[[], T]) -> T:
        raise NotImplementedError

    # -- batches -----------------------------------------------------------------------

    def build_batch(
        self,
        data_center: Any,
        model: Any,
        units: Any,
        ordered_on: Any,
        expected_on: Any,
        unit_price_usd: Any = 0,
        supplier: Any = "",
        notes: Any = "",
        *,
        total_cost_usd: Any = None,
        batch_id: int | None = None,
        version: int = 1,
    ) -> Batch:
        """Checks every field of a batch form; the first problem is raised."""
        site = self.site(data_center)
        miner = self.model(model)
        count = parse_units("units", units)
        ordered = parse_date("ordered_on", ordered_on)
        assert ordered is not None  # required=True: parse_date raised otherwise
        expected = parse_date("expected_on", expected_on, required=False) or ordered
        if total_cost_usd not in (None, ""):
            price_cents = unit_price_cents(count, total=parse_money_cents("total_cost", total_cost_usd))
        else:
            price = parse_money_cents("unit_price", unit_price_usd if unit_price_usd not in (None, "") else 0)
            price_cents = unit_price_cents(count, unit_price=price)
        return Batch(
            data_center_id=site.id or 0,
            model_id=miner.id or 0,
            units=count,
            ordered_on=ordered,
            expected_on=expected,
            unit_price_cents=price_cents,
            supplier=clean_text(supplier, "supplier"),
            notes=clean_text(notes, "notes", multiline=True),
            id=batch_id,
            version=version,
        )

    def add_batch(
        self,
        data_center: Any,
        model: Any,
        units: Any,
        ordered_on: Any,
        expected_on: Any = None,
        unit_price_usd: Any = 0,
        supplier: Any = "",
        notes: Any = "",
        *,
        total_cost_usd: Any = None,
    ) -> Batch:
        batch = self.build_batch(
            data_center,
            model,
            units,
            ordered_on,
            expected_on,
            unit_price_usd,
            supplier,
            notes,
            total_cost_usd=total_cost_usd,
        )
        return self._commit("add batch", "add batch", lambda: self._store.insert_batch(batch))

    def edit_batch(
        self,
        batch_id: int,
        data_center: Any,
        model: Any,
        units: Any,
        ordered_on: Any,
        expected_on: Any = None,
        unit_price_usd: Any = 0,
        supplier: Any = "",
        notes: Any = "",
        *,
        total_cost_usd: Any = None,
        version: int | None = None,
    ) -> Batch:
        current = self._store.get_batch(batch_id)
        batch = self.build_batch(
            data_center,
            model,
            units,
            ordered_on,
            expected_on,
            unit_price_usd,
            supplier,
            notes,
            total_cost_usd=total_cost_usd,
            batch_id=batch_id,
            version=current.version if version is None else version,
        )
        with self._store.write(f"edit batch #{batch_id}"):
            check_units_change(batch, self._store.events_for_batch(batch_id))
            batch = self._store.update_batch(batch)
        self.notify("edit batch")
        return batch

    def replace_batch(self, batch: Batch, *, expected: Batch | None = None) -> Batch:
        """Puts a batch back exactly as given (undo/redo of an edit); the version moves on.

        ``expected``: the batch as the change left it, checked inside the write transaction,
        so a change another connection commits meanwhile is refused, never overwritten."""
        batch_id = batch.id or 0
        with self._store.write(f"edit batch #{batch_id}"):
            current = self._store.get_batch(batch_id)
            expect_unchanged(current, expected, f"batch #{batch_id}")
            check_units_change(batch, self._store.events_for_batch(batch_id))
            saved = self._store.update_batch(replace(batch, version=current.version))
        self.notify("edit batch")
        return saved

    def delete_batch(self, batch_id: int, *, expected: Batch | None = None) -> BatchSnapshot:
        with self._store.write(f"delete batch #{batch_id}"):
            expect_unchanged(self._store.get_batch(batch_id), expected, f"batch #{batch_id}")
            batch, events = self._store.delete_batch(batch_id)
        self.notify("delete batch")
        return BatchSnapshot(batch, tuple(events))

    def restore_batch(self, snapshot: BatchSnapshot) -> Batch:
        """Re-inserts a deleted batch with its id and events (undo, or recovery from audit)."""
        with self._store.write(f"restore batch #{snapshot.batch.id}"):
            batch = self._store.insert_batch(snapshot.batch)
            for event in snapshot.events:
                self._store.insert_event(event)
            batch = self._store.get_batch(batch.id or 0)
        self.notify("restore batch")
        return batch

    def restore_batch_as_new(self, snapshot: BatchSnapshot) -> Batch:
        """Re-inserts a deleted batch under a new id (its old id was taken since), with its events."""
        with self._store.write(f"restore batch #{snapshot.batch.id} as a new batch"):
            batch = self._store.insert_batch(replace(snapshot.batch, id=None))
            for event in snapshot.events:
                self._store.insert_event(replace(event, id=None, batch_id=batch.id or 0))
            batch = self._store.get_batch(batch.id or 0)
        self.notify("restore batch")
        return batch

    def event_exists(self, event_id: int | None) -> bool:
        if event_id is None:
            return False
        try:
            self._store.get_event(event_id)
        except NotFoundError:
            return False
        return True

    # -- events ------------------------------------------------------------------------

    def build_event(self, batch_id: int, kind: Any, units: Any, occurred_on: Any, note: Any = "") -> BatchEvent:
        """Checks an event against the batch's history as it would stand with it."""
        event_kind = kind if isinstance(kind, EventKind) else parse_event_kind(str(kind))
        event = BatchEvent(
            batch_id=batch_id,
            kind=event_kind,
            units=parse_units("units", units),
            occurred_on=parse_date("date", occurred_on) or date.today(),
            note=clean_text(note, "note", multiline=True),
        )
        batch = self._store.get_batch(batch_id)
        replay(batch, [*self._store.events_for_batch(batch_id), replace(event, id=2**62)])
        return event

    def record_event(self, batch_id: int, kind: Any, units: Any, occurred_on: Any, note: Any = "") -> BatchEvent:
        event = self.build_event(batch_id, kind, units, occurred_on, note)
        with self._store.write(f"record {event.kind.value} of {event.units:,} units on batch #{batch_id}"):
            # Re-check inside the transaction: another process may have written meanwhile.
            replay(self._store.get_batch(batch_id), [*self._store.events_for_batch(batch_id), replace(event, id=2**62)])
            event = self._store.insert_event(event)
        self.notify("record event")
        return event

    def events_of_batch(self, batch_id: int) -> list[BatchEvent]:
        """The batch's events, oldest first (a missing batch is refused, not an empty list)."""
        self._store.get_batch(batch_id)
        return sorted_events(self._store.events_for_batch(batch_id))

    def get_event(self, event_id: int) -> BatchEvent:
        return self._store.get_event(event_id)

    def check_event_deletable(self, event_id: int) -> BatchEvent:
        """The event, or the reason deleting it would break the batch's stages (nothing written)."""
        event = self._store.get_event(event_id)
        remaining = [e for e in self._store.events_for_batch(event.batch_id) if e.id != event_id]
        with _breaks(f"deleting {event.kind.value} event #{event_id}"):
            replay(self._store.get_batch(event.batch_id), remaining)
        return event

    def delete_event(self, event_id: int, *, expected: BatchEvent | None = None) -> BatchEvent:
        event = self._store.get_event(event_id)
        with self._store.write(f"delete {event.kind.value} event #{event_id}"):
            event = self._store.get_event(event_id)  # as of this transaction
            expect_unchanged(event, expected, f"event #{event_id}")
            self.check_event_deletable(event_id)
            self._store.delete_event(event_id)
        self.notify("delete event")
        return event

    def build_event_edit(
        self, event_id: int, units: Any = None, occurred_on: Any = None, note: Any = None
    ) -> BatchEvent:
        """The event with the given fields changed (None: kept), checked against its batch's history."""
        current = self._store.get_event(event_id)
        day = current.occurred_on if occurred_on is None else parse_date("date", occurred_on)
        edited = replace(
            current,
            units=current.units if units is None else parse_units("units", units),
            occurred_on=day or current.occurred_on,
            note=current.note if note is None else clean_text(note, "note", multiline=True),
        )
        others = [e for e in self._store.events_for_batch(current.batch_id) if e.id != event_id]
        with _breaks(f"changing {current.kind.value} event #{event_id}"):
            replay(self._store.get_batch(current.batch_id), [*others, edited])
        return edited

    def edit_event(
        self, event_id: int, units: Any = None, occurred_on: Any = None, note: Any = None,
        *, expected: BatchEvent | None = None,
    ) -> BatchEvent:  # fmt: skip
        """Saves new units, date or note on one event; refused if the batch's stages would break."""
        edited = self.build_event_edit(event_id, units, occurred_on, note)
        with self._store.write(f"edit {edited.kind.value} event #{event_id} on batch #{edited.batch_id}"):
            expect_unchanged(self._store.get_event(event_id), expected, f"event #{event_id}")
            edited = self.build_event_edit(event_id, units, occurred_on, note)  # as of this transaction
            self._store.update_event(edited)
        self.notify("edit event")
        return edited

    def restore_event(self, event: BatchEvent) -> BatchEvent:
        with self._store.write(f"restore event #{event.id}"):
            replay(self._store.get_batch(event.batch_id), [*self._store.events_for_batch(event.batch_id), event])
            event = self._store.insert_event(event)
        self.notify("restore event")
        return event

    def default_event_units(self, batch_id: int, kind: Any) -> int:
        """The units still in the stage this event takes from (the form's default)."""
        event_kind = kind if isinstance(kind, EventKind) else parse_event_kind(str(kind))
        counts = replay(self._store.get_batch(batch_id), self._store.events_for_batch(batch_id))
        return counts[event_kind.source]


@contextmanager
def _breaks(change: str) -> Iterator[None]:
    """A replay's refusal, said as what the change would break."""
    try:
        yield
    except ValidationError as error:
        raise ValidationError(error.field, f"{change} would break the batch's stages: {error.message}") from None
