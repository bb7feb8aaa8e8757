"""Nothing but SQLite opens an open database file (its locks would go): the guard and its audit."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from desktop.errors import DatabaseError, NotHashplanFileError
from desktop.services.session import Session, open_session
from desktop.store import db_file

DESKTOP = Path(__file__).resolve().parents[2] / "desktop"
# Raw ways to read or copy a file that code outside db_file.py must not use on the database;
# Qt's static file dialogs sniff every listed file's content (ui/file_dialogs.py does not).
RAW = re.compile(
    r"shutil\.(copy|copy2|copyfile|copyfileobj|move)\b|\bQFile\(|QFileDialog\.get\w+FileName|\bmmap\.|_check_header"
)
OWNERS = {DESKTOP / "store" / "db_file.py", DESKTOP / "ui" / "file_dialogs.py"}


def test_no_module_but_the_guard_copies_or_reads_files_raw() -> None:
    found = [
        f"{path.relative_to(DESKTOP.parent)}:{n}: {line.strip()}"
        for path in sorted(DESKTOP.rglob("*.py"))
        if path not in OWNERS
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if RAW.search(line)
    ]
    assert found == []


@pytest.mark.parametrize("suffix", ["", "-wal", "-shm"])
def test_opening_an_open_database_or_its_side_files_outside_sqlite_is_refused(session: Session, suffix: str) -> None:
    target = Path(f"{session.path}{suffix}")
    with pytest.raises(db_file.RawOpenError, match="outside SQLite"):
        target.read_bytes()
    with pytest.raises(db_file.RawOpenError):
        shutil.copy(session.path, session.path.with_name("copy.db"))


def test_the_file_is_free_to_open_once_its_connections_closed(db_path: Path) -> None:
    with open_session(db_path):
        pass
    assert db_path.read_bytes().startswith(b"SQLite format 3\x00")
    assert not db_file.is_open_here(db_path)


def test_a_relative_or_linked_path_to_an_open_file_is_refused_too(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    link = session.path.with_name("link.db")
    link.symlink_to(session.path)
    monkeypatch.chdir(session.path.parent)
    with pytest.raises(db_file.RawOpenError):
        open("link.db", "rb").close()
    with pytest.raises(db_file.RawOpenError):
        open(session.path.name, "rb").close()


def test_opening_a_second_connection_reads_no_header_with_open(session: Session) -> None:
    # The snapshot worker's and the import preview's read-only connections: the header check
    # used path.open("rb"), which dropped the window's locks (the reported data loss).
    with open_session(session.path, readonly=True) as second:
        assert second.store.count_batches() == session.store.count_batches()


def test_a_non_database_is_named_without_reading_it_ourselves(tmp_path: Path) -> None:
    text = tmp_path / "notes.db"
    text.write_text("not a database at all, just some words to fill a header and more" * 10)
    with pytest.raises(NotHashplanFileError, match="not a SQLite database"):
        open_session(text)
    empty = tmp_path / "empty.db"
    empty.touch()
    with pytest.raises(NotHashplanFileError, match=r"empty \(0 bytes\)"):
        open_session(empty)
    with pytest.raises(DatabaseError, match="is a folder"):
        open_session(tmp_path)


MOUNTINFO = """\
22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
40 22 0:35 / /mnt/share rw,relatime shared:20 - nfs4 fileserver:/export rw,vers=4.2
41 22 0:36 / /mnt/smb\\040drive rw,relatime shared:21 - cifs //nas/ops rw
"""


def test_a_file_on_a_network_share_is_recognised(tmp_path: Path) -> None:
    assert db_file.network_filesystem(Path("/mnt/share/ops/fleet.db"), MOUNTINFO) == "nfs4"
    assert db_file.network_filesystem(Path("/mnt/smb drive/fleet.db"), MOUNTINFO) == "cifs"
    assert db_file.network_filesystem(Path("/mnt/shared/fleet.db"), MOUNTINFO) is None  # not under /mnt/share
    assert db_file.network_filesystem(Path("/home/op/fleet.db"), MOUNTINFO) is None


def test_a_local_file_carries_no_network_warning(session: Session) -> None:
    assert session.warning is None


@pytest.mark.parametrize("suffix", ["", "-wal"])
def test_an_export_over_the_open_database_is_refused_and_the_fleet_kept(
    demo_session: Session, capsys: pytest.CaptureFixture[str], suffix: str
) -> None:
    from tests.integration.cli_runner import run_cli

    demo_session.close()
    db = demo_session.path
    result = run_cli(capsys, "--db", str(db), "export", "--format", "csv", "--out", f"{db}{suffix}")
    assert result.code == 2 and "it is the database Hashplan has open" in result.err
    with open_session(db) as reopened:
        assert reopened.store.count_batches() > 0


def test_a_server_url_made_into_a_path_is_refused_not_made_a_file(tmp_path, monkeypatch) -> None:
    """Path('postgresql://...') folds its // into / : it must not become a SQLite file of that name."""
    from pathlib import Path

    import pytest

    from desktop.errors import DatabaseError
    from desktop.services.session import open_session

    monkeypatch.chdir(tmp_path)
    with pytest.raises(DatabaseError, match="server URL taken as a file path"):
        open_session(Path("postgresql://alice@/fleet?host=/tmp"))
    assert list(tmp_path.iterdir()) == []


def test_a_connection_dropped_unclosed_frees_its_file_and_a_second_close_changes_nothing(tmp_path: Path) -> None:
    import gc

    from desktop.store.connection import connect

    path = tmp_path / "fleet.db"
    conn, *_ = connect(path)
    assert db_file.is_open_here(path)
    del conn  # (a cycle or a dropped reference: the collector or the refcount releases it)
    gc.collect()
    assert not db_file.is_open_here(path)

    first, *_ = connect(path)
    second, *_ = connect(path)
    first.close()
    first.close()
    assert db_file.is_open_here(path)  # the second is still open: one close counted once
    second.close()
    assert not db_file.is_open_here(path)
