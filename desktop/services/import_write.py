"""Writing a checked import plan: all of it in ONE transaction, or nothing.

New batches and their events go in with executemany (store.bulk), chunk by chunk with
cancel checks between; rows whose ``id`` names an existing batch replace it and its
events. The result records what was written, so the import can be undone as one step.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date
from typing import Any

from desktop.domain.entities import Batch, DataCenter, MinerModel
from desktop.domain.stages import Stage
from desktop.domain.values import name_key
from desktop.services.batch_format import BatchRecord
from desktop.services.import_plan import ImportCancelled, ImportPlan, ImportResult, ImportWritten
from desktop.store import Store
from desktop.store.bulk import audit_bulk, bulk_insert
from desktop.store.import_undo import batch_versions, last_audit_id

Progress = Callable[[int, int], None]
CHUNK = 2000  # updates a replace_batches call (cancel checks between them)
WRITE_CHUNK = 25_000  # batches an executemany (cancel checks between them; booked once at the end)


def _check(cancel: threading.Event | None, plan: ImportPlan) -> None:
    if cancel is not None and cancel.is_set():
        raise ImportCancelled(str(plan.path))


def write_plan(
    store: Store,
    plan: ImportPlan,
    *,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    spend: bool = False,
) -> ImportResult:
    """Writes a valid plan in ONE transaction; any failure or cancel writes nothing.

    ``spend``: the plan is not needed again (no retry), so each chunk's records are freed
    once written: at the end of the write (the aggregates' booking, the index builds) the
    checked rows, ~1 KB each, are no longer held beside the rows written.
    """
    plan.raise_problems()
    path = plan.path
    total = plan.total_rows
    _check(cancel, plan)
    with store.write(f"import {path.name}"):
        first_audit_id = last_audit_id(store) + 1
        site_ids = {s.key: s.id or 0 for s in store.list_sites()}
        new_site_ids, new_model_ids = [], []
        for key, site in plan.new_sites.items():
            new_site = store.insert_site(DataCenter(site.name, site.country, site.capacity_mw))
            site_ids[key] = new_site.id or 0
            new_site_ids.append(new_site.id or 0)
        model_ids = {m.key: m.id or 0 for m in store.list_models()}
        for key, record in plan.new_models.items():
            assert record.ths is not None and record.watts is not None
            model = store.insert_model(MinerModel(record.miner_model, record.vendor, record.ths, record.watts))
            model_ids[key] = model.id or 0
            new_model_ids.append(model.id or 0)
        _check(cancel, plan)
        creates = [g for g in plan.groups if g[0].batch_id not in plan.existing]
        updates = [g for g in plan.groups if g[0].batch_id in plan.existing]
        done = 0
        created_ids: list[int] = []
        # Updates first, in a block of their own: their deletes need the indexes that a big
        # block of new batches drops and builds again.
        if updates:
            with bulk_insert(store) as writer:
                for start in range(0, len(updates), CHUNK):
                    chunk = updates[start : start + CHUNK]
                    changes = []
                    for group in chunk:
                        batch_id = group[0].batch_id or 0
                        seen = plan.existing[batch_id].version  # saved over the version the plan read
                        batch = replace(_batch(group, site_ids, model_ids), id=batch_id, version=seen)
                        changes.append((batch, [row for record in group for row in record.event_rows(batch_id)]))
                    writer.replace_batches(f"import {path.name}", changes)  # audits each batch and its old events
                    done += sum(len(g) for g in chunk)
                    _check(cancel, plan)
                    if progress:
                        progress(total + done, 2 * total)
        with bulk_insert(store, expected_batches=len(creates)) as writer:  # books once, for every chunk
            for first_id, chunk in _create_chunks(creates):
                start = first_id or writer.next_batch_id()
                iso: dict[date, str] = {}
                batch_rows = [_batch_row(g, site_ids, model_ids, iso) for g in chunk]
                event_rows: list[tuple[int, str, int, str, str]] = []
                for batch_id, group in enumerate(chunk, start):
                    for record in group:
                        if record.status is not Stage.ORDERED:
                            event_rows.extend(record.event_rows(batch_id))
                ids = writer.add_batch_rows(batch_rows, first_id=start)
                writer.add_event_rows(event_rows)
                created_ids.extend(ids)
                done += sum(len(g) for g in chunk)
                if spend:
                    for group in chunk:
                        group.clear()
                _check(cancel, plan)
                if progress:
                    progress(total + done, 2 * total)
        audit_bulk(
            store,
            f"import {path.name}",
            "batch",
            {
                "file": str(path),
                "rows": total,
                "created": len(created_ids),
                "created_ids": [created_ids[0], created_ids[-1]] if created_ids else [],
                "updated_ids": [g[0].batch_id for g in updates],  # each with its own audit row
            },
        )
        _check(cancel, plan)
        updated_ids = [g[0].batch_id or 0 for g in updates]
        written = ImportWritten(
            file_stamp=plan.stamp[:2],
            created_ids=tuple(created_ids),
            site_ids=tuple(new_site_ids),
            model_ids=tuple(new_model_ids),
            versions=batch_versions(store, [*created_ids, *updated_ids]),
            audit_ids=(first_audit_id, last_audit_id(store)),
        )
    if progress:
        progress(2 * total, 2 * total)
    return result_of(plan, dry_run=False, written=written)


def _create_chunks(creates: list[list[BatchRecord]]) -> Iterator[tuple[int | None, list[list[BatchRecord]]]]:
    """New batches in insert order: first those whose file id is free, which keep it (so
    re-importing the same file finds and updates them), in runs of consecutive ids; then
    those without an id, numbered after every other batch."""
    kept = sorted((g for g in creates if g[0].batch_id is not None), key=lambda g: g[0].batch_id or 0)
    fresh = [g for g in creates if g[0].batch_id is None]  # now: a spent chunk's groups are emptied
    run: list[list[BatchRecord]] = []
    for group in kept:
        if run and ((group[0].batch_id or 0) != (run[-1][0].batch_id or 0) + 1 or len(run) >= WRITE_CHUNK):
            yield run[0][0].batch_id, run
            run = []
        run.append(group)
    if run:
        yield run[0][0].batch_id, run
    for start in range(0, len(fresh), WRITE_CHUNK):
        yield None, fresh[start : start + WRITE_CHUNK]


def _ids(first: BatchRecord, site_ids: dict[str, int], model_ids: dict[str, int]) -> tuple[int, int]:
    """``site_ids``/``model_ids`` map name keys, and learn each name as written (fewer name_key calls)."""
    site_id = site_ids.get(first.site.name)
    if site_id is None:
        site_id = site_ids[first.site.name] = site_ids[name_key(first.site.name)]
    model_id = model_ids.get(first.miner_model)
    if model_id is None:
        model_id = model_ids[first.miner_model] = model_ids[name_key(first.miner_model)]
    return site_id, model_id


def _batch_row(
    group: list[BatchRecord], site_ids: dict[str, int], model_ids: dict[str, int], iso: dict[date, str]
) -> tuple[Any, ...]:
    """A new batch in bulk.add_batch_rows' column form, straight from its rows (parse_row checked
    what Batch would: units > 0, price >= 0, expected not before ordered). ``iso``: dates written."""
    first = group[0]
    site_id, model_id = _ids(first, site_ids, model_ids)
    ordered, expected = first.ordered_on, first.expected_on
    return (
        site_id,
        model_id,
        first.units if len(group) == 1 else sum(r.units for r in group),
        iso.get(ordered) or iso.setdefault(ordered, ordered.isoformat()),
        iso.get(expected) or iso.setdefault(expected, expected.isoformat()),
        first.unit_price_cents,
        first.supplier,
        first.notes,
    )


def _batch(group: list[BatchRecord], site_ids: dict[str, int], model_ids: dict[str, int]) -> Batch:
    first = group[0]
    site_id, model_id = _ids(first, site_ids, model_ids)
    return Batch(
        data_center_id=site_id,
        model_id=model_id,
        units=first.units if len(group) == 1 else sum(r.units for r in group),
        ordered_on=first.ordered_on,
        expected_on=first.expected_on,
        unit_price_cents=first.unit_price_cents,
        supplier=first.supplier,
        notes=first.notes,
    )


def result_of(plan: ImportPlan, *, dry_run: bool, written: ImportWritten | None = None) -> ImportResult:
    return ImportResult(
        plan.path,
        plan.rows,
        plan.creates,
        plan.updates,
        len(plan.new_sites),
        len(plan.new_models),
        dry_run,
        plan.sheet,
        written,
    )
