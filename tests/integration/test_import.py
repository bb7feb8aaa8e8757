"""Import: good files of every kind land whole; bad and hostile files are refused with a
row report and leave the database exactly as it was."""

from __future__ import annotations

import csv
import json
import threading
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from desktop.errors import ImportFileError
from desktop.services.batch_format import HEADER
from desktop.services.importing import ImportCancelled, import_file, plan_import
from desktop.services.session import Session
from tests.integration.cli_runner import run_cli
from tests.integration.transfer_helpers import fleet_state, summary_json, table_fingerprint

pytestmark = pytest.mark.both_backends  # services and the command line on SQLite and on PostgreSQL

GOOD: dict[str, Any] = {
    "id": "",
    "data_center": "Kazakhstan",
    "country": "Kazakhstan",
    "miner_model": "Antminer S19",
    "vendor": "Bitmain",
    "ths_per_unit": "",
    "watts_per_unit": "",
    "units": "2,500",
    "ordered_on": "2021-07-28",
    "expected_on": "2021-09-30",
    "unit_price_usd": "2,640.00",
    "supplier": "Bitmain",
    "status": "deployed",
    "deployed_units": "1,200",
    "deployed_on": "2021-08-25",
    "notes": "",
}


def write_csv(
    path: Path, rows: list[dict[str, Any]], *, header: tuple[str, ...] = HEADER, delimiter: str = ","
) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(header)
        for row in rows:
            writer.writerow([row.get(c, "") for c in header])
    return path


def refused(session: Session, path: Path) -> list[str]:
    """Imports ``path`` expecting a refusal; checks nothing was written; returns the report."""
    before = table_fingerprint(session.path)
    with pytest.raises(ImportFileError) as caught:
        import_file(session, path)
    assert table_fingerprint(session.path) == before
    assert "nothing was imported" in str(caught.value)
    return caught.value.problems


# -- good files -----------------------------------------------------------------------


def test_csv_with_thousands_separators_makes_a_partly_deployed_batch(demo_session: Session, tmp_path: Path) -> None:
    result = import_file(demo_session, write_csv(tmp_path / "b.csv", [GOOD]))
    assert (result.rows, result.batches_created, result.batches_updated) == (1, 1, 0)
    row = demo_session.queries.batch_rows()[-1]
    assert row.batch.units == 2500 and row.batch.unit_price_cents == 264000
    assert (row.counts.deployed, row.counts.on_site) == (1200, 1300)
    assert row.deployed_on.isoformat() == "2021-08-25"


def test_semicolon_csv_with_bom_is_read(session: Session, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "b.csv", [GOOD | {"units": "10", "deployed_units": ""}], delimiter=";")
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert import_file(session, path).batches_created == 1
    assert session.queries.batch_rows()[0].counts.deployed == 10


def test_unknown_site_and_model_with_figures_are_created(session: Session, tmp_path: Path) -> None:
    row = GOOD | {"data_center": "Norway", "miner_model": "Fjord X1", "ths_per_unit": "150", "watts_per_unit": "3,100"}
    result = import_file(session, write_csv(tmp_path / "b.csv", [row, row | {"units": "3", "deployed_units": ""}]))
    assert (result.sites_created, result.models_created, result.batches_created) == (1, 1, 2)
    model = session.store.find_model("fjord x1")
    assert model is not None and (model.ths, model.watts) == (150.0, 3100.0)


def test_reimport_with_ids_updates_instead_of_duplicating(demo_session: Session, tmp_path: Path) -> None:
    from desktop.services.exporting import export

    out = tmp_path / "batches.csv"
    export(demo_session, "batches", "csv", out)
    state = fleet_state(demo_session)
    result = import_file(demo_session, out)
    assert (result.batches_created, result.batches_updated) == (0, 7)
    assert demo_session.store.count_batches() == 7
    assert fleet_state(demo_session) == state
    # An edited file changes the batch it names.
    text = out.read_text(encoding="utf-8").replace(",ordered,,,", ",in_transit,,,")
    out.write_text(text, encoding="utf-8")
    import_file(demo_session, out)
    assert demo_session.store.count_batches() == 7
    assert demo_session.queries.batch_rows()[-1].counts.in_transit == 2500


