from __future__ import annotations

import argparse
import json

from desktop.cli.command import Command
from desktop.domain.units import format_mw
from desktop.services.session import Session


def _configure_add(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", help="data center name (unique, case-insensitive)")
    parser.add_argument("--country", default="")
    parser.add_argument("--capacity-mw", metavar="MW", help="power capacity in MW")
    parser.add_argument("--notes", default="")
    _network_option(parser, "a network range of the site's miners: CIDR (127.0.0.0/26) or first-last; repeatable")


def _network_option(parser: argparse.ArgumentParser, text: str) -> None:
    parser.add_argument("--network", metavar="SPEC", action="append", default=[], help=text)


def _run_add(args: argparse.Namespace, session: Session) -> int:
    networks = session.measured.check_networks(args.network)  # all checked before anything is written
    with session.store.write(f"add data center {args.name}"):
        site = session.fleet.add_site(args.name, args.country, args.capacity_mw, args.notes)
        if networks:
            session.measured.set_networks(site.id or 0, [n.spec for n in networks])
    print(f"added data center #{site.id}: {site.name}")
    return 0


def _configure_edit(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("site", help="data center name or #id")
    parser.add_argument("--name")
    parser.add_argument("--country")
    parser.add_argument("--capacity-mw", metavar="MW", help="power capacity in MW ('' to clear)")
    parser.add_argument("--notes")
    _network_option(parser, "add a network range (CIDR or first-last); repeatable")
    parser.add_argument("--clear-networks", action="store_true", help="remove the site's network ranges first")


def _run_edit(args: argparse.Namespace, session: Session) -> int:
    site = session.fleet.site(_ref(args.site))
    added = session.measured.check_networks(args.network)  # all checked before anything is written
    fields = (args.name, args.country, args.capacity_mw, args.notes)
    with session.store.write(f"edit data center {site.name}"):
        edited = site
        if any(value is not None for value in fields):
            edited = session.fleet.edit_site(
                site.id or 0,
                args.name if args.name is not None else site.name,
                args.country if args.country is not None else site.country,
                args.capacity_mw if args.capacity_mw is not None else site.capacity_mw,
                args.notes if args.notes is not None else site.notes,
            )
        if args.clear_networks or added:
            kept = [] if args.clear_networks else [n.spec for n in session.measured.site_networks(site.id or 0)]
            session.measured.set_networks(site.id or 0, kept + [n.spec for n in added])
    print(f"saved data center #{edited.id}: {edited.name}")
    return 0


def _run_list(args: argparse.Namespace, session: Session) -> int:
    sites = session.fleet.list_sites()
    networks = session.measured.networks_by_site()
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "id": s.id,
                        "name": s.name,
                        "country": s.country,
                        "capacity_mw": s.capacity_mw,
                        "notes": s.notes,
                        "networks": networks.get(s.id or 0, []),
                    }
                    for s in sites
                ]
            )
        )
        return 0
    for s in sites:
        nets = ", ".join(networks.get(s.id or 0, []))
        print(f"#{s.id:<4} {s.name:<30} {s.country:<20} {format_mw(s.capacity_mw):>12}  {nets}".rstrip())
    return 0


def _configure_list(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true")


def _ref(text: str) -> int | str:
    return int(text[1:]) if text.startswith("#") and text[1:].isdigit() else text


COMMANDS = [
    Command("add-site", "add a data center", _configure_add, _run_add),
    Command(
        "edit-site",
        "change a data center's name, country, capacity, notes or network ranges",
        _configure_edit,
        _run_edit,
        needs_file=True,
    ),
    Command("sites", "list the data centers", _configure_list, _run_list, readonly=False, needs_file=True),
]
