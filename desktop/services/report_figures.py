"""The monthly report's figures (issue #18): month-end fleet, capex, efficiency, power bill.

Each month's figures come from the v3 aggregates (stage counts as of a date) plus a few
small reads of site_money.py: a report costs a handful of queries whatever the fleet's size.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timezone

from desktop.domain.entities import MinerModel
from desktop.domain.hashrate import SiteFigures, total_of
from desktop.domain.ledger import StageCounts
from desktop.domain.report_math import (
    EFFICIENCY_BANDS,
    NO_BILL,
    PowerBill,
    TargetTrack,
    add_months,
    band_of,
    efficiency,
    month_end,
    power_bill,
    track_target,
)
from desktop.domain.stages import Stage
from desktop.frozen import field, frozen
from desktop.store import Store, fleet_reads, site_money
from desktop.store.rollup_reads import month_measured


@frozen
class SiteMonth:
    """One site (or the total) at a month's end, with the month's power bill."""

    figures: SiteFigures
    miner_capex_cents: int
    facility_capex_cents: int
    bill: PowerBill

    @property
    def name(self) -> str:
        return self.figures.name

    @property
    def capex_cents(self) -> int:
        return self.miner_capex_cents + self.facility_capex_cents

    @property
    def j_per_th(self) -> float | None:
        return efficiency(self.figures.deployed_power_mw * 1_000_000, self.figures.deployed_ths)

    @property
    def usd_per_th_deployed(self) -> float | None:
        return self.capex_cents / 100 / self.figures.deployed_ths if self.figures.deployed_ths else None

    @property
    def usd_per_th_planned(self) -> float | None:
        return self.capex_cents / 100 / self.figures.planned_ths if self.figures.planned_ths else None


@frozen
class ModelMix:
    label: str
    deployed_units: int
    deployed_ths: float
    j_per_th: float


@frozen
class BandShare:
    label: str
    deployed_units: int
    deployed_ths: float


@frozen
class MonthFigures:
    month: date  # its first day
    as_of: date  # its last day
    sites: tuple[SiteMonth, ...]
    total: SiteMonth
    models: tuple[ModelMix, ...] = field(default=())
    bands: tuple[BandShare, ...] = field(default=())
    # Measured by polling the miners (None: no poll in the month): the month's average
    # operating TH/s and the share of 5-minute windows with hash rate (fleet tools' uptime).
    operating_ths: float | None = None
    uptime_pct: float | None = None


def _site_figures(
    name: str, site_id: int | None, capacity: float | None, acc: list[float], units: list[int]
) -> SiteFigures:
    return SiteFigures(
        name=name,
        units=StageCounts(*units),
        deployed_ths=round(acc[0], 6),
        planned_ths=round(acc[1], 6),
        deployed_power_mw=round(acc[2] / 1_000_000, 6),
        planned_power_mw=round(acc[3] / 1_000_000, 6),
        capacity_mw=capacity,
        data_center_id=site_id,
    )


class ReportFigures:
    def __init__(self, store: Store) -> None:
        self.store = store

    def _models(self) -> dict[int, MinerModel]:
        return {m.id or 0: m for m in self.store.list_models()}

    def months(self, firsts: list[date], site_id: int | None = None) -> list[MonthFigures]:
        """``month`` of each, with one read of the capex for all of them."""
        ends = [month_end(first) for first in firsts]
        capex = site_money.miner_capex_by_site(self.store, ends)
        return [self.month(first, site_id, capex=c) for first, c in zip(firsts, capex, strict=True)]

    def month(
        self, first: date, site_id: int | None = None, *, until: date | None = None, capex: dict[int, int] | None = None
    ) -> MonthFigures:
        """Figures at the end of ``first``'s month (or on ``until`` within it: the power bill
        so far), for every site or only ``site_id``."""
        last = month_end(first) if until is None else min(until, month_end(first))
        models = self._models()
        sites = [s for s in self.store.list_sites() if site_id is None or s.id == site_id]
        wanted = {s.id for s in sites}
        counts: dict[int, list[int]] = defaultdict(lambda: [0] * len(Stage))
        rates: dict[int, list[float]] = defaultdict(lambda: [0.0] * 4)
        per_model: dict[int, list[float]] = defaultdict(lambda: [0, 0.0])
        for site, model_id, *stage_units in fleet_reads.stage_counts_at(self.store, last):
            model = models.get(model_id)
            if model is None or site not in wanted:
                continue
            for i, n in enumerate(stage_units):
                counts[site][i] += n
            active, deployed = sum(stage_units[:4]), stage_units[3]
            acc = rates[site]
            acc[0] += deployed * model.ths
            acc[1] += active * model.ths
            acc[2] += deployed * model.watts
            acc[3] += active * model.watts
            per_model[model_id][0] += deployed
            per_model[model_id][1] += deployed * model.ths
        miner_capex = capex if capex is not None else site_money.miner_capex_by_site(self.store, [last])[0]
        facilities = site_money.investments(self.store)
        bills = self._bills(first, last, {s: (r[2], r[0]) for s, r in rates.items()})
        site_months = tuple(
            SiteMonth(
                _site_figures(s.name, s.id, s.capacity_mw, rates[s.id or 0], counts[s.id or 0]),
                miner_capex.get(s.id or 0, 0),
                facilities[s.id or 0][0] if s.id in facilities and facilities[s.id or 0][1] <= last else 0,
                bills.get(s.id or 0, NO_BILL),
            )
            for s in sites
        )
        total = SiteMonth(
            total_of([m.figures for m in site_months]),
            sum(m.miner_capex_cents for m in site_months),
            sum(m.facility_capex_cents for m in site_months),
            sum((m.bill for m in site_months), NO_BILL),
        )
        mix = tuple(
            ModelMix(models[mid].label, int(n), ths, models[mid].efficiency_j_per_th)
            for mid, (n, ths) in sorted(per_model.items(), key=lambda kv: -kv[1][1])
            if n
        )
        bands = tuple(
            BandShare(
                label,
                sum(m.deployed_units for m in mix if band_of(m.j_per_th) == label),
                sum(m.deployed_ths for m in mix if band_of(m.j_per_th) == label),
            )
            for label, _, _ in EFFICIENCY_BANDS
        )
        operating, uptime = self.measured(first, last, site_id)
        return MonthFigures(first, last, site_months, total, mix, bands, operating, uptime)

    def measured(self, first: date, last: date, site_id: int | None) -> tuple[float | None, float | None]:
        """(operating TH/s averaged over the days polled, % of 5-minute windows hashing) in [first, last]."""
        start = int(datetime(first.year, first.month, first.day, tzinfo=timezone.utc).timestamp())
        end = int(datetime(last.year, last.month, last.day, tzinfo=timezone.utc).timestamp()) + 86_400
        days, ths, windows, hashing = month_measured(self.store, start, end, site_id)
        if not days:
            return None, None
        return ths, (100.0 * hashing / windows if windows else None)

    def _bills(self, first: date, last: date, end_state: dict[int, tuple[float, float]]) -> dict[int, PowerBill]:
        """Each site's power bill over the month, walking back from its month-end power."""
        changes: dict[int, dict[date, tuple[float, float]]] = defaultdict(dict)
        for site, day, dw, dths in site_money.deployed_changes(self.store, first, last):
            changes[site][date.fromisoformat(day)] = (float(dw or 0), float(dths or 0))
        prices: dict[int, list[tuple[date, float]]] = defaultdict(list)
        for _, site, price, on in site_money.prices(self.store):
            prices[site].append((on, price))
        bills = {}
        for site, (end_w, end_ths) in end_state.items():
            moved = changes.get(site, {})
            start_w = end_w - sum(c[0] for c in moved.values())
            start_ths = end_ths - sum(c[1] for c in moved.values())
            bills[site] = power_bill(start_w, start_ths, moved, prices.get(site, []), first, last)
        return bills

    def targets(self, month: MonthFigures) -> list[tuple[str, TargetTrack]]:
        """Each target (of the sites in ``month``, and company ones for the whole fleet) at its end."""
        by_id = {m.figures.data_center_id: m for m in month.sites}
        whole = len(month.sites) == len(self.store.list_sites())
        tracks = []
        for target in self.store.list_targets():
            if target.data_center_id is None:
                if not whole:
                    continue
                name, deployed = "Company", month.total.figures.deployed_ths
            elif target.data_center_id in by_id:
                site = by_id[target.data_center_id]
                name, deployed = site.name, site.figures.deployed_ths
            else:
                continue
            tracks.append((name, track_target(target.ths, target.due_on, deployed, month.as_of)))
        return tracks

    def slip(self, at: date) -> dict[str, list[tuple[str, int, float, float]]]:
        """Days late of deployed batches: per supplier and per site, (name, batches, mean days, % late)."""
        names = {s.id: s.name for s in self.store.list_sites()}
        groups: dict[str, dict[str, list[float]]] = {"supplier": defaultdict(lambda: [0, 0.0, 0]), "site": {}}
        groups["site"] = defaultdict(lambda: [0, 0.0, 0])
        for supplier, site, n, mean, late in site_money.deployment_slip(self.store, at):
            for key, name in (("supplier", supplier or "(none)"), ("site", names.get(site, "?"))):
                acc = groups[key][name]
                acc[0] += n
                acc[1] += mean * n
                acc[2] += late
        return {
            key: [(name, int(n), total / n, 100.0 * late / n) for name, (n, total, late) in sorted(group.items())]
            for key, group in groups.items()
        }

    def month_ends(
        self, first: date, months: int = 12, site_id: int | None = None
    ) -> list[tuple[date, dict[str, float], float]]:
        """The last ``months`` month-ends up to ``first``'s: (day, deployed TH/s per site, planned TH/s),
        planned as in the headline (active units x TH/s at that day)."""
        models = self._models()
        names = {s.id: s.name for s in self.store.list_sites() if site_id is None or s.id == site_id}
        result = []
        for i in range(months):
            end = month_end(add_months(first, i - months + 1))
            deployed = dict.fromkeys(names.values(), 0.0)
            planned = 0.0
            for site, model_id, *units in fleet_reads.stage_counts_at(self.store, end):
                model = models.get(model_id)
                if model is None or site not in names:
                    continue
                deployed[names[site]] += units[3] * model.ths
                planned += sum(units[:4]) * model.ths
            result.append((end, deployed, planned))
        return result

    def expected(
        self, after: date, months: int = 3, site_id: int | None = None
    ) -> list[tuple[int, str, str, int, date, str, int]]:
        """Batches expected in the ``months`` after ``after``: (id, site, model, units to come,
        expected, supplier, their cost in cents)."""
        until = month_end(add_months(after.replace(day=1), months))
        names = {s.id: s.name for s in self.store.list_sites()}
        models = self._models()
        return [
            (
                bid,
                names.get(site, "?"),
                models[mid].label if mid in models else "?",
                units,
                date.fromisoformat(on),
                supplier,
                units * price,
            )
            for bid, site, mid, units, on, supplier, price in site_money.batches_expected(
                self.store, after, until, site_id
            )
        ]
