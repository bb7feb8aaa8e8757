"""Issue #17, backups: damage never backed up, files private from the first byte, folders
owned by the user, and restore taking only the names `hashplan backups` lists."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from desktop.errors import NotHashplanFileError
from desktop.services.backups import BackupService
from desktop.services.demo import load_demo
from desktop.services.session import open_session
from tests.integration.cli_runner import run_cli

ROOT = Path(__file__).resolve().parents[2]
NOBODY = 65534


@pytest.fixture
def demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Path:
    monkeypatch.chdir(tmp_path)
    Path("data").mkdir()
    assert run_cli(capsys, "--db", "data/fleet.db", "demo").code == 0
    return Path("data/fleet.db")


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def damage_an_index(path: Path) -> None:
    """One byte of a name in the data-centers name index: quick_check passes, integrity_check
    finds 'row 1 missing from index', and VACUUM INTO copies the damage into a backup."""
    with sqlite3.connect(path) as conn:
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'sqlite_autoindex_data_centers_1'")
        page = root.fetchone()[0]
        size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    data = bytearray(path.read_bytes())
    at = data.find(b"kazakhstan", (page - 1) * size, page * size)
    assert at > 0
    data[at + 2] = ord("y")  # "kayakhstan": still in order, no longer the row's key
    path.write_bytes(bytes(data))
    with sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True) as conn:
        assert conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] != "ok"
    conn.close()


def _backups(db: Path) -> list[str]:
    folder = db.parent / "backups" / db.stem
    return sorted(p.name for p in folder.glob("*.db")) if folder.is_dir() else []


# -- 5. damage quick_check misses ---------------------------------------------------------


def test_a_backup_of_index_damage_is_refused_and_not_kept(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    damage_an_index(demo)
    result = run_cli(capsys, "--db", str(demo), "backup")
    assert result.code == 2 and result.err.count("\n") == 1, result.err
    assert str(demo) in result.err and "damaged" in result.err and "missing from index" in result.err
    assert "restore --newest" in result.err
    assert _backups(demo) == [] and not list((demo.parent / "backups" / "fleet").iterdir())  # no partial either


def test_the_full_check_runs_once_a_week(demo: Path) -> None:
    now = datetime(2026, 3, 18, 12, 0, tzinfo=timezone.utc)
    with open_session(demo) as session:
        service = BackupService(session.store)
        assert service.maybe_full_check(now) is True
        assert service.maybe_full_check(now + timedelta(days=6)) is False
        assert service.maybe_full_check(now + timedelta(days=8)) is True
    assert _mode(demo.parent / "backups" / "fleet" / ".full-check") == 0o600


def test_the_daily_backup_after_a_week_runs_the_full_check_and_reports_damage(demo: Path) -> None:
    now = datetime(2026, 3, 18, 12, 0, tzinfo=timezone.utc)
    with open_session(demo) as session:
        BackupService(session.store).maybe_daily_backup(now)
    damage_an_index(demo)
    # Opening (quick_check) does not see it; the week's full check does.
    with open_session(demo) as session, pytest.raises(NotHashplanFileError) as raised:
        BackupService(session.store).maybe_daily_backup(now + timedelta(days=8))
    assert str(demo) in str(raised.value) and "missing from index" in str(raised.value)
    assert len(_backups(demo)) == 1  # the backup from before the damage, nothing since


def test_a_damaged_backup_is_refused_before_a_restore(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    made = run_cli(capsys, "--db", str(demo), "backup")
    assert made.code == 0
    damage_an_index(Path(made.out.strip()))
    before = _digest(demo)
    result = run_cli(capsys, "--db", str(demo), "restore", Path(made.out.strip()).name)
    assert result.code == 2 and "damaged" in result.err and result.err.count("\n") == 1, result.err
    assert _digest(demo) == before


# -- 6. private files and folders ---------------------------------------------------------


def test_a_backup_is_0600_from_its_first_byte_in_a_0700_folder(demo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    os.umask(0o022)  # the usual umask: the old code made the partial file 0644 while it was written
    seen: list[int] = []

    def look() -> int:
        seen.extend(_mode(p) for p in (demo.parent / "backups" / "fleet").glob(".*.partial"))
        return 0

    from desktop.store import connection

    real_open = connection._open

    def watched(path: Path, mode: str) -> sqlite3.Connection:  # the backup runs on a connection of its own
        conn = real_open(path, mode)
        conn.set_progress_handler(look, 50)  # called while VACUUM INTO writes
        return conn

    monkeypatch.setattr(connection, "_open", watched)
    with open_session(demo) as session:
        info = BackupService(session.store).backup_now()
    assert seen and set(seen) == {0o600}
    assert _mode(info.path) == 0o600
    assert _mode(demo.parent / "backups") == 0o700 and _mode(demo.parent / "backups" / "fleet") == 0o700


def test_the_log_folder_is_0700_and_the_log_0600(tmp_path: Path, demo: Path) -> None:
    state = tmp_path / "state"
    env = dict(os.environ, PYTHONPATH=str(ROOT), XDG_STATE_HOME=str(state))
    done = subprocess.run(
        [sys.executable, "-c", "import os, sys; os.umask(0o022); from desktop.cli.main import run; sys.argv[1:] = "
         f"['--db', '{demo}', 'add-site', 'Logged']; run()"],
        capture_output=True, text=True, env=env, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    [log] = list(state.rglob("hashplan.log"))
    assert _mode(log) == 0o600 and _mode(log.parent) == 0o700


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root to plant another user's files")
@pytest.mark.parametrize("planted", ["link", "folder"])
def test_a_backups_folder_or_link_of_another_user_is_refused(
    demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], planted: str
) -> None:
    theirs = tmp_path / "theirs"
    theirs.mkdir(mode=0o777)
    os.chown(theirs, NOBODY, NOBODY)
    backups = demo.parent / "backups"
    if planted == "link":
        backups.symlink_to(theirs)
        os.lchown(backups, NOBODY, NOBODY)
    else:
        backups.mkdir(mode=0o777)
        os.chown(backups, NOBODY, NOBODY)
    result = run_cli(capsys, "--db", str(demo), "backup")
    assert result.code == 2 and result.err.count("\n") == 1, result.err
    assert "another user" in result.err and str(backups) in result.err
    assert list(theirs.iterdir()) == [] and list(backups.iterdir()) == []


# -- 7. restore takes names, not paths --------------------------------------------------------


@pytest.mark.parametrize("ref", ["../../../b/other.db", "/etc/passwd", "b/other.db", "..", "fleet.db"])
def test_restore_takes_only_a_listed_backup_name(demo: Path, capsys: pytest.CaptureFixture[str], ref: str) -> None:
    Path("b").mkdir()
    with open_session(Path("b/other.db")) as other:  # a valid Hashplan file somewhere else
        load_demo(other)
        other.fleet.add_site("Only In The Other File")
    assert run_cli(capsys, "--db", str(demo), "backup").code == 0
    before = _digest(demo)

    result = run_cli(capsys, "--db", str(demo), "restore", ref)

    assert result.code == 2 and result.err.count("\n") == 1, result.err
    assert "`hashplan backups`" in result.err
    assert _digest(demo) == before


def test_restore_by_a_listed_name_still_works(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    name = Path(run_cli(capsys, "--db", str(demo), "backup").out.strip()).name
    assert name in run_cli(capsys, "--db", str(demo), "backups").out
    assert run_cli(capsys, "--db", str(demo), "restore", name).code == 0
