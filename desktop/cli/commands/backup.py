"""backup, backups, restore: the command-line face of services.backups."""

from __future__ import annotations

import argparse
import json
import sys

from desktop.cli.command import Command
from desktop.errors import NewerSchemaError, NotHashplanFileError, ValidationError
from desktop.paths import backups_dir, resolve_db_path
from desktop.server_address import is_server_url as session_is_server
from desktop.services.backups import (
    BackupInfo,
    RestoreResult,
    list_backups_of,
    newest_good_backup_of,
    restore_unopenable,
)
from desktop.services.session import Session, database_exists, open_session


def _when(info: BackupInfo) -> str:
    return info.taken_at.astimezone().strftime("%Y-%m-%d %H:%M:%S")


def _run_backup(args: argparse.Namespace, session: Session) -> int:
    # Opened read-write on purpose: a read-only connection would leave -wal/-shm files
    # beside the database; the normal one removes them on close (nothing is written).
    if session.created:  # cli_session deletes the file it just created
        raise ValidationError("database", f"{session.path} does not exist; there is nothing to back up")
    info = session.backups().backup_now()
    print(info.path)
    if session.is_server:  # say which kind of backup a server database gets
        print(
            f"hashplan: {session.path} was backed up as a Hashplan SQLite file (every table, in one snapshot): "
            "`hashplan restore` puts it back on the server, and the window opens it as it is",
            file=sys.stderr,
        )
    return 0


def _configure_list(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print one JSON array")


def _run_list(args: argparse.Namespace, _session: None) -> int:
    db_path = resolve_db_path(getattr(args, "db", None))
    found = list_backups_of(db_path)
    if args.json:
        rows = [
            {
                "name": b.name,
                "path": str(b.path),
                "taken_at": b.taken_at.isoformat(),
                "bytes": b.size_bytes,
                "tag": b.tag,
            }
            for b in found
        ]
        print(json.dumps(rows))
        return 0
    if not found:
        print(f"no backups yet in {backups_dir(db_path)}")
        return 0
    for b in found:
        print(f"{_when(b)}  {b.size_bytes / 1024:>10,.0f} KiB  {b.name}{'  (' + b.tag + ')' if b.tag else ''}")
    return 0


def _configure_restore(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("backup", nargs="?", help="a backup's name exactly as `hashplan backups` lists it")
    parser.add_argument("--newest", action="store_true", help="restore the newest backup that passes its check")


def _run_restore(args: argparse.Namespace, _session: None) -> int:
    if bool(args.backup) == bool(args.newest):
        raise ValidationError("restore", "name one backup (see `hashplan backups`) or give --newest, not both")
    db_path = resolve_db_path(getattr(args, "db", None))
    ref = args.backup
    if ref is None:
        newest = newest_good_backup_of(db_path)
        if newest is None:
            raise ValidationError("restore", f"there is no good backup of {db_path} in {backups_dir(db_path)}")
        ref = newest
    result: RestoreResult
    try:
        session = open_session(db_path) if database_exists(db_path) else None
    except NewerSchemaError:
        raise  # never replace a newer Hashplan's file from here
    except NotHashplanFileError:
        if session_is_server(db_path):
            raise  # a server database is not a file to set aside
        session = None  # damaged: set it aside and put the backup in its place
    if session is None:
        result = restore_unopenable(db_path, ref)
    else:
        with session:
            result = session.backups().restore(ref)
    print(f"restored {db_path} from {result.restored_from.path}")
    if result.safety_backup is not None:
        print(f"the content before the restore was backed up to {result.safety_backup.path}")
    if result.set_aside is not None:
        print(f"the file that could not be opened was kept as {result.set_aside}")
    return 0


COMMANDS = [
    Command(
        "backup", "back up the database now (prints the backup's path)", lambda _p: None, _run_backup, needs_file=True
    ),
    Command(
        "backups", "list the backups of the database, newest first", _configure_list, _run_list, needs_session=False
    ),
    Command(
        "restore",
        "replace the database with a backup (the current content is backed up first)",
        _configure_restore,
        _run_restore,
        needs_session=False,
    ),
]
