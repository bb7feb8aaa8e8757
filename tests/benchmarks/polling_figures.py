"""Measured hash rate at fleet scale (issue #15):

- one poll pass over 5,000 fake miners served by a separate process on 127.0.x.y:
  wall <= 20 s, CPU <= 5 s in the polling process, <= 2 connections a miner;
- storage growth for 10,000 miners (10 sites of 1,000) polled every 60 s for a simulated
  year: the latest readings overwritten each poll, rollups added and pruned: <= 100 MB.

    .venv/bin/python -m tests.benchmarks --only polling
    .venv/bin/python -m tests.benchmarks.polling_figures      # the same, without the 1M fleet
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from desktop.domain.measured import UPTIME_WINDOW_S, RollupRow
from desktop.miners.client import CgminerClient
from desktop.services.polling import PollingService, PollOptions
from desktop.services.session import Session, open_session
from desktop.store.measured import MeasuredStore, ReadingRow
from tests.benchmarks.common import Figure

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

POLL_MINERS = 5_000
PORT = 24_400
BASE = "127.0.10.2"  # 5,000 addresses from here end at 127.0.29.137
STORED_MINERS, SITES = 10_000, 10
YEAR_MINUTES = 365 * 24 * 60


def _fake_fleet_process(count: int) -> subprocess.Popen[str]:
    command = [
        sys.executable,
        "-m",
        "desktop",
        "fake-miners",
        "--count",
        str(count),
        "--base",
        BASE,
        "--port",
        str(PORT),
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    line = process.stdout.readline()  # "serving ..." once every miner listens
    if not line.startswith("serving"):
        process.kill()
        raise RuntimeError(f"the fake fleet did not start: {line!r}")
    return process


def poll_pass() -> dict[str, float]:
    process = _fake_fleet_process(POLL_MINERS)
    try:
        with tempfile.TemporaryDirectory() as folder:
            figures = _timed_passes(Path(folder) / "poll.db")
            figures["stall_s"], figures["window_pass_s"], figures["idle_s"] = _window_stall(Path(folder) / "poll.db")
            return figures
    finally:
        process.terminate()
        process.wait(30)


def _window_stall(path: Path) -> tuple[float, float, float]:
    """The UI thread's longest stall while the window polls the 5,000 miners (a 10 ms heartbeat)."""
    from desktop.ui.main_window import MainWindow
    from tests.benchmarks.ui_figures import Heartbeat, _app, _wait

    _app()
    window = MainWindow(open_session(path))
    window.show()
    _wait(lambda: not window.refresher.is_busy() and not window.poller.is_busy(), 60)
    beat = Heartbeat()
    beat.start()
    idle_from = time.perf_counter()
    _wait(lambda: time.perf_counter() - idle_from > 1.0, 5)
    idle = beat.stop()
    beat.start()
    started = time.perf_counter()
    window.poller.poll_now()
    _wait(lambda: not window.poller.is_busy(), 120)
    took = time.perf_counter() - started
    stall = beat.stop()
    shown = window.measured_panel.row_texts()
    window.close()
    if not shown or shown[0][3] != f"{POLL_MINERS:,}":
        raise RuntimeError(f"the window did not show the poll: {shown}")
    return stall, took, idle


def _timed_passes(path: Path) -> dict[str, float]:
    with open_session(path) as session:
        site = session.fleet.add_site("Bench").id or 0
        session.measured.set_networks(site, ["127.0.10.0-127.0.29.255"])
        client = CgminerClient(timeout=5)
        polling = PollingService(session.measured, client)
        polling.scan(site, PollOptions(port=PORT))
        figures: dict[str, float] = {}
        for _ in range(2):  # the better of two passes: the first warms the OS's socket tables
            client.connections = 0
            wall, cpu = time.perf_counter(), time.process_time()
            result = polling.poll(site)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            if result.reconciliation.total.miners_hashing != POLL_MINERS:
                raise RuntimeError(f"read {result.reconciliation.total.miners_hashing} of {POLL_MINERS} miners")
            if not figures or wall < figures["wall_s"]:
                figures = {"wall_s": wall, "cpu_s": cpu, "connections": client.connections / POLL_MINERS}
        return figures


