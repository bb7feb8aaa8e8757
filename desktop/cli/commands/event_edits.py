"""List, edit and delete a batch's recorded events (issue #14 item 7)."""

from __future__ import annotations

import argparse
import json

from desktop.cli.command import Command
from desktop.domain.entities import BatchEvent
from desktop.errors import ValidationError
from desktop.services.session import Session


def event_json(event: BatchEvent) -> dict[str, object]:
    return {
        "id": event.id,
        "batch_id": event.batch_id,
        "kind": event.kind.value,
        "units": event.units,
        "occurred_on": event.occurred_on.isoformat(),
        "note": event.note,
    }


def _configure_list(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--batch", type=int, required=True, help="batch id (see 'batches')")
    parser.add_argument("--json", action="store_true", help="a JSON list, oldest first")


def _run_list(args: argparse.Namespace, session: Session) -> int:
    events = session.fleet.events_of_batch(args.batch)
    if args.json:
        print(json.dumps([event_json(e) for e in events]))
        return 0
    if not events:
        print(f"batch #{args.batch} has no recorded events")
    for e in events:
        note = f"  {e.note}" if e.note else ""
        print(f"#{e.id:<6} {e.occurred_on}  {e.kind.value:<10} {e.units:>8,} units{note}")
    return 0


def _configure_edit(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("event", type=int, help="event id (see 'events --batch ID')")
    parser.add_argument("--units", help="how many units the event moved")
    parser.add_argument("--on", metavar="YYYY-MM-DD", help="the date it happened")
    parser.add_argument("--note", help="a note (empty to clear)")


def _run_edit(args: argparse.Namespace, session: Session) -> int:
    if args.units is None and args.on is None and args.note is None:
        raise ValidationError(
            "edit-event", f"no field to change for event #{args.event} (give --units, --on or --note); nothing changed"
        )
    event = session.fleet.edit_event(args.event, args.units, args.on, args.note)
    print(f"saved event #{event.id}: {event.kind.value} of {event.units:,} units on {event.occurred_on}")
    return 0


def _configure_delete(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("event", type=int, help="event id (see 'events --batch ID')")


def _run_delete(args: argparse.Namespace, session: Session) -> int:
    event = session.fleet.delete_event(args.event)
    print(
        f"deleted event #{event.id}: {event.kind.value} of {event.units:,} units on batch #{event.batch_id} "
        f"on {event.occurred_on}; it stays in the audit trail"
    )
    return 0


COMMANDS = [
    Command("events", "list a batch's recorded events, oldest first", _configure_list, _run_list, needs_file=True),
    Command("edit-event", "change an event's units, date or note", _configure_edit, _run_edit, needs_file=True),
    Command(
        "delete-event",
        "delete one recorded event (kept in the audit trail)",
        _configure_delete,
        _run_delete,
        needs_file=True,
    ),
]
