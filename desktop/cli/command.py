"""What a subcommand is, and how it gets its database."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from desktop.paths import resolve_db_path

if TYPE_CHECKING:  # imported when a command runs: the registry and --version stay cheap
    from desktop.services.session import Session


@dataclass(frozen=True)
class Command:
    name: str
    help: str
    configure: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace, Session], int]
    needs_session: bool = True
    readonly: bool = False
    # Reads and changes of existing records: a missing file is a mistyped path, never created.
    needs_file: bool = False


@contextmanager
def cli_session(args: argparse.Namespace, *, readonly: bool = False, needs_file: bool = False) -> Iterator[Session]:
    """Opens ``--db``; a file this command created is removed again if the command fails.

    ``needs_file``: a missing file is refused (exit 2) and nothing, not even a folder, is created.
    """
    path = resolve_db_path(getattr(args, "db", None))
    from desktop.services.session import open_session

    # The check's cost grew with the file: reads run none, writes run it before their first
    # change unless the file is as Hashplan's last commit left it (store/check_seal.py).
    session = open_session(path, readonly=readonly, must_exist=needs_file, defer_check=True, verify=not readonly)
    if session.warning:
        print(f"hashplan: warning: {session.warning}", file=sys.stderr)
    try:
        yield session
    except BaseException:
        created = session.created
        session.close()
        if created:
            for suffix in ("", "-wal", "-shm"):
                with suppress(OSError):
                    Path(f"{path}{suffix}").unlink()
        raise
    else:
        session.close()
