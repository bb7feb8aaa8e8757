from __future__ import annotations

import argparse
import json

from desktop.cli.command import Command
from desktop.services.session import Session


def _configure_add(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", help="model name, e.g. 'Antminer S19' (unique, case-insensitive)")
    parser.add_argument("--vendor", default="")
    parser.add_argument("--ths", required=True, help="nominal hash rate, TH/s a unit")
    parser.add_argument("--watts", required=True, help="power draw, W a unit")


def _run_add(args: argparse.Namespace, session: Session) -> int:
    model = session.fleet.add_model(args.name, args.vendor, args.ths, args.watts)
    print(f"added miner model #{model.id}: {model.label} ({model.ths:g} TH/s, {model.watts:g} W)")
    return 0


def _configure_list(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true")


def _run_list(args: argparse.Namespace, session: Session) -> int:
    models = session.fleet.list_models()
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "id": m.id,
                        "vendor": m.vendor,
                        "model": m.name,
                        "ths": m.ths,
                        "watts": m.watts,
                        "j_per_th": round(m.efficiency_j_per_th, 2),
                    }
                    for m in models
                ]
            )
        )
        return 0
    for m in models:
        print(
            f"#{m.id:<4} {m.vendor:<10} {m.name:<24} {m.ths:>8g} TH/s {m.watts:>7g} W "
            f"{m.efficiency_j_per_th:>6.1f} J/TH"
        )
    return 0


COMMANDS = [
    Command("add-model", "add a miner model to the catalog", _configure_add, _run_add),
    Command("models", "list the miner-model catalog", _configure_list, _run_list, needs_file=True),
]
