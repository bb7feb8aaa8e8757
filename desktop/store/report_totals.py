"""Schema v6: the report's running totals per supplier and site, kept by triggers.

``supplier_site_totals`` holds, per (supplier, data center), what the report's capex and
delivery slip sum over every batch: the miners' cost (units not cancelled x unit price,
whatever the dates), and over the batches with a deployment, how many, their days late
(latest deployment minus expected date) and how many were late. A figure as of today is
then a read of a few hundred rows; as of an earlier date it is that, less what was ordered,
cancelled or deployed after it (site_money.py reads those ranges by their date indexes).
Before: ~120 ms for the slip and ~50 ms for the capex over 100,000 batches on every
``summary --json`` (#13).

A batch's share depends on its row (supplier, site, expected date, units, unit price) and
its batch_stage_counts row (units cancelled, latest deployment), so the triggers watch
those two rows: whoever changes them (the Store, a bulk import's booking, an undo, a
batch's delete through its own trigger) keeps the totals. They are not lifted by
store.bulk: they fire once per batch written, not once per event.
"""

from __future__ import annotations

from desktop.store.aggregates import TriggerSpec, sqlite_trigger

_COLUMNS = ("miner_capex_cents", "deployed_batches", "days_late", "late_batches")


def _share(batch: str, counts: str, sign: str = "") -> list[str]:
    """One batch's share of each total, as SQL over its row ``batch`` and its counts row ``counts``."""
    deployed = f"{counts}.deployed_on"
    return [
        f"{sign}({batch}.units - {counts}.cancelled) * {batch}.unit_price_cents",
        f"{sign}(CASE WHEN {deployed} IS NULL THEN 0 ELSE 1 END)",
        f"{sign}COALESCE(CAST(julianday({deployed}) - julianday({batch}.expected_on) AS INTEGER), 0)",
        f"{sign}(CASE WHEN {deployed} > {batch}.expected_on THEN 1 ELSE 0 END)",
    ]


def _add(batch: str, counts: str, source: str, sign: str = "") -> str:
    """Adds (sign '-': takes out) the share of the batch ``source`` finds to its totals row."""
    shares = ", ".join(_share(batch, counts, sign))
    adds = ", ".join(f"{c} = supplier_site_totals.{c} + excluded.{c}" for c in _COLUMNS)  # (bare: ambiguous)
    return (
        f"INSERT INTO supplier_site_totals (supplier, data_center_id, {', '.join(_COLUMNS)}) "
        f"SELECT {batch}.supplier, {batch}.data_center_id, {shares} {source} "
        f"ON CONFLICT (supplier, data_center_id) DO UPDATE SET {adds}"
    )


def _counts_side(ref: str, sign: str = "") -> str:
    """A counts row ``ref`` (NEW/OLD of batch_stage_counts) with its batch as it is now."""
    return _add("b", ref, f"FROM batches b WHERE b.id = {ref}.batch_id", sign)


def _batch_side(ref: str, sign: str = "") -> str:
    """A batch row ``ref`` (NEW/OLD of batches) with its counts as they are now."""
    return _add(ref, "c", f"FROM batch_stage_counts c WHERE c.batch_id = {ref}.id", sign)


_BATCH_FIELDS = ("supplier", "data_center_id", "expected_on", "units", "unit_price_cents")

TABLE = """CREATE TABLE supplier_site_totals (
        supplier TEXT NOT NULL,
        data_center_id INTEGER NOT NULL,
        miner_capex_cents INTEGER NOT NULL DEFAULT 0,
        deployed_batches INTEGER NOT NULL DEFAULT 0,
        days_late INTEGER NOT NULL DEFAULT 0,
        late_batches INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (supplier, data_center_id)
    ) WITHOUT ROWID"""

# The totals of the batches already there, set-wise (the migration; tests rebuild with it).
BACKFILL = f"""INSERT INTO supplier_site_totals (supplier, data_center_id, {", ".join(_COLUMNS)})
    SELECT b.supplier, b.data_center_id, {", ".join(f"SUM({s})" for s in _share("b", "c"))}
    FROM batches b JOIN batch_stage_counts c ON c.batch_id = b.id GROUP BY b.supplier, b.data_center_id"""

# (name, when it fires, the columns whose change it needs, its statements): SQLite's triggers
# below and PostgreSQL's trigger functions (store/pg/schema.py) are both made from these.
TRIGGER_SPECS: list[TriggerSpec] = [
    ("report_totals_counts_added", "AFTER INSERT ON batch_stage_counts", (), [_counts_side("NEW")]),
    ("report_totals_counts_removed", "AFTER DELETE ON batch_stage_counts", (), [_counts_side("OLD", "-")]),
    (
        "report_totals_counts_changed",
        "AFTER UPDATE OF cancelled, deployed_on ON batch_stage_counts",
        ("cancelled", "deployed_on"),
        [_counts_side("OLD", "-"), _counts_side("NEW")],
    ),
    (
        "report_totals_batch_changed",
        f"AFTER UPDATE OF {', '.join(_BATCH_FIELDS)} ON batches",
        _BATCH_FIELDS,
        [_batch_side("OLD", "-"), _batch_side("NEW")],
    ),
]
TRIGGERS = [sqlite_trigger(spec) for spec in TRIGGER_SPECS]
TRIGGER_NAMES = tuple(spec[0] for spec in TRIGGER_SPECS)
# Every total again from the batches and their counts: after a write that lifted the triggers
# (a whole-database copy; a bulk write on PostgreSQL, whose triggers would update these few
# rows once a batch, each update a new row version the next must step over: 100,000 imported
# batches took 389 s in them).
REBUILD = ["DELETE FROM supplier_site_totals", BACKFILL]

V6_REPORT_TOTALS: list[str] = [
    TABLE,
    BACKFILL,
    *TRIGGERS,
    # v5's covering index for summing every order's cost up to a date: the totals replace that
    # sum, and the orders after a date (few) come by batches_by_order. One index less that
    # every batch insert lands in at a random place (an import into a big fleet, #13).
    "DROP INDEX batches_capex",
]
