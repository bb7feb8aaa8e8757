"""Typed service inputs: what a form, a command-line argument or a script hands to FleetService.

Each edge parses its text once, with ``parse`` (a ValidationError names the field and what
is wrong, before anything is written); the service's typed methods take these values and
check what needs the database (names in use, the batch's events, the site and model exist).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from desktop.domain.batch_rules import unit_price_cents
from desktop.domain.stages import EventKind, parse_event_kind
from desktop.domain.values import (
    clean_name,
    clean_text,
    parse_date,
    parse_money_cents,
    parse_non_negative,
    parse_ths_per_unit,
    parse_units,
    parse_watts_per_unit,
)

Ref = int | str  # a data center or miner model by id, or by name (as the command line gives it)


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: object) -> str | None:
    return None if value is None else str(value)


@dataclass(frozen=True)
class SiteInput:
    name: str
    country: str = ""
    capacity_mw: float | None = None
    notes: str = ""

    @classmethod
    def parse(cls, name: object, country: object = "", capacity_mw: object = None, notes: object = "") -> SiteInput:
        return cls(
            clean_name("name", _text(name)),
            clean_text(_text(country), "country"),
            None if _blank(capacity_mw) else parse_non_negative("capacity_mw", capacity_mw, "MW"),
            clean_text(_text(notes), "notes", multiline=True),
        )


@dataclass(frozen=True)
class ModelInput:
    name: str
    vendor: str
    ths: float
    watts: float

    @classmethod
    def parse(cls, name: object, vendor: object, ths: object, watts: object) -> ModelInput:
        return cls(
            clean_name("model", _text(name)),
            clean_text(_text(vendor), "vendor"),
            parse_ths_per_unit("ths", ths),
            parse_watts_per_unit("watts", watts),
        )


@dataclass(frozen=True)
class BatchInput:
    data_center: Ref
    model: Ref
    units: int
    ordered_on: date
    expected_on: date
    unit_price_cents: int = 0
    supplier: str = ""
    notes: str = ""

    @classmethod
    def parse(
        cls,
        data_center: Ref,
        model: Ref,
        units: object,
        ordered_on: object,
        expected_on: object = None,
        unit_price_usd: object = 0,
        supplier: object = "",
        notes: object = "",
        *,
        total_cost_usd: object = None,
    ) -> BatchInput:
        """The first problem is raised, in the form's order; a lot total is split by batch_rules."""
        count = parse_units("units", units)
        ordered = parse_date("ordered_on", _date_text(ordered_on))
        assert ordered is not None  # required: parse_date raised otherwise
        expected = parse_date("expected_on", _date_text(expected_on), required=False) or ordered
        if not _blank(total_cost_usd):
            price = unit_price_cents(count, total=parse_money_cents("total_cost", total_cost_usd))
        else:
            price = parse_money_cents("unit_price", 0 if _blank(unit_price_usd) else unit_price_usd)
        return cls(data_center, model, count, ordered, expected, price, clean_text(_text(supplier), "supplier"),
                   clean_text(_text(notes), "notes", multiline=True))  # fmt: skip


@dataclass(frozen=True)
class EventInput:
    kind: EventKind
    units: int
    occurred_on: date
    note: str = ""

    @classmethod
    def parse(cls, kind: object, units: object, occurred_on: object = None, note: object = "") -> EventInput:
        return cls(
            kind if isinstance(kind, EventKind) else parse_event_kind(str(kind)),
            parse_units("units", units),
            parse_date("date", _date_text(occurred_on), required=False) or date.today(),
            clean_text(_text(note), "note", multiline=True),
        )


def _date_text(value: object) -> str | date | None:
    return value if value is None or isinstance(value, (str, date)) else str(value)
