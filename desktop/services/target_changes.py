"""Undoable target changes (issue #14 item 8), like the rest of services/changes.py."""

from __future__ import annotations

from typing import Any

from desktop.domain.entities import Target
from desktop.services.changes import Change
from desktop.services.fleet import FleetService


class AddTarget(Change):
    def __init__(self, fleet: FleetService, ths: Any, due_on: Any, data_center: Any, note: Any) -> None:
        super().__init__(fleet, "add target")
        self._values = (ths, due_on, data_center, note)
        self.target: Target | None = None

    def perform(self) -> None:
        self.target = self.fleet.add_target(*self._values)
        self.text = f"add target #{self.target.id}"

    def revert(self) -> None:
        assert self.target is not None and self.target.id is not None
        self.fleet.delete_target(self.target.id)

    def reapply(self) -> None:
        assert self.target is not None
        self.target = self.fleet.restore_target(self.target)


class EditTarget(Change):
    def __init__(self, fleet: FleetService, target_id: int, ths: Any, due_on: Any, data_center: Any, note: Any) -> None:
        super().__init__(fleet, f"edit target #{target_id}")
        self.target_id = target_id
        self._values = (ths, due_on, data_center, note)
        self.before: Target | None = None
        self.after: Target | None = None

    def perform(self) -> None:
        before = self.fleet.get_target(self.target_id)
        self.after = self.fleet.edit_target(self.target_id, *self._values, expected=before)
        self.before = before

    def _put(self, target: Target, expected: Target) -> None:
        site = "" if target.data_center_id is None else target.data_center_id
        self.fleet.edit_target(self.target_id, target.ths, target.due_on, site, target.note, expected=expected)

    def revert(self) -> None:
        assert self.before is not None and self.after is not None
        self._put(self.before, self.after)

    def reapply(self) -> None:
        assert self.before is not None and self.after is not None
        self._put(self.after, self.before)


class DeleteTarget(Change):
    def __init__(self, fleet: FleetService, target_id: int) -> None:
        super().__init__(fleet, f"delete target #{target_id}")
        self.target_id = target_id
        self.target: Target | None = None

    def perform(self) -> None:
        self.target = self.fleet.delete_target(self.target_id)

    def revert(self) -> None:
        assert self.target is not None
        self.target = self.fleet.restore_target(self.target)

    def reapply(self) -> None:
        assert self.target is not None
        self.fleet.delete_target(self.target_id)
