"""Schema v3: running aggregates that make the summary, charts and batch table fast at fleet scale.

Kept exact by triggers in the same transaction as every write (the Store's, an import's,
a restore's: any INSERT/UPDATE/DELETE on batches or batch_events); store.bulk lifts the
row triggers and books a whole insert in a few set-wise statements instead.

- ``batch_stage_counts``: each batch's units per stage with all its events applied, and
  its latest deployment date: the batch table without replaying events.
- ``fleet_day_deltas`` (data center, model, day): the change in units per stage that day
  (+units ordered on a batch's order date, -source/+target on an event's date), plus the
  planned-curve step of the batches expected that day (active units, how many batches).
- ``fleet_model_days`` (day, model): the same summed over data centers (the fleet's curves;
  keyed by day first so the curve's GROUP BY day streams without a sort).
- ``fleet_year_deltas`` (data center, model, 'YYYY') and ``fleet_month_deltas`` (..., 'YYYY-MM'):
  the stage changes per year and per month, so an as-of summary sums whole years, the
  months of its year and the days of its month (~10,000 rows) instead of every day.

Everything is whole units; hash rate and power are units x the model's figures at read
time, so the aggregates stay exact over any number of writes and a model edit needs no
rewrite.

Since v8 the batch and event triggers book into ``fleet_day_deltas`` only, and its own
triggers add every change of a day row to the model, month and year tables (_cascade).
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (a start-up cost)
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

STAGE_COLUMNS = ("ordered", "in_transit", "on_site", "deployed", "retired", "cancelled")
PLAN_COLUMNS = ("planned_units", "planned_batches")
_ALL = (*STAGE_COLUMNS, *PLAN_COLUMNS)
_NO_STAGE = ", ".join("0" for _ in STAGE_COLUMNS)

# The change an event of kind ``k`` moving ``u`` units makes to each stage column
# (domain.stages._TRANSITIONS written as SQL).
_EVENT_DELTA = {
    "ordered": "CASE WHEN {k} IN ('shipped','cancelled') THEN -{u} ELSE 0 END",
    "in_transit": "CASE {k} WHEN 'shipped' THEN {u} WHEN 'delivered' THEN -{u} ELSE 0 END",
    "on_site": "CASE {k} WHEN 'delivered' THEN {u} WHEN 'deployed' THEN -{u} ELSE 0 END",
    "deployed": "CASE {k} WHEN 'deployed' THEN {u} WHEN 'retired' THEN -{u} ELSE 0 END",
    "retired": "CASE WHEN {k} = 'retired' THEN {u} ELSE 0 END",
    "cancelled": "CASE WHEN {k} = 'cancelled' THEN {u} ELSE 0 END",
}
LEAVES_PLAN = "('retired','cancelled')"  # events that take units out of the planned total


def event_delta(kind: str, units: str, sign: str = "") -> list[str]:
    """SQL expressions, one per stage column, for an event (``sign`` '-' takes it back)."""
    return [f"{sign}({_EVENT_DELTA[c].format(k=kind, u=units)})" for c in STAGE_COLUMNS]


def _pairs(kind: str, units: str, sign: str = "") -> list[tuple[str, str]]:
    return list(zip(STAGE_COLUMNS, event_delta(kind, units, sign), strict=True))


# -- booking: a "source" SELECT yields (site, model, day, 6 stage deltas, 2 plan deltas) rows

_SOURCE_NAMES = ("s", "m", "d", *(f"c{i}" for i in range(len(_ALL))))


def _named(*values: str) -> str:
    """The first SELECT of a source names its columns (a trigger body cannot use WITH)."""
    return ", ".join(f"{v} AS {n}" for v, n in zip(values, _SOURCE_NAMES, strict=True))


def _event_source(ref: str, sign: str = "") -> str:
    """Rows for one event from its NEW/OLD values (an AFTER DELETE trigger has no row left)."""
    stage = event_delta(f"{ref}.kind", f"{ref}.units", sign)
    plan_sign = "" if sign else "-"
    return (
        f"SELECT {_named('b.data_center_id', 'b.model_id', f'{ref}.occurred_on', *stage, '0', '0')} "
        f"FROM batches b WHERE b.id = {ref}.batch_id "
        f"UNION ALL SELECT b.data_center_id, b.model_id, b.expected_on, {_NO_STAGE}, {plan_sign}{ref}.units, 0 "
        f"FROM batches b WHERE b.id = {ref}.batch_id AND {ref}.kind IN {LEAVES_PLAN}"
    )


def _events_source(
    where: str, *, site: str = "b.data_center_id", model: str = "b.model_id", sign: str = "", with_plan: bool = True
) -> str:
    """Rows for the stored events ``e`` (joined to their batch ``b``) matching ``where``.

    ``with_plan`` False leaves out the plan steps: a batch move books its plan step whole.
    """
    stage = event_delta("e.kind", "e.units", sign)
    rows = (
        f"SELECT {_named(site, model, 'e.occurred_on', *stage, '0', '0')} "
        f"FROM batch_events e JOIN batches b ON b.id = e.batch_id WHERE {where}"
    )
    if with_plan:
        rows += (
            f" UNION ALL SELECT {site}, {model}, b.expected_on, {_NO_STAGE}, -e.units, 0 "
            f"FROM batch_events e JOIN batches b ON b.id = e.batch_id WHERE ({where}) AND e.kind IN {LEAVES_PLAN}"
        )
    return rows


def _batch_source(ref: str, sign: str = "", active: str | None = None, where: str = "") -> str:
    """Rows for batch row(s) ``ref`` (NEW/OLD, or the table): its order and its plan step."""
    units = active or f"{ref}.units"
    source = f" FROM batches {ref} WHERE {where}" if where else ""
    first = _named(f"{ref}.data_center_id", f"{ref}.model_id", f"{ref}.ordered_on", f"{sign}{ref}.units", *"0" * 7)
    return (
        f"SELECT {first}{source} "
        f"UNION ALL SELECT {ref}.data_center_id, {ref}.model_id, {ref}.expected_on, {_NO_STAGE}, "
        f"{sign}({units}), {sign}1{source}"
    )


def _upserts(source: str) -> list[str]:
    """Adds the source's rows into the three aggregate tables."""
    sums = ", ".join(f"SUM(c{i})" for i in range(len(_ALL)))
    stage_sums = ", ".join(f"SUM(c{i})" for i in range(len(STAGE_COLUMNS)))

    def add(columns: tuple[str, ...], table: str) -> str:
        # the existing row's column by its table's name: PostgreSQL finds a bare name ambiguous
        return ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in columns)

    return [
        f"""INSERT INTO fleet_day_deltas (data_center_id, model_id, day, {", ".join(_ALL)})
            SELECT s, m, d, {sums} FROM ({source}) AS src WHERE true GROUP BY s, m, d
            ON CONFLICT (data_center_id, model_id, day) DO UPDATE SET {add(_ALL, "fleet_day_deltas")}""",
        f"""INSERT INTO fleet_model_days (model_id, day, {", ".join(_ALL)})
            SELECT m, d, {sums} FROM ({source}) AS src WHERE true GROUP BY d, m
            ON CONFLICT (day, model_id) DO UPDATE SET {add(_ALL, "fleet_model_days")}""",
        f"""INSERT INTO fleet_month_deltas (data_center_id, model_id, month, {", ".join(STAGE_COLUMNS)})
            SELECT s, m, substr(d, 1, 7), {stage_sums} FROM ({source}) AS src WHERE true GROUP BY s, m, substr(d, 1, 7)
            ON CONFLICT (data_center_id, model_id, month) DO UPDATE SET {add(STAGE_COLUMNS, "fleet_month_deltas")}""",
        f"""INSERT INTO fleet_year_deltas (data_center_id, model_id, year, {", ".join(STAGE_COLUMNS)})
            SELECT s, m, substr(d, 1, 4), {stage_sums} FROM ({source}) AS src WHERE true GROUP BY s, m, substr(d, 1, 4)
            ON CONFLICT (data_center_id, model_id, year) DO UPDATE SET {add(STAGE_COLUMNS, "fleet_year_deltas")}""",
    ]


