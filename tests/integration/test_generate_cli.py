"""``generate`` from the command line: a fleet a user can open, summarise and chart."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.integration.cli_runner import run_cli

pytestmark = pytest.mark.both_backends  # services and the command line on SQLite and on PostgreSQL


def test_generate_builds_a_fleet_the_summary_reads(capsys: pytest.CaptureFixture[str], db_path: Path) -> None:
    result = run_cli(capsys, "--db", str(db_path), "generate", "--batches", "300", "--events", "2000", "--seed", "3")
    assert result.code == 0, result.err
    assert "50 data centers, 300 batches" in result.out
    summary = run_cli(capsys, "--db", str(db_path), "summary", "--json")
    assert summary.code == 0
    body = json.loads(summary.out)
    assert len(body["data_centers"]) == 50
    assert body["total"]["deployed_ths"] > 0
    assert sum(body["total"]["units"].values()) > 0


def test_generate_twice_into_one_file_is_refused_and_keeps_it(
    capsys: pytest.CaptureFixture[str], db_path: Path
) -> None:
    assert run_cli(capsys, "--db", str(db_path), "generate", "--batches", "20", "--events", "50").code == 0
    again = run_cli(capsys, "--db", str(db_path), "generate", "--batches", "20", "--events", "50")
    assert again.code == 2
    assert "already holds batches" in again.err
    assert "Traceback" not in again.err


def test_generate_needs_batches_and_events(capsys: pytest.CaptureFixture[str], db_path: Path) -> None:
    result = run_cli(capsys, "--db", str(db_path), "generate", "--events", "10")
    assert result.code == 2
    assert "--batches" in result.err
