"""The crash test's victim: random valid actions through FleetService until killed.

    python -m tests.integration.crash_child DB LOG [SEED]

After each action commits, one JSON line goes to LOG and is fsynced *before* the
next action starts: {"audit": <id of the action's last audit row>, "action": ...}.
A line in LOG is therefore a promise that the action is in the database.
"""

from __future__ import annotations

import json
import os
import random
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import IO

from desktop.domain.entities import BatchSnapshot
from desktop.domain.stages import EventKind
from desktop.errors import HashplanError
from desktop.services.fleet import FleetService
from desktop.services.session import open_session

_KINDS = [EventKind.SHIPPED, EventKind.DELIVERED, EventKind.DEPLOYED, EventKind.RETIRED, EventKind.CANCELLED]


def _report(log: IO[str], fleet: FleetService, what: str) -> None:
    row = fleet._store.conn.execute("SELECT id, action FROM audit ORDER BY id DESC LIMIT 1").fetchone()
    log.write(json.dumps({"audit": row[0], "action": row[1], "what": what}) + "\n")
    log.flush()
    os.fsync(log.fileno())


def _one_action(rng: random.Random, fleet: FleetService, deleted: list[BatchSnapshot]) -> str | None:
    store = fleet._store  # the crash test drives the store directly
    batches = store.list_batches()
    roll = rng.random()
    token = f"t{rng.getrandbits(48):x}"
    if roll < 0.35 or not batches:
        site = rng.choice(store.list_sites())
        model = rng.choice(store.list_models())
        ordered = date(2021, 1, 1) + timedelta(days=rng.randrange(900))
        fleet.add_batch(
            site.id, model.id, rng.randint(1, 2000), ordered, ordered + timedelta(days=40), 1234, notes=token
        )
        return "add batch"
    batch = rng.choice(batches)
    if roll < 0.75:
        kind = rng.choice(_KINDS)
        available = fleet.default_event_units(batch.id or 0, kind)
        if available <= 0:
            return None
        on = batch.ordered_on + timedelta(days=rng.randrange(1, 60))
        fleet.record_event(batch.id or 0, kind, rng.randint(1, available), on)
        return "record event"
    if roll < 0.88:
        fleet.edit_batch(
            batch.id or 0,
            batch.data_center_id,
            batch.model_id,
            batch.units,
            batch.ordered_on,
            batch.expected_on,
            batch.unit_price_cents / 100,
            batch.supplier,
            token,
            version=batch.version,
        )
        return "edit batch"
    if roll < 0.95 or not deleted:
        deleted.append(fleet.delete_batch(batch.id or 0))
        return "delete batch"
    fleet.restore_batch(deleted.pop())
    return "restore batch"


def run(db: Path, log_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    deleted: list[BatchSnapshot] = []
    with open_session(db) as session, log_path.open("a", encoding="utf-8") as log:
        while True:
            try:
                what = _one_action(rng, session.fleet, deleted)
            except HashplanError:
                continue  # a refused action (e.g. a stage emptied meanwhile) wrote nothing
            if what is not None:
                _report(log, session.fleet, what)


if __name__ == "__main__":
    run(Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else 0)