def test_an_update_is_audited_like_an_edit(demo_session: Session, tmp_path: Path) -> None:
    from desktop.services.exporting import export

    out = tmp_path / "batches.csv"
    export(demo_session, "batches", "csv", out)
    text = out.read_text(encoding="utf-8").replace(",ordered,,,", ",in_transit,,,")
    text = text.replace(",2500,2021-07-28", ",2400,2021-07-28")  # batch 7: fewer units
    out.write_text(text, encoding="utf-8")
    before = demo_session.store.get_batch(7)
    import_file(demo_session, out)
    after = demo_session.store.get_batch(7)
    assert (after.units, after.version) == (2400, before.version + 1)
    entry = demo_session.store.audit_entries("batch", 7)[-1]
    assert entry.action == "import batches.csv"
    assert entry.before is not None and entry.after is not None
    assert (entry.before["units"], entry.after["units"]) == (2500, 2400)
    assert entry.before["ordered_on"] == "2021-07-28" and entry.after["version"] == after.version
    assert entry.before["events"] == []  # it had none: all ordered
    shipped = demo_session.store.audit_entries("batch", 4)[-1]  # the events it had are kept, as a delete keeps them
    assert shipped.before is not None
    assert [(e["kind"], e["units"]) for e in shipped.before["events"]] == [("shipped", 1533)]


def test_an_update_of_a_batch_changed_since_the_check_writes_nothing(demo_session: Session, tmp_path: Path) -> None:
    from desktop.errors import ConflictError
    from desktop.services.exporting import export
    from desktop.services.importing import write_plan

    out = tmp_path / "batches.csv"
    export(demo_session, "batches", "csv", out)
    plan = plan_import(demo_session.store, out)
    demo_session.fleet.record_event(7, "shipped", 100, "2021-08-01")  # another window, meanwhile
    state = table_fingerprint(demo_session.path)
    with pytest.raises(ConflictError, match="batch #7 was changed elsewhere"):
        write_plan(demo_session.store, plan)
    assert table_fingerprint(demo_session.path) == state


def test_new_batches_keep_the_file_ids_so_a_second_import_updates(session: Session, tmp_path: Path) -> None:
    rows = [GOOD | {"id": "101"}, GOOD | {"id": "102"}, GOOD | {"id": "250"}, GOOD]
    path = write_csv(tmp_path / "b.csv", rows)
    first = import_file(session, path)
    assert (first.batches_created, first.batches_updated) == (4, 0)
    assert [b.id for b in session.store.list_batches()] == [101, 102, 250, 251]
    second = import_file(session, write_csv(tmp_path / "b.csv", rows[:3]))
    assert (second.batches_created, second.batches_updated) == (0, 3)
    assert session.store.count_batches() == 4
    assert summary_json(session)["total"]["units"]["deployed"] == 4 * 1200


def test_xlsx_first_sheet_or_named_sheet(session: Session, tmp_path: Path) -> None:
    book = Workbook()
    book.active.title = "notes"
    book.active.append(["this sheet is not batches"])
    sheet = book.create_sheet("batches")
    sheet.append(list(HEADER))
    from datetime import date

    sheet.append(
        [
            *[GOOD[c] for c in HEADER][:7],
            2500,
            date(2021, 7, 28),
            date(2021, 9, 30),
            2640,
            "Bitmain",
            "ordered",
            None,
            None,
            "'=notes",
        ]
    )
    path = tmp_path / "book.xlsx"
    book.save(path)
    with pytest.raises(ImportFileError, match="row 1, column units: the column is missing"):
        import_file(session, path)
    assert import_file(session, path, "batches").batches_created == 1
    assert session.store.list_batches()[0].notes == "=notes"  # the OWASP apostrophe comes off


def test_json_list_of_objects(session: Session, tmp_path: Path) -> None:
    path = tmp_path / "b.json"
    path.write_text(json.dumps([{k: v for k, v in GOOD.items() if v} | {"units": 2500, "unit_price_usd": 2640.5}]))
    import_file(session, path)
    assert session.store.list_batches()[0].unit_price_cents == 264050


