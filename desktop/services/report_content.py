"""The monthly report as tables and chart series (no Qt, no file format).

render/report_pdf.py paints it, services/report_xlsx.py writes it: both show the same
tables with the same headers, so the PDF's figures can be checked against the workbook's cells.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from desktop.domain.report_math import add_months, percent_change
from desktop.domain.stages import Stage
from desktop.domain.units import hashrate_unit
from desktop.services.report_figures import MonthFigures, ReportFigures, SiteMonth
from desktop.services.report_text import DEFINITIONS, format_cell
from desktop.store import Store

if TYPE_CHECKING:
    from desktop.services.session import Session

Cell = Any  # int | float | str | date | None (None shows as a dash, an empty cell in the XLSX)


@dataclass(frozen=True)
class Table:
    title: str
    headers: tuple[str, ...]
    kinds: tuple[str, ...]  # per column, how a cell shows: see report_text.format_cell
    rows: tuple[tuple[Cell, ...], ...]
    row_kinds: tuple[str, ...] = ()  # the headline's: each row's kind for its "auto" columns

    def cell_kinds(self, index: int) -> tuple[str, ...]:
        if not self.row_kinds:
            return self.kinds
        return tuple(self.row_kinds[index] if k == "auto" else k for k in self.kinds)

    def text_rows(self) -> list[list[str]]:
        return [
            [format_cell(v, k) for v, k in zip(row, self.cell_kinds(i), strict=True)] for i, row in enumerate(self.rows)
        ]


@dataclass(frozen=True)
class ReportContent:
    title: str
    company: str
    month: date
    as_of: date
    scope: str  # "All data centers" or the site's name
    unit: str  # PH/s or EH/s (or TH/s): the hash-rate unit of every table and chart
    scale: float  # TH/s in one ``unit``
    headline: Table
    sites: Table
    targets: Table
    models: Table
    slip: Table
    expected: Table
    trend: tuple[tuple[date, tuple[tuple[str, float], ...], float], ...]  # month-end, deployed per site, planned
    target_marks: tuple[tuple[date, float, str], ...]  # due, TH/s in unit, label
    pipeline: tuple[tuple[str, int], ...]
    bands: tuple[tuple[str, int, float], ...]  # label, deployed units, deployed hash rate in unit
    definitions: tuple[tuple[str, str], ...]
    # the trend's months' operating hash rate as measured (in unit; None: no poll that month)
    operating: tuple[float | None, ...] = ()


_STAGE_LABELS = {
    Stage.ORDERED: "Ordered",
    Stage.IN_TRANSIT: "In transit",
    Stage.ON_SITE: "On site",
    Stage.DEPLOYED: "Deployed",
    Stage.RETIRED: "Retired",
    Stage.CANCELLED: "Cancelled",
}


def _month_label(first: date) -> str:
    return first.strftime("%b %Y")


def _headline(now: MonthFigures, last: MonthFigures, year: MonthFigures, unit: str, scale: float) -> Table:
    def rows_of(m: SiteMonth) -> list[tuple[str, str, Cell]]:
        f = m.figures
        cost = None if m.bill.energy_mwh and m.bill.unpriced_mwh >= m.bill.energy_mwh else m.bill.cost_usd
        return [
            (f"Deployed hash rate ({unit})", "dec2", f.deployed_ths / scale),
            (f"Planned hash rate ({unit})", "dec2", f.planned_ths / scale),
            ("Share of plan deployed (%)", "dec2", f.percent_of_plan),
            *((f"Units {_STAGE_LABELS[s].lower()}", "int", f.units[s]) for s in Stage),
            ("Deployed power (MW)", "dec2", f.deployed_power_mw),
            ("Power capacity (MW)", "dec2", f.capacity_mw),
            ("Fleet efficiency (J/TH)", "dec2", m.j_per_th),
            ("Energy in the month (MWh)", "dec2", m.bill.energy_mwh),
            ("Power cost in the month (USD)", "usd2", cost),
            ("Power cost (USD per TH/s per day)", "dec4", m.bill.usd_per_th_day if cost is not None else None),
            ("Capex, miners (USD)", "usd", m.miner_capex_cents / 100),
            ("Capex, facilities (USD)", "usd", m.facility_capex_cents / 100),
            ("Capex, total (USD)", "usd", m.capex_cents / 100),
            ("Capex per TH/s deployed (USD)", "usd2", m.usd_per_th_deployed),
            ("Capex per TH/s planned (USD)", "usd2", m.usd_per_th_planned),
        ]

    rows, kinds = [], []
    for (label, kind, value), (_, _, before), (_, _, year_ago) in zip(
        rows_of(now.total), rows_of(last.total), rows_of(year.total), strict=True
    ):
        changes: tuple[Cell, Cell] = (None, None)
        if "%" not in label and value is not None:
            changes = (
                None if before is None else percent_change(value, before),
                None if year_ago is None else percent_change(value, year_ago),
            )
        rows.append((label, value, before, year_ago, *changes))
        kinds.append(kind)
    if any(m.operating_ths is not None for m in (now, last, year)):  # the miners were polled: books vs network
        measured = [
            (f"Operating hash rate, measured ({unit})", [m.operating_ths / scale if m.operating_ths is not None
                                                         else None for m in (now, last, year)]),
            ("Hashing uptime, measured (%)", [m.uptime_pct for m in (now, last, year)]),
        ]  # fmt: skip
        for label, (value, before, year_ago) in measured:
            changes = (None, None)
            if "%" not in label and value is not None:
                changes = (
                    None if before is None else percent_change(value, before),
                    None if year_ago is None else percent_change(value, year_ago),
                )
            rows.append((label, value, before, year_ago, *changes))
            kinds.append("dec2")
    headers = ("Figure", _month_label(now.month), _month_label(last.month), _month_label(year.month), "M/M %", "Y/Y %")
    return Table(
        f"Fleet at {now.as_of.isoformat()}",
        headers,
        ("text", "auto", "auto", "auto", "change", "change"),
        tuple(rows),
        tuple(kinds),
    )


def _sites(now: MonthFigures, unit: str, scale: float, upcoming: dict[str, tuple[date, int]]) -> Table:
    headers = (
        "Data center",
        "Capacity (MW)",
        f"Deployed ({unit})",
        f"Planned ({unit})",
        "% of plan",
        "Ordered",
        "In transit",
        "On site",
        "Deployed",
        "Power (MW)",
        "J/TH",
        "Capex (USD)",
        "Next delivery",
        "Units next",
    )
    kinds = ("text", "dec2", "dec2", "dec2", "dec2", "int", "int", "int", "int", "dec2", "dec2", "usd", "date", "int")

    def row(m: SiteMonth, total: bool = False) -> tuple[Cell, ...]:
        f = m.figures
        nxt = None if total else upcoming.get(m.name)
        return (
            "Total" if total else m.name,
            f.capacity_mw,
            f.deployed_ths / scale,
            f.planned_ths / scale,
            f.percent_of_plan,
            f.units.ordered,
            f.units.in_transit,
            f.units.on_site,
            f.units.deployed,
            f.deployed_power_mw,
            m.j_per_th,
            m.capex_cents / 100,
            nxt[0] if nxt else None,
            nxt[1] if nxt else None,
        )

    return Table("Data centers", headers, kinds, (*(row(m) for m in now.sites), row(now.total, True)))


def build_report(
    store: Store, month: date, *, site_id: int | None = None, company: str = "", today: date | None = None
) -> ReportContent:
    """Everything the report shows for ``month`` (its first day), all sites or one."""
    figures = ReportFigures(store)
    now, last, year = figures.months([month, add_months(month, -1), add_months(month, -12)], site_id)
    unit, scale = hashrate_unit(max(now.total.figures.planned_ths, now.total.figures.deployed_ths))
    if unit == "TH/s" and now.total.figures.planned_ths == 0:
        unit, scale = "PH/s", 1000.0
    expected = figures.expected(now.as_of, 3, site_id)
    upcoming: dict[str, tuple[date, int]] = {}
    for _, site, _, units, on, _, _ in expected:
        if site not in upcoming:
            upcoming[site] = (on, 0)
        if upcoming[site][0] == on:
            upcoming[site] = (on, upcoming[site][1] + units)
    tracks = figures.targets(now)
    slip = figures.slip(now.as_of)
    trend = figures.month_ends(month, 12, site_id)
    scope = "All data centers" if site_id is None else (now.sites[0].name if now.sites else "?")
    return ReportContent(
        title="Monthly operations update",
        company=company,
        month=month,
        as_of=now.as_of,
        scope=scope,
        unit=unit,
        scale=scale,
        headline=_headline(now, last, year, unit, scale),
        sites=_sites(now, unit, scale, upcoming),
        targets=Table(
            "Target tracking",
            (
                "Target for",
                f"Target ({unit})",
                "Due",
                f"Deployed ({unit})",
                f"Gap ({unit})",
                "Months left",
                f"Needed a month ({unit})",
            ),
            ("text", "dec2", "date", "dec2", "dec2", "dec2", "dec2"),
            tuple(
                (
                    name,
                    t.target_ths / scale,
                    t.due_on,
                    t.deployed_ths / scale,
                    t.gap_ths / scale,
                    max(0.0, t.months_left),
                    None if t.needed_ths_per_month is None else t.needed_ths_per_month / scale,
                )
                for name, t in tracks
            ),
        ),
        models=Table(
            "Fleet mix by model (deployed)",
            ("Model", "Units deployed", f"Hash rate ({unit})", "J/TH"),
            ("text", "int", "dec2", "dec2"),
            tuple((m.label, m.deployed_units, m.deployed_ths / scale, m.j_per_th) for m in now.models),
        ),
        slip=Table(
            "Delivery slip (deployed batches)",
            ("Supplier", "Batches", "Mean days late", "% late"),
            ("text", "int", "dec1", "dec1"),
            tuple(slip["supplier"]),
        ),
        expected=Table(
            "Batches expected in the next three months",
            ("Batch", "Data center", "Model", "Units", "Expected", "Supplier", "Cost (USD)"),
            ("int", "text", "text", "int", "date", "text", "usd"),
            tuple(
                (bid, site, model, units, on, supplier, cents / 100)
                for bid, site, model, units, on, supplier, cents in expected
            ),
        ),
        trend=tuple(
            (end, tuple((name, ths / scale) for name, ths in per_site.items()), planned / scale)
            for end, per_site, planned in trend
        ),
        target_marks=tuple((t.due_on, t.target_ths / scale, name) for name, t in tracks),
        pipeline=tuple((_STAGE_LABELS[s], now.total.figures.units[s]) for s in Stage),
        bands=tuple((b.label, b.deployed_units, b.deployed_ths / scale) for b in now.bands),
        definitions=DEFINITIONS,
        operating=tuple(
            None if (ths := figures.measured(end.replace(day=1), end, site_id)[0]) is None else ths / scale
            for end, _, _ in trend
        ),
    )


def session_report(session: Session, month: date, site: str | None = None, company: str = "") -> ReportContent:
    """The report for ``month`` from one consistent read of the session's file."""
    site_id = None if not site else session.fleet.site(site).id
    with session.store.reading():
        return build_report(session.store, month, site_id=site_id, company=company.strip())

