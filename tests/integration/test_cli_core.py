"""The command line as a script would use it: the worked example, exit codes, nothing half-written."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from desktop.server_address import ServerAddress
from tests.integration.cli_runner import run_cli
from tests.pg_server import server_rows

pytestmark = pytest.mark.both_backends  # the command line on SQLite and on PostgreSQL


def content_digest(path: Path) -> str:
    """Digest of the database's content (the file's bytes after a clean close; a server's rows)."""
    if isinstance(path, ServerAddress):
        return hashlib.sha256(repr(server_rows(path)).encode()).hexdigest()
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def demo_db(db_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    path = db_path
    assert run_cli(capsys, "--db", str(path), "demo").code == 0
    return path


def test_demo_then_summary_json_gives_the_worked_example(demo_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    result = run_cli(capsys, "--db", str(demo_db), "summary", "--json")
    assert result.code == 0
    report = json.loads(result.out)
    total = report["total"]
    assert total["units"] == {
        "ordered": 2500,
        "in_transit": 4033,
        "on_site": 0,
        "deployed": 3819,
        "retired": 0,
        "cancelled": 0,
    }
    assert abs(total["planned_ths"] - 458_000) / 458_000 < 0.01
    assert "name" not in total
    names = [dc["name"] for dc in report["data_centers"]]
    assert names == ["Kazakhstan", "Texas"]
    texas = report["data_centers"][1]
    assert sum(texas["units"].values()) == 0 and texas["planned_ths"] == 0
    kz = report["data_centers"][0]
    assert set(kz) == {"name", "units", "deployed_ths", "planned_ths", "deployed_power_mw", "capacity_mw"}


def test_demo_order_costs_six_point_six_million(demo_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    batches = json.loads(run_cli(capsys, "--db", str(demo_db), "batches", "--json").out)
    ordered = [b for b in batches if b["stages"]["ordered"]]
    assert sum(b["units"] for b in ordered) == 2500
    assert sum(b["units"] * b["unit_price_usd"] for b in ordered) == 6_600_000


def test_summary_at_a_past_date(demo_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = json.loads(run_cli(capsys, "--db", str(demo_db), "summary", "--at", "2021-06-22", "--json").out)
    assert report["as_of"] == "2021-06-22"
    assert report["total"]["units"]["deployed"] == 1819
    assert report["total"]["deployed_ths"] == 1819 * 13.5


def test_summary_table_is_readable(demo_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = run_cli(capsys, "--db", str(demo_db), "summary").out
    assert "Kazakhstan" in out and "3,819" in out and "457.06 PH/s" in out and "Total" in out


def test_demo_refuses_a_database_with_batches(demo_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = content_digest(demo_db)
    result = run_cli(capsys, "--db", str(demo_db), "demo")
    assert result.code == 2 and "already holds 7 batches" in result.err and "--force" in result.err
    assert content_digest(demo_db) == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            [
                "add-batch",
                "--site",
                "Kazakhstan",
                "--model",
                "Antminer S19",
                "--units",
                "-5",
                "--ordered-on",
                "2021-08-01",
            ],
            "units: must be more than 0",
        ),
        (
            [
                "add-batch",
                "--site",
                "Kazakhstan",
                "--model",
                "Antminer S19",
                "--units",
                "2.5",
                "--ordered-on",
                "2021-08-01",
            ],
            "units: must be a whole number",
        ),
        (
            ["add-batch", "--site", "Mars", "--model", "Antminer S19", "--units", "5", "--ordered-on", "2021-08-01"],
            "no data center named 'Mars'",
        ),
        (
            ["add-batch", "--site", "Texas", "--model", "Antminer S99", "--units", "5", "--ordered-on", "2021-08-01"],
            "no miner model named 'Antminer S99'",
        ),
        (
            [
                "add-batch",
                "--site",
                "Texas",
                "--model",
                "Antminer S19",
                "--units",
                "5",
                "--ordered-on",
                "2021-08-01",
                "--unit-price",
                "-3",
            ],
            "unit_price: cannot be negative",
        ),
        (
            ["add-batch", "--site", "Texas", "--model", "Antminer S19", "--units", "5", "--ordered-on", "01/08/2021"],
            "not a date as YYYY-MM-DD",
        ),
        (["record", "deployed", "--batch", "7", "--units", "3000", "--on", "2021-10-01"], "only 0 on site"),
        (["record", "retired", "--batch", "1", "--units", "2000", "--on", "2021-10-01"], "only 1,819 deployed"),
        (["record", "delivered", "--batch", "4", "--units", "1", "--on", "2021-01-01"], "before the batch was ordered"),
        (["record", "shipped", "--batch", "99", "--units", "1"], "batch #99 does not exist"),
        (["add-site", "  kazakhstan "], "already exists"),
        (["add-model", "Antminer S19", "--ths", "95", "--watts", "3250"], "already exists"),
        (["add-model", "New", "--ths", "0", "--watts", "3250"], "ths: must be more than 0"),
        (["add-site", "Norway", "--capacity-mw", "-1"], "capacity_mw: cannot be negative"),
        (["summary", "--at", "2021-02-30"], "not a date"),
        (["record", "installed", "--batch", "1"], "invalid choice"),
        (["add-batch", "--site", "Texas"], "required"),
    ],
)
def test_bad_input_exits_2_with_one_line_and_leaves_the_file_unchanged(
    demo_db: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    before = content_digest(demo_db)
    result = run_cli(capsys, "--db", str(demo_db), *args)
    assert result.code == 2
    assert message in result.err
    assert result.err.count("\n") == 1 and "Traceback" not in result.err
    assert result.out == ""
    assert content_digest(demo_db) == before


def test_bad_input_on_a_new_file_leaves_no_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "new.db"
    result = run_cli(capsys, "--db", str(path), "add-site", "X", "--capacity-mw", "lots")
    assert result.code == 2 and "capacity_mw" in result.err
    assert not path.exists()


def test_scripted_logging_moves_units_through_stages(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = ["--db", str(tmp_path / "s.db")]
    assert run_cli(capsys, *db, "add-site", "Norway", "--country", "NO", "--capacity-mw", "20").code == 0
    assert run_cli(capsys, *db, "add-model", "Hydro 1", "--vendor", "Acme", "--ths", "100", "--watts", "5000").code == 0
    added = run_cli(
        capsys,
        *db,
        "add-batch",
        "--site",
        "norway",
        "--model",
        "hydro 1",
        "--units",
        "1,000",
        "--ordered-on",
        "2024-01-01",
        "--expected-on",
        "2024-03-01",
        "--total-cost",
        "1,500,000",
        "--json",
    )
    assert added.code == 0
    batch_id = json.loads(added.out)["id"]
    assert json.loads(added.out)["unit_price_usd"] == 1500
    for event in ("shipped", "delivered"):
        assert run_cli(capsys, *db, "record", event, "--batch", str(batch_id), "--on", "2024-02-01").code == 0
    assert (
        run_cli(
            capsys, *db, "record", "deployed", "--batch", str(batch_id), "--units", "400", "--on", "2024-02-10"
        ).code
        == 0
    )
    report = json.loads(run_cli(capsys, *db, "summary", "--json").out)
    [norway] = report["data_centers"]
    assert norway["units"]["deployed"] == 400 and norway["units"]["on_site"] == 600
    assert norway["deployed_ths"] == 40_000 and norway["planned_ths"] == 100_000
    assert norway["deployed_power_mw"] == 2.0 and norway["capacity_mw"] == 20.0


def test_hashplan_db_environment_variable_picks_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "env.db"
    monkeypatch.setenv("HASHPLAN_DB", str(target))
    assert run_cli(capsys, "add-site", "Iceland").code == 0
    assert target.exists()


def test_unexpected_errors_exit_1_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop.services.reports import FleetQueries

    def boom(self: object, at: object = None) -> None:
        raise RuntimeError("kaboom")

    assert run_cli(capsys, "--db", str(tmp_path / "e.db"), "add-site", "Iceland").code == 0
    monkeypatch.setattr(FleetQueries, "summary", boom)
    result = run_cli(capsys, "--db", str(tmp_path / "e.db"), "summary")
    assert result.code == 1 and "kaboom" in result.err and "Traceback" not in result.err


def test_python_dash_m_desktop_runs_as_a_program(demo_db: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "desktop", "--db", str(demo_db), "summary", "--json"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0
    assert json.loads(done.stdout)["total"]["units"]["deployed"] == 3819
