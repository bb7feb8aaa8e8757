from __future__ import annotations

import argparse

from desktop.cli.command import Command
from desktop.services.demo import load_demo
from desktop.services.session import Session


def _configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--force", action="store_true", help="add the demo even if the database holds batches")


def _run(args: argparse.Namespace, session: Session) -> int:
    count = load_demo(session, force=args.force)
    print(f"loaded the demo: {count} batches into {session.path}")
    return 0


COMMANDS = [Command("demo", "load the worked example (Kazakhstan and Texas, July 2021)", _configure, _run)]
