"""FleetService: every change an operator can make, validated, in one transaction each.

The typed methods (create_site, update_site, create_batch, record, ...) take the frozen
inputs of services/inputs.py, which each edge (a form, a command-line argument) parses
from its text; add_site, edit_batch, record_event, ... are those edges for text. Errors
are ValidationError naming the field, raised before anything is written.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from desktop.domain.entities import Batch, BatchEvent, DataCenter, MinerModel, Target
from desktop.domain.ledger import StageCounts, replay
from desktop.domain.values import (
    clean_name,
)
from desktop.errors import ValidationError
from desktop.logs import logger
from desktop.services.conflicts import expect_unchanged
from desktop.services.fleet_batches import BatchOperations
from desktop.services.fleet_targets import TargetOperations
from desktop.services.inputs import ModelInput, SiteInput
from desktop.services.lateness import LatenessOperations
from desktop.store import Store

log = logger(__name__)
Listener = Callable[[str], None]
T = TypeVar("T")


def _site_input(site: DataCenter) -> SiteInput:
    return SiteInput(site.name, site.country, site.capacity_mw, site.notes)


class FleetService(TargetOperations, LatenessOperations, BatchOperations):
    def __init__(self, store: Store) -> None:
        self._store = store  # private: callers go through the methods (the UI never sees a Store)
        self._listeners: list[Listener] = []

    # -- change notification -----------------------------------------------------------

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def unsubscribe(self, listener: Listener) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def _commit(self, action: str, event: str, change: Callable[[], T]) -> T:
        """Runs ``change`` as one audited transaction named ``action``, then tells the listeners."""
        with self._store.write(action):
            result = change()
        self.notify(event)
        return result

    def notify(self, action: str) -> None:
        log.info("committed: %s", action)
        for listener in list(self._listeners):
            listener(action)

    # -- lookups (what forms and commands read) --------------------------------------

    def get_site(self, site_id: int) -> DataCenter:
        return self._store.get_site(site_id)

    def get_model(self, model_id: int) -> MinerModel:
        return self._store.get_model(model_id)

    def get_batch(self, batch_id: int) -> Batch:
        return self._store.get_batch(batch_id)

    def list_sites(self) -> list[DataCenter]:
        return self._store.list_sites()

    def list_models(self) -> list[MinerModel]:
        return self._store.list_models()

    def events_for_batch(self, batch_id: int) -> list[BatchEvent]:
        return self._store.events_for_batch(batch_id)

    def stage_counts(self, batch_id: int) -> StageCounts:
        """Where the batch's units are now."""
        return replay(self._store.get_batch(batch_id), self._store.events_for_batch(batch_id))

    def site_in_use(self, site_id: int) -> bool:
        return self._store.site_in_use(site_id)

    def model_in_use(self, model_id: int) -> bool:
        return self._store.model_in_use(model_id)

    def site(self, ref: int | str | DataCenter) -> DataCenter:
        if isinstance(ref, DataCenter):
            return ref
        if isinstance(ref, int):
            return self._store.get_site(ref)
        found = self._store.find_site(clean_name("data_center", ref))
        if found is None:
            raise ValidationError("data_center", f"no data center named '{ref.strip()}'")
        return found

    def model(self, ref: int | str | MinerModel) -> MinerModel:
        if isinstance(ref, MinerModel):
            return ref
        if isinstance(ref, int):
            return self._store.get_model(ref)
        found = self._store.find_model(clean_name("model", ref))
        if found is None:
            raise ValidationError("model", f"no miner model named '{ref.strip()}' in the catalog")
        return found

    # -- data centers ------------------------------------------------------------------

    def site_from(self, site: SiteInput, *, site_id: int | None = None, version: int = 1) -> DataCenter:
        """The data center ``site`` describes, refused if another one has its name."""
        clash = self._store.find_site(site.name)
        if clash is not None and clash.id != site_id:
            raise ValidationError("name", f"a data center named '{clash.name}' already exists")
        return DataCenter(site.name, site.country, site.capacity_mw, site.notes, id=site_id, version=version)

    def build_site(
        self,
        name: object,
        country: object = "",
        capacity_mw: object = None,
        notes: object = "",
        *,
        site_id: int | None = None,
        version: int = 1,
    ) -> DataCenter:
        """site_from for text (a form's fields, a scenario file)."""
        return self.site_from(SiteInput.parse(name, country, capacity_mw, notes), site_id=site_id, version=version)

    def create_site(self, site: SiteInput) -> DataCenter:
        new = self.site_from(site)
        return self._commit(f"add data center {new.name}", "add site", lambda: self._store.insert_site(new))

    def add_site(
        self, name: object, country: object = "", capacity_mw: object = None, notes: object = ""
    ) -> DataCenter:
        """create_site for text: the command line's edge."""
        return self.create_site(SiteInput.parse(name, country, capacity_mw, notes))

    def update_site(self, site_id: int, site: SiteInput, *, version: int | None = None) -> DataCenter:
        """Saves ``site`` over the data center as read at ``version`` (checked inside the write)."""
        if version is None:
            version = self._store.get_site(site_id).version
        new = self.site_from(site, site_id=site_id, version=version)
        return self._commit(f"edit data center {new.name}", "edit site", lambda: self._store.update_site(new))

    def edit_site(
        self,
        site_id: int,
        name: object,
        country: object = "",
        capacity_mw: object = None,
        notes: object = "",
        *,
        version: int | None = None,
    ) -> DataCenter:
        """update_site for text: the command line's edge."""
        return self.update_site(site_id, SiteInput.parse(name, country, capacity_mw, notes), version=version)

    def replace_site(self, site: DataCenter, *, expected: DataCenter) -> DataCenter:
        """Saves ``site``'s fields over the data center as ``expected`` (undo/redo of an edit),
        checked inside the write: a change made elsewhere since is refused, not overwritten."""
        site_id = site.id or 0
        with self._store.write(f"edit data center {site.name}"):
            current = self._store.get_site(site_id)
            expect_unchanged(current, expected, f"data center '{expected.name}'")
            checked = self.site_from(_site_input(site), site_id=site_id, version=current.version)
            saved = self._store.update_site(checked)
        self.notify("edit site")
        return saved

    def check_site_deletable(self, site_id: int) -> DataCenter:
        """The data center, or the reason it cannot be deleted (nothing is written)."""
        site = self._store.get_site(site_id)
        if self._store.site_in_use(site_id):
            raise ValidationError("data_center", f"'{site.name}' still has batches; delete or move them first")
        return site

    def delete_site(self, site_id: int, *, expected: DataCenter | None = None) -> DataCenter:
        """``expected``: the data center as an undo left it (checked inside the write)."""
        with self._store.write(f"delete data center #{site_id}"):
            site = self.check_site_deletable(site_id)
            expect_unchanged(site, expected, f"data center '{site.name}'")
            self._store.delete_site(site_id)
        self.notify("delete site")
        return site

    def restore_site(self, site: DataCenter) -> DataCenter:
        return self._commit(f"restore data center {site.name}", "restore site", lambda: self._store.insert_site(site))

    # -- miner models ------------------------------------------------------------------

    def model_from(self, model: ModelInput, *, model_id: int | None = None) -> MinerModel:
        """The miner model ``model`` describes, refused if another one has its name."""
        clash = self._store.find_model(model.name)
        if clash is not None and clash.id != model_id:
            raise ValidationError("model", f"a miner model named '{clash.name}' already exists")
        return MinerModel(model.name, model.vendor, model.ths, model.watts, id=model_id)

    def build_model(
        self, name: object, vendor: object, ths: object, watts: object, *, model_id: int | None = None
    ) -> MinerModel:
        return self.model_from(ModelInput.parse(name, vendor, ths, watts), model_id=model_id)

    def create_model(self, model: ModelInput) -> MinerModel:
        new = self.model_from(model)
        return self._commit(f"add miner model {new.name}", "add model", lambda: self._store.insert_model(new))

    def add_model(self, name: object, vendor: object, ths: object, watts: object) -> MinerModel:
        """create_model for text: the command line's edge."""
        return self.create_model(ModelInput.parse(name, vendor, ths, watts))

    def edit_model(self, model_id: int, name: object, vendor: object, ths: object, watts: object) -> MinerModel:
        new = self.build_model(name, vendor, ths, watts, model_id=model_id)
        return self._commit(f"edit miner model {new.name}", "edit model", lambda: self._store.update_model(new))

    def replace_model(self, model: MinerModel, *, expected: MinerModel) -> MinerModel:
        """Saves ``model``'s fields over the model as ``expected`` (undo/redo), checked inside the write."""
        model_id = model.id or 0
        with self._store.write(f"edit miner model {model.name}"):
            expect_unchanged(self._store.get_model(model_id), expected, f"miner model '{expected.label}'")
            checked = self.model_from(ModelInput(model.name, model.vendor, model.ths, model.watts), model_id=model_id)
            saved = self._store.update_model(checked)
        self.notify("edit model")
        return saved

    def check_model_deletable(self, model_id: int) -> MinerModel:
        """The model, or the reason it cannot be deleted (nothing is written)."""
        model = self._store.get_model(model_id)
        if self._store.model_in_use(model_id):
            raise ValidationError("model", f"'{model.name}' is used by batches; it cannot be deleted")
        return model

    def delete_model(self, model_id: int, *, expected: MinerModel | None = None) -> MinerModel:
        with self._store.write(f"delete miner model #{model_id}"):
            model = self.check_model_deletable(model_id)
            expect_unchanged(model, expected, f"miner model '{model.label}'")
            self._store.delete_model(model_id)
        self.notify("delete model")
        return model

    def restore_model(self, model: MinerModel) -> MinerModel:
        return self._commit(
            f"restore miner model {model.name}", "restore model", lambda: self._store.insert_model(model)
        )

    # -- targets -----------------------------------------------------------------------

    def add_target(self, ths: Any, due_on: Any, data_center: Any = None, note: Any = "") -> Target:
        target = self.build_target(ths, due_on, data_center, note)
        return self._commit("add target", "add target", lambda: self._store.insert_target(target))

    def delete_target(self, target_id: int) -> Target:
        return self._commit(
            f"delete target #{target_id}", "delete target", lambda: self._store.delete_target(target_id)
        )
