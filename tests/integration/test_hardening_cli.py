"""Issue #17, hostile command lines: each is refused with exit 2 and one short line, nothing
changed (or, for a closed pipe, a quiet exit). Paths are relative, as the issue wrote them."""

from __future__ import annotations

import csv
import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.integration.cli_runner import CliResult, run_cli

ROOT = Path(__file__).resolve().parents[2]
HUGE = "9" * 5000


@pytest.fixture
def demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Path:
    monkeypatch.chdir(tmp_path)
    assert run_cli(capsys, "--db", "fleet.db", "demo").code == 0
    return Path("fleet.db")


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _refused(result: CliResult, *words: str) -> None:
    assert result.code == 2, result
    assert result.err.count("\n") == 1 and len(result.err) < 300, result.err[:400]
    assert "Traceback" not in result.err and "unexpected" not in result.err
    for word in words:
        assert word in result.err, result.err


def _cli(*args: str, timeout: float = 60, stdout: int | None = subprocess.PIPE) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run(
        [sys.executable, "-m", "desktop", *args], stdout=stdout, stderr=subprocess.PIPE, text=True, env=env,
        timeout=timeout,
    )  # fmt: skip


# -- 1. crashes where a refusal is due --------------------------------------------------


def test_a_5000_digit_units_argument_is_refused_in_one_short_line(
    demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _digest(demo)
    args = ["--site", "Texas", "--model", "Antminer S19", "--units", HUGE, "--ordered-on", "2021-08-01"]
    _refused(run_cli(capsys, "--db", str(demo), "add-batch", *args), "units", "too long")
    _refused(run_cli(capsys, "--db", str(demo), "record", "shipped", "--batch", "7", "--units", HUGE), "units")
    assert _digest(demo) == before


def test_a_5000_digit_units_cell_in_a_csv_import_is_refused_in_one_short_line(
    demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_cli(capsys, "--db", str(demo), "export", "--out", "fleet.csv").code == 0
    with Path("fleet.csv").open(encoding="utf-8", newline="") as exported:
        rows = list(csv.DictReader(exported))
    rows[0] |= {"id": "", "units": HUGE}
    with Path("hostile.csv").open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerow(rows[0])
    before = _digest(demo)

    result = run_cli(capsys, "--db", str(demo), "import", "hostile.csv")

    assert result.code == 2 and "Traceback" not in result.err
    [problem] = [line for line in result.err.splitlines() if "row 2" in line]
    assert "column units" in problem and "too long" in problem and len(problem) < 250
    assert _digest(demo) == before


@pytest.mark.parametrize(
    "args",
    [
        ["edit-batch", "99999999999999999999", "--units", "3"],
        ["delete-batch", "99999999999999999999"],
        ["record", "deployed", "--batch", "99999999999999999999"],
        ["record", "deployed", "--batch", "99999999999999999999", "--units", "4"],
    ],
)
def test_ids_beyond_64_bits_are_refused_as_no_such_batch(
    demo: Path, capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    before = _digest(demo)
    _refused(run_cli(capsys, "--db", str(demo), *args), "batch #99999999999999999999 does not exist")
    assert _digest(demo) == before


def _interpreter_for_nobody() -> str:
    """An interpreter the unprivileged user may run (a pyenv under /root is out of its reach)."""
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    for candidate in (sys.executable, shutil.which(version) or "", f"/usr/bin/{version}"):
        if candidate and os.path.exists(candidate):
            probe = subprocess.run(["runuser", "-u", "nobody", "--", candidate, "-c", "pass"], capture_output=True)
            if probe.returncode == 0:
                return candidate
    pytest.skip(f"no {version} the user 'nobody' may run")


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root to become 'nobody'")
@pytest.mark.skipif(shutil.which("runuser") is None, reason="needs runuser to become 'nobody'")
@pytest.mark.parametrize(
    "command", [["sites"], ["add-site", "Norway"], ["summary"], ["backups"], ["restore", "--newest"]]
)
def test_an_unreadable_path_as_an_unprivileged_user_exits_2_in_one_line(tmp_path: Path, command: list[str]) -> None:
    private = tmp_path / "root-only"  # like /root: 0700, owned by root
    private.mkdir(mode=0o700)
    python = _interpreter_for_nobody()
    site_packages = next(p for p in sys.path if p.endswith("site-packages"))
    env = dict(os.environ, PYTHONPATH=f"{ROOT}:{site_packages}", HOME="/tmp", XDG_STATE_HOME="/tmp")
    done = subprocess.run(
        ["runuser", "-u", "nobody", "--", python, "-m", "desktop", "--db", str(private / "x.db"), *command],
        capture_output=True, text=True, env=env, cwd="/", timeout=60,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1 and "permission denied" in done.stderr and "Traceback" not in done.stderr
    assert list(private.iterdir()) == []


def test_summary_into_a_closed_pipe_exits_quietly(demo: Path) -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)  # `summary | head -1` once head has gone
    try:
        done = _cli("--db", str(demo), "summary", stdout=write_end)
    finally:
        os.close(write_end)
    assert done.returncode == 0 and done.stderr == ""


def test_summary_piped_into_head_prints_one_line_and_nothing_else(demo: Path) -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run(
        ["sh", "-c", f"'{sys.executable}' -m desktop --db {demo} summary | head -1"],
        capture_output=True, text=True, env=env, timeout=60,
    )  # fmt: skip
    assert done.stdout.startswith("Summary as of") and done.stdout.count("\n") == 1
    assert done.stderr == ""


def damage_a_trigger(path: Path) -> None:
    """One byte inside a trigger's SQL made invalid UTF-8: SQLite's message quotes it."""
    data = bytearray(path.read_bytes())
    at = data.find(b"THEN", data.find(b"CREATE TRIGGER"))
    assert at > 0
    data[at] = 0xFF
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("command", [["sites"], ["summary"], ["add-site", "Norway"], ["backup"]])
def test_a_damaged_trigger_is_refused_as_a_damaged_file(
    demo: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    damage_a_trigger(demo)
    before = sorted(p.name for p in Path().iterdir()), _digest(demo)
    _refused(run_cli(capsys, "--db", str(demo), *command), str(demo), "damaged")
    assert (sorted(p.name for p in Path().iterdir()), _digest(demo)) == before


# -- 3. a FIFO or device as --db ---------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
@pytest.mark.parametrize("command", [["sites"], ["add-site", "Norway"]])
def test_a_fifo_or_device_as_db_is_refused_not_waited_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: list[str]
) -> None:
    (tmp_path / "here").mkdir()
    monkeypatch.chdir(tmp_path / "here")  # (the log goes to tmp_path/xdg-state)
    os.mkfifo("f.db")
    for target in ("f.db", os.devnull):
        done = _cli("--db", target, *command, timeout=30)  # the old code waited for ever on the FIFO
        assert done.returncode == 2 and done.stderr.count("\n") == 1, done.stderr
        assert "not a regular file" in done.stderr and target in done.stderr
    assert sorted(os.listdir()) == ["f.db"]


# -- 4. read commands on a missing file ---------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        ["sites"],
        ["summary"],
        ["models"],
        ["batches"],
        ["export", "--out", "b.csv"],
        ["backup"],
        ["edit-batch", "1", "--units", "5"],
        ["record", "shipped", "--batch", "1"],
    ],
)
def test_a_read_of_a_missing_file_exits_2_and_creates_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run_cli(capsys, "--db", "nf/a/b/c.db", *command)
    _refused(result, "no database at nf/a/b/c.db", "`hashplan --db nf/a/b/c.db demo` or the window creates one")
    assert result.out == ""
    assert sorted(os.listdir()) == []  # no folders, no file


def test_a_write_command_still_creates_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert run_cli(capsys, "--db", "new/fleet.db", "add-site", "Norway").code == 0
    assert run_cli(capsys, "--db", "new/fleet.db", "sites").out.split()[1] == "Norway"


# -- 10. messages --------------------------------------------------------------------------


@pytest.mark.parametrize("bad_id", ["1.5", "0", "-3", "abc", "99999999999999999999"])
def test_errors_in_the_id_column_speak_of_ids(demo: Path, capsys: pytest.CaptureFixture[str], bad_id: str) -> None:
    assert run_cli(capsys, "--db", str(demo), "export", "--out", "fleet.csv").code == 0
    lines = Path("fleet.csv").read_text(encoding="utf-8").splitlines()
    header, first = lines[0], lines[1].split(",", 1)[1]
    Path("ids.csv").write_text(f"{header}\n{bad_id},{first}\n", encoding="utf-8")

    result = run_cli(capsys, "--db", str(demo), "import", "ids.csv")

    assert result.code == 2
    [problem] = [line for line in result.err.splitlines() if "column id" in line]
    assert "batch id" in problem and "unit" not in problem


def test_an_io_error_with_the_disk_nearly_full_says_the_disk_is_full(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop.store.connection import translate

    path = tmp_path / "fleet.db"
    real = shutil.disk_usage
    monkeypatch.setattr(shutil, "disk_usage", lambda p: real(p)._replace(free=4096))
    full = str(translate(sqlite3.OperationalError("disk I/O error"), path))
    assert full == f"the disk holding {path} is full; nothing was changed"
    monkeypatch.setattr(shutil, "disk_usage", real)
    assert "I/O error" in str(translate(sqlite3.OperationalError("disk I/O error"), path))  # space left: I/O


def test_edit_batch_with_no_field_changes_nothing_and_says_so(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = _digest(demo)
    result = run_cli(capsys, "--db", str(demo), "edit-batch", "1")
    _refused(result, "no field to change for batch #1", "nothing was changed")
    assert result.out == "" and _digest(demo) == before
