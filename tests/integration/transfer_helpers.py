"""Helpers for the import/export tests: a fingerprint of the database, fleets to compare."""

from __future__ import annotations

import hashlib
import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

from desktop.domain.ledger import replay
from desktop.server_address import ServerAddress
from desktop.services.reports import summary_to_json
from desktop.services.session import Session
from tests.pg_server import server_rows


def table_fingerprint(db_path: Path) -> str:
    """A hash of every user table's rows: equal before and after means nothing was written."""
    if isinstance(db_path, ServerAddress):
        digest = hashlib.sha256()
        for table, rows in server_rows(db_path).items():
            digest.update(table.encode())
            for row in rows:
                digest.update(repr(row).encode())
        return digest.hexdigest()
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        digest = hashlib.sha256()
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        for table in tables:
            digest.update(table.encode())
            for row in sorted(conn.execute(f"SELECT * FROM {table}").fetchall(), key=repr):
                digest.update(repr(row).encode())
        return digest.hexdigest()
    finally:
        conn.close()


def fleet_state(session: Session, at: date | None = None) -> list[tuple[Any, ...]]:
    """Every batch as the operator sees it (site, model, fields, stage counts), sorted."""
    at = at or date.today()
    store = session.store
    sites = {s.id: s.name for s in store.list_sites()}
    models = {m.id: (m.name, m.vendor, m.ths, m.watts) for m in store.list_models()}
    events = store.events_by_batch()
    state = []
    for b in store.list_batches():
        counts = replay(b, events.get(b.id or 0, []), at)
        state.append(
            (
                b.id,
                sites[b.data_center_id],
                models[b.model_id],
                b.units,
                b.ordered_on,
                b.expected_on,
                b.unit_price_cents,
                b.supplier,
                b.notes,
                tuple(sorted(counts.as_dict().items())),
            )
        )
    return sorted(state, key=repr)


def summary_json(session: Session, at: date | None = None) -> dict[str, Any]:
    return summary_to_json(session.queries.summary(at))


def sites_state(session: Session) -> list[tuple[Any, ...]]:
    return sorted((s.name, s.country, s.capacity_mw) for s in session.store.list_sites())
