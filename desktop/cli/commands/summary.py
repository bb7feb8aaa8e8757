from __future__ import annotations

import argparse
import json

from desktop.cli.command import Command
from desktop.domain.hashrate import FleetSummary, SiteFigures
from desktop.domain.units import format_hashrate, format_mw
from desktop.domain.values import parse_date
from desktop.services.reports import summary_to_json
from desktop.services.session import Session

_COLUMNS = (
    "Data center",
    "Ordered",
    "In transit",
    "On site",
    "Deployed",
    "Retired",
    "Cancelled",
    "Deployed rate",
    "Planned rate",
    "Power",
    "Capacity",
)


def _configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--at", metavar="YYYY-MM-DD", help="as of this date (default: today)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def _cells(f: SiteFigures) -> list[str]:
    u = f.units
    return [
        f.name,
        *(f"{n:,}" for n in (u.ordered, u.in_transit, u.on_site, u.deployed, u.retired, u.cancelled)),
        format_hashrate(f.deployed_ths),
        format_hashrate(f.planned_ths),
        format_mw(f.deployed_power_mw),
        format_mw(f.capacity_mw),
    ]


def render_table(summary: FleetSummary) -> str:
    table = [list(_COLUMNS), *(_cells(f) for f in summary.sites), _cells(summary.total)]
    widths = [max(len(row[i]) for row in table) for i in range(len(_COLUMNS))]

    def line(row: list[str]) -> str:
        return "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=False))
        )

    rule = "-" * len(line(table[0]))
    body = [line(r) for r in table[1:-1]]
    return "\n".join([f"Summary as of {summary.as_of.isoformat()}", line(table[0]), rule, *body, rule, line(table[-1])])


def _run(args: argparse.Namespace, session: Session) -> int:
    at = parse_date("--at", args.at, required=False)
    summary = session.queries.summary(at)
    if args.json:
        from desktop.services.report_json import report_keys

        print(json.dumps({**summary_to_json(summary), **report_keys(session.store, summary.as_of)}))
    else:
        print(render_table(summary))
    return 0


COMMANDS = [
    Command(
        "summary",
        "units per stage, deployed and planned hash rate, power per data center",
        _configure,
        _run,
        needs_file=True,
    )
]
