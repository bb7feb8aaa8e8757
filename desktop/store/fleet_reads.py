"""Reads over the v3 aggregates (aggregates.py): small result sets, whatever the fleet's size.

Each returns plain tuples or numpy arrays; services/reports.py turns them into the
domain's figures (hash rate and power = units x the model's figures).
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from datetime import date

from desktop.store.aggregates import STAGE_COLUMNS, event_delta
from desktop.store.store import Store

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (a start-up cost)
if TYPE_CHECKING:  # numpy is imported where curves are computed: the command line starts faster
    from typing import Any

    import numpy as np

_STAGES = ", ".join(f"SUM({c})" for c in STAGE_COLUMNS)
_STAGE_LIST = ", ".join(STAGE_COLUMNS)
# julianday('0001-01-01') is 1721425.5 and date(1, 1, 1).toordinal() is 1.
_ORDINAL = "CAST(julianday(day) - 1721424.5 AS INTEGER)"

_NO_LIMIT = 1 << 62  # "no limit" both engines take (SQLite also reads -1 so; PostgreSQL refuses it)


def _rows(store: Store, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    with store._lock:  # the Store's connection is shared with worker threads
        return store.conn.execute(sql, params).fetchall()


_PAIRS = "(SELECT dc.id AS site, mm.id AS model FROM data_centers AS dc CROSS JOIN miner_models AS mm) AS k"


def _ranged(table: str, column: str) -> str:
    """Rows of one aggregate table in a key range, one primary-key seek per (site, model).

    CROSS JOIN keeps the 650-odd pairs outside; a site or model that was deleted has only
    all-zero rows left, so leaving it out changes nothing.
    """
    columns = ", ".join(f"a.{c}" for c in STAGE_COLUMNS)
    return (
        f"SELECT a.data_center_id, a.model_id, {columns} FROM {_PAIRS} CROSS JOIN {table} AS a "
        f"WHERE a.data_center_id = k.site AND a.model_id = k.model AND a.{column} >= ? AND a.{column} <= ?"
    )


def stage_counts_at(store: Store, at: date) -> list[tuple[int, int, int, int, int, int, int, int]]:
    """(site, model, ordered, in_transit, on_site, deployed, retired, cancelled) as of ``at``.

    Whole years before ``at``'s year, the months of its year before its month, the days of
    its month up to ``at``: batches ordered later and events dated later are not counted.
    When nothing is ordered or moved after ``at`` (today's figures, nearly always), every
    year is summed instead: one read of the year table, not two primary-key seeks per
    (site, model) pair (7 -> ~2 ms on 100,000 batches: summary --json reads it twice).
    """
    if not _moved_after(store, at):
        return _rows(store, f"SELECT data_center_id, model_id, {_STAGES} FROM fleet_year_deltas GROUP BY 1, 2")
    year, month = f"{at.year:04d}", f"{at.year:04d}-{at.month:02d}"
    return _rows(
        store,
        f"""SELECT s, m, {_STAGES.replace("SUM(", "SUM(x.")} FROM (
            SELECT data_center_id AS s, model_id AS m, {_STAGE_LIST} FROM fleet_year_deltas WHERE year < ?
            UNION ALL {_ranged("fleet_month_deltas", "month")}
            UNION ALL {_ranged("fleet_day_deltas", "day")}
        ) AS x GROUP BY s, m ORDER BY s, m""",
        (year, f"{year}-01", _previous_month(at), f"{month}-01", at.isoformat()),
    )


def _moved_after(store: Store, at: date) -> bool:
    """Whether a batch is ordered or an event dated after ``at``: a stage change in the fleet's
    day table (day first: the days after ``at`` are one range, future plan steps among them).

    Summed over sites a day's changes are all zero only if there are none: each column's sum
    weighted by its place in the pipeline grows with every event and their plain sum with every
    order (units are positive), so opposite changes at two sites cannot hide each other."""
    moved = " OR ".join(f"{c} <> 0" for c in STAGE_COLUMNS)
    return bool(_rows(store, f"SELECT 1 FROM fleet_model_days WHERE day > ? AND ({moved}) LIMIT 1", (at.isoformat(),)))


def _previous_month(at: date) -> str:
    """The month before ``at``'s as 'YYYY-MM' ('YYYY-00' in January: the range is empty)."""
    return f"{at.year:04d}-{at.month - 1:02d}"


def curve_days(store: Store, data_center_id: int | None) -> np.ndarray:
    """Per day with a step: (day ordinal, has a deployment or retirement, deployed TH/s change,
    has a batch expected, planned TH/s change), summed over models in SQL (~4,000 rows).

    For one site from fleet_day_deltas (its primary-key range), for the fleet from
    fleet_model_days; hash rate is units x the model's TH/s as stored now.
    """
    import numpy as np
    select = (
        # (CASE, not MAX of a comparison: a boolean aggregate is a function call a row on PostgreSQL)
        f"SELECT {_ORDINAL}, MAX(CASE WHEN a.deployed <> 0 OR a.retired <> 0 THEN 1 ELSE 0 END), "
        "SUM(a.deployed * m.ths), MAX(CASE WHEN a.planned_batches <> 0 THEN 1 ELSE 0 END), "
        "SUM(a.planned_units * m.ths) "
    )
    step = "(a.deployed <> 0 OR a.retired <> 0 OR a.planned_batches <> 0)"
    if data_center_id is None:
        found = _rows(
            store,
            f"{select} FROM fleet_model_days a JOIN miner_models m ON m.id = a.model_id WHERE {step} "
            "GROUP BY a.day ORDER BY a.day",
        )
    else:
        found = _rows(
            store,
            f"{select} FROM fleet_day_deltas a JOIN miner_models m ON m.id = a.model_id "
            f"WHERE a.data_center_id = ? AND {step} GROUP BY a.day ORDER BY a.day",  # (PostgreSQL may hash)
            (data_center_id,),
        )
    return np.array(found, dtype=np.float64).reshape(-1, 5)


def batch_count(store: Store, data_center_id: int | None = None) -> int:
    if data_center_id is None:
        return int(_rows(store, "SELECT COUNT(*) FROM batches")[0][0])
    return int(_rows(store, "SELECT COUNT(*) FROM batches WHERE data_center_id = ?", (data_center_id,))[0][0])


BATCH_PAGE_COLUMNS = (
    "id",
    "data_center_id",
    "model_id",
    "units",
    "ordered_on",
    "expected_on",
    "unit_price_cents",
    "supplier",
    "notes",
    "version",
    *STAGE_COLUMNS,
    "deployed_on",
)


_BATCH_COLUMNS_SQL = (
    "SELECT b.id, b.data_center_id, b.model_id, b.units, b.ordered_on, b.expected_on, b.unit_price_cents, "
    f"b.supplier, b.notes, b.version, {', '.join('c.' + c for c in STAGE_COLUMNS)}, c.deployed_on"
)


def _batch_select(data_center_id: int | None, at: date | None) -> tuple[str, tuple[Any, ...]]:
    """The batch table's rows in its order (order date, id) with their stage counts.

    With ``at``: the counts and latest deployment as of that date (events dated later not
    applied), summed in SQL over the events up to it (one pass, no event objects in Python).
    """
    counts = f"{', '.join('c.' + c for c in STAGE_COLUMNS)}, c.deployed_on"
    source = "batch_stage_counts c ON c.batch_id = b.id"
    params: tuple[Any, ...] = ()
    if at is not None:
        sums = ", ".join(f"SUM({d}) AS {c}" for c, d in zip(STAGE_COLUMNS, event_delta("kind", "units"), strict=True))
        counts = (
            f"b.units + COALESCE(c.ordered, 0), "
            f"{', '.join(f'COALESCE(c.{c}, 0)' for c in STAGE_COLUMNS[1:])}, c.deployed_on"
        )
        source = (
            f"(SELECT batch_id, {sums}, MAX(CASE WHEN kind = 'deployed' THEN occurred_on END) AS deployed_on "
            "FROM batch_events WHERE occurred_on <= ? GROUP BY batch_id) c ON c.batch_id = b.id"
        )
        params = (at.isoformat(),)
    select = (
        "SELECT b.id, b.data_center_id, b.model_id, b.units, b.ordered_on, b.expected_on, b.unit_price_cents, "
        f"b.supplier, b.notes, b.version, {counts} FROM batches b {'LEFT ' if at else ''}JOIN {source}"
    )
    assert select.startswith(_BATCH_COLUMNS_SQL) or at is not None
    if data_center_id is not None:
        select, params = f"{select} WHERE b.data_center_id = ?", (*params, data_center_id)
    return f"{select} ORDER BY b.ordered_on, b.id", params


def _as_of(store: Store, at: date | None) -> date | None:
    """``at``, or None when no event is dated after it: then the kept counts are the counts
    as of ``at`` (an export as of today need not sum 10,000,000 events by batch again)."""
    if at is None:
        return None
    latest = _rows(store, "SELECT MAX(occurred_on) FROM batch_events")[0][0]  # the events_by_date index's end
    return None if latest is None or latest <= at.isoformat() else at


def batch_page(
    store: Store, data_center_id: int | None, offset: int, limit: int | None, at: date | None = None
) -> list[tuple[Any, ...]]:
    """One page of the batch table's rows (see _batch_select; BATCH_PAGE_COLUMNS).

    Walks the (site,) ordered_on, id index, so a page costs its own rows plus the skipped
    index entries, never a replay of events.
    """
    as_of = _as_of(store, at)
    if as_of is None and limit is not None:
        # The page's ids first, from the order index alone (the skipped entries are index
        # entries only), then their rows: 13 -> 5 ms on SQLite, 330 -> 16 ms on PostgreSQL,
        # whose OFFSET fetched every skipped row and its counts.
        site = " WHERE data_center_id = ?" if data_center_id is not None else ""
        page = f"SELECT id FROM batches{site} ORDER BY ordered_on, id LIMIT ? OFFSET ?"
        sql = (
            f"{_BATCH_COLUMNS_SQL} FROM ({page}) AS p JOIN batches b ON b.id = p.id "
            "JOIN batch_stage_counts c ON c.batch_id = b.id ORDER BY b.ordered_on, b.id"
        )
        site_param = () if data_center_id is None else (data_center_id,)
        return _rows(store, sql, (*site_param, limit, offset))
    sql, params = _batch_select(data_center_id, as_of)
    return _rows(store, f"{sql} LIMIT ? OFFSET ?", (*params, _NO_LIMIT if limit is None else limit, offset))


def batch_chunks(
    store: Store, data_center_id: int | None, at: date | None = None, size: int = 1000
) -> Iterator[list[tuple[Any, ...]]]:
    """Every row batch_page would give, ``size`` at a time, from one statement kept open.

    For an export: the rows stream out without a list of all of them (100,000 batches
    are ~200 MB as Python objects, and freeing them at once held the GIL ~0.1 s). The
    statement is a read of its own (a consistent snapshot while it is open); the store's
    lock is taken per chunk only, so other users of the connection are not blocked.
    """
    sql, params = _batch_select(data_center_id, _as_of(store, at))
    with store._lock:
        cursor = store.conn.execute(sql, params)
    try:
        while True:
            with store._lock:
                chunk = cursor.fetchmany(size)
            if not chunk:
                return
            yield chunk
    finally:
        with store._lock, contextlib.suppress(sqlite3.ProgrammingError):  # the connection may be closed first
            cursor.close()
