"""The monthly report (issue #18) on the 1,000,000-event fleet: PDF + XLSX from the command
line, beside `summary --json` on the same file in the same run (both fresh processes)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from tests.benchmarks.common import Figure, cache_dir, fleet_copy

ROOT = Path(__file__).resolve().parents[2]


def _last_full_month() -> str:
    today = date.today()
    return f"{today.year - (today.month == 1):04d}-{(today.month - 2) % 12 + 1:02d}"


def _cli(*args: str) -> float:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # both sides from compiled bytecode, as installed
    env["PYTHONPYCACHEPREFIX"] = str(cache_dir() / "pycache")
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "desktop", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"hashplan {' '.join(args)} failed: {done.stderr.strip()[-300:]}")
    return elapsed


def report_figures(repeat: int = 5) -> list[Figure]:
    db = fleet_copy("report")
    month = _last_full_month()
    out = cache_dir() / "report-bench"
    out.mkdir(exist_ok=True)
    report = ("--db", str(db), "report", "--month", month, "--pdf", str(out / "r.pdf"), "--xlsx", str(out / "r.xlsx"))
    summary = ("--db", str(db), "summary", "--json")
    _cli(*summary), _cli(*report)  # warm the page cache and the bytecode for both
    reports, summaries = [], []
    for _ in range(repeat):  # interleaved: a noisy moment hits both sides
        summaries.append(_cli(*summary))
        reports.append(_cli(*report))
    ours, base = sorted(reports)[repeat // 2], sorted(summaries)[repeat // 2]
    return [
        Figure(
            f"report for {month}, PDF + XLSX (1M events, fresh process)", ours, "s", base,
            "summary --json, fresh process", ours / base, "<= 3 s, <= 10x", ours <= 3 and ours / base <= 10,
            "both include the interpreter's start and imports (~0.5 s); the report also starts an offscreen "
            "QGuiApplication, reads 15 month-ends of stage counts, capex, the months' events and the slip",
        )
    ]  # fmt: skip
