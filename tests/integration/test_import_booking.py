"""A bulk write books the aggregate tables exactly as a rebuild from scratch would.

The import lifts the row triggers and books everything it wrote in one numpy pass
(store.bulk_booking); here the booked tables are compared row for row with the v3
migration's set-wise backfill run over the same batches and events, and the fast
queries with the domain's replay. Covered: files mixing new batches (kept ids in
several runs, fresh ids, parts of one batch), updates of existing batches, new sites
and models, written in several chunks onto a fleet that already has aggregates; events
added in bulk to batches that were there before; a caller that commits what landed of
a failed bulk insert; a cancelled import; random batches and event chains (deployments
in parts, the later one first) cut into random chunks.
"""

from __future__ import annotations

import itertools
import sqlite3
import tempfile
import threading
from contextlib import suppress
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.domain.entities import Batch
from desktop.domain.ledger import StageCounts
from desktop.server_address import ServerAddress
from desktop.services import importing
from desktop.services.importing import ImportCancelled, import_file
from desktop.services.session import Session, open_session
from desktop.store import Store, aggregates, bulk, bulk_booking, report_totals
from tests.integration.test_import import GOOD, write_csv
from tests.integration.transfer_helpers import table_fingerprint
from tests.unit.test_fast_queries import assert_fast_equals_slow

pytestmark = pytest.mark.both_backends  # store, services: on SQLite and on PostgreSQL

_KEYS = {  # aggregate table -> how many leading key columns
    "batch_stage_counts": 1,
    "fleet_day_deltas": 3,
    "fleet_model_days": 2,
    "fleet_month_deltas": 3,
    "fleet_year_deltas": 3,
    "supplier_site_totals": 2,
}
_STATUSES = ["ordered", "in_transit", "on_site", "deployed", "retired", "cancelled"]


def _booked(conn: sqlite3.Connection) -> dict[str, list[tuple[Any, ...]]]:
    """Every aggregate row; in the delta tables, rows that add nothing (all zero) do not count."""
    found = {}
    for table, keys in _KEYS.items():
        rows = conn.execute(f"SELECT * FROM {table}").fetchall()
        if table != "batch_stage_counts":
            rows = [r for r in rows if any(r[keys:])]
        found[table] = sorted(rows)
    return found


def assert_booked_as_rebuilt(path: Path) -> None:
    """The aggregates equal the migration's backfill over the same rows (in a rolled-back transaction)."""
    server = Store.open(path, verify=False) if isinstance(path, ServerAddress) else None
    conn: Any = server.conn if server else sqlite3.connect(path, isolation_level=None)  # (the same SQL on both)
    try:
        booked = _booked(conn)
        conn.execute("BEGIN")
        for name in aggregates.CASCADE_TRIGGERS:  # the backfill writes the coarser tables itself
            conn.execute(f"SET LOCAL hashplan.lift_{name} = 'on'" if server else f"DROP TRIGGER {name}")
        for table in _KEYS:
            conn.execute(f"DELETE FROM {table}")
        for statement in aggregates._backfill():
            conn.execute(statement)
        conn.execute("DELETE FROM supplier_site_totals")  # (the triggers booked the backfill's counts rows)
        conn.execute(report_totals.BACKFILL)
        rebuilt = _booked(conn)
        conn.execute("ROLLBACK")
    finally:
        conn.close()
        if server:
            server.close()
    assert booked["batch_stage_counts"], "nothing was booked"
    for table in _KEYS:
        assert booked[table] == rebuilt[table], table


def _counts(session: Session) -> tuple[int, int, int]:
    conn = session.store.conn
    return tuple(conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in ("batches", "batch_events", "audit"))


def _counts_of(session: Session, batch_id: int) -> StageCounts:
    return next(r.counts for r in session.queries.batch_rows(None) if r.batch.id == batch_id)


