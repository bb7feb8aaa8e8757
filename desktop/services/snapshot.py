"""The read model: what the window shows for one selection, read off the UI thread and handed back frozen.

A read costs tens of milliseconds on a fleet of 100,000 batches: the summary of every
site, the selected site's curves, the ids of its batches that pass the table's filters in
the table's order (filtered, sorted and counted in SQL) and the rows of the first page
(the table reads the others as they come on screen).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import numpy as np  # the window's read model: the command line never imports it

from desktop.domain.entities import DataCenter, MinerModel, Target
from desktop.domain.hashrate import FleetSummary, SiteFigures, summarize
from desktop.services.batch_columns import SortSpec
from desktop.services.batch_pages import BatchFilter, batch_ids, batch_rows_by_id
from desktop.services.lateness import overdue_by_site
from desktop.services.reports import BatchRow, ChartArrays, CurveArrays, FleetQueries
from desktop.store import Store, batch_selection

PAGE_ROWS = 500


class ReadCancelled(Exception):
    """A read stopped by SnapshotReader.cancel: a newer request replaces it."""


@dataclass(frozen=True)
class SnapshotRequest:
    site_id: int | None = None  # None: all sites
    by_site: bool = False  # every site's curves too (the stacked chart)
    sort: SortSpec | None = None  # the table's sort (column, descending): ids come sorted
    batch_filter: BatchFilter = field(default_factory=BatchFilter)  # the table's filters: ids come filtered


def empty_curves() -> ChartArrays:
    nothing = CurveArrays(np.array([], dtype=np.int64), np.array([], dtype=float))
    return ChartArrays(nothing, nothing)


@dataclass(frozen=True, eq=False)  # compared by identity: row_ids is an array
class FleetSnapshot:
    """The state of one database at one moment, for one selection."""

    request: SnapshotRequest
    summary: FleetSummary
    sites: tuple[DataCenter, ...]
    models: tuple[MinerModel, ...]
    rows: tuple[BatchRow, ...]  # the first page of row_ids' batches, in their order
    row_count: int  # how many batches the selection has in all (before the table's filters)
    curves: ChartArrays  # the selection's deployed and planned curves
    curves_by_site: dict[int, ChartArrays] = field(default_factory=dict)
    targets: tuple[Target, ...] = ()
    row_ids: np.ndarray = field(default_factory=lambda: np.array([], dtype=np.int64))  # filtered, in order
    overdue: dict[int, int] = field(default_factory=dict)  # overdue batches per site id (item 9)

    @property
    def site_id(self) -> int | None:
        return self.request.site_id

    def figures(self, site_id: int | None) -> SiteFigures:
        """The figures of one site, or the total for None (or a site that vanished)."""
        if site_id is not None:
            for figures in self.summary.sites:
                if figures.data_center_id == site_id:
                    return figures
        return self.summary.total

    def overdue_count(self, site_id: int | None) -> int:
        """Batches past their expected date with units still to deploy, at a site or in all."""
        return sum(self.overdue.values()) if site_id is None else self.overdue.get(site_id, 0)

    def selection_targets(self) -> list[Target]:
        if self.site_id is None:
            return list(self.targets)
        return [t for t in self.targets if t.data_center_id == self.site_id]

    def site_name(self, site_id: int | None) -> str:
        return next((s.name for s in self.sites if s.id == site_id), "All sites")


def empty_snapshot(request: SnapshotRequest | None = None) -> FleetSnapshot:
    summary = summarize([], {}, [], {}, date.today())
    return FleetSnapshot(request or SnapshotRequest(), summary, (), (), (), 0, empty_curves())


def build_snapshot(store: Store, request: SnapshotRequest, at: date | None = None) -> FleetSnapshot:
    """Reads what the window shows through FleetQueries (the figures ``summary`` prints),
    all of it as of one moment."""
    with store.reading():
        return _read_snapshot(store, request, at)


def _read_snapshot(store: Store, request: SnapshotRequest, at: date | None) -> FleetSnapshot:
    queries = FleetQueries(store)
    sites = store.list_sites()
    site_id = request.site_id if any(s.id == request.site_id for s in sites) else None
    if site_id != request.site_id:  # the site was deleted meanwhile: show all sites
        request = replace(request, site_id=None)
    ids = batch_ids(store, site_id, request.batch_filter, request.sort)
    rows = batch_rows_by_id(queries, ids[:PAGE_ROWS])
    return FleetSnapshot(
        request=request,
        summary=queries.summary(at),
        sites=tuple(sites),
        models=tuple(store.list_models()),
        rows=tuple(rows),
        row_count=queries.batch_count(site_id),
        curves=queries.chart_arrays(site_id),
        curves_by_site=queries.chart_arrays_by_site() if request.by_site else {},
        targets=tuple(store.list_targets()),
        row_ids=ids,
        overdue=overdue_by_site(store, at),
    )


class SnapshotReader:
    """Reads snapshots through its own read-only connection, opened lazily and reused.

    Used from one thread at a time (the window's refresher runs one read at a time on its
    worker): the connection is never shared between two threads at once.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._store: Store | None = None
        self._cancelled = False

    def read(self, request: SnapshotRequest) -> FleetSnapshot:
        """Raises ReadCancelled when cancel() stopped it."""
        self._cancelled = False
        if self._store is None:
            self._store = Store.open(self.path, readonly=True, verify=False)  # the window checked it
        try:
            return build_snapshot(self._store, request)
        except Exception:
            if self._cancelled:
                raise ReadCancelled() from None
            raise

    def cancel(self) -> None:
        """Stops the read in flight, from another thread (a read that finishes first is kept)."""
        self._cancelled = True
        store = self._store
        if store is not None:
            batch_selection.interrupt(store)

    def close(self) -> None:
        """Closes the connection; the next read opens a new one (the file may have been replaced)."""
        if self._store is not None:
            self._store.close()
            self._store = None
