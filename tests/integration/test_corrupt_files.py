"""Files Hashplan must refuse or open read-only: each gets its message, none is changed.

"Unchanged" means the file's bytes hash the same and nothing (-wal, -shm, journal)
appeared beside it. Read-only cases run in a child process as an unprivileged user
when the tests run as root (root ignores file modes).
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from desktop.errors import DatabaseError, NewerSchemaError, NotHashplanFileError
from desktop.services.demo import load_demo
from desktop.services.session import open_session
from desktop.store import db_file
from tests.integration.cli_runner import run_cli

ROOT = Path(__file__).resolve().parents[2]


def _demo_file(path: Path) -> Path:
    with open_session(path) as session:
        load_demo(session)
    return path


def _truncated(path: Path) -> None:
    data = _demo_file(path).read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _scrambled(path: Path) -> None:
    """A valid header and first page, then random bytes: only quick_check can tell."""
    data = _demo_file(path).read_bytes()
    noise = random.Random(7).randbytes(len(data) - 4096)
    path.write_bytes(data[:4096] + noise)


def _newer_schema(path: Path) -> None:
    _demo_file(path)
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO schema_version (version, applied_at) VALUES (99, '2030-01-01')")
    conn.close()


def _newer_header(path: Path) -> None:
    """A newer Hashplan's file as its header tells (read without parsing the schema)."""
    _demo_file(path)
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA user_version = 99")
    conn.close()


def _foreign(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
    conn.close()


CASES: dict[str, tuple[Callable[[Path], None], type[DatabaseError], str]] = {
    "truncated": (_truncated, NotHashplanFileError, "damaged"),
    "scrambled pages": (_scrambled, NotHashplanFileError, "damaged"),
    "random bytes": (lambda p: p.write_bytes(random.Random(3).randbytes(50_000)), NotHashplanFileError, "not a SQLite"),
    "zero-length": (lambda p: p.write_bytes(b""), NotHashplanFileError, "empty (0 bytes)"),
    "text file": (lambda p: p.write_text("site,units\nKazakhstan,1000\n"), NotHashplanFileError, "not a SQLite"),
    "newer schema": (_newer_schema, NewerSchemaError, "newer Hashplan"),
    "newer schema in the header": (_newer_header, NewerSchemaError, "newer Hashplan"),
    "another program's database": (_foreign, NotHashplanFileError, "another program"),
}


def _state(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_file_is_refused_by_name_and_left_untouched(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make, error_type, words = CASES[case]
    folder = tmp_path / "data"
    folder.mkdir()
    path = folder / "fleet.db"
    make(path)
    before = _state(folder)

    with pytest.raises(error_type) as raised:
        open_session(path)
    assert str(path) in str(raised.value) and words in str(raised.value)
    assert "Traceback" not in str(raised.value)

    for command in (["summary"], ["add-site", "New Site"], ["backup"]):
        result = run_cli(capsys, "--db", str(path), *command)
        assert result.code == 2, (command, result)
        assert result.err.count("\n") == 1 and str(path) in result.err and words in result.err
    assert _state(folder) == before  # same bytes, and no -wal/-shm/journal created beside it


# -- read-only file and read-only folder ------------------------------------------------

_PROBE = """
import sys
from desktop.errors import ReadOnlyError
from desktop.services.session import open_session
with open_session(sys.argv[1]) as s:
    print("readonly" if s.store.readonly else "writable")
    print(len(s.store.list_batches()))
    try:
        s.fleet.add_site("Should Not Land")
    except ReadOnlyError as e:
        print(e)
"""


@pytest.fixture
def shared_folder() -> Iterator[Path]:
    """A folder an unprivileged user can reach (pytest's tmp_path is private to root)."""
    folder = Path(tempfile.mkdtemp(prefix="hashplan-ro-"))
    folder.chmod(0o755)
    yield folder
    for p in [folder, *folder.rglob("*")]:
        p.chmod(0o777)
    shutil.rmtree(folder)


def _as_user(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, XDG_STATE_HOME="/tmp", XDG_DATA_HOME="/tmp", PYTHONPATH=str(ROOT))
    prefix: list[str] = []
    if os.geteuid() == 0:  # root could write anyway: be somebody else
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root without setpriv: cannot drop privileges to test file modes")
        prefix = [setpriv, "--reuid", "65534", "--regid", "65534", "--clear-groups"]
    return subprocess.run(
        [*prefix, sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize("what", ["read-only file", "read-only folder"])
def test_read_only_file_or_folder_opens_read_only(what: str, shared_folder: Path) -> None:
    data = shared_folder / "data"
    data.mkdir()
    path = _demo_file(data / "fleet.db")
    if what == "read-only file":
        data.chmod(0o777)
        path.chmod(0o444)
    else:
        path.chmod(0o666)
        data.chmod(0o555)
    before = _state(data)

    probe = _as_user("-c", _PROBE, str(path))
    assert probe.returncode == 0, probe.stderr
    lines = probe.stdout.splitlines()
    assert lines[0] == "readonly" and int(lines[1]) > 0
    assert str(path) in lines[2] and "read-only" in lines[2]

    read = _as_user("-m", "desktop", "--db", str(path), "summary")
    assert read.returncode == 0 and "Kazakhstan" in read.stdout
    write = _as_user("-m", "desktop", "--db", str(path), "add-site", "Nope")
    assert write.returncode == 2 and write.stderr.count("\n") == 1
    assert str(path) in write.stderr and "read-only" in write.stderr
    assert _state(data) == before


# -- a crash left a -wal beside the file -------------------------------------------------


def _crashed_copy(source: Path, target: Path) -> None:
    """The files as a crash leaves them: committed changes still only in the -wal."""
    with open_session(source) as session:
        load_demo(session)
        session.store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the demo in the main file
        session.store.conn.execute("PRAGMA wal_autocheckpoint = 0")
        for n in range(3):
            session.fleet.add_site(f"Only In The WAL {n}")
        with db_file.raw_access_allowed():  # a crash's files, copied on purpose while open
            for suffix in ("", "-wal", "-shm"):
                shutil.copyfile(f"{source}{suffix}", f"{target}{suffix}")


def test_committed_changes_left_in_a_wal_are_recovered(tmp_path: Path) -> None:
    target = tmp_path / "crashed.db"
    _crashed_copy(tmp_path / "live.db", target)
    assert Path(f"{target}-wal").stat().st_size > 0
    with open_session(target) as session:
        assert session.store.find_site("Only In The WAL 2") is not None


def test_a_damaged_file_with_a_wal_is_refused_and_neither_is_written(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    target = folder / "crashed.db"
    _crashed_copy(tmp_path / "live.db", target)
    data = target.read_bytes()
    target.write_bytes(data[: len(data) // 2])
    before = {k: v for k, v in _state(folder).items() if not k.endswith("-shm")}  # -shm: SQLite's scratch index

    with pytest.raises(NotHashplanFileError) as raised:
        open_session(target)
    assert str(target) in str(raised.value)
    after = {k: v for k, v in _state(folder).items() if not k.endswith("-shm")}
    assert after == before  # the WAL was not checkpointed into the damaged file
