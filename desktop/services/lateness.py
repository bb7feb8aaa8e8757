"""Overdue batches per site and days late per supplier (issue #14 item 9), for the CLI and the window."""

from __future__ import annotations

from collections import Counter
from datetime import date

from desktop.domain.lateness import SupplierLateness, by_supplier
from desktop.store import Store


def overdue_by_site(store: Store, today: date | None = None) -> dict[int, int]:
    """Overdue batches per data center id (the fleet's count is their sum)."""
    return dict(Counter(int(r["data_center_id"]) for r in store.overdue_rows(today or date.today())))


def supplier_lateness(store: Store, today: date | None = None, site_id: int | None = None) -> list[SupplierLateness]:
    """Per supplier: fully deployed batches, their average days late and share late, and overdue batches."""
    deployed = [
        (r["supplier"] or "", date.fromisoformat(r["expected_on"]), date.fromisoformat(r["deployed_on"]))
        for r in store.deployed_batch_dates()
        if site_id is None or r["data_center_id"] == site_id
    ]
    overdue = [
        r["supplier"] or ""
        for r in store.overdue_rows(today or date.today())
        if site_id is None or r["data_center_id"] == site_id
    ]
    return by_supplier(deployed, overdue)


class LatenessOperations:
    """FleetService's face of this module: the window asks the service, never the store."""

    _store: Store

    def supplier_lateness(self, site_id: int | None = None) -> list[SupplierLateness]:
        return supplier_lateness(self._store, site_id=site_id)
