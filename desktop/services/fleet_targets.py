"""The target half of FleetService: list, edit, restore (issue #14 item 8).

A target is X TH/s by a date, for one site or (no site) the whole fleet.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any, TypeVar

from desktop.domain.entities import DataCenter, Target
from desktop.domain.values import clean_text, parse_date, parse_positive
from desktop.errors import ValidationError
from desktop.services.conflicts import expect_unchanged
from desktop.store import Store

T = TypeVar("T")
FLEET = "fleet"  # the value that means "no site" where a site is asked for


class TargetOperations:
    _store: Store

    # FleetService provides these
    def site(self, ref: int | str | DataCenter) -> DataCenter:
        raise NotImplementedError

    def _commit(self, action: str, event: str, change: Callable[[], T]) -> T:
        raise NotImplementedError

    def list_targets(self) -> list[Target]:
        """Every target, by due date."""
        return self._store.list_targets()

    def build_target(self, ths: Any, due_on: Any, data_center: Any = None, note: Any = "") -> Target:
        """A new target, checked (nothing written); data_center None, "" or "fleet": the fleet's."""
        return Target(
            ths=parse_positive("target", ths, "TH/s"),
            due_on=parse_date("due_on", due_on) or date.today(),
            data_center_id=self._site_id(data_center),
            note=clean_text(note, "note", multiline=True),
        )

    def _site_id(self, data_center: Any) -> int | None:
        if data_center is None or (isinstance(data_center, str) and not data_center.strip()):
            return None
        try:
            return self.site(data_center).id
        except ValidationError:
            if isinstance(data_center, str) and data_center.strip().casefold() == FLEET:
                return None  # "fleet" names the whole fleet unless a site is called that
            raise

    def get_target(self, target_id: int) -> Target:
        return self._store.get_target(target_id)

    def build_target_edit(
        self, target_id: int, ths: Any = None, due_on: Any = None, data_center: Any = None, note: Any = None
    ) -> Target:
        """The target with the given fields changed (None: kept; data_center "" or "fleet": the fleet's)."""
        current = self._store.get_target(target_id)
        site_id = current.data_center_id if data_center is None else self._site_id(data_center)
        return replace(
            current,
            ths=current.ths if ths is None else parse_positive("target", ths, "TH/s"),
            due_on=current.due_on if due_on is None else (parse_date("due_on", due_on) or current.due_on),
            data_center_id=site_id,
            note=current.note if note is None else clean_text(note, "note", multiline=True),
        )

    def edit_target(
        self, target_id: int, ths: Any = None, due_on: Any = None, data_center: Any = None, note: Any = None,
        *, expected: Target | None = None,
    ) -> Target:  # fmt: skip
        edited = self.build_target_edit(target_id, ths, due_on, data_center, note)

        def change() -> Target:
            expect_unchanged(self._store.get_target(target_id), expected, f"target #{target_id}")
            return self._store.update_target(edited)

        return self._commit(f"edit target #{target_id}", "edit target", change)

    def restore_target(self, target: Target) -> Target:
        """Puts a deleted target back with its id (undo)."""
        return self._commit(f"restore target #{target.id}", "restore target", lambda: self._store.insert_target(target))
