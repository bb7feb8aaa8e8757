"""Overdue batches and deployment dates (issue #14 item 9): a mixin of Store.

Read from ``batch_stage_counts`` (each batch's units per stage and last deployment, kept by
triggers, see aggregates.py): no pass over the events on every refresh of a 100,000-batch fleet.
"""

from __future__ import annotations

from datetime import date

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (a start-up cost)
if TYPE_CHECKING:
    from typing import Any


class LatenessReads:
    def _rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
        raise NotImplementedError  # Store's

    def overdue_rows(self, today: date) -> list[dict[str, Any]]:
        """Batches past their expected date with units still to deploy: id, data_center_id, supplier."""
        return self._rows(
            "SELECT b.id, b.data_center_id, b.supplier FROM batches b JOIN batch_stage_counts c ON c.batch_id = b.id "
            "WHERE b.expected_on < ? AND c.ordered + c.in_transit + c.on_site > 0",
            (today.isoformat(),),
        )

    def deployed_batch_dates(self) -> list[dict[str, Any]]:
        """Fully deployed batches (nothing left to deploy, something deployed): supplier,
        data_center_id, expected_on and deployed_on (the last deployment) as ISO text."""
        return self._rows(
            "SELECT b.supplier, b.data_center_id, b.expected_on, c.deployed_on FROM batches b "
            "JOIN batch_stage_counts c ON c.batch_id = b.id "
            "WHERE c.deployed_on IS NOT NULL AND c.ordered + c.in_transit + c.on_site = 0"
        )
