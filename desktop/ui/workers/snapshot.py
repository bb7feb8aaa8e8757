"""Everything the window shows, read at once: built off the UI thread, handed back frozen.

It holds the table rows and chart curves of every site, so switching the selected site
needs no new query.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from desktop.domain.entities import DataCenter, MinerModel, Target
from desktop.domain.hashrate import FleetSummary, SiteFigures, summarize
from desktop.services.reports import BatchRow, ChartSeries, FleetQueries
from desktop.store import Store


@dataclass(frozen=True)
class FleetSnapshot:
    """The state of one database at one moment, as the window needs it."""

    summary: FleetSummary
    sites: tuple[DataCenter, ...]
    models: tuple[MinerModel, ...]
    rows: tuple[BatchRow, ...]
    series_total: ChartSeries
    series_by_site: dict[int, ChartSeries] = field(default_factory=dict)
    targets: tuple[Target, ...] = ()
    data_version: int = 0

    def figures(self, site_id: int | None) -> SiteFigures:
        """The figures of one site, or the total for None (or a site that vanished)."""
        if site_id is not None:
            for figures in self.summary.sites:
                if figures.data_center_id == site_id:
                    return figures
        return self.summary.total

    def rows_for(self, site_id: int | None) -> list[BatchRow]:
        if site_id is None:
            return list(self.rows)
        return [row for row in self.rows if row.batch.data_center_id == site_id]

    def series(self, site_id: int | None) -> ChartSeries:
        if site_id is None:
            return self.series_total
        return self.series_by_site.get(site_id, ChartSeries([], []))

    def targets_for(self, site_id: int | None) -> list[Target]:
        if site_id is None:
            return list(self.targets)
        return [t for t in self.targets if t.data_center_id == site_id]

    def site_name(self, site_id: int | None) -> str:
        return next((s.name for s in self.sites if s.id == site_id), "All sites")


def empty_snapshot() -> FleetSnapshot:
    summary = summarize([], {}, [], {}, date.today())
    return FleetSnapshot(summary, (), (), (), ChartSeries([], []))


def build_snapshot(store: Store, at: date | None = None) -> FleetSnapshot:
    """Reads what the window shows through FleetQueries (the figures ``summary`` prints)."""
    queries = FleetQueries(store)
    data_version = store.data_version()
    sites = store.list_sites()
    return FleetSnapshot(
        summary=queries.summary(at),
        sites=tuple(sites),
        models=tuple(store.list_models()),
        rows=tuple(queries.batch_rows()),
        series_total=queries.series(),
        series_by_site={site.id or 0: queries.series(site.id) for site in sites},
        targets=tuple(store.list_targets()),
        data_version=data_version,
    )
