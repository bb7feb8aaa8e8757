"""The audit trail for people: entries, CSV export, and bringing back a deleted batch."""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from desktop.domain.entities import Batch, BatchSnapshot
from desktop.errors import DatabaseError, NotFoundError, ValidationError
from desktop.services.fleet import FleetService
from desktop.services.session import Session
from desktop.store import db_file, rows
from desktop.store.audit_reads import AuditEntry

CSV_COLUMNS = ("id", "when", "action", "record", "record_id", "before", "after")


@dataclass(frozen=True)
class HistoryEntry:
    entry: AuditEntry
    # {"data_center_id": {1: "Kazakhstan"}, "model_id": {...}}: History shows names, not ids (item 13)
    names: dict[str, dict[int, str]] = field(default_factory=dict, compare=False)

    @property
    def when_local(self) -> str:
        """The local time with its zone ("2026-12-02 14:03:10 CET")."""
        try:
            return datetime.fromisoformat(self.entry.at).astimezone().strftime("%Y-%m-%d %H:%M:%S %Z")
        except ValueError:
            return self.entry.at

    def _named(self, key: str, value: Any) -> tuple[str, Any]:
        known = self.names.get(key)
        if known is not None and isinstance(value, int) and value in known:
            return key.removesuffix("_id"), known[value]
        return key, value

    @property
    def record(self) -> str:
        return self.entry.entity.replace("_", " ")

    @property
    def is_batch_delete(self) -> bool:
        e = self.entry
        return e.entity == "batch" and e.after is None and isinstance(e.before, dict) and "units" in e.before

    def _change_line(self, key: str, old: Any, new: Any) -> str:
        name, old_shown = self._named(key, old)
        return f"{name}: {old_shown!r} -> {self._named(key, new)[1]!r}"

    def change_text(self) -> str:
        """What changed, in one line: the fields that differ, or what was added/removed."""
        before, after = self.entry.before, self.entry.after
        if before is None and after is not None:
            return "added: " + _short(after, self._named)
        if after is None and before is not None:
            return "deleted: " + _short(before, self._named)
        if isinstance(before, dict) and isinstance(after, dict):
            changed = [
                self._change_line(k, before.get(k), after.get(k)) for k in after if before.get(k) != after.get(k)
            ]
            changed = [c for c in changed if not c.startswith("version:")]
            return "; ".join(changed) or "no field changed"
        return ""


def _short(record: dict[str, Any], named: Callable[[str, Any], tuple[str, Any]] = lambda k, v: (k, v)) -> str:
    shown = dict(
        named(k, v) for k, v in record.items() if k not in ("events", "version", "name_key") and v not in ("", None)
    )
    text = ", ".join(f"{k}={v}" for k, v in shown.items())
    events = record.get("events")
    if events:
        text += f", {len(events)} events"
    return text


def history(session: Session, batch_id: int | None = None, *, newest: int | None = None) -> list[HistoryEntry]:
    """Newest first: one batch's entries (with its events'), or everything (``newest``: only
    that many, read and parsed; the rest stays in the file)."""
    store = session.store
    entries = store.audit_entries(newest=newest) if batch_id is None else store.batch_audit_entries(batch_id)
    names = {
        "data_center_id": {s.id: s.name for s in store.list_sites() if s.id is not None},
        "model_id": {m.id: m.label for m in store.list_models() if m.id is not None},
    }
    return [HistoryEntry(e, names) for e in sorted(entries, key=lambda e: e.id, reverse=True)][:newest]


def history_size(session: Session) -> int:
    """How many entries the whole history holds."""
    return session.store.count_audit_entries()


def export_csv(entries: list[HistoryEntry], path: Path) -> int:
    """Writes the entries to ``path`` (atomically: a temp file, then a rename); returns rows."""
    db_file.refuse_as_output(path)
    partial = path.with_name(f".{path.name}.partial")
    try:
        with partial.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(CSV_COLUMNS)
            for h in entries:
                e = h.entry
                writer.writerow(
                    [
                        e.id,
                        e.at,
                        e.action,
                        e.entity,
                        "" if e.entity_id is None else e.entity_id,
                        "" if e.before is None else json.dumps(e.before, sort_keys=True),
                        "" if e.after is None else json.dumps(e.after, sort_keys=True),
                    ]
                )
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, path)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise DatabaseError(f"cannot write {path}: {error.strerror}") from None
    return len(entries)


def snapshot_from_audit(entry: HistoryEntry) -> BatchSnapshot:
    """The batch and its events as they were just before the delete this entry records."""
    if not entry.is_batch_delete:
        raise ValidationError("history", f"entry #{entry.entry.id} is not the delete of a batch")
    before = dict(entry.entry.before or {})
    events = before.pop("events", []) or []
    try:
        batch: Batch = rows.batch_from_row(before)
        return BatchSnapshot(batch, tuple(rows.event_from_row(e) for e in events))
    except (KeyError, TypeError, ValueError) as error:
        raise ValidationError("history", f"entry #{entry.entry.id} cannot be read back ({error})") from None


def restore_deleted_batch(fleet: FleetService, entry: HistoryEntry) -> Batch:
    """Puts a deleted batch back with its events, in one transaction.

    It keeps its id unless another batch took that id since (SQLite reuses the largest
    id); then it comes back under a new id. Refused if it is back already, or if its
    data center or model is gone.
    """
    snapshot = snapshot_from_audit(entry)
    old = snapshot.batch
    try:
        taken: Batch | None = fleet.get_batch(old.id or 0)
    except NotFoundError:
        taken = None
    if taken is not None and replace(taken, version=0) == replace(old, version=0):
        raise ValidationError("history", f"batch #{old.id} is already back")
    try:
        fleet.get_site(old.data_center_id)
        fleet.get_model(old.model_id)
    except NotFoundError as error:
        raise ValidationError("history", f"batch #{old.id} cannot come back: {error}") from None
    if taken is None:
        events = tuple(e if not fleet.event_exists(e.id) else replace(e, id=None) for e in snapshot.events)
        return fleet.restore_batch(BatchSnapshot(old, events))
    return fleet.restore_batch_as_new(snapshot)
