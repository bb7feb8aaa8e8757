"""Read-side use cases: the summary, the chart series and the batch table's rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from desktop.domain.entities import Batch, BatchEvent, MinerModel
from desktop.domain.hashrate import FleetSummary, SiteFigures, Step, deployed_curve, planned_curve, summarize
from desktop.domain.ledger import StageCounts, replay
from desktop.domain.stages import EventKind, Stage
from desktop.store import Store


@dataclass(frozen=True)
class ChartSeries:
    """Step curves in TH/s: cumulative deployed by event date, planned by expected date."""

    deployed: list[Step]
    planned: list[Step]


@dataclass(frozen=True)
class BatchRow:
    batch: Batch
    site_name: str
    model: MinerModel
    counts: StageCounts
    deployed_on: date | None  # the latest deployment, if any

    @property
    def cost_cents(self) -> int:
        return self.batch.cost_cents

    @property
    def planned_ths(self) -> float:
        return self.counts.active * self.model.ths

    @property
    def deployed_ths(self) -> float:
        return self.counts.deployed * self.model.ths

    @property
    def cost_per_th_usd(self) -> float:
        return self.batch.cost_cents / 100 / (self.batch.units * self.model.ths)

    @property
    def status(self) -> str:
        return self.counts.status


class FleetQueries:
    def __init__(self, store: Store) -> None:
        self.store = store

    def _load(
        self, data_center_id: int | None = None
    ) -> tuple[dict[int, MinerModel], list[Batch], dict[int, list[BatchEvent]]]:
        models = {m.id or 0: m for m in self.store.list_models()}
        return models, self.store.list_batches(data_center_id), self.store.events_by_batch(data_center_id)

    def summary(self, at: date | None = None) -> FleetSummary:
        models, batches, events = self._load()
        return summarize(self.store.list_sites(), models, batches, events, at or date.today())

    def site_figures(self, data_center_id: int | None, at: date | None = None) -> SiteFigures:
        summary = self.summary(at)
        if data_center_id is None:
            return summary.total
        return next(f for f in summary.sites if f.data_center_id == data_center_id)

    def series(self, data_center_id: int | None = None) -> ChartSeries:
        models, batches, events = self._load(data_center_id)
        return ChartSeries(deployed_curve(batches, events, models), planned_curve(batches, events, models))

    def series_by_site(self) -> dict[str, ChartSeries]:
        return {site.name: self.series(site.id) for site in self.store.list_sites()}

    def batch_rows(self, data_center_id: int | None = None) -> list[BatchRow]:
        models, batches, events = self._load(data_center_id)
        names = {s.id: s.name for s in self.store.list_sites()}
        result = []
        for batch in batches:
            batch_events = events.get(batch.id or 0, [])
            deploys = [e.occurred_on for e in batch_events if e.kind is EventKind.DEPLOYED]
            result.append(
                BatchRow(
                    batch,
                    names.get(batch.data_center_id, "?"),
                    models[batch.model_id],
                    replay(batch, batch_events),
                    max(deploys) if deploys else None,
                )
            )
        return result


def figures_to_json(figures: SiteFigures, *, with_name: bool = True) -> dict[str, Any]:
    body: dict[str, Any] = {"name": figures.name} if with_name else {}
    body["units"] = {stage.value: figures.units[stage] for stage in Stage}
    body["deployed_ths"] = float(figures.deployed_ths)
    body["planned_ths"] = float(figures.planned_ths)
    body["deployed_power_mw"] = float(figures.deployed_power_mw)
    body["capacity_mw"] = None if figures.capacity_mw is None else float(figures.capacity_mw)
    return body


def summary_to_json(summary: FleetSummary) -> dict[str, Any]:
    """The ``summary --json`` contract: as_of, data_centers[], total (no name)."""
    return {
        "as_of": summary.as_of.isoformat(),
        "data_centers": [figures_to_json(f) for f in summary.sites],
        "total": figures_to_json(summary.total, with_name=False),
    }
