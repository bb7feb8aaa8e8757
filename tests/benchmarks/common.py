"""What every benchmark shares: the figure record, timing, and the cached 1,000,000-event fleet."""

from __future__ import annotations

import hashlib
import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from desktop.services.generator import generate_fleet
from desktop.services.session import open_session
from desktop.store import migrations

BATCHES = 100_000
EVENTS = 1_000_000
SEED = 0


@dataclass(frozen=True)
class Figure:
    """One row of the table: our value beside its baseline measured in the same run."""

    name: str
    value: float
    unit: str  # "ms", "MB", "s"
    baseline: float | None
    baseline_name: str
    ratio: float | None  # as the target reads it (speed ratio, or value/baseline)
    target: str
    holds: bool
    note: str = ""


def median_time(action: Callable[[], object], repeat: int, *, setup: Callable[[], object] | None = None) -> float:
    """Median wall time in seconds of ``repeat`` runs (``setup`` runs before each, untimed)."""
    times = []
    for _ in range(repeat):
        if setup is not None:
            setup()
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def cache_dir() -> Path:
    folder = Path(os.environ.get("HASHPLAN_BENCH_DIR", Path(tempfile.gettempdir()) / "hashplan-bench"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def schema_tag() -> str:
    """Names cached fleets: a new migration means a new file."""
    return hashlib.sha1("".join(s for m in migrations.MIGRATIONS for s in m).encode()).hexdigest()[:8]


def fleet_db(batches: int = BATCHES, events: int = EVENTS) -> Path:
    """The generated fleet (built once, reused while the schema version is the same)."""
    path = cache_dir() / f"fleet-{batches}-{events}-s{SEED}-{schema_tag()}.db"
    if not path.exists():
        building = path.with_suffix(".building")
        for leftover in building.parent.glob(building.name + "*"):
            leftover.unlink()
        started = time.perf_counter()
        with open_session(building) as session:
            generate_fleet(session.store, batches=batches, events=events, seed=SEED)
            session.store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        building.rename(path)
        print(f"  generated {path.name} in {time.perf_counter() - started:.1f} s", flush=True)
    return path


def fleet_copy(name: str, batches: int = BATCHES, events: int = EVENTS) -> Path:
    """A private copy of the fleet for a benchmark that writes to it."""
    target = cache_dir() / f"work-{name}.db"
    for leftover in target.parent.glob(target.name + "*"):
        leftover.unlink()
    shutil.copyfile(fleet_db(batches, events), target)
    return target
