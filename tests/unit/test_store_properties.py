"""Random sequences of valid and invalid actions keep the store equal to a simple model."""

from __future__ import annotations

import hashlib
import tempfile
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from desktop.domain.stages import EventKind, Stage
from desktop.errors import ValidationError
from desktop.services.session import open_session

pytestmark = pytest.mark.both_backends  # store, services: on SQLite and on PostgreSQL

START = date(2021, 5, 1)


def table_digest(store) -> str:
    """A digest of every user-visible table (the audit grows only on success)."""
    digest = hashlib.sha256()
    for table in ("data_centers", "miner_models", "batches", "batch_events", "audit"):
        for row in store.conn.execute(f"SELECT * FROM {table} ORDER BY id"):
            digest.update(repr(row).encode())
    return digest.hexdigest()


class FleetMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.folder = tempfile.TemporaryDirectory()
        self.session = open_session(Path(self.folder.name) / "p.db")
        self.site = self.session.fleet.add_site("Site")
        self.model = self.session.store.list_models()[0]
        self.expected: dict[int, dict[Stage, int]] = {}
        self.day = 0  # events move forward in time, so the model is plain arithmetic

    def teardown(self) -> None:
        self.session.close()
        self.folder.cleanup()

    @rule(units=st.integers(min_value=1, max_value=5000))
    def add_batch(self, units: int) -> None:
        batch = self.session.fleet.add_batch(self.site.id, self.model.name, units, START)
        self.expected[batch.id] = {s: 0 for s in Stage} | {Stage.ORDERED: units}

    @rule(units=st.sampled_from([0, -3, "2.5", "x"]))
    def add_invalid_batch(self, units: object) -> None:
        before = table_digest(self.session.store)
        try:
            self.session.fleet.add_batch(self.site.id, self.model.name, units, START)
        except ValidationError:
            pass
        else:
            raise AssertionError(f"units={units!r} was accepted")
        assert table_digest(self.session.store) == before

    @precondition(lambda self: self.expected)
    @rule(
        data=st.data(),
        kind=st.sampled_from(list(EventKind)),
        extra=st.integers(min_value=-2, max_value=3),
        advance=st.integers(min_value=0, max_value=5),
    )
    def record(self, data: st.DataObject, kind: EventKind, extra: int, advance: int) -> None:
        batch_id = data.draw(st.sampled_from(sorted(self.expected)))
        counts = self.expected[batch_id]
        held = counts[kind.source]
        if extra > 0:  # more than the stage holds: must be refused
            units = held + extra
        elif held:  # within what the stage holds: must be accepted
            units = max(held + extra, 1)
        else:  # the stage is empty: anything is too much
            units = data.draw(st.integers(min_value=1, max_value=10))
        self.day += advance
        on = START + timedelta(days=self.day)
        before = table_digest(self.session.store)
        try:
            self.session.fleet.record_event(batch_id, kind, units, on)
        except ValidationError:
            assert units > held, f"{kind.value} of {units} refused though {held} were {kind.source.value}"
            assert table_digest(self.session.store) == before
            return
        assert units <= held, f"{kind.value} of {units} accepted though only {held} were {kind.source.value}"
        counts[kind.source] -= units
        counts[kind.target] += units

    @invariant()
    def counts_match_the_model(self) -> None:
        rows = {r.batch.id: r.counts for r in self.session.queries.batch_rows()}
        assert set(rows) == set(self.expected)
        for batch_id, counts in self.expected.items():
            assert rows[batch_id].as_dict() == {s.value: n for s, n in counts.items()}


TestFleetMachine = FleetMachine.TestCase
TestFleetMachine.settings = settings(max_examples=40, stateful_step_count=25, deadline=None)
