"""Late deliveries: per supplier, the average days late and the overdue batches (issue #14 item 9)."""

from __future__ import annotations

import argparse
import json

from desktop.cli.command import Command
from desktop.services.session import Session


def _configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--site", metavar="NAME", help="only this data center")
    parser.add_argument("--json", action="store_true")


def _run(args: argparse.Namespace, session: Session) -> int:
    site_id = session.fleet.site(args.site).id if args.site else None
    rows = session.fleet.supplier_lateness(site_id)
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "supplier": r.supplier,
                        "deployed_batches": r.batches,
                        "average_days_late": round(r.average_days_late, 1),
                        "share_late": round(r.share_late, 3),
                        "overdue_batches": r.overdue,
                    }
                    for r in rows
                ]
            )
        )
        return 0
    if not rows:
        print("no deployed or overdue batches yet")
    for r in rows:
        name = r.supplier or "(no supplier)"
        late = f"{r.average_days_late:+.1f} days on average, {r.share_late:.0%} late" if r.batches else "none deployed"
        print(f"{name:<24} {r.batches:>5,} deployed: {late}; {r.overdue:,} overdue")
    return 0


COMMANDS = [
    Command(
        "late",
        "per supplier: average days late of deployed batches, share late, overdue batches",
        _configure,
        _run,
        needs_file=True,
    )
]
