"""The Store on a PostgreSQL database: the same reads and writes, the server's locking and signal.

What differs from the SQLite file (everything else is the base class's SQL, rewritten by
sql_dialect.py):
- connecting: a libpq URL (password from the URL's environment, ~/.pgpass, a service
  file, or typed into the window and kept in memory); TLS options pass through;
- who may write: the server's privileges (hashplan_viewer / hashplan_editor, roles.py); a
  connection that may not insert batches opens read-only, as a read-only file does;
- write locking: one transaction-scoped advisory lock per action instead of SQLite's
  BEGIN IMMEDIATE, so actions from every machine queue one after another (with the same
  10 s patience), and the stale-edit check on row versions reads the latest commit;
- reads that must agree run in one REPEATABLE READ snapshot;
- the change signal: LISTEN/NOTIFY (listener.py) instead of PRAGMA data_version;
- bulk writes lift the aggregate triggers with a transaction-local setting (no DDL, no
  table lock), then book what they wrote set-wise as on SQLite.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import TYPE_CHECKING, Any, cast

from desktop.errors import DatabaseError, NewerSchemaError, NotHashplanFileError
from desktop.server_address import ServerAddress, as_address
from desktop.store import migrations
from desktop.store.connection import BUSY_TIMEOUT_MS, utc_now
from desktop.store.store import Store

if TYPE_CHECKING:
    from desktop.store.pg.connection import PgConnection
    from desktop.store.pg.listener import ChangeListener

WRITE_LOCK_KEY = 0x48415348  # "HASH": the advisory lock every Hashplan write takes


def connect_raw(address: ServerAddress, *, autocommit: bool = True) -> Any:
    """A psycopg connection to ``address`` (DatabaseError with the server's reason when it fails)."""
    import psycopg

    extra: dict[str, Any] = {"application_name": "Hashplan", "autocommit": autocommit}
    if address.password is not None:
        extra["password"] = address.password
    extra.setdefault("connect_timeout", 10)
    try:
        return psycopg.connect(address.url, **extra)
    except psycopg.OperationalError as error:
        reason = str(error).strip().splitlines()[-1] if str(error).strip() else "no reason given"
        raise DatabaseError(f"cannot connect to the server database {address}: {reason}") from None
    except psycopg.ProgrammingError as error:  # a malformed URL
        raise DatabaseError(f"{address} is not a usable server URL: {error}") from None


def schema_version(conn: PgConnection) -> int:
    if conn.execute("SELECT to_regclass('schema_version')").fetchone()[0] is None:  # type: ignore[index]
        return 0
    row = conn.execute("SELECT MAX(version) FROM schema_version").fetchone()
    return int(row[0] or 0) if row else 0


def user_table_count(conn: PgConnection) -> int:
    row = conn.execute(
        "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema()"
    ).fetchone()
    return int(row[0]) if row else 0


def migrate(conn: PgConnection, now: str, up_to: int = migrations.CURRENT_VERSION) -> int:
    """Brings the server schema to ``up_to``, each version in its own transaction (as on SQLite)."""
    from desktop.store.pg import schema

    version = schema_version(conn)
    if version >= up_to:
        return version
    for number in range(version + 1, up_to + 1):
        conn.execute("BEGIN")
        try:
            conn.execute("SELECT pg_advisory_xact_lock(?)", (WRITE_LOCK_KEY,))
            if schema_version(conn) >= number:  # another client migrated meanwhile
                conn.execute("ROLLBACK")
                continue
            if number == 1:
                conn.execute("CREATE TABLE schema_version (version BIGINT PRIMARY KEY, applied_at TEXT)")
            for statement in schema.migration(number):
                conn.execute(statement)
            if number == up_to:
                for statement in schema.signal_statements():
                    conn.execute(statement)
            conn.execute("INSERT INTO schema_version (version, applied_at) VALUES (?, ?)", (number, now))
            conn.execute("COMMIT")
        except BaseException:
            with suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
            raise
        version = number
    return version


class PgStore(Store):
    dialect = "postgresql"

    def __init__(self, conn: Any, path: Any, *, created: bool, readonly: bool, check_pending: bool = False):
        super().__init__(conn, path, created=created, readonly=readonly, check_pending=False)
        self._listener: ChangeListener | None = None
        self._versions_before = 0  # what earlier (lost) listeners counted

    @classmethod
    def open(
        cls, path: Any, *, readonly: bool = False, verify: bool = True, defer_check: bool = False
    ) -> PgStore:
        """Connects to the server database at ``path`` (a URL or ServerAddress), creating
        Hashplan's schema in an empty database when this login may."""
        from desktop.store.pg.connection import PgConnection

        address = as_address(path)
        conn = PgConnection(connect_raw(address))
        try:
            created, may_write = cls._prepare(conn, address, readonly=readonly)
        except sqlite3.Error as error:
            conn.close()
            raise DatabaseError(f"{address}: {error}") from None
        except BaseException:
            conn.close()
            raise
        store = cls(conn, cast(Any, address), created=created, readonly=readonly or not may_write)
        return store

    @staticmethod
    def probe_version(path: Any) -> int:
        """The schema version of the server database (0: none yet), without changing anything."""
        from desktop.store.pg.connection import PgConnection

        conn = PgConnection(connect_raw(as_address(path)))
        try:
            return schema_version(conn)
        finally:
            conn.close()

    @staticmethod
    def _prepare(conn: PgConnection, address: ServerAddress, *, readonly: bool) -> tuple[bool, bool]:
        version = schema_version(conn)
        if version == 0 and user_table_count(conn):
            raise NotHashplanFileError(f"the server database {address} holds another program's tables, not Hashplan's")
        if version > migrations.CURRENT_VERSION:
            raise NewerSchemaError(
                f"{address} was set up by a newer Hashplan (schema version {version}; this version understands "
                f"up to {migrations.CURRENT_VERSION}). Update Hashplan to open it; nothing was changed."
            )
        created = version == 0
        if version < migrations.CURRENT_VERSION:
            if readonly:
                raise DatabaseError(f"{address} needs Hashplan's schema; open it once with write access first")
            try:
                migrate(conn, utc_now())
            except sqlite3.OperationalError as error:
                if "readonly" in str(error):
                    raise DatabaseError(
                        f"{address} needs Hashplan's schema (version {migrations.CURRENT_VERSION}, it has {version}) "
                        "and this login may not create it: ask an administrator to run "
                        "'hashplan server-setup' on it"
                    ) from None
                raise
        row = conn.execute("SELECT has_table_privilege('batches', 'INSERT')").fetchone()
        return created, bool(row and row[0])

    def current_version(self) -> int:
        return schema_version(cast("PgConnection", self.conn))

    def after_bulk_load(self) -> None:
        """After a whole database was copied in: the planner's statistics and the visibility map
        the index-only reads need (a page of the batch table read every skipped row without
        them), as autovacuum would make them later. Needs the tables' owner: skipped otherwise."""
        import logging

        with self._lock:
            try:
                self.conn.execute("VACUUM (ANALYZE)")
            except sqlite3.Error as error:
                logging.getLogger(__name__).info("no VACUUM ANALYZE after the copy: %s", error)

    def set_up_roles(self) -> list[str]:
        """hashplan_viewer and hashplan_editor with their grants (roles.py); what changed."""
        from desktop.store.pg import roles

        return roles.set_up(cast("PgConnection", self.conn))

    # -- what the server does differently ----------------------------------------------

    def data_version(self) -> int:
        """Moves when a commit notified the change channel (any client, this one too). A lost
        listening connection moves it too (whatever was missed is read again) and is replaced."""
        listener = self.listener()
        version = self._versions_before + listener.version()
        if listener.broken:
            self._versions_before = version + 1
            listener.close()
            self._listener = None
            return self._versions_before
        return version

    def listener(self) -> ChangeListener:
        """The LISTEN connection (made on first use): its socket tells the window of commits."""
        if self._listener is None:
            from desktop.store.pg.listener import ChangeListener

            self._listener = ChangeListener(cast(ServerAddress, self.path))
        return self._listener

    @contextmanager
    def reading(self) -> Iterator[Store]:
        with self._lock:
            if self.conn.in_transaction:
                yield self
                return
            self.conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            try:
                yield self
            finally:
                with suppress(sqlite3.Error):
                    self.conn.execute("COMMIT")

    def _begin_write(self) -> None:
        self.conn.execute("BEGIN")
        self.conn.execute(f"SET LOCAL lock_timeout = '{BUSY_TIMEOUT_MS}ms'")
        self.conn.execute("SELECT pg_advisory_xact_lock(?)", (WRITE_LOCK_KEY,))

    def _seal(self) -> None:
        """A server checks its own pages: nothing to seal."""

    def close(self) -> None:
        with self._lock:
            self.conn.close()
        if self._listener is not None:
            self._listener.close()
            self._listener = None

    def _insert(self, table: str, row: dict[str, Any]) -> int:
        """A user action's new row, numbered as SQLite numbers it (the largest id + 1; the write
        lock makes that safe): a deleted newest row's id is used again, as on the file, so an
        undo and redo, or a copy between the two, give the same ids."""
        names = [k for k in row if k != "id"]
        values = tuple(row[k] for k in names)
        if row.get("id") is not None:
            number, values = "?", (row["id"], *values)
        else:
            number = f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {table})"
        marks = ", ".join("?" * len(names))
        sql = f"INSERT INTO {table} (id, {', '.join(names)}) VALUES ({number}, {marks}) RETURNING id"
        found = self.conn.execute(sql, values).fetchone()
        return int(found[0]) if found else 0

    def _update(self, table: str, row: dict[str, Any]) -> None:
        names = [k for k in row if k != "id"]
        self.conn.execute(
            f"UPDATE {table} SET {', '.join(f'{k} = ?' for k in names)} WHERE id = ?",
            (*(row[k] for k in names), row["id"]),
        )

    def _delete(self, table: str, row_id: int) -> None:
        self.conn.execute(f"DELETE FROM {table} WHERE id = ?", (row_id,))

    def lift_row_triggers(self, names: tuple[str, ...]) -> None:
        for name in names:  # the trigger function returns at once while its setting is on
            self.conn.execute(f"SET LOCAL hashplan.lift_{name} = 'on'")

    def restore_row_triggers(self, names: tuple[str, ...]) -> None:
        if self.conn.in_transaction:
            for name in names:
                self.conn.execute(f"SET LOCAL hashplan.lift_{name} = 'off'")
