"""Two processes write to one file at the same time: every write lands, none fails."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from desktop.services.session import open_session

ROOT = Path(__file__).resolve().parents[2]
WRITES_EACH = 500


def test_two_processes_each_make_500_writes_and_all_land(db_path: Path) -> None:
    with open_session(db_path) as session:
        session.fleet.add_site("Shared Site", "KZ")
    start_at = time.time() + 2.0  # both interpreters are up by then
    writers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.integration.writer_child",
                str(db_path),
                name,
                str(WRITES_EACH),
                str(start_at),
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("left", "right")
    ]
    reports = []
    for writer in writers:
        out, err = writer.communicate(timeout=120)
        assert writer.returncode == 0, err
        reports.append(json.loads(out))

    assert [r["failures"] for r in reports] == [[], []]
    assert [r["done"] for r in reports] == [WRITES_EACH, WRITES_EACH]
    with open_session(db_path) as session:
        notes = {b.notes for b in session.store.list_batches()}
        assert len(notes) == 2 * WRITES_EACH
        assert {f"{side}-{i}" for side in ("left", "right") for i in range(WRITES_EACH)} == notes
        assert sum(1 for e in session.store.audit_entries() if e.action == "add batch") == 2 * WRITES_EACH
    # The writer that finished last saw the other's writes too.
    assert max(r["seen"] for r in reports) == 2 * WRITES_EACH
    print(
        f"\nconcurrency: 2 processes x {WRITES_EACH} writes, {sum(r['done'] for r in reports)} landed, "
        f"0 failed, longest wait for one write {max(r['slowest_s'] for r in reports) * 1000:.0f} ms"
    )
