"""Undoable changes as service operations, shared by every face (the window's undo stack wraps them).

A change's ``perform`` is the change itself; if the service refuses, nothing was written
and the error goes to the caller. ``revert`` and ``reapply`` then alternate, each one
write transaction that first checks, inside that transaction, that the records are
still as the change left them (services/conflicts.py): a change another window or the
command line committed since is refused with a ConflictError, and nothing is written.
Records come back with their ids; each step has its own audit row.
"""

from __future__ import annotations

from datetime import date

from desktop.domain.entities import Batch, BatchEvent, BatchSnapshot, DataCenter, MinerModel
from desktop.services.fleet import FleetService
from desktop.services.history import HistoryEntry, restore_deleted_batch
from desktop.services.inputs import BatchInput, EventInput, ModelInput, SiteInput


class Change:
    """One undoable change; ``text`` names it for people ("add data center Quebec")."""

    def __init__(self, fleet: FleetService, text: str) -> None:
        self.fleet = fleet
        self.text = text

    def perform(self) -> None:
        raise NotImplementedError

    def revert(self) -> None:
        raise NotImplementedError

    def reapply(self) -> None:
        raise NotImplementedError


# -- data centers --------------------------------------------------------------------


class AddSite(Change):
    def __init__(self, fleet: FleetService, site: SiteInput) -> None:
        super().__init__(fleet, "add data center")
        self._input = site
        self.site: DataCenter | None = None

    def perform(self) -> None:
        self.site = self.fleet.create_site(self._input)
        self.text = f"add data center {self.site.name}"

    def revert(self) -> None:
        assert self.site is not None and self.site.id is not None
        self.site = self.fleet.delete_site(self.site.id, expected=self.site)

    def reapply(self) -> None:
        assert self.site is not None
        self.site = self.fleet.restore_site(self.site)


class EditSite(Change):
    def __init__(self, fleet: FleetService, site_id: int, site: SiteInput, version: int) -> None:
        super().__init__(fleet, "edit data center")
        self.site_id = site_id
        self._input = site
        self._version = version
        self.before: DataCenter | None = None
        self.after: DataCenter | None = None

    def perform(self) -> None:
        before = self.fleet.get_site(self.site_id)
        # Saved over the version the form read: the store checks it inside the write.
        self.after = self.fleet.update_site(self.site_id, self._input, version=self._version)
        self.before = before  # the save succeeded over the version the form read: this is what it replaced
        self.text = f"edit data center {self.after.name}"

    def revert(self) -> None:
        assert self.before is not None and self.after is not None
        self.fleet.replace_site(self.before, expected=self.after)

    def reapply(self) -> None:
        assert self.before is not None and self.after is not None
        self.fleet.replace_site(self.after, expected=self.before)


class DeleteSite(Change):
    def __init__(self, fleet: FleetService, site_id: int) -> None:
        super().__init__(fleet, "delete data center")
        self.site_id = site_id
        self.site: DataCenter | None = None

    def perform(self) -> None:
        self.site = self.fleet.delete_site(self.site_id)
        self.text = f"delete data center {self.site.name}"

    def revert(self) -> None:
        assert self.site is not None
        self.site = self.fleet.restore_site(self.site)

    def reapply(self) -> None:
        self.site = self.fleet.delete_site(self.site_id, expected=self.site)


# -- miner models --------------------------------------------------------------------


class AddModel(Change):
    def __init__(self, fleet: FleetService, model: ModelInput) -> None:
        super().__init__(fleet, "add miner model")
        self._input = model
        self.model: MinerModel | None = None

    def perform(self) -> None:
        self.model = self.fleet.create_model(self._input)
        self.text = f"add miner model {self.model.label}"

    def revert(self) -> None:
        assert self.model is not None and self.model.id is not None
        self.model = self.fleet.delete_model(self.model.id, expected=self.model)

    def reapply(self) -> None:
        assert self.model is not None
        self.model = self.fleet.restore_model(self.model)


class EditModel(Change):
    def __init__(self, fleet: FleetService, model_id: int, model: ModelInput) -> None:
        super().__init__(fleet, "edit miner model")
        self.model_id = model_id
        self._input = model
        self.before: MinerModel | None = None
        self.after: MinerModel | None = None

    def perform(self) -> None:
        self.before = self.fleet.get_model(self.model_id)
        self.after = self.fleet.replace_model(
            self.fleet.model_from(self._input, model_id=self.model_id), expected=self.before
        )
        self.text = f"edit miner model {self.after.label}"

    def revert(self) -> None:
        assert self.before is not None and self.after is not None
        self.fleet.replace_model(self.before, expected=self.after)

    def reapply(self) -> None:
        assert self.before is not None and self.after is not None
        self.fleet.replace_model(self.after, expected=self.before)


class DeleteModel(Change):
    def __init__(self, fleet: FleetService, model_id: int) -> None:
        super().__init__(fleet, "delete miner model")
        self.model_id = model_id
        self.model: MinerModel | None = None

    def perform(self) -> None:
        self.model = self.fleet.delete_model(self.model_id)  # refused while batches use it
        self.text = f"delete miner model {self.model.label}"

    def revert(self) -> None:
        assert self.model is not None
        self.model = self.fleet.restore_model(self.model)

    def reapply(self) -> None:
        self.model = self.fleet.delete_model(self.model_id, expected=self.model)


# -- batches and events --------------------------------------------------------------


