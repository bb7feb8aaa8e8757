from __future__ import annotations

import argparse
import json

from desktop.cli.command import Command
from desktop.domain.units import format_mw
from desktop.errors import ValidationError
from desktop.services.session import Session
from desktop.services.site_money import SiteMoneyService


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
    parser.add_argument("--capex-usd", metavar="USD", help="facility investment in USD ('' to clear)")
    parser.add_argument("--capex-on", metavar="YYYY-MM-DD", help="the date of the facility investment")


def _run_edit(args: argparse.Namespace, session: Session) -> int:
    site = session.fleet.site(_ref(args.site))
    added = session.measured.check_networks(args.network)  # all checked before anything is written
    money = SiteMoneyService(session.store, session.fleet)
    if args.capex_on is not None and args.capex_usd is None:
        raise ValidationError("--capex-on", "needs --capex-usd (the amount invested on that date)")
    if args.capex_usd is not None:
        money.check_investment(args.capex_usd, args.capex_on)
    fields = (args.name, args.country, args.capacity_mw, args.notes)
    with session.store.write(f"edit data center {site.name}"):  # one change: all of it or none
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
        if args.capex_usd is not None:
            money.set_investment(edited, args.capex_usd, args.capex_on)
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


def _configure_add_price(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--site", required=True, help="data center name or #id")
    parser.add_argument("--usd-per-kwh", required=True, metavar="USD", help="electricity price in USD per kWh")
    parser.add_argument("--from", dest="from_on", required=True, metavar="YYYY-MM-DD", help="in force from this date")


def _run_add_price(args: argparse.Namespace, session: Session) -> int:
    price = SiteMoneyService(session.store, session.fleet).add_price(_ref(args.site), args.usd_per_kwh, args.from_on)
    print(f"{price.site_name}: USD {price.usd_per_kwh:g}/kWh from {price.from_on}")
    return 0


def _run_prices(args: argparse.Namespace, session: Session) -> int:
    prices = SiteMoneyService(session.store, session.fleet).prices()
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "id": p.id,
                        "data_center": p.site_name,
                        "usd_per_kwh": p.usd_per_kwh,
                        "from": p.from_on.isoformat(),
                    }
                    for p in prices
                ]
            )
        )
        return 0
    for p in prices:
        print(f"{p.site_name:<30} {p.from_on}  USD {p.usd_per_kwh:g}/kWh")
    return 0


def _ref(text: str) -> int | str:
    return int(text[1:]) if text.startswith("#") and text[1:].isdigit() else text


COMMANDS = [
    Command("add-site", "add a data center", _configure_add, _run_add),
    Command(
        "edit-site",
        "change a data center's name, country, capacity, notes, network ranges or facility investment",
        _configure_edit,
        _run_edit,
        needs_file=True,
    ),
    Command("sites", "list the data centers", _configure_list, _run_list, readonly=False, needs_file=True),
    Command(
        "add-price",
        "set a data center's electricity price (USD/kWh) from a date",
        _configure_add_price,
        _run_add_price,
        needs_file=True,
    ),
    Command("prices", "list the electricity prices", _configure_list, _run_prices, needs_file=True),
]
