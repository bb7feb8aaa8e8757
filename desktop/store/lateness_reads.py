"""Overdue batches and deployment dates, read in SQL (issue #14 item 9): a mixin of Store.

One pass over the events grouped by batch: the 100,000-batch fleet is not read into Python.
"""

from __future__ import annotations

from datetime import date
from typing import Any

# Per batch: units deployed or cancelled (nothing left to deploy), and the last deployment.
_DONE = """
    SELECT batch_id,
           SUM(CASE WHEN kind IN ('deployed', 'cancelled') THEN units ELSE 0 END) AS done,
           MAX(CASE WHEN kind = 'deployed' THEN occurred_on END) AS deployed_on
    FROM batch_events GROUP BY batch_id
"""


class LatenessReads:
    def _rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
        raise NotImplementedError  # Store's

    def overdue_rows(self, today: date) -> list[dict[str, Any]]:
        """Batches past their expected date with units still to deploy: id, data_center_id, supplier."""
        return self._rows(
            f"SELECT b.id, b.data_center_id, b.supplier FROM batches b LEFT JOIN ({_DONE}) e ON e.batch_id = b.id "
            "WHERE b.expected_on < ? AND b.units > COALESCE(e.done, 0)",
            (today.isoformat(),),
        )

    def deployed_batch_dates(self) -> list[dict[str, Any]]:
        """Fully deployed batches (nothing left to deploy, something deployed): supplier,
        data_center_id, expected_on and deployed_on (the last deployment) as ISO text."""
        return self._rows(
            "SELECT b.supplier, b.data_center_id, b.expected_on, e.deployed_on FROM batches b "
            f"JOIN ({_DONE}) e ON e.batch_id = b.id WHERE e.deployed_on IS NOT NULL AND e.done >= b.units"
        )
