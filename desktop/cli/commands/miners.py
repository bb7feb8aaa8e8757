"""scan, poll, miners and fake-miners: measured hash rate from the command line."""

from __future__ import annotations

import argparse
import contextlib
import json
import sys

from desktop.cli.command import Command
from desktop.domain.measured import SiteReconciliation
from desktop.domain.units import format_hashrate
from desktop.services.fake_miners import build_fake_fleet, serve_fake_fleet
from desktop.services.measured import miner_to_json
from desktop.services.polling import PollOptions
from desktop.services.session import Session


def _site_id(session: Session, text: str | None) -> int | None:
    if text is None:
        return None
    ref: int | str = int(text[1:]) if text.startswith("#") and text[1:].isdigit() else text
    return session.fleet.site(ref).id


def _poll_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--site", metavar="S", help="only this data center (name or #id)")
    parser.add_argument("--port", type=int, metavar="N", help="the miners' API port (default 4028)")
    parser.add_argument("--timeout", type=float, default=5.0, metavar="S", help="seconds per miner (default 5)")
    parser.add_argument("--concurrency", type=int, default=256, metavar="N", help="miners read at once (default 256)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def _options(args: argparse.Namespace) -> PollOptions:
    return PollOptions(port=args.port, timeout_s=args.timeout, concurrency=args.concurrency)


def _run_scan(args: argparse.Namespace, session: Session) -> int:
    options = _options(args)
    result = session.polling.scan(_site_id(session, args.site), options)
    if args.json:
        sites = [
            {"name": s.name, "addresses": s.addresses, "miners_found": s.found, "new": s.new} for s in result.sites
        ]
        print(json.dumps({"as_of": result.as_of, "data_centers": sites}))
        return 0
    for s in result.sites:
        if not s.addresses:
            print(f"{s.name}: no network ranges (add them with: edit-site '{s.name}' --network SPEC)")
            continue
        print(f"{s.name}: {s.found:,} miners answered of {s.addresses:,} addresses ({s.new:,} new)")
    return 0


def _line(r: SiteReconciliation) -> str:
    flag = "  (found != deployed)" if r.found_differs else ""
    return (
        f"{r.name:<28} {r.deployed_units:>9,} {r.miners_found:>7,} {r.miners_hashing:>8,} {r.miners_offline:>8,} "
        f"{format_hashrate(r.measured_ths):>14} {format_hashrate(r.nominal_ths):>14} "
        f"{r.percent_of_nominal:>6.1f}%{flag}"
    )


def _run_poll(args: argparse.Namespace, session: Session) -> int:
    result = session.polling.poll(_site_id(session, args.site), _options(args))
    if args.json:
        print(json.dumps(result.to_json()))
        return 0
    print(f"as of {result.as_of}")
    print(
        f"{'Data center':<28} {'Deployed':>9} {'Found':>7} {'Hashing':>8} {'Offline':>8} "
        f"{'Measured':>14} {'Nominal':>14} {'of nom.':>7}"
    )
    for site in result.reconciliation.sites:
        print(_line(site))
    print(_line(result.reconciliation.total))
    return 0


def _run_miners(args: argparse.Namespace, session: Session) -> int:
    rows = session.measured.miners(_site_id(session, args.site))
    if args.json:
        print(json.dumps([miner_to_json(r) for r in rows]))
        return 0
    for r in rows:
        now = "-" if r.ths_5s is None else f"{r.ths_5s:.1f}"
        ideal = "-" if r.ideal_ths is None else f"{r.ideal_ths:.1f}"
        print(
            f"{r.site:<20} {r.address:<15} {r.model or r.reported_type or '?':<22} "
            f"{now:>8} / {ideal:<8} TH/s  {r.status}"
        )
    return 0


def _configure_miners(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--site", metavar="S", help="only this data center (name or #id)")
    parser.add_argument("--json", action="store_true", help="print one JSON array")


def _configure_map(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("type", help="the type miners report, e.g. 'Antminer S19j Pro'")
    parser.add_argument("model", help="the catalog model they run (name or #id)")


def _run_map(args: argparse.Namespace, session: Session) -> int:
    ref: int | str = int(args.model[1:]) if args.model.startswith("#") and args.model[1:].isdigit() else args.model
    changed = session.measured.set_type_model(args.type, ref)
    print(f"miners reporting '{args.type}' now run {args.model} ({changed:,} re-matched)")
    return 0


def _configure_fake(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--count", type=int, default=10, help="how many miners (default 10)")
    parser.add_argument("--base", default="127.0.0.2", help="the first address (loopback only; default 127.0.0.2)")
    parser.add_argument("--port", type=int, default=4028, help="the port every miner listens on (default 4028)")
    parser.add_argument("--firmware", default="mix", help="mix (default), antminer, braiins, luxos or avalon")
    for knob, what in (("offline", "not listening"), ("garbage", "answering garbage"), ("slow", "answering late")):
        parser.add_argument(f"--{knob}", type=float, default=0.0, metavar="PCT", help=f"percent of miners {what}")
    parser.add_argument("--drop", type=float, default=0.0, metavar="PCT", help="percent closing without a reply")
    parser.add_argument("--slow-seconds", type=float, default=30.0, metavar="S", help="how late the slow ones are")


def _run_fake(args: argparse.Namespace, session: Session) -> int:
    fleet = build_fake_fleet(
        args.count,
        args.base,
        args.port,
        firmware=args.firmware,
        offline_pct=args.offline,
        garbage_pct=args.garbage,
        slow_pct=args.slow,
        drop_pct=args.drop,
        slow_s=args.slow_seconds,
    )
    addresses = list(fleet.miners)

    def ready() -> None:
        print(
            f"serving {len(addresses):,} fake miners on {addresses[0]}-{addresses[-1]} port {args.port} (Ctrl-C stops)"
        )
        sys.stdout.flush()

    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C is how the fleet stops
        serve_fake_fleet(fleet, ready)
    return 0


COMMANDS = [
    Command("scan", "find the miners on the data centers' network ranges", _poll_options, _run_scan),
    Command("poll", "read every known miner once: measured hash rate beside the books", _poll_options, _run_poll),
    Command("miners", "list the known miners with their last reading", _configure_miners, _run_miners),
    Command("map-miner-type", "say which catalog model a reported miner type is", _configure_map, _run_map),
    Command(
        "fake-miners", "serve fake miners on loopback (demos, tests)", _configure_fake, _run_fake, needs_session=False
    ),
]