class AddBatch(Change):
    def __init__(self, fleet: FleetService, batch: BatchInput) -> None:
        super().__init__(fleet, "add batch")
        self._input = batch
        self.batch: Batch | None = None
        self._snapshot: BatchSnapshot | None = None

    def perform(self) -> None:
        self.batch = self.fleet.create_batch(self._input)
        self.text = f"add batch #{self.batch.id} ({self.batch.units:,} units)"

    def revert(self) -> None:
        assert self.batch is not None and self.batch.id is not None
        self._snapshot = self.fleet.delete_batch(self.batch.id, expected=self.batch)

    def reapply(self) -> None:
        assert self._snapshot is not None
        self.batch = self.fleet.restore_batch(self._snapshot)


class EditBatch(Change):
    def __init__(self, fleet: FleetService, batch_id: int, version: int, batch: BatchInput) -> None:
        super().__init__(fleet, f"edit batch #{batch_id}")
        self.batch_id = batch_id
        self._version = version
        self._input = batch
        self.before: Batch | None = None
        self.after: Batch | None = None

    def perform(self) -> None:
        before = self.fleet.get_batch(self.batch_id)
        self.after = self.fleet.update_batch(self.batch_id, self._input, version=self._version)
        self.before = before

    def revert(self) -> None:
        assert self.before is not None and self.after is not None
        self.fleet.replace_batch(self.before, expected=self.after)

    def reapply(self) -> None:
        assert self.before is not None and self.after is not None
        self.fleet.replace_batch(self.after, expected=self.before)


class DeleteBatch(Change):
    def __init__(self, fleet: FleetService, batch_id: int) -> None:
        super().__init__(fleet, f"delete batch #{batch_id}")
        self.batch_id = batch_id
        self.snapshot: BatchSnapshot | None = None

    def perform(self) -> None:
        self.snapshot = self.fleet.delete_batch(self.batch_id)

    def revert(self) -> None:
        assert self.snapshot is not None
        self.fleet.restore_batch(self.snapshot)

    def reapply(self) -> None:
        assert self.snapshot is not None
        self.snapshot = self.fleet.delete_batch(self.batch_id, expected=self.snapshot.batch)


class RecordEvent(Change):
    def __init__(self, fleet: FleetService, batch_id: int, event: EventInput) -> None:
        super().__init__(fleet, f"record event on batch #{batch_id}")
        self.batch_id = batch_id
        self._input = event
        self.event: BatchEvent | None = None

    def perform(self) -> None:
        self.event = self.fleet.record(self.batch_id, self._input)
        self.text = f"record {self.event.kind.value} of {self.event.units:,} units on batch #{self.batch_id}"

    def revert(self) -> None:
        assert self.event is not None and self.event.id is not None
        self.event = self.fleet.delete_event(self.event.id, expected=self.event)

    def reapply(self) -> None:
        assert self.event is not None
        self.event = self.fleet.restore_event(self.event)


class EditEvent(Change):
    """New units, date or note on one recorded event (a mis-dated delivery is not permanent)."""

    def __init__(
        self, fleet: FleetService, event_id: int, units: object, occurred_on: str | date | None, note: str | None
    ) -> None:
        super().__init__(fleet, f"edit event #{event_id}")
        self.event_id = event_id
        self._values = (units, occurred_on, note)
        self.before: BatchEvent | None = None
        self.after: BatchEvent | None = None

    def perform(self) -> None:
        before = self.fleet.get_event(self.event_id)
        self.after = self.fleet.edit_event(self.event_id, *self._values, expected=before)
        self.before = before
        self.text = f"edit {before.kind.value} event #{self.event_id} on batch #{before.batch_id}"

    def _put(self, event: BatchEvent, expected: BatchEvent) -> None:
        self.fleet.edit_event(self.event_id, event.units, event.occurred_on, event.note, expected=expected)

    def revert(self) -> None:
        assert self.before is not None and self.after is not None
        self._put(self.before, self.after)

    def reapply(self) -> None:
        assert self.before is not None and self.after is not None
        self._put(self.after, self.before)


class DeleteEvent(Change):
    def __init__(self, fleet: FleetService, event_id: int) -> None:
        super().__init__(fleet, f"delete event #{event_id}")
        self.event_id = event_id
        self.event: BatchEvent | None = None

    def perform(self) -> None:
        self.event = self.fleet.delete_event(self.event_id)
        self.text = f"delete {self.event.kind.value} event #{self.event_id} on batch #{self.event.batch_id}"

    def revert(self) -> None:
        assert self.event is not None
        self.event = self.fleet.restore_event(self.event)

    def reapply(self) -> None:
        assert self.event is not None
        self.event = self.fleet.delete_event(self.event_id, expected=self.event)


class UndeleteBatch(Change):
    """History ▸ bring back a deleted batch (from the audit trail), as an undoable change."""

    def __init__(self, fleet: FleetService, entry: HistoryEntry) -> None:
        super().__init__(fleet, f"bring back batch #{entry.entry.entity_id}")
        self.entry = entry
        self.batch: Batch | None = None
        self._snapshot: BatchSnapshot | None = None

    def perform(self) -> None:
        self.batch = restore_deleted_batch(self.fleet, self.entry)
        self.text = f"bring back batch #{self.batch.id} ({self.batch.units:,} units)"

    def revert(self) -> None:
        assert self.batch is not None and self.batch.id is not None
        self._snapshot = self.fleet.delete_batch(self.batch.id, expected=self.batch)

    def reapply(self) -> None:
        assert self._snapshot is not None
        self.batch = self.fleet.restore_batch(self._snapshot)
