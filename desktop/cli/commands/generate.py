"""``generate``: a synthetic fleet at scale, for benchmarks and for trying the app on a big fleet."""

from __future__ import annotations

import argparse
import sys
import time

from desktop.cli.command import Command
from desktop.services.generator import generate_fleet
from desktop.services.session import Session


def _configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--batches", type=int, required=True, metavar="N", help="how many batches to log")
    parser.add_argument("--events", type=int, required=True, metavar="M", help="about how many batch events")
    parser.add_argument("--seed", type=int, default=0, metavar="S", help="random seed (same seed, same fleet)")


def _run(args: argparse.Namespace, session: Session) -> int:
    started = time.perf_counter()

    def progress(phase: str, done: int, total: int) -> None:
        if sys.stderr.isatty():
            print(f"\r{phase}: {done:,} of {total:,}   ", end="", file=sys.stderr, flush=True)

    fleet = generate_fleet(session.store, batches=args.batches, events=args.events, seed=args.seed, progress=progress)
    if sys.stderr.isatty():
        print(file=sys.stderr)
    print(
        f"generated {fleet.sites} data centers, {fleet.batches:,} batches and {fleet.events:,} events "
        f"(orders {fleet.first_order} to {fleet.last_order}) into {session.path} "
        f"in {time.perf_counter() - started:.1f} s"
    )
    return 0


COMMANDS = [Command("generate", "build a synthetic fleet at scale (benchmarks, trying the app)", _configure, _run)]
