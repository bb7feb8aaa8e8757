"""What the command line checks, and when: reads never pay a quick_check; a write checks the
file before its first change unless the file is exactly as Hashplan's last commit left it."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from desktop.store import connection
from tests.integration.cli_runner import run_cli


@pytest.fixture
def checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    ran: list[str] = []
    real = connection._quick_check

    def counting(conn: sqlite3.Connection, path: Path, *, full: bool = False) -> None:
        ran.append("full" if full else "quick")
        real(conn, path, full=full)

    monkeypatch.setattr(connection, "_quick_check", counting)
    return ran


@pytest.fixture
def demo(db_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    assert run_cli(capsys, "--db", str(db_path), "demo").code == 0
    return db_path


def test_reads_run_no_check(demo: Path, checks: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    for args in (["summary", "--json"], ["sites"], ["batches", "--json"], ["models"]):
        assert run_cli(capsys, "--db", str(demo), *args).code == 0
    assert checks == []


def test_a_write_after_hashplan_s_own_writes_runs_no_check(
    demo: Path, checks: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    for n in range(3):
        assert run_cli(capsys, "--db", str(demo), "add-site", f"Site {n}").code == 0
    assert checks == []  # `demo` created and checked the file; each commit sealed it


def test_a_file_changed_by_another_program_is_checked_before_the_next_write(
    demo: Path, checks: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with closing(sqlite3.connect(demo)) as other:
        other.execute("UPDATE data_centers SET notes = 'edited elsewhere' WHERE id = 1")
        other.commit()
    assert run_cli(capsys, "--db", str(demo), "add-site", "After").code == 0
    assert checks == ["quick"]
    assert run_cli(capsys, "--db", str(demo), "add-site", "After again").code == 0
    assert checks == ["quick"]  # checked once, sealed again


def test_damage_written_by_another_program_is_found_before_a_write(
    demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with closing(sqlite3.connect(demo)) as conn:
        conn.execute("PRAGMA journal_mode = DELETE")  # everything in the main file
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'batches'").fetchone()[0]
    data = bytearray(demo.read_bytes())
    start = (root - 1) * page_size
    data[start : start + 8] = b"\xff" * 8  # the table's page header: not a b-tree page any more
    demo.write_bytes(bytes(data))

    result = run_cli(capsys, "--db", str(demo), "add-site", "Into damage")
    assert result.code == 2 and "damaged" in result.err
    with closing(sqlite3.connect(f"{demo.as_uri()}?mode=ro", uri=True)) as conn:
        assert conn.execute("SELECT count(*) FROM data_centers WHERE name = 'Into damage'").fetchone()[0] == 0


def test_a_seal_older_than_a_week_is_not_trusted(
    demo: Path, checks: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from datetime import timedelta

    from desktop.store import check_seal

    monkeypatch.setattr(check_seal, "TRUSTED_FOR", timedelta(0))
    assert run_cli(capsys, "--db", str(demo), "add-site", "A week later").code == 0
    assert checks == ["quick"]
