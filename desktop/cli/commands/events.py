from __future__ import annotations

import argparse
from datetime import date

from desktop.cli.command import Command
from desktop.domain.stages import EventKind
from desktop.services.session import Session


def _configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("event", choices=[k.value for k in EventKind], help="what happened")
    parser.add_argument("--batch", type=int, required=True, help="batch id (see 'batches')")
    parser.add_argument("--units", help="how many units (default: all units in the stage it moves from)")
    parser.add_argument("--on", metavar="YYYY-MM-DD", help="the date (default: today)")
    parser.add_argument("--note", default="")


def _run(args: argparse.Namespace, session: Session) -> int:
    units = args.units
    if units is None:
        units = session.fleet.default_event_units(args.batch, args.event)
    event = session.fleet.record_event(args.batch, args.event, units, args.on or date.today(), args.note)
    print(f"recorded {event.kind.value} of {event.units:,} units on batch #{event.batch_id} on {event.occurred_on}")
    return 0


COMMANDS = [
    Command(
        "record",
        "record shipped/delivered/deployed/retired/cancelled units of a batch",
        _configure,
        _run,
        needs_file=True,
    )
]
