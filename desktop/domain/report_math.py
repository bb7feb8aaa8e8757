"""Arithmetic of the monthly report: months, changes, efficiency bands, targets, the power bill.

Plain Python over numbers and dates (services/report_figures.py reads the data).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date, timedelta

from desktop.errors import ValidationError
from desktop.frozen import frozen

# J/TH bands of the fleet mix (the share of deployed units and hash rate in each).
EFFICIENCY_BANDS: tuple[tuple[str, float, float], ...] = (
    ("< 20 J/TH", 0.0, 20.0),
    ("20-30 J/TH", 20.0, 30.0),
    ("30-40 J/TH", 30.0, 40.0),
    (">= 40 J/TH", 40.0, float("inf")),
)
DAYS_PER_MONTH = 365.25 / 12


def band_of(j_per_th: float) -> str:
    for label, low, high in EFFICIENCY_BANDS:
        if low <= j_per_th < high:
            return label
    return EFFICIENCY_BANDS[-1][0]


def parse_month(field: str, text: str | None) -> date:
    """'YYYY-MM' -> the month's first day; anything else is refused naming ``field``."""
    match = re.fullmatch(r"(\d{4})-(\d{2})", (text or "").strip())
    if not match or not 1 <= int(match[2]) <= 12 or int(match[1]) < 1:
        raise ValidationError(field, f"must be a month as YYYY-MM, not '{text}'")
    return date(int(match[1]), int(match[2]), 1)


def month_end(first: date) -> date:
    """The last day of ``first``'s month (the day before the next month's first: no calendar
    module, a start-up cost of the command line)."""
    if first.month == 12:
        return first.replace(day=31)
    return date(first.year, first.month + 1, 1) - timedelta(days=1)


def add_months(first: date, months: int) -> date:
    """The first day of the month ``months`` after (negative: before) ``first``'s month."""
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def percent_change(now: float, before: float) -> float | None:
    """(now - before) / before in %, None where before is 0 (no base to compare with)."""
    return None if not before else 100.0 * (now - before) / before


def efficiency(watts: float, ths: float) -> float | None:
    """J/TH = W / (TH/s) over a set of miners; None without hash rate."""
    return watts / ths if ths else None


@frozen
class TargetTrack:
    target_ths: float
    due_on: date
    deployed_ths: float
    gap_ths: float  # still to deploy (0 when met)
    months_left: float  # to the due date (0 or less: due)
    needed_ths_per_month: float | None  # None: met, or due with a gap (no months left)

    @property
    def met(self) -> bool:
        return self.gap_ths <= 0


def track_target(target_ths: float, due_on: date, deployed_ths: float, at: date) -> TargetTrack:
    gap = max(0.0, target_ths - deployed_ths)
    months = (due_on - at).days / DAYS_PER_MONTH
    needed = gap / months if gap > 0 and months > 0 else None
    return TargetTrack(target_ths, due_on, deployed_ths, gap, months, needed)


def price_on(prices: Sequence[tuple[date, float]], day: date) -> float | None:
    """The price in force on ``day``: the latest one from that day or before (sorted by date)."""
    found = None
    for start, price in prices:
        if start > day:
            break
        found = price
    return found


@frozen
class PowerBill:
    energy_mwh: float
    cost_usd: float
    unpriced_mwh: float  # energy on days no price was in force (not in the cost)
    th_days: float  # deployed TH/s summed over the days (the base of USD per TH/s per day)

    @property
    def usd_per_th_day(self) -> float | None:
        return self.cost_usd / self.th_days if self.th_days else None

    def __add__(self, other: PowerBill) -> PowerBill:
        return PowerBill(
            self.energy_mwh + other.energy_mwh,
            self.cost_usd + other.cost_usd,
            self.unpriced_mwh + other.unpriced_mwh,
            self.th_days + other.th_days,
        )


NO_BILL = PowerBill(0.0, 0.0, 0.0, 0.0)


def power_bill(
    start_w: float,
    start_ths: float,
    changes: Mapping[date, tuple[float, float]],
    prices: Sequence[tuple[date, float]],
    first: date,
    last: date,
) -> PowerBill:
    """A month's energy and cost at one site: each day runs the power deployed at its end
    (``start_w`` before ``first`` plus the day's changes) for 24 h at the price in force."""
    watts, ths = start_w, start_ths
    energy = cost = unpriced = th_days = 0.0
    day = first
    while day <= last:
        dw, dths = changes.get(day, (0.0, 0.0))
        watts, ths = watts + dw, ths + dths
        mwh = watts * 24 / 1_000_000
        price = price_on(prices, day)
        energy += mwh
        th_days += ths
        if price is None:
            unpriced += mwh
        else:
            cost += mwh * 1000 * price
        day += timedelta(days=1)
    return PowerBill(energy, cost, unpriced, th_days)
