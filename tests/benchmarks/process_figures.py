"""Figures from fresh processes: cold start to the first painted window, and peak memory."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from tests.benchmarks.common import Figure, cache_dir, fleet_copy

ROOT = Path(__file__).resolve().parents[2]
_results: dict[str, list[dict[str, float]]] = {}


def _run_child(mode: str, db: Path) -> dict[str, float]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HASHPLAN_BENCH_T0=repr(time.time()))
    # Both sides start from compiled bytecode, as an installed app does (pip and PyInstaller
    # ship .pyc files): with PYTHONDONTWRITEBYTECODE set, our ~80 modules were compiled from
    # source on every start (~70 ms) while PySide6 and pyqtgraph came precompiled.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(cache_dir() / "pycache")  # not beside the sources
    env.setdefault("XDG_CONFIG_HOME", str(cache_dir() / "xdg-config"))  # window settings of the bench only
    env.setdefault("XDG_DATA_HOME", str(cache_dir() / "xdg-data"))
    done = subprocess.run(
        [sys.executable, "-m", "tests.benchmarks.child_window", mode, str(db)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if not lines:
        raise RuntimeError(f"{mode} child failed: {done.stderr.strip()[-500:]}")
    return json.loads(lines[-1])


def _measure(repeat: int) -> dict[str, list[dict[str, float]]]:
    if not _results:
        db = fleet_copy("startup")
        _run_child("app", db)  # the first open may upgrade or warm the file: not a cold start of the app
        _run_child("bare", db)  # (and both sides' bytecode is written once)
        for _ in range(repeat):  # interleaved, so a noisy moment hits both sides
            _results.setdefault("bare", []).append(_run_child("bare", db))
            _results.setdefault("app", []).append(_run_child("app", db))
    return _results


def startup_figures(repeat: int = 5) -> list[Figure]:
    runs = _measure(repeat)
    bare = statistics.median(r["first_paint"] for r in runs["bare"])
    first = statistics.median(r["first_paint"] for r in runs["app"])
    data = statistics.median(r.get("data_painted", float("nan")) for r in runs["app"])
    return [
        Figure(
            "cold start to first painted main window (1M events)", first, "s", bare,
            "bare PySide6 window + one pyqtgraph plot", first / bare, "ratio <= 2", first / bare <= 2,
        ),
        Figure(
            "cold start to the window painted with the fleet's figures", data, "s", bare,
            "bare PySide6 window + one pyqtgraph plot", data / bare, "ratio <= 2", data / bare <= 2,
            "figures, chart and first table page read on a worker thread while the window is built; "
            "both sides run from compiled bytecode",
        ),
    ]  # fmt: skip


def memory_figures(repeat: int = 5) -> list[Figure]:
    runs = _measure(repeat)
    ours = max(r["peak_rss_mb"] for r in runs["app"])
    bare = max(r["peak_rss_mb"] for r in runs["bare"])
    return [
        Figure(
            "peak memory, window open on the 1M-event fleet", ours, "MB", bare,
            "bare PySide6 window + one pyqtgraph plot", ours / bare, "<= 400 MB RSS", ours <= 400,
        )
    ]  # fmt: skip
