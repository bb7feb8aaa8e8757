"""Undoable changes: QUndoCommands over FleetService.

A command's first redo() is the change itself, run by ``execute`` before the command
is pushed: if the service refuses, nothing is pushed and the error goes to the caller.
Later undo()/redo() put back exactly the previous records (same ids) through the
service's restore/replace methods; each is one transaction with its own audit row.
If one of those fails (another window changed the record meanwhile), the error is
reported and the command leaves the stack rather than pretending it worked.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from PySide6.QtGui import QUndoCommand, QUndoStack

from desktop.domain.entities import Batch, BatchEvent, BatchSnapshot, DataCenter, MinerModel
from desktop.errors import ConflictError, HashplanError
from desktop.services.fleet import FleetService

log = logging.getLogger(__name__)
ErrorHandler = Callable[[str, HashplanError], None]


class FleetCommand(QUndoCommand):
    def __init__(self, fleet: FleetService, text: str) -> None:
        super().__init__(text)
        self.fleet = fleet
        self.on_error: ErrorHandler | None = None
        self._performed = False

    # subclasses implement these three
    def perform(self) -> None:
        raise NotImplementedError

    def revert(self) -> None:
        raise NotImplementedError

    def reapply(self) -> None:
        raise NotImplementedError

    def redo(self) -> None:
        if not self._performed:  # the push right after execute(): already done
            self._performed = True
            return
        self._guard("Redo", self.reapply)

    def undo(self) -> None:
        self._guard("Undo", self.revert)

    def _guard(self, verb: str, step: Callable[[], None]) -> None:
        try:
            step()
        except HashplanError as error:
            log.warning("%s of '%s' refused: %s", verb.lower(), self.text(), error)
            self._drop(verb, error)
        except Exception as error:  # never a traceback in the user's face
            log.exception("%s of '%s' failed", verb.lower(), self.text())
            self._drop(verb, HashplanError(f"unexpected {type(error).__name__}; the log file has the details"))

    def _drop(self, verb: str, error: HashplanError) -> None:
        self.setObsolete(True)  # QUndoStack drops it: the records no longer match it
        if self.on_error is not None:
            self.on_error(f"{verb} {self.text()}", error)


def _check_unchanged(current: Batch | DataCenter, expected: Batch | DataCenter, what: str) -> None:
    """An edit's undo must not silently overwrite what another window saved since."""
    if replace(current, version=0) != replace(expected, version=0):
        raise ConflictError(f"{what} was changed elsewhere since; undoing would overwrite that change")


def execute(stack: QUndoStack, command: FleetCommand, on_error: ErrorHandler | None = None) -> None:
    """Performs the command's change and pushes it; a refusal raises and pushes nothing."""
    command.perform()
    command.on_error = on_error
    stack.push(command)


# -- data centers --------------------------------------------------------------------


class AddSite(FleetCommand):
    def __init__(self, fleet: FleetService, name: Any, country: Any, capacity_mw: Any, notes: Any) -> None:
        super().__init__(fleet, "add data center")
        self._values = (name, country, capacity_mw, notes)
        self.site: DataCenter | None = None

    def perform(self) -> None:
        self.site = self.fleet.add_site(*self._values)
        self.setText(f"add data center {self.site.name}")

    def revert(self) -> None:
        assert self.site is not None and self.site.id is not None
        self.site = self.fleet.delete_site(self.site.id)

    def reapply(self) -> None:
        assert self.site is not None
        self.site = self.fleet.restore_site(self.site)


class EditSite(FleetCommand):
    def __init__(
        self, fleet: FleetService, site_id: int, name: Any, country: Any, capacity_mw: Any, notes: Any, version: int
    ) -> None:
        super().__init__(fleet, "edit data center")
        self.site_id = site_id
        self._values = (name, country, capacity_mw, notes)
        self._version = version
        self.before: DataCenter | None = None
        self.after: DataCenter | None = None

    def perform(self) -> None:
        self.before = self.fleet.get_site(self.site_id)
        self.after = self.fleet.edit_site(self.site_id, *self._values, version=self._version)
        self.setText(f"edit data center {self.after.name}")

    def _put(self, expected: DataCenter, site: DataCenter) -> None:
        _check_unchanged(self.fleet.get_site(self.site_id), expected, f"data center '{expected.name}'")
        self.fleet.edit_site(self.site_id, site.name, site.country, site.capacity_mw, site.notes)

    def revert(self) -> None:
        assert self.before is not None and self.after is not None
        self._put(self.after, self.before)

    def reapply(self) -> None:
        assert self.before is not None and self.after is not None
        self._put(self.before, self.after)


class DeleteSite(FleetCommand):
    def __init__(self, fleet: FleetService, site_id: int) -> None:
        super().__init__(fleet, "delete data center")
        self.site_id = site_id
        self.site: DataCenter | None = None

    def perform(self) -> None:
        self.site = self.fleet.delete_site(self.site_id)
        self.setText(f"delete data center {self.site.name}")

    def revert(self) -> None:
        assert self.site is not None
        self.site = self.fleet.restore_site(self.site)

    def reapply(self) -> None:
        self.site = self.fleet.delete_site(self.site_id)