def test_dry_run_writes_nothing(demo_session: Session, tmp_path: Path) -> None:
    before = table_fingerprint(demo_session.path)
    result = import_file(demo_session, write_csv(tmp_path / "b.csv", [GOOD]), dry_run=True)
    assert result.dry_run and "nothing was written" in result.describe()
    assert table_fingerprint(demo_session.path) == before


def test_cancel_writes_nothing_and_progress_is_reported(demo_session: Session, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "b.csv", [GOOD] * 5000)
    before = table_fingerprint(demo_session.path)
    cancel = threading.Event()
    seen: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> None:
        seen.append((done, total))
        if done > total // 2:  # cancel in the middle of writing
            cancel.set()

    with pytest.raises(ImportCancelled, match="nothing was written"):
        import_file(demo_session, path, progress=progress, cancel=cancel)
    assert table_fingerprint(demo_session.path) == before
    assert seen and seen[0][0] == 0 and all(total == seen[0][1] for _, total in seen[:2])


def test_plan_lists_preview_rows_for_the_dialog(session: Session, tmp_path: Path) -> None:
    plan = plan_import(session.store, write_csv(tmp_path / "b.csv", [GOOD] * 30))
    assert plan.total_rows == 30 and len(plan.preview) == 20 and not plan.problems


# -- bad rows: each gives its row report and writes nothing ---------------------------


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"miner_model": "Mystery M1"}, "row 3, column miner_model: 'Mystery M1' is not in the catalog"),
        ({"units": "-5"}, "row 3, column units: must be more than 0"),
        ({"units": "2.5"}, "row 3, column units: must be a whole number of units"),
        ({"units": "abc"}, "row 3, column units: 'abc' is not a number"),
        ({"units": "3.819"}, "row 3, column units: must be a whole number"),
        ({"deployed_units": "3,000"}, "row 3, column deployed_units: 3,000 is more than the row's 2,500 units"),
        ({"expected_on": "2021-01-01"}, "row 3, column expected_on: 2021-01-01 is before the order date 2021-07-28"),
        ({"deployed_on": "2021-07-01"}, "row 3, column deployed_on: 2021-07-01 is before the order date"),
        ({"status": "shipping"}, "row 3, column status: 'shipping' is not a status"),
        (  # short dates are read (issue #14 item 10); this one is no date in either order
            {"ordered_on": "28/13/2021"},
            "row 3, column ordered_on: '28/13/2021' is not a date as day/month/year: there is no month 13",
        ),
        ({"unit_price_usd": "EUR 5"}, "row 3, column unit_price_usd: 'EUR 5' is not a number"),  # USD and $ are read
        ({"unit_price_usd": "-1"}, "row 3, column unit_price_usd: cannot be negative"),
        ({"ths_per_unit": "fast"}, "row 3, column ths_per_unit: 'fast' is not a number"),
        ({"ths_per_unit": "99"}, "row 3, column ths_per_unit: Antminer S19 is 95 TH/s in the catalog"),
        ({"status": "in_transit", "deployed_units": ""}, "row 3, column deployed_on: is only for status deployed"),
        ({"data_center": ""}, "row 3, column data_center: is required"),
        ({"notes": "x" * 20_000}, "row 3, column notes: is 20,000 characters long"),
    ],
)
def test_bad_row_is_reported_and_nothing_is_written(
    demo_session: Session, tmp_path: Path, change: dict[str, str], expected: str
) -> None:
    problems = refused(demo_session, write_csv(tmp_path / "bad.csv", [GOOD, GOOD | change]))
    assert any(p.startswith(expected) for p in problems), problems
    assert all(p.startswith("row 3") for p in problems)  # the good row 2 is not blamed


def test_every_bad_row_is_listed(demo_session: Session, tmp_path: Path) -> None:
    rows = [GOOD | {"units": "-1"}, GOOD, GOOD | {"status": "lost", "ordered_on": "soon"}]
    problems = refused(demo_session, write_csv(tmp_path / "bad.csv", rows))
    assert problems == [
        "row 2, column units: must be more than 0, not -1",
        "row 4, column ordered_on: 'soon' is not a date as YYYY-MM-DD",
        "row 4, column status: 'lost' is not a status; use one of ordered, in_transit, on_site, deployed, "
        "retired, cancelled",
    ]


