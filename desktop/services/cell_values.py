"""Fast, strict parsers for one import cell (the common spellings without Decimal).

Anything unusual falls through to desktop.domain.values, which gives the message.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from desktop.domain.stages import Stage, parse_stage
from desktop.domain.values import (
    MAX_ID,
    THS_PER_UNIT,
    WATTS_PER_UNIT,
    clean_name,
    parse_date,
    parse_money_cents,
    parse_non_negative,
    parse_positive,
    parse_ths_per_unit,
    parse_units,
    parse_watts_per_unit,
    shown,
)
from desktop.errors import ValidationError

_DIGITS = re.compile(r"^[0-9]{1,9}$")  # ASCII only: \d takes any script's digits
_ID = re.compile(r"^[0-9]{1,19}$")
_MONEY = re.compile(r"^([0-9]{1,12})(?:\.([0-9]{1,2}))?$")


def text_of(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return str(value)


def is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def units_cell(column: str, value: Any) -> int:
    if type(value) is int and 0 < value <= 10**9:  # an XLSX number cell (never a bool: type, not isinstance)
        return value
    if type(value) is float and value.is_integer() and 0 < value <= 10**9:  # calamine reads 48 as 48.0
        return int(value)
    if isinstance(value, str) and _DIGITS.match(value):  # the common case, without Decimal
        number = int(value)
        if number > 0:
            return number
    return parse_units(column, value)


def id_cell(column: str, value: Any) -> int:
    """A batch id: a whole number from 1 up to SQLite's largest integer; messages speak of ids."""
    number: int | None = None
    if isinstance(value, str) and _DIGITS.match(value):
        number = int(value)
        if number > 0:
            return number
        number = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and _ID.match(value.strip()):
        number = int(value.strip())
    if number is None or not 0 < number <= MAX_ID:
        said = "" if isinstance(value, int) and value.bit_length() > 64 else f"'{shown(text_of(value))}' "
        raise ValidationError(column, f"{said}is not a batch id (a whole number from 1 to {MAX_ID:,})")
    return number


def date_cell(column: str, value: Any) -> date | None:
    if type(value) is date:  # an XLSX date cell
        return value
    if isinstance(value, datetime):
        if value.time() != datetime.min.time():
            raise ValidationError(column, f"'{value}' has a time of day; give a date as YYYY-MM-DD")
        return value.date()
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:  # the common case; anything odd goes through parse_date for its message
            return date.fromisoformat(value)
        except ValueError:
            pass
    return parse_date(column, value, required=False)


def money_cell(column: str, value: Any) -> int:
    if type(value) is float:  # an XLSX number cell: its shortest text, as typed
        value = repr(value)
    elif type(value) is int:
        value = str(value)
    match = _MONEY.match(value) if isinstance(value, str) else None
    if match:  # plain "950" or "950.5" or "950.00": exact integer cents without Decimal
        cents = match.group(2) or ""
        return int(match.group(1)) * 100 + int((cents + "00")[:2])
    return parse_money_cents(column, value)


_STAGES = {s.value: s for s in Stage}


def stage_cell(column: str, value: Any) -> Stage:
    return _STAGES[value] if isinstance(value, str) and value in _STAGES else parse_stage(text_of(value))


_NUMBER = re.compile(r"^[0-9]{1,12}(\.[0-9]{1,12})?$")


def positive_cell(column: str, value: Any, unit: str) -> float:
    if type(value) in (int, float) and 0 < value <= 10**12:  # an XLSX number cell (NaN fails the test)
        return float(value)
    if isinstance(value, str) and _NUMBER.match(value):  # plain digits: float() rounds like Decimal
        number = float(value)
        if number > 0:
            return number
    return parse_positive(column, value, unit)


def ths_cell(column: str, value: Any) -> float:
    if isinstance(value, str) and _NUMBER.match(value):  # plain digits: float() rounds like Decimal
        number = float(value)
        if THS_PER_UNIT[0] <= number <= THS_PER_UNIT[1]:
            return number
    return parse_ths_per_unit(column, value)


def watts_cell(column: str, value: Any) -> float:
    if isinstance(value, str) and _NUMBER.match(value):
        number = float(value)
        if WATTS_PER_UNIT[0] <= number <= WATTS_PER_UNIT[1]:
            return number
    return parse_watts_per_unit(column, value)


def non_negative_cell(column: str, value: Any, unit: str) -> float:
    if type(value) in (int, float) and 0 <= value <= 10**12:
        return float(value)
    if isinstance(value, str) and _NUMBER.match(value):
        return float(value)
    return parse_non_negative(column, value, unit)


def name_cell(column: str, value: Any) -> str:
    return clean_name(column, text_of(value))
