"""Parsing and checking of single values: names, dates, whole units, money, rates."""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date

from desktop.errors import ValidationError

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (a start-up cost)
if TYPE_CHECKING:
    from decimal import Decimal

# decimal (with numbers: ~2 ms) is imported by the functions that parse figures, not by every
# command that imports this module for names and dates.

# ASCII digits only: Python's \d and Decimal() also take Arabic-Indic or full-width digits.
_THOUSANDS = re.compile(r"^[+-]?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?$")
_THOUSANDS_POINT = re.compile(r"^[1-9][0-9]{0,2}\.[0-9]{3}$")  # "2.640": 2,640 in Germany
_CURRENCY = re.compile(r"^(?:US\$|\$|USD\s*)|\s*USD$", re.IGNORECASE)
_PLAIN = re.compile(r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$")

MAX_NAME_LENGTH = 120
MAX_ID = 2**63 - 1  # SQLite's largest INTEGER: no record id is larger
MAX_NUMBER_LENGTH = 40  # "1,000,000,000,000.00" is 20; longer text is no figure anyone typed
# Per unit: the catalog runs 13.5-200 TH/s and 1,323-3,500 W; these bounds leave room for
# any ASIC to come and refuse typos (a 5e-324 W miner) that would wreck every ratio.
THS_PER_UNIT = (0.001, 100_000)
WATTS_PER_UNIT = (1, 100_000)


def shown(value: object, limit: int = 24) -> str:
    """A value as a message quotes it: cut short, so a 5,000-digit paste makes one line."""
    text = str(value)
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text):,} characters)"


def _without_format_characters(text: str) -> str:
    # Zero-width and bidi controls (category Cf: \u200b, \u202e, \ufeff...) make look-alike names.
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf")


def _refuse_control_characters(field: str, text: str, *, multiline: bool) -> None:
    for ch in text:
        if unicodedata.category(ch) == "Cc" and not (multiline and ch == "\n"):
            where = "" if multiline else " (it is a single line)"
            raise ValidationError(field, f"contains the control character U+{ord(ch):04X}{where}; remove it")


def normalise_name(text: str) -> str:
    """NFC, without format characters, inner white space folded, trimmed: the form names are
    stored and matched in. ASCII (nearly every name) takes the short way."""
    if not text.isascii():
        text = _without_format_characters(unicodedata.normalize("NFC", text))
    return " ".join(text.split())


def clean_name(field: str, text: str | None) -> str:
    """A name as stored: normalised; refuses empty, over-long or control characters."""
    raw = text or ""
    if not (raw.isascii() and raw.isprintable()):
        _refuse_control_characters(field, raw, multiline=False)
    name = normalise_name(raw)
    if not name:
        raise ValidationError(field, "is required")
    if len(name) > MAX_NAME_LENGTH:
        raise ValidationError(field, f"is longer than {MAX_NAME_LENGTH} characters")
    return name


def name_key(name: str) -> str:
    """The identity of a name: normalised (see normalise_name), case-insensitive."""
    return normalise_name(name).casefold()


def clean_text(text: str | None, field: str = "text", *, multiline: bool = False) -> str:
    """Free text (country, vendor, supplier, notes): NFC and trimmed; control characters are
    refused (a NUL or a lone CR does not survive a CSV round trip). ``multiline`` (notes)
    keeps line breaks; a Windows CRLF counts as one."""
    raw = text or ""
    if raw.isascii() and raw.isprintable():
        return raw.strip()
    if multiline:
        raw = raw.replace("\r\n", "\n")
    _refuse_control_characters(field, raw, multiline=multiline)
    return unicodedata.normalize("NFC", raw).strip()


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
        day = date.fromisoformat(text)
    except ValueError:
        raise ValidationError(field, _why_not_a_date(text)) from None
    check_plausible_date(field, day)
    return day


EARLIEST_DATE = date(2009, 1, 3)  # Bitcoin's first block: no miner was bought before it
YEARS_AHEAD = 30  # an expected date further out is a typo (2201 for 2021), not a plan


def check_plausible_date(field: str, day: date, today: date | None = None) -> None:
    """Refuses dates no operator means: before Bitcoin, or decades ahead."""
    latest = (today or date.today()).year + YEARS_AHEAD
    if day < EARLIEST_DATE:
        raise ValidationError(field, f"{day.isoformat()} is before 2009-01-03, when Bitcoin began")
    if day.year > latest:
        raise ValidationError(field, f"{day.isoformat()} is more than {YEARS_AHEAD} years ahead (a typo for the year?)")


