"""Moving a whole fleet between databases: SQLite file <-> PostgreSQL server, either way.

One transaction on the target (store.whole_copy): all of it lands or none, and before the
commit the target's summary is checked against the source's (the figures the command line
prints with ``summary --json``): a copy that would not reproduce them is rolled back.
"""

from __future__ import annotations

import json
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop.errors import DatabaseError, ValidationError
from desktop.server_address import is_server_url
from desktop.store import Store, whole_copy


@dataclass(frozen=True)
class CopyResult:
    source: str
    target: str
    rows: dict[str, int]

    def describe(self) -> str:
        r = self.rows
        return (
            f"copied {r.get('data_centers', 0):,} data centers, {r.get('batches', 0):,} batches, "
            f"{r.get('batch_events', 0):,} events, {r.get('miner_models', 0):,} models, "
            f"{r.get('targets', 0):,} targets and {r.get('audit', 0):,} audit entries "
            f"from {self.source} to {self.target}; "
            "the summary is identical on both sides"
        )


def summary_json(store: Store) -> str:
    from desktop.services.reports import FleetQueries, summary_to_json

    return json.dumps(summary_to_json(FleetQueries(store).summary()), sort_keys=True)


def copy_database(source: str | Path, target: str | Path, progress: Any = None) -> CopyResult:
    """Copies every record of ``source`` into ``target`` (created if it is a new file or an
    empty server database). Refuses a target that holds sites or batches, and the same
    database on both sides."""
    if str(source) == str(target) or (
        not is_server_url(source) and not is_server_url(target) and Path(source).expanduser().resolve()
        == Path(target).expanduser().resolve()
    ):
        raise ValidationError("to", "the source and the target are the same database")
    if not is_server_url(source) and not Path(source).expanduser().exists():
        raise ValidationError("from", f"no database at {source}")
    src = Store.open(source, readonly=True)
    created_file = not is_server_url(target) and not Path(target).expanduser().exists()
    try:
        dst = Store.open(target)
    except BaseException:
        src.close()
        raise
    try:
        if dst.readonly:
            raise DatabaseError(f"{dst.path} is read-only (this login may not write); nothing was copied")
        if whole_copy.holds_records(dst):
            raise ValidationError(
                "to", f"{dst.path} already holds data centers or batches; copy into a new or empty database"
            )
        expected = summary_json(src)
        with dst.write(f"copy the database from {src.path}"):
            rows = whole_copy.copy_rows(src, dst, progress)
            dst.audit_note("database", {"copied_from": str(src.path), "rows": rows})
            if summary_json(dst) != expected:
                raise DatabaseError(
                    f"the copy in {dst.path} does not give the summary of {src.path}; nothing was written"
                )
        after_load = getattr(dst, "after_bulk_load", None)
        if after_load is not None:  # a server database: its statistics for the rows just loaded
            after_load()
        return CopyResult(str(src.path), str(dst.path), rows)
    except BaseException:
        dst.close()
        if created_file:  # nothing half-made is left behind
            for suffix in ("", "-wal", "-shm"):
                with suppress(OSError):
                    Path(f"{Path(target).expanduser()}{suffix}").unlink()
        raise
    finally:
        src.close()
        with suppress(Exception):
            dst.close()


def set_up_server(url: str) -> list[str]:
    """``server-setup``: the schema (created by opening), the two roles and their grants.
    Returns what changed (empty: it was all in place)."""
    if not is_server_url(url):
        raise ValidationError("url", f"'{url}' is not a server URL (postgresql://user@host/database)")
    from desktop.store.pg.pg_store import PgStore

    before = PgStore.probe_version(url)
    store = PgStore.open(url)
    try:
        if store.readonly:
            raise DatabaseError(f"{store.path}: this login may not change the database; run server-setup as its owner")
        now = store.current_version()
        changes = [] if before == now else [f"created Hashplan's schema (version {now})"]
        return changes + store.set_up_roles()
    finally:
        store.close()
