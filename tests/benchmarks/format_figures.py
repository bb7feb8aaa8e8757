"""File formats: XLSX import and export beside CSV of the same batches, and the CSV import's peak memory.

    .venv/bin/python -m tests.benchmarks --only formats

The ratios run on a fleet of HASHPLAN_FORMAT_BATCHES batches (default 20,000, ten events
each; 100000 for the issue's largest fleet); the memory figure imports the CSV export of
the 100,000-batch fleet (196,170 rows) with `hashplan import`'s code, in a fresh process.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from desktop.services.exporting import export
from desktop.services.importing import plan_import, write_plan
from desktop.services.session import open_session
from tests.benchmarks.common import Figure, cache_dir, fleet_db

ROOT = Path(__file__).resolve().parents[2]
BATCHES = int(os.environ.get("HASHPLAN_FORMAT_BATCHES", "20000"))


def _import_once(source: Path) -> float:
    target = cache_dir() / "formats-import.db"
    for leftover in target.parent.glob(target.name + "*"):
        leftover.unlink()
    with open_session(target) as session:
        started = time.perf_counter()
        plan = plan_import(session.store, source)
        plan.raise_problems()
        write_plan(session.store, plan)
        return time.perf_counter() - started


def _export_once(fleet: Path, fmt: str) -> tuple[float, Path, int]:
    out = cache_dir() / f"formats-export.{fmt}"
    with open_session(fleet) as session:
        started = time.perf_counter()
        result = export(session, "batches", fmt, out)
        return time.perf_counter() - started, out, result.rows


def _median(values: list[float]) -> float:
    return sorted(values)[len(values) // 2]


def format_figures(repeat: int = 3) -> list[Figure]:
    fleet = fleet_db(BATCHES, BATCHES * 10)
    csv_out, xlsx_out = [], []
    for _ in range(repeat):  # interleaved, so a noisy moment hits both sides
        csv_out.append(_export_once(fleet, "csv"))
        xlsx_out.append(_export_once(fleet, "xlsx"))
    rows = csv_out[0][2]
    csv_export, xlsx_export = _median([t for t, _, _ in csv_out]), _median([t for t, _, _ in xlsx_out])
    csv_import, xlsx_import = [], []
    for _ in range(repeat):
        csv_import.append(_import_once(csv_out[0][1]))
        xlsx_import.append(_import_once(xlsx_out[0][1]))
    csv_in, xlsx_in = _median(csv_import), _median(xlsx_import)
    label = f"{BATCHES:,} batches ({rows:,} rows)"
    peak, peak_rows = _csv_import_peak_mb()
    return [
        Figure(
            f"XLSX import of {label}", xlsx_in, "s", csv_in, "CSV import of the same batches",
            xlsx_in / csv_in, "ratio <= 1.5", xlsx_in / csv_in <= 1.5,
            "python-calamine after a streaming size check (xlsx_guard); parse, check and write",
        ),
        Figure(
            f"XLSX export (three sheets) of {label}", xlsx_export, "s", csv_export, "CSV export of the batches",
            xlsx_export / csv_export, "ratio <= 6", xlsx_export / csv_export <= 6,
            "XlsxWriter constant_memory, rows as XML text; the workbook also carries summary and series",
        ),
        Figure(
            f"peak memory, CSV import of 100,000 batches ({peak_rows:,} rows, fresh process)", peak, "MB", 751.0,
            "the same import before (issue #13)", peak / 751.0, "<= 400 MB RSS", peak <= 400,
            "read a MiB at a time; the aggregates booked 50,000 rows a pass; written chunks freed",
        ),
    ]  # fmt: skip


_CHILD = """
import resource, sys
from pathlib import Path
from desktop.services.importing import import_file
from desktop.services.session import open_session
target = Path(sys.argv[2])
for leftover in target.parent.glob(target.name + "*"):
    leftover.unlink()
with open_session(target) as session:
    import_file(session, sys.argv[1])  # what `hashplan import FILE` runs
# VmHWM: this process's own peak. ru_maxrss would carry the parent's (Linux keeps the
# high-water mark across fork and exec), and the parent has run imports of its own.
try:
    status = Path("/proc/self/status").read_text()
    print(int(next(line for line in status.splitlines() if line.startswith("VmHWM:")).split()[1]) / 1024)
except (OSError, StopIteration):
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def _csv_import_peak_mb() -> tuple[float, int]:
    source = cache_dir() / "formats-fleet-export.csv"
    if not source.exists():
        with open_session(fleet_db()) as session:
            export(session, "batches", "csv", source)
    with open(source, "rb") as handle:
        rows = sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b"")) - 1
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(source), str(cache_dir() / "formats-peak.db")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"import child failed: {done.stderr.strip()[-500:]}")
    return float(done.stdout.strip().splitlines()[-1]), rows
