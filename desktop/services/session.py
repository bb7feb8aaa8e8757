"""One open database with its services: what the CLI and each GUI window work on."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from desktop.services.catalog import load_seed_catalog
from desktop.services.fleet import FleetService
from desktop.services.reports import FleetQueries
from desktop.store import Store
from desktop.store.db_path import check_db_path


@dataclass
class Session:
    store: Store
    fleet: FleetService
    queries: FleetQueries

    @property
    def path(self) -> Path:
        return self.store.path

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_session(
    path: str | Path, *, readonly: bool = False, defer_check: bool = False, must_exist: bool = False
) -> Session:
    """Opens (creating and seeding the catalog if new) the database at ``path``.

    ``defer_check``: see Store.open (the window runs the integrity check after it shows).
    ``must_exist``: a missing file raises DatabaseError ("no database at ...") instead.
    """
    if must_exist:
        check_db_path(Path(path).expanduser(), must_exist=True)
    store = Store.open(path, readonly=readonly, defer_check=defer_check)
    try:
        if store.created:
            load_seed_catalog(store)
    except BaseException:
        store.close()
        raise
    return Session(store, FleetService(store), FleetQueries(store))


def database_exists(path: str | Path) -> bool:
    """True for a regular file at ``path``; False when nothing is there. A folder, FIFO,
    device or unreadable path raises DatabaseError (never opened)."""
    return check_db_path(Path(path).expanduser())
