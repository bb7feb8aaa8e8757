"""Two windows on one file: an edit of a batch changed since it was opened is refused."""

from __future__ import annotations

from dataclasses import replace

import pytest

from desktop.errors import ConflictError
from desktop.services.session import Session, open_session

pytestmark = pytest.mark.both_backends  # store, services: on SQLite and on PostgreSQL


def _edit(session: Session, batch_id: int, notes: str, version: int | None) -> None:
    b = session.store.get_batch(batch_id)
    session.fleet.edit_batch(
        batch_id, b.data_center_id, b.model_id, b.units, b.ordered_on, b.expected_on,
        b.unit_price_cents / 100, b.supplier, notes, version=version,
    )  # fmt: skip


def test_stale_edit_from_another_window_is_refused_and_nothing_overwritten(demo_session: Session) -> None:
    batch = demo_session.store.list_batches()[-1]
    opened_at = batch.version  # window A opens the edit dialog
    with open_session(demo_session.path) as other:  # window B saves first
        _edit(other, batch.id or 0, "B's notes", version=opened_at)

    with pytest.raises(ConflictError) as raised:
        _edit(demo_session, batch.id or 0, "A's notes", version=opened_at)
    assert "changed elsewhere" in str(raised.value)

    saved = demo_session.store.get_batch(batch.id or 0)
    assert saved.notes == "B's notes" and saved.version == opened_at + 1
    assert [e.after["notes"] for e in demo_session.store.audit_entries("batch", batch.id) if e.after][-1] == "B's notes"


def test_an_event_recorded_elsewhere_also_makes_the_edit_stale(demo_session: Session) -> None:
    batch = next(
        b for b in demo_session.store.list_batches() if demo_session.fleet.default_event_units(b.id or 0, "shipped")
    )
    opened_at = batch.version
    with open_session(demo_session.path) as other:
        other.fleet.record_event(batch.id or 0, "shipped", 1, batch.ordered_on)
    with pytest.raises(ConflictError):
        _edit(demo_session, batch.id or 0, "A's notes", version=opened_at)
    assert demo_session.store.get_batch(batch.id or 0).notes == batch.notes


def test_the_store_refuses_a_stale_row_directly(demo_session: Session) -> None:
    batch = demo_session.store.list_batches()[0]
    with demo_session.store.write("edit"):
        demo_session.store.update_batch(replace(batch, notes="first"))
    with pytest.raises(ConflictError), demo_session.store.write("edit"):
        demo_session.store.update_batch(replace(batch, notes="second"))
    assert demo_session.store.get_batch(batch.id or 0).notes == "first"
