"""Numbered schema migrations, applied in order on open, each in its own transaction.

A migration is a list of SQL statements (no executescript: it would commit the open
transaction), or a function of a ``sqlite_utils.Database`` wrapping the same connection:
``table.create`` for new tables, ``table.transform()`` for the changes SQLite's ALTER TABLE
cannot do (change a column's type, drop a NOT NULL, reorder). Either runs inside the
migration's transaction (sqlite-utils nests its writes as savepoints). Never edit a
migration that has shipped: add a new one.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (a start-up cost)
if TYPE_CHECKING:
    import sqlite_utils

    Migration = list[str] | Callable[[sqlite_utils.Database], None]

APPLICATION_ID = 0x48415348  # "HASH": marks a file as Hashplan's

_V1_BASE = [
    """CREATE TABLE data_centers (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        name_key TEXT NOT NULL UNIQUE,
        country TEXT NOT NULL DEFAULT '',
        capacity_mw REAL CHECK (capacity_mw IS NULL OR capacity_mw >= 0),
        notes TEXT NOT NULL DEFAULT ''
    )""",
    """CREATE TABLE miner_models (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        name_key TEXT NOT NULL UNIQUE,
        vendor TEXT NOT NULL DEFAULT '',
        ths REAL NOT NULL CHECK (ths > 0),
        watts REAL NOT NULL CHECK (watts > 0)
    )""",
    """CREATE TABLE batches (
        id INTEGER PRIMARY KEY,
        data_center_id INTEGER NOT NULL REFERENCES data_centers(id),
        model_id INTEGER NOT NULL REFERENCES miner_models(id),
        units INTEGER NOT NULL CHECK (units > 0),
        ordered_on TEXT NOT NULL,
        expected_on TEXT NOT NULL,
        unit_price_cents INTEGER NOT NULL DEFAULT 0 CHECK (unit_price_cents >= 0),
        supplier TEXT NOT NULL DEFAULT '',
        notes TEXT NOT NULL DEFAULT ''
    )""",
    "CREATE INDEX batches_by_site ON batches(data_center_id, expected_on)",
    "CREATE INDEX batches_by_model ON batches(model_id)",
    """CREATE TABLE batch_events (
        id INTEGER PRIMARY KEY,
        batch_id INTEGER NOT NULL REFERENCES batches(id) ON DELETE CASCADE,
        kind TEXT NOT NULL
            CHECK (kind IN ('shipped','delivered','deployed','retired','cancelled')),
        units INTEGER NOT NULL CHECK (units > 0),
        occurred_on TEXT NOT NULL,
        note TEXT NOT NULL DEFAULT ''
    )""",
    "CREATE INDEX events_by_batch ON batch_events(batch_id, occurred_on)",
    "CREATE INDEX events_by_date ON batch_events(occurred_on, kind)",
    """CREATE TABLE audit (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        action TEXT NOT NULL,
        entity TEXT NOT NULL,
        entity_id INTEGER,
        before TEXT,
        after TEXT
    )""",
    "CREATE INDEX audit_by_entity ON audit(entity, entity_id)",
]

# Targets are goals per site (or company-wide, site NULL); row versions let an edit
# detect that another window changed the record since it was read.
_V2_TARGETS_AND_ROW_VERSIONS = [
    """CREATE TABLE targets (
        id INTEGER PRIMARY KEY,
        data_center_id INTEGER REFERENCES data_centers(id) ON DELETE CASCADE,
        ths REAL NOT NULL CHECK (ths > 0),
        due_on TEXT NOT NULL,
        note TEXT NOT NULL DEFAULT ''
    )""",
    "ALTER TABLE data_centers ADD COLUMN version INTEGER NOT NULL DEFAULT 1",
    "ALTER TABLE batches ADD COLUMN version INTEGER NOT NULL DEFAULT 1",
]

# The monthly report's money (site_money.py): a site's facility investment (one figure and
# its date) and its electricity prices, each in force from a date until the next one.
# Tables of their own, so the data_centers row and its versioning stay as they were.
_V4_SITE_MONEY = [
    """CREATE TABLE site_investments (
        data_center_id INTEGER PRIMARY KEY REFERENCES data_centers(id) ON DELETE CASCADE,
        capex_cents INTEGER NOT NULL CHECK (capex_cents >= 0),
        invested_on TEXT NOT NULL
    )""",
    """CREATE TABLE electricity_prices (
        id INTEGER PRIMARY KEY,
        data_center_id INTEGER NOT NULL REFERENCES data_centers(id) ON DELETE CASCADE,
        usd_per_kwh REAL NOT NULL CHECK (usd_per_kwh >= 0),
        from_on TEXT NOT NULL,
        UNIQUE (data_center_id, from_on)
    )""",
    # capex as of a date: the cost of batches ordered by then (a covering range of this index,
    # not the batch rows with their notes), less the units cancelled by then (these events only)
    "CREATE INDEX batches_capex ON batches(ordered_on, data_center_id, units, unit_price_cents)",
    "CREATE INDEX events_cancelled_by_date ON batch_events(occurred_on) WHERE kind = 'cancelled'",
]

# Running aggregates kept by triggers (see aggregates.py): summary and charts at fleet scale.
# v4: measured hash rate (site networks, miners, latest readings, rollups; measured_schema.py).
# v5: the report's site money (facility investment, electricity prices).
# v6: the report's totals per supplier and site, kept by triggers; drops batches_capex (report_totals.py).
# v7: the schema version in the file's header too (PRAGMA user_version, which migrate() sets
# with every version from now on): opening a file reads it from the header (header_version),
# not from the schema_version table, whose first read makes SQLite parse the whole schema.
_V7_VERSION_IN_HEADER: list[str] = []
# v8: the batch and event triggers book into the day table only, whose own triggers add each
# change to the model, month and year tables (aggregates._cascade): a third of the SQL text
# SQLite parses on every connection's first statement.


def _all_migrations() -> list[Migration]:
    from desktop.store.aggregates import V3_FLEET_AGGREGATES, V8_DAY_CASCADE
    from desktop.store.measured_schema import V4_MEASURED
    from desktop.store.report_totals import V6_REPORT_TOTALS

    return [
        _V1_BASE, _V2_TARGETS_AND_ROW_VERSIONS, V3_FLEET_AGGREGATES, V4_MEASURED, _V4_SITE_MONEY, V6_REPORT_TOTALS,
        _V7_VERSION_IN_HEADER, V8_DAY_CASCADE,
    ]  # fmt: skip


CURRENT_VERSION = 8  # len(MIGRATIONS) (tests/unit/test_migrations.py), known without building them


def __getattr__(name: str) -> list[Migration]:
    # MIGRATIONS is built on first use: v3 and v6 are SQL made from specs (aggregates.py,
    # report_totals.py), which an open that migrates nothing need not make.
    if name == "MIGRATIONS":
        made = globals()["MIGRATIONS"] = _all_migrations()
        return made
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _migrations() -> list[Migration]:
    """MIGRATIONS (as a test may have replaced it)."""
    found: list[Migration] = globals().get("MIGRATIONS") or __getattr__("MIGRATIONS")
    return found


if TYPE_CHECKING:
    MIGRATIONS: list[Migration]


def _apply(db: sqlite_utils.Database, migration: Migration) -> None:
    if callable(migration):
        migration(db)
        return
    for statement in migration:
        db.conn.execute(statement)


def schema_version(conn: sqlite3.Connection) -> int:
    # Plain SQL here and below: these run on every open, which need not import sqlite-utils.
    has_table = conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='schema_version'").fetchone()
    if not has_table:
        return 0
    row = conn.execute("SELECT MAX(version) FROM schema_version").fetchone()
    return int(row[0] or 0)


def header_version(conn: sqlite3.Connection) -> int:
    """The schema version the file's header records (``PRAGMA user_version``, which every
    migration sets since v7); 0 for a header that is not Hashplan's or predates v7. Reads the
    header only, not the schema (SQLite parses all of it for the first SELECT)."""
    if application_id(conn) != APPLICATION_ID:
        return 0
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def user_table_count(conn: sqlite3.Connection) -> int:
    row = conn.execute("SELECT COUNT(*) FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'").fetchone()
    return int(row[0])


def application_id(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA application_id").fetchone()[0])


def migrate(conn: sqlite3.Connection, now: str, up_to: int = CURRENT_VERSION) -> int:
    """Apply the missing migrations up to ``up_to``; returns the version reached.

    Each migration commits with its version row, so a crash between two leaves a
    file at a known version. The connection must be in autocommit mode.
    """
    version = schema_version(conn)
    if version >= up_to:
        return version
    import sqlite_utils  # only when there is something to migrate: new files and upgrades

    db = sqlite_utils.Database(conn, recursive_triggers=False, execute_plugins=False)
    for number in range(version + 1, up_to + 1):
        conn.execute("BEGIN IMMEDIATE")
        try:
            if number == 1:
                db.table("schema_version").create({"version": int, "applied_at": str}, pk="version")
                conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            _apply(db, _migrations()[number - 1])
            db.table("schema_version").insert({"version": number, "applied_at": now})
            conn.execute(f"PRAGMA user_version = {number}")  # the header says it too: header_version
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        version = number
    return version
