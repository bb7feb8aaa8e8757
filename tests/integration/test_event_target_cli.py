"""Issue #14's command-line contract: events, edit-event, delete-event, add-target, targets, delete-target."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.integration.cli_runner import CliResult, run_cli

pytestmark = pytest.mark.both_backends  # the command line on SQLite and on PostgreSQL


@pytest.fixture
def db(db_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    path = db_path
    assert run_cli(capsys, "--db", str(path), "demo").code == 0
    return str(path)


def cli(capsys: pytest.CaptureFixture[str], db: str, *args: str) -> CliResult:
    return run_cli(capsys, "--db", db, *args)


def events(capsys: pytest.CaptureFixture[str], db: str, batch: int) -> list[dict]:
    result = cli(capsys, db, "events", "--batch", str(batch), "--json")
    assert result.code == 0, result.err
    return json.loads(result.out)


def refused(result: CliResult, reason: str) -> None:
    assert result.code == 2
    assert result.out == ""
    assert len(result.err.strip().splitlines()) == 1 and reason in result.err


def test_events_lists_a_batch_oldest_first_as_json(capsys, db: str) -> None:
    listed = events(capsys, db, 1)
    assert [(e["kind"], e["units"], e["occurred_on"]) for e in listed] == [
        ("shipped", 1819, "2021-06-01"),
        ("delivered", 1819, "2021-06-12"),
        ("deployed", 1200, "2021-06-15"),
        ("deployed", 619, "2021-06-22"),
    ]
    assert all({"id", "kind", "units", "occurred_on", "note"} <= set(e) for e in listed)
    text = cli(capsys, db, "events", "--batch", "1").out.splitlines()
    assert len(text) == 4 and "2021-06-01" in text[0] and "shipped" in text[0]
    refused(cli(capsys, db, "events", "--batch", "99"), "batch #99 does not exist")


def test_edit_event_changes_units_date_and_note(capsys, db: str) -> None:
    last = events(capsys, db, 1)[-1]
    result = cli(capsys, db, "edit-event", str(last["id"]), "--on", "2021-06-25", "--units", "600", "--note", "crane")
    assert result.code == 0, result.err
    edited = events(capsys, db, 1)[-1]
    assert (edited["id"], edited["occurred_on"], edited["units"], edited["note"]) == (
        last["id"], "2021-06-25", 600, "crane",
    )  # fmt: skip
    summary = json.loads(cli(capsys, db, "summary", "--json").out)
    assert summary["total"]["units"]["deployed"] == 3800 and summary["total"]["units"]["on_site"] == 19


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["--units", "5000"], "only 1,819 on site then"),
        (["--on", "2021-05-01"], "is before the batch was ordered (2021-05-06)"),
        (["--on", "2021-06-11"], "would break the batch's stages"),
        (["--on", "2021-02-30"], "2021-02 has 28 days"),
        (["--units", "0"], "units"),
        ([], "no field to change"),
    ],
)
def test_edit_event_that_breaks_the_stages_is_refused(capsys, db: str, args: list[str], reason: str) -> None:
    before = events(capsys, db, 1)
    refused(cli(capsys, db, "edit-event", str(before[2]["id"]), *args), reason)
    assert events(capsys, db, 1) == before


def test_delete_event_refused_when_later_events_need_it(capsys, db: str) -> None:
    before = events(capsys, db, 1)
    delivered = before[1]["id"]
    refused(cli(capsys, db, "delete-event", str(delivered)), f"deleting delivered event #{delivered} would break")
    assert events(capsys, db, 1) == before
    assert cli(capsys, db, "delete-event", str(before[-1]["id"])).code == 0
    assert events(capsys, db, 1) == before[:-1]
    refused(cli(capsys, db, "delete-event", str(before[-1]["id"])), "does not exist")


def test_event_changes_are_in_the_audit_trail(capsys, db: str) -> None:
    from desktop.services.session import open_session

    last = events(capsys, db, 1)[-1]
    assert cli(capsys, db, "edit-event", str(last["id"]), "--note", "late").code == 0
    assert cli(capsys, db, "delete-event", str(last["id"])).code == 0
    with open_session(db) as session:
        trail = session.store.audit_entries("batch_event", last["id"])
    assert [(e.before is None, e.after is None) for e in trail[-2:]] == [(False, False), (False, True)]
    assert trail[-2].after["note"] == "late"


def test_targets_add_list_and_delete(capsys, db: str) -> None:
    added = cli(
        capsys, db, "add-target", "--ths", "200000", "--due", "2022-01-31", "--site", "Texas", "--note", "phase 1"
    )
    assert added.code == 0, added.err
    fleet = cli(capsys, db, "add-target", "--ths", "600000", "--due", "2022-06-30")
    assert fleet.code == 0, fleet.err
    listed = json.loads(cli(capsys, db, "targets", "--json").out)
    assert [(t["ths"], t["due_on"], t["data_center"], t["note"]) for t in listed] == [
        (458000.0, "2021-10-31", "Kazakhstan", "458 PH/s once every purchase is in place"),
        (200000.0, "2022-01-31", "Texas", "phase 1"),
        (600000.0, "2022-06-30", None, ""),
    ]
    texas = listed[1]["id"]
    assert cli(capsys, db, "delete-target", str(texas)).code == 0
    assert [t["id"] for t in json.loads(cli(capsys, db, "targets", "--json").out)] == [listed[0]["id"], listed[2]["id"]]
    refused(cli(capsys, db, "delete-target", str(texas)), f"target #{texas} does not exist")


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["--ths", "0", "--due", "2022-01-31"], "must be more than 0"),
        (["--ths", "abc", "--due", "2022-01-31"], "target"),
        (["--ths", "100", "--due", "2022-13-01"], "no month 13"),
        (["--ths", "100", "--due", "2022-01-31", "--site", "Narnia"], "no data center named 'Narnia'"),
    ],
)
def test_a_bad_target_is_refused_and_nothing_written(capsys, db: str, args: list[str], reason: str) -> None:
    before = cli(capsys, db, "targets", "--json").out
    refused(cli(capsys, db, "add-target", *args), reason)
    assert cli(capsys, db, "targets", "--json").out == before