def _counts_update(ref: str, sign: str) -> str:
    sets = ", ".join(f"{c} = {c} + {d}" for c, d in _pairs(f"{ref}.kind", f"{ref}.units", sign))
    return f"UPDATE batch_stage_counts SET {sets}"


def _body(statements: list[str]) -> str:
    return "\n".join(f"        {s};" for s in statements)


def _int_columns(columns: tuple[str, ...]) -> str:
    return ", ".join(f"{c} INTEGER NOT NULL DEFAULT 0" for c in columns)


def _tables() -> list[str]:
    return [
        f"""CREATE TABLE batch_stage_counts (
            batch_id INTEGER PRIMARY KEY,
            {_int_columns(STAGE_COLUMNS)},
            deployed_on TEXT
        )""",
        f"""CREATE TABLE fleet_day_deltas (
            data_center_id INTEGER NOT NULL,
            model_id INTEGER NOT NULL,
            day TEXT NOT NULL,
            {_int_columns(_ALL)},
            PRIMARY KEY (data_center_id, model_id, day)
        ) WITHOUT ROWID""",
        f"""CREATE TABLE fleet_model_days (
            model_id INTEGER NOT NULL,
            day TEXT NOT NULL,
            {_int_columns(_ALL)},
            PRIMARY KEY (day, model_id)
        ) WITHOUT ROWID""",
        f"""CREATE TABLE fleet_month_deltas (
            data_center_id INTEGER NOT NULL,
            model_id INTEGER NOT NULL,
            month TEXT NOT NULL,
            {_int_columns(STAGE_COLUMNS)},
            PRIMARY KEY (data_center_id, model_id, month)
        ) WITHOUT ROWID""",
        f"""CREATE TABLE fleet_year_deltas (
            data_center_id INTEGER NOT NULL,
            model_id INTEGER NOT NULL,
            year TEXT NOT NULL,
            {_int_columns(STAGE_COLUMNS)},
            PRIMARY KEY (data_center_id, model_id, year)
        ) WITHOUT ROWID""",
        # The batch table pages through batches in order-date order (all sites, or one).
        "CREATE INDEX batches_by_order ON batches(ordered_on, id)",
        "CREATE INDEX batches_by_site_order ON batches(data_center_id, ordered_on, id)",
    ]


