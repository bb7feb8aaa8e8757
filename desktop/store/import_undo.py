"""Taking an import back (undo): what it wrote is read from its ids and its audit rows.

The batches it created go in bulk: deleted set-wise without the row triggers and booked
out of the aggregates in one numpy pass (bulk_booking, as the import booked them in);
the few it replaced are put back row by row with the triggers in place. All inside the
caller's write(); one audit row says what was taken back.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from desktop.domain.entities import Batch, BatchEvent
from desktop.errors import ConflictError
from desktop.store import rows
from desktop.store.bulk import OLD_BATCH_SQL, OLD_EVENTS_SQL, audit_bulk, bulk_insert
from desktop.store.connection import select_in
from desktop.store.store import Store

_BATCH_FIELDS = ("data_center_id", "model_id", "units", "ordered_on", "expected_on", "unit_price_cents", "supplier",
                 "notes")  # fmt: skip
_RESTORE_SQL = f"UPDATE batches SET {', '.join(f'{c} = ?' for c in _BATCH_FIELDS)}, version = version + 1 WHERE id = ?"
_EVENT_SQL = "INSERT INTO batch_events (id, batch_id, kind, units, occurred_on, note) VALUES (?,?,?,?,?,?)"


def last_audit_id(store: Store) -> int:
    return int(store.conn.execute("SELECT COALESCE(MAX(id), 0) FROM audit").fetchone()[0])


def batch_versions(store: Store, batch_ids: Sequence[int]) -> dict[int, int]:
    """The row version of each batch among ``batch_ids`` that exists."""
    return dict(select_in(store.conn, "SELECT id, version FROM batches WHERE id IN ({marks})", batch_ids))


def replaced_batches(store: Store, first_audit_id: int, last_audit_id: int) -> list[tuple[Batch, list[BatchEvent]]]:
    """The batches an import replaced, as they were before it, with their events: the import's
    audit rows (ids ``first_audit_id``..``last_audit_id``) keep each one (bulk.replace_batches)."""
    found = store.conn.execute(
        "SELECT before FROM audit WHERE id BETWEEN ? AND ? AND entity = 'batch' "
        "AND before IS NOT NULL AND after IS NOT NULL ORDER BY id",
        (first_audit_id, last_audit_id),
    )
    replaced = []
    for (text,) in found:
        before: dict[str, Any] = json.loads(text)
        events = [rows.event_from_row(e) for e in before.pop("events", [])]
        replaced.append((rows.batch_from_row(before), events))
    return replaced


def take_back(
    store: Store,
    action: str,
    *,
    created_ids: Sequence[int],
    replaced: Sequence[tuple[Batch, list[BatchEvent]]],
    site_ids: Sequence[int],
    model_ids: Sequence[int],
) -> None:
    """Deletes the batches (and events) an import created, puts the batches it replaced back
    as they were, and deletes the sites and models it added. Inside the caller's write()."""
    conn = store.conn
    _delete_created(store, created_ids)
    conn.executemany("DELETE FROM batch_events WHERE batch_id = ?", [(b.id,) for b, _ in replaced])
    conn.executemany(_RESTORE_SQL, [(*(rows.batch_to_row(b)[c] for c in _BATCH_FIELDS), b.id) for b, _ in replaced])
    events = [e for _, batch_events in replaced for e in batch_events]
    # Events come back with their ids, unless another event took one since (ids are reused).
    old_ids = [e.id or 0 for e in events]
    taken = {r[0] for r in select_in(conn, "SELECT id FROM batch_events WHERE id IN ({marks})", old_ids)}
    conn.executemany(
        _EVENT_SQL,
        [(None if e.id in taken else e.id, e.batch_id, e.kind.value, e.units, e.occurred_on.isoformat(), e.note)
         for e in events],
    )  # fmt: skip
    for table, ids, what in (("batches", model_ids, "model_id"), ("batches", site_ids, "data_center_id")):
        used = select_in(conn, f"SELECT DISTINCT {what} FROM {table} WHERE {what} IN ({{marks}})", list(ids))
        if used:
            kind = "miner model" if what == "model_id" else "data center"
            raise ConflictError(f"a {kind} the import added is used by a batch added since; it stays (nothing undone)")
    conn.executemany("DELETE FROM miner_models WHERE id = ?", [(i,) for i in model_ids])
    conn.executemany("DELETE FROM data_centers WHERE id = ?", [(i,) for i in site_ids])
    audit_bulk(
        store,
        action,
        "batch",
        {"deleted": len(created_ids), "put_back_ids": [b.id for b, _ in replaced], "sites": list(site_ids),
         "models": list(model_ids)},
    )  # fmt: skip


def _delete_created(store: Store, batch_ids: Sequence[int]) -> None:
    """Deletes batches and their events set-wise; books them out as bulk.replace_batches books
    the old state of a batch it replaces (100,000 batches: 26 s through the row triggers)."""
    if not batch_ids:
        return
    conn = store.conn
    with bulk_insert(store) as writer:  # lifts the event and batch-change triggers; books at the end
        old_batches = select_in(conn, OLD_BATCH_SQL, batch_ids)
        old_events = select_in(conn, OLD_EVENTS_SQL, batch_ids)
        store.lift_row_triggers(("fleet_batch_removed",))  # transactional, like bulk_insert's
        try:
            for start in range(0, len(batch_ids), 900):
                part = list(batch_ids[start : start + 900])
                marks = ", ".join("?" * len(part))
                for table, column in (("batch_events", "batch_id"), ("batch_stage_counts", "batch_id"),
                                      ("batches", "id")):  # fmt: skip
                    conn.execute(f"DELETE FROM {table} WHERE {column} IN ({marks})", part)
        finally:
            if conn.in_transaction:  # after SQLite rolled everything back, the trigger is there already
                store.restore_row_triggers(("fleet_batch_removed",))
        writer.removed_batch_rows.extend(old[:-1] for old in old_batches)  # (the version is not booked)
        writer.removed_event_rows.extend(old_events)
