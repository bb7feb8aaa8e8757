"""The batch rules every face applies alike: the form's live read-out, the service and the import.

Money is integer cents throughout: a lot's total splits over its units only when it
divides exactly (integer arithmetic, no float rounding); the read-out shows the exact
unit price, with four decimals when it does not split, so the form and the refusal agree.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from desktop.domain.entities import Batch, BatchEvent
from desktop.domain.ledger import StageCounts, replay
from desktop.errors import ValidationError


def lot_total_cents(units: int, unit_price_cents: int) -> int:
    return units * unit_price_cents


def split_total(total_cents: int, units: int, *, field: str = "total_cost") -> int:
    """The unit price in whole cents of a lot that cost ``total_cents``; refused unless exact."""
    price, rest = divmod(total_cents, units)
    if rest:
        raise ValidationError(
            field,
            f"USD {Decimal(total_cents) / 100:,.2f} does not split into whole cents over {units:,} units "
            f"(USD {unit_price_text(total_cents, units)} a unit)",
        )
    return price


def unit_price_text(total_cents: int, units: int) -> str:
    """The unit price a total gives, as the form shows it: 2 decimals when exact, else 4."""
    exact = Decimal(total_cents) / units / 100
    return f"{exact:,.2f}" if total_cents % units == 0 else f"{exact:,.4f}"


def unit_price_cents(
    units: int,
    *,
    unit_price: int | None = None,
    total: int | None = None,
    price_field: str = "unit_price",
    total_field: str = "total_cost",
) -> int:
    """The batch's unit price from a unit price, a lot total, or both (they must agree)."""
    if total is None:
        return unit_price or 0
    split = split_total(total, units, field=total_field)
    if unit_price is not None and unit_price != split:
        raise ValidationError(
            price_field,
            f"USD {Decimal(unit_price) / 100:,.2f} a unit does not match the total "
            f"USD {Decimal(total) / 100:,.2f} over {units:,} units",
        )
    return split


def check_units_change(batch: Batch, events: Iterable[BatchEvent]) -> StageCounts:
    """An edited batch (fewer units, a later order date) must still hold its recorded events."""
    try:
        return replay(batch, events)
    except ValidationError as error:
        raise ValidationError(error.field, f"the batch's recorded events no longer fit: {error.message}") from None