def _moved_events(ref: str, sign: str) -> str:
    return _events_source(
        f"e.batch_id = {ref}.id", site=f"{ref}.data_center_id", model=f"{ref}.model_id", sign=sign, with_plan=False
    )


def _left_plan(ref: str) -> str:
    return f"(SELECT COALESCE(SUM(units), 0) FROM batch_events WHERE batch_id = {ref}.id AND kind IN {LEAVES_PLAN})"


# Each trigger as (name, when it fires, the columns whose change it needs or (), its statements):
# SQLite's CREATE TRIGGER and PostgreSQL's trigger functions (store/pg/schema.py) are both made from these.
TriggerSpec = tuple[str, str, tuple[str, ...], list[str]]
_MOVE_COLUMNS = ("data_center_id", "model_id", "units", "ordered_on", "expected_on")


def _trigger_specs(book: Callable[[str], list[str]]) -> list[TriggerSpec]:
    """The row triggers of batches and events; ``book`` makes the statements that add a
    source's rows into the aggregates (v3: all four tables; v8: the day table, see _cascade)."""
    return [
        ("fleet_event_added", "AFTER INSERT ON batch_events", (), [
            *book(_event_source("NEW")),
            f"""{_counts_update("NEW", "")},
                deployed_on = CASE WHEN NEW.kind = 'deployed' AND (deployed_on IS NULL OR NEW.occurred_on > deployed_on)
                    THEN NEW.occurred_on ELSE deployed_on END
                WHERE batch_id = NEW.batch_id""",
        ]),
        ("fleet_event_removed", "AFTER DELETE ON batch_events", (), [
            *book(_event_source("OLD", "-")),
            f"""{_counts_update("OLD", "-")},
                deployed_on = CASE WHEN OLD.kind = 'deployed' THEN (SELECT MAX(occurred_on) FROM batch_events
                    WHERE batch_id = OLD.batch_id AND kind = 'deployed') ELSE deployed_on END
                WHERE batch_id = OLD.batch_id""",
        ]),
        # An event's fields never change in place (edits are delete + insert); be exact if one does.
        ("fleet_event_changed", "AFTER UPDATE OF batch_id, kind, units, occurred_on ON batch_events", (), [
            *book(_event_source("OLD", "-")),
            f"{_counts_update('OLD', '-')} WHERE batch_id = OLD.batch_id",
            *book(_event_source("NEW")),
            f"{_counts_update('NEW', '')} WHERE batch_id = NEW.batch_id",
            """UPDATE batch_stage_counts SET deployed_on = (SELECT MAX(occurred_on) FROM batch_events
                WHERE batch_id = batch_stage_counts.batch_id AND kind = 'deployed')
                WHERE batch_id IN (OLD.batch_id, NEW.batch_id)""",
        ]),
        ("fleet_batch_added", "AFTER INSERT ON batches", (), [
            "INSERT INTO batch_stage_counts (batch_id, ordered) VALUES (NEW.id, NEW.units)",
            *book(_batch_source("NEW")),
        ]),
        # BEFORE: the events go first (their trigger books them out while the batch still says
        # where they count); then the batch's order and its whole plan step come out.
        ("fleet_batch_removed", "BEFORE DELETE ON batches", (), [
            "DELETE FROM batch_events WHERE batch_id = OLD.id",
            *book(_batch_source("OLD", "-")),
            "DELETE FROM batch_stage_counts WHERE batch_id = OLD.id",
        ]),
        # A batch edit that moves it (site, model, units, dates): book all of it out and back in.
        ("fleet_batch_changed", f"AFTER UPDATE OF {', '.join(_MOVE_COLUMNS)} ON batches", _MOVE_COLUMNS, [
            *book(_batch_source("OLD", "-", active=f"OLD.units - {_left_plan('OLD')}")),
            *book(_moved_events("OLD", "-")),
            *book(_batch_source("NEW", "", active=f"NEW.units - {_left_plan('NEW')}")),
            *book(_moved_events("NEW", "")),
            "UPDATE batch_stage_counts SET ordered = ordered + NEW.units - OLD.units WHERE batch_id = NEW.id",
        ]),
    ]  # fmt: skip


