"""The command line's cost: start-up against bare Python, and a big file against the demo.

Each figure is the least CPU time (user + system of the child process) over several runs:
on a shared machine a process's CPU time moves less than its wall time. Run with
``--only cli``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.benchmarks.common import Figure, fleet_db

RUNS = 9
GNU_TIME = "/usr/bin/time"  # Debian's package `time`
# Every side from compiled bytecode, as installed (with PYTHONDONTWRITEBYTECODE set, our
# modules were compiled from source on every run: 4.9x bare Python instead of 3.2x).
_ENV = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


def _cost(argv: list[str]) -> float:
    """The least CPU seconds of ``argv`` over RUNS runs."""
    subprocess.run(argv, env=_ENV, check=True, capture_output=True)  # writes the bytecode, warms the file
    best = float("inf")
    for _ in range(RUNS):
        child = subprocess.Popen(argv, env=_ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(child.pid, 0)
        if os.waitstatus_to_exitcode(status) != 0:
            raise RuntimeError(f"{' '.join(argv)} failed")
        best = min(best, usage.ru_utime + usage.ru_stime)
    return best


def _peak_mb(argv: list[str]) -> float:
    """Peak RSS of ``argv`` in MB, measured by GNU time: a child forked from this (big) process
    would report this process's peak, whatever it did itself."""
    with tempfile.NamedTemporaryFile("r", suffix=".txt") as report:
        subprocess.run([GNU_TIME, "-f", "%M", "-o", report.name, *argv], check=True, stdout=subprocess.DEVNULL)
        return int(Path(report.name).read_text().split()[-1]) / 1024


def _hashplan(db: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "desktop", "--db", str(db), *args]


def cli_figures() -> list[Figure]:
    demo = Path(tempfile.mkdtemp(prefix="hashplan-cli-")) / "demo.db"
    subprocess.run(_hashplan(demo, "demo"), check=True, capture_output=True)
    fleet = fleet_db()
    bare = _cost([sys.executable, "-c", "import sqlite3"])
    version = _cost([sys.executable, "-m", "desktop", "--version"])
    on_demo = _cost(_hashplan(demo, "summary", "--json"))
    on_fleet = _cost(_hashplan(fleet, "summary", "--json"))
    figures = [
        Figure("`hashplan --version` (CPU)", version * 1000, "ms", bare * 1000, "python -c 'import sqlite3'",
               version / bare, "<= 2x", version <= 2 * bare),
        Figure("`summary --json` on the demo (CPU)", on_demo * 1000, "ms", bare * 1000, "python -c 'import sqlite3'",
               on_demo / bare, "<= 2x", on_demo <= 2 * bare),
        Figure("`summary --json` on the 1M-event fleet (CPU)", on_fleet * 1000, "ms", on_demo * 1000,
               "the same on the demo", on_fleet / on_demo, "<= 1.5x", on_fleet <= 1.5 * on_demo,
               "no quick_check on a read (it was 89% of 0.99 s)"),
    ]  # fmt: skip
    if Path(GNU_TIME).exists():
        listing_demo = _peak_mb(_hashplan(demo, "batches", "--json"))
        listing_fleet = _peak_mb(_hashplan(fleet, "batches", "--json"))
        figures.append(
            Figure("`batches --json` on the 1M-event fleet (peak RSS)", listing_fleet, "MB", listing_demo,
                   "the same on the demo", listing_fleet / listing_demo, "<= 2x", listing_fleet <= 2 * listing_demo,
                   "streamed a chunk of rows at a time (the whole list was built before)")
        )  # fmt: skip
    return figures
