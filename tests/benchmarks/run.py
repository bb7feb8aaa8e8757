"""Runs every benchmark and prints one table: figure, baseline, ratio, target, holds.

    .venv/bin/python -m tests.benchmarks            # everything (~5 minutes, builds a 1M-event fleet once)
    .venv/bin/python -m tests.benchmarks --only import,queries
    .venv/bin/python -m tests.benchmarks --only huge --huge    # the 10M-event fleet's rows (~10 minutes)

The fleet (100,000 batches, 1,000,000 events) is generated once into $HASHPLAN_BENCH_DIR
(default: the temp folder) and reused. Each figure's baseline runs in the same process
run, so the ratio holds on a noisy machine.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from tests.benchmarks.common import Figure, cache_dir, fleet_db

GROUPS: dict[str, Callable[[], list[Figure]]] = {}


def _register() -> None:
    from tests.benchmarks import (
        cli_figures,
        data_figures,
        format_figures,
        huge_figures,
        polling_figures,
        process_figures,
        report_figures,
        server_figures,
        table_figures,
        ui_figures,
    )

    GROUPS.update(
        {
            "import": data_figures.import_figures,
            "formats": format_figures.format_figures,
            "queries": data_figures.query_figures,
            "chart": ui_figures.chart_figures,
            "stall": ui_figures.stall_figures,
            "backup": ui_figures.backup_stall_figures,
            "table": table_figures.table_figures,
            "startup": process_figures.startup_figures,
            "memory": process_figures.memory_figures,
            "polling": polling_figures.polling_figures,
            "cli": cli_figures.cli_figures,
            "report": report_figures.report_figures,
            "server": server_figures.server_figures,
        }
    )
    HUGE["huge"] = huge_figures.huge_figures


HUGE: dict[str, Callable[[], list[Figure]]] = {}  # only with --huge


def _number(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "ms":
        return f"{value:,.1f} ms"
    if unit == "s":
        return f"{value:,.2f} s"
    return f"{value:,.0f} {unit}"


def table(figures: list[Figure]) -> str:
    header = ("figure", "ours", "baseline", "ratio", "target", "holds")
    rows = [
        (
            f.name,
            _number(f.value, f.unit),
            f"{_number(f.baseline, f.unit)} ({f.baseline_name})" if f.baseline is not None else "-",
            "-" if f.ratio is None else f"{f.ratio:,.2f}x" if f.ratio < 100 else f"{f.ratio:,.0f}x",
            f.target,
            "yes" if f.holds else "NO",
        )
        for f in figures
    ]
    widths = [max(len(str(r[i])) for r in (header, *rows)) for i in range(len(header))]
    lines = [
        "| " + " | ".join(str(c).ljust(w) for c, w in zip(header, widths, strict=True)) + " |",
        "| " + " | ".join("-" * w for w in widths) + " |",
    ]
    lines += ["| " + " | ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)) + " |" for r in rows]
    notes = [f"- {f.name}: {f.note}" for f in figures if f.note]
    return "\n".join(lines + (["", *notes] if notes else []))


def main(argv: list[str] | None = None) -> int:
    _register()
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--only", help=f"comma-separated groups: {', '.join(GROUPS)}")
    parser.add_argument(
        "--huge", action="store_true", help="also the 10M-event fleet's rows (generated once, ~3 min; rows ~6 min)"
    )
    args = parser.parse_args(argv)
    if args.huge:  # --huge alone: every group and the 10M rows; --only huge --huge: those only
        GROUPS.update(HUGE)
    chosen = args.only.split(",") if args.only else list(GROUPS)
    if args.huge and "huge" not in chosen:
        chosen.append("huge")
    unknown = [g for g in chosen if g not in GROUPS]
    if unknown:
        parser.error(f"unknown group(s): {', '.join(unknown)}" + (" (huge needs --huge)" if "huge" in unknown else ""))
    print(f"fleet: {fleet_db().name}", flush=True)
    figures: list[Figure] = []
    for group in chosen:
        started = time.perf_counter()
        print(f"running {group} ...", flush=True)
        try:
            figures.extend(GROUPS[group]())
        except Exception as error:  # one broken group must not hide the others' figures
            figures.append(Figure(group, float("nan"), "", None, "", None, "runs", False, f"failed: {error!r}"))
        print(f"  {group} done in {time.perf_counter() - started:.0f} s", flush=True)
    print()
    print(table(figures))
    (cache_dir() / "results.json").write_text(json.dumps([f.__dict__ for f in figures], indent=1))
    return 0 if all(f.holds for f in figures) else 1


if __name__ == "__main__":
    sys.exit(main())