def _day_upsert(source: str) -> list[str]:
    return _upserts(source)[:1]


def _day_row(ref: str, sign: str = "") -> str:
    """A day row (NEW/OLD) as a source row: (s, m, d, c0..c7)."""
    columns = ", ".join(f"{sign}{ref}.{c} AS c{i}" for i, c in enumerate(_ALL))
    return f"SELECT {ref}.data_center_id AS s, {ref}.model_id AS m, {ref}.day AS d, {columns}"


def _cascade() -> list[TriggerSpec]:
    """v8: whatever changes a day row adds the change to the three coarser tables.

    Each batch and event trigger then books into the day table only: its source (a join of
    the batch and its events) is written once instead of four times, and the triggers' SQL,
    which SQLite parses on every connection's first statement, went from 64 KB to ~20 KB
    (17M -> ~6M instructions: a tenth of a `summary` call, #13). The coarser tables stay
    sums of the day table for any writer, as the four upserts kept them."""
    return [
        ("fleet_day_added", "AFTER INSERT ON fleet_day_deltas", (), _day_rolled_up("NEW")),
        # (a day row's key never changes, upserts add to it; should one change, be exact anyway)
        ("fleet_day_changed", "AFTER UPDATE ON fleet_day_deltas", (),
         _upserts(f"{_day_row('OLD', '-')} UNION ALL {_day_row('NEW')}")[1:]),
        ("fleet_day_removed", "AFTER DELETE ON fleet_day_deltas", (), _day_rolled_up("OLD", "-")),
    ]  # fmt: skip


def _day_rolled_up(ref: str, sign: str = "") -> list[str]:
    """A day row (NEW/OLD) added (sign '-': taken out) into the three coarser tables."""

    def upsert(table: str, key: tuple[str, ...], at: str, columns: tuple[str, ...]) -> str:
        values = ", ".join(f"{sign}{ref}.{c}" for c in columns)
        adds = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in columns)
        return (
            f"INSERT INTO {table} ({', '.join(key)}, {', '.join(columns)}) VALUES ({at}, {values}) "
            f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET {adds}"
        )

    site_model = ("data_center_id", "model_id")
    return [
        upsert("fleet_model_days", ("day", "model_id"), f"{ref}.day, {ref}.model_id", _ALL),
        upsert("fleet_month_deltas", (*site_model, "month"), f"{ref}.data_center_id, {ref}.model_id, "
               f"substr({ref}.day, 1, 7)", STAGE_COLUMNS),
        upsert("fleet_year_deltas", (*site_model, "year"), f"{ref}.data_center_id, {ref}.model_id, "
               f"substr({ref}.day, 1, 4)", STAGE_COLUMNS),
    ]  # fmt: skip


CASCADE_TRIGGERS = ("fleet_day_added", "fleet_day_changed", "fleet_day_removed")


def sqlite_trigger(spec: TriggerSpec) -> str:
    name, event, changed, statements = spec
    when = ""
    if changed:
        when = "\n        WHEN " + " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in changed)
    return f"CREATE TRIGGER {name} {event}{when}\n    BEGIN\n{_body(statements)}\n    END"


def trigger(name: str) -> str:
    """The CREATE TRIGGER statement of one trigger (store.bulk lifts and restores them): the
    aggregates' or the report totals'."""
    from desktop.store import report_totals

    return next(t for t in (*_schema()["TRIGGERS"], *report_totals.TRIGGERS) if t.split()[2] == name)


