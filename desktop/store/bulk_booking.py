"""Books a bulk insert into the v3 aggregates from the rows in hand (numpy), not by re-reading them.

The trigger path (aggregates.py) books one row at a time; the SQL set-wise booking joins
every new row back to its batch and sorts it once per aggregate table. Here the rows the
caller just inserted (batches AND their events, together) are grouped in numpy and each
aggregate table gets one executemany upsert in its primary-key order. Booking batches and
events in one pass matters: a batch's order and its shipment usually fall on the same
(site, model, day), so the day/month/year tables get ~2.5x fewer upsert rows than with
one pass per table and per chunk (100,000-row import: 0.36M upserts instead of 0.91M).
Same arithmetic as aggregates.event_delta (tests/unit/test_fast_queries.py checks both
against the domain's replay; tests/integration/test_import_booking.py against a rebuild).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from operator import itemgetter
from typing import Any

import numpy as np

from desktop.store.aggregates import STAGE_COLUMNS
from desktop.store.connection import select_in
from desktop.store.store import Store

_KINDS = ("shipped", "delivered", "deployed", "retired", "cancelled")
_KIND_INDEX = {k: i for i, k in enumerate(_KINDS)}
_DEPLOYED = _KINDS.index("deployed")
# Row k: the change an event of kind _KINDS[k] moving one unit makes to each stage column.
_TRANSITIONS = np.array(
    [
        [-1, 1, 0, 0, 0, 0],  # shipped: ordered -> in transit
        [0, -1, 1, 0, 0, 0],  # delivered: in transit -> on site
        [0, 0, -1, 1, 0, 0],  # deployed: on site -> deployed
        [0, 0, 0, -1, 1, 0],  # retired: deployed -> retired
        [-1, 0, 0, 0, 0, 1],  # cancelled: ordered -> cancelled
    ],
    dtype=np.int64,
)
_LEAVES_PLAN = np.array([False, False, False, True, True])
_PLAN = len(STAGE_COLUMNS)  # columns 6, 7: planned units, planned batches
_ORDINAL_1970 = 719_163  # date(1970, 1, 1).toordinal(): keys stay positive for any date
_BITS = 21  # each key column below 2**21: ids up to two million, days up to year 7700


def _days(iso: Sequence[str]) -> np.ndarray:
    """ISO dates as date.toordinal() numbers."""
    return np.array(iso, dtype="datetime64[D]").astype(np.int64) + _ORDINAL_1970


# Columns one at a time: zip(*rows) would be one C call holding the GIL for ~85 ms on
# 200,000 rows, a stall the import dialog's UI thread would feel; these take 5-10 ms each.
def _column(rows: Sequence[tuple[Any, ...]], index: int) -> list[Any]:
    return list(map(itemgetter(index), rows))


def _numbers(rows: Sequence[tuple[Any, ...]], index: int) -> np.ndarray:
    return np.fromiter(map(itemgetter(index), rows), np.int64, len(rows))


def _labels(numbers: np.ndarray, label: Any) -> list[str]:
    """``label(n)`` for each number, computed once per distinct number (a few thousand days)."""
    if not len(numbers):
        return []
    low = int(numbers.min())
    present = np.zeros(int(numbers.max()) - low + 1, dtype=bool)
    present[numbers - low] = True
    table = np.empty(len(present), dtype=object)
    for offset in np.flatnonzero(present).tolist():
        table[offset] = label(low + offset)
    return table[numbers - low].tolist()


def _iso(days: np.ndarray) -> list[str]:
    return _labels(days, lambda d: date.fromordinal(d).isoformat())


def _months(days: np.ndarray) -> np.ndarray:
    """Months since year 0 (year * 12 + month - 1)."""
    return (days - _ORDINAL_1970).astype("datetime64[D]").astype("datetime64[M]").astype(np.int64) + 1970 * 12


def _grouped(keys: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Unique key rows (sorted) and the summed values of each group.

    The key columns are packed into one int64 so numpy sorts plain integers (np.unique
    with axis=0 sorts rows as bytes: several times slower); sorted, each group's sum is
    one np.add.reduceat (np.add.at adds row by row: ~10x slower).
    """
    if not len(keys):
        return keys, values
    if keys.min() < 0 or keys.max() >= 1 << _BITS:  # ids beyond two million: the slow way
        unique_rows, inverse = np.unique(keys, axis=0, return_inverse=True)
        totals = np.zeros((len(unique_rows), values.shape[1]), dtype=np.int64)
        np.add.at(totals, inverse.reshape(-1), values)
        return unique_rows, totals
    packed = np.zeros(len(keys), dtype=np.int64)
    for column in range(keys.shape[1]):
        packed = (packed << _BITS) | keys[:, column]
    order = np.argsort(packed, kind="stable")
    packed = packed[order]
    starts = np.flatnonzero(np.concatenate(([True], packed[1:] != packed[:-1])))
    # Column by column: each step is short (the import's UI thread waits on the GIL meanwhile).
    sums = np.column_stack([np.add.reduceat(values[:, c][order], starts) for c in range(values.shape[1])])
    unique = packed[starts]
    columns = [(unique >> (_BITS * (keys.shape[1] - 1 - c))) & ((1 << _BITS) - 1) for c in range(keys.shape[1])]
    return np.column_stack(columns), sums