# -- miner models --------------------------------------------------------------------


class AddModel(FleetCommand):
    def __init__(self, fleet: FleetService, name: Any, vendor: Any, ths: Any, watts: Any) -> None:
        super().__init__(fleet, "add miner model")
        self._values = (name, vendor, ths, watts)
        self.model: MinerModel | None = None

    def perform(self) -> None:
        self.model = self.fleet.add_model(*self._values)
        self.setText(f"add miner model {self.model.label}")

    def revert(self) -> None:
        assert self.model is not None and self.model.id is not None
        self.model = self.fleet.delete_model(self.model.id)

    def reapply(self) -> None:
        assert self.model is not None
        self.model = self.fleet.restore_model(self.model)


class EditModel(FleetCommand):
    def __init__(self, fleet: FleetService, model_id: int, name: Any, vendor: Any, ths: Any, watts: Any) -> None:
        super().__init__(fleet, "edit miner model")
        self.model_id = model_id
        self._values = (name, vendor, ths, watts)
        self.before: MinerModel | None = None
        self.after: MinerModel | None = None

    def perform(self) -> None:
        self.before = self.fleet.get_model(self.model_id)
        self.after = self.fleet.edit_model(self.model_id, *self._values)
        self.setText(f"edit miner model {self.after.label}")

    def _put(self, expected: MinerModel, model: MinerModel) -> None:
        if self.fleet.get_model(self.model_id) != expected:  # models carry no row version
            raise ConflictError(
                f"miner model '{expected.label}' was changed elsewhere since; undoing would overwrite that change"
            )
        self.fleet.edit_model(self.model_id, model.name, model.vendor, model.ths, model.watts)

    def revert(self) -> None:
        assert self.before is not None and self.after is not None
        self._put(self.after, self.before)

    def reapply(self) -> None:
        assert self.before is not None and self.after is not None
        self._put(self.before, self.after)


class DeleteModel(FleetCommand):
    def __init__(self, fleet: FleetService, model_id: int) -> None:
        super().__init__(fleet, "delete miner model")
        self.model_id = model_id
        self.model: MinerModel | None = None

    def perform(self) -> None:
        self.model = self.fleet.delete_model(self.model_id)  # refused while batches use it
        self.setText(f"delete miner model {self.model.label}")

    def revert(self) -> None:
        assert self.model is not None
        self.model = self.fleet.restore_model(self.model)

    def reapply(self) -> None:
        self.model = self.fleet.delete_model(self.model_id)


# -- batches -------------------------------------------------------------------------


class AddBatch(FleetCommand):
    def __init__(self, fleet: FleetService, **values: Any) -> None:
        super().__init__(fleet, "add batch")
        self._values = values
        self.batch: Batch | None = None
        self._snapshot: BatchSnapshot | None = None

    def perform(self) -> None:
        self.batch = self.fleet.add_batch(**self._values)
        self.setText(f"add batch #{self.batch.id} ({self.batch.units:,} units)")

    def revert(self) -> None:
        assert self.batch is not None and self.batch.id is not None
        self._snapshot = self.fleet.delete_batch(self.batch.id)

    def reapply(self) -> None:
        assert self._snapshot is not None
        self.batch = self.fleet.restore_batch(self._snapshot)


class EditBatch(FleetCommand):
    def __init__(self, fleet: FleetService, batch_id: int, version: int, **values: Any) -> None:
        super().__init__(fleet, f"edit batch #{batch_id}")
        self.batch_id = batch_id
        self._version = version
        self._values = values
        self.before: Batch | None = None
        self.after: Batch | None = None

    def perform(self) -> None:
        self.before = self.fleet.get_batch(self.batch_id)
        self.after = self.fleet.edit_batch(self.batch_id, version=self._version, **self._values)

    def revert(self) -> None:
        assert self.before is not None and self.after is not None
        _check_unchanged(self.fleet.get_batch(self.batch_id), self.after, f"batch #{self.batch_id}")
        self.fleet.replace_batch(self.before)

    def reapply(self) -> None:
        assert self.before is not None and self.after is not None
        _check_unchanged(self.fleet.get_batch(self.batch_id), self.before, f"batch #{self.batch_id}")
        self.fleet.replace_batch(self.after)


class DeleteBatch(FleetCommand):
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
        self.snapshot = self.fleet.delete_batch(self.batch_id)


class RecordEvent(FleetCommand):
    def __init__(self, fleet: FleetService, batch_id: int, kind: Any, units: Any, occurred_on: Any, note: Any) -> None:
        super().__init__(fleet, f"record event on batch #{batch_id}")
        self.batch_id = batch_id
        self._values = (kind, units, occurred_on, note)
        self.event: BatchEvent | None = None

    def perform(self) -> None:
        self.event = self.fleet.record_event(self.batch_id, *self._values)
        self.setText(f"record {self.event.kind.value} of {self.event.units:,} units on batch #{self.batch_id}")

    def revert(self) -> None:
        assert self.event is not None and self.event.id is not None
        self.event = self.fleet.delete_event(self.event.id)

    def reapply(self) -> None:
        assert self.event is not None
        self.event = self.fleet.restore_event(self.event)