_BOOKING = "temp.fleet_booking"
_BOOKING_COLUMNS = "s INTEGER, m INTEGER, d TEXT, " + ", ".join(f"c{i} INTEGER" for i in range(len(_ALL)))


def _via_booking_table(source: str) -> list[str]:
    """Runs ``source`` once into a temp table (grouped by site, model, day), then upserts from it.

    A bulk source joins every new row to its batch; running it once instead of once per
    aggregate table, and upserting in primary-key order, makes the booking ~3x cheaper.
    """
    sums = ", ".join(f"SUM(c{i})" for i in range(len(_ALL)))
    return [
        f"CREATE TEMP TABLE IF NOT EXISTS fleet_booking ({_BOOKING_COLUMNS})",
        f"DELETE FROM {_BOOKING}",
        f"INSERT INTO {_BOOKING} SELECT s, m, d, {sums} FROM ({source}) AS src GROUP BY s, m, d",
        *_upserts(f"SELECT * FROM {_BOOKING}"),
        f"DELETE FROM {_BOOKING}",
    ]


def book_new_events() -> list[str]:
    """Statements (param: the largest event id before) booking events set-wise (the v3 backfill)."""
    per_batch = ", ".join(f"SUM({d})" for d in event_delta("kind", "units"))
    adds = ", ".join(f"{c} = batch_stage_counts.{c} + excluded.{c}" for c in STAGE_COLUMNS)
    return [
        f"""INSERT INTO batch_stage_counts (batch_id, {", ".join(STAGE_COLUMNS)}, deployed_on)
            SELECT batch_id, {per_batch}, MAX(CASE WHEN kind = 'deployed' THEN occurred_on END)
            FROM batch_events WHERE id > ?1 GROUP BY batch_id
            ON CONFLICT (batch_id) DO UPDATE SET {adds},
                deployed_on = CASE WHEN excluded.deployed_on IS NOT NULL
                    AND (batch_stage_counts.deployed_on IS NULL
                         OR excluded.deployed_on > batch_stage_counts.deployed_on)
                    THEN excluded.deployed_on ELSE batch_stage_counts.deployed_on END""",
        *_via_booking_table(_events_source("e.id > ?1")),
    ]


def _backfill() -> list[str]:
    """Aggregates of the rows already there (a v2 file upgrading), booked set-wise."""
    return [
        "INSERT INTO batch_stage_counts (batch_id, ordered) SELECT id, units FROM batches WHERE true",
        *[s.replace("?1", "0") for s in book_new_events()],
        *_upserts(_batch_source("nb", where="true")),
    ]


# The schema's statements are made from the specs above on first use (~100 KB of SQL text,
# ~1 ms): the command line imports this module for the stage columns and event_delta, and a
# call that migrates nothing and lifts no trigger never needs them.
_made: dict[str, list[Any]] = {}


def _schema() -> dict[str, list[Any]]:
    if not _made:
        tables, v3_specs = _tables(), _trigger_specs(_upserts)
        specs = [*_trigger_specs(_day_upsert), *_cascade()]
        triggers = [sqlite_trigger(spec) for spec in specs]
        v3 = [*tables, *_backfill(), *(sqlite_trigger(spec) for spec in v3_specs)]
        # v8 drops v3's triggers and makes them again: each books into the day table, which cascades
        v8 = [*(f"DROP TRIGGER IF EXISTS {spec[0]}" for spec in v3_specs), *triggers]
        _made.update(
            TABLES=tables, V3_TRIGGER_SPECS=v3_specs, TRIGGER_SPECS=specs, TRIGGERS=triggers,
            V3_FLEET_AGGREGATES=v3, V8_DAY_CASCADE=v8,
        )  # fmt: skip
    return _made


def __getattr__(name: str) -> list[Any]:
    if name in ("TABLES", "V3_TRIGGER_SPECS", "TRIGGER_SPECS", "TRIGGERS", "V3_FLEET_AGGREGATES", "V8_DAY_CASCADE"):
        return _schema()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


if TYPE_CHECKING:
    TABLES: list[str]
    V3_TRIGGER_SPECS: list[TriggerSpec]  # as v3 made them (a v2 file upgrading goes through v3, then v8)
    TRIGGER_SPECS: list[TriggerSpec]  # today's
    TRIGGERS: list[str]
    V3_FLEET_AGGREGATES: list[str]
    V8_DAY_CASCADE: list[str]
