"""What a subcommand is, and how it gets its database."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from desktop.paths import resolve_db_path

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (a start-up cost)
if TYPE_CHECKING:  # imported when a command runs: the registry and --version stay cheap
    from desktop.services.session import Session


class Command:
    """A subcommand: its name and help, how it adds its arguments, and how it runs.

    A plain class, not a dataclass: the registry is built on every start, `--version` included,
    and the dataclasses module alone cost ~5 ms of a 50 ms start."""

    __slots__ = ("configure", "help", "name", "needs_file", "needs_session", "readonly", "run")

    def __init__(
        self,
        name: str,
        help: str,
        configure: Callable[[argparse.ArgumentParser], None],
        run: Callable[[argparse.Namespace, Session], int],
        needs_session: bool = True,
        readonly: bool = False,
        needs_file: bool = False,  # reads and changes of existing records: a missing file is a mistyped path
    ) -> None:
        self.name = name
        self.help = help
        self.configure = configure
        self.run = run
        self.needs_session = needs_session
        self.readonly = readonly
        self.needs_file = needs_file

    def __repr__(self) -> str:
        return f"Command({self.name!r})"


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
        if created and isinstance(path, Path):
            for suffix in ("", "-wal", "-shm"):
                with suppress(OSError):
                    Path(f"{path}{suffix}").unlink()
        raise
    else:
        session.close()
