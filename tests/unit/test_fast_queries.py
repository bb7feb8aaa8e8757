"""FleetQueries' fast path (the v3 aggregates) gives exactly what replaying every event gives.

Random fleets are built through FleetService (so only valid histories land), with past
dates, partial events, retirements, cancellations, deletes, restores, edits that move a
batch to another site or model, model edits and bulk inserts; after each fleet the fast
summary (at several dates), both chart curves (fleet and per site) and the batch rows
are compared with the domain's slow path over the same records.
"""

from __future__ import annotations

import sqlite3
import tempfile
from contextlib import suppress
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.domain.entities import Batch, BatchEvent
from desktop.domain.hashrate import FleetSummary, deployed_curve, planned_curve, summarize
from desktop.domain.ledger import replay
from desktop.domain.stages import EventKind
from desktop.errors import ValidationError
from desktop.services.generator import generate_fleet
from desktop.services.session import Session, open_session
from desktop.store import bulk, fleet_reads, migrations, site_money

pytestmark = pytest.mark.both_backends  # store, services: on SQLite and on PostgreSQL

START = date(2020, 1, 1)
SPAN_DAYS = 400
SUPPLIERS = ("", "Bitmain", "MicroBT")
PRICES = (0, 1_999.5, 3_250, 12_000)  # USD a unit


def _replayed_summary(session: Session, at: date) -> FleetSummary:
    store = session.store
    models = {m.id or 0: m for m in store.list_models()}
    return summarize(store.list_sites(), models, store.list_batches(), store.events_by_batch(), at)


def assert_same_summary(session: Session, at: date) -> None:
    fast, slow = session.queries.summary(at), _replayed_summary(session, at)
    assert fast.as_of == slow.as_of
    for f, s in zip((*fast.sites, fast.total), (*slow.sites, slow.total), strict=True):
        assert (f.name, f.data_center_id, f.units, f.capacity_mw) == (s.name, s.data_center_id, s.units, s.capacity_mw)
        for field in ("deployed_ths", "planned_ths", "deployed_power_mw", "planned_power_mw"):
            assert getattr(f, field) == pytest.approx(getattr(s, field), rel=1e-9, abs=1e-5), (at, f.name, field)


def _assert_same_steps(fast: list[tuple[date, float]], slow: list[tuple[date, float]]) -> None:
    assert [d for d, _ in fast] == [d for d, _ in slow]
    assert [v for _, v in fast] == pytest.approx([v for _, v in slow], rel=1e-9, abs=1e-5)


def assert_same_series(session: Session) -> None:
    store = session.store
    models = {m.id or 0: m for m in store.list_models()}
    events = store.events_by_batch()
    for site_id in [None, *(s.id for s in store.list_sites())]:
        batches = store.list_batches(site_id)
        fast = session.queries.series(site_id)
        _assert_same_steps(fast.deployed, deployed_curve(batches, events, models))
        _assert_same_steps(fast.planned, planned_curve(batches, events, models))


def assert_same_batch_rows(session: Session, dates: list[date]) -> None:
    store = session.store
    events = store.events_by_batch()
    for site_id in [None, *(s.id for s in store.list_sites())]:
        rows = session.queries.batch_rows(site_id)
        assert [r.batch for r in rows] == store.list_batches(site_id)
        assert session.queries.batch_count(site_id) == len(rows)
        for row in rows:
            batch_events = events.get(row.batch.id or 0, [])
            assert row.counts == replay(row.batch, batch_events)
            deploys = [e.occurred_on for e in batch_events if e.kind is EventKind.DEPLOYED]
            assert row.deployed_on == (max(deploys) if deploys else None)
        pages = [r.batch.id for start in range(0, len(rows), 3) for r in session.queries.batch_rows(site_id, start, 3)]
        assert pages == [r.batch.id for r in rows]
        for at in dates:
            as_of = session.queries.batch_rows(site_id, at=at)
            assert [r.batch for r in as_of] == [r.batch for r in rows]
            for row in as_of:
                batch_events = events.get(row.batch.id or 0, [])
                assert row.counts == replay(row.batch, batch_events, at)
                deploys = [e.occurred_on for e in batch_events if e.kind is EventKind.DEPLOYED and e.occurred_on <= at]
                assert row.deployed_on == (max(deploys) if deploys else None)


