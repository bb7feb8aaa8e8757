"""The chart series as export tables: long for CSV and JSON, wide for the XLSX sheet.

Both share one date index: every date any curve steps on or any miner was measured.
CSV and JSON keep the machine format (one row per date and data center, plus rows named
"Total"). The XLSX sheet is what a person charts or sums: one row per date, each data
center's deployed / planned (/ measured) in its own columns and the Total in its own
columns, so summing a column never counts the fleet twice (issue #14 item 12).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from desktop.domain.hashrate import Step
from desktop.services.export_writers import Table
from desktop.services.reports import ChartSeries
from desktop.services.session import Session

SERIES_HEADER = ("date", "data_center", "deployed_ths", "planned_ths", "measured_ths")
TOTAL = "Total"
Paced = Callable[[Iterable[Any], int], Iterator[Any]]


def _steps_on(index: list[date], steps: list[Step]) -> list[float]:
    """A step curve's value on each date of a sorted index (0 before its first step)."""
    values, value, i = [], 0.0, 0
    for day in index:
        while i < len(steps) and steps[i][0] <= day:
            value = steps[i][1]
            i += 1
        values.append(value)
    return values


@dataclass
class _Curves:
    index: list[date]
    columns: dict[str, tuple[list[float], list[float]]]  # name -> (deployed, planned) on the index
    measured: dict[str, dict[date, float]]


def _curves(session: Session, site_id: int | None) -> _Curves:
    by_site: dict[str, ChartSeries] = {}
    for site in session.store.list_sites():
        if site_id is None or site.id == site_id:
            by_site[site.name] = session.queries.series(site.id)
    if site_id is None:
        by_site[TOTAL] = session.queries.series(None)
    daily = session.measured.daily_measured()
    ids = {site.name: site.id for site in session.store.list_sites()} | {TOTAL: None}
    measured = {name: daily.get(ids.get(name), {}) for name in by_site}
    index = sorted(
        {day for s in by_site.values() for day, _ in (*s.deployed, *s.planned)}
        | {day for days in measured.values() for day in days}
    )
    columns: dict[str, tuple[list[float], list[float]]] = {}
    while by_site:  # each site's steps are freed once used: never ~1M objects freed in one C call
        name, series = by_site.popitem()
        columns[name] = (_steps_on(index, series.deployed), _steps_on(index, series.planned))
    return _Curves(index, dict(reversed(columns.items())), measured)  # popitem takes the last first


def _unpaced(items: Iterable[Any], expected: int) -> Iterator[Any]:
    return iter(items)


def series_table(session: Session, site_id: int | None, paced: Paced | None = None) -> Table:
    """Long: a row per (date, data center), "Total" rows included (CSV, JSON)."""
    return Table("series", SERIES_HEADER, _long_rows(session, site_id, paced or _unpaced), {"data_center": 22})


def _long_rows(session: Session, site_id: int | None, paced: Paced) -> Iterator[dict[str, Any]]:
    curves = _curves(session, site_id)
    for position, day in paced(enumerate(curves.index), len(curves.index)):
        for name, (deployed, planned) in curves.columns.items():
            yield {
                "date": day,
                "data_center": name,
                "deployed_ths": deployed[position],
                "planned_ths": planned[position],
                "measured_ths": curves.measured[name].get(day),
            }


def series_sheet(session: Session, site_id: int | None, paced: Paced | None = None) -> Table:
    """Wide: a row per date; each data center's curves and the Total in columns of their own (XLSX).

    Column keys end in _ths, so the sheet shows them in PH/s (xlsx_writer) while the
    cells keep TH/s. Measured columns appear only for a data center that was measured.
    """
    curves = _curves(session, site_id)
    header: list[str] = ["date"]
    titles: dict[str, str] = {"date": "Date"}
    for name in curves.columns:
        kinds = ("deployed", "planned", "measured") if curves.measured[name] else ("deployed", "planned")
        for kind in kinds:
            key = f"{name}\x1f{kind}_ths"
            header.append(key)
            titles[key] = f"{name}: {kind}"
    widths = dict.fromkeys(header[1:], max(14, min(30, max((len(t) + 2 for t in titles.values()), default=14))))
    return Table("series", tuple(header), _wide_rows(curves, paced or _unpaced), widths, titles)


def _wide_rows(curves: _Curves, paced: Paced) -> Iterator[dict[str, Any]]:
    for position, day in paced(enumerate(curves.index), len(curves.index)):
        row: dict[str, Any] = {"date": day}
        for name, (deployed, planned) in curves.columns.items():
            row[f"{name}\x1fdeployed_ths"] = deployed[position]
            row[f"{name}\x1fplanned_ths"] = planned[position]
            row[f"{name}\x1fmeasured_ths"] = curves.measured[name].get(day)
        yield row
