"""Short-format dates in an import (issue #14 item 10): read in one order for the whole file.

The rule is desktop.domain.short_dates; this applies it to the rows as they stream. Without
an order given, cells are read in the locale's order (or day first) while the evidence is
gathered; plan_import reads the file again when the evidence settles on the other order.
"""

from __future__ import annotations

from typing import Any

from desktop.domain.short_dates import DateOrder, ShortDateEvidence, read_short
from desktop.errors import ValidationError

DATE_COLUMNS = ("ordered_on", "expected_on", "deployed_on")


class ShortDateCells:
    """Turns a row's short-date texts into dates, noting what they say about the order."""

    def __init__(self, columns: dict[str, int], order: DateOrder | None, locale_order: DateOrder | None) -> None:
        self.columns = [c for c in DATE_COLUMNS if c in columns]
        self.given = order
        self.reading = order or locale_order or DateOrder.DAY_FIRST
        self.locale_order = locale_order
        self.evidence = ShortDateEvidence()

    def convert(self, row: int, cells: dict[str, Any]) -> list[tuple[str, str]]:
        """Replaces short dates by dates in place; returns (column, message) for those that are no date."""
        bad: list[tuple[str, str]] = []
        for column in self.columns:
            value = cells.get(column)
            # ISO text ("2021-05-01", the common case) and real date cells pass untouched.
            if type(value) is not str or not value or (len(value) == 10 and value[4] == "-"):
                continue
            if not self.evidence.see(row, column, value):
                continue  # not shaped like a short date: parse_row says what is wrong
            try:
                cells[column] = read_short(column, value, self.reading)
            except ValidationError as error:
                bad.append((column, error.message))
        return bad

    def settled(self) -> DateOrder | None:
        """The order the file's short dates are in (None when they could be either)."""
        return self.given or self.evidence.order(self.locale_order)

    def question(self) -> str | None:
        """The one sentence asking for the order, when the file's dates leave it open."""
        if self.given or self.evidence.ambiguous is None or self.settled() is not None or self.evidence.conflict():
            return None
        row, column, text = self.evidence.ambiguous
        return (
            f"row {row}, column {column}: '{text}' could be day/month or month/day, and no date in the file "
            "settles it: say which (in the import dialog, or --date-order dmy|mdy)"
        )