def _capex_rebuilt(session: Session, at: date) -> dict[int, int]:
    """Miner capex per site as of ``at`` summed over every batch and cancellation (no totals)."""
    conn, day = session.store.conn, at.isoformat()
    capex: dict[int, int] = dict(conn.execute(
        "SELECT data_center_id, SUM(units * unit_price_cents) FROM batches WHERE ordered_on <= ? GROUP BY 1", (day,)
    ).fetchall())  # fmt: skip
    for site, cents in conn.execute(
        "SELECT b.data_center_id, SUM(e.units * b.unit_price_cents) FROM batch_events e JOIN batches b "
        "ON b.id = e.batch_id WHERE e.kind = 'cancelled' AND e.occurred_on <= ? GROUP BY 1",
        (day,),
    ):
        capex[site] = capex.get(site, 0) - cents
    return {site: cents for site, cents in capex.items() if cents}


def _slip_rebuilt(session: Session, at: date) -> list[tuple[Any, ...]]:
    """The delivery slip as of ``at`` from every deployed batch's events (no totals)."""
    return session.store.conn.execute(
        "SELECT supplier, site, COUNT(*), AVG(late), SUM(CASE WHEN late > 0 THEN 1 ELSE 0 END) FROM ("
        " SELECT b.supplier AS supplier, b.data_center_id AS site, julianday((SELECT MAX(e.occurred_on)"
        "  FROM batch_events e WHERE e.batch_id = b.id AND e.kind = 'deployed' AND e.occurred_on <= ?1))"
        "  - julianday(b.expected_on) AS late FROM batches b"
        ") AS slip WHERE late IS NOT NULL GROUP BY supplier, site ORDER BY supplier, site",
        (at.isoformat(),),
    ).fetchall()


def _deployed_changes_from_events(session: Session, first: date, last: date) -> list[tuple[Any, ...]]:
    """The power bill's daily changes summed over the deployments and retirements themselves."""
    return session.store.conn.execute(
        "SELECT b.data_center_id, e.occurred_on, "
        "SUM(CASE e.kind WHEN 'deployed' THEN e.units ELSE -e.units END * m.watts), "
        "SUM(CASE e.kind WHEN 'deployed' THEN e.units ELSE -e.units END * m.ths) "
        "FROM batch_events e JOIN batches b ON b.id = e.batch_id JOIN miner_models m ON m.id = b.model_id "
        "WHERE e.occurred_on >= ? AND e.occurred_on <= ? AND e.kind IN ('deployed', 'retired') "
        "GROUP BY b.data_center_id, e.occurred_on ORDER BY b.data_center_id, e.occurred_on",
        (first.isoformat(), last.isoformat()),
    ).fetchall()


def assert_same_report_totals(session: Session, dates: list[date]) -> None:
    """The report's capex and delivery slip from the kept totals (report_totals.py) equal a
    sum over every batch and event, at each date and for all the dates at once; the power
    bill's daily changes from the day table equal those of the events."""
    at_once = site_money.miner_capex_by_site(session.store, dates)
    for at, capex in zip(dates, at_once, strict=True):
        assert {site: cents for site, cents in capex.items() if cents} == _capex_rebuilt(session, at), at
        assert site_money.miner_capex_by_site(session.store, [at]) == [capex]
        assert site_money.deployment_slip(session.store, at) == _slip_rebuilt(session, at), at
        first = at.replace(day=1)
        changes = sorted(site_money.deployed_changes(session.store, first, at))
        expected = sorted(_deployed_changes_from_events(session, first, at))
        assert [row[:2] for row in changes] == [row[:2] for row in expected], at
        assert [v for row in changes for v in row[2:]] == pytest.approx([v for row in expected for v in row[2:]])


def assert_same_stage_counts(session: Session, at: date) -> None:
    """Counts as of ``at`` read from the year table alone (nothing moved after ``at``) equal
    those read from the years, months and days before it (pairs with nothing left aside)."""

    def nonzero(found: list[tuple[int, ...]]) -> list[tuple[int, ...]]:
        return sorted(row for row in found if any(row[2:]))

    fast = fleet_reads.stage_counts_at(session.store, at)
    with mock.patch.object(fleet_reads, "_moved_after", return_value=True):
        assert nonzero(fast) == nonzero(fleet_reads.stage_counts_at(session.store, at)), at


def assert_fast_equals_slow(session: Session, dates: list[date]) -> None:
    for at in dates:
        assert_same_summary(session, at)
        assert_same_stage_counts(session, at)
    assert_same_series(session)
    assert_same_batch_rows(session, dates)
    assert_same_report_totals(session, dates)


