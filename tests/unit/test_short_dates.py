"""Issue #14 item 10: short dates (05/01/2021) are read in one order per file, never guessed."""

from __future__ import annotations

from datetime import date

import pytest

from desktop.domain.short_dates import (
    DateOrder,
    ShortDateEvidence,
    order_of_format,
    parse_order,
    possible_orders,
    read_short,
    split_short,
)
from desktop.errors import ValidationError
from desktop.services.import_mapping import (
    IGNORE,
    check_mapping,
    columns_of,
    fit,
    header_key,
    parse_map_options,
    suggest,
)

D, M = DateOrder.DAY_FIRST, DateOrder.MONTH_FIRST


@pytest.mark.parametrize(
    ("text", "parts"),
    [("05/01/2021", (5, 1, 2021)), ("1/5/21", (1, 5, 2021)), ("5.1.2021", (5, 1, 2021)), ("05-01-2021", (5, 1, 2021))],
)
def test_short_dates_split_into_their_parts(text: str, parts: tuple[int, int, int]) -> None:
    assert split_short(text) == parts


@pytest.mark.parametrize("text", ["2021-05-01", "05/01-2021", "5/1", "five/1/2021", "١/٥/٢١", "05/01/202"])
def test_other_text_is_not_a_short_date(text: str) -> None:
    assert split_short(text) is None


def test_a_part_past_twelve_leaves_one_order() -> None:
    assert possible_orders((5, 1, 2021)) == {D, M}
    assert possible_orders((25, 1, 2021)) == {D}
    assert possible_orders((1, 25, 2021)) == {M}
    assert possible_orders((31, 2, 2021)) == set()  # 31 February, 2 of the 31st month


def test_reading_in_an_order_names_what_is_wrong() -> None:
    assert read_short("ordered_on", "05/01/2021", D) == date(2021, 1, 5)
    assert read_short("ordered_on", "05/01/2021", M) == date(2021, 5, 1)
    assert read_short("ordered_on", "1/5/21", M) == date(2021, 1, 5)
    with pytest.raises(ValidationError, match="'05/13/2021' is not a date as day/month/year: there is no month 13"):
        read_short("ordered_on", "05/13/2021", D)
    with pytest.raises(ValidationError, match="there is no day 30"):
        read_short("ordered_on", "30/02/2021", D)


def test_the_file_settles_the_order_else_the_locale_else_nobody() -> None:
    evidence = ShortDateEvidence()
    evidence.see(2, "ordered_on", "05/01/2021")
    assert evidence.order(None) is None and evidence.order(M) is M  # ambiguous: the locale's, or ask
    evidence.see(3, "expected_on", "25/01/2021")
    assert evidence.order(M) is D  # the file's own date wins over the locale
    assert evidence.conflict() is None
    evidence.see(4, "ordered_on", "01/25/2021")
    assert evidence.order(D) is None
    assert evidence.conflict() == (
        "row 3, column expected_on: '25/01/2021' can only be day/month/year, but row 4's '01/25/2021' "
        "(ordered_on) can only be month/day/year: write every date one way (YYYY-MM-DD is safest)"
    )


@pytest.mark.parametrize(
    ("pattern", "order"),
    [("dd/MM/yyyy", D), ("M/d/yy", M), ("dd.MM.yy", D), ("yyyy-MM-dd", None), ("yyyy/MM/dd", None)],
)
def test_a_locale_pattern_gives_its_order(pattern: str, order: DateOrder | None) -> None:
    assert order_of_format(pattern) is order


def test_the_cli_order_is_dmy_or_mdy() -> None:
    assert parse_order(" DMY ") is D and parse_order("mdy") is M
    with pytest.raises(ValidationError, match="'ymd' is not dmy"):
        parse_order("ymd")


# -- the column mapping (services/import_mapping.py) ------------------------------------

THEIRS = ["Site", "Model", "Qty", "PO date", "ETA", "Price", "State of play", "Comments"]


def test_suggestions_take_common_titles_and_leave_the_rest_ignored() -> None:
    assert suggest(THEIRS) == [
        "data_center", "miner_model", "units", "ordered_on", "expected_on", "unit_price_usd", IGNORE, "notes"
    ]  # fmt: skip
    assert suggest(["Units", "Qty"]) == ["units", IGNORE]  # a field is suggested once


def test_a_mapping_must_give_every_required_field_once() -> None:
    mapping = suggest(THEIRS)
    assert check_mapping(THEIRS, mapping) == ["row 1: no column is mapped to Status, which is required"]
    mapping[6] = "status"
    assert check_mapping(THEIRS, mapping) == []
    assert columns_of(mapping)["status"] == 6 and "State of play" not in columns_of(mapping)
    mapping[7] = "units"
    assert check_mapping(THEIRS, mapping) == ["row 1, column Comments: Units is already column Qty"]
    price_as_total = [*suggest(THEIRS)[:5], "total_cost_usd", "status", IGNORE]
    assert check_mapping(THEIRS, price_as_total) == []  # a total stands in for the unit price


def test_the_header_key_ignores_case_and_spacing_and_a_stale_mapping_is_not_used() -> None:
    same_set = [" site", "MODEL", "Qty", "PO  date", "ETA", "Price", "State of play", "Comments"]
    assert header_key(THEIRS) == header_key(same_set)
    assert header_key(THEIRS) != header_key(THEIRS[:-1])
    assert fit(THEIRS, ["units"] * 3) == suggest(THEIRS)  # remembered for another width
    assert fit(THEIRS, ["bogus"] * 8) == suggest(THEIRS)


def test_map_options_override_the_suggestion() -> None:
    mapping = parse_map_options(THEIRS, ["State of play=status", "comments=ignore", "Price=total_cost_usd"])
    assert mapping[5:] == ["total_cost_usd", "status", IGNORE]
    assert parse_map_options(THEIRS, ["Comments=units"])[2:8:5] == [IGNORE, "units"]  # the field moves
    with pytest.raises(ValidationError, match="the file has no column titled 'Colour'"):
        parse_map_options(THEIRS, ["Colour=notes"])
    with pytest.raises(ValidationError, match="'colour' is not a Hashplan field"):
        parse_map_options(THEIRS, ["Comments=colour"])
    with pytest.raises(ValidationError, match="is not TITLE=FIELD"):
        parse_map_options(THEIRS, ["Comments"])
