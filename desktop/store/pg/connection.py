"""A psycopg 3 connection with the face of the sqlite3 one the store is written against.

``execute`` / ``executemany`` take the store's SQL (sql_dialect.py rewrites it), return a
cursor with ``fetchone``, ``fetchall``, ``description`` and iteration, and raise the
sqlite3 exception classes the store already handles (IntegrityError for a constraint,
OperationalError for a lost server or a cancel), so Store.write's all-or-nothing and its
messages hold for both backends. Autocommit mode: the store's own BEGIN / COMMIT frame
each action, as on SQLite with ``isolation_level=None``.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import psycopg
from psycopg import errors as pg_errors
from psycopg.adapt import Dumper, Loader
from psycopg.pq import TransactionStatus

from desktop.store.pg.sql_dialect import parameters, translate

_EXPLICIT_ID = re.compile(r"\s*INSERT\s+INTO\s+(\w+)\s*\(\s*id\s*,", re.I)
# An upsert of many rows: COPY into a scratch table, then one INSERT ... SELECT ... ON CONFLICT.
_UPSERT = re.compile(
    r"\s*INSERT\s+INTO\s+(\w+)\s*\(([\w\s,]+)\)\s*VALUES\s*\(\s*\?(?:\s*,\s*\?)*\s*\)\s*"
    r"(ON\s+CONFLICT\s*\(([\w\s,]+)\).*)$",
    re.I | re.S,
)
# A plain multi-row insert (no upsert, no RETURNING): many rows go as one COPY.
_PLAIN_INSERT = re.compile(r"\s*INSERT\s+INTO\s+(\w+)\s*\(([\w\s,]+)\)\s*VALUES\s*\(\s*\?(?:\s*,\s*\?)*\s*\)\s*$", re.I)
COPY_FROM_ROWS = 200  # fewer rows: executemany (a COPY's set-up costs about as much as 200 inserts)


class _NumericAsNumber(Loader):
    """numeric (what SUM and AVG of integers give) as int when whole, else float: what SQLite returns."""

    def load(self, data: Any) -> int | float:
        text = bytes(data).decode()
        if "." in text or "e" in text.lower() or text in ("NaN", "Infinity", "-Infinity"):
            return float(text)
        return int(text)


def as_sqlite_error(error: psycopg.Error) -> sqlite3.Error:
    """The psycopg error as the sqlite3 class the store catches, with the server's message."""
    message = (error.diag.message_primary if getattr(error, "diag", None) else None) or str(error).strip()
    if isinstance(error, pg_errors.QueryCanceled):
        return sqlite3.OperationalError("interrupted")
    if isinstance(error, pg_errors.InsufficientPrivilege):
        return sqlite3.OperationalError(f"attempt to write a readonly database (the server said: {message})")
    if isinstance(error, pg_errors.ReadOnlySqlTransaction):
        return sqlite3.OperationalError(f"attempt to write a readonly database (the server said: {message})")
    if isinstance(error, pg_errors.LockNotAvailable):
        return sqlite3.OperationalError(f"database is locked ({message})")
    if isinstance(error, pg_errors.DiskFull):
        return sqlite3.OperationalError(f"database or disk is full ({message})")
    if isinstance(error, psycopg.IntegrityError):
        return sqlite3.IntegrityError(message)
    if isinstance(error, psycopg.OperationalError):
        return sqlite3.OperationalError(f"the server connection failed: {message}")
    return sqlite3.DatabaseError(message)


class _BoolAsInt(Dumper):
    """Python's True/False as SQLite stores them, 1 and 0 (the columns are integers)."""

    oid = 20  # int8

    def dump(self, obj: Any) -> bytes:
        return b"1" if obj else b"0"