# -- random fleets through the services ---------------------------------------------------

day = st.integers(0, SPAN_DAYS)
share = st.floats(0.01, 1.0)  # of the units the event's source stage holds
lag = st.integers(-5, 40)  # days after the batch's latest event (or order); may be before it
_OPERATIONS = {
    "batch": st.tuples(
        st.just("batch"), st.integers(0, 2), st.integers(0, 3), st.integers(1, 60), day, st.integers(0, 90),
        st.integers(0, 2), st.integers(0, 3),
    ),
    "event": st.tuples(st.just("event"), st.integers(0, 50), st.sampled_from(list(EventKind)), share, lag),
    "delete_event": st.tuples(st.just("delete_event"), st.integers(0, 200)),
    "delete_batch": st.tuples(st.just("delete_batch"), st.integers(0, 50)),
    "restore_batch": st.tuples(st.just("restore_batch")),
    "edit_batch": st.tuples(
        st.just("edit_batch"), st.integers(0, 50), st.integers(0, 2), st.integers(0, 3), st.integers(1, 80), day,
        st.integers(0, 2), st.integers(0, 3),
    ),
    "edit_model": st.tuples(st.just("edit_model"), st.integers(0, 3), st.floats(1, 300, allow_nan=False)),
    "bulk": st.tuples(st.just("bulk"), st.integers(0, 2), st.integers(0, 3), st.integers(2, 60), day),
}
# Mostly batches and events (so histories get deep), with every kind of change mixed in.
_WEIGHTS = {"batch": 4, "event": 10, "delete_event": 1, "delete_batch": 1, "restore_batch": 1, "edit_batch": 2,
            "edit_model": 1, "bulk": 1}  # fmt: skip
operation = st.sampled_from([name for name, weight in _WEIGHTS.items() for _ in range(weight)]).flatmap(
    lambda name: _OPERATIONS[name]
)


def _apply(session: Session, op: tuple, deleted: list) -> None:  # type: ignore[type-arg]
    fleet, store = session.fleet, session.store
    sites, models, batches = store.list_sites(), store.list_models(), store.list_batches()
    kind = op[0]
    if kind == "batch":
        _, s, m, units, ordered, lag, supplier, price = op
        fleet.add_batch(
            sites[s].id, models[m].id, units, START + timedelta(ordered), START + timedelta(ordered + lag),
            PRICES[price], SUPPLIERS[supplier],
        )  # fmt: skip
    elif kind == "event" and batches:
        _, b, event_kind, part, days_after = op
        batch = batches[b % len(batches)]
        held = fleet.default_event_units(batch.id or 0, event_kind)
        latest = max([e.occurred_on for e in store.events_for_batch(batch.id or 0)], default=batch.ordered_on)
        units = max(1, round(held * part))
        fleet.record_event(batch.id or 0, event_kind, units, latest + timedelta(days_after))
    elif kind == "delete_event":
        events = [e for es in store.events_by_batch().values() for e in es]
        if events:
            fleet.delete_event(sorted(events, key=lambda e: e.id or 0)[op[1] % len(events)].id or 0)
    elif kind == "delete_batch" and batches:
        deleted.append(fleet.delete_batch(batches[op[1] % len(batches)].id or 0))
    elif kind == "restore_batch" and deleted:
        fleet.restore_batch(deleted.pop())
    elif kind == "edit_batch" and batches:
        _, b, s, m, units, ordered, supplier, price = op
        batch = batches[b % len(batches)]
        placed = START + timedelta(ordered)
        fleet.edit_batch(
            batch.id or 0, sites[s].id, models[m].id, units, placed, placed + timedelta(30), PRICES[price],
            SUPPLIERS[supplier],
        )  # fmt: skip
    elif kind == "edit_model":
        model = models[op[1]]
        fleet.edit_model(model.id or 0, model.name, model.vendor, round(op[2], 3), model.watts)
    elif kind == "bulk":
        _, s, m, units, ordered = op
        placed = START + timedelta(ordered)
        with store.write("bulk test"):
            (batch_id,) = bulk.insert_batches(
                store, [Batch(sites[s].id or 0, models[m].id or 0, units, placed, placed)]
            )
            bulk.insert_events(
                store,
                [
                    BatchEvent(batch_id, EventKind.SHIPPED, units, placed),
                    BatchEvent(batch_id, EventKind.DELIVERED, units - 1, placed + timedelta(3)),
                    BatchEvent(batch_id, EventKind.DEPLOYED, units - 1, placed + timedelta(5)),
                    BatchEvent(batch_id, EventKind.RETIRED, 1, placed + timedelta(9)),
                ],
            )


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops=st.lists(operation, min_size=1, max_size=45), probes=st.lists(day, min_size=1, max_size=4))
def test_fast_queries_equal_the_replay_on_random_fleets(ops: list[tuple], probes: list[int]) -> None:  # type: ignore[type-arg]
    with tempfile.TemporaryDirectory() as folder, open_session(Path(folder) / "fleet.db") as session:
        for name in ("North", "South", "East"):
            session.fleet.add_site(name, "Kazakhstan", 50)
        deleted: list = []  # type: ignore[type-arg]
        for op in ops:
            with suppress(ValidationError):  # the domain refused it (too many units...): nothing landed
                _apply(session, op, deleted)
        dates = [START - timedelta(1), *(START + timedelta(p) for p in probes), START + timedelta(SPAN_DAYS + 200)]
        assert_fast_equals_slow(session, dates)


