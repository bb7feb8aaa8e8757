"""Overdue batches and days late (issue #14 item 9): plain arithmetic over dates and counts.

- overdue: past its expected deployment date with units still to deploy (ordered, in
  transit or on site);
- days late: for a batch fully deployed, the last deployment's date minus the expected date
  (negative: early); per supplier, the average and the share late.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from desktop.domain.ledger import StageCounts


def is_overdue(expected_on: date, counts: StageCounts, today: date) -> bool:
    return expected_on < today and counts.ordered + counts.in_transit + counts.on_site > 0


def days_late(expected_on: date, deployed_on: date) -> int:
    return (deployed_on - expected_on).days


@dataclass(frozen=True)
class SupplierLateness:
    supplier: str  # "" when the batches name none
    batches: int  # fully deployed batches counted
    average_days_late: float
    share_late: float  # 0..1: deployed after the expected date
    overdue: int  # batches past their date, not all deployed yet


def by_supplier(deployed: Iterable[tuple[str, date, date]], overdue: Iterable[str] = ()) -> list[SupplierLateness]:
    """``deployed``: (supplier, expected_on, deployed_on) of each fully deployed batch;
    ``overdue``: the supplier of each overdue batch. Latest on average first."""
    days: dict[str, list[int]] = defaultdict(list)
    for supplier, expected_on, deployed_on in deployed:
        days[supplier.strip()].append(days_late(expected_on, deployed_on))
    waiting: dict[str, int] = defaultdict(int)
    for supplier in overdue:
        waiting[supplier.strip()] += 1
    result = [
        SupplierLateness(
            supplier,
            len(days.get(supplier, [])),
            sum(days.get(supplier, [])) / len(days[supplier]) if days.get(supplier) else 0.0,
            sum(1 for d in days.get(supplier, []) if d > 0) / len(days[supplier]) if days.get(supplier) else 0.0,
            waiting.get(supplier, 0),
        )
        for supplier in set(days) | set(waiting)
    ]
    return sorted(result, key=lambda s: (-s.average_days_late, -s.overdue, s.supplier.casefold()))