class PgCursor:
    __slots__ = ("_cursor", "rowcount")

    def __init__(self, cursor: psycopg.Cursor[Any] | None, rowcount: int = -1) -> None:
        self._cursor = cursor
        self.rowcount = rowcount if cursor is None else cursor.rowcount

    @property
    def description(self) -> Sequence[Any] | None:
        return None if self._cursor is None else self._cursor.description

    def fetchone(self) -> tuple[Any, ...] | None:
        return None if self._cursor is None or self._cursor.description is None else self._cursor.fetchone()

    def fetchall(self) -> list[tuple[Any, ...]]:
        return [] if self._cursor is None or self._cursor.description is None else self._cursor.fetchall()

    def fetchmany(self, size: int) -> list[tuple[Any, ...]]:
        return [] if self._cursor is None or self._cursor.description is None else self._cursor.fetchmany(size)

    def close(self) -> None:
        if self._cursor is not None:
            self._cursor.close()

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        if self._cursor is None or self._cursor.description is None:
            return iter(())
        return iter(self._cursor)


class PgConnection:
    """The sqlite3.Connection subset the store uses, over one psycopg connection."""

    def __init__(self, raw: psycopg.Connection[Any]) -> None:
        self.raw = raw
        self.raw.adapters.register_loader("numeric", _NumericAsNumber)
        self.raw.adapters.register_dumper(bool, _BoolAsInt)
        # Hashplan's reads are short (a page, a summary from the aggregates): starting parallel
        # workers cost more than they saved (a 500-row page: 260 ms with two workers, 130 without).
        self.raw.execute("SET max_parallel_workers_per_gather = 0")
        # Its rows are read by key from a cached working set: a random read costs about what a
        # sequential one does (the default 4.0 is a spinning disk's), so 500 index lookups beat a
        # scan of 100,000 rows.
        self.raw.execute("SET random_page_cost = 1.1")
        self._failure: sqlite3.Error | None = None  # the error that aborted the open transaction
        self._lock = threading.RLock()

    # -- the sqlite3.Connection face ------------------------------------------------------

    @property
    def in_transaction(self) -> bool:
        return self.raw.info.transaction_status != TransactionStatus.IDLE

    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> PgCursor:
        with self._lock:
            word = sql.lstrip()[:8].upper()
            if word.startswith("PRAGMA"):
                raise NotImplementedError(f"SQLite-only statement sent to PostgreSQL: {sql[:60]}")
            self._refuse_in_failed_transaction(word)
            statement = translate(sql)
            cursor = self.raw.cursor()
            try:
                cursor.execute(statement.text, parameters(statement, params) if params else None)
            except psycopg.Error as error:
                raise self._failed(error) from None
            if word.startswith(("ROLLBACK", "COMMIT")) and not word.startswith("ROLLBACK T"):
                self._failure = None
            self._note_explicit_ids(sql)
            return PgCursor(cursor)

    def executemany(self, sql: str, seq: Iterable[Sequence[Any]]) -> PgCursor:
        with self._lock:
            self._refuse_in_failed_transaction("")
            statement = translate(sql)
            rows = seq if isinstance(seq, list) else list(seq)
            if not rows:
                return PgCursor(None, 0)
            plain = _PLAIN_INSERT.match(sql)
            if plain and len(rows) >= COPY_FROM_ROWS:
                return self._copy_in(plain.group(1), plain.group(2), rows, sql)
            upsert = _UPSERT.match(sql)
            if upsert and len(rows) >= COPY_FROM_ROWS and not statement.named:
                done = self._upsert_via_copy(upsert, rows)
                if done is not None:
                    return done
            if statement.named:
                rows = [parameters(statement, r) for r in rows]
            cursor = self.raw.cursor()
            try:
                cursor.executemany(statement.text, rows, returning=False)
            except psycopg.Error as error:
                raise self._failed(error) from None
            self._note_explicit_ids(sql)
            # psycopg's rowcount after executemany is the total of the statements' counts
            return PgCursor(None, cursor.rowcount)

    def _copy_in(self, table: str, columns: str, rows: list[Sequence[Any]], sql: str) -> PgCursor:
        """The rows of a plain INSERT as one COPY FROM STDIN (an import's 100,000 batches and
        their events): row triggers fire as for INSERT, and a bad row fails the whole statement."""
        names = ", ".join(c.strip() for c in columns.split(","))
        cursor = self.raw.cursor()
        try:
            with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        except psycopg.Error as error:
            raise self._failed(error) from None
        self._note_explicit_ids(sql)
        return PgCursor(None, len(rows))

    def _upsert_via_copy(self, match: re.Match[str], rows: list[Sequence[Any]]) -> PgCursor | None:
        """Many upsert rows (the bulk booking's aggregate rows) as COPY into a scratch table and
        one INSERT ... SELECT with the same ON CONFLICT clause: one statement, not one per row
        (100,000 imported rows booked in 60 s through executemany). None when two rows share a
        key (one statement may not update a row twice): executemany takes them in order."""
        table, columns, conflict, keys = match.group(1), match.group(2), match.group(3), match.group(4)
        names = [c.strip() for c in columns.split(",")]
        key_at = [names.index(k.strip()) for k in keys.split(",")]
        if len({tuple(row[i] for i in key_at) for row in rows}) != len(rows):
            return None
        scratch = f"pg_temp.hp_upsert_{table}"
        listed = ", ".join(names)
        try:
            self.raw.execute(
                f"CREATE TEMP TABLE IF NOT EXISTS hp_upsert_{table} AS SELECT {listed} FROM {table} WITH NO DATA"
            )
            self.raw.execute(f"TRUNCATE {scratch}")
            with self.raw.cursor().copy(f"COPY {scratch} ({listed}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            translated = translate(f"INSERT INTO {table} ({listed}) SELECT {listed} FROM {scratch} {conflict}")
            self.raw.execute(translated.text)
            self.raw.execute(f"TRUNCATE {scratch}")
        except psycopg.Error as error:
            raise self._failed(error) from None
        return PgCursor(None, len(rows))

    def close(self) -> None:
        self.raw.close()

    def interrupt(self) -> None:
        """Cancels the statement running (from another thread), as sqlite3's interrupt does."""
        self.raw.cancel_safe()

    def create_function(self, *args: Any, **kwargs: Any) -> None:
        """The server has these functions (schema.py): nothing to register per connection."""

    # -- the differences -----------------------------------------------------------------

    def _refuse_in_failed_transaction(self, word: str) -> None:
        # A failed statement aborts a PostgreSQL transaction (SQLite goes on): until the
        # rollback, every statement repeats the first error instead of "transaction aborted",
        # and a COMMIT rolls back (what the server would do) and says why nothing was saved.
        if self.raw.info.transaction_status != TransactionStatus.INERROR or word.startswith("ROLLBACK"):
            return
        failure = self._failure or sqlite3.OperationalError("the transaction was aborted by an earlier error")
        if word.startswith("COMMIT"):
            self.raw.execute("ROLLBACK")
            self._failure = None
        raise failure

    def _failed(self, error: psycopg.Error) -> sqlite3.Error:
        translated = as_sqlite_error(error)
        if self.raw.info.transaction_status == TransactionStatus.INERROR and self._failure is None:
            self._failure = translated
        return translated

    def _note_explicit_ids(self, sql: str) -> None:
        match = _EXPLICIT_ID.match(sql)
        if match:
            self._follow_sequence(match.group(1).lower())

    def _follow_sequence(self, table: str) -> None:
        """An id given by hand (a new record numbered as on SQLite, an import keeping a file's
        ids, a copy, an undo) does not move the id column's sequence: move it past the largest
        id at once (in the same transaction), so the next row the server numbers cannot collide."""
        try:
            sequence = _sequence_of(self.raw, table)
            self.raw.execute(
                f"SELECT setval('{sequence}', m, true) FROM (SELECT MAX(id) AS m FROM {table}) AS top "
                "WHERE m IS NOT NULL AND m > "
                f"(SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM {sequence})"
            )
        except psycopg.Error as error:
            raise self._failed(error) from None


def _sequence_of(raw: psycopg.Connection[Any], table: str) -> str:
    row = raw.execute("SELECT pg_get_serial_sequence(%s, 'id')", (table,)).fetchone()
    if row is None or row[0] is None:
        raise sqlite3.OperationalError(f"table {table} has no id sequence")
    return str(row[0])
