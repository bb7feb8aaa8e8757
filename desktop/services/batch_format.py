"""The batch file format shared by import and export: one row per batch (or batch part).

Columns (fixed names, this order)::

    id,data_center,country,miner_model,vendor,ths_per_unit,watts_per_unit,units,
    ordered_on,expected_on,unit_price_usd,supplier,status,deployed_units,deployed_on,notes

plus one optional trailing column, ``data_center_capacity_mw``, that exports write so a
round trip keeps each site's power capacity (part of ``summary --json``). An import may
give ``total_cost_usd`` (the row's lot total) instead of, or beside, ``unit_price_usd``:
it must split into whole cents over the row's units (domain/batch_rules.py, as the form).

Rules (README "Import and export" says the same for operators):

* ``status`` says where ALL the row's units are: ordered, in_transit, on_site, deployed,
  retired, cancelled. With status ``deployed``, ``deployed_units`` fewer than ``units``
  means a partial deployment: the rest are on site.
* A row becomes a batch plus the events that produce that state. Deployments are dated
  ``deployed_on``; every other event the row implies (shipped, delivered, cancelled) is
  dated ``ordered_on``, the only date the row guarantees is not after the state it
  describes (``expected_on`` may lie in the future, and an event there would make today's
  summary show the units as still ordered). Retirements, having no date column, are dated
  like the deployment they follow (``deployed_on``, else ``ordered_on``).
* Rows sharing an ``id`` are parts of ONE batch: their batch fields must agree, their
  units add up and each part's status says where its units are. Export writes a batch
  whose units are spread in a way one row cannot say (say 100 ordered and 50 in transit)
  as several such rows, so import(export(x)) gives the same batches, the same stage
  counts and the same ``summary --json``; only the dates of past shipments and
  deliveries collapse to the rules above. Export takes the state as of ``--at`` (default
  today), so events dated later are not in the file.
* A row with a data center and every batch column empty describes a data center without
  batches (export writes one for each such site, so it survives the round trip).
* Text cells that a spreadsheet would run as a formula (starting with = + - @, tab or CR)
  get a leading apostrophe in CSV and XLSX (OWASP's advice); a text that itself starts
  with an apostrophe gets one more. Import of CSV/XLSX removes exactly one leading
  apostrophe, so the round trip gives back the exact text. JSON is not escaped.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from desktop.domain.batch_rules import unit_price_cents
from desktop.domain.entities import Batch, BatchEvent, DataCenter, MinerModel
from desktop.domain.ledger import StageCounts
from desktop.domain.stages import EventKind, Stage
from desktop.domain.values import clean_text
from desktop.errors import ValidationError
from desktop.services.cell_escape import neutralise
from desktop.services.cell_values import (
    date_cell,
    id_cell,
    is_empty,
    money_cell,
    name_cell,
    non_negative_cell,
    stage_cell,
    text_of,
    ths_cell,
    units_cell,
    watts_cell,
)

HEADER: tuple[str, ...] = (
    "id",
    "data_center",
    "country",
    "miner_model",
    "vendor",
    "ths_per_unit",
    "watts_per_unit",
    "units",
    "ordered_on",
    "expected_on",
    "unit_price_usd",
    "supplier",
    "status",
    "deployed_units",
    "deployed_on",
    "notes",
)
CAPACITY_COLUMN = "data_center_capacity_mw"
EXPORT_HEADER: tuple[str, ...] = (*HEADER, CAPACITY_COLUMN)
TOTAL_COLUMN = "total_cost_usd"  # import only: the lot's total instead of the unit price
KNOWN_COLUMNS = frozenset((*EXPORT_HEADER, TOTAL_COLUMN))
REQUIRED_COLUMNS: tuple[str, ...] = (
    "data_center",
    "miner_model",
    "units",
    "ordered_on",
    "expected_on",
    "unit_price_usd",
    "status",
)
_REQUIRED = frozenset(REQUIRED_COLUMNS)
TEXT_COLUMNS = frozenset({"data_center", "country", "miner_model", "vendor", "supplier", "notes"})
# Columns that make a row a batch; a row with all of them empty is a data-center row.
_BATCH_COLUMNS = tuple(c for c in HEADER if c not in ("data_center", "country"))
MAX_TEXT_LENGTH = 10_000


@dataclass(frozen=True)
class SiteRow:
    """A data center named by the file (from a batch row or a data-center row)."""

    row: int
    name: str
    country: str
    capacity_mw: float | None


@dataclass(frozen=True)
class BatchRecord:
    """One validated batch row: the batch's fields and the state of the row's units."""

    row: int
    batch_id: int | None
    site: SiteRow
    miner_model: str
    vendor: str
    ths: float | None
    watts: float | None
    units: int
    ordered_on: date
    expected_on: date
    unit_price_cents: int
    supplier: str
    status: Stage
    deployed_units: int
    deployed_on: date | None
    notes: str

    def batch_fields(self) -> tuple[Any, ...]:
        """What must agree between rows that are parts of one batch."""
        return (
            self.site.name.casefold(),
            self.miner_model.casefold(),
            self.ordered_on,
            self.expected_on,
            self.unit_price_cents,
            self.supplier,
            self.notes,
        )

    def events(self, batch_id: int) -> list[BatchEvent]:
        """The events that put this row's units where ``status`` says (dating rules above)."""
        return [BatchEvent(batch_id, EventKind(kind), units, on) for kind, units, on in self._moves()]

    def event_rows(self, batch_id: int) -> list[tuple[int, str, int, str, str]]:
        """The same events in column form (batch_id, kind, units, ISO date, note) for a bulk insert."""
        return [(batch_id, kind, units, on.isoformat(), "") for kind, units, on in self._moves()]

    def _moves(self) -> list[tuple[str, int, date]]:
        n, status, on = self.units, self.status, self.ordered_on
        if status is Stage.ORDERED:
            return []
        if status is Stage.CANCELLED:
            return [("cancelled", n, on)]
        if status is Stage.IN_TRANSIT:
            return [("shipped", n, on)]
        if status is Stage.ON_SITE:
            return [("shipped", n, on), ("delivered", n, on)]
        deployed_on = self.deployed_on or on
        if status is Stage.DEPLOYED:
            return [("shipped", n, on), ("delivered", n, on), ("deployed", self.deployed_units, deployed_on)]
        return [("shipped", n, on), ("delivered", n, on), ("deployed", n, deployed_on), ("retired", n, deployed_on)]