def _row(i: int, **change: Any) -> dict[str, Any]:
    ordered = date(2019, 3, 1) + timedelta(days=37 * (i % 40))
    status = _STATUSES[i % len(_STATUSES)]
    row = {
        **GOOD,
        "data_center": ["Kazakhstan", "Nowhere North", "Texas Two"][i % 3],
        "miner_model": ["Antminer S19", "Antminer S21", "Whatsminer Z9"][i % 3],
        "ths_per_unit": "300" if i % 3 == 2 else "",
        "watts_per_unit": "5000" if i % 3 == 2 else "",
        "units": str(10 + i),
        "ordered_on": ordered.isoformat(),
        "expected_on": (ordered + timedelta(days=45 + i % 7)).isoformat(),
        "status": status,
        "deployed_units": str(5 + i % 5) if status == "deployed" else "",
        "deployed_on": (ordered + timedelta(days=20 + i % 30)).isoformat() if status in ("deployed", "retired") else "",
    }
    row.update(change)
    return row


@pytest.fixture(params=["indexes kept", "indexes rebuilt"])
def rebuild_threshold(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Both bulk paths: secondary indexes kept, or dropped and built again (big inserts)."""
    monkeypatch.setattr(bulk, "REBUILD_AT_LEAST", 1 if request.param == "indexes rebuilt" else 10**9)
    return str(request.param)


def _schema(session: Session) -> list[tuple[str, str]]:
    if session.store.dialect == "postgresql":  # triggers (enabled or not) and indexes, from the catalogs
        return session.store.conn.execute(
            "SELECT tgname, tgenabled::text FROM pg_trigger WHERE NOT tgisinternal UNION ALL "
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() ORDER BY 1"
        ).fetchall()
    return session.store.conn.execute("SELECT name, sql FROM sqlite_master ORDER BY name").fetchall()


def test_an_import_in_chunks_books_what_a_rebuild_gives(
    demo_session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rebuild_threshold: str
) -> None:
    monkeypatch.setattr(importing, "WRITE_CHUNK", 4)  # several chunks, each its own executemany
    monkeypatch.setattr(bulk_booking, "BOOK_SLICE", 5)  # booked a few rows a pass, batches then events
    schema = _schema(demo_session)
    existing = demo_session.store.list_batches()
    rows = [_row(i) for i in range(25)]  # fresh ids
    rows += [_row(i, id=str(9000 + i)) for i in range(7)]  # one run of kept ids (two chunks)
    rows += [_row(i, id=str(9100 + 3 * i)) for i in range(3)]  # kept ids that are not consecutive
    rows += [_row(40, id="9200", status=s, deployed_units="", deployed_on="") for s in _STATUSES[:3]]  # parts
    rows += [_row(50 + i, id=str(b.id)) for i, b in enumerate(existing[:3])]  # updates of existing batches
    before = _counts(demo_session)
    sqlite = demo_session.store.dialect == "sqlite"  # (a server sizes its own cache)
    cache = demo_session.store.conn.execute("PRAGMA cache_size").fetchone() if sqlite else None
    result = import_file(demo_session, write_csv(tmp_path / "mixed.csv", rows))
    if sqlite:
        assert demo_session.store.conn.execute("PRAGMA cache_size").fetchone() == cache  # grown for the write only
    assert (result.batches_created, result.batches_updated, result.models_created) == (36, 3, 1)
    batches, _, audit = _counts(demo_session)
    assert batches == before[0] + 36
    assert audit == before[2] + 1 + result.sites_created + result.models_created + result.batches_updated
    assert {9000, 9006, 9103, 9200} <= {b.id for b in demo_session.store.list_batches()}
    assert_booked_as_rebuilt(demo_session.path)
    assert_fast_equals_slow(demo_session, [date(2019, 6, 1), date(2021, 1, 1), date(2030, 1, 1)])
    assert _schema(demo_session) == schema  # every index and trigger is back
    if sqlite:
        assert demo_session.store.conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)  # indexes match rows

    again = import_file(demo_session, write_csv(tmp_path / "mixed.csv", rows))  # the kept ids now update
    assert again.batches_updated == 14 and again.batches_created == 25
    assert_booked_as_rebuilt(demo_session.path)


def test_bulk_events_for_batches_that_were_there_before_are_booked(demo_session: Session) -> None:
    store = demo_session.store
    old = store.list_batches()[:4]
    with store.write("bulk test"), bulk.bulk_insert(store) as writer:
        (new_id,) = writer.add_batch_rows([(old[0].data_center_id, old[0].model_id, 50, "2020-01-01", "2020-02-01",
                                            0, "", "")])  # fmt: skip
        writer.add_event_rows([(new_id, "shipped", 30, "2020-01-05", ""), (new_id, "cancelled", 20, "2020-01-06", "")])
        moves = []  # one unit onward from each old batch's first non-empty stage (retired: leaves the plan)
        for b in old:
            counts = _counts_of(demo_session, b.id or 0)
            onward = [(counts.ordered, "cancelled"), (counts.in_transit, "delivered"), (counts.deployed, "retired")]
            for held, kind in onward:
                if held:
                    moves.append((b.id or 0, kind, 1, "2030-01-01", ""))
                    break
        assert {k for _, k, *_ in moves} == {"delivered", "retired"}
        writer.add_event_rows(moves)
    assert_booked_as_rebuilt(demo_session.path)
    assert_fast_equals_slow(demo_session, [date(2020, 1, 5), date(2030, 1, 1)])


@pytest.mark.sqlite_only  # the SQLite file itself
def test_what_landed_of_a_failed_bulk_insert_is_booked_if_the_caller_commits_it(demo_session: Session) -> None:
    store = demo_session.store
    site, model = store.list_sites()[0].id or 0, store.list_models()[0].id or 0
    good = (site, model, 40, "2022-05-01", "2022-06-01", 0, "", "")
    with store.write("partial bulk"):
        with suppress(sqlite3.IntegrityError), bulk.bulk_insert(store) as writer:
            ids = writer.add_batch_rows([good, good])
            writer.add_event_rows([(ids[0], "shipped", 40, "2022-05-02", ""), (ids[1], "shipped", 0, "2022-05-02", "")])
        triggers = {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
        assert {"fleet_batch_added", "fleet_event_added"} <= triggers
    assert _counts_of(demo_session, ids[0]).in_transit == 40 and _counts_of(demo_session, ids[1]).ordered == 40
    assert_booked_as_rebuilt(demo_session.path)


def test_a_cancelled_import_leaves_the_aggregates_and_triggers_as_they_were(
    demo_session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rebuild_threshold: str
) -> None:
    monkeypatch.setattr(importing, "WRITE_CHUNK", 5)
    path = write_csv(tmp_path / "big.csv", [_row(i) for i in range(40)])
    schema = _schema(demo_session)
    before = table_fingerprint(demo_session.path)
    cancel = threading.Event()

    def progress(done: int, total: int) -> None:
        if done > total * 3 // 4:  # after a few chunks have landed
            cancel.set()

    with pytest.raises(ImportCancelled):
        import_file(demo_session, path, progress=progress, cancel=cancel)
    assert table_fingerprint(demo_session.path) == before
    assert _schema(demo_session) == schema
    import_file(demo_session, path)  # and the next import books from there
    assert_booked_as_rebuilt(demo_session.path)


def test_bulk_insert_blocks_do_not_nest(session: Session) -> None:
    store = session.store
    with store.write("bulk test"), bulk.bulk_insert(store), pytest.raises(RuntimeError, match="do not nest"):
        bulk.insert_event_rows(store, [])
    with store.write("bulk test"), bulk.bulk_insert(store):  # the refused block left nothing behind
        pass


_batch_spec = st.tuples(
    st.integers(0, 2),  # site
    st.integers(0, 2),  # model
    st.integers(1, 500),  # units
    st.integers(0, 900),  # ordered, days after 2020-01-01
    st.integers(0, 90),  # expected, days after ordered
    st.sampled_from(["", "shipped", "cancelled", "delivered", "deployed", "retired"]),  # how far its units go
    st.integers(0, 60),  # event dates, days after ordered
)
_CHAIN = {
    "": [],
    "shipped": ["shipped"],
    "cancelled": ["cancelled"],
    "delivered": ["shipped", "delivered"],
    "deployed": ["shipped", "delivered", "deployed"],
    "retired": ["shipped", "delivered", "deployed", "retired"],
}


def _rows_and_chains(
    specs: list[tuple],
    sites: list[int],
    models: list[int],  # type: ignore[type-arg]
) -> tuple[list[tuple[Any, ...]], list[list[tuple[str, int, str]]]]:
    """Batch rows (bulk column form) and each one's events (kind, units, ISO date)."""
    start = date(2020, 1, 1)
    rows, chains = [], []
    for site, model, units, ordered, lag, last, later in specs:
        placed = start + timedelta(ordered)
        rows.append((sites[site], models[model], units, placed.isoformat(), (placed + timedelta(lag)).isoformat(),
                     0, "", ""))  # fmt: skip
        day = (placed + timedelta(later)).isoformat()
        chain = [(kind, units, day) for kind in _CHAIN[last]]
        if "deployed" in _CHAIN[last] and units > 1:  # in two parts, the later one first
            first = (placed + timedelta(later + lag)).isoformat()
            chain[2:3] = [("deployed", 1, first), ("deployed", units - 1, day)]
        chains.append(chain)
    return rows, chains


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    specs=st.lists(_batch_spec, min_size=1, max_size=30),
    cuts=st.lists(st.integers(1, 30), max_size=4),
    changed=st.lists(st.tuples(st.integers(0, 29), _batch_spec), max_size=8),
)
def test_bulk_inserts_in_any_chunks_book_what_a_rebuild_gives(
    specs: list[tuple],
    cuts: list[int],
    changed: list[tuple],  # type: ignore[type-arg]
) -> None:
    with (
        tempfile.TemporaryDirectory() as folder,
        open_session(Path(folder) / "fleet.db") as session,
        mock.patch.object(bulk_booking, "BOOK_SLICE", 7),  # booked in slices too
    ):
        store = session.store
        sites = [session.fleet.add_site(name, "Kazakhstan").id or 0 for name in ("North", "South", "East")]
        models = [m.id or 0 for m in store.list_models()[:3]]
        old = session.fleet.add_batch(sites[0], models[0], 100, "2020-03-01", "2020-04-01")  # booked by triggers
        rows, chains = _rows_and_chains(specs, sites, models)
        bounds = sorted({0, len(rows), *(c for c in cuts if c < len(rows))})
        with store.write("bulk test"), bulk.bulk_insert(store) as writer:
            for low, high in itertools.pairwise(bounds):
                ids = writer.add_batch_rows(rows[low:high])
                events = [(i, k, u, d, "") for i, chain in zip(ids, chains[low:high], strict=True) for k, u, d in chain]
                writer.add_event_rows(events)
            old_id = old.id or 0
            writer.add_event_rows(
                [(old_id, "shipped", 60, "2020-03-05", ""), (old_id, "cancelled", 40, "2020-03-07", "")],
            )
        assert_booked_as_rebuilt(session.path)
        # Then some of them (and the one booked by triggers) replaced whole, as a re-import does.
        picked = {(old_id if i % 7 == 0 else old_id + 1 + i % len(specs)): spec for i, spec in changed}
        new_rows, new_chains = _rows_and_chains(list(picked.values()), sites, models)
        replacements = []
        for batch_id, row, chain in zip(picked, new_rows, new_chains, strict=True):
            seen = store.get_batch(batch_id)
            batch = Batch(*row[:3], date.fromisoformat(row[3]), date.fromisoformat(row[4]), id=batch_id,
                          version=seen.version)  # fmt: skip
            replacements.append((batch, [(batch_id, k, u, d, "") for k, u, d in chain]))
        with store.write("bulk replace"), bulk.bulk_insert(store) as writer:
            writer.replace_batches("bulk replace", replacements)
        assert_booked_as_rebuilt(session.path)
        for batch, events in replacements:
            assert store.get_batch(batch.id or 0).units == batch.units
            assert len(store.events_for_batch(batch.id or 0)) == len(events)
