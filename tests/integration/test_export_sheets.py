"""Issue #14 item 12, read back with openpyxl: the XLSX shows fleet hash rate in PH/s and power in
MW (number formats: the cells keep TH/s and MW exactly), and its series sheet has the Total in
columns of its own, so summing a column never counts the fleet twice. CSV keeps the machine format."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from desktop.services.exporting import export
from desktop.services.session import Session

PHS = '#,##0.00," PH/s"'
MW = '#,##0.00" MW"'


def test_summary_shows_ph_s_and_mw_while_the_cells_keep_the_real_values(demo_session: Session, tmp_path: Path) -> None:
    export(demo_session, "summary", "xlsx", tmp_path / "s.xlsx", at=date(2021, 7, 28))
    sheet = load_workbook(tmp_path / "s.xlsx")["summary"]
    titles = [c.value for c in sheet[1]]
    assert titles[-4:] == ["Deployed hash rate", "Planned hash rate", "Deployed power", "Capacity"]
    rows = {r[1].value: dict(zip(titles, r, strict=True)) for r in sheet.iter_rows(min_row=2)}
    total = rows["Total"]
    expected = demo_session.queries.summary(date(2021, 7, 28))
    assert total["Deployed hash rate"].value == pytest.approx(expected.total.deployed_ths)  # TH/s, exact
    assert total["Deployed hash rate"].value == pytest.approx(145_556.5)
    assert total["Deployed hash rate"].number_format == PHS  # shown "145.56 PH/s"
    assert total["Planned hash rate"].number_format == PHS
    assert total["Deployed power"].number_format == MW and total["Capacity"].number_format == MW
    assert total["Deployed power"].value == pytest.approx(expected.total.deployed_power_mw)
    batches = load_workbook(tmp_path / "s.xlsx")["batches"]
    per_unit = next(c for c in batches[1] if c.value == "TH/s per unit").column
    assert batches.cell(2, per_unit).number_format == "#,##0.0##"  # a unit's TH/s stays TH/s


def test_series_sheet_has_one_row_a_date_and_the_total_in_its_own_columns(
    demo_session: Session, tmp_path: Path
) -> None:
    export(demo_session, "series", "xlsx", tmp_path / "s.xlsx")
    sheet = load_workbook(tmp_path / "s.xlsx")["series"]
    titles = [c.value for c in sheet[1]]
    assert titles == [
        "Date",
        "Kazakhstan: deployed", "Kazakhstan: planned",
        "Texas: deployed", "Texas: planned",
        "Total: deployed", "Total: planned",
    ]  # fmt: skip
    rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=2)]
    dates = [r[0] for r in rows]
    assert dates == sorted(set(dates))  # one row a date: no "Total" rows
    assert all(isinstance(v, float | int) for r in rows for v in r[1:])
    last = rows[-1]
    assert last[5] == pytest.approx(145_556.5) and last[6] == pytest.approx(457_055.5)
    for row in rows:  # the sites' columns add up to the Total's, on every date
        assert row[1] + row[3] == pytest.approx(row[5]) and row[2] + row[4] == pytest.approx(row[6])
    assert {sheet.cell(2, c).number_format for c in range(2, 8)} == {PHS}
    assert sheet.auto_filter.ref == f"A1:G{sheet.max_row}"

    with open(export(demo_session, "series", "csv", tmp_path / "s.csv").path, encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    assert header == ["date", "data_center", "deployed_ths", "planned_ths", "measured_ths"]  # machine names

