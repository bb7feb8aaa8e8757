"""Export of batches, the data centers' summary and the chart's series to CSV, XLSX, JSON.

* batches: the batch file format (batch_format.py), state as of ``at`` (default today).
* summary: ``summary --json`` flattened, one row per data center and a "Total" row;
  the JSON export is exactly the ``summary --json`` object.
* series: long format, one row per (date, data_center) with the cumulative deployed and
  planned TH/s on a date index common to every site, plus rows named "Total".
  measured_ths is what the miners reported that day (the day's polls averaged; empty
  where none was polled); the days measured join the index. The XLSX sheet is wide
  instead: a row per date, the Total in its own columns (series_export.py).
* miners: every known miner with its last reading (``miners --json``'s rows).
* XLSX: one workbook always carries the three sheets (batches, summary, series), the one
  asked for by ``what`` first, so import (which reads the first sheet) takes the batches
  of a batches export; a miners export puts its sheet before them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from desktop.domain.stages import Stage
from desktop.errors import HashplanError, ValidationError
from desktop.services.batch_format import EXPORT_HEADER, export_rows, site_row
from desktop.services.export_writers import Table, atomic_write, write_csv, write_json, write_json_rows
from desktop.services.measured import miner_to_json
from desktop.services.reports import summary_to_json
from desktop.services.series_export import SERIES_HEADER as SERIES_HEADER  # the long format's columns
from desktop.services.series_export import TOTAL, series_sheet, series_table
from desktop.services.session import Session
from desktop.services.xlsx_writer import write_xlsx

WHATS = ("batches", "summary", "series", "miners")
_WORKBOOK = ("batches", "summary", "series")  # the sheets every XLSX export carries
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
MINERS_HEADER = (
    "data_center",
    "address",
    "port",
    "reported_type",
    "model",
    "firmware",
    "status",
    "ths",
    "ideal_ths",
    "watts",
    "j_per_th",
    "max_temp_c",
    "read_at",
    "last_seen",
    "error",
)
_BATCH_WIDTHS = {"data_center": 22, "miner_model": 22, "supplier": 18, "notes": 40, "ordered_on": 12}
T = TypeVar("T")
# paced(items, expected) yields the items, reporting progress and checking cancel on the way.
Paced = Callable[[Iterable[Any], int], Iterator[Any]]


def _unpaced(items: Iterable[T], expected: int) -> Iterator[T]:
    return iter(items)


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


def batch_table(session: Session, site_id: int | None, at: date, paced: Paced | None = None) -> Table:
    """The batches as a stream of rows (read from one open statement while the file is written)."""
    return Table("batches", EXPORT_HEADER, _batch_rows(session, site_id, at, paced or _unpaced), _BATCH_WIDTHS)


def _batch_rows(session: Session, site_id: int | None, at: date, paced: Paced) -> Iterator[dict[str, Any]]:
    sites = {s.id: s for s in session.store.list_sites()}
    used: set[int] = set()
    # Counts as of ``at`` summed in SQL (== replay(batch, events, at)): no million event objects.
    batches = paced(session.queries.iter_batch_rows(site_id, at=at), session.queries.batch_count(site_id))
    for row in batches:
        yield from export_rows(row.batch, sites[row.batch.data_center_id], row.model, row.counts, row.deployed_on)
        used.add(row.batch.data_center_id)
    for sid, site in sites.items():  # sites without batches still travel (see batch_format)
        if sid not in used and (site_id is None or sid == site_id):
            yield site_row(site)


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


def _paced_summary(session: Session, site_id: int | None, at: date, paced: Paced) -> Table:
    table = summary_table(session, site_id, at)[0]
    rows = list(table.rows)
    return Table(table.title, table.header, paced(rows, len(rows)), table.widths)


def miners_table(session: Session, site_id: int | None, paced: Paced | None = None) -> Table:
    rows = [{"data_center": r.pop("site"), **r} for r in (miner_to_json(m) for m in session.measured.miners(site_id))]
    return Table("miners", MINERS_HEADER, (paced or _unpaced)(rows, len(rows)), {"model": 22, "firmware": 30})


class _Pace:
    """Progress and cancel while rows stream out, checked every CHECK_EVERY items.

    Each table has an equal share of the total; within it progress follows the items the
    table counts (batches read, dates written) against how many it expects.
    """

    SHARE = 1000
    CHECK_EVERY = 500

    def __init__(
        self, tables: int, progress: Callable[[int, int], None] | None, cancel: threading.Event | None
    ) -> None:
        self.total = tables * self.SHARE + 1  # the last step: the file renamed into place
        self.progress = progress
        self.cancel = cancel

    def report(self, done: int, *, can_cancel: bool = True) -> None:
        if can_cancel and self.cancel is not None and self.cancel.is_set():
            raise ExportCancelled()
        if self.progress:
            self.progress(done, self.total)

    def for_table(self, index: int) -> Paced:
        def paced(items: Iterable[T], expected: int) -> Iterator[T]:
            base = index * self.SHARE
            self.report(base)
            for n, item in enumerate(items, start=1):
                yield item
                if n % self.CHECK_EVERY == 0:
                    self.report(base + min(self.SHARE - 1, n * self.SHARE // max(expected, 1)))
            self.report(base + self.SHARE)

        return paced


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
    order = [what, *(w for w in _WORKBOOK if w != what)] if fmt == "xlsx" else [what]
    pace = _Pace(len(order), progress, cancel)
    pace.report(0)
    builders: dict[str, Callable[[Paced], Table]] = {
        "batches": lambda paced: batch_table(session, site_id, at, paced),
        "summary": lambda paced: _paced_summary(session, site_id, at, paced),
        "series": lambda paced: (series_sheet if fmt == "xlsx" else series_table)(session, site_id, paced),
        "miners": lambda paced: miners_table(session, site_id, paced),
    }
    # The tables are streams: rows are built as the writer takes them (see export_writers).
    tables = [builders[name](pace.for_table(step)) for step, name in enumerate(order)]
    main = tables[0]
    counts: list[int] = []
    try:
        if fmt == "csv":
            path = atomic_write(out, lambda p: counts.append(write_csv(p, main)))
        elif fmt == "json" and what == "summary":
            path = atomic_write(out, lambda p: write_json(p, summary_table(session, site_id, at)[1]))
            counts.append(sum(1 for _ in main.rows))
        elif fmt == "json":
            path = atomic_write(out, lambda p: counts.append(write_json_rows(p, main)))
        else:
            path = atomic_write(out, lambda p: counts.extend(write_xlsx(p, tables)), suffix=".xlsx")
    finally:
        for table in tables:  # a stream left half-read (a failure, a cancel) closes its statement now
            close = getattr(table.rows, "close", None)
            if close is not None:
                close()
    pace.report(pace.total, can_cancel=False)  # the file is in place: too late to cancel
    return ExportResult(path, what, fmt, counts[0])
