"""The Store: one SQLite file, one transaction per user action, every change audited."""

from __future__ import annotations

import json
import sqlite3
from _thread import RLock  # threading's, without importing threading (a start-up cost)
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from datetime import datetime, timezone
from pathlib import Path

from desktop.domain.entities import Batch, BatchEvent, DataCenter, MinerModel, Target
from desktop.domain.values import MAX_ID, name_key
from desktop.errors import ConflictError, NotFoundError, ReadOnlyError, ValidationError
from desktop.frozen import replace
from desktop.store import check_seal, db_file, rows
from desktop.store.audit_reads import AuditReads
from desktop.store.connection import connect, translate, utc_now
from desktop.store.db_file import check_db_path
from desktop.store.deferred_check import DeferredCheck
from desktop.store.event_target_writes import EventTargetWrites
from desktop.store.lateness_reads import LatenessReads

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (a start-up cost)
if TYPE_CHECKING:
    from typing import Any

    import sqlite_utils


class Store(EventTargetWrites, LatenessReads, AuditReads):
    """All SQL lives here. Mutations must run inside ``with store.write(action):``.

    This class is the SQLite file; pg.pg_store.PgStore is the same over a PostgreSQL server
    (``open`` picks it for a ``postgresql://`` URL)."""

    dialect = "sqlite"

    def __init__(
        self, conn: sqlite3.Connection, path: Path, *, created: bool, readonly: bool, check_pending: bool = False
    ):
        self.conn = conn
        self.path = path
        self.created = created
        self.readonly = readonly
        self._lock = RLock()
        self._action: str | None = None
        self._check = DeferredCheck(path, self._mark) if check_pending else None
        # When a check of this file passed in this session (opening checked it, or created it);
        # commits then seal the file as Hashplan's own (check_seal.py). None: not (yet) known.
        self._checked_at: datetime | None = None
        self._sealed = False
        self.network_warning: str | None = None  # set by open(): the file is on NFS/SMB
        self._utils: sqlite_utils.Database | None = None

    @classmethod
    def open(cls, path: str | Path, *, readonly: bool = False, verify: bool = True, defer_check: bool = False) -> Store:
        """Opens ``path``; ``verify=False`` skips the integrity check for a second connection.

        ``defer_check=True`` may leave the integrity check for ``finish_check`` (see
        deferred_check.py): the desktop shows its window first.
        """
        from desktop.server_address import is_server_url

        if is_server_url(path):  # a shared server database (imports psycopg only now)
            from desktop.store.pg.pg_store import PgStore

            return PgStore.open(path, readonly=readonly, verify=verify, defer_check=defer_check)
        path = Path(path).expanduser()
        check_db_path(path)  # a FIFO, device or unreadable path is refused before SQLite opens it
        conn, created, readonly, pending = connect(path, readonly=readonly, verify=verify, defer_check=defer_check)
        store = cls(conn, path, created=created, readonly=readonly, check_pending=pending)
        store.network_warning = db_file.network_warning(path)
        if not readonly and not pending and (verify or created):
            store._checked_at = datetime.now(timezone.utc)  # opening checked (or created) it
        return store

    def _mark(self) -> check_seal.Mark:
        with self._lock:
            return check_seal.current_mark(self.conn)

    def _seal(self) -> None:
        """After a commit: the file is as Hashplan left it (see check_seal.py)."""
        checked_at = self._checked_at
        if self._check is not None and self._check.passed_at is not None:
            checked_at = self._check.passed_at
        with suppress(sqlite3.Error):  # the seal is an optimisation: the next write checks instead
            check_seal.seal(self.path, check_seal.current_mark(self.conn), checked_at=checked_at)
            self._sealed = True

    @property
    def check_pending(self) -> bool:
        """The integrity check opening deferred has not run yet."""
        return self._check is not None and not self._check.done

    def finish_check(self) -> None:
        """Runs the deferred integrity check (once; a second caller waits for the first).

        Raises NotHashplanFileError if the file is damaged. Nothing to do when opening checked it.
        """
        if self._check is not None:
            self._check.run()

    def close(self) -> None:
        with self._lock:
            self.conn.close()
        if self._sealed:
            check_seal.seal_closed(self.path)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- transactions and change detection -------------------------------------------

    def data_version(self) -> int:
        """Changes when another connection commits to the file (cheap: no table read)."""
        with self._lock:
            return int(self.conn.execute("PRAGMA data_version").fetchone()[0])

    def change_mark(self) -> tuple[Any, ...] | None:
        """The last audit row (id, time, action): every write adds one, so the same mark later
        means nothing was written in between, by any connection (a restore adds its own row)."""
        with self._lock:
            last = self.conn.execute("SELECT id, at, action FROM audit ORDER BY id DESC LIMIT 1").fetchone()
        return None if last is None else tuple(last)

    @contextmanager
    def reading(self) -> Iterator[Store]:
        """Reads that must agree with each other (the window's figures, table and curves) in
        one read transaction: a write another connection commits meanwhile shows in all of
        them or in none (it showed in the curves but not the figures read a moment before)."""
        with self._lock:
            if self.conn.in_transaction:  # inside a write or another reading(): one state already
                yield self
                return
            self.conn.execute("BEGIN")
            try:
                yield self
            finally:
                with suppress(sqlite3.Error):
                    self.conn.execute("COMMIT")

    @contextmanager
    def write(self, action: str) -> Iterator[Store]:
        """One user action = one IMMEDIATE transaction: all of it lands, or none."""
        if self.readonly:
            raise ReadOnlyError(f"{self.path} is open read-only; '{action}' was not saved")
        self.finish_check()  # never write into a file that has not passed its check
        with self._lock:
            if self._action is not None:  # nested: part of the outer action
                yield self
                return
            try:
                self._begin_write()
            except sqlite3.Error as error:
                self._rollback()
                raise translate(error, self.path) from None
            self._action = action
            try:
                yield self
                self.conn.execute("COMMIT")
                self._seal()
            except sqlite3.IntegrityError as error:
                self._rollback()
                raise ValidationError("record", f"refused by the database: {error}") from None
            except sqlite3.Error as error:
                self._rollback()
                raise translate(error, self.path) from None
            except BaseException:
                self._rollback()
                raise
            finally:
                self._action = None

    def _begin_write(self) -> None:
        self.conn.execute("BEGIN IMMEDIATE")  # the write lock now: waits (busy timeout) for another writer

    def lift_row_triggers(self, names: tuple[str, ...]) -> None:
        """For a bulk write (store.bulk): the aggregate row triggers are off until restored, in
        this transaction only (SQLite's DDL is transactional: a rollback puts them back)."""
        for name in names:
            self.conn.execute(f"DROP TRIGGER IF EXISTS {name}")

    def restore_row_triggers(self, names: tuple[str, ...]) -> None:
        from desktop.store import aggregates

        # IF NOT EXISTS: after SQLite rolled the whole transaction back they are there already.
        for name in names:
            self.conn.execute(aggregates.trigger(name).replace("CREATE TRIGGER", "CREATE TRIGGER IF NOT EXISTS", 1))

    def _rollback(self) -> None:
        if self.conn.in_transaction:
            with suppress(sqlite3.Error):
                self.conn.execute("ROLLBACK")

    def _audit(self, entity: str, entity_id: int | None, before: Any, after: Any) -> None:
        if self._action is None:
            raise RuntimeError("store mutations must run inside Store.write()")
        self.conn.execute(
            "INSERT INTO audit (at, action, entity, entity_id, before, after) VALUES (?,?,?,?,?,?)",
            (
                utc_now(),
                self._action,
                entity,
                entity_id,
                None if before is None else json.dumps(before, default=str),
                None if after is None else json.dumps(after, default=str),
            ),
        )

    def audit_note(self, entity: str, details: dict[str, Any]) -> None:
        """An audit row for an action on the whole file (e.g. a restore from backup)."""
        self._audit(entity, None, None, details)

    def _table(self, name: str) -> sqlite_utils.db.Table:
        """A table through sqlite-utils on this same connection: the single-row writes of user
        actions. Inside ``write()`` its writes nest as savepoints, so the transaction stays ours.
        Imported on first use: the import costs ~0.2 s that opening a file need not pay."""
        if self._utils is None:
            import sqlite_utils

            # No recursive triggers (the aggregate triggers are written for SQLite's default) and
            # no plugins: this is our connection, set up by connection.py.
            self._utils = sqlite_utils.Database(self.conn, recursive_triggers=False, execute_plugins=False)
        return self._utils.table(name)

    def _rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
        # Plain sqlite3 for reads: they run on every open and every refresh (and sqlite-utils'
        # import alone costs ~0.2 s of a cold start).
        with self._lock:
            cursor = self.conn.execute(sql, params)
            names = [column[0] for column in cursor.description]
            # Iterating (not fetchall) lets the UI thread take the GIL between rows of a big read.
            return [dict(zip(names, row, strict=True)) for row in cursor]

    def _one(self, sql: str, params: tuple[Any, ...], what: str) -> dict[str, Any]:
        if any(isinstance(p, int) and not -MAX_ID - 1 <= p <= MAX_ID for p in params):
            # SQLite's integers are 64-bit: no row has such an id (binding it would overflow)
            raise NotFoundError(f"{what} does not exist (ids run from 1 to {MAX_ID:,})")
        found = self._rows(sql, params)
        if not found:
            raise NotFoundError(f"{what} does not exist (it may have been deleted)")
        return found[0]

    def _insert(self, table: str, row: dict[str, Any]) -> int:
        return int(self._table(table).insert(row).last_rowid or 0)

    def _update(self, table: str, row: dict[str, Any]) -> None:
        self._table(table).update(row["id"], {k: v for k, v in row.items() if k != "id"})

    def _delete(self, table: str, row_id: int) -> None:
        self._table(table).delete(row_id)

    # -- data centers ------------------------------------------------------------------

    def list_sites(self) -> list[DataCenter]:
        return [rows.site_from_row(r) for r in self._rows("SELECT * FROM data_centers ORDER BY name_key")]

    def get_site(self, site_id: int) -> DataCenter:
        return rows.site_from_row(
            self._one("SELECT * FROM data_centers WHERE id = ?", (site_id,), f"data center #{site_id}")
        )

    def find_site(self, name: str) -> DataCenter | None:
        found = self._rows("SELECT * FROM data_centers WHERE name_key = ?", (name_key(name),))
        return rows.site_from_row(found[0]) if found else None

    def insert_site(self, site: DataCenter) -> DataCenter:
        row = rows.site_to_row(site)
        new = replace(site, id=self._insert("data_centers", row))
        self._audit("data_center", new.id, None, rows.site_to_row(new))
        return new

    def update_site(self, site: DataCenter) -> DataCenter:
        before = self.get_site(site.id or 0)
        if before.version != site.version:
            raise ConflictError(f"data center '{before.name}' was changed elsewhere since it was opened")
        new = replace(site, version=site.version + 1)
        row = rows.site_to_row(new)
        self._update("data_centers", row)
        self._audit("data_center", site.id, rows.site_to_row(before), row)
        return new

    def delete_site(self, site_id: int) -> DataCenter:
        before = self.get_site(site_id)
        self._delete("data_centers", site_id)
        self._audit("data_center", site_id, rows.site_to_row(before), None)
        return before

    # -- miner models ------------------------------------------------------------------

    def list_models(self) -> list[MinerModel]:
        return [rows.model_from_row(r) for r in self._rows("SELECT * FROM miner_models ORDER BY vendor, name_key")]

    def get_model(self, model_id: int) -> MinerModel:
        return rows.model_from_row(
            self._one("SELECT * FROM miner_models WHERE id = ?", (model_id,), f"miner model #{model_id}")
        )

    def find_model(self, name: str) -> MinerModel | None:
        found = self._rows("SELECT * FROM miner_models WHERE name_key = ?", (name_key(name),))
        return rows.model_from_row(found[0]) if found else None

    def insert_model(self, model: MinerModel) -> MinerModel:
        new = replace(model, id=self._insert("miner_models", rows.model_to_row(model)))
        self._audit("miner_model", new.id, None, rows.model_to_row(new))
        return new

    def update_model(self, model: MinerModel) -> MinerModel:
        before = self.get_model(model.id or 0)
        row = rows.model_to_row(model)
        self._update("miner_models", row)
        self._audit("miner_model", model.id, rows.model_to_row(before), row)
        return model

    def delete_model(self, model_id: int) -> MinerModel:
        before = self.get_model(model_id)
        self._delete("miner_models", model_id)
        self._audit("miner_model", model_id, rows.model_to_row(before), None)
        return before

    def model_in_use(self, model_id: int) -> bool:
        return bool(self._rows("SELECT 1 FROM batches WHERE model_id = ? LIMIT 1", (model_id,)))

    def site_in_use(self, site_id: int) -> bool:
        return bool(self._rows("SELECT 1 FROM batches WHERE data_center_id = ? LIMIT 1", (site_id,)))

    # -- batches -----------------------------------------------------------------------

    def list_batches(self, data_center_id: int | None = None) -> list[Batch]:
        if data_center_id is None:
            found = self._rows("SELECT * FROM batches ORDER BY ordered_on, id")
        else:
            found = self._rows(
                "SELECT * FROM batches WHERE data_center_id = ? ORDER BY ordered_on, id", (data_center_id,)
            )
        return [rows.batch_from_row(r) for r in found]

    def batches_with_ids(self, batch_ids: Iterable[int]) -> list[Batch]:
        """The batches among ``batch_ids`` that exist (ids that name none are left out)."""
        wanted = sorted(set(batch_ids))
        found: list[Batch] = []
        for start in range(0, len(wanted), 900):  # under SQLite's 999 parameters
            part = wanted[start : start + 900]
            sql = f"SELECT * FROM batches WHERE id IN ({', '.join('?' * len(part))}) ORDER BY id"
            found += [rows.batch_from_row(r) for r in self._rows(sql, tuple(part))]
        return found

    def count_batches(self) -> int:
        return int(self._rows("SELECT COUNT(*) AS n FROM batches")[0]["n"])

    def get_batch(self, batch_id: int) -> Batch:
        return rows.batch_from_row(self._one("SELECT * FROM batches WHERE id = ?", (batch_id,), f"batch #{batch_id}"))

    def insert_batch(self, batch: Batch) -> Batch:
        new = replace(batch, id=self._insert("batches", rows.batch_to_row(batch)))
        self._audit("batch", new.id, None, rows.batch_to_row(new))
        return new

    def update_batch(self, batch: Batch) -> Batch:
        """Saves an edit of ``batch`` as read at ``batch.version``; refuses if changed since."""
        before = self.get_batch(batch.id or 0)
        if before.version != batch.version:
            raise ConflictError(
                f"batch #{batch.id} was changed elsewhere since it was opened "
                f"(version {batch.version}, now {before.version})"
            )
        new = replace(batch, version=batch.version + 1)
        row = rows.batch_to_row(new)
        self._update("batches", row)
        self._audit("batch", batch.id, rows.batch_to_row(before), row)
        return new

    def delete_batch(self, batch_id: int) -> tuple[Batch, list[BatchEvent]]:
        """Deletes a batch and its events; the audit keeps both so it can be restored."""
        before = self.get_batch(batch_id)
        events = self.events_for_batch(batch_id)
        snapshot = rows.batch_to_row(before) | {"events": [rows.event_to_row(e) for e in events]}
        self.conn.execute("DELETE FROM batch_events WHERE batch_id = ?", (batch_id,))
        self._delete("batches", batch_id)
        self._audit("batch", batch_id, snapshot, None)
        return before, events

    # -- events ------------------------------------------------------------------------

    def events_for_batch(self, batch_id: int) -> list[BatchEvent]:
        return [
            rows.event_from_row(r)
            for r in self._rows("SELECT * FROM batch_events WHERE batch_id = ? ORDER BY occurred_on, id", (batch_id,))
        ]

    def events_by_batch(self, data_center_id: int | None = None) -> dict[int, list[BatchEvent]]:
        if data_center_id is None:
            found = self._rows("SELECT * FROM batch_events ORDER BY occurred_on, id")
        else:
            found = self._rows(
                "SELECT e.* FROM batch_events e JOIN batches b ON b.id = e.batch_id "
                "WHERE b.data_center_id = ? ORDER BY e.occurred_on, e.id",
                (data_center_id,),
            )
        grouped: dict[int, list[BatchEvent]] = defaultdict(list)
        for r in found:
            grouped[r["batch_id"]].append(rows.event_from_row(r))
        return grouped

    def get_event(self, event_id: int) -> BatchEvent:
        return rows.event_from_row(
            self._one("SELECT * FROM batch_events WHERE id = ?", (event_id,), f"event #{event_id}")
        )

    def insert_event(self, event: BatchEvent) -> BatchEvent:
        new = replace(event, id=self._insert("batch_events", rows.event_to_row(event)))
        self._audit("batch_event", new.id, None, rows.event_to_row(new))
        self._touch_batch(event.batch_id)
        return new

    def delete_event(self, event_id: int) -> BatchEvent:
        before = self.get_event(event_id)
        self._delete("batch_events", event_id)
        self._audit("batch_event", event_id, rows.event_to_row(before), None)
        self._touch_batch(before.batch_id)
        return before

    def _touch_batch(self, batch_id: int) -> None:
        # An event changes the batch's state: bump its row version so a stale edit is caught.
        self.conn.execute("UPDATE batches SET version = version + 1 WHERE id = ?", (batch_id,))

    # -- targets -----------------------------------------------------------------------

    def list_targets(self) -> list[Target]:
        return [rows.target_from_row(r) for r in self._rows("SELECT * FROM targets ORDER BY due_on, id")]

    def insert_target(self, target: Target) -> Target:
        new = replace(target, id=self._insert("targets", rows.target_to_row(target)))
        self._audit("target", new.id, None, rows.target_to_row(new))
        return new

    def delete_target(self, target_id: int) -> Target:
        before = rows.target_from_row(
            self._one("SELECT * FROM targets WHERE id = ?", (target_id,), f"target #{target_id}")
        )
        self._delete("targets", target_id)
        self._audit("target", target_id, rows.target_to_row(before), None)
        return before
