"""The window's open: the integrity check runs after the window shows, and holds back writes.

Opened with ``defer_check=True`` (what the desktop does) a file at the current schema
is not checked before it opens; the first write, or a backup, waits for the check and
is refused, with the file's bytes unchanged, if the file turns out damaged.
"""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from desktop.errors import NotHashplanFileError
from desktop.services.backups import BackupService
from desktop.services.demo import load_demo
from desktop.services.session import open_session
from desktop.store import migrations
from desktop.store.backup import list_backups


def damage_rows(path: Path) -> None:
    """Garbles the cells of the batches table's root page: the schema still reads, quick_check fails."""
    with sqlite3.connect(path) as conn:
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'batches'").fetchone()[0]
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    data = bytearray(path.read_bytes())
    end = root * page_size
    data[end - 200 : end] = b"\xff" * 200
    path.write_bytes(bytes(data))


def demo_file(path: Path) -> Path:
    with open_session(path) as session:
        load_demo(session)
    return path


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_damaged_file_opens_but_refuses_every_write_and_backup_untouched(tmp_path: Path) -> None:
    path = demo_file(tmp_path / "fleet.db")
    damage_rows(path)
    before = _sha(path)
    with open_session(path, defer_check=True) as session:
        assert session.store.check_pending
        with pytest.raises(NotHashplanFileError) as raised:
            session.fleet.add_site("Should Not Land")
        assert str(path) in str(raised.value) and "damaged" in str(raised.value)
        assert "nothing was changed" in str(raised.value)
        with pytest.raises(NotHashplanFileError):  # and again: the answer is kept
            session.fleet.add_site("Should Not Land Either")
        with pytest.raises(NotHashplanFileError):
            BackupService(session.store).backup_now()
    assert _sha(path) == before
    assert list_backups(path) == []


def test_a_sound_file_passes_its_check_at_the_first_write(tmp_path: Path) -> None:
    path = demo_file(tmp_path / "fleet.db")
    with open_session(path, defer_check=True) as session:
        assert session.store.check_pending
        session.fleet.add_site("Texas West", "US", "12")
        assert not session.store.check_pending
        assert session.store.find_site("Texas West") is not None


def test_the_check_runs_once_on_request_and_a_sound_file_is_then_writable(tmp_path: Path) -> None:
    path = demo_file(tmp_path / "fleet.db")
    with open_session(path, defer_check=True) as session:
        session.store.finish_check()
        assert not session.store.check_pending
        assert BackupService(session.store).backup_now().path.exists()


def test_a_file_that_needs_an_upgrade_is_checked_before_it_opens(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    migrations.migrate(conn, "2021-01-01T00:00:00+00:00", up_to=1)
    conn.execute("INSERT INTO data_centers (name, name_key, country, capacity_mw) VALUES ('Old', 'old', 'KZ', 5)")
    conn.close()
    with open_session(path, defer_check=True) as session:  # the upgrade writes: checked first
        assert not session.store.check_pending
        assert migrations.schema_version(session.store.conn) == migrations.CURRENT_VERSION


def test_without_deferral_a_damaged_file_is_refused_at_open(tmp_path: Path) -> None:
    path = demo_file(tmp_path / "fleet.db")
    damage_rows(path)
    with pytest.raises(NotHashplanFileError, match="damaged"):
        open_session(path)
