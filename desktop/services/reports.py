"""Read-side use cases: the summary, the chart series and the batch table's rows."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from desktop.domain.entities import Batch, MinerModel
from desktop.domain.hashrate import FleetSummary, SiteFigures, Step, deployed_power_mw, total_of
from desktop.domain.ledger import StageCounts
from desktop.domain.stages import Stage
from desktop.frozen import frozen
from desktop.store import Store, fleet_reads

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (a start-up cost)
if TYPE_CHECKING:  # numpy is imported where curves are computed: the command line starts faster
    from typing import Any

    import numpy as np


@frozen
class ChartSeries:
    """Step curves in TH/s: cumulative deployed by event date, planned by expected date."""

    deployed: list[Step]
    planned: list[Step]


@frozen
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


@frozen
class CurveArrays:
    """A step curve as numpy arrays: day ordinals (date.toordinal()) and cumulative TH/s."""

    days: np.ndarray
    ths: np.ndarray

    def steps(self) -> list[Step]:
        return [(date.fromordinal(d), v) for d, v in zip(self.days.tolist(), self.ths.tolist(), strict=True)]

    def epoch_seconds(self) -> np.ndarray:
        """x values for a pyqtgraph DateAxisItem (UTC midnight of each day)."""
        import numpy as np
        return (self.days - _EPOCH_ORDINAL).astype(np.float64) * 86_400.0


@frozen
class ChartArrays:
    deployed: CurveArrays
    planned: CurveArrays

    def series(self) -> ChartSeries:
        return ChartSeries(self.deployed.steps(), self.planned.steps())


_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


def _curve(days: np.ndarray, deltas: np.ndarray) -> CurveArrays:
    """Per-day changes (days ascending, one row each) cumulated and rounded as domain.hashrate does."""
    import numpy as np
    return CurveArrays(days, np.round(np.cumsum(deltas), 6))


def _arrays(rows: np.ndarray) -> ChartArrays:
    """Curves from curve_days rows: (day, has deploy/retire, deployed change, has plan, planned change)."""
    import numpy as np
    days = rows[:, 0].astype(np.int64)
    deploys, plans = rows[:, 1] != 0, rows[:, 3] != 0
    return ChartArrays(_curve(days[deploys], rows[deploys, 2]), _curve(days[plans], rows[plans, 4]))


class FleetQueries:
    """Read-side figures from the v3 aggregates: no replay of events, whatever the fleet's size.

    Each answer equals the domain's replay (domain.hashrate.summarize, deployed_curve,
    planned_curve; tests/unit/test_fast_queries.py checks it on random fleets), up to
    float rounding in the last of six decimals.
    """

    def __init__(self, store: Store) -> None:
        self.store = store

    def _models(self) -> dict[int, MinerModel]:
        return {m.id or 0: m for m in self.store.list_models()}

    def summary(self, at: date | None = None) -> FleetSummary:
        """Per-site and total figures as they stood at the end of ``at`` (default today)."""
        at = at or date.today()
        models = self._models()
        counts: dict[int, list[int]] = {}
        rates: dict[int, list[float]] = {}
        for site_id, model_id, *stage_units in fleet_reads.stage_counts_at(self.store, at):
            model = models.get(model_id)
            if model is None:  # only all-zero rows can name a deleted model
                continue
            site_counts = counts.setdefault(site_id, [0] * len(Stage))
            for i, n in enumerate(stage_units):
                site_counts[i] += n
            active = sum(stage_units[:4])
            acc = rates.setdefault(site_id, [0.0, 0.0, 0.0, 0.0])
            acc[0] += stage_units[3] * model.ths
            acc[1] += active * model.ths
            acc[2] += deployed_power_mw(stage_units[3], model.watts)
            acc[3] += active * model.watts / 1_000_000
        figures = tuple(
            SiteFigures(
                name=site.name,
                units=StageCounts(*counts.get(site.id or 0, [0] * len(Stage))),
                deployed_ths=round(rates.get(site.id or 0, _ZERO)[0], 6),
                planned_ths=round(rates.get(site.id or 0, _ZERO)[1], 6),
                deployed_power_mw=round(rates.get(site.id or 0, _ZERO)[2], 6),
                planned_power_mw=round(rates.get(site.id or 0, _ZERO)[3], 6),
                capacity_mw=site.capacity_mw,
                data_center_id=site.id,
            )
            for site in self.store.list_sites()
        )
        return FleetSummary(as_of=at, sites=figures, total=total_of(figures))

    def site_figures(self, data_center_id: int | None, at: date | None = None) -> SiteFigures:
        summary = self.summary(at)
        if data_center_id is None:
            return summary.total
        return next(f for f in summary.sites if f.data_center_id == data_center_id)

    def chart_arrays(self, data_center_id: int | None = None) -> ChartArrays:
        """Both curves as numpy arrays (for the chart: no list of tuples on the way)."""
        return _arrays(fleet_reads.curve_days(self.store, data_center_id))

    def chart_arrays_by_site(self) -> dict[int, ChartArrays]:
        """Every site's curves (a stacked chart): one primary-key range each, ~10 ms a site.

        (One GROUP BY site, day over the whole table is slower: it needs a sort of every row.)
        """
        return {site.id or 0: self.chart_arrays(site.id) for site in self.store.list_sites()}

    def series(self, data_center_id: int | None = None) -> ChartSeries:
        return self.chart_arrays(data_center_id).series()

    def series_by_site(self) -> dict[str, ChartSeries]:
        names = {site.id or 0: site.name for site in self.store.list_sites()}
        return {names[site_id]: arrays.series() for site_id, arrays in self.chart_arrays_by_site().items()}

    def batch_count(self, data_center_id: int | None = None) -> int:
        """How many rows batch_rows has (the table's row count before it pages them in)."""
        return fleet_reads.batch_count(self.store, data_center_id)

    def batch_rows(
        self, data_center_id: int | None = None, offset: int = 0, limit: int | None = None, *, at: date | None = None
    ) -> list[BatchRow]:
        """Batches in order-date order with their stage counts; ``offset``/``limit`` give one page.

        Counts come from batch_stage_counts (kept by the store), so a page of 500 rows
        costs a few milliseconds on a fleet of 100,000 batches and 1,000,000 events.
        ``at``: counts and latest deployment as of that date (replay(batch, events, at)),
        summed in SQL: ~1 s for every batch of that fleet, no event objects in Python.
        """
        models = self._models()
        names = {s.id: s.name for s in self.store.list_sites()}
        return [
            batch_row_from(row, models, names)
            for row in fleet_reads.batch_page(self.store, data_center_id, offset, limit, at)
        ]

    def iter_batch_rows(self, data_center_id: int | None = None, *, at: date | None = None) -> Iterator[BatchRow]:
        """Every row batch_rows gives, one at a time (an export: no list of 100,000 rows).

        Reads from one open statement; finish or close the iterator before writing
        through the same store.
        """
        models = self._models()
        names = {s.id: s.name for s in self.store.list_sites()}
        for chunk in fleet_reads.batch_chunks(self.store, data_center_id, at):
            for row in chunk:
                yield batch_row_from(row, models, names)


def batch_row_from(row: tuple[Any, ...], models: dict[int, MinerModel], names: dict[int | None, str]) -> BatchRow:
    """A BatchRow from one row of fleet_reads.batch_page (BATCH_PAGE_COLUMNS)."""
    (batch_id, site_id, model_id, units, ordered_on, expected_on, price, supplier, notes, version) = row[:10]
    deployed_on = row[16]
    batch = Batch(
        data_center_id=site_id,
        model_id=model_id,
        units=units,
        ordered_on=date.fromisoformat(ordered_on),
        expected_on=date.fromisoformat(expected_on),
        unit_price_cents=price,
        supplier=supplier,
        notes=notes,
        id=batch_id,
        version=version,
    )
    return BatchRow(
        batch,
        names.get(site_id, "?"),
        models[model_id],
        StageCounts(*row[10:16]),
        date.fromisoformat(deployed_on) if deployed_on else None,
    )


_ZERO = [0.0, 0.0, 0.0, 0.0]


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
