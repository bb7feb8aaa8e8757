"""History: a deleted batch comes back from the audit trail, even after its ids were reused."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.errors import ValidationError
from desktop.services.history import export_csv, history, restore_deleted_batch
from desktop.services.session import Session

pytestmark = pytest.mark.both_backends  # store, services: on SQLite and on PostgreSQL


def _delete_entry(session: Session, batch_id: int):  # type: ignore[no-untyped-def]
    return next(h for h in history(session, batch_id) if h.is_batch_delete)


@pytest.mark.sqlite_only  # the SQLite file itself
def test_a_deleted_batch_comes_back_with_its_events(demo_session: Session) -> None:
    fleet = demo_session.fleet
    last = demo_session.store.list_batches()[-1]
    events_before = demo_session.store.events_for_batch(last.id or 0)
    summary_before = demo_session.queries.summary()
    fleet.delete_batch(last.id or 0)
    # New events reuse the deleted events' ids (SQLite reuses the largest rowid).
    other = demo_session.store.list_batches()[0]
    fleet.add_batch(other.data_center_id, other.model_id, 5, "2022-01-01")

    restored = restore_deleted_batch(fleet, _delete_entry(demo_session, last.id or 0))

    assert restored.id != last.id and restored.units == last.units  # its id was taken: a new one
    assert demo_session.store.get_batch(last.id or 0).units == 5  # the batch that took it is untouched
    assert [(e.kind, e.units, e.occurred_on) for e in demo_session.store.events_for_batch(restored.id or 0)] == [
        (e.kind, e.units, e.occurred_on) for e in events_before
    ]
    assert demo_session.queries.summary().total.units.deployed == summary_before.total.units.deployed


def test_restoring_twice_or_without_its_site_is_refused_clearly(demo_session: Session) -> None:
    fleet = demo_session.fleet
    batch = demo_session.store.list_batches()[0]
    fleet.delete_batch(batch.id or 0)
    entry = _delete_entry(demo_session, batch.id or 0)
    restore_deleted_batch(fleet, entry)
    with pytest.raises(ValidationError, match="already back"):
        restore_deleted_batch(fleet, entry)

    texas = fleet.add_site("Lonely Site")
    lonely = fleet.add_batch(texas.id, batch.model_id, 10, "2022-01-01")
    fleet.delete_batch(lonely.id or 0)
    fleet.delete_site(texas.id or 0)
    with pytest.raises(ValidationError, match="data center"):
        restore_deleted_batch(fleet, _delete_entry(demo_session, lonely.id or 0))


def test_history_exports_every_entry_to_csv(demo_session: Session, tmp_path: Path) -> None:
    entries = history(demo_session)
    out = tmp_path / "audit.csv"
    assert export_csv(entries, out) == len(entries)
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "id,when,action,record,record_id,before,after" and len(lines) > len(entries) // 2
    assert not list(tmp_path.glob(".*partial"))


def test_a_deleted_batch_keeps_its_id_when_it_is_free(demo_session: Session) -> None:
    batch = demo_session.store.list_batches()[2]
    events = demo_session.store.events_for_batch(batch.id or 0)
    demo_session.fleet.delete_batch(batch.id or 0)
    restored = restore_deleted_batch(demo_session.fleet, _delete_entry(demo_session, batch.id or 0))
    assert restored.id == batch.id
    assert demo_session.store.events_for_batch(batch.id or 0) == events  # same ids too
