"""Export streams its rows: the same bytes as the whole-list writers, progress on the way, cancel.

The rows are never held as one list (see export_writers): these tests pin that the files
are what the list-based export wrote, and that progress and cancel work mid-stream.
"""

from __future__ import annotations

import csv
import json
import threading
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from desktop.services.batch_format import EXPORT_HEADER, export_rows, site_row
from desktop.services.export_writers import Table, write_json, write_json_rows
from desktop.services.exporting import ExportCancelled, _Pace, export
from desktop.services.generator import generate_fleet
from desktop.services.session import Session

pytestmark = pytest.mark.both_backends  # services and the command line on SQLite and on PostgreSQL

AT = date(2022, 3, 1)
TRICKY = 'line one\nline two, "quoted" \\ back slash; é 中 \u2028 end'  # tabs and CRs are refused on entry


@pytest.fixture
def fleet(session: Session) -> Session:
    generate_fleet(session.store, batches=300, events=2000, seed=3, today=date(2022, 6, 1))
    return session


def _listed_rows(session: Session, site_id: int | None, at: date) -> list[dict[str, Any]]:
    """The batch rows as the list-based export built them (one list, then written)."""
    sites = {s.id: s for s in session.store.list_sites()}
    rows, used = [], set()
    for row in session.queries.batch_rows(site_id, at=at):
        rows.extend(export_rows(row.batch, sites[row.batch.data_center_id], row.model, row.counts, row.deployed_on))
        used.add(row.batch.data_center_id)
    rows += [site_row(s) for sid, s in sites.items() if sid not in used and site_id in (None, sid)]
    return [{c: r.get(c) for c in EXPORT_HEADER} for r in rows]


def test_streamed_batch_rows_equal_the_pages(fleet: Session) -> None:
    site = fleet.store.list_sites()[4].id
    for site_id, at in [(None, None), (None, AT), (site, AT), (site, None)]:
        assert list(fleet.queries.iter_batch_rows(site_id, at=at)) == fleet.queries.batch_rows(site_id, at=at)
    assert len(fleet.queries.batch_rows()) == 300


def test_batches_json_is_byte_for_byte_the_whole_list_dump(fleet: Session, tmp_path: Path) -> None:
    site, model = fleet.store.list_sites()[1], fleet.store.list_models()[0]
    fleet.fleet.add_batch(site.name, model.name, 5, "2021-02-03", notes=TRICKY, supplier="=1+2")
    streamed = export(fleet, "batches", "json", tmp_path / "s.json", at=AT)
    write_json(tmp_path / "whole.json", _listed_rows(fleet, None, AT))
    assert (tmp_path / "s.json").read_bytes() == (tmp_path / "whole.json").read_bytes()
    assert streamed.rows == len(json.loads((tmp_path / "s.json").read_text(encoding="utf-8")))
    assert any(r["notes"] == TRICKY for r in json.loads((tmp_path / "s.json").read_text(encoding="utf-8")))


def test_json_rows_writer_matches_json_dump_for_empty_and_single_tables(tmp_path: Path) -> None:
    for rows in ([], [{"a": 1, "b": None}], [{"a": date(2021, 1, 2), "b": "x\ny"}, {"a": 2.5, "b": "ü"}]):
        count = write_json_rows(tmp_path / "s.json", Table("t", ("a", "b"), iter(rows)))
        write_json(tmp_path / "w.json", rows)
        assert (tmp_path / "s.json").read_bytes() == (tmp_path / "w.json").read_bytes() and count == len(rows)


def test_csv_has_the_rows_of_the_list_export_and_counts_them(fleet: Session, tmp_path: Path) -> None:
    site = fleet.store.list_sites()[2]
    result = export(fleet, "batches", "csv", tmp_path / "b.csv", site=site.name, at=AT)
    with open(result.path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    expected = _listed_rows(fleet, site.id, AT)
    assert result.rows == len(rows) == len(expected) > 0
    assert [r["id"] for r in rows] == [str(r["id"] or "") for r in expected]


def test_progress_climbs_to_the_total_while_rows_stream(
    fleet: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_Pace, "CHECK_EVERY", 10)
    for fmt in ("csv", "json", "xlsx"):
        seen: list[tuple[int, int]] = []
        export(fleet, "batches", fmt, tmp_path / f"b.{fmt}", progress=lambda *step, seen=seen: seen.append(step))
        totals = {total for _, total in seen}
        done = [d for d, _ in seen]
        assert len(totals) == 1 and done == sorted(done) and seen[-1] == (seen[-1][1], seen[-1][1]), fmt
        assert len(set(done)) > 20, fmt  # steps within the batches, not only per table


@pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")  # XLSX: sheets closed, not leaked
@pytest.mark.parametrize("fmt", ["csv", "json", "xlsx"])
def test_cancel_mid_stream_keeps_the_old_file_and_leaves_no_temp(
    fleet: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    monkeypatch.setattr(_Pace, "CHECK_EVERY", 10)
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / f"b.{fmt}"
    out.write_text("the previous export\n")
    cancel = threading.Event()

    def progress(done: int, total: int) -> None:
        if done > 100:  # a tenth of the batches is on its way into the file
            cancel.set()

    with pytest.raises(ExportCancelled, match="no file was written"):
        export(fleet, "batches", fmt, out, cancel=cancel, progress=progress)
    assert out.read_text() == "the previous export\n"
    assert [p.name for p in folder.iterdir()] == [out.name]
    fleet.fleet.add_site("After the cancel", "NO")  # the stream's read statement is closed
    assert export(fleet, "batches", fmt, out).rows > 300


def test_xlsx_still_carries_the_three_sheets_with_their_rows(fleet: Session, tmp_path: Path) -> None:
    result = export(fleet, "series", "xlsx", tmp_path / "s.xlsx")
    book = load_workbook(tmp_path / "s.xlsx", read_only=True)
    assert book.sheetnames == ["series", "batches", "summary"]
    rows = {name: sum(1 for _ in book[name].iter_rows(min_row=2)) for name in book.sheetnames}
    assert result.rows == rows["series"] > 0
    assert rows["batches"] == len(_listed_rows(fleet, None, date.today()))
    assert rows["summary"] == len(fleet.store.list_sites()) + 1
