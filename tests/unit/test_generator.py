"""The fleet generator builds a realistic fleet whose every batch replays validly."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from desktop.domain.ledger import replay
from desktop.domain.stages import EventKind
from desktop.errors import ValidationError
from desktop.services.generator import SITES, generate_fleet
from desktop.services.session import Session, open_session

TODAY = date(2026, 11, 25)


def _fleet(session: Session, batches: int = 400, events: int = 3000, seed: int = 1) -> None:
    generate_fleet(session.store, batches=batches, events=events, seed=seed, today=TODAY)


def test_generated_fleet_has_fifty_sites_the_catalog_models_and_about_the_events_asked(session: Session) -> None:
    fleet = generate_fleet(session.store, batches=400, events=3000, seed=1, today=TODAY)
    assert fleet.sites == len(SITES) == 50
    assert len(session.store.list_sites()) == 50
    assert all(site.capacity_mw and site.country for site in session.store.list_sites())
    assert session.store.count_batches() == fleet.batches == 400
    stored_events = sum(len(v) for v in session.store.events_by_batch().values())
    assert stored_events == fleet.events
    assert 0.95 * 3000 <= fleet.events <= 3000
    used_models = {b.model_id for b in session.store.list_batches()}
    assert len(used_models) >= 8  # older and newer models, bought in their own years


def test_every_generated_batch_replays_validly_within_its_dates(session: Session) -> None:
    _fleet(session)
    events = session.store.events_by_batch()
    for batch in session.store.list_batches():
        assert date(2016, 1, 1) <= batch.ordered_on <= TODAY
        batch_events = events.get(batch.id or 0, [])
        assert all(batch.ordered_on <= e.occurred_on <= TODAY for e in batch_events)
        replay(batch, batch_events)  # raises if any event moves more units than its stage holds


def test_generated_fleet_has_partial_deployments_retirements_and_cancellations(session: Session) -> None:
    _fleet(session)
    events = session.store.events_by_batch()
    kinds = Counter(e.kind for batch_events in events.values() for e in batch_events)
    assert all(kinds[kind] > 0 for kind in EventKind)
    statuses = Counter(replay(b, events.get(b.id or 0, [])).status for b in session.store.list_batches())
    assert any(status.startswith("partly") for status in statuses)
    assert statuses["ordered"] > 0 or statuses["partly ordered"] > 0  # recent orders not shipped yet
    summary = session.queries.summary(TODAY)
    assert summary.total.units.retired > 0
    assert 0 < summary.total.deployed_ths < summary.total.planned_ths


def test_same_seed_builds_the_same_fleet(tmp_path) -> None:
    fleets = []
    for name in ("a.db", "b.db"):
        with open_session(tmp_path / name) as session:
            _fleet(session, batches=100, events=600, seed=7)
            fleets.append((session.queries.summary(TODAY), session.queries.series()))
    assert fleets[0] == fleets[1]


def test_generating_into_a_database_with_batches_is_refused(demo_session: Session) -> None:
    with pytest.raises(ValidationError, match="already holds batches"):
        _fleet(demo_session)


def test_events_without_batches_are_refused(session: Session) -> None:
    with pytest.raises(ValidationError, match="need batches"):
        generate_fleet(session.store, batches=0, events=10)
