"""Dates in a locale's short format (05/01/2021, 1/5/21, 5.1.2021): which order, and reading them.

Issue #14 item 10. A sheet typed by hand carries dates as its spreadsheet showed them. Whether
05/01/2021 is the 5th of January or the 1st of May is a fact about the file, not about the
date: one date with a part above 12 (25/01/2021) settles the order for the whole file. When no
date settles it, the order of the user's locale is used if it is known; otherwise nobody may
guess: the caller asks (the import dialog) or says how to give it (the CLI's --date-order).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import Enum

from desktop.errors import ValidationError

# ASCII digits, one separator used twice: "05/01/2021", "1/5/21", "5.1.2021", "05-01-2021".
_SHORT = re.compile(r"^\s*([0-9]{1,2})([/.\-])([0-9]{1,2})\2([0-9]{4}|[0-9]{2})\s*$")
CENTURY = 2000  # "21" is 2021: no miner was bought in the last century


class DateOrder(Enum):
    DAY_FIRST = "dmy"
    MONTH_FIRST = "mdy"

    @property
    def label(self) -> str:
        return "day/month/year" if self is DateOrder.DAY_FIRST else "month/day/year"


def parse_order(text: str) -> DateOrder:
    """'dmy' or 'mdy' (the CLI's --date-order, the remembered answer)."""
    for order in DateOrder:
        if text.strip().lower() == order.value:
            return order
    raise ValidationError("--date-order", f"'{text}' is not dmy (day/month/year) or mdy (month/day/year)")


def order_of_format(pattern: str) -> DateOrder | None:
    """The order of a locale's short date pattern ("dd/MM/yyyy" -> day first, "M/d/yy" -> month
    first); None for a pattern that starts with the year (ISO-like: it says nothing of d/m)."""
    letters = [ch for ch in pattern if ch in "dMy"]
    if not letters or letters[0] == "y" or "d" not in letters or "M" not in letters:
        return None
    return DateOrder.DAY_FIRST if letters.index("d") < letters.index("M") else DateOrder.MONTH_FIRST


def split_short(text: str) -> tuple[int, int, int] | None:
    """(first, second, year) of a short date, the year made four digits; None if not shaped so."""
    match = _SHORT.match(text)
    if match is None:
        return None
    year = int(match.group(4))
    return int(match.group(1)), int(match.group(3)), year + CENTURY if len(match.group(4)) == 2 else year


def _valid(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def possible_orders(parts: tuple[int, int, int]) -> frozenset[DateOrder]:
    """The orders a short date can be read in: both for 05/01/2021, one for 25/01/2021."""
    first, second, year = parts
    found = set()
    if _valid(year, second, first):
        found.add(DateOrder.DAY_FIRST)
    if _valid(year, first, second):
        found.add(DateOrder.MONTH_FIRST)
    return frozenset(found)


def read_short(field: str, text: str, order: DateOrder) -> date:
    """The date ``text`` names in ``order``; refuses one that is no date in it, naming why."""
    parts = split_short(text)
    if parts is None:
        raise ValidationError(field, f"'{text}' is not a date as YYYY-MM-DD or {order.label}")
    first, second, year = parts
    day, month = (first, second) if order is DateOrder.DAY_FIRST else (second, first)
    if not 1 <= month <= 12:
        raise ValidationError(field, f"'{text.strip()}' is not a date as {order.label}: there is no month {month}")
    if not _valid(year, month, day):
        raise ValidationError(field, f"'{text.strip()}' is not a date as {order.label}: there is no day {day}")
    return date(year, month, day)


@dataclass
class ShortDateEvidence:
    """What a file's short dates say about their order: the first cell that reads only one way
    for each order, and the first cell that reads both ways. Fed cell by cell as rows stream."""

    day_first: tuple[int, str, str] | None = None  # (row, column, text)
    month_first: tuple[int, str, str] | None = None
    ambiguous: tuple[int, str, str] | None = None
    seen: int = 0

    def see(self, row: int, column: str, text: str) -> bool:
        """Takes note of one cell; False when it is not a short date at all."""
        parts = split_short(text)
        if parts is None:
            return False
        self.seen += 1
        orders = possible_orders(parts)
        where = (row, column, text.strip())
        if orders == {DateOrder.DAY_FIRST}:
            self.day_first = self.day_first or where
        elif orders == {DateOrder.MONTH_FIRST}:
            self.month_first = self.month_first or where
        elif orders:
            self.ambiguous = self.ambiguous or where
        return True

    def order(self, locale_order: DateOrder | None) -> DateOrder | None:
        """The file's order: its own dates' if they settle it, else the locale's, else None (ask).
        Dates that read only day-first beside dates that read only month-first: see conflict()."""
        if self.day_first and not self.month_first:
            return DateOrder.DAY_FIRST
        if self.month_first and not self.day_first:
            return DateOrder.MONTH_FIRST
        if self.day_first and self.month_first:
            return None
        return locale_order

    def conflict(self) -> str | None:
        """One sentence when the file mixes the orders (nothing can be read right then)."""
        if not (self.day_first and self.month_first):
            return None
        (row_d, col_d, text_d), (row_m, col_m, text_m) = self.day_first, self.month_first
        return (
            f"row {row_d}, column {col_d}: '{text_d}' can only be day/month/year, but row {row_m}'s "
            f"'{text_m}' ({col_m}) can only be month/day/year: write every date one way (YYYY-MM-DD is safest)"
        )
