"""Export of batches, the data centers' summary and the chart's series to CSV, XLSX, JSON.

* batches: the batch file format (batch_format.py), state as of ``at`` (default today).
* summary: ``summary --json`` flattened, one row per data center and a "Total" row;
  the JSON export is exactly the ``summary --json`` object.
* series: long format, one row per (date, data_center) with the cumulative deployed and
  planned TH/s on a date index common to every site, plus rows named "Total".
* XLSX: one workbook always carries the three sheets (batches, summary, series), the one
  asked for by ``what`` first, so import (which reads the first sheet) takes the batches
  of a batches export.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from desktop.domain.hashrate import Step
from desktop.domain.stages import Stage
from desktop.errors import HashplanError, ValidationError
from desktop.services.batch_format import EXPORT_HEADER, export_rows, site_row
from desktop.services.export_writers import Table, atomic_write, rows_as_json, write_csv, write_json, write_xlsx
from desktop.services.reports import ChartSeries, summary_to_json
from desktop.services.session import Session

WHATS = ("batches", "summary", "series")
FORMATS = ("csv", "xlsx", "json")
SUMMARY_HEADER = (
    "as_of",
    "data_center",
    *(f"units_{s.value}" for s in Stage),
    "deployed_ths",
    "planned_ths",
    "deployed_power_mw",
    "capacity_mw",
)
SERIES_HEADER = ("date", "data_center", "deployed_ths", "planned_ths")
TOTAL = "Total"
_BATCH_WIDTHS = {"data_center": 22, "miner_model": 22, "supplier": 18, "notes": 40, "ordered_on": 12}


class ExportCancelled(HashplanError):
    def __init__(self) -> None:
        super().__init__("export cancelled: no file was written")


@dataclass(frozen=True)
class ExportResult:
    path: Path
    what: str
    format: str
    rows: int

    def describe(self) -> str:
        return f"exported {self.what}: {self.rows:,} rows to {self.path} ({self.format.upper()})"


def guess_format(path: str | Path) -> str | None:
    suffix = Path(path).suffix.lower().lstrip(".")
    return suffix if suffix in FORMATS else None


def _site_id(session: Session, site: str | None) -> int | None:
    return None if not site else session.fleet.site(site).id


def batch_table(session: Session, site_id: int | None, at: date) -> Table:
    sites = {s.id: s for s in session.store.list_sites()}
    rows: list[dict[str, Any]] = []
    used: set[int] = set()
    # Counts as of ``at`` summed in SQL (== replay(batch, events, at)): no million event objects.
    for row in session.queries.batch_rows(site_id, at=at):
        rows.extend(export_rows(row.batch, sites[row.batch.data_center_id], row.model, row.counts, row.deployed_on))
        used.add(row.batch.data_center_id)
    for sid, site in sites.items():  # sites without batches still travel (see batch_format)
        if sid not in used and (site_id is None or sid == site_id):
            rows.append(site_row(site))
    return Table("batches", EXPORT_HEADER, rows, _BATCH_WIDTHS)


def summary_table(session: Session, site_id: int | None, at: date) -> tuple[Table, dict[str, Any]]:
    summary = session.queries.summary(at)
    body = summary_to_json(summary)
    if site_id is not None:
        keep = [i for i, f in enumerate(summary.sites) if f.data_center_id == site_id]
        body["data_centers"] = [body["data_centers"][i] for i in keep]
    rows = []
    entries = [*body["data_centers"], {"name": TOTAL, **body["total"]}] if site_id is None else body["data_centers"]
    for entry in entries:
        row: dict[str, Any] = {"as_of": summary.as_of, "data_center": entry["name"]}
        row.update({f"units_{k}": v for k, v in entry["units"].items()})
        row.update({k: entry[k] for k in ("deployed_ths", "planned_ths", "deployed_power_mw", "capacity_mw")})
        rows.append(row)
    return Table("summary", SUMMARY_HEADER, rows, {"data_center": 22}), body


def _steps_on(index: list[date], steps: list[Step]) -> list[float]:
    """A step curve's value on each date of a sorted index (0 before its first step)."""
    values, value, i = [], 0.0, 0
    for day in index:
        while i < len(steps) and steps[i][0] <= day:
            value = steps[i][1]
            i += 1
        values.append(value)
    return values


def series_table(session: Session, site_id: int | None) -> Table:
    by_site: dict[str, ChartSeries] = {}
    for site in session.store.list_sites():
        if site_id is None or site.id == site_id:
            by_site[site.name] = session.queries.series(site.id)
    if site_id is None:
        by_site[TOTAL] = session.queries.series(None)
    index = sorted({day for s in by_site.values() for day, _ in (*s.deployed, *s.planned)})
    rows: list[dict[str, Any]] = []
    columns = {name: (_steps_on(index, s.deployed), _steps_on(index, s.planned)) for name, s in by_site.items()}
    for position, day in enumerate(index):
        for name, (deployed, planned) in columns.items():
            rows.append(
                {"date": day, "data_center": name, "deployed_ths": deployed[position], "planned_ths": planned[position]}
            )
    return Table("series", SERIES_HEADER, rows, {"data_center": 22})


def export(
    session: Session,
    what: str,
    fmt: str,
    out: str | Path,
    *,
    site: str | None = None,
    at: date | None = None,
    cancel: threading.Event | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ExportResult:
    """Writes one export; the file appears complete or not at all."""
    if what not in WHATS:
        raise ValidationError("--what", f"'{what}' is not one of {', '.join(WHATS)}")
    if fmt not in FORMATS:
        raise ValidationError("--format", f"'{fmt}' is not one of {', '.join(FORMATS)}")
    at = at or date.today()
    site_id = _site_id(session, site)
    builders: dict[str, Callable[[], Table]] = {
        "batches": lambda: batch_table(session, site_id, at),
        "summary": lambda: summary_table(session, site_id, at)[0],
        "series": lambda: series_table(session, site_id),
    }
    order = [what, *(w for w in WHATS if w != what)] if fmt == "xlsx" else [what]
    tables = []
    for step, name in enumerate(order):
        if cancel is not None and cancel.is_set():
            raise ExportCancelled()
        if progress:
            progress(step, len(order) + 1)
        tables.append(builders[name]())
    main = tables[0]
    if fmt == "csv":
        path = atomic_write(out, lambda p: write_csv(p, main))
    elif fmt == "json":
        payload: Any = summary_table(session, site_id, at)[1] if what == "summary" else rows_as_json(main)
        path = atomic_write(out, lambda p: write_json(p, payload))
    else:
        path = atomic_write(out, lambda p: write_xlsx(p, tables), suffix=".xlsx")
    if progress:
        progress(len(order) + 1, len(order) + 1)
    return ExportResult(path, what, fmt, len(main.rows))
