"""Parsing and checking of single values: names, dates, whole units, money, rates."""

from __future__ import annotations

import math
import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from desktop.errors import ValidationError

_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_PLAIN = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")

MAX_NAME_LENGTH = 120


def clean_name(field: str, text: str | None) -> str:
    """Trim and fold inner white space; refuse empty or over-long names."""
    name = " ".join((text or "").split())
    if not name:
        raise ValidationError(field, "is required")
    if len(name) > MAX_NAME_LENGTH:
        raise ValidationError(field, f"is longer than {MAX_NAME_LENGTH} characters")
    return name


def name_key(name: str) -> str:
    """The identity of a name: trimmed, inner spaces folded, case-insensitive."""
    return " ".join(name.split()).casefold()


def clean_text(text: str | None) -> str:
    return (text or "").strip()


def parse_date(field: str, value: str | date | None, *, required: bool = True) -> date | None:
    if isinstance(value, date):
        return value
    text = "" if value is None else str(value).strip()  # a JSON import may give a number
    if not text:
        if required:
            raise ValidationError(field, "is required (a date as YYYY-MM-DD)")
        return None
    try:
        if len(text) != 10:
            raise ValueError
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationError(field, f"'{text}' is not a date as YYYY-MM-DD") from None


def _to_decimal(field: str, value: object) -> Decimal:
    if isinstance(value, bool):
        raise ValidationError(field, f"'{value}' is not a number")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValidationError(field, f"'{value}' is not a finite number")
        return Decimal(repr(value))
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValidationError(field, f"'{value}' is not a finite number")
        return value
    text = str(value if value is not None else "").strip()
    if not text:
        raise ValidationError(field, "is required")
    if _THOUSANDS.match(text):
        text = text.replace(",", "")
    elif not _PLAIN.match(text):
        raise ValidationError(field, f"'{text}' is not a number")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValidationError(field, f"'{text}' is not a number") from None
    if not number.is_finite():
        raise ValidationError(field, f"'{text}' is not a finite number")
    return number


def parse_units(field: str, value: object) -> int:
    """A whole, positive number of units ("3,819" accepted)."""
    number = _to_decimal(field, value)
    if number != number.to_integral_value():
        raise ValidationError(field, f"must be a whole number of units, not {number}")
    if number <= 0:
        raise ValidationError(field, f"must be more than 0, not {number}")
    if number > 10**9:
        raise ValidationError(field, f"{number} is more units than any fleet holds")
    return int(number)


def parse_positive(field: str, value: object, unit: str) -> float:
    number = _to_decimal(field, value)
    if number <= 0:
        raise ValidationError(field, f"must be more than 0 {unit}, not {number}")
    if number > 10**12:
        raise ValidationError(field, f"{number} {unit} is out of range")
    return float(number)


def parse_non_negative(field: str, value: object, unit: str) -> float:
    number = _to_decimal(field, value)
    if number < 0:
        raise ValidationError(field, f"cannot be negative ({number} {unit})")
    if number > 10**12:
        raise ValidationError(field, f"{number} {unit} is out of range")
    return float(number)


def parse_money_cents(field: str, value: object) -> int:
    """USD (with cents) to integer cents; never negative."""
    number = _to_decimal(field, value)
    if number < 0:
        raise ValidationError(field, f"cannot be negative (USD {number})")
    if number > Decimal(10) ** 13:
        raise ValidationError(field, f"USD {number} is out of range")
    return int((number * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def cents_to_decimal(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(Decimal("0.01"))