def _bytes(session: Session) -> int:
    conn = session.store.conn
    pages = conn.execute("PRAGMA page_count").fetchone()[0] - conn.execute("PRAGMA freelist_count").fetchone()[0]
    return int(pages * conn.execute("PRAGMA page_size").fetchone()[0])


def storage_year() -> dict[str, float]:
    """Bytes the measured tables hold after a simulated year (pages in use, after a checkpoint)."""
    with tempfile.TemporaryDirectory() as folder, open_session(Path(folder) / "year.db") as session:
        store = MeasuredStore(session.store)
        sites = [session.fleet.add_site(f"Site {i}").id or 0 for i in range(SITES)]
        empty = _bytes(session)
        per_site = STORED_MINERS // SITES
        with session.store.write("scan"):
            for n, site in enumerate(sites):
                rows = [
                    (f"127.{n}.{i // 250}.{i % 250 + 2}", 4028, "antminer", "Antminer S19j Pro", None, "BMMiner 1.0.0")
                    for i in range(per_site)
                ]
                store.save_miners(site, rows, "2026-01-01T00:00:00+00:00")
        ids = [m.id for m in store.known_miners()]
        start = 1_767_225_600  # 2026-01-01
        # the latest readings: one row a miner, overwritten each poll (a few polls reach the steady size)
        for minute in range(6):
            at = start + minute * 60
            readings = [
                ReadingRow(
                    i, at, "read", None, 101.2, 100.8, 104.0, 3050.0, 71.0, (5520, 5640, 5520, 5640), 86400, True
                )
                for i in ids
            ]
            with session.store.write("poll"):
                store.save_readings(readings, UPTIME_WINDOW_S)
        # a year of per-site rollups: one poll a minute for each site, pruned as polling does
        started = time.perf_counter()
        day_polls = 24 * 60
        for day in range(YEAR_MINUTES // day_polls):
            with session.store.write("poll"):
                for minute in range(day_polls):
                    at = start + (day * day_polls + minute) * 60
                    store.add_rollups(
                        [RollupRow(s, per_site, 990, 10, 99_500.0, 100_000.0, 1000, 3.0e6, 200, 198) for s in sites], at
                    )
                store.prune_rollups(start + (day + 1) * day_polls * 60)
        simulate_s = time.perf_counter() - started
        session.store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        total = _bytes(session)
        return {"growth_mb": (total - empty) / 1e6, "simulate_s": simulate_s}


def polling_figures(*, year: bool = True) -> list[Figure]:
    poll = poll_pass()
    stored = storage_year() if year else {"growth_mb": float("nan"), "simulate_s": 0.0}
    return [
        Figure(
            "poll pass, 5,000 fake miners: wall",
            poll["wall_s"],
            "s",
            None,
            "",
            None,
            "<= 20 s",
            poll["wall_s"] <= 20,
            f"{poll['connections']:.2f} connections a miner (target <= 2)",
        ),
        Figure(
            "poll pass, 5,000 fake miners: CPU in the polling process",
            poll["cpu_s"],
            "s",
            None,
            "",
            None,
            "<= 5 s",
            poll["cpu_s"] <= 5 and poll["connections"] <= 2,
        ),
        Figure(
            "UI-thread longest stall: the window polling 5,000 miners",
            poll["stall_s"] * 1000,
            "ms",
            poll["idle_s"] * 1000,
            "idle heartbeat",
            poll["stall_s"] / poll["idle_s"],
            "<= 100 ms",
            poll["stall_s"] <= 0.100,
            f"the pass (poll, store, read back, show) took {poll['window_pass_s']:.1f} s",
        ),
        Figure(
            "storage, 10,000 miners polled every 60 s for a year",
            stored["growth_mb"],
            "MB",
            None,
            "",
            None,
            "<= 100 MB",
            stored["growth_mb"] <= 100,
            f"the year simulated in {stored['simulate_s']:.0f} s",
        ),
    ]


if __name__ == "__main__":
    from tests.benchmarks.run import table

    print(table(polling_figures(year="--no-year" not in sys.argv)))
