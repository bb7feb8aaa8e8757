"""The store: unique names, audit trail, migrations, refusal of files it must not touch."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from desktop.errors import NewerSchemaError, NotHashplanFileError, ValidationError
from desktop.services.demo import load_demo
from desktop.services.session import Session, open_session
from desktop.store import migrations

pytestmark = pytest.mark.both_backends  # store, services: on SQLite and on PostgreSQL


def test_names_are_unique_case_insensitive_and_trimmed(session: Session) -> None:
    session.fleet.add_site("Kazakhstan")
    with pytest.raises(ValidationError, match="already exists"):
        session.fleet.add_site("  KAZAKHSTAN ")
    with pytest.raises(ValidationError, match="already exists"):
        session.fleet.add_model("antminer s19", "Bitmain", 95, 3250)


def test_new_database_holds_the_seed_catalog(session: Session) -> None:
    names = {m.name for m in session.store.list_models()}
    assert {"Antminer S9", "Antminer S19 Pro", "Whatsminer M30S++", "AvalonMiner 1246"} <= names
    assert len(names) >= 13


def test_every_change_is_audited_with_before_and_after(session: Session) -> None:
    site = session.fleet.add_site("Texas", capacity_mw="100")
    session.fleet.edit_site(site.id, "Texas", "United States", "120")
    batch = session.fleet.add_batch("Texas", "Antminer S19", 10, "2021-05-01")
    session.fleet.delete_batch(batch.id)
    entries = session.store.audit_entries()
    actions = [(e.entity, e.before is None, e.after is None) for e in entries if e.entity != "miner_model"]
    assert actions == [
        ("data_center", True, False),
        ("data_center", False, False),
        ("batch", True, False),
        ("batch", False, True),
    ]
    edit = [e for e in entries if e.entity == "data_center"][1]
    assert edit.before["capacity_mw"] == 100 and edit.after["capacity_mw"] == 120
    assert entries[-1].before["units"] == 10 and entries[-1].action == f"delete batch #{batch.id}"


def test_deleted_batch_restores_with_its_id_and_events(demo_session: Session) -> None:
    fleet = demo_session.fleet
    before = demo_session.queries.summary()
    snapshot = fleet.delete_batch(1)
    assert demo_session.queries.summary() != before
    fleet.restore_batch(snapshot)
    assert demo_session.queries.summary() == before
    assert [e.id for e in demo_session.store.events_for_batch(1)] == [e.id for e in snapshot.events]


@pytest.mark.sqlite_only  # the SQLite file itself
def test_schema_v1_file_opens_under_current_code_with_data_intact(db_path: Path) -> None:
    conn = sqlite3.connect(db_path, isolation_level=None)
    migrations.migrate(conn, "2021-01-01T00:00:00+00:00", up_to=1)
    conn.execute("INSERT INTO data_centers (name, name_key, country, capacity_mw) VALUES ('Old', 'old', 'KZ', 5)")
    conn.execute("INSERT INTO miner_models (name, name_key, vendor, ths, watts) VALUES ('M1', 'm1', 'V', 50, 2000)")
    conn.execute(
        "INSERT INTO batches (data_center_id, model_id, units, ordered_on, expected_on) "
        "VALUES (1, 1, 300, '2021-01-01', '2021-02-01')"
    )
    conn.execute(
        "INSERT INTO batch_events (batch_id, kind, units, occurred_on) VALUES (1, 'shipped', 300, '2021-01-05')"
    )
    conn.close()
    with open_session(db_path) as session:
        assert migrations.schema_version(session.store.conn) == migrations.CURRENT_VERSION
        [figures] = session.queries.summary().sites
        assert figures.name == "Old" and figures.units.in_transit == 300 and figures.planned_ths == 15000
        assert session.store.get_batch(1).version == 1
        session.fleet.record_event(1, "delivered", 300, "2021-01-20")  # and it is writable


@pytest.mark.sqlite_only  # the SQLite file itself
def test_newer_schema_is_refused_and_not_altered(db_path: Path) -> None:
    with open_session(db_path) as session:
        load_demo(session)
        session.store.conn.execute("INSERT INTO schema_version VALUES (99, 'future')")
    content = db_path.read_bytes()
    with pytest.raises(NewerSchemaError, match="newer Hashplan"):
        open_session(db_path)
    assert db_path.read_bytes() == content


def test_foreign_sqlite_file_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE notes (x)")
    conn.commit()
    conn.close()
    with pytest.raises(NotHashplanFileError, match="another program"):
        open_session(other)


@pytest.mark.sqlite_only  # the SQLite file itself
def test_wal_and_full_sync_are_set(session: Session) -> None:
    conn = session.store.conn
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_change_mark_moves_with_every_write_from_any_connection(demo_session: Session) -> None:
    store = demo_session.store
    first = store.change_mark()
    assert first == store.change_mark()  # reading changes nothing
    with open_session(demo_session.path) as other:
        other.fleet.add_site("Norway", "Norway")
    second = store.change_mark()
    assert second is not None and second != first


def test_batches_with_ids_reads_only_those_that_exist(demo_session: Session) -> None:
    found = demo_session.store.batches_with_ids([7, 2, 2, 999, *range(1000, 3000)])
    assert [b.id for b in found] == [2, 7]
