"""The batch table's selection in SQL: which batches pass the filters, in which order.

The window asks for the ordered ids of a selection (site, stage, model, words, sort) on its
worker, and for the rows of the ids on screen a page at a time: no list of every row is
built, filtered or sorted in Python. On 100,000 batches an id list costs 15-250 ms of the
worker (a scan of batches with its stage counts; a text filter or a computed sort key is the
dear end) and a page of 500 rows a few milliseconds.

Text is matched and sorted casefolded (Python's str.casefold, a SQL function registered on
the connection) so the SQL order and match agree with what the table shows, not only for
ASCII.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np

from desktop.store.aggregates import STAGE_COLUMNS
from desktop.store.fleet_reads import BATCH_PAGE_COLUMNS
from desktop.store.store import Store

_STAGE_LABELS = {c: c.replace("_", " ") for c in STAGE_COLUMNS}


def _status_sql() -> str:
    """StageCounts.status in SQL: the one stage holding units, 'empty', or 'partly ' + the
    stage most units are in (a tie goes to the later stage, as the domain's max does)."""
    counts = [f"c.{c}" for c in STAGE_COLUMNS]
    # (CASE, not a bare comparison: PostgreSQL has no arithmetic on booleans)
    nonzero = " + ".join(f"(CASE WHEN {c} <> 0 THEN 1 ELSE 0 END)" for c in counts)
    single = " ".join(f"WHEN {c} <> 0 THEN '{name}'" for c, name in zip(counts, STAGE_COLUMNS, strict=True))
    partly = []
    for i in reversed(range(len(counts))):
        conditions = [f"{counts[i]} >= {counts[j]}" for j in range(i)]
        conditions += [f"{counts[i]} > {counts[j]}" for j in range(i + 1, len(counts))]
        partly.append(f"WHEN {' AND '.join(conditions)} THEN 'partly {_STAGE_LABELS[STAGE_COLUMNS[i]]}'")
    return (
        f"CASE {nonzero} WHEN 0 THEN 'empty' WHEN 1 THEN CASE {single} END "
        f"ELSE CASE {' '.join(partly)} END END"
    )


STATUS_SQL = _status_sql()
_LABEL = "trim(m.vendor || ' ' || m.name)"
_ACTIVE = " + ".join(f"c.{c}" for c in STAGE_COLUMNS[:4])

# The table's sort keys (services/batch_columns.py names each column's key).
SORT_KEYS: dict[str, str] = {
    "id": "b.id",
    "site": "hp_casefold(d.name)",
    "model": f"hp_natural({_LABEL})",  # "S9" before "S21", as people read model names
    "units": "b.units",
    **{stage: f"c.{stage}" for stage in STAGE_COLUMNS},
    "planned_ths": f"({_ACTIVE}) * m.ths",
    "cost": "b.units * b.unit_price_cents",
    "ordered_on": "b.ordered_on",
    "expected_on": "b.expected_on",
    "deployed_on": "c.deployed_on",
    "supplier": "hp_casefold(b.supplier)",
    "status": STATUS_SQL,
    "notes": "hp_casefold(b.notes)",
}
# What the free-text filter searches: what the row shows of it (id, site, model, supplier,
# notes, status), as the proxy that filtered in Python did.
_HAYSTACK = f"hp_casefold(b.id || ' ' || d.name || ' ' || {_LABEL} || ' ' || b.supplier || ' ' || b.notes || ' ' || "
_HAYSTACK += f"{STATUS_SQL})"
_JOINS = (
    "FROM batches b JOIN batch_stage_counts c ON c.batch_id = b.id "
    "JOIN miner_models m ON m.id = b.model_id LEFT JOIN data_centers d ON d.id = b.data_center_id"
)


def _casefold(text: str | None) -> str | None:
    return None if text is None else str(text).casefold()


_NUMBER = re.compile(r"\d+")


def _natural(text: str | None) -> str | None:
    """Casefolded text whose digit runs sort as numbers ("s9" before "s21"): each run is
    written with its length first, so a longer number sorts after a shorter one."""
    if text is None:
        return None

    def padded(match: re.Match[str]) -> str:
        digits = match.group().lstrip("0") or "0"
        return f"{len(digits):03d}{digits}"

    return _NUMBER.sub(padded, str(text).casefold())


def _register(store: Store) -> None:
    store.conn.create_function("hp_casefold", 1, _casefold, deterministic=True)
    store.conn.create_function("hp_natural", 1, _natural, deterministic=True)


def batch_ids(
    store: Store,
    data_center_id: int | None,
    *,
    stage: str | None = None,
    model_id: int | None = None,
    words: Sequence[str] = (),
    sort_key: str | None = None,
    descending: bool = False,
    overdue_on: str | None = None,
) -> np.ndarray:
    """The ids of the batches that pass the filters, in the table's order, as int64.

    ``stage``: batches holding units in it (a STAGE_COLUMNS name); ``words``: casefolded,
    each must occur in the row's text. Unsorted is order date then id. A sort puts ties
    in id order and a missing value (a batch never deployed) last, the whole order
    reversed when ``descending``, as the Python sort of the rows did.
    """
    if stage is not None and stage not in STAGE_COLUMNS:
        raise ValueError(f"unknown stage column {stage!r}")
    conditions: list[str] = []
    params: list[Any] = []
    if data_center_id is not None:
        conditions.append("b.data_center_id = ?")
        params.append(data_center_id)
    if model_id is not None:
        conditions.append("b.model_id = ?")
        params.append(model_id)
    if stage is not None:
        conditions.append(f"c.{stage} <> 0")
    if overdue_on is not None:  # past its expected date with units not yet deployed (domain.lateness)
        conditions.append("b.expected_on < ? AND c.ordered + c.in_transit + c.on_site > 0")
        params.append(overdue_on)
    # the expression, not a select alias: PostgreSQL has no aliases in WHERE (SQLite re-evaluates one anyway)
    conditions += [f"instr({_HAYSTACK}, ?) > 0" for _ in words]
    if sort_key is None:
        order = "b.ordered_on, b.id"
    else:
        direction = " DESC" if descending else ""
        key = SORT_KEYS[sort_key]
        order = f"({key}) IS NULL{direction}, {key}{direction}, b.id{direction}"
    plain = not words and stage is None and sort_key is None and overdue_on is None
    where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
    if plain:  # the default order: an index walk over batches alone
        sql = f"SELECT b.id FROM batches b{where} ORDER BY {order}"
    else:
        sql = f"SELECT b.id {_JOINS}{where} ORDER BY {order}"
    params += list(words)
    # One text of all the ids, parsed by numpy: the statement runs without the GIL, where a
    # Python object a row held it ~0.5 s for a million batches (and slowed the window's UI
    # thread by as much); parsing 1,000,000 ids takes ~20 ms. The aggregate reads its ordered
    # subquery in order (SQLite never flattens an ORDER BY subquery into an aggregate;
    # tests/unit/test_batch_pages.py checks every order against Python's).
    with store._lock:  # the Store's connection may be shared with other threads
        _register(store)
        text = store.conn.execute(f"SELECT group_concat(id, ',') FROM ({sql}) AS picked", params).fetchone()[0]
    if not text:
        return np.empty(0, dtype=np.int64)
    return np.fromstring(text, dtype=np.int64, sep=",")


def batch_rows_by_id(store: Store, ids: Sequence[int] | np.ndarray) -> list[tuple[Any, ...]]:
    """The rows (BATCH_PAGE_COLUMNS) of these batches, in no particular order; ids that
    no longer exist are left out. One statement per 500 ids."""
    columns = ", ".join(f"c.{c}" if c in (*STAGE_COLUMNS, "deployed_on") else f"b.{c}" for c in BATCH_PAGE_COLUMNS)
    found: list[tuple[Any, ...]] = []
    for start in range(0, len(ids), 500):
        chunk = [int(i) for i in ids[start : start + 500]]
        marks = ", ".join("?" * len(chunk))
        sql = f"SELECT {columns} FROM batches b JOIN batch_stage_counts c ON c.batch_id = b.id WHERE b.id IN ({marks})"
        with store._lock:
            found += store.conn.execute(sql, chunk).fetchall()
    return found


def interrupt(store: Store) -> None:
    """Stops the statement running on the store's connection (safe from another thread):
    it raises sqlite3.OperationalError('interrupted'). A newer selection cancels an older
    read this way instead of waiting for it."""
    store.conn.interrupt()
