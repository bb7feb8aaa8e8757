"""The batch row format: parsing rules, events a row implies, rows a batch needs, escapes."""

from __future__ import annotations

import re
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.domain.entities import Batch, DataCenter, MinerModel
from desktop.domain.ledger import StageCounts, replay
from desktop.domain.stages import EventKind, Stage
from desktop.services.batch_format import (
    EXPORT_HEADER,
    BatchRecord,
    RowProblems,
    SiteRow,
    export_rows,
    parse_row,
    stage_parts,
)
from desktop.services.cell_escape import neutralise, unneutralise
from desktop.services.xlsx_writer import xlsx_text

ROW = {
    "data_center": "Kazakhstan",
    "miner_model": "Antminer S9",
    "units": "1,819",
    "ordered_on": "2021-05-06",
    "expected_on": "2021-06-20",
    "unit_price_usd": "950",
    "status": "deployed",
    "deployed_units": "1200",
    "deployed_on": "2021-06-22",
}


def _parse(**changes: object) -> BatchRecord:
    record = parse_row(2, ROW | changes, unescape=True)
    assert isinstance(record, BatchRecord)
    return record


def test_a_row_with_thousands_separators_parses() -> None:
    record = _parse()
    assert (record.units, record.unit_price_cents, record.status, record.deployed_units) == (
        1819,
        95000,
        Stage.DEPLOYED,
        1200,
    )


def test_deployed_without_deployed_units_means_all_units() -> None:
    assert _parse(deployed_units="").deployed_units == 1819


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("ordered", {"ordered": 10}),
        ("in_transit", {"in_transit": 10}),
        ("on_site", {"on_site": 10}),
        ("deployed", {"deployed": 4, "on_site": 6}),
        ("retired", {"retired": 10}),
        ("cancelled", {"cancelled": 10}),
    ],
)
def test_events_of_a_row_put_its_units_where_the_status_says(status: str, expected: dict[str, int]) -> None:
    changes = {"units": "10", "status": status}
    if status == "deployed":
        changes["deployed_units"] = "4"
    elif status != "retired":
        changes |= {"deployed_units": "", "deployed_on": ""}
    else:
        changes["deployed_units"] = ""
    record = _parse(**changes)
    batch = Batch(1, 1, 10, record.ordered_on, record.expected_on)
    counts = replay(batch, record.events(1))
    assert {k: v for k, v in counts.as_dict().items() if v} == expected


def test_deployments_are_dated_deployed_on_and_the_rest_ordered_on() -> None:
    events = _parse().events(7)
    assert [(e.kind, e.occurred_on) for e in events] == [
        (EventKind.SHIPPED, date(2021, 5, 6)),
        (EventKind.DELIVERED, date(2021, 5, 6)),
        (EventKind.DEPLOYED, date(2021, 6, 22)),
    ]


def test_every_problem_of_a_row_is_collected() -> None:
    with pytest.raises(RowProblems) as caught:
        parse_row(5, ROW | {"units": "-1", "status": "gone", "ordered_on": "yesterday"}, unescape=True)
    assert [c for c, _ in caught.value.problems] == ["units", "ordered_on", "status"]


def test_a_row_with_only_a_data_center_is_a_site_row() -> None:
    row = dict.fromkeys(EXPORT_HEADER, "") | {"data_center": "Texas", "data_center_capacity_mw": "100"}
    assert parse_row(3, row, unescape=True) == SiteRow(3, "Texas", "", 100.0)


def test_apostrophe_is_removed_only_from_text_in_csv_and_xlsx() -> None:
    assert _parse(notes="'=1+1").notes == "=1+1"
    assert parse_row(2, ROW | {"notes": "'=1+1"}, unescape=False).notes == "'=1+1"  # JSON


@given(st.text())
def test_neutralise_round_trips_and_never_starts_a_formula(text: str) -> None:
    safe = neutralise(text)
    assert unneutralise(safe) == text
    assert not safe.startswith(("=", "+", "-", "@", "\t", "\r"))


def _read_as_excel_does(xml_text: str) -> str:
    """OOXML text as Excel and calamine read it: XML entities, then _xHHHH_ left to right."""
    text = xml_text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return re.sub(r"_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m.group(1), 16)), text)


@given(st.text(alphabet=st.characters(blacklist_characters="\ufffe\uffff", blacklist_categories=("Cs",)))
       | st.text(alphabet="_x0123456789ABCDEFabcdef\r\x01&<"))  # fmt: skip
def test_xlsx_text_escape_round_trips_any_text(text: str) -> None:
    escaped = xlsx_text(text)
    assert _read_as_excel_does(escaped) == text
    assert not re.search(r"[\x00-\x08\x0b-\x1f<>]", escaped)  # nothing XML 1.0 refuses, no markup


@settings(max_examples=50)
@given(st.lists(st.integers(0, 50), min_size=6, max_size=6).filter(lambda parts: sum(parts) > 0))
def test_stage_parts_cover_every_unit_and_each_is_one_row(parts: list[int]) -> None:
    counts = StageCounts(*parts)
    rows = stage_parts(counts)
    assert sum(units for _, units, _ in rows) == counts.total
    total = StageCounts()
    for status, units, deployed in rows:
        if status is Stage.DEPLOYED:
            total = total + StageCounts(deployed=deployed or 0, on_site=units - (deployed or 0))
        else:
            total = total + StageCounts(**{status.value: units})
    assert total == counts


def test_export_rows_of_a_split_batch_share_its_id() -> None:
    batch = Batch(1, 1, 30, date(2021, 1, 1), date(2021, 2, 1), 100, id=4)
    rows = export_rows(
        batch,
        DataCenter("A", id=1),
        MinerModel("M", "V", 10, 100, id=1),
        StageCounts(ordered=10, in_transit=20),
        None,
    )
    assert [(r["id"], r["status"], r["units"]) for r in rows] == [(4, "ordered", 10), (4, "in_transit", 20)]