# -- fixed scenarios ------------------------------------------------------------------------


def test_summary_at_a_past_date_excludes_later_orders_and_events(session: Session) -> None:
    site = session.fleet.add_site("Ekibastuz", "Kazakhstan")
    early = session.fleet.add_batch(site.id, "Antminer S19", 100, "2021-01-10", "2021-03-01")
    late = session.fleet.add_batch(site.id, "Antminer S21", 50, "2021-06-01", "2021-07-01")
    for kind, units, when in [("shipped", 100, "2021-01-20"), ("delivered", 100, "2021-02-01")]:
        session.fleet.record_event(early.id or 0, kind, units, when)
    session.fleet.record_event(early.id or 0, "deployed", 60, "2021-02-15")
    session.fleet.record_event(early.id or 0, "deployed", 40, "2021-03-15")
    session.fleet.record_event(early.id or 0, "retired", 10, "2022-01-31")
    session.fleet.record_event(late.id or 0, "cancelled", 20, "2021-06-02")
    at_feb = session.queries.summary(date(2021, 2, 28)).total
    assert (at_feb.units.on_site, at_feb.units.deployed, at_feb.units.ordered) == (40, 60, 0)  # S21s not ordered yet
    assert at_feb.deployed_ths == 60 * 95
    at_end = session.queries.summary(date(2022, 1, 31)).total
    assert (at_end.units.deployed, at_end.units.retired, at_end.units.cancelled) == (90, 10, 20)
    assert_fast_equals_slow(session, [date(2021, 1, 9), date(2021, 2, 28), date(2021, 6, 1), date(2022, 2, 1)])


def test_generated_fleet_fast_path_equals_replay(session: Session) -> None:
    generate_fleet(session.store, batches=300, events=2500, seed=11, today=date(2026, 11, 25))
    assert_fast_equals_slow(session, [date(2016, 6, 30), date(2019, 12, 31), date(2021, 7, 28), date(2026, 11, 25)])


def _old_file(tmp_path: Path, version: int, *, batches: int, events: int, seed: int) -> Path:
    """A file at schema ``version`` holding a generated fleet's rows, written by plain SQL (so
    that version's triggers, if any, booked them)."""
    path = tmp_path / f"v{version}.db"
    with open_session(tmp_path / "source.db") as source:
        generate_fleet(source.store, batches=batches, events=events, seed=seed, today=date(2026, 11, 25))
        tables = {
            t: source.store.conn.execute(f"SELECT * FROM {t}").fetchall()
            for t in ("data_centers", "miner_models", "batches", "batch_events")
        }
    conn = sqlite3.connect(path, isolation_level=None)
    migrations.migrate(conn, "2026-01-01T00:00:00+00:00", up_to=version)
    for table, found in tables.items():
        if found:
            conn.executemany(f"INSERT INTO {table} VALUES ({', '.join('?' * len(found[0]))})", found)
    conn.close()
    return path


def test_a_v2_database_upgrades_with_exact_aggregates(tmp_path: Path) -> None:
    path = _old_file(tmp_path, 2, batches=120, events=900, seed=5)
    with open_session(path) as upgraded:
        assert migrations.schema_version(upgraded.store.conn) == migrations.CURRENT_VERSION
        assert_fast_equals_slow(upgraded, [date(2018, 1, 1), date(2022, 5, 17), date(2026, 11, 25)])


