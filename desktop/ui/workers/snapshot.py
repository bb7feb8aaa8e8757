"""Everything the window shows, read in one pass: built off the UI thread, handed back frozen.

One load of sites, models, batches and events feeds the summary, the table rows and the
chart curves of every site, so switching the selected site needs no new query.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from desktop.domain.entities import Batch, DataCenter, MinerModel, Target
from desktop.domain.hashrate import FleetSummary, SiteFigures, deployed_curve, planned_curve, summarize
from desktop.domain.ledger import replay
from desktop.domain.stages import EventKind
from desktop.services.reports import BatchRow, ChartSeries
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
    """Reads the whole fleet once (the same figures FleetQueries gives, in one load)."""
    data_version = store.data_version()
    sites = store.list_sites()
    models = {m.id or 0: m for m in store.list_models()}
    batches = store.list_batches()
    events = store.events_by_batch()
    targets = store.list_targets()

    summary = summarize(sites, models, batches, events, at or date.today())
    names = {s.id: s.name for s in sites}
    rows = []
    by_site: dict[int, list[Batch]] = {site.id or 0: [] for site in sites}
    for batch in batches:
        batch_events = events.get(batch.id or 0, [])
        deploys = [e.occurred_on for e in batch_events if e.kind is EventKind.DEPLOYED]
        rows.append(
            BatchRow(
                batch,
                names.get(batch.data_center_id, "?"),
                models[batch.model_id],
                replay(batch, batch_events),
                max(deploys) if deploys else None,
            )
        )
        by_site.setdefault(batch.data_center_id, []).append(batch)

    def curves(selected: list[Batch]) -> ChartSeries:
        return ChartSeries(deployed_curve(selected, events, models), planned_curve(selected, events, models))

    return FleetSnapshot(
        summary=summary,
        sites=tuple(sites),
        models=tuple(models.values()),
        rows=tuple(rows),
        series_total=curves(batches),
        series_by_site={site_id: curves(site_batches) for site_id, site_batches in by_site.items()},
        targets=tuple(targets),
        data_version=data_version,
    )
