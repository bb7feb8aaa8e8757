"""The batch and event half of FleetService: build, add, edit, delete, restore, record.

A mixin so FleetService stays one object for callers while each file stays small.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from typing import TypeVar

from desktop.domain.batch_rules import check_units_change
from desktop.domain.entities import Batch, BatchEvent, BatchSnapshot, DataCenter, MinerModel
from desktop.domain.ledger import replay, sorted_events
from desktop.domain.stages import EventKind, parse_event_kind
from desktop.domain.values import clean_text, parse_date, parse_units
from desktop.errors import NotFoundError, ValidationError
from desktop.services.conflicts import expect_unchanged
from desktop.services.inputs import BatchInput, EventInput, Ref
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

    def batch_from(self, batch: BatchInput, *, batch_id: int | None = None, version: int = 1) -> Batch:
        """The batch ``batch`` describes, with its data center and model looked up."""
        site = self.site(batch.data_center)
        miner = self.model(batch.model)
        return Batch(
            data_center_id=site.id or 0,
            model_id=miner.id or 0,
            units=batch.units,
            ordered_on=batch.ordered_on,
            expected_on=batch.expected_on,
            unit_price_cents=batch.unit_price_cents,
            supplier=batch.supplier,
            notes=batch.notes,
            id=batch_id,
            version=version,
        )

    def build_batch(
        self,
        data_center: Ref,
        model: Ref,
        units: object,
        ordered_on: object,
        expected_on: object = None,
        unit_price_usd: object = 0,
        supplier: object = "",
        notes: object = "",
        *,
        total_cost_usd: object = None,
        batch_id: int | None = None,
        version: int = 1,
    ) -> Batch:
        """batch_from for text: every field of a batch form, the first problem raised (the data
        center and the model first)."""
        site, miner = self.site(data_center), self.model(model)
        parsed = BatchInput.parse(site.id or 0, miner.id or 0, units, ordered_on, expected_on, unit_price_usd,
                                  supplier, notes, total_cost_usd=total_cost_usd)  # fmt: skip
        return self.batch_from(parsed, batch_id=batch_id, version=version)

    def create_batch(self, batch: BatchInput) -> Batch:
        new = self.batch_from(batch)
        return self._commit("add batch", "add batch", lambda: self._store.insert_batch(new))

    def add_batch(
        self,
        data_center: Ref,
        model: Ref,
        units: object,
        ordered_on: object,
        expected_on: object = None,
        unit_price_usd: object = 0,
        supplier: object = "",
        notes: object = "",
        *,
        total_cost_usd: object = None,
    ) -> Batch:
        """create_batch for text: the command line's edge."""
        site, miner = self.site(data_center), self.model(model)
        parsed = BatchInput.parse(site.id or 0, miner.id or 0, units, ordered_on, expected_on, unit_price_usd,
                                  supplier, notes, total_cost_usd=total_cost_usd)  # fmt: skip
        return self.create_batch(parsed)

    def update_batch(self, batch_id: int, batch: BatchInput, *, version: int | None = None) -> Batch:
        """Saves ``batch`` over the batch as read at ``version``; the version and the batch's
        events (which must still fit) are checked inside the write."""
        if version is None:
            version = self._store.get_batch(batch_id).version
        new = self.batch_from(batch, batch_id=batch_id, version=version)
        with self._store.write(f"edit batch #{batch_id}"):
            check_units_change(new, self._store.events_for_batch(batch_id))
            new = self._store.update_batch(new)
        self.notify("edit batch")
        return new

    def edit_batch(
        self,
        batch_id: int,
        data_center: Ref,
        model: Ref,
        units: object,
        ordered_on: object,
        expected_on: object = None,
        unit_price_usd: object = 0,
        supplier: object = "",
        notes: object = "",
        *,
        total_cost_usd: object = None,
        version: int | None = None,
    ) -> Batch:
        """update_batch for text: the command line's edge."""
        site, miner = self.site(data_center), self.model(model)
        parsed = BatchInput.parse(site.id or 0, miner.id or 0, units, ordered_on, expected_on, unit_price_usd,
                                  supplier, notes, total_cost_usd=total_cost_usd)  # fmt: skip
        return self.update_batch(batch_id, parsed, version=version)

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

    def event_from(self, batch_id: int, event: EventInput) -> BatchEvent:
        """Checks an event against the batch's history as it would stand with it."""
        new = BatchEvent(batch_id, event.kind, event.units, event.occurred_on, event.note)
        replay(self._store.get_batch(batch_id), [*self._store.events_for_batch(batch_id), replace(new, id=2**62)])
        return new

    def build_event(
        self, batch_id: int, kind: EventKind | str, units: object, occurred_on: object, note: object = ""
    ) -> BatchEvent:
        return self.event_from(batch_id, EventInput.parse(kind, units, occurred_on, note))

    def record(self, batch_id: int, event: EventInput) -> BatchEvent:
        new = self.event_from(batch_id, event)
        with self._store.write(f"record {new.kind.value} of {new.units:,} units on batch #{batch_id}"):
            # Re-check inside the transaction: another process may have written meanwhile.
            replay(self._store.get_batch(batch_id), [*self._store.events_for_batch(batch_id), replace(new, id=2**62)])
            new = self._store.insert_event(new)
        self.notify("record event")
        return new

    def record_event(
        self, batch_id: int, kind: EventKind | str, units: object, occurred_on: object, note: object = ""
    ) -> BatchEvent:
        """record for text: the command line's edge."""
        return self.record(batch_id, EventInput.parse(kind, units, occurred_on, note))

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
        self, event_id: int, units: object = None, occurred_on: str | date | None = None, note: str | None = None
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
        self, event_id: int, units: object = None, occurred_on: str | date | None = None, note: str | None = None,
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

    def default_event_units(self, batch_id: int, kind: EventKind | str) -> int:
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
