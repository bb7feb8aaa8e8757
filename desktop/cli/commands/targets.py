"""Targets: X TH/s by a date, for a site or the whole fleet (issue #14 item 8)."""

from __future__ import annotations

import argparse
import json

from desktop.cli.command import Command
from desktop.domain.entities import Target
from desktop.domain.units import format_hashrate
from desktop.errors import ValidationError
from desktop.services.session import Session


def target_json(target: Target, names: dict[int, str]) -> dict[str, object]:
    site = target.data_center_id
    return {
        "id": target.id,
        "ths": target.ths,
        "due_on": target.due_on.isoformat(),
        "data_center": None if site is None else names.get(site),
        "note": target.note,
    }


def _site_names(session: Session) -> dict[int, str]:
    return {site.id: site.name for site in session.fleet.list_sites() if site.id is not None}


def _configure_add(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--ths", required=True, metavar="TH", help="the hash rate to reach, in TH/s")
    parser.add_argument("--due", required=True, metavar="YYYY-MM-DD", help="the date to reach it by")
    parser.add_argument("--site", metavar="NAME", help="the data center (default: the whole fleet)")
    parser.add_argument("--note", default="")
    parser.add_argument("--json", action="store_true", help="print the new target as JSON")


def _run_add(args: argparse.Namespace, session: Session) -> int:
    target = session.fleet.add_target(args.ths, args.due, args.site, args.note)
    if args.json:
        print(json.dumps(target_json(target, _site_names(session))))
    else:
        where = args.site.strip() if args.site else "the fleet"
        print(f"added target #{target.id}: {format_hashrate(target.ths)} by {target.due_on} for {where}")
    return 0


def _configure_edit(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("target", type=int, help="target id (see 'targets')")
    parser.add_argument("--ths", metavar="TH", help="the hash rate to reach, in TH/s")
    parser.add_argument("--due", metavar="YYYY-MM-DD")
    parser.add_argument("--site", metavar="NAME", help="a data center, or 'fleet' for the whole fleet")
    parser.add_argument("--note")


def _run_edit(args: argparse.Namespace, session: Session) -> int:
    if all(getattr(args, name) is None for name in ("ths", "due", "site", "note")):
        raise ValidationError(
            "edit-target", f"no field to change for target #{args.target} (give --ths, --due, --site or --note)"
        )
    target = session.fleet.edit_target(args.target, args.ths, args.due, args.site, args.note)
    print(f"saved target #{target.id}: {format_hashrate(target.ths)} by {target.due_on}")
    return 0


def _configure_list(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="a JSON list, by due date")


def _run_list(args: argparse.Namespace, session: Session) -> int:
    targets, names = session.fleet.list_targets(), _site_names(session)
    if args.json:
        print(json.dumps([target_json(t, names) for t in targets]))
        return 0
    if not targets:
        print("no targets yet (add one with 'add-target --ths TH --due YYYY-MM-DD')")
    for t in targets:
        where = "fleet" if t.data_center_id is None else names.get(t.data_center_id, "?")
        note = f"  {t.note}" if t.note else ""
        print(f"#{t.id:<5} {where:<20} {format_hashrate(t.ths):>14} by {t.due_on}{note}")
    return 0


def _configure_delete(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("target", type=int, help="target id (see 'targets')")


def _run_delete(args: argparse.Namespace, session: Session) -> int:
    target = session.fleet.delete_target(args.target)
    print(
        f"deleted target #{target.id} ({format_hashrate(target.ths)} by {target.due_on}); it stays in the audit trail"
    )
    return 0


COMMANDS = [
    Command("add-target", "set a hash-rate target by a date, for a site or the fleet", _configure_add, _run_add),
    Command("edit-target", "change a target's TH/s, date, site or note", _configure_edit, _run_edit, needs_file=True),
    Command("targets", "list the targets", _configure_list, _run_list, needs_file=True),
    Command(
        "delete-target", "delete a target (kept in the audit trail)", _configure_delete, _run_delete, needs_file=True
    ),
]
