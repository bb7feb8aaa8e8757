"""One open database with its services: what the CLI and each GUI window work on.

The UI and the CLI reach the data through ``fleet`` (changes and the lookups forms need),
``queries`` (figures and pages), ``backups`` and the few file-level facts below; ``store``
stays for the services and the tests (the import contracts keep the UI off it).
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

from desktop.server_address import is_server_url
from desktop.store import Store
from desktop.store.db_file import check_db_path

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (a start-up cost)
if TYPE_CHECKING:  # imported when used: a command that reads starts faster
    from desktop.services.backups import BackupService
    from desktop.services.fleet import FleetService
    from desktop.services.measured import MeasuredService
    from desktop.services.polling import PollingService
    from desktop.services.reports import FleetQueries


class Session:
    """``fleet`` and ``queries`` are made when first used: a command that only reads figures
    does not import the change services (a start-up cost of every command-line call)."""

    def __init__(self, store: Store, fleet: FleetService | None = None, queries: FleetQueries | None = None) -> None:
        self.store = store
        if fleet is not None:
            self.fleet = fleet
        if queries is not None:
            self.queries = queries

    @cached_property
    def fleet(self) -> FleetService:
        """Changes, and the lookups forms need."""
        from desktop.services.fleet import FleetService

        return FleetService(self.store)

    @cached_property
    def queries(self) -> FleetQueries:
        """Figures and pages."""
        from desktop.services.reports import FleetQueries

        return FleetQueries(self.store)

    @cached_property
    def measured(self) -> MeasuredService:
        """Site networks, the miners view, reconciliation and the measured series."""
        from desktop.services.measured import MeasuredService

        return MeasuredService(self.store, self.queries)

    @cached_property
    def polling(self) -> PollingService:
        """Scanning and polling the miners (blocking: call it off the UI thread; imports asyncio)."""
        from desktop.services.polling import PollingService

        return PollingService(self.measured)

    @property
    def path(self) -> Path:
        return self.store.path

    def change_socket(self) -> int | None:
        """A server database's change signal (LISTEN): a socket that turns readable when any
        client commits; None for a file (the window polls SQLite's data_version instead)."""
        listener = getattr(self.store, "listener", None)
        return None if listener is None else int(listener().fileno())

    def change_listener(self) -> object | None:
        """Which listening connection change_socket() is (a lost one is replaced by a new one,
        which may reuse the socket's number): compare with ``is``."""
        listener = getattr(self.store, "listener", None)
        return None if listener is None else listener()

    @property
    def is_server(self) -> bool:
        """A shared PostgreSQL database (``path`` is then a ServerAddress, not a file)."""
        return self.store.dialect != "sqlite"

    @property
    def warning(self) -> str | None:
        """What the user should know before working on this file (it is on a network share)."""
        return self.store.network_warning

    @property
    def readonly(self) -> bool:
        return self.store.readonly

    @property
    def created(self) -> bool:
        """This open created the file (it did not exist)."""
        return self.store.created

    @property
    def check_pending(self) -> bool:
        """The integrity check opening deferred has not run yet."""
        return self.store.check_pending

    def finish_check(self) -> None:
        """Runs the deferred integrity check; raises NotHashplanFileError if the file is damaged."""
        self.store.finish_check()

    def data_version(self) -> int:
        """Moves when another connection commits to the file (cheap: no table read)."""
        return self.store.data_version()

    def is_empty(self) -> bool:
        """No batches and no data centers: a first run."""
        return self.store.count_batches() == 0 and not self.store.list_sites()

    def has_batches(self) -> bool:
        return self.store.count_batches() > 0

    def backups(self, *, notify: bool = True) -> BackupService:
        """Back up and restore this file; ``notify=False``: a restore tells no listeners (a worker
        thread runs it and the window tells them on the UI thread)."""
        from desktop.services.backups import BackupService

        return BackupService(self.store, self.fleet if notify else None)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_session(
    path: str | Path,
    *,
    readonly: bool = False,
    defer_check: bool = False,
    must_exist: bool = False,
    verify: bool = True,
) -> Session:
    """Opens (creating and seeding the catalog if new) the database at ``path``.

    ``defer_check``: see Store.open (the window runs the integrity check after it shows).
    ``must_exist``: a missing file raises DatabaseError ("no database at ...") instead.
    ``verify=False``: no integrity check (a read-only command: it writes nothing, and SQLite
    reports a damaged page it meets as damage).
    """
    if must_exist and not is_server_url(path):
        check_db_path(Path(path).expanduser(), must_exist=True)
    store = Store.open(path, readonly=readonly, defer_check=defer_check, verify=verify)
    try:
        if store.created:
            from desktop.services.catalog import load_seed_catalog

            load_seed_catalog(store)
    except BaseException:
        store.close()
        raise
    return Session(store)


def database_exists(path: str | Path) -> bool:
    """True for a regular file at ``path``; False when nothing is there. A folder, FIFO,
    device or unreadable path raises DatabaseError (never opened). A server database is
    taken as there (connecting tells)."""
    if is_server_url(path):
        return True
    return check_db_path(Path(path).expanduser())


def open_worker_session(path: str | Path) -> Session:
    """A second connection to a file this process has open and checked (no integrity check
    again): for a worker thread that writes on its own (the window's polling), so the
    window's connection and its lock stay free while it writes."""
    store = Store.open(path, verify=False)
    return Session(store)
