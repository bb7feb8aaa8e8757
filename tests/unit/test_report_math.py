"""The report's arithmetic (domain/report_math.py) on numbers worked by hand."""

from __future__ import annotations

from datetime import date

import pytest

from desktop.domain.report_math import (
    add_months,
    band_of,
    month_end,
    parse_month,
    percent_change,
    power_bill,
    price_on,
    track_target,
)
from desktop.errors import ValidationError


def test_months() -> None:
    assert parse_month("--month", "2024-02") == date(2024, 2, 1)
    assert month_end(date(2024, 2, 1)) == date(2024, 2, 29)
    assert add_months(date(2024, 1, 1), -1) == date(2023, 12, 1)
    assert add_months(date(2024, 2, 1), -12) == date(2023, 2, 1)


@pytest.mark.parametrize("text", ["2024-13", "2024-00", "24-02", "2024/02", "", "2024-02-01"])
def test_a_month_that_is_not_yyyy_mm_is_refused(text: str) -> None:
    with pytest.raises(ValidationError, match="YYYY-MM"):
        parse_month("--month", text)


def test_changes_bands_and_prices() -> None:
    assert percent_change(2900, 2500) == pytest.approx(16.0)
    assert percent_change(5, 0) is None
    assert [band_of(x) for x in (15, 20, 29.9, 30, 39.99, 40, 98)] == [
        "< 20 J/TH", "20-30 J/TH", "20-30 J/TH", "30-40 J/TH", "30-40 J/TH", ">= 40 J/TH", ">= 40 J/TH",
    ]  # fmt: skip
    prices = [(date(2024, 1, 1), 0.05), (date(2024, 2, 15), 0.10)]
    assert price_on(prices, date(2023, 12, 31)) is None
    assert price_on(prices, date(2024, 2, 14)) == 0.05
    assert price_on(prices, date(2024, 2, 15)) == 0.10


def test_power_bill_runs_each_day_at_its_end_state_and_its_price() -> None:
    # 85 kW, 4 M50 (10 kW, 200 TH/s) retired on the 10th: 9 days at 85 kW, 20 at 75 kW; price
    # 0.05 until the 14th, 0.10 from the 15th
    bill = power_bill(
        85_000, 2500, {date(2024, 2, 10): (-10_000, -200)},
        [(date(2024, 1, 1), 0.05), (date(2024, 2, 15), 0.10)], date(2024, 2, 1), date(2024, 2, 29),
    )  # fmt: skip
    assert bill.energy_mwh == pytest.approx(54.36)
    assert bill.cost_usd == pytest.approx((9 * 2040 + 5 * 1800) * 0.05 + 15 * 1800 * 0.10)
    assert bill.th_days == 9 * 2500 + 20 * 2300 and bill.unpriced_mwh == 0


def test_target_tracking() -> None:
    track = track_target(5000, date(2024, 6, 30), 2300, date(2024, 2, 29))
    assert track.gap_ths == 2700 and track.months_left == pytest.approx(122 / 30.4375)
    assert track.needed_ths_per_month == pytest.approx(2700 / (122 / 30.4375))
    assert track_target(5000, date(2024, 6, 30), 6000, date(2024, 2, 29)).needed_ths_per_month is None
    late = track_target(5000, date(2024, 1, 31), 2300, date(2024, 2, 29))
    assert late.gap_ths == 2700 and late.needed_ths_per_month is None and not late.met
