"""Undo checks the records inside its own write transaction: a change another connection makes
just before that write is refused with a message and left in place; an import is one undo step."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from desktop.errors import ConflictError
from desktop.services.batch_format import HEADER
from desktop.services.changes import AddSite, Change, EditBatch, EditSite
from desktop.services.import_undo import ImportChange
from desktop.services.importing import import_file
from desktop.services.inputs import BatchInput, SiteInput
from desktop.services.session import Session, open_session
from tests.gui.edit_harness import dump_tables
from tests.integration.test_import_booking import assert_booked_as_rebuilt

pytestmark = pytest.mark.both_backends  # store, services: on SQLite and on PostgreSQL


def _just_before_the_write(
    session: Session, monkeypatch: pytest.MonkeyPatch, other: Callable[[Session], Any]
) -> list[Any]:
    """The next write of ``session`` starts only after ``other`` committed on its own connection:
    whatever the undo read before its write is stale by then. Returns (once it ran) the file's
    tables as ``other`` left them."""
    store, real_write = session.store, session.store.write
    left: list[Any] = []

    @contextmanager
    def write(action: str) -> Iterator[Any]:
        if not left:
            with open_session(session.path) as elsewhere:
                other(elsewhere)
            left.append(dump_tables(session.path))
        with real_write(action) as inside:
            yield inside

    monkeypatch.setattr(store, "write", write)
    return left


def _undo_is_refused(change: Change, session: Session, left: list[Any] | None = None) -> str:
    before = dump_tables(session.path)
    with pytest.raises(ConflictError) as refused:
        change.revert()
    # Nothing written by the undo: the file is as the other connection left it.
    assert dump_tables(session.path) == (left[0] if left else before)
    return str(refused.value)


def test_an_edit_made_elsewhere_just_before_the_undo_writes_is_kept(
    demo_session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    batch = demo_session.store.list_batches()[0]
    lot = BatchInput.parse(batch.data_center_id, batch.model_id, batch.units, batch.ordered_on, unit_price_usd="1000")
    change = EditBatch(demo_session.fleet, batch.id or 0, batch.version, lot)
    change.perform()

    def supplier_elsewhere(other: Session) -> None:
        saved = other.fleet.get_batch(batch.id or 0)
        other.fleet.replace_batch(replace(saved, supplier="Broker Ltd"))

    left = _just_before_the_write(demo_session, monkeypatch, supplier_elsewhere)
    message = _undo_is_refused(change, demo_session, left)

    assert message == f"batch #{batch.id} was changed elsewhere since; undoing would overwrite that change"
    kept = demo_session.store.get_batch(batch.id or 0)
    assert (kept.supplier, kept.unit_price_cents) == ("Broker Ltd", 100_000)


def test_a_site_edit_made_elsewhere_just_before_the_undo_writes_is_kept(
    demo_session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = demo_session.store.find_site("Texas")
    assert site is not None and site.id is not None
    change = EditSite(demo_session.fleet, site.id, SiteInput.parse("Texas", "US", 200, "phase 1"), site.version)
    change.perform()
    left = _just_before_the_write(
        demo_session, monkeypatch, lambda other: other.fleet.edit_site(site.id or 0, "Texas", "US", 250, "phase 2")
    )

    message = _undo_is_refused(change, demo_session, left)

    assert message == "data center 'Texas' was changed elsewhere since; undoing would overwrite that change"
    assert demo_session.store.get_site(site.id).notes == "phase 2"


def test_undoing_an_add_refuses_when_the_record_was_changed_since(demo_session: Session) -> None:
    change = AddSite(demo_session.fleet, SiteInput.parse("Quebec", "CA"))
    change.perform()
    assert change.site is not None
    with open_session(demo_session.path) as other:
        other.fleet.edit_site(change.site.id or 0, "Quebec", "CA", 40, "hydro")

    _undo_is_refused(change, demo_session)

    assert demo_session.store.find_site("Quebec") is not None


# -- an import is one undo step ------------------------------------------------------


def _csv(path: Path, rows: list[dict[str, Any]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows([[r.get(c, "") for c in HEADER] for r in rows])
    return path


def _state(session: Session) -> tuple[Any, ...]:
    """What the window shows: the summary and the batch table (row versions aside: they move on)."""
    rows = [replace(r, batch=replace(r.batch, version=0)) for r in session.queries.batch_rows(None, 0, None)]
    return session.queries.summary(), rows, session.store.list_sites(), session.store.list_models()


@pytest.fixture
def lot_file(demo_session: Session, tmp_path: Path) -> Path:
    """New batches at a new site with a new model, and an update of an existing batch."""
    existing = demo_session.store.list_batches()[-1]
    model = demo_session.store.get_model(existing.model_id)
    new = {
        "data_center": "Norway", "country": "NO", "miner_model": "Antminer S21 Hyd", "ths_per_unit": "335",
        "watts_per_unit": "5360", "ordered_on": "2026-01-10", "expected_on": "2026-04-01", "unit_price_usd": "5000",
    }  # fmt: skip
    rows = [new | {"units": str(100 + i), "status": "ordered"} for i in range(3)]
    rows.append(new | {"units": "50", "status": "deployed", "deployed_on": "2026-03-01"})
    rows.append(
        {"id": str(existing.id), "data_center": demo_session.store.get_site(existing.data_center_id).name,
         "miner_model": model.name, "units": str(existing.units), "ordered_on": existing.ordered_on.isoformat(),
         "expected_on": existing.expected_on.isoformat(), "unit_price_usd": "1", "supplier": "re-priced",
         "status": "in_transit"}
    )  # fmt: skip
    return _csv(tmp_path / "lots.csv", rows)


def test_import_then_undo_gives_the_file_before_and_redo_brings_it_back(demo_session: Session, lot_file: Path) -> None:
    before = _state(demo_session)
    result = import_file(demo_session, lot_file)
    after = _state(demo_session)
    assert (result.batches_created, result.batches_updated, result.sites_created) == (4, 1, 1)
    change = ImportChange(demo_session, result)

    change.revert()
    assert _state(demo_session) == before
    assert_booked_as_rebuilt(demo_session.path)  # the running aggregates too, not only what they add up to

    change.reapply()
    assert _state(demo_session) == after
    change.revert()  # and once more, from a redone state
    assert _state(demo_session) == before
    assert_booked_as_rebuilt(demo_session.path)


def test_undoing_an_import_refuses_when_one_of_its_batches_moved_on(demo_session: Session, lot_file: Path) -> None:
    result = import_file(demo_session, lot_file)
    assert result.written is not None
    first = result.written.created_ids[0]
    with open_session(demo_session.path) as other:
        other.fleet.record_event(first, "shipped", 10, "2026-02-01")

    message = _undo_is_refused(ImportChange(demo_session, result), demo_session)

    assert message == f"batch #{first} was changed elsewhere since the import; undoing would overwrite that change"
    assert len(demo_session.store.events_for_batch(first)) == 1


def test_redo_of_an_import_refuses_a_file_changed_since(demo_session: Session, lot_file: Path) -> None:
    change = ImportChange(demo_session, import_file(demo_session, lot_file))
    change.revert()
    lot_file.write_text(lot_file.read_text(encoding="utf-8") + "\n", encoding="utf-8")

    with pytest.raises(Exception, match="changed since the import; import it again instead"):
        change.reapply()
