"""PostgreSQL's migration list: the same numbered versions as SQLite's, written for the server.

Each SQLite migration's tables and indexes are taken as they are, with PostgreSQL's types
(64-bit integers, doubles, text compared byte by byte), ``id INTEGER PRIMARY KEY`` as an
identity column and no WITHOUT ROWID. What SQLite does differently is written here: the
aggregate triggers become PL/pgSQL functions (from aggregates.TRIGGER_SPECS, the same
statements SQLite's triggers run), the v3 backfill is left out (a server database starts
empty), and version 1 also creates the functions SQLite has built in and the change signal.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from desktop.store import aggregates, migrations
from desktop.store.pg.sql_dialect import ddl_types

_IDENTITY = re.compile(r"\bid\s+INTEGER\s+PRIMARY\s+KEY\b", re.I)
_WITHOUT_ROWID = re.compile(r"\)\s*WITHOUT\s+ROWID\s*$", re.I)
CHANGES_CHANNEL = "hashplan_changes"
# Tables whose changes the windows follow (every user action also writes an audit row).
WATCHED_TABLES = (
    "audit", "data_centers", "miner_models", "batches", "batch_events", "targets",
    "site_networks", "miners", "miner_readings", "site_rollups", "site_investments", "electricity_prices",
)  # fmt: skip

# The functions the store's SQL calls that PostgreSQL does not have, with SQLite's results.
FUNCTIONS = [
    # Of a 'YYYY-MM-DD' date (what the store passes it). Immutable all through, so the planner
    # inlines it: a text-to-timestamp cast is only stable, and kept it a function call a row.
    """CREATE OR REPLACE FUNCTION julianday(day text) RETURNS double precision
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
        SELECT ((make_date(substr(day, 1, 4)::int, substr(day, 6, 2)::int, substr(day, 9, 2)::int)
                 - DATE '1970-01-01') + 2440587.5)::double precision $$""",
    """CREATE OR REPLACE FUNCTION instr(haystack text, needle text) RETURNS bigint
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT strpos(haystack, needle)::bigint $$""",
    # Python's str.casefold (batch_selection._casefold): lower() in the database's own locale (the
    # columns compare as "C", which would lower ASCII only), plus the folds lower() does not make.
    """CREATE OR REPLACE FUNCTION hp_casefold(t text) RETURNS text
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
        SELECT translate(replace(replace(replace(replace(replace(lower(t COLLATE "default"),
            'ß', 'ss'), 'ﬀ', 'ff'), 'ﬁ', 'fi'), 'ﬂ', 'fl'), 'ﬆ', 'st'), 'ς', 'σ') $$""",
    # Digit runs written with their length first ("s9" sorts before "s21"): batch_selection._natural.
    """CREATE OR REPLACE FUNCTION hp_natural(t text) RETURNS text
        LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
        DECLARE
            result text := '';
            rest text := hp_casefold(t);
            part text[];
            digits text;
        BEGIN
            LOOP
                part := regexp_match(rest, '^([^0-9]*)([0-9]+)(.*)$', 's');  -- rest: already casefolded
                EXIT WHEN part IS NULL;
                digits := COALESCE(NULLIF(ltrim(part[2], '0'), ''), '0');
                result := result || part[1] || lpad(length(digits)::text, 3, '0') || digits;
                rest := part[3];
            END LOOP;
            RETURN result || rest;
        END $$""",
    """CREATE OR REPLACE FUNCTION hp_concat_step(acc text, value anyelement, sep text) RETURNS text
        LANGUAGE sql IMMUTABLE PARALLEL SAFE
        AS $$ SELECT CASE WHEN value IS NULL THEN acc WHEN acc IS NULL THEN value::text
                          ELSE acc || sep || value::text END $$""",
    "CREATE OR REPLACE AGGREGATE group_concat(anyelement, text) (SFUNC = hp_concat_step, STYPE = text)",
    # The audit's JSON read as SQLite's json_extract reads it, for the numbers the store looks up
    # ('$.batch_id': an event's batch); anything else is NULL.
    """CREATE OR REPLACE FUNCTION json_extract(doc text, path text) RETURNS bigint
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
        SELECT CASE WHEN jsonb_typeof(v) = 'number' THEN (v #>> '{}')::numeric::bigint END
        FROM (SELECT doc::jsonb #> string_to_array(substr(path, 3), '.') AS v) AS found $$""",
    # SQLite's booleans are 0 and 1, so its SUM and MAX take comparisons: give the server the same.
    """CREATE OR REPLACE FUNCTION hp_bool_add(acc bigint, value boolean) RETURNS bigint
        LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT acc + CASE WHEN value THEN 1 ELSE 0 END $$""",
    "CREATE OR REPLACE AGGREGATE sum(boolean) (SFUNC = hp_bool_add, STYPE = bigint, INITCOND = '0')",
    """CREATE OR REPLACE FUNCTION hp_bool_max(acc bigint, value boolean) RETURNS bigint
        LANGUAGE sql IMMUTABLE PARALLEL SAFE
        AS $$ SELECT CASE WHEN value IS NULL THEN acc ELSE GREATEST(COALESCE(acc, 0), value::int) END $$""",
    "CREATE OR REPLACE AGGREGATE max(boolean) (SFUNC = hp_bool_max, STYPE = bigint)",
    # Every commit that changed data tells the listening windows (NOTIFY is sent at commit,
    # once per transaction for the same payload).
    f"""CREATE OR REPLACE FUNCTION hashplan_notify() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN PERFORM pg_notify('{CHANGES_CHANNEL}', ''); RETURN NULL; END $$""",
]


def _table_ddl(statement: str) -> str:
    if re.match(r"\s*(CREATE\s+TABLE|ALTER\s+TABLE)", statement, re.I):
        statement = _IDENTITY.sub("id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY", statement)
        statement = _WITHOUT_ROWID.sub(")", statement.rstrip())
        return ddl_types(statement)
    return statement


def _schema_only(migration: list[str]) -> list[str]:
    """A SQLite migration's DDL (tables, indexes) for the server: data statements are left out."""
    return [_table_ddl(s) for s in migration if re.match(r"\s*(CREATE|ALTER)\s+(TABLE|INDEX|UNIQUE)", s, re.I)]


def trigger_function(spec: aggregates.TriggerSpec) -> list[str]:
    """One aggregate trigger as a PL/pgSQL function and its trigger."""
    name, event, changed, statements = spec
    body = ";\n            ".join(statements)
    returned = "OLD" if event.upper().startswith("BEFORE DELETE") else "NULL"
    # Lifted for a bulk write by a transaction-local setting (PgStore.lift_row_triggers): no DDL,
    # so no lock on the table and nothing another client could see. Tested in the trigger's
    # WHEN, so a lifted trigger costs an expression a row, not a PL/pgSQL call (300,000 rows: 4 s).
    when = f" WHEN (current_setting('hashplan.lift_{name}', true) IS DISTINCT FROM 'on'"
    if changed:
        when += " AND (" + " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in changed) + ")"
    when += ")"
    return [
        f"""CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $fn$
        BEGIN
            {body};
            RETURN {returned};
        END $fn$""",
        f"CREATE TRIGGER {name} {event} FOR EACH ROW{when} EXECUTE FUNCTION {name}()",
    ]


