"""FleetService: every change an operator can make, validated, in one transaction each.

Inputs may be text (from a form or the command line) or typed values; errors are
ValidationError naming the field, raised before anything is written.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any, TypeVar

from desktop.domain.entities import Batch, BatchEvent, BatchSnapshot, DataCenter, MinerModel, Target
from desktop.domain.ledger import check_units_change, replay
from desktop.domain.stages import EventKind, parse_event_kind
from desktop.domain.values import (
    clean_name,
    clean_text,
    parse_date,
    parse_money_cents,
    parse_non_negative,
    parse_positive,
    parse_ths_per_unit,
    parse_units,
    parse_watts_per_unit,
)
from desktop.errors import ValidationError
from desktop.store import Store

log = logging.getLogger(__name__)
Listener = Callable[[str], None]
T = TypeVar("T")


def _optional_capacity(value: Any) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return parse_non_negative("capacity_mw", value, "MW")


class FleetService:
    def __init__(self, store: Store) -> None:
        self.store = store
        self._listeners: list[Listener] = []

    # -- change notification -----------------------------------------------------------

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def unsubscribe(self, listener: Listener) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def _commit(self, action: str, event: str, change: Callable[[], T]) -> T:
        """Runs ``change`` as one audited transaction named ``action``, then tells the listeners."""
        with self.store.write(action):
            result = change()
        self.notify(event)
        return result

    def notify(self, action: str) -> None:
        log.info("committed: %s", action)
        for listener in list(self._listeners):
            listener(action)

    # -- lookups -----------------------------------------------------------------------

    def site(self, ref: int | str | DataCenter) -> DataCenter:
        if isinstance(ref, DataCenter):
            return ref
        if isinstance(ref, int):
            return self.store.get_site(ref)
        found = self.store.find_site(clean_name("data_center", ref))
        if found is None:
            raise ValidationError("data_center", f"no data center named '{ref.strip()}'")
        return found

    def model(self, ref: int | str | MinerModel) -> MinerModel:
        if isinstance(ref, MinerModel):
            return ref
        if isinstance(ref, int):
            return self.store.get_model(ref)
        found = self.store.find_model(clean_name("model", ref))
        if found is None:
            raise ValidationError("model", f"no miner model named '{ref.strip()}' in the catalog")
        return found

    # -- data centers ------------------------------------------------------------------

    def build_site(
        self,
        name: Any,
        country: Any = "",
        capacity_mw: Any = None,
        notes: Any = "",
        *,
        site_id: int | None = None,
        version: int = 1,
    ) -> DataCenter:
        site = DataCenter(
            name=clean_name("name", name),
            country=clean_text(country, "country"),
            capacity_mw=_optional_capacity(capacity_mw),
            notes=clean_text(notes, "notes", multiline=True),
            id=site_id,
            version=version,
        )
        clash = self.store.find_site(site.name)
        if clash is not None and clash.id != site_id:
            raise ValidationError("name", f"a data center named '{clash.name}' already exists")
        return site

    def add_site(self, name: Any, country: Any = "", capacity_mw: Any = None, notes: Any = "") -> DataCenter:
        site = self.build_site(name, country, capacity_mw, notes)
        return self._commit(f"add data center {site.name}", "add site", lambda: self.store.insert_site(site))

    def edit_site(
        self,
        site_id: int,
        name: Any,
        country: Any = "",
        capacity_mw: Any = None,
        notes: Any = "",
        *,
        version: int | None = None,
    ) -> DataCenter:
        current = self.store.get_site(site_id)
        site = self.build_site(
            name, country, capacity_mw, notes, site_id=site_id, version=current.version if version is None else version
        )
        return self._commit(f"edit data center {site.name}", "edit site", lambda: self.store.update_site(site))

    def delete_site(self, site_id: int) -> DataCenter:
        site = self.store.get_site(site_id)
        if self.store.site_in_use(site_id):
            raise ValidationError("data_center", f"'{site.name}' still has batches; delete or move them first")
        self._commit(f"delete data center {site.name}", "delete site", lambda: self.store.delete_site(site_id))
        return site

    def restore_site(self, site: DataCenter) -> DataCenter:
        return self._commit(f"restore data center {site.name}", "restore site", lambda: self.store.insert_site(site))

    # -- miner models ------------------------------------------------------------------

    def build_model(self, name: Any, vendor: Any, ths: Any, watts: Any, *, model_id: int | None = None) -> MinerModel:
        model = MinerModel(
            name=clean_name("model", name),
            vendor=clean_text(vendor, "vendor"),
            ths=parse_ths_per_unit("ths", ths),
            watts=parse_watts_per_unit("watts", watts),
            id=model_id,
        )
        clash = self.store.find_model(model.name)
        if clash is not None and clash.id != model_id:
            raise ValidationError("model", f"a miner model named '{clash.name}' already exists")
        return model

    def add_model(self, name: Any, vendor: Any, ths: Any, watts: Any) -> MinerModel:
        model = self.build_model(name, vendor, ths, watts)
        return self._commit(f"add miner model {model.name}", "add model", lambda: self.store.insert_model(model))

    def edit_model(self, model_id: int, name: Any, vendor: Any, ths: Any, watts: Any) -> MinerModel:
        model = self.build_model(name, vendor, ths, watts, model_id=model_id)
        return self._commit(f"edit miner model {model.name}", "edit model", lambda: self.store.update_model(model))

    def delete_model(self, model_id: int) -> MinerModel:
        model = self.store.get_model(model_id)
        if self.store.model_in_use(model_id):
            raise ValidationError("model", f"'{model.name}' is used by batches; it cannot be deleted")
        self._commit(f"delete miner model {model.name}", "delete model", lambda: self.store.delete_model(model_id))
        return model

    def restore_model(self, model: MinerModel) -> MinerModel:
        return self._commit(
            f"restore miner model {model.name}", "restore model", lambda: self.store.insert_model(model)
        )

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
        expected = parse_date("expected_on", expected_on, required=False) or ordered
        if total_cost_usd not in (None, ""):
            total = parse_money_cents("total_cost", total_cost_usd)
            price_cents = round(total / count)
            if price_cents * count != total:
                raise ValidationError(
                    "total_cost", f"USD {total / 100:,.2f} does not split into whole cents over {count:,} units"
                )
        else:
            price_cents = parse_money_cents("unit_price", unit_price_usd if unit_price_usd not in (None, "") else 0)
        assert ordered is not None
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
        return self._commit("add batch", "add batch", lambda: self.store.insert_batch(batch))

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
        current = self.store.get_batch(batch_id)
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
        with self.store.write(f"edit batch #{batch_id}"):
            check_units_change(batch, self.store.events_for_batch(batch_id))
            batch = self.store.update_batch(batch)
        self.notify("edit batch")
        return batch

    def replace_batch(self, batch: Batch) -> Batch:
        """Puts a batch back exactly as given (undo of an edit); the version moves on."""
        current = self.store.get_batch(batch.id or 0)
        with self.store.write(f"edit batch #{batch.id}"):
            check_units_change(batch, self.store.events_for_batch(batch.id or 0))
            saved = self.store.update_batch(replace(batch, version=current.version))
        self.notify("edit batch")
        return saved

    def delete_batch(self, batch_id: int) -> BatchSnapshot:
        with self.store.write(f"delete batch #{batch_id}"):
            batch, events = self.store.delete_batch(batch_id)
        self.notify("delete batch")
        return BatchSnapshot(batch, tuple(events))

    def restore_batch(self, snapshot: BatchSnapshot) -> Batch:
        """Re-inserts a deleted batch with its id and events (undo, or recovery from audit)."""
        with self.store.write(f"restore batch #{snapshot.batch.id}"):
            batch = self.store.insert_batch(snapshot.batch)
            for event in snapshot.events:
                self.store.insert_event(event)
            batch = self.store.get_batch(batch.id or 0)
        self.notify("restore batch")
        return batch

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
        batch = self.store.get_batch(batch_id)
        replay(batch, [*self.store.events_for_batch(batch_id), replace(event, id=2**62)])
        return event

    def record_event(self, batch_id: int, kind: Any, units: Any, occurred_on: Any, note: Any = "") -> BatchEvent:
        event = self.build_event(batch_id, kind, units, occurred_on, note)
        with self.store.write(f"record {event.kind.value} of {event.units:,} units on batch #{batch_id}"):
            # Re-check inside the transaction: another process may have written meanwhile.
            replay(self.store.get_batch(batch_id), [*self.store.events_for_batch(batch_id), replace(event, id=2**62)])
            event = self.store.insert_event(event)
        self.notify("record event")
        return event

    def delete_event(self, event_id: int) -> BatchEvent:
        event = self.store.get_event(event_id)
        with self.store.write(f"delete {event.kind.value} event #{event_id}"):
            remaining = [e for e in self.store.events_for_batch(event.batch_id) if e.id != event_id]
            replay(self.store.get_batch(event.batch_id), remaining)
            self.store.delete_event(event_id)
        self.notify("delete event")
        return event

    def restore_event(self, event: BatchEvent) -> BatchEvent:
        with self.store.write(f"restore event #{event.id}"):
            replay(self.store.get_batch(event.batch_id), [*self.store.events_for_batch(event.batch_id), event])
            event = self.store.insert_event(event)
        self.notify("restore event")
        return event

    def default_event_units(self, batch_id: int, kind: Any) -> int:
        """The units still in the stage this event takes from (the form's default)."""
        event_kind = kind if isinstance(kind, EventKind) else parse_event_kind(str(kind))
        counts = replay(self.store.get_batch(batch_id), self.store.events_for_batch(batch_id))
        return counts[event_kind.source]

    # -- targets -----------------------------------------------------------------------

    def add_target(self, ths: Any, due_on: Any, data_center: Any = None, note: Any = "") -> Target:
        site_id = None if data_center in (None, "") else self.site(data_center).id
        target = Target(
            ths=parse_positive("target", ths, "TH/s"),
            due_on=parse_date("due_on", due_on) or date.today(),
            data_center_id=site_id,
            note=clean_text(note, "note", multiline=True),
        )
        return self._commit("add target", "add target", lambda: self.store.insert_target(target))

    def delete_target(self, target_id: int) -> Target:
        return self._commit(f"delete target #{target_id}", "delete target", lambda: self.store.delete_target(target_id))
