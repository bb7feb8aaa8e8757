"""Migrations through sqlite-utils: a function migration runs in the migration's transaction."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import sqlite_utils

from desktop.store import migrations
from desktop.store.connection import utc_now


def _new(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    migrations.migrate(conn, utc_now())
    return conn


def test_a_new_file_reaches_the_current_version_with_its_version_rows(tmp_path: Path) -> None:
    conn = _new(tmp_path / "fleet.db")
    db = sqlite_utils.Database(conn, recursive_triggers=False, execute_plugins=False)

    assert migrations.schema_version(conn) == migrations.CURRENT_VERSION
    assert db.table("schema_version").pks == ["version"]
    assert [r["version"] for r in db.table("schema_version").rows] == list(range(1, migrations.CURRENT_VERSION + 1))
    assert {"batches", "batch_events", "data_centers", "miner_models", "targets", "audit"} <= set(db.table_names())


def test_the_current_version_is_the_last_migration() -> None:
    assert len(migrations.MIGRATIONS) == migrations.CURRENT_VERSION


def test_the_header_carries_the_version_and_a_v6_file_gets_it_on_upgrade(tmp_path: Path) -> None:
    conn = _new(tmp_path / "fleet.db")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == migrations.CURRENT_VERSION
    assert migrations.header_version(conn) == migrations.CURRENT_VERSION

    old = sqlite3.connect(tmp_path / "v6.db", isolation_level=None)
    migrations.migrate(old, utc_now(), up_to=6)
    old.execute("PRAGMA user_version = 0")  # as v6 left files: the version in its table only
    assert migrations.header_version(old) == 0 and migrations.schema_version(old) == 6
    migrations.migrate(old, utc_now())
    assert migrations.header_version(old) == migrations.schema_version(old) == migrations.CURRENT_VERSION

    foreign = sqlite3.connect(tmp_path / "other.db", isolation_level=None)
    foreign.execute("PRAGMA user_version = 7")  # another program's own numbering
    assert migrations.header_version(foreign) == 0


def test_a_function_migration_can_transform_a_table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    conn = _new(tmp_path / "fleet.db")
    conn.execute("INSERT INTO targets (ths, due_on, note) VALUES (5, '2030-01-01', 'keep me')")

    def rename_note(db: sqlite_utils.Database) -> None:  # beyond ALTER TABLE's reach in old SQLite
        db.table("targets").transform(rename={"note": "remark"})

    monkeypatch.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS, rename_note])
    reached = migrations.migrate(conn, utc_now(), up_to=migrations.CURRENT_VERSION + 1)

    assert reached == migrations.CURRENT_VERSION + 1
    assert conn.execute("SELECT remark FROM targets").fetchall() == [("keep me",)]


def test_a_failed_function_migration_leaves_the_file_at_its_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    conn = _new(tmp_path / "fleet.db")

    def half_then_fail(db: sqlite_utils.Database) -> None:
        db.table("scratch").create({"id": int}, pk="id")
        raise RuntimeError("power cut")

    monkeypatch.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS, half_then_fail])
    with pytest.raises(RuntimeError):
        migrations.migrate(conn, utc_now(), up_to=migrations.CURRENT_VERSION + 1)

    assert migrations.schema_version(conn) == migrations.CURRENT_VERSION
    assert "scratch" not in sqlite_utils.Database(conn, recursive_triggers=False, execute_plugins=False).table_names()
