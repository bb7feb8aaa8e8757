"""Every row of a Hashplan database into another one, table by table (SQLite or PostgreSQL on
either side): the copy between backends, and a server database's backups and restores.

The schema is the same on both (the PostgreSQL list mirrors SQLite's versions), so rows go
across as they are, ids included, with the running aggregates: the target's row triggers are
lifted for the copy (nothing is booked twice) and come back before the commit. The caller
runs it inside the target's ``write()``: all of it lands, or none.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from desktop.store import report_totals
from desktop.store.aggregates import CASCADE_TRIGGERS
from desktop.store.store import Store

# Parents before children (foreign keys); derived tables last. schema_version is each side's own.
TABLES = (
    "data_centers", "miner_models", "batches", "batch_events", "targets", "audit",
    "site_networks", "miners", "miner_type_models", "miner_readings", "site_rollups",
    "site_investments", "electricity_prices",
    "batch_stage_counts", "fleet_day_deltas", "fleet_model_days", "fleet_month_deltas", "fleet_year_deltas",
)  # fmt: skip
ALL_TRIGGERS = (
    "fleet_event_added", "fleet_event_removed", "fleet_event_changed",
    "fleet_batch_added", "fleet_batch_removed", "fleet_batch_changed", *CASCADE_TRIGGERS,
)  # fmt: skip
CHUNK = 5000


def holds_records(store: Store) -> bool:
    """True when the database holds the user's own records (sites or batches): a copy never
    writes over those. A new database's seed catalog does not count."""
    for table in ("data_centers", "batches"):
        if store.conn.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone() is not None:
            return True
    return False


def _key(store: Store, table: str) -> str:
    """The ORDER BY that reads a table in key order (the same order on both sides)."""
    cursor = store.conn.execute(f"SELECT * FROM {table} LIMIT 0")
    names = [c[0] for c in cursor.description or ()]
    cursor.fetchall()
    if "id" in names:
        return "id"
    return ", ".join(names[:3])


def _chunks(source: Store, table: str) -> Iterator[tuple[list[str], list[tuple[Any, ...]]]]:
    cursor = source.conn.execute(f"SELECT * FROM {table} ORDER BY {_key(source, table)}")
    names = [c[0] for c in cursor.description or ()]
    while True:
        rows = cursor.fetchmany(CHUNK)
        if not rows:
            return
        yield names, rows


def copy_rows(source: Store, target: Store, progress: Any = None) -> dict[str, int]:
    """Replaces every row of ``target`` with ``source``'s; returns rows copied per table.

    Inside ``target.write()``. ``source`` is read in one snapshot (``reading()``), so a
    change committed meanwhile on the source is in the copy whole or not at all.
    """
    counts: dict[str, int] = {}
    lifted = (*ALL_TRIGGERS, *report_totals.TRIGGER_NAMES)  # the report totals are rebuilt at the end
    target.lift_row_triggers(lifted)
    try:
        for table in reversed(TABLES):  # children first: no foreign key is left pointing nowhere
            target.conn.execute(f"DELETE FROM {table}")
        with source.reading():
            for table in TABLES:
                counts[table] = 0
                for names, rows in _chunks(source, table):
                    target.conn.executemany(
                        f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})", rows
                    )
                    counts[table] += len(rows)
                    if progress is not None:
                        progress(table, counts[table])
        for statement in report_totals.REBUILD:
            target.conn.execute(statement)
    finally:
        if target.conn.in_transaction:
            target.restore_row_triggers(lifted)
    return counts