def _lists(table: np.ndarray) -> list[list[int]]:
    """The columns as lists, one short call each (one .T.tolist() holds the GIL ~25 ms)."""
    return [column.tolist() for column in table.T]


def _upsert(
    store: Store, table: str, key_columns: Sequence[str], columns: Sequence[str], rows: Iterable[tuple[Any, ...]]
) -> None:
    names = [*key_columns, *columns]
    adds = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in columns)  # (a bare name: ambiguous to PostgreSQL)
    store.conn.executemany(
        f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))}) "
        f"ON CONFLICT ({', '.join(key_columns)}) DO UPDATE SET {adds}",
        rows,
    )


def _book_tables(store: Store, site: np.ndarray, model: np.ndarray, day: np.ndarray, values: np.ndarray) -> None:
    """Adds rows (site, model, day as date.toordinal(), 6 stage + 2 plan deltas) to the day,
    model-day, month and year tables (zip over columns builds the tuples in C)."""
    if not len(site):
        return
    stage, plan = list(STAGE_COLUMNS), [*STAGE_COLUMNS, "planned_units", "planned_batches"]
    keys, sums = _grouped(np.column_stack([site, model, day]), values)
    key_lists = keys.T.tolist()
    _upsert(
        store,
        "fleet_day_deltas",
        ("data_center_id", "model_id", "day"),
        plan,
        zip(key_lists[0], key_lists[1], _iso(keys[:, 2]), *_lists(sums), strict=True),
    )
    by_day, day_sums = _grouped(np.column_stack([keys[:, 2], keys[:, 1]]), sums)
    _upsert(
        store,
        "fleet_model_days",
        ("day", "model_id"),
        plan,
        zip(_iso(by_day[:, 0]), by_day[:, 1].tolist(), *_lists(day_sums), strict=True),
    )
    by_month, month_sums = _grouped(np.column_stack([keys[:, 0], keys[:, 1], _months(keys[:, 2])]), sums[:, :_PLAN])
    month_keys = by_month.T.tolist()
    _upsert(
        store,
        "fleet_month_deltas",
        ("data_center_id", "model_id", "month"),
        stage,
        zip(
            month_keys[0],
            month_keys[1],
            _labels(by_month[:, 2], lambda n: f"{n // 12:04d}-{n % 12 + 1:02d}"),
            *_lists(month_sums),
            strict=True,
        ),
    )
    by_year, year_sums = _grouped(np.column_stack([by_month[:, 0], by_month[:, 1], by_month[:, 2] // 12]), month_sums)
    year_keys = by_year.T.tolist()
    _upsert(
        store,
        "fleet_year_deltas",
        ("data_center_id", "model_id", "year"),
        stage,
        zip(year_keys[0], year_keys[1], [f"{y:04d}" for y in year_keys[2]], *_lists(year_sums), strict=True),
    )


def _batches_of(store: Store, new_ids: np.ndarray, new_fields: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """(site, model, expected day) of each batch id in ``wanted``: from the new rows, else read."""
    fields = np.zeros((len(wanted), 3), dtype=np.int64)
    known = np.zeros(len(wanted), dtype=bool)
    if len(new_ids):
        order = np.argsort(new_ids)
        at = np.minimum(np.searchsorted(new_ids, wanted, sorter=order), len(new_ids) - 1)
        known = new_ids[order[at]] == wanted
        fields[known] = new_fields[order[at[known]]]
    if not known.all():  # events of batches that were there before
        missing = np.unique(wanted[~known])
        found = select_in(
            store.conn, "SELECT id, data_center_id, model_id, expected_on FROM batches WHERE id IN ({marks})",
            missing.tolist(),
        )  # fmt: skip
        if found:
            old_ids = _numbers(found, 0)
            old_fields = np.column_stack([_numbers(found, 1), _numbers(found, 2), _days(_column(found, 3))])
            order = np.argsort(old_ids)
            at = np.searchsorted(old_ids, wanted[~known], sorter=order)
            fields[~known] = old_fields[order[np.minimum(at, len(old_ids) - 1)]]
    return fields


def book(
    store: Store, batch_rows: Sequence[tuple[Any, ...]], event_rows: Sequence[tuple[Any, ...]], sign: int = 1
) -> None:
    """Books rows just inserted, in one pass: batch rows as bulk.insert_batch_rows wrote them
    (id, site, model, units, ordered ISO, expected ISO, ...) and event rows as
    bulk.insert_event_rows wrote them (batch_id, kind, units, ISO date, note); an event may
    belong to a batch of ``batch_rows`` or to one that was there before.

    ``sign`` -1 takes back rows that were removed (a replaced batch as it was, with its old
    events) from the day, month and year tables; their batch_stage_counts rows are deleted
    with them, so those are left alone.
    """
    if not batch_rows and not event_rows:
        return
    width = _PLAN + 2
    ids, units = _numbers(batch_rows, 0), _numbers(batch_rows, 3)
    fields = np.column_stack([_numbers(batch_rows, 1), _numbers(batch_rows, 2), _days(_column(batch_rows, 5))])
    ordered_days = _days(_column(batch_rows, 4))
    e_batch_ids, e_units_arr, e_days = _numbers(event_rows, 0), _numbers(event_rows, 2), _days(_column(event_rows, 3))
    kind = np.fromiter(map(_KIND_INDEX.__getitem__, map(itemgetter(1), event_rows)), np.int64, len(event_rows))
    e_fields = _batches_of(store, ids, fields, e_batch_ids)
    n_batches = len(ids)

    # Per batch: +units ordered, the events' stage changes, the latest deployment.
    stage = _TRANSITIONS[kind] * e_units_arr[:, None]
    ordered = np.zeros((n_batches, _PLAN), dtype=np.int64)
    ordered[:, 0] = units
    counted_ids, counts = _grouped(np.concatenate([ids, e_batch_ids])[:, None], np.concatenate([ordered, stage]))
    deployed = kind == _DEPLOYED
    latest = np.full(len(counted_ids), -1, dtype=np.int64)
    at = np.searchsorted(counted_ids[:, 0], e_batch_ids[deployed])
    np.maximum.at(latest, at, e_days[deployed])
    latest_iso: list[str | None] = [None] * len(latest)
    has = np.flatnonzero(latest >= 0)
    for i, iso in zip(has.tolist(), _iso(latest[has]), strict=True):
        latest_iso[i] = iso
    if sign > 0:
        _book_stage_counts(store, counted_ids, counts, latest_iso)

    # The day/month/year tables: each batch's order and plan step, each event's stage
    # change and, for retirements and cancellations, the units leaving the plan.
    values = np.zeros((2 * n_batches + len(kind), width), dtype=np.int64)
    values[:n_batches, 0] = units
    values[n_batches : 2 * n_batches, _PLAN] = units
    values[n_batches : 2 * n_batches, _PLAN + 1] = 1
    values[2 * n_batches :, :_PLAN] = stage
    leaves = _LEAVES_PLAN[kind]
    plan = np.zeros((int(leaves.sum()), width), dtype=np.int64)
    plan[:, _PLAN] = -e_units_arr[leaves]
    _book_tables(
        store,
        np.concatenate([fields[:, 0], fields[:, 0], e_fields[:, 0], e_fields[leaves, 0]]),
        np.concatenate([fields[:, 1], fields[:, 1], e_fields[:, 1], e_fields[leaves, 1]]),
        np.concatenate([ordered_days, fields[:, 2], e_days, e_fields[leaves, 2]]),
        sign * np.concatenate([values, plan]),
    )


BOOK_SLICE = 50_000  # rows a pass: the numpy work over 500,000 events at once peaked ~260 MB above the rows


def book_in_slices(store: Store, batch_rows: Sequence[tuple[Any, ...]], event_rows: Sequence[tuple[Any, ...]]) -> None:
    """book() of rows just written, BOOK_SLICE rows a pass: the same sums (every table is
    added to, the latest deployment kept by the upsert), memory bounded by a slice.

    The batches first, then their events, which find each batch's fields in the database:
    the rows written are what it holds. (Rows taken back, sign -1, are booked whole: their
    batches may be gone or changed, so their fields come only from the rows given.)
    """
    if len(batch_rows) + len(event_rows) <= BOOK_SLICE:
        book(store, batch_rows, event_rows)
        return
    for start in range(0, len(batch_rows), BOOK_SLICE):
        book(store, batch_rows[start : start + BOOK_SLICE], [])
    for start in range(0, len(event_rows), BOOK_SLICE):
        book(store, [], event_rows[start : start + BOOK_SLICE])


def _book_stage_counts(store: Store, counted_ids: np.ndarray, counts: np.ndarray, latest_iso: list[str | None]) -> None:
    adds = ", ".join(f"{c} = batch_stage_counts.{c} + excluded.{c}" for c in STAGE_COLUMNS)
    old = "batch_stage_counts.deployed_on"
    later = f"excluded.deployed_on IS NOT NULL AND ({old} IS NULL OR excluded.deployed_on > {old})"
    store.conn.executemany(
        f"INSERT INTO batch_stage_counts (batch_id, {', '.join(STAGE_COLUMNS)}, deployed_on) VALUES (?,?,?,?,?,?,?,?) "
        f"ON CONFLICT (batch_id) DO UPDATE SET {adds}, "
        f"deployed_on = CASE WHEN {later} THEN excluded.deployed_on ELSE {old} END",
        zip(counted_ids[:, 0].tolist(), *_lists(counts), latest_iso, strict=True),
    )
