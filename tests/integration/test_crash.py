"""Crash test: SIGKILL a writer at random moments; nothing it reported committed is lost.

The child (tests/integration/crash_child.py) performs random valid actions through
FleetService and logs each committed action's audit id after the commit. After every
kill the file must pass ``PRAGMA integrity_check`` and hold every logged audit row
(the audit row is written in the same transaction as the change, so its presence
means the whole action is there). A few runs start a fresh interpreter with
``python -m``; the rest fork this one so that 205 kills fit in well under a minute.
Each kill waits for the child's next committed action, then a random moment: the test
counts kills, never races a clock, so a slow machine makes it slower, never red.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from desktop.services.demo import load_demo
from desktop.services.session import open_session
from tests.integration import crash_child

ROOT = Path(__file__).resolve().parents[2]
FRESH_INTERPRETER_RUNS = 5
FORKED_RUNS = 200


def _logged(log: Path) -> list[dict[str, object]]:
    entries = []
    for line in log.read_text(encoding="utf-8").splitlines():
        try:
            entries.append(json.loads(line))
        except json.JSONDecodeError:
            continue  # a line cut by the kill was never reported as committed
    return entries


def _check(db: Path, log: Path) -> tuple[str, int, int]:
    """(integrity result, logged actions, logged actions missing from the database)."""
    conn = sqlite3.connect(db)  # a plain connection: recovers the WAL as any reader would
    try:
        integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
        audit = dict(conn.execute("SELECT id, action FROM audit").fetchall())
    finally:
        conn.close()
    entries = _logged(log)
    lost = sum(1 for e in entries if audit.get(int(e["audit"])) != e["action"])  # type: ignore[call-overload]
    return integrity, len(entries), lost


STUCK_S = 120  # a child that commits nothing for this long is stuck, not slow


def _wait_for_a_commit(log: Path, size_before: int, alive: Callable[[], bool]) -> None:
    """Waits until the child has logged one more committed action: the kills are counted, not
    timed, and each one lands in a child that did real work (a loaded machine only waits longer)."""
    deadline = time.monotonic() + STUCK_S
    while log.stat().st_size <= size_before:
        assert alive(), "the child stopped before committing anything"
        assert time.monotonic() < deadline, f"the child committed nothing in {STUCK_S} s"
        time.sleep(0.005)


def _fork_and_kill(db: Path, log: Path, seed: int, after_s: float) -> None:
    size_before = log.stat().st_size
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        try:
            crash_child.run(db, log, seed)
        finally:
            os._exit(1)
    _wait_for_a_commit(log, size_before, lambda: os.waitpid(pid, os.WNOHANG) == (0, 0))
    time.sleep(after_s)  # the random moment of the crash, after its first commit (a wait, not an assertion)
    os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, "the child stopped by itself"


def _spawn_and_kill(db: Path, log: Path, seed: int, after_s: float) -> None:
    size_before = log.stat().st_size
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.integration.crash_child", str(db), str(log), str(seed)],
        cwd=ROOT,
        stderr=subprocess.PIPE,
    )
    _wait_for_a_commit(log, size_before, lambda: child.poll() is None)
    time.sleep(after_s)
    child.send_signal(signal.SIGKILL)
    child.wait()
    assert child.returncode == -signal.SIGKILL


@pytest.mark.slow  # about 25 s: 205 kills, each 0-130 ms after the child's first commit
@pytest.mark.skipif(not hasattr(os, "fork"), reason="SIGKILL and fork are POSIX")
def test_sigkill_at_random_moments_loses_no_committed_action(tmp_path: Path) -> None:
    db, log = tmp_path / "crash.db", tmp_path / "committed.log"
    with open_session(db) as session:
        load_demo(session)
    log.touch()
    rng = random.Random(20260401)
    kills = integrity_failures = 0
    started = time.monotonic()
    for run in range(FRESH_INTERPRETER_RUNS + FORKED_RUNS):
        after = rng.uniform(0.0, 0.13)
        if run < FRESH_INTERPRETER_RUNS:
            _spawn_and_kill(db, log, seed=run, after_s=after)
        else:
            _fork_and_kill(db, log, seed=run, after_s=after)
        kills += 1
        integrity, logged, lost = _check(db, log)
        integrity_failures += integrity != "ok"
        assert integrity == "ok", f"after kill {kills}: {integrity}"
        assert lost == 0, f"after kill {kills}: {lost} committed actions missing"
        if run % 50 == 0:  # the app still opens the file and its ledger still replays
            with open_session(db) as session:
                session.queries.summary()
    elapsed = time.monotonic() - started
    _, logged, lost = _check(db, log)
    print(
        f"\ncrash test: {kills} SIGKILLs, {integrity_failures} integrity failures, "
        f"{logged} committed actions logged, {lost} lost, {elapsed:.1f} s"
    )
    assert kills == FRESH_INTERPRETER_RUNS + FORKED_RUNS
    assert logged >= kills  # every child committed at least once before its kill (waited for, not timed)
