"""Short-format dates in an import (issue #14 item 10): read in one order for the whole file.

The rule is desktop.domain.short_dates; this applies it to the rows as they stream. Without
an order given, cells are read in the locale's order (or day first) while the evidence is
gathered; plan_import reads the file again when the evidence settles on the other order.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from desktop.domain.short_dates import DateOrder, ShortDateEvidence, read_short
from desktop.errors import ValidationError
from desktop.services.import_plan import ImportOptions, ImportPlan

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

    def outcome(self, plan: ImportPlan) -> ImportOptions | None:
        """After a pass: the options to read the file again with, or None when this pass stands
        (its short dates, if any, were read in their order, or the plan says why they cannot be)."""
        if not self.evidence.seen:
            return None
        conflict, question = self.evidence.conflict(), self.question()
        if conflict or question:  # read in a guessed order: only this problem is true
            plan.release()
            plan.groups, plan.new_sites, plan.new_models = [], {}, {}
            plan.problems[:] = [conflict or question or ""]
            plan.date_question = self.evidence.ambiguous if question else None
            return None
        order = self.settled()
        if order is None:  # no short date was a date at all: each is named in the problems
            return None
        if order is not self.reading:
            return replace(plan.options, date_order=order)
        plan.date_order = order
        return None
