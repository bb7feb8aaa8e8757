"""Bulk writes for import and the fleet generator: executemany inside the caller's write().

One audit row describes the whole bulk action (see audit_bulk) instead of one per row,
so a 100,000-row import stays close to raw executemany speed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from desktop.domain.entities import Batch, BatchEvent
from desktop.gc_pause import gc_paused
from desktop.store import aggregates, bulk_booking, rows
from desktop.store.connection import utc_now
from desktop.store.store import Store

_BATCH_COLUMNS = (
    "data_center_id",
    "model_id",
    "units",
    "ordered_on",
    "expected_on",
    "unit_price_cents",
    "supplier",
    "notes",
)
_EVENT_COLUMNS = ("batch_id", "kind", "units", "occurred_on", "note")


def _require_transaction(store: Store) -> None:
    if not store.conn.in_transaction:
        raise RuntimeError("bulk writes must run inside Store.write()")


@contextmanager
def _trigger_lifted(store: Store, name: str) -> Iterator[None]:
    """Runs the body without one aggregate trigger; the caller books the rows (bulk_booking).

    A row trigger costs ~10 us a row even when it does nothing (measured: 1,000,000 events
    in 20 s with it, 6 s without), and a few GROUP BY statements book the whole insert.
    DDL is transactional in SQLite: the trigger is back before the commit, and a failure or
    crash rolls its removal back with the rows, so no other connection ever sees it missing.
    """
    store.conn.execute(f"DROP TRIGGER IF EXISTS {name}")
    try:
        yield
    finally:
        # IF NOT EXISTS: after SQLite rolled the whole transaction back it is there already.
        store.conn.execute(aggregates.trigger(name).replace("CREATE TRIGGER", "CREATE TRIGGER IF NOT EXISTS", 1))


def insert_batches(store: Store, batches: Sequence[Batch], *, first_id: int | None = None) -> list[int]:
    """Inserts new batches (ids assigned in order); returns their ids.

    ``first_id``: the ids are first_id, first_id + 1, ... (import keeping a file's ids);
    the caller checked that the whole range is free, so the booking below sees only them.
    """
    _require_transaction(store)
    if not batches:
        return []
    start = first_id or int(store.conn.execute("SELECT COALESCE(MAX(id), 0) FROM batches").fetchone()[0]) + 1
    ids = list(range(start, start + len(batches)))
    sql = f"INSERT INTO batches (id, {', '.join(_BATCH_COLUMNS)}) VALUES ({', '.join('?' * (len(_BATCH_COLUMNS) + 1))})"
    values = [
        (
            i,
            b.data_center_id,
            b.model_id,
            b.units,
            b.ordered_on.isoformat(),
            b.expected_on.isoformat(),
            b.unit_price_cents,
            b.supplier,
            b.notes,
        )
        for i, b in zip(ids, batches, strict=True)
    ]
    with _trigger_lifted(store, "fleet_batch_added"), gc_paused():
        try:
            store.conn.executemany(sql, values)
        finally:  # book whatever landed, even if a caller catches a failure and commits
            landed = store.conn.execute("SELECT COUNT(*) FROM batches WHERE id BETWEEN ? AND ?", (ids[0], ids[-1]))
            bulk_booking.book_batches(store, values[: int(landed.fetchone()[0])])
    return ids


def insert_events(store: Store, events: Sequence[BatchEvent]) -> None:
    _require_transaction(store)
    insert_event_rows(store, ((e.batch_id, e.kind.value, e.units, e.occurred_on.isoformat(), e.note) for e in events))


def insert_event_rows(store: Store, event_rows: Iterable[tuple[int, str, int, str, str]]) -> None:
    """Like insert_events for rows already in column form (batch_id, kind, units, ISO date, note).

    The generator's path: skips building a million frozen records just to unpack them.
    """
    _require_transaction(store)
    sql = f"INSERT INTO batch_events ({', '.join(_EVENT_COLUMNS)}) VALUES ({', '.join('?' * len(_EVENT_COLUMNS))})"
    values = list(event_rows)
    last_before = int(store.conn.execute("SELECT COALESCE(MAX(id), 0) FROM batch_events").fetchone()[0])
    with _trigger_lifted(store, "fleet_event_added"), gc_paused():
        try:
            store.conn.executemany(sql, values)
        finally:  # book whatever landed (new ids follow the old maximum), even if a caller commits after a failure
            landed = store.conn.execute("SELECT COUNT(*) FROM batch_events WHERE id > ?", (last_before,))
            bulk_booking.book_events(store, values[: int(landed.fetchone()[0])])


def audit_bulk(store: Store, action: str, entity: str, summary: dict[str, Any]) -> None:
    """One audit row for a bulk action (which file, how many rows, which ids)."""
    _require_transaction(store)
    store.conn.execute(
        "INSERT INTO audit (at, action, entity, entity_id, before, after) VALUES (?,?,?,?,?,?)",
        (utc_now(), action, entity, None, None, json.dumps(summary, default=str)),
    )


def replace_batch_events(store: Store, batch_id: int, events: Sequence[BatchEvent]) -> list[dict[str, Any]]:
    """Replaces a batch's events (re-import by id); returns the old ones for the audit."""
    _require_transaction(store)
    old = [rows.event_to_row(e) for e in store.events_for_batch(batch_id)]
    store.conn.execute("DELETE FROM batch_events WHERE batch_id = ?", (batch_id,))
    insert_events(store, events)
    return old
