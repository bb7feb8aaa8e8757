"""The batch table's columns and their sort order: plain Python, shared with the worker."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from desktop.domain.stages import Stage
from desktop.services.reports import BatchRow

SortSpec = tuple[int, bool]  # (column, descending)


@dataclass(frozen=True)
class Column:
    title: str
    value: Callable[[BatchRow], Any]  # the raw value: sorting and tests use it
    text: Callable[[Any], str] = str
    numeric: bool = False
    tooltip: str = ""
    key: str = ""  # the SQL sort key (store/batch_selection.py SORT_KEYS)


def _int(value: int) -> str:
    return f"{value:,}"


def _date(value: date | None) -> str:
    return value.isoformat() if value else ""


_CHUNKS = re.compile(r"(\d+)")


def natural_key(text: str) -> tuple[tuple[int, int | str], ...]:
    """Text with its numbers compared as numbers: "Antminer S9" before "Antminer S21"."""
    return tuple((0, int(part)) if part.isdigit() else (1, part.casefold()) for part in _CHUNKS.split(text) if part)


def _stage(stage: Stage) -> Callable[[BatchRow], int]:
    return lambda row: row.counts[stage]


COLUMNS: tuple[Column, ...] = (
    # An id is a name, not a quantity: "47213", never "47,213" (and no "47,..." when cut).
    Column("ID", lambda r: r.batch.id or 0, str, True, "Batch number (what the command line calls ID)", key="id"),
    Column("Data center", lambda r: r.site_name, key="site"),
    Column("Model", lambda r: r.model.label, key="model"),
    Column("Units", lambda r: r.batch.units, _int, True, "Units bought in this batch", key="units"),
    # Early: a 1024-pixel window shows where each batch is without scrolling (issue #14 item 6).
    Column("Status", lambda r: r.status, key="status"),
    Column("Ordered", _stage(Stage.ORDERED), _int, True, "Units not shipped yet", key="ordered"),
    Column("In transit", _stage(Stage.IN_TRANSIT), _int, True, "Units shipped, not delivered", key="in_transit"),
    Column("On site", _stage(Stage.ON_SITE), _int, True, "Units delivered, not yet hashing", key="on_site"),
    Column("Deployed", _stage(Stage.DEPLOYED), _int, True, "Units hashing", key="deployed"),
    Column("Retired", _stage(Stage.RETIRED), _int, True, key="retired"),
    Column("Cancelled", _stage(Stage.CANCELLED), _int, True, key="cancelled"),
    Column(
        "TH/s", lambda r: r.planned_ths, lambda v: f"{v:,.1f}", True, "Planned hash rate: active units x TH/s",
        key="planned_ths",
    ),
    Column("Cost (USD)", lambda r: r.cost_cents, lambda v: f"{v / 100:,.2f}", True, "Units x unit price", key="cost"),
    Column("Ordered on", lambda r: r.batch.ordered_on, _date, key="ordered_on"),
    Column("Expected on", lambda r: r.batch.expected_on, _date, tooltip="Expected deployment date", key="expected_on"),
    Column("Deployed on", lambda r: r.deployed_on, _date, tooltip="Latest deployment", key="deployed_on"),
    Column("Supplier", lambda r: r.batch.supplier, key="supplier"),
    Column("Notes", lambda r: " ".join(r.batch.notes.split()), tooltip="The batch's notes (on one line)", key="notes"),
)
COLUMN_INDEX = {column.title: i for i, column in enumerate(COLUMNS)}


def sort_rows(rows: Sequence[BatchRow], spec: SortSpec | None) -> list[BatchRow]:
    """Rows by the column's raw value (numbers as numbers, dates as dates); ties by batch id."""
    if spec is None or not 0 <= spec[0] < len(COLUMNS):
        return list(rows)
    value = COLUMNS[spec[0]].value

    def key(row: BatchRow) -> tuple[bool, Any, int]:
        v = value(row)
        return (v is None, natural_key(v) if isinstance(v, str) else v, row.batch.id or 0)

    return sorted(rows, key=key, reverse=spec[1])