@pytest.mark.sqlite_only  # a file made by v7's triggers
def test_a_v7_file_takes_the_day_cascade_and_stays_exact_through_later_writes(tmp_path: Path) -> None:
    path = _old_file(tmp_path, 7, batches=80, events=600, seed=9)  # booked by v3's triggers (all four tables)
    with open_session(path) as upgraded:
        triggers = {r[0] for r in upgraded.store.conn.execute("SELECT name FROM sqlite_master WHERE type='trigger'")}
        assert {"fleet_day_added", "fleet_day_changed", "fleet_day_removed"} <= triggers
        fleet, store = upgraded.fleet, upgraded.store
        first, second = store.list_batches()[:2]
        sites, models = store.list_sites(), store.list_models()
        added = fleet.add_batch(sites[0].id, models[0].id, 40, "2024-03-01", "2024-04-01")
        fleet.record_event(added.id or 0, "shipped", 30, "2024-03-05")
        fleet.edit_batch(first.id or 0, sites[-1].id, models[-1].id, first.units, first.ordered_on, first.expected_on)
        fleet.delete_batch(second.id or 0)
        assert_fast_equals_slow(upgraded, [date(2018, 1, 1), date(2024, 3, 5), date(2026, 11, 25)])


def test_the_coarser_tables_stay_sums_of_the_day_table_whoever_writes_it(session: Session) -> None:
    generate_fleet(session.store, batches=40, events=300, seed=3, today=date(2026, 11, 25))
    conn = session.store.conn
    first, last = "(SELECT MIN(day) FROM fleet_day_deltas)", "(SELECT MAX(day) FROM fleet_day_deltas)"
    with session.store.write("direct writes to the day table"):  # no Hashplan code does these
        conn.execute(f"UPDATE fleet_day_deltas SET deployed = deployed + 7, planned_units = 2 WHERE day = {first}")
        conn.execute(f"UPDATE fleet_day_deltas SET day = '2031-01-02' WHERE day = {last}")
        deployed = "(SELECT MIN(day) FROM fleet_day_deltas WHERE deployed > 0)"
        conn.execute(f"DELETE FROM fleet_day_deltas WHERE day = {deployed}")
    sums = "SUM(ordered), SUM(in_transit), SUM(on_site), SUM(deployed), SUM(retired), SUM(cancelled)"

    def totals(keys: str, table: str, plan: bool = False) -> list[tuple[Any, ...]]:
        more = ", SUM(planned_units), SUM(planned_batches)" if plan else ""
        found = conn.execute(f"SELECT {keys}, {sums}{more} FROM {table} GROUP BY {keys} ORDER BY {keys}").fetchall()
        width = len(found[0]) - (8 if plan else 6)  # the key's columns
        return [tuple(r) for r in found if any(r[width:])]

    assert totals("day, model_id", "fleet_model_days", True) == totals("day, model_id", "fleet_day_deltas", True)
    by_site = "data_center_id, model_id"
    for table, key, cut in (("fleet_month_deltas", "month", 7), ("fleet_year_deltas", "year", 4)):
        assert totals(f"{by_site}, {key}", table) == totals(f"{by_site}, substr(day, 1, {cut})", "fleet_day_deltas")


@pytest.mark.sqlite_only  # the SQLite file itself
def test_a_failed_bulk_insert_leaves_no_trace_and_the_triggers_in_place(session: Session) -> None:
    site = session.fleet.add_site("Rockdale", "United States")
    model = session.store.find_model("Antminer S19")
    assert model is not None
    triggers_before = session.store.conn.execute("SELECT name, sql FROM sqlite_master WHERE type='trigger'").fetchall()
    with pytest.raises(ValidationError), session.store.write("bulk that fails"):
        bulk.insert_batches(session.store, [Batch(site.id or 0, model.id or 0, 10, START, START)])
        bulk.insert_event_rows(session.store, [(10_000, "shipped", 5, "2020-02-01", "")])  # no such batch: FK refuses
    triggers_after = session.store.conn.execute("SELECT name, sql FROM sqlite_master WHERE type='trigger'").fetchall()
    assert sorted(triggers_after) == sorted(triggers_before)
    assert session.queries.batch_count() == 0
    assert session.queries.summary(START).total.units.ordered == 0
    batch = session.fleet.add_batch(site.id, model.id, 10, "2020-01-01")  # the row triggers still book
    session.fleet.record_event(batch.id or 0, "shipped", 4, "2020-01-05")
    assert session.queries.summary(date(2020, 1, 5)).total.units.in_transit == 4