def _why_not_a_date(text: str) -> str:
    """'2021-02-30' is shaped like a date but is not one: say which part is wrong."""
    parts = text.split("-")
    if len(text) == 10 and len(parts) == 3 and all(p.isdigit() for p in parts):
        year, month, _day = (int(p) for p in parts)
        if not 1 <= month <= 12:
            return f"'{text}' is not a date as YYYY-MM-DD: there is no month {month}"
        import calendar  # only to explain a refused date

        days = calendar.monthrange(max(year, 1), month)[1]
        return f"'{text}' is not a date as YYYY-MM-DD: {year:04d}-{month:02d} has {days} days"
    return f"'{shown(text)}' is not a date as YYYY-MM-DD"


def _to_decimal(field: str, value: object) -> Decimal:
    from decimal import Decimal, InvalidOperation

    if isinstance(value, bool):
        raise ValidationError(field, f"'{value}' is not a number")
    if isinstance(value, int):
        if abs(value) >= 10**MAX_NUMBER_LENGTH:  # str() of a huge int is refused by Python itself
            size = int(value.bit_length() * 0.30103) + 1
            raise ValidationError(field, f"a number of about {size:,} digits is too large")
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
    if len(text) > MAX_NUMBER_LENGTH:
        raise ValidationError(field, f"'{shown(text)}' is too long to be a number")
    if _THOUSANDS.match(text):
        text = text.replace(",", "")
    elif not _PLAIN.match(text):
        digits = " (write the digits 0-9)" if any(ch.isdigit() and not ch.isascii() for ch in text) else ""
        raise ValidationError(field, f"'{shown(text)}' is not a number{digits}")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValidationError(field, f"'{shown(text)}' is not a number") from None
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


def parse_ths_per_unit(field: str, value: object) -> float:
    """A miner model's nominal hash rate, TH/s a unit, within THS_PER_UNIT."""
    return _per_unit(field, value, "TH/s", THS_PER_UNIT)


def parse_watts_per_unit(field: str, value: object) -> float:
    """A miner model's power draw, W a unit, within WATTS_PER_UNIT."""
    return _per_unit(field, value, "W", WATTS_PER_UNIT)


def _per_unit(field: str, value: object, unit: str, bounds: tuple[float, float]) -> float:
    from decimal import Decimal

    number = _to_decimal(field, value)
    if number <= 0:
        raise ValidationError(field, f"must be more than 0 {unit}, not {number}")
    low, high = (Decimal(repr(bound)) for bound in bounds)  # 0.001 exactly, not the float's binary value
    if not low <= number <= high:
        raise ValidationError(field, f"{number} {unit} a unit is outside {low:,} to {high:,} {unit}; check the figure")
    return float(number)


def parse_money_cents(field: str, value: object) -> int:
    """USD (with cents) to integer cents; never negative.

    Text of 1-3 digits, a point and exactly three decimals is refused: "2.640" is a German
    "2,640" (USD 2,640) as often as USD 2.64, and a wrong guess costs a factor of 1,000.
    "0.105" or "1234.567" cannot be a thousands separator: they round to cents.
    A currency mark is allowed: "$5,200.00", "USD 5,200.00", "5200 USD" (a spreadsheet's money)."""
    from decimal import ROUND_HALF_UP, Decimal

    if isinstance(value, str):
        value = _CURRENCY.sub("", value.strip())
    number = _to_decimal(field, value)
    if isinstance(value, str) and _THOUSANDS_POINT.match(value.strip()):
        raise ValidationError(
            field,
            f"'{shown(value)}' has three decimals: is it USD {number.normalize():f} or USD {number * 1000:,.0f}? "
            "Write cents with at most two decimals, thousands without a point",
        )
    if number < 0:
        raise ValidationError(field, f"cannot be negative (USD {number})")
    if number > Decimal(10) ** 13:
        raise ValidationError(field, f"USD {number} is out of range")
    return int((number * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def cents_to_decimal(cents: int) -> Decimal:
    from decimal import Decimal

    return (Decimal(cents) / 100).quantize(Decimal("0.01"))
