"""The window and the command line (and two windows) on one file at once: no write is lost.

Each test runs the real window in a child process (window_child.py, offscreen) and the
command line in another (cli_child.py: every call opens and closes its own connection,
as `hashplan` does). Before the fix, the first CLI call that closed its connection found
no lock of the window's on the file (the window's process had opened and closed the file
outside SQLite, which drops all of its POSIX locks), so it deleted the -wal and -shm the
window still wrote into: the window's later commits went to a deleted file.
"""

from __future__ import annotations

import os
import select
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from tests.integration.cli_runner import run_cli

pytestmark = pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="reads /proc/PID/fd (Linux)")

ROUNDS = 20
REPLY_TIMEOUT_S = 60.0  # generous: a loaded 2-core CI machine, not a speed limit


class Child:
    """A child process spoken to by lines; ``expect`` waits for a line starting with a word."""

    def __init__(self, module: str, *args: str, env: dict[str, str]) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", module, *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            bufsize=1,
            env=env,
            cwd=Path(__file__).resolve().parents[2],
        )
        self.seen: list[str] = []
        self.unclaimed: list[str] = []  # lines read while waiting for another

    def send(self, line: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def expect(self, *starts: str) -> str:
        """The next line starting with one of ``starts`` (lines read meanwhile wait for their turn)."""
        assert self.proc.stdout is not None
        for line in self.unclaimed:
            if line.startswith(starts):
                self.unclaimed.remove(line)
                return line
        deadline = time.monotonic() + REPLY_TIMEOUT_S
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.proc.stdout], [], [], 0.5)
            if not ready:
                if self.proc.poll() is not None:
                    break
                continue
            line = self.proc.stdout.readline()
            if not line:
                break
            line = line.rstrip("\n")
            self.seen.append(line)
            if line.startswith(starts):
                return line
            self.unclaimed.append(line)
        raise AssertionError(f"no {starts} from {self.proc.args} (exit {self.proc.poll()}); it said {self.seen[-5:]}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=30)


@pytest.fixture
def child_env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path / "config"))
    env.update(XDG_DATA_HOME=str(tmp_path / "data"), XDG_STATE_HOME=str(tmp_path / "state"))
    return env


@pytest.fixture
def demo_db(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    db = tmp_path / "f.db"
    assert run_cli(capsys, "--db", str(db), "demo").code == 0
    return db


def _window(db: Path, env: dict[str, str]) -> Child:
    window = Child("tests.integration.window_child", str(db), env=env)
    window.expect("ready")
    return window


@pytest.fixture
def children() -> Iterator[list[Child]]:
    started: list[Child] = []
    yield started
    for child in started:
        child.stop()


def deleted_side_files(pid: int, db: Path) -> list[str]:
    """What the process holds of ``db`` and its -wal/-shm that no longer exists on disk."""
    held = []
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if target.startswith(str(db)) and target.endswith("(deleted)"):
            held.append(target)
    return held


def site_names(db: Path) -> set[str]:
    with closing(sqlite3.connect(db)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return {row[0] for row in conn.execute("SELECT name FROM data_centers")}


def _share(db: Path, window: Child, cli: Child, *, busy_workers: bool) -> tuple[set[str], set[str]]:
    """ROUNDS of: a CLI read, a CLI write, a window write (and optionally the window's workers)."""
    from_window, from_cli = set(), set()
    for n in range(ROUNDS):
        if busy_workers:  # the backup, the integrity check and the snapshot run during the CLI calls
            window.send("backup")
            window.send("check")
            window.send("refresh")
        cli.send(f"--db {db} sites --json")
        assert cli.expect("exit").startswith("exit 0"), cli.seen[-1]
        cli.send(f"--db {db} add-site 'CLI {n}'")
        assert cli.expect("exit").startswith("exit 0"), cli.seen[-1]
        from_cli.add(f"CLI {n}")
        window.send(f"write Window {n}")
        window.expect(f"wrote Window {n}")
        from_window.add(f"Window {n}")
        if busy_workers:
            assert window.expect("backed-up", "failed") == "backed-up"
            window.expect("checked ok")
        assert deleted_side_files(window.proc.pid, db) == []
    return from_window, from_cli


@pytest.mark.parametrize("ending", ["close", "kill"])
def test_the_window_and_the_command_line_lose_no_write(
    demo_db: Path, child_env: dict[str, str], children: list[Child], ending: str
) -> None:
    window = _window(demo_db, child_env)
    cli = Child("tests.integration.cli_child", env=child_env)
    children += [window, cli]

    from_window, from_cli = _share(demo_db, window, cli, busy_workers=False)
    # `hashplan` itself as a new process, as in the report: a read, then a write
    for argv in (["sites"], ["add-site", "CLI process"]):
        done = subprocess.run(
            [sys.executable, "-m", "desktop", "--db", str(demo_db), *argv], env=child_env, capture_output=True
        )
        assert done.returncode == 0, done.stderr
    from_cli.add("CLI process")
    window.send("write Window last")
    window.expect("wrote Window last")
    from_window.add("Window last")
    assert deleted_side_files(window.proc.pid, demo_db) == []

    _end(window, ending)
    assert from_window | from_cli <= site_names(demo_db)


def _end(window: Child, ending: str) -> None:
    if ending == "close":
        window.send("quit")
        window.expect("closed")
        assert window.proc.wait(timeout=60) == 0
    else:
        window.proc.send_signal(signal.SIGKILL)
        window.proc.wait(timeout=30)


@pytest.mark.slow
def test_backup_check_and_snapshot_workers_during_command_line_calls_lose_nothing(
    demo_db: Path, child_env: dict[str, str], children: list[Child]
) -> None:
    window = _window(demo_db, child_env)
    cli = Child("tests.integration.cli_child", env=child_env)
    children += [window, cli]

    from_window, from_cli = _share(demo_db, window, cli, busy_workers=True)
    _end(window, "kill")
    assert from_window | from_cli <= site_names(demo_db)
    assert len(list((demo_db.parent / "backups" / demo_db.stem).glob("f_*.db"))) >= 1


def test_two_windows_on_one_file_lose_nothing_when_one_closes_and_one_is_killed(
    demo_db: Path, child_env: dict[str, str], children: list[Child]
) -> None:
    first = _window(demo_db, child_env)
    second = _window(demo_db, child_env)
    children += [first, second]
    written = set()
    for n in range(ROUNDS):
        for name, window in (("A", first), ("B", second)):
            window.send(f"write {name} {n}")
            window.expect(f"wrote {name} {n}")
            written.add(f"{name} {n}")
    _end(first, "close")  # its connection closes: it must not take the other's WAL with it
    for n in range(ROUNDS, ROUNDS + 5):
        second.send(f"write B {n}")
        second.expect(f"wrote B {n}")
        written.add(f"B {n}")
    assert deleted_side_files(second.proc.pid, demo_db) == []
    _end(second, "kill")
    assert written <= site_names(demo_db)
