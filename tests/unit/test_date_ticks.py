"""The chart's date axis ticks: calendar boundaries in UTC, labels, and the step for a zoom."""

from __future__ import annotations

from datetime import date, datetime, timezone

from desktop.ui.charts.date_ticks import Step, choose_steps


def _s(day: date) -> float:
    return datetime(day.year, day.month, day.day, tzinfo=timezone.utc).timestamp()


def _days(seconds) -> list[date]:
    return [datetime.fromtimestamp(s, tz=timezone.utc).date() for s in seconds]


def test_year_ticks_fall_on_new_year_and_read_as_the_year() -> None:
    step = Step("Y", 1)
    ticks = step.ticks(_s(date(2016, 3, 1)), _s(date(2019, 1, 1)))
    assert _days(ticks) == [date(2017, 1, 1), date(2018, 1, 1), date(2019, 1, 1)]
    assert step.labels(list(ticks)) == ["2017", "2018", "2019"]
    assert _days(Step("Y", 5).ticks(_s(date(2001, 1, 1)), _s(date(2021, 1, 1)))) == [
        date(2005, 1, 1), date(2010, 1, 1), date(2015, 1, 1), date(2020, 1, 1)
    ]  # fmt: skip


def test_quarters_start_in_january_april_july_october_and_january_shows_its_year() -> None:
    step = Step("M", 3)
    ticks = step.ticks(_s(date(2021, 5, 6)), _s(date(2022, 4, 30)))
    assert _days(ticks) == [date(2021, 7, 1), date(2021, 10, 1), date(2022, 1, 1), date(2022, 4, 1)]
    assert step.labels(list(ticks)) == ["Jul", "Oct", "2022", "Apr"]


def test_weeks_start_on_monday_and_days_read_as_month_and_day() -> None:
    step = Step("D", 7)
    ticks = step.ticks(_s(date(2026, 11, 1)), _s(date(2026, 11, 30)))
    assert _days(ticks) == [date(2026, 11, d) for d in (2, 9, 16, 23, 30)]
    assert all(day.weekday() == 0 for day in _days(ticks))
    assert step.labels(list(ticks))[:2] == ["Nov 2", "Nov 9"]
    assert _days(Step("D", 2).ticks(_s(date(2021, 2, 26)), _s(date(2021, 3, 4)))) == [
        date(2021, 2, 27), date(2021, 3, 1), date(2021, 3, 3)
    ]  # fmt: skip


def test_ticks_stay_inside_the_range_and_before_1970_works() -> None:
    ticks = Step("M", 1).ticks(_s(date(1969, 11, 15)), _s(date(1970, 2, 15)))
    assert _days(ticks) == [date(1969, 12, 1), date(1970, 1, 1), date(1970, 2, 1)]


def test_the_step_gives_labels_room_and_the_minor_ticks_nest() -> None:
    ten_years_on_1000_px = (_s(date(2026, 1, 1)) - _s(date(2016, 1, 1))) / 1000
    major, minor = choose_steps(ten_years_on_1000_px, 70, 8)
    assert major == Step("Y", 1) and minor == Step("M", 1)  # months are 8.3 px apart
    three_months_on_1000_px = 92 * 86_400 / 1000
    major, minor = choose_steps(three_months_on_1000_px, 70, 8)
    assert major == Step("D", 7) and minor == Step("D", 1)
    century_on_100_px = 100 * 365.25 * 86_400 / 100
    assert choose_steps(century_on_100_px, 70, 8)[0] == Step("Y", 100)