def test_missing_column_is_reported(demo_session: Session, tmp_path: Path) -> None:
    header = tuple(c for c in HEADER if c != "units")
    problems = refused(demo_session, write_csv(tmp_path / "bad.csv", [GOOD], header=header))
    assert problems == ["row 1, column units: the column is missing"]


def test_unknown_column_is_reported(demo_session: Session, tmp_path: Path) -> None:
    problems = refused(demo_session, write_csv(tmp_path / "bad.csv", [GOOD], header=(*HEADER, "colour")))
    assert problems[0].startswith("row 1, column colour: unknown column")


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("empty.csv", b"", "the file is empty"),
        ("binary.csv", bytes(range(256)) * 40, "binary file, not CSV text"),
        ("zip.csv", b"PK\x03\x04" + b"\x00" * 100, "ZIP or XLSX file with a .csv name"),
        ("latin1.csv", ",".join(HEADER).encode() + "\nMünchen".encode("latin-1"), "row 2: the file is not UTF-8"),
        ("utf16.csv", ",".join(HEADER).encode("utf-16"), "the file is UTF-16 text"),
        ("header.csv", ",".join(HEADER).encode() + b"\n", "the file has a header but no rows"),
        ("blank.csv", b"\n\n\n", "no header row"),
        ("fake.xlsx", b"not a workbook", "not an XLSX workbook"),
        ("bad.json", b"[{", "not valid JSON"),
        ("object.json", b'{"a": 1}', "must be a list of objects"),
        ("items.json", json.dumps([GOOD, 5]).encode(), "row 3: must be an object"),
        ("huge-cell.csv", b"notes\n" + b"x" * 200_000, "longer than 100,000 characters"),
        ("quote.csv", ",".join(HEADER).encode() + b'\n"unclosed', "the CSV cannot be read"),
        ("data.parquet", b"PAR1", "'.parquet' files are not supported"),
    ],
)
def test_hostile_files_are_refused_clearly(
    demo_session: Session, tmp_path: Path, name: str, content: bytes, expected: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    problems = refused(demo_session, path)
    assert any(expected in p for p in problems), problems


def test_a_file_past_its_format_ceiling_is_refused_before_reading(demo_session: Session, tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    with open(path, "wb") as handle:  # sparse: instant to make, 257 MB to the importer
        handle.write(",".join(HEADER).encode() + b"\n")
        handle.truncate(257 * 1024 * 1024)
    problems = refused(demo_session, path)
    assert problems == [
        "the file is 257.0 MB; Hashplan imports CSV files up to 256 MB (250,000 rows): split it into smaller files"
    ]


def test_parts_of_one_batch_must_agree(session: Session, tmp_path: Path) -> None:
    rows = [
        GOOD | {"id": "9"},
        GOOD | {"id": "9", "status": "ordered", "deployed_units": "", "deployed_on": "", "supplier": "Other"},
    ]
    problems = refused(session, write_csv(tmp_path / "bad.csv", rows))
    assert problems == ["row 3, column supplier: batch id 9 is also on row 2 with a different supplier"]


# -- command line ---------------------------------------------------------------------


def test_cli_import_exit_codes(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    db = tmp_path / "fleet.db"
    assert run_cli(capsys, "--db", str(db), "demo").code == 0
    good = write_csv(tmp_path / "good.csv", [GOOD])
    bad = write_csv(tmp_path / "bad.csv", [GOOD | {"units": "-3"}, GOOD | {"status": "x"}])
    dry = run_cli(capsys, "--db", str(db), "import", str(good), "--dry-run")
    assert dry.code == 0 and "would import 1 row from" in dry.out
    before = table_fingerprint(db)
    failed = run_cli(capsys, "--db", str(db), "import", str(bad))
    assert failed.code == 2 and failed.out == ""
    assert "row 2, column units: must be more than 0" in failed.err
    assert "row 3, column status: 'x' is not a status" in failed.err
    assert "Traceback" not in failed.err
    assert table_fingerprint(db) == before
    done = run_cli(capsys, "--db", str(db), "import", str(good))
    assert done.code == 0
    assert done.out.strip() == (
        "imported 1 row from good.csv: 1 batch created, 0 updated, 0 data centers and 0 miner models added"
    )
