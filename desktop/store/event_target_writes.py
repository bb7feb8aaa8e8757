"""Editing one event and one target in place (issue #14 items 7-8): a mixin of Store."""

from __future__ import annotations

from desktop.domain.entities import BatchEvent, Target
from desktop.store import rows

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (a start-up cost)
if TYPE_CHECKING:
    from typing import Any


class EventTargetWrites:
    # Store's own helpers (the mixin runs inside its write transaction).
    def _one(self, sql: str, params: tuple[Any, ...], what: str) -> dict[str, Any]:
        raise NotImplementedError

    def _insert(self, table: str, row: dict[str, Any]) -> int:
        raise NotImplementedError

    def _update(self, table: str, row: dict[str, Any]) -> None:
        raise NotImplementedError

    def _audit(self, entity: str, entity_id: int | None, before: Any, after: Any) -> None:
        raise NotImplementedError

    def _touch_batch(self, batch_id: int) -> None:
        raise NotImplementedError

    def update_event(self, event: BatchEvent) -> BatchEvent:
        """Saves new units, date or note for an event (same id and batch); audited."""
        before = rows.event_from_row(
            self._one("SELECT * FROM batch_events WHERE id = ?", (event.id,), f"event #{event.id}")
        )
        row = rows.event_to_row(event)
        self._update("batch_events", row)
        self._audit("batch_event", event.id, rows.event_to_row(before), row)
        self._touch_batch(event.batch_id)
        return event

    def get_target(self, target_id: int) -> Target:
        return rows.target_from_row(
            self._one("SELECT * FROM targets WHERE id = ?", (target_id,), f"target #{target_id}")
        )

    def update_target(self, target: Target) -> Target:
        before = self.get_target(target.id or 0)
        row = rows.target_to_row(target)
        self._update("targets", row)
        self._audit("target", target.id, rows.target_to_row(before), row)
        return target