class RowProblems(Exception):
    """Every problem of one row as (column, message) pairs."""

    def __init__(self, problems: list[tuple[str, str]], model: tuple[str, float | None, float | None] | None = None):
        super().__init__(problems)
        self.problems = problems
        self.model = model  # (name, TH/s, W) when they parsed: the catalog check still runs


class _Checker:
    """Collects every problem of a row instead of stopping at the first.

    Cells are normalised once: blank text becomes None, and in CSV/XLSX text columns
    lose the one leading apostrophe that export adds (see neutralise).
    """

    def __init__(self, cells: Mapping[str, Any], unescape: bool) -> None:
        self.problems: list[tuple[str, str]] = []
        values: dict[str, Any] = {}
        for column, value in cells.items():
            if isinstance(value, str):
                if value[:1] == "'" and unescape and column in TEXT_COLUMNS:
                    value = value[1:]
                if len(value) > MAX_TEXT_LENGTH:
                    self.problems.append((column, f"is {len(value):,} characters long (at most {MAX_TEXT_LENGTH:,})"))
                    value = None
                elif not value or value.isspace():
                    value = None
            values[column] = value
        self.values = values

    def check(self, column: str, parse: Any, *args: Any) -> Any:
        value = self.values.get(column)
        if value is None:
            if column in _REQUIRED:
                self.problems.append((column, "is required"))
            return None
        try:
            return parse(column, value, *args)
        except ValidationError as error:
            self.problems.append((column, error.message))
            return None

    def optional(self, column: str, parse: Any, *args: Any) -> Any:
        """``check`` for a column that another one may stand in for."""
        if self.values.get(column) is None:
            return None
        return self.check(column, parse, *args)

    def text(self, column: str) -> str:
        value = self.values.get(column)
        if value is None:
            return ""
        try:  # a NUL or a lone CR would not survive the CSV round trip: refused, named
            return clean_text(value if isinstance(value, str) else text_of(value), column, multiline=column == "notes")
        except ValidationError as error:
            self.problems.append((column, error.message))
            return ""

    def empty(self, columns: tuple[str, ...]) -> bool:
        values = self.values
        return all(values.get(c) is None for c in columns)


def is_blank(cells: Mapping[Any, Any]) -> bool:
    return all(is_empty(v) for v in cells.values())


