"""A write the disk cannot take is rolled back whole, said plainly, and the app goes on.

``PRAGMA max_page_count`` makes SQLite answer SQLITE_FULL exactly as a full disk does,
without filling a real one.
"""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from desktop.domain.entities import BatchSnapshot
from desktop.errors import DatabaseError, ReadOnlyError
from desktop.services.session import Session, open_session


def _cap_file_at_current_size(session: Session) -> int:
    pages = session.store.conn.execute("PRAGMA page_count").fetchone()[0]
    session.store.conn.execute(f"PRAGMA max_page_count = {pages}")
    return pages


def _counts(path: Path) -> tuple[int, int, int, str]:
    with sqlite3.connect(path) as conn:
        result = (
            conn.execute("SELECT COUNT(*) FROM batches").fetchone()[0],
            conn.execute("SELECT COUNT(*) FROM batch_events").fetchone()[0],
            conn.execute("SELECT COUNT(*) FROM audit").fetchone()[0],
            conn.execute("PRAGMA integrity_check").fetchone()[0],
        )
    conn.close()
    return result


def test_full_disk_rolls_back_and_says_so(demo_session: Session) -> None:
    fleet = demo_session.fleet
    before = _counts(demo_session.path)
    _cap_file_at_current_size(demo_session)

    with pytest.raises(DatabaseError) as raised:
        fleet.add_batch("Kazakhstan", "Antminer S9", 500, "2022-01-03", notes="x" * 200_000)
    message = str(raised.value)
    assert "disk" in message and "full" in message and str(demo_session.path) in message
    assert "nothing was changed" in message
    assert not demo_session.store.conn.in_transaction

    assert _counts(demo_session.path) == before  # earlier data intact, nothing half-written
    assert before[3] == "ok"

    # Space comes back: the same session keeps working.
    demo_session.store.conn.execute("PRAGMA max_page_count = 1073741823")
    batch = fleet.add_batch("Kazakhstan", "Antminer S9", 500, "2022-01-03", notes="x" * 200_000)
    assert demo_session.store.get_batch(batch.id or 0).units == 500
    assert _counts(demo_session.path)[0] == before[0] + 1


def test_full_disk_during_a_multi_row_action_keeps_none_of_it(demo_session: Session) -> None:
    fleet = demo_session.fleet
    snapshot = fleet.delete_batch(demo_session.store.list_batches()[0].id or 0)
    assert len(snapshot.events) >= 3
    before = _counts(demo_session.path)
    # Room for the batch row and about one event: the restore fails part-way through.
    padded = BatchSnapshot(snapshot.batch, tuple(replace(e, note="y" * 60_000) for e in snapshot.events))
    pages = _cap_file_at_current_size(demo_session)
    demo_session.store.conn.execute(f"PRAGMA max_page_count = {pages + 40}")

    with pytest.raises(DatabaseError, match="full"):
        fleet.restore_batch(padded)  # batch row, then each event: all or nothing

    assert _counts(demo_session.path) == before
    with open_session(demo_session.path) as other:  # another reader sees the same, whole file
        assert other.store.count_batches() == before[0]


def test_a_write_on_a_read_only_session_names_the_file(demo_session: Session) -> None:
    with open_session(demo_session.path, readonly=True) as reader:
        assert reader.store.readonly
        with pytest.raises(ReadOnlyError) as raised:
            reader.fleet.add_site("Nope")
        assert str(demo_session.path) in str(raised.value) and "read-only" in str(raised.value)
        assert reader.store.count_batches() == demo_session.store.count_batches()  # reading still works


def test_a_write_the_file_refuses_is_rolled_back_and_named(demo_session: Session) -> None:
    """The file turning read-only under an open window (permissions changed, media locked)."""
    before = _counts(demo_session.path)
    demo_session.store.conn.execute("PRAGMA query_only = ON")  # SQLite answers as for a read-only file

    with pytest.raises(ReadOnlyError) as raised:
        demo_session.fleet.add_site("Refused Site")
    assert str(demo_session.path) in str(raised.value) and "nothing was changed" in str(raised.value)
    assert _counts(demo_session.path) == before

    demo_session.store.conn.execute("PRAGMA query_only = OFF")  # writable again: the session goes on
    assert demo_session.fleet.add_site("Accepted Site").id is not None
