"""Backups: written whole and verified, rotated 7 daily + 4 weekly, restored exactly."""

from __future__ import annotations

import json
import shutil
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from desktop.errors import ValidationError
from desktop.paths import backups_dir
from desktop.services.backups import BackupService, restore_unopenable
from desktop.services.demo import load_demo
from desktop.services.session import Session, open_session
from desktop.store.backup import list_backups, rotate
from tests.integration.cli_runner import run_cli

NOON = datetime(2026, 3, 18, 12, 0, tzinfo=timezone.utc)  # a Wednesday


def _integrity(path: Path) -> str:
    with sqlite3.connect(path) as conn:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]


def _summary(capsys: pytest.CaptureFixture[str], db: Path) -> str:
    result = run_cli(capsys, "--db", str(db), "summary", "--json", "--at", "2022-01-01")
    assert result.code == 0, result.err
    return result.out


def test_backup_is_a_verified_single_file_beside_the_data(demo_session: Session) -> None:
    info = BackupService(demo_session.store).backup_now()
    assert info.path.parent == backups_dir(demo_session.path)
    assert info.path.parent.parent.parent == demo_session.path.parent
    assert info.path.name.startswith("fleet_") and info.path.suffix == ".db"
    files = [p.name for p in info.path.parent.iterdir() if p.name != ".newest-content"]
    assert files == [info.path.name]  # no partial, no -wal
    assert _integrity(info.path) == "ok"
    with sqlite3.connect(info.path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM batches").fetchone()[0] == demo_session.store.count_batches()


def test_cli_round_trip_on_the_demo_gives_identical_summary(capsys: pytest.CaptureFixture[str], db_path: Path) -> None:
    assert run_cli(capsys, "--db", str(db_path), "demo").code == 0
    before = _summary(capsys, db_path)
    made = run_cli(capsys, "--db", str(db_path), "backup")
    assert made.code == 0
    backup = Path(made.out.strip())
    assert backup.is_file()

    with open_session(db_path) as session:  # change the data after the backup
        batch = session.store.list_batches()[-1]
        session.fleet.delete_batch(batch.id or 0)
        session.fleet.add_site("Norway Fjord", "NO", 20)
    assert _summary(capsys, db_path) != before

    restored = run_cli(capsys, "--db", str(db_path), "restore", backup.name)
    assert restored.code == 0, restored.err
    assert "restored" in restored.out and "before the restore was backed up" in restored.out
    assert _summary(capsys, db_path) == before
    assert _integrity(db_path) == "ok"
    listed = json.loads(run_cli(capsys, "--db", str(db_path), "backups", "--json").out)
    assert {row["tag"] for row in listed} == {"", "before-restore"}


def test_restore_first_backs_up_the_current_content(demo_session: Session) -> None:
    service = BackupService(demo_session.store, demo_session.fleet)
    old = service.backup_now(now=NOON)
    demo_session.fleet.add_site("Only After", "US")
    seen: list[str] = []
    demo_session.fleet.subscribe(seen.append)

    result = service.restore(old, now=NOON + timedelta(minutes=5))

    assert demo_session.store.find_site("Only After") is None  # the live session sees the restore
    assert seen == ["restore backup"]
    assert result.safety_backup is not None and result.safety_backup.tag == "before-restore"
    with sqlite3.connect(result.safety_backup.path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM data_centers WHERE name = 'Only After'").fetchone()[0] == 1
    assert {b.path for b in service.list_backups()} == {old.path, result.safety_backup.path}
    assert demo_session.store.audit_entries()[-1].action.startswith("restore from backup")


def test_another_window_sees_the_restored_data(demo_session: Session) -> None:
    service = BackupService(demo_session.store, demo_session.fleet)
    old = service.backup_now()
    with open_session(demo_session.path) as other:
        other.fleet.add_site("Other Window Site")
        service.restore(old)
        assert other.store.find_site("Other Window Site") is None
        other.fleet.add_site("After Restore")  # and can keep writing
    assert demo_session.store.find_site("After Restore") is not None


def test_rotation_keeps_the_last_day_whole_then_seven_daily_and_four_weekly(demo_session: Session) -> None:
    service = BackupService(demo_session.store)
    first = service.backup_now(now=NOON - timedelta(days=59))
    folder = first.path.parent
    made = [first.path]
    for days_ago in range(58, -1, -1):  # one more each day, and a second one on some days
        when = NOON - timedelta(days=days_ago)
        for hour in (0, 6) if days_ago % 3 == 0 else (0,):
            target = folder / f"fleet_{(when + timedelta(hours=hour)).strftime('%Y-%m-%d_%H%M%S')}.db"
            shutil.copy(first.path, target)
            made.append(target)
    rotate(demo_session.path, now=NOON + timedelta(hours=6))

    now = NOON + timedelta(hours=6)
    last_day = [b for b in list_backups(demo_session.path) if now - b.taken_at < timedelta(hours=24)]
    assert sorted(b.taken_at for b in last_day) == [NOON, now]  # both of the last 24 hours
    kept = [b for b in list_backups(demo_session.path) if b not in last_day or b.taken_at == now]
    days = {b.day for b in kept}
    weeks = {tuple(b.taken_at.isocalendar())[:2] for b in kept}
    last_7_days = {(NOON - timedelta(days=n)).date() for n in range(7)}
    assert last_7_days <= days
    assert len(weeks) == 4
    assert len(kept) == len({b.day for b in kept})  # one per day kept: the newest
    assert all(b.taken_at >= NOON - timedelta(days=28) for b in kept)
    assert len(kept) == 7 + len(weeks - {tuple(d.isocalendar())[:2] for d in last_7_days})
    assert NOON + timedelta(hours=6) in {b.taken_at for b in kept}  # the later one of the day


def test_maybe_daily_backup_makes_one_per_day_while_the_file_changes(session: Session) -> None:
    service = BackupService(session.store)
    assert service.maybe_daily_backup(NOON) is not None
    assert service.maybe_daily_backup(NOON + timedelta(hours=3)) is None
    assert service.skipped.startswith("Daily backup: today's is there already")
    assert service.maybe_daily_backup(NOON + timedelta(days=1)) is None  # nothing changed since
    assert service.skipped.startswith("Daily backup skipped: nothing changed since the newest backup")
    session.fleet.add_site("Iceland")
    assert service.maybe_daily_backup(NOON + timedelta(days=1)) is not None
    assert len(service.list_backups()) == 2


def test_newest_good_backup_skips_a_damaged_one(demo_session: Session) -> None:
    service = BackupService(demo_session.store)
    good = service.backup_now(now=NOON)
    bad = service.backup_now(now=NOON + timedelta(days=1))
    data = bad.path.read_bytes()
    bad.path.write_bytes(data[: len(data) // 3])
    assert service.newest_good_backup() == good


def test_a_damaged_database_is_set_aside_and_restored(db_path: Path) -> None:
    with open_session(db_path) as session:
        load_demo(session)
        BackupService(session.store).backup_now()
        expected = session.queries.summary()
    db_path.write_bytes(db_path.read_bytes()[:5000])  # truncated

    result = restore_unopenable(db_path)

    assert result.set_aside is not None and result.set_aside.read_bytes()[:16] == b"SQLite format 3\x00"
    assert _integrity(db_path) == "ok"
    with open_session(db_path) as session:
        assert session.queries.summary() == expected


def test_restore_refuses_bad_input_with_exit_2(capsys: pytest.CaptureFixture[str], session: Session) -> None:
    db = str(session.path)
    neither = run_cli(capsys, "--db", db, "restore")
    assert neither.code == 2 and "--newest" in neither.err and len(neither.err.splitlines()) == 1
    missing = run_cli(capsys, "--db", db, "restore", "no-such-backup.db")
    assert missing.code == 2 and "no-such-backup.db" in missing.err
    none_yet = run_cli(capsys, "--db", db, "restore", "--newest")
    assert none_yet.code == 2 and "no good backup" in none_yet.err
    with pytest.raises(ValidationError):
        BackupService(session.store).restore("")


def test_a_backup_from_an_older_schema_is_upgraded_on_restore(session: Session, tmp_path: Path) -> None:
    from desktop.services.reports import summary_to_json
    from desktop.store import migrations

    old = backups_dir(session.path) / "fleet_2025-01-01_000000.db"
    old.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(old, isolation_level=None)
    migrations.migrate(conn, "2025-01-01T00:00:00+00:00", up_to=2)  # as Hashplan v2 wrote it
    conn.execute("INSERT INTO data_centers (id, name, name_key) VALUES (1, 'Old Site', 'old site')")
    conn.execute(
        "INSERT INTO miner_models (id, name, name_key, vendor, ths, watts) VALUES (1, 'S9', 's9', '', 14, 1372)"
    )
    conn.execute(
        "INSERT INTO batches (id, data_center_id, model_id, units, ordered_on, expected_on) "
        "VALUES (1, 1, 1, 100, '2024-01-01', '2024-02-01')"
    )
    conn.execute(
        "INSERT INTO batch_events (batch_id, kind, units, occurred_on) VALUES (1, 'shipped', 100, '2024-01-10')"
    )
    conn.execute(
        "INSERT INTO batch_events (batch_id, kind, units, occurred_on) VALUES (1, 'delivered', 100, '2024-01-20')"
    )
    conn.execute(
        "INSERT INTO batch_events (batch_id, kind, units, occurred_on) VALUES (1, 'deployed', 60, '2024-02-01')"
    )
    conn.close()

    BackupService(session.store, session.fleet).restore(old.name)

    with open_session(tmp_path / "expected.db") as expected:
        site = expected.fleet.add_site("Old Site")
        model = expected.fleet.add_model("S9", "", 14, 1372)
        batch = expected.fleet.add_batch(site.id, model.id, 100, "2024-01-01", "2024-02-01")
        for kind, units, on in (
            ("shipped", 100, "2024-01-10"),
            ("delivered", 100, "2024-01-20"),
            ("deployed", 60, "2024-02-01"),
        ):
            expected.fleet.record_event(batch.id or 0, kind, units, on)
        want = summary_to_json(expected.queries.summary())
    assert summary_to_json(session.queries.summary()) == want
    assert _integrity(session.path) == "ok"


def test_cli_backup_leaves_nothing_beside_the_database(capsys: pytest.CaptureFixture[str], db_path: Path) -> None:
    assert run_cli(capsys, "--db", str(db_path), "demo").code == 0
    assert run_cli(capsys, "--db", str(db_path), "backup").code == 0
    beside = sorted(p.name for p in db_path.parent.iterdir() if not p.name.startswith("xdg-"))  # the test's XDG homes
    assert beside == ["backups", "fleet.db"]  # no -wal, -shm
    missing = db_path.parent / "missing.db"
    result = run_cli(capsys, "--db", str(missing), "backup")
    assert result.code == 2 and "no database at" in result.err and not missing.exists()


def test_cli_restore_newest_over_a_damaged_file(capsys: pytest.CaptureFixture[str], db_path: Path) -> None:
    assert run_cli(capsys, "--db", str(db_path), "demo").code == 0
    before = _summary(capsys, db_path)
    assert run_cli(capsys, "--db", str(db_path), "backup").code == 0
    db_path.write_text("overwritten by accident\n")
    refused = run_cli(capsys, "--db", str(db_path), "summary")
    assert refused.code == 2 and "not a SQLite database" in refused.err

    restored = run_cli(capsys, "--db", str(db_path), "restore", "--newest")

    assert restored.code == 0, restored.err
    assert "could not be opened was kept as" in restored.out
    assert _summary(capsys, db_path) == before
    kept = list((backups_dir(db_path) / "damaged").iterdir())
    assert [p.read_text() for p in kept] == ["overwritten by accident\n"]
