"""Hash-rate, power and cost arithmetic over batches and their events."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from desktop.domain.entities import Batch, BatchEvent, DataCenter, MinerModel
from desktop.domain.ledger import StageCounts, replay
from desktop.domain.stages import EventKind
from desktop.frozen import frozen

Step = tuple[date, float]


def planned_ths(counts: StageCounts, ths_per_unit: float) -> float:
    """Capacity once everything active is in place."""
    return counts.active * ths_per_unit


def deployed_ths(counts: StageCounts, ths_per_unit: float) -> float:
    return counts.deployed * ths_per_unit


def deployed_power_mw(deployed_units: int, watts_per_unit: float) -> float:
    return deployed_units * watts_per_unit / 1_000_000


def planned_power_mw(counts: StageCounts, watts_per_unit: float) -> float:
    return counts.active * watts_per_unit / 1_000_000


def cost_per_th_usd(batch: Batch, model: MinerModel) -> float:
    """Batch cost / (units x TH/s)."""
    return batch.cost_cents / 100 / (batch.units * model.ths)


def efficiency_j_per_th(model: MinerModel) -> float:
    return model.watts / model.ths


def deployed_curve(
    batches: Iterable[Batch],
    events_by_batch: Mapping[int, Sequence[BatchEvent]],
    models: Mapping[int, MinerModel],
) -> list[Step]:
    """Cumulative deployed TH/s after each event date: deployments add, retirements subtract."""
    deltas: dict[date, float] = defaultdict(float)
    for batch in batches:
        ths = models[batch.model_id].ths
        for event in events_by_batch.get(batch.id or 0, ()):
            if event.kind is EventKind.DEPLOYED:
                deltas[event.occurred_on] += event.units * ths
            elif event.kind is EventKind.RETIRED:
                deltas[event.occurred_on] -= event.units * ths
    return _cumulate(deltas)


def planned_curve(
    batches: Iterable[Batch],
    events_by_batch: Mapping[int, Sequence[BatchEvent]],
    models: Mapping[int, MinerModel],
) -> list[Step]:
    """Cumulative planned TH/s by each batch's expected deployment date.

    Each batch adds its active units (cancelled and retired drop out), so the
    curve ends at the planned total.
    """
    deltas: dict[date, float] = defaultdict(float)
    for batch in batches:
        counts = replay(batch, events_by_batch.get(batch.id or 0, ()))
        deltas[batch.expected_on] += planned_ths(counts, models[batch.model_id].ths)
    return _cumulate(deltas)


def value_at(steps: Sequence[Step], at: date) -> float:
    """The step curve's value on a date (0 before the first step)."""
    value = 0.0
    for day, cumulative in steps:
        if day > at:
            break
        value = cumulative
    return value


def _cumulate(deltas: Mapping[date, float]) -> list[Step]:
    total = 0.0
    steps: list[Step] = []
    for day in sorted(deltas):
        total += deltas[day]
        steps.append((day, round(total, 6)))
    return steps


@frozen
class SiteFigures:
    name: str
    units: StageCounts
    deployed_ths: float
    planned_ths: float
    deployed_power_mw: float
    planned_power_mw: float
    capacity_mw: float | None
    data_center_id: int | None = None

    @property
    def percent_of_plan(self) -> float:
        return 100.0 * self.deployed_ths / self.planned_ths if self.planned_ths else 0.0

    @property
    def over_capacity(self) -> bool:
        return self.capacity_mw is not None and self.planned_power_mw > self.capacity_mw


@frozen
class FleetSummary:
    as_of: date
    sites: tuple[SiteFigures, ...]
    total: SiteFigures


def summarize(
    sites: Sequence[DataCenter],
    models: Mapping[int, MinerModel],
    batches: Iterable[Batch],
    events_by_batch: Mapping[int, Sequence[BatchEvent]],
    at: date,
) -> FleetSummary:
    """Per-site and total figures as they stood at the end of ``at``.

    Batches ordered after ``at`` are not counted: they did not exist yet.
    """
    counts_by_site: dict[int, StageCounts] = defaultdict(StageCounts)
    ths_by_site: dict[int, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0, 0.0])
    for batch in batches:
        if batch.ordered_on > at:
            continue
        model = models[batch.model_id]
        counts = replay(batch, events_by_batch.get(batch.id or 0, ()), at)
        site = batch.data_center_id
        counts_by_site[site] = counts_by_site[site] + counts
        acc = ths_by_site[site]
        acc[0] += deployed_ths(counts, model.ths)
        acc[1] += planned_ths(counts, model.ths)
        acc[2] += deployed_power_mw(counts.deployed, model.watts)
        acc[3] += planned_power_mw(counts, model.watts)
    figures = tuple(
        SiteFigures(
            name=site.name,
            units=counts_by_site[site.id or 0],
            deployed_ths=round(ths_by_site[site.id or 0][0], 6),
            planned_ths=round(ths_by_site[site.id or 0][1], 6),
            deployed_power_mw=round(ths_by_site[site.id or 0][2], 6),
            planned_power_mw=round(ths_by_site[site.id or 0][3], 6),
            capacity_mw=site.capacity_mw,
            data_center_id=site.id,
        )
        for site in sites
    )
    return FleetSummary(as_of=at, sites=figures, total=total_of(figures))


def total_of(figures: Sequence[SiteFigures]) -> SiteFigures:
    capacities = [f.capacity_mw for f in figures if f.capacity_mw is not None]
    units = StageCounts()
    for f in figures:
        units = units + f.units
    return SiteFigures(
        name="Total",
        units=units,
        deployed_ths=round(sum(f.deployed_ths for f in figures), 6),
        planned_ths=round(sum(f.planned_ths for f in figures), 6),
        deployed_power_mw=round(sum(f.deployed_power_mw for f in figures), 6),
        planned_power_mw=round(sum(f.planned_power_mw for f in figures), 6),
        capacity_mw=round(sum(capacities), 6) if capacities else None,
    )