def _v1() -> list[str]:
    base = migrations.MIGRATIONS[0]
    assert isinstance(base, list)
    return [*FUNCTIONS, *_schema_only(base)]


# PostgreSQL reads the summary's range of days through an index of its own (SQLite skips
# through the key's leading columns; the server scanned all 600,000 rows: 90 -> 20 ms of a
# summary on the 1M-event fleet). It costs an import about 3 s a 100,000 rows; the months
# (43,000 rows, 11 ms to scan) do without one.
_V3_SERVER_INDEXES = [
    "CREATE INDEX fleet_day_deltas_by_day ON fleet_day_deltas (day, data_center_id, model_id)",
]


def _v3() -> list[str]:
    statements = _schema_only(aggregates.TABLES) + _V3_SERVER_INDEXES
    for spec in aggregates.V3_TRIGGER_SPECS:
        statements += trigger_function(spec)
    return statements


def _v8() -> list[str]:
    """Today's aggregate triggers in place of v3's (aggregates._cascade): each function replaced,
    each trigger made again (its table or its firing may differ)."""
    statements = []
    for spec in aggregates.TRIGGER_SPECS:
        table = spec[1].split()[-1]
        statements += [f"DROP TRIGGER IF EXISTS {spec[0]} ON {table}", *trigger_function(spec)]
    return statements


def _v6() -> list[str]:
    """The report's totals (report_totals.py): the table, its backfill (a server database at v5
    may hold batches), its triggers as functions, and v6's dropped index."""
    from desktop.store import report_totals

    statements = [_table_ddl(report_totals.TABLE), report_totals.BACKFILL, "DROP INDEX IF EXISTS batches_capex"]
    for spec in report_totals.TRIGGER_SPECS:
        statements += trigger_function(spec)
    return statements


def _plain(number: int) -> Callable[[], list[str]]:
    def build() -> list[str]:
        migration = migrations.MIGRATIONS[number - 1]
        if not isinstance(migration, list):
            raise TypeError(f"SQLite migration {number} is code: write its PostgreSQL version in pg/schema.py")
        return _schema_only(migration)

    return build


def _notify_triggers() -> list[str]:
    return [
        f"CREATE OR REPLACE TRIGGER {table}_notify AFTER INSERT OR UPDATE OR DELETE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION hashplan_notify()"
        for table in WATCHED_TABLES
    ]


# Version n here is version n of SQLite's list (migrations.MIGRATIONS): the same schema, so a
# copy between the two is table for table.
_BUILDERS: dict[int, Callable[[], list[str]]] = {1: _v1, 3: _v3, 6: _v6, 8: _v8}


def migration(number: int) -> list[str]:
    """The statements that bring a server database from version ``number - 1`` to ``number``."""
    return _BUILDERS.get(number, _plain(number))()


def signal_statements() -> list[str]:
    """The NOTIFY triggers on every watched table that exists (run after migrating)."""
    return _notify_triggers()
