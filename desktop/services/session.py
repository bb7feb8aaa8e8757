"""One open database with its services: what the CLI and each GUI window work on."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from desktop.services.catalog import load_seed_catalog
from desktop.services.fleet import FleetService
from desktop.services.measured import MeasuredService
from desktop.services.polling import PollingService
from desktop.services.reports import FleetQueries
from desktop.store import Store


@dataclass
class Session:
    store: Store
    fleet: FleetService
    queries: FleetQueries

    @cached_property
    def measured(self) -> MeasuredService:
        """Site networks, the miners view, reconciliation and the measured series."""
        return MeasuredService(self.store, self.queries)

    @cached_property
    def polling(self) -> PollingService:
        """Scanning and polling the miners (blocking: call it off the UI thread)."""
        return PollingService(self.measured)

    @property
    def path(self) -> Path:
        return self.store.path

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_session(path: str | Path, *, readonly: bool = False, defer_check: bool = False) -> Session:
    """Opens (creating and seeding the catalog if new) the database at ``path``.

    ``defer_check``: see Store.open (the window runs the integrity check after it shows).
    """
    store = Store.open(path, readonly=readonly, defer_check=defer_check)
    try:
        if store.created:
            load_seed_catalog(store)
    except BaseException:
        store.close()
        raise
    return Session(store, FleetService(store), FleetQueries(store))


def open_worker_session(path: str | Path) -> Session:
    """A second connection to a file this process has open and checked (no integrity check
    again): for a worker thread that writes on its own (the window's polling), so the
    window's connection and its lock stay free while it writes."""
    store = Store.open(path, verify=False)
    return Session(store, FleetService(store), FleetQueries(store))
