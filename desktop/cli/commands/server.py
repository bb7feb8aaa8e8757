"""server-setup, copy: a shared PostgreSQL team store, and moving a fleet to and from it."""

from __future__ import annotations

import argparse

from desktop.cli.command import Command


def _configure_setup(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("url", metavar="URL", help="the server database, e.g. postgresql://admin@host/fleet")


def _run_setup(args: argparse.Namespace, _session: None) -> int:
    from desktop.server_address import redacted
    from desktop.services.database_copy import set_up_server

    changes = set_up_server(args.url)
    if changes:
        for change in changes:
            print(f"{redacted(args.url)}: {change}")
    else:
        print(f"{redacted(args.url)}: already set up (schema, hashplan_viewer, hashplan_editor); nothing changed")
    return 0


def _configure_copy(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--from", dest="source", required=True, metavar="DB", help="a database file or server URL")
    parser.add_argument(
        "--to", dest="target", required=True, metavar="DB", help="a new or empty file or server database"
    )


def _run_copy(args: argparse.Namespace, _session: None) -> int:
    from desktop.services.database_copy import copy_database

    print(copy_database(args.source, args.target).describe())
    return 0


COMMANDS = [
    Command(
        "server-setup",
        "create Hashplan's schema and the roles hashplan_viewer and hashplan_editor on a PostgreSQL database",
        _configure_setup,
        _run_setup,  # type: ignore[arg-type]
        needs_session=False,
    ),
    Command(
        "copy",
        "copy a whole database (file or server) into a new or empty one, and check both give the same summary",
        _configure_copy,
        _run_copy,  # type: ignore[arg-type]
        needs_session=False,
    ),
]
