"""The shared team store on PostgreSQL (issue #16), from the outside: the command line on a
throwaway cluster (tests/pg_server.py), as an administrator, an editor and a viewer."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from desktop.services.session import open_session
from tests.integration.cli_runner import CliResult, run_cli
from tests.pg_server import PgCluster, server_rows


def cli(capsys: pytest.CaptureFixture[str], db: str | Path, *args: str) -> CliResult:
    return run_cli(capsys, "--db", str(db), *args)


@pytest.fixture
def server_db(pg_cluster: PgCluster) -> str:
    """An empty server database (no Hashplan schema yet), as an administrator gets it."""
    name = f"team_{os.getpid()}_{time.monotonic_ns()}"
    pg_cluster.admin(f"CREATE DATABASE {name}")
    return pg_cluster.url(name)


@pytest.fixture
def demo_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    path = tmp_path / "demo.db"
    assert cli(capsys, path, "demo").code == 0
    return path


def test_server_setup_then_copy_gives_the_same_summary_and_a_second_setup_changes_nothing(
    capsys: pytest.CaptureFixture[str], server_db: str, demo_file: Path
) -> None:
    first = run_cli(capsys, "server-setup", server_db)
    assert first.code == 0, first.err
    assert "created Hashplan's schema" in first.out and "hashplan_viewer" in first.out
    again = run_cli(capsys, "server-setup", server_db)
    assert again.code == 0 and "nothing changed" in again.out, again.out

    copied = run_cli(capsys, "copy", "--from", str(demo_file), "--to", server_db)
    assert copied.code == 0, copied.err
    assert "7 batches" in copied.out and "identical" in copied.out
    on_file, on_server = cli(capsys, demo_file, "summary", "--json"), cli(capsys, server_db, "summary", "--json")
    assert on_server.code == 0 and json.loads(on_server.out) == json.loads(on_file.out)
    assert json.loads(on_server.out)["total"]["units"]["deployed"] == 3819

    refused = run_cli(capsys, "copy", "--from", str(demo_file), "--to", server_db)
    assert refused.code == 2 and "already holds" in refused.err and refused.err.count("\n") == 1


def test_copy_round_trip_file_server_file_keeps_summary_and_batch_export(
    capsys: pytest.CaptureFixture[str], server_db: str, tmp_path: Path
) -> None:
    source, back = tmp_path / "fleet.db", tmp_path / "back.db"
    assert cli(capsys, source, "generate", "--batches", "10000", "--events", "30000", "--seed", "7").code == 0
    assert run_cli(capsys, "copy", "--from", str(source), "--to", server_db).code == 0
    assert run_cli(capsys, "copy", "--from", server_db, "--to", str(back)).code == 0
    summaries = [cli(capsys, db, "summary", "--json").out for db in (source, server_db, back)]
    assert summaries[0] == summaries[1] == summaries[2]
    exports = []
    for db in (source, server_db, back):
        out = tmp_path / f"batches-{len(exports)}.csv"
        assert cli(capsys, db, "export", "--what", "batches", "--format", "csv", "--out", str(out)).code == 0
        exports.append(out.read_bytes())
    assert exports[0] == exports[1] == exports[2]
    assert len({line.split(b",")[0] for line in exports[0].splitlines()[1:]}) == 10000  # every batch (a row a stage)


def test_a_viewer_reads_but_cannot_write_and_an_editor_can(
    capsys: pytest.CaptureFixture[str], pg_cluster: PgCluster, server_db: str, demo_file: Path
) -> None:
    assert run_cli(capsys, "server-setup", server_db).code == 0
    assert run_cli(capsys, "copy", "--from", str(demo_file), "--to", server_db).code == 0
    viewer = pg_cluster.login(server_db, "hashplan_viewer", "vera")
    editor = pg_cluster.login(server_db, "hashplan_editor", "eddie")

    assert cli(capsys, viewer, "summary", "--json").code == 0
    refused = cli(capsys, viewer, "add-site", "Norway")
    assert refused.code == 2 and "read-only" in refused.err and refused.err.count("\n") == 1
    with open_session(viewer) as session:
        assert session.readonly

    added = cli(capsys, editor, "add-site", "Norway")
    assert added.code == 0, added.err
    recorded = cli(capsys, editor, "record", "--batch", "7", "--units", "100", "--on", "2021-08-01", "shipped")
    assert recorded.code == 0, recorded.err
    sites = cli(capsys, viewer, "sites", "--json")
    assert "Norway" in {s["name"] for s in json.loads(sites.out)}


def test_a_stale_edit_from_another_machine_is_caught(server_db: str) -> None:
    """Two clients of one server database: the second save over the same row version is refused
    (tests/integration/test_stale_edit.py runs its whole suite on both backends too)."""
    from desktop.errors import ConflictError
    from desktop.services.demo import load_demo
    from tests.integration.test_stale_edit import _edit

    with open_session(server_db) as setup:
        load_demo(setup)
    with open_session(server_db) as alice, open_session(server_db) as bob:
        opened_at = alice.store.get_batch(1).version  # both open the edit dialog
        _edit(bob, 1, "edited on Bob's machine", version=opened_at)
        with pytest.raises(ConflictError, match="changed elsewhere"):
            _edit(alice, 1, "edited on Alice's machine", version=opened_at)
        assert alice.store.get_batch(1).notes == "edited on Bob's machine"


def test_server_backup_is_a_file_restore_puts_back(
    capsys: pytest.CaptureFixture[str], server_db: str, demo_file: Path
) -> None:
    assert run_cli(capsys, "copy", "--from", str(demo_file), "--to", server_db).code == 0
    made = cli(capsys, server_db, "backup")
    assert made.code == 0 and "SQLite file" in made.err
    backup = Path(made.out.strip())
    assert json.loads(cli(capsys, backup, "summary", "--json").out) == json.loads(
        cli(capsys, demo_file, "summary", "--json").out
    )  # the backup opens as it is, with the same figures
    assert cli(capsys, server_db, "add-site", "Mars").code == 0
    restored = cli(capsys, server_db, "restore", backup.name)
    assert restored.code == 0, restored.err
    assert "Mars" not in cli(capsys, server_db, "sites").out


def test_sigkill_mid_import_leaves_nothing_partial_on_the_server(
    capsys: pytest.CaptureFixture[str], server_db: str, demo_file: Path, tmp_path: Path
) -> None:
    assert run_cli(capsys, "copy", "--from", str(demo_file), "--to", server_db).code == 0
    big, csv = tmp_path / "big.db", tmp_path / "big.csv"
    assert cli(capsys, big, "generate", "--batches", "20000", "--events", "40000", "--seed", "3").code == 0
    assert cli(capsys, big, "export", "--what", "batches", "--format", "csv", "--out", str(csv)).code == 0
    before = server_rows(server_db)
    child = subprocess.Popen(
        [sys.executable, "-m", "desktop", "--db", server_db, "import", str(csv)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**os.environ},
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not _import_writing(server_db):
        time.sleep(0.02)
    assert child.poll() is None, "the import finished before it could be killed"
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    time.sleep(0.5)  # the server notices the dropped connection and rolls its transaction back
    assert server_rows(server_db) == before
    assert cli(capsys, server_db, "summary", "--json").out == cli(capsys, demo_file, "summary", "--json").out


def _import_writing(url: str) -> bool:
    """True once another connection holds Hashplan's write lock (the import's transaction is open)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute(
            "SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND pid <> pg_backend_pid()"
        ).fetchone()
    return bool(row and row[0])
