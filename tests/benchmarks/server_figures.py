"""The team store's column (issue #16): the same operations on SQLite and on PostgreSQL, in one
run, on a throwaway local cluster (tests/pg_server.py: Unix socket, fsync off).

Each row is PostgreSQL's figure with SQLite's as its baseline: the target is within 3x, and
the summary and chart series on the 1,000,000-event fleet under 50 ms. The fleet goes to the
server with ``copy`` (its time is printed); the import row writes 100,000 CSV rows into a new
database on each side.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from desktop.server_address import ServerAddress
from desktop.services.database_copy import copy_database
from desktop.services.importing import plan_import, write_plan
from desktop.services.session import Session, open_session
from tests.benchmarks.common import Figure, cache_dir, fleet_copy, median_time
from tests.benchmarks.data_figures import IMPORT_ROWS, import_file
from tests.pg_server import PgCluster


def _import_once(target: Path | ServerAddress, source: Path) -> float:
    with open_session(target) as session:
        plan = plan_import(session.store, source)
        started = time.perf_counter()
        write_plan(session.store, plan)
        return time.perf_counter() - started


def _import_rows(cluster: PgCluster, repeat: int) -> Figure:
    source = import_file(IMPORT_ROWS)
    sqlite_times, server_times = [], []
    for _ in range(repeat):
        for leftover in cache_dir().glob("server-import.db*"):
            leftover.unlink()
        sqlite_times.append(_import_once(cache_dir() / "server-import.db", source))
        server_times.append(_import_once(ServerAddress(cluster.new_database()), source))
    lite, server = sorted(sqlite_times)[repeat // 2], sorted(server_times)[repeat // 2]
    return Figure(
        f"PostgreSQL: import write of {IMPORT_ROWS:,} CSV rows", server, "s", lite, "the same import into SQLite",
        server / lite, "<= 3x", server / lite <= 3,
    )  # fmt: skip


def _read_cases(session: Session) -> list[tuple[str, Callable[[], Any], bool]]:
    from desktop.services.snapshot import SnapshotRequest, build_snapshot

    queries, store = session.queries, session.store
    biggest = max(store.list_sites(), key=lambda s: queries.batch_count(s.id))
    return [
        ("summary, today", lambda: queries.summary(date.today()), True),
        ("chart series, fleet (both curves)", lambda: queries.series(None), True),
        ("chart series, one site", lambda: queries.series(biggest.id), True),
        ("batch table page (500 rows at offset 50,000)", lambda: queries.batch_rows(None, 50_000, 500), False),
        ("the window's whole read (snapshot)", lambda: build_snapshot(store, SnapshotRequest()), False),
    ]


def server_figures(repeat: int = 9) -> list[Figure]:
    cluster = PgCluster().start()
    try:
        figures = [_import_rows(cluster, 3)]
        fleet = fleet_copy("server")
        url = cluster.new_database()
        started = time.perf_counter()
        result = copy_database(fleet, url)
        print(f"  copied the 1M-event fleet to PostgreSQL in {time.perf_counter() - started:.1f} s "
              f"({sum(result.rows.values()):,} rows)", flush=True)  # fmt: skip
        with open_session(fleet) as lite, open_session(ServerAddress(url)) as server:
            for (name, lite_action, capped), (_, server_action, _) in zip(
                _read_cases(lite), _read_cases(server), strict=True
            ):
                lite_action(), server_action()  # warm: page caches, statement caches
                ours, base = median_time(server_action, repeat), median_time(lite_action, repeat)
                target = "<= 3x and <= 50 ms" if capped else "<= 3x"
                holds = ours / base <= 3 and (ours <= 0.050 or not capped)
                figures.append(Figure(
                    f"PostgreSQL: {name} over 1M events", ours * 1000, "ms", base * 1000, "the same on SQLite",
                    ours / base, target, holds,
                ))  # fmt: skip
            figures.append(_refresh_after_one_batch(lite, server, repeat))
        return figures
    finally:
        cluster.stop()


def _refresh_after_one_batch(lite: Session, server: Session, repeat: int) -> Figure:
    from desktop.services.snapshot import SnapshotRequest, build_snapshot

    def timed(session: Session) -> float:
        site, model = session.store.list_sites()[0], session.store.list_models()[0]
        today = date.today()

        def add_batch() -> None:
            session.fleet.add_batch(site.id, model.id, 120, today, today + timedelta(30))

        return median_time(lambda: build_snapshot(session.store, SnapshotRequest()), repeat, setup=add_batch)

    base, ours = timed(lite), timed(server)
    return Figure(
        "PostgreSQL: refresh after one new batch (the window's read)", ours * 1000, "ms", base * 1000,
        "the same on SQLite", ours / base, "<= 3x", ours / base <= 3,
    )  # fmt: skip