def parse_row(row: int, cells: Mapping[str, Any], *, unescape: bool) -> BatchRecord | SiteRow:
    """Validates one row (column name -> cell); raises RowProblems listing every problem."""
    c = _Checker(cells, unescape)
    site_name = c.check("data_center", name_cell)
    capacity = c.check(CAPACITY_COLUMN, non_negative_cell, "MW")
    site = SiteRow(row, site_name or "", c.text("country"), capacity)
    if c.empty(_BATCH_COLUMNS):
        if c.problems:
            raise RowProblems(c.problems)
        return site
    batch_id = c.check("id", id_cell)
    model = c.check("miner_model", name_cell)
    ths = c.check("ths_per_unit", ths_cell)
    watts = c.check("watts_per_unit", watts_cell)
    units = c.check("units", units_cell)
    ordered_on = c.check("ordered_on", date_cell)
    expected_on = c.check("expected_on", date_cell)
    # The unit price is required unless the row gives its lot's total instead.
    price_from = c.check if c.empty((TOTAL_COLUMN,)) else c.optional
    price = price_from("unit_price_usd", money_cell)
    total = c.check(TOTAL_COLUMN, money_cell)
    status = c.check("status", stage_cell)
    deployed_units = c.check("deployed_units", units_cell)
    deployed_on = c.check("deployed_on", date_cell)
    vendor, supplier, notes = c.text("vendor"), c.text("supplier"), c.text("notes")
    if ordered_on and expected_on and expected_on < ordered_on:
        c.problems.append(("expected_on", f"{expected_on} is before the order date {ordered_on}"))
    if ordered_on and deployed_on and deployed_on < ordered_on:
        c.problems.append(("deployed_on", f"{deployed_on} is before the order date {ordered_on}"))
    if status is not None and status not in (Stage.DEPLOYED, Stage.RETIRED):
        if deployed_units is not None:
            c.problems.append(("deployed_units", f"is only for status deployed, not {status.value}"))
        if deployed_on is not None:
            c.problems.append(("deployed_on", f"is only for status deployed or retired, not {status.value}"))
    if status is Stage.RETIRED and deployed_units is not None and deployed_units != units:
        c.problems.append(("deployed_units", "must be empty or equal to units for status retired"))
    if units is not None and deployed_units is not None and deployed_units > units:
        c.problems.append(("deployed_units", f"{deployed_units:,} is more than the row's {units:,} units"))
    if units is not None and total is not None and not any(col == "unit_price_usd" for col, _ in c.problems):
        try:
            price = unit_price_cents(
                units, unit_price=price, total=total, price_field="unit_price_usd", total_field=TOTAL_COLUMN
            )
        except ValidationError as error:
            c.problems.append((error.field, error.message))
    if c.problems:
        raise RowProblems(c.problems, (model, ths, watts) if model else None)
    assert units and ordered_on and expected_on and status and price is not None and model
    return BatchRecord(
        row=row,
        batch_id=batch_id,
        site=site,
        miner_model=model,
        vendor=vendor,
        ths=ths,
        watts=watts,
        units=units,
        ordered_on=ordered_on,
        expected_on=expected_on,
        unit_price_cents=price,
        supplier=supplier,
        status=status,
        deployed_units=(deployed_units or units) if status is Stage.DEPLOYED else 0,
        deployed_on=deployed_on,
        notes=notes,
    )


# -- export ---------------------------------------------------------------------------


def stage_parts(counts: StageCounts) -> list[tuple[Stage, int, int | None]]:
    """A batch's units as rows the format can say: (status, units, deployed_units)."""
    parts: list[tuple[Stage, int, int | None]] = []
    if counts.deployed:
        parts.append((Stage.DEPLOYED, counts.deployed + counts.on_site, counts.deployed))
    elif counts.on_site:
        parts.append((Stage.ON_SITE, counts.on_site, None))
    for stage in (Stage.ORDERED, Stage.IN_TRANSIT, Stage.RETIRED, Stage.CANCELLED):
        if counts[stage]:
            parts.append((stage, counts[stage], None))
    return parts


def export_rows(
    batch: Batch, site: DataCenter, model: MinerModel, counts: StageCounts, deployed_on: date | None
) -> list[dict[str, Any]]:
    """The rows (column -> typed value: int, float, date, str or None) for one batch."""
    base: dict[str, Any] = {
        "id": batch.id,
        "data_center": site.name,
        "country": site.country,
        "miner_model": model.name,
        "vendor": model.vendor,
        "ths_per_unit": model.ths,
        "watts_per_unit": model.watts,
        "ordered_on": batch.ordered_on,
        "expected_on": batch.expected_on,
        "unit_price_usd": batch.unit_price_cents / 100,
        "supplier": batch.supplier,
        "notes": batch.notes,
        CAPACITY_COLUMN: site.capacity_mw,
    }
    result = []
    for status, units, deployed_units in stage_parts(counts) or [(Stage.ORDERED, batch.units, None)]:
        row = dict(base)
        row["units"] = units
        row["status"] = status.value
        row["deployed_units"] = deployed_units
        row["deployed_on"] = deployed_on if status in (Stage.DEPLOYED, Stage.RETIRED) else None
        result.append({column: row[column] for column in EXPORT_HEADER})
    return result


def site_row(site: DataCenter) -> dict[str, Any]:
    """The row of a data center without batches."""
    row: dict[str, Any] = dict.fromkeys(EXPORT_HEADER)
    row.update(data_center=site.name, country=site.country, **{CAPACITY_COLUMN: site.capacity_mw})
    return row


def cell_text(column: str, value: Any, *, escape: bool) -> str:
    """A typed value as CSV text: ISO dates, plain numbers, money with cents."""
    if value is None:
        return ""
    if column == "unit_price_usd":
        return f"{value:.2f}"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (date, int)):
        return value.isoformat() if isinstance(value, date) else str(value)
    text = str(value)
    return neutralise(text) if escape else text
