"""Import of batch files: validate every row as the file streams in, then write it all in one transaction
(the writing is in import_write.py).

Sites, models and existing batches are read once; rows are checked without a query each;
new batches and their events go in with executemany (store.bulk). Rows whose ``id`` names
an existing batch update it and replace its events (one query each: updates are rare);
a new batch whose file ``id`` is free keeps that id, so importing the same file again
updates instead of duplicating, also in another database.
Progress is reported as (done, total): validation (the share of the file read), then writing (rows).
Cancelling (a threading.Event) is checked between phases and every CHUNK rows; a
cancelled import rolls back, so nothing is written.
"""

from __future__ import annotations

import difflib
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from desktop.domain.entities import MinerModel
from desktop.domain.values import name_key
from desktop.services.batch_format import BatchRecord, RowProblems, SiteRow, parse_row
from desktop.services.import_dates import ShortDateCells
from desktop.services.import_limits import MAX_PROBLEMS
from desktop.services.import_mapping import header_columns, is_hashplan_header, mapping_hint, suggest
from desktop.services.import_plan import ImportCancelled, ImportOptions, ImportPlan, ImportResult
from desktop.services.import_readers import RawTable, read_table
from desktop.services.import_write import result_of, write_plan
from desktop.services.json_reader import NotARow, is_not_object
from desktop.services.session import Session
from desktop.store import Store

Progress = Callable[[int, int], None]
CHUNK = 2000  # rows between cancel checks while validating
WRITE_CHUNK = 25_000  # batches an executemany (cancel checks between them; booked once at the end)
PREVIEW_ROWS = 20
PROGRESS_SCALE = 1000  # validation reports the share of the file read in thousandths


def _check(cancel: threading.Event | None, path: Path) -> None:
    if cancel is not None and cancel.is_set():
        raise ImportCancelled(str(path))


def plan_import(
    store: Store,
    path: str | Path,
    sheet: str | None = None,
    *,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    options: ImportOptions | None = None,
) -> ImportPlan:
    """Reads and validates every row as it streams in; the plan lists every problem (nothing is written)."""
    path = Path(path)
    options = options or ImportOptions()
    stamp = source_stamp(store, path, sheet)  # before reading: a change while reading shows later
    table = read_table(path, sheet)
    try:
        _check(cancel, path)
        columns, problems = header_columns(table.header, options.mapping)
        plan = ImportPlan(path, [str(h) for h in table.header], [], 0, problems, sheet=sheet, options=options)
        if options.mapping is not None:
            plan.mapping = list(options.mapping)
        elif not is_hashplan_header(plan.header):  # the mapping step (issue #14 item 10)
            plan.mapping = suggest(plan.header)
            problems.append(mapping_hint(plan.header, plan.mapping))
        if problems:
            _count_only(plan, table.rows, cancel)
            return plan
        dates = ShortDateCells(columns, options.date_order, options.locale_order)
        _validate(store, plan, table, columns, progress, cancel, dates)
    finally:
        table.close()
    again = dates.outcome(plan)
    if again is not None:  # the dates settled on the other order: read the file in it
        plan.release()
        return plan_import(store, path, sheet, progress=progress, cancel=cancel, options=again)
    if not plan.problems and not plan.groups and not plan.new_sites:
        plan.problems.append("row 2: the file has a header but no rows to import")
    plan.updates = sum(1 for g in plan.groups if g[0].batch_id in plan.existing)
    plan.creates = len(plan.groups) - plan.updates
    plan.rows = sum(len(g) for g in plan.groups)
    plan.stamp = stamp
    return plan


def preview_import(
    db_path: Path,
    path: str | Path,
    sheet: str | None = None,
    *,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    options: ImportOptions | None = None,
) -> ImportPlan:
    """plan_import on a read-only connection of its own (the preview runs on a worker thread)."""
    with Store.open(db_path, readonly=True) as store:
        return plan_import(store, path, sheet, progress=progress, cancel=cancel, options=options)


def _preview(plan: ImportPlan, number: int, cells: list[Any]) -> None:
    if len(plan.preview) < PREVIEW_ROWS:
        plan.preview.append([_show(v) for v in cells])
        plan.preview_numbers.append(number)


def _count_only(plan: ImportPlan, rows: Iterator[tuple[int, list[Any]]], cancel: threading.Event | None) -> None:
    """The preview and the row count of a file whose header is refused (its rows are not checked)."""
    for number, cells in rows:
        _preview(plan, number, cells)
        plan.total_rows += 1
        if plan.total_rows % CHUNK == 0:
            _check(cancel, plan.path)


def source_stamp(store: Store, path: Path, sheet: str | None) -> tuple[Any, ...]:
    """The file's size and modification time, the sheet, and the database's last change."""
    try:
        status = path.stat()
    except OSError:  # read_table names the problem
        return (None, sheet, store.change_mark())
    return (status.st_size, status.st_mtime_ns, sheet, store.change_mark())


def _show(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:  # an XLSX number: 48, not 48.0
        return str(int(value))
    if is_not_object(value):
        return "(not a value)"
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _validate(
    store: Store,
    plan: ImportPlan,
    table: RawTable,
    columns: dict[str, int],
    progress: Progress | None,
    cancel: threading.Event | None,
    dates: ShortDateCells,
) -> None:
    """Checks each row as the reader hands it on. Progress: the share of the file read, as
    (done, 2 * PROGRESS_SCALE); writing reports the second half in rows (write_plan)."""
    existing_sites = store.list_sites()
    sites = {s.key for s in existing_sites}
    models = {m.key: m for m in store.list_models()}
    by_id: dict[int, list[BatchRecord]] = {}
    problems = plan.problems
    width = len(table.header)
    items = list(columns.items())
    text_only, nested_cells = table.text_only, table.nested
    if progress:
        progress(0, 2 * PROGRESS_SCALE)
    done = 0
    for number, cells in table.rows:
        _preview(plan, number, cells)
        done += 1
        if done % CHUNK == 0:
            _check(cancel, plan.path)
            if progress:
                progress(int(table.fraction() * PROGRESS_SCALE), 2 * PROGRESS_SCALE)
        if len(problems) + len(table.problems) >= MAX_PROBLEMS:
            continue  # enough to fix first: the rest are only counted
        if isinstance(cells, NotARow):
            problems.append(f"row {number}: must be an object with the column names as keys")
            continue
        if text_only:  # CSV: every cell is text, so a cheap join finds blank rows
            if not "".join(cells).strip():
                continue
        elif _blank(cells):
            continue
        if len(cells) >= width:
            cells_by_column = {c: cells[i] for c, i in items}
        else:
            cells_by_column = {c: (cells[i] if i < len(cells) else None) for c, i in items}
        if nested_cells:
            nested = [c for c, v in cells_by_column.items() if is_not_object(v)]
            if nested:
                problems.extend(
                    f"row {number}, column {c}: must be a single value, not a list or object" for c in nested
                )
                continue
        if len(cells) > width and any(v not in (None, "") for v in cells[width:]):
            problems.append(f"row {number}: has {len(cells)} cells but the header names {width} columns")
            continue
        if dates.columns:
            bad = dates.convert(number, cells_by_column)
            if bad:
                problems.extend(f"row {number}, column {c}: {m}" for c, m in bad)
                continue
        try:
            record = parse_row(number, cells_by_column, unescape=table.unescape)
        except RowProblems as error:
            problems.extend(f"row {number}, column {c}: {m}" for c, m in error.problems)
            problems.extend(_unknown_model(number, error, models, plan.new_models))
            continue
        site = record if isinstance(record, SiteRow) else record.site
        key = name_key(site.name)
        if key not in sites and key not in plan.new_sites:
            close = close_site_name(site.name, [s.name for s in existing_sites])
            if close is not None:  # a typo, not a new site (issue #14 item 10)
                problems.append(
                    f"row {number}, column data_center: no data center is named '{site.name}'; did you mean "
                    f"'{close}'? (fix the name: as written, a new data center would be created)"
                )
                continue
            plan.new_sites[key] = site
        elif key in plan.new_sites:
            _fill_site(plan.new_sites, key, site)
        if isinstance(record, SiteRow):
            continue
        problems.extend(_check_model(record, models, plan.new_models))
        if record.batch_id is None:
            plan.groups.append([record])
        elif record.batch_id in by_id:
            problems.extend(_check_part(by_id[record.batch_id][0], record))
            by_id[record.batch_id].append(record)
        else:
            by_id[record.batch_id] = [record]
            plan.groups.append(by_id[record.batch_id])
    plan.total_rows = done
    if table.problems:  # found while reading (JSON keys), listed first like a header's
        problems[:0] = table.problems
    if len(problems) >= MAX_PROBLEMS:
        del problems[MAX_PROBLEMS:]
        problems.append(f"more than {MAX_PROBLEMS:,} problems: the first {MAX_PROBLEMS:,} are listed; fix them first")
    # Only the batches the file names: a fleet of 100,000 need not be read for a file of ten.
    named = (g[0].batch_id for g in plan.groups if g[0].batch_id is not None)
    plan.existing = {b.id or 0: b for b in store.batches_with_ids(named)}
    if progress:
        progress(PROGRESS_SCALE, 2 * PROGRESS_SCALE)


def _blank(cells: list[Any]) -> bool:
    """No value in the row (stops at the first value: most rows have one in the first cell)."""
    for value in cells:
        if value is None or value == "" or (type(value) is str and value.isspace()):
            continue
        return False
    return True


def close_site_name(name: str, existing: list[str]) -> str | None:
    """An existing site name one or two letters away ("Kazakstan" for "Kazakhstan"); names that
    differ in their digits ("Texas 2" beside "Texas") are distinct sites, never a typo."""
    digits = re.sub(r"\D", "", name)
    folded = {n.casefold(): n for n in existing if re.sub(r"\D", "", n) == digits}
    found = difflib.get_close_matches(name.casefold(), list(folded), n=1, cutoff=0.85)
    return folded[found[0]] if found else None


def _fill_site(new_sites: dict[str, SiteRow], key: str, site: SiteRow) -> None:
    # The first row naming a new site wins; later rows only fill what it left empty.
    first = new_sites[key]
    if (not first.country and site.country) or (first.capacity_mw is None and site.capacity_mw is not None):
        new_sites[key] = replace(
            first,
            country=first.country or site.country,
            capacity_mw=first.capacity_mw if first.capacity_mw is not None else site.capacity_mw,
        )


def _unknown_model(
    number: int, error: RowProblems, models: dict[str, MinerModel], new: dict[str, BatchRecord]
) -> list[str]:
    """A row with other problems still says when its model is unknown and has no figures."""
    if error.model is None or any(c in ("ths_per_unit", "watts_per_unit") for c, _ in error.problems):
        return []
    name, ths, watts = error.model
    key = name_key(name)
    if key in models or key in new or (ths is not None and watts is not None):
        return []
    return [f"row {number}, column miner_model: {_not_in_catalog(name, models)}"]


def _not_in_catalog(name: str, models: dict[str, MinerModel]) -> str:
    """Said under the model's own column (issue #14 item 10), with the nearest catalog name."""
    names = {m.name.casefold(): m.name for m in models.values()}
    close = difflib.get_close_matches(name.casefold(), list(names), n=1, cutoff=0.8)
    hint = f" (did you mean '{names[close[0]]}'?)" if close else ""
    return f"'{name}' is not in the catalog{hint}; give ths_per_unit and watts_per_unit to add it"


def _check_model(record: BatchRecord, models: dict[str, MinerModel], new: dict[str, BatchRecord]) -> list[str]:
    key = name_key(record.miner_model)
    known = models.get(key)
    ths: float | None
    watts: float | None
    if known is not None:
        ths, watts, source = known.ths, known.watts, "the catalog"
    elif key in new:
        ths, watts, source = new[key].ths, new[key].watts, f"row {new[key].row}"
    elif record.ths is None or record.watts is None:
        return [f"row {record.row}, column miner_model: {_not_in_catalog(record.miner_model, models)}"]
    else:
        new[key] = record
        return []
    found = []
    if record.ths is not None and record.ths != ths:
        found.append(f"row {record.row}, column ths_per_unit: {record.miner_model} is {ths:g} TH/s in {source}")
    if record.watts is not None and record.watts != watts:
        found.append(f"row {record.row}, column watts_per_unit: {record.miner_model} is {watts:g} W in {source}")
    return found


_PART_FIELDS = ("data_center", "miner_model", "ordered_on", "expected_on", "unit_price_usd", "supplier", "notes")


def _check_part(first: BatchRecord, part: BatchRecord) -> list[str]:
    """Rows sharing an id are parts of one batch: their batch fields must agree."""
    return [
        f"row {part.row}, column {column}: batch id {part.batch_id} is also on row {first.row} "
        f"with a different {column}"
        for column, a, b in zip(_PART_FIELDS, first.batch_fields(), part.batch_fields(), strict=True)
        if a != b
    ]


def import_file(
    session: Session,
    path: str | Path,
    sheet: str | None = None,
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    options: ImportOptions | None = None,
) -> ImportResult:
    """Validates ``path`` and (unless ``dry_run``) imports it all; raises ImportFileError."""
    plan = plan_import(session.store, path, sheet, progress=progress, cancel=cancel, options=options)
    plan.raise_problems()
    if dry_run:
        return result_of(plan, dry_run=True)
    result = write_plan(session.store, plan, progress=progress, cancel=cancel, spend=True)
    session.fleet.notify("import")
    return result


def import_previewed(
    session: Session,
    plan: ImportPlan,
    *,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> ImportResult:
    """Writes the plan a preview made without reading the file again, when neither the file
    nor the database changed since (the same stamp, compared inside the import's
    transaction); otherwise checks the file again first, as import_file does.

    Once written, the plan is spent: its groups are freed here, on the caller's (worker)
    thread, not wherever the preview drops it. After a failure it is left whole to retry.
    """
    store = session.store
    with store.write(f"import {plan.path.name}"):  # write_plan's transaction, begun here
        unchanged = bool(plan.stamp) and plan.stamp == source_stamp(store, plan.path, plan.sheet)
        result = write_plan(store, plan, progress=progress, cancel=cancel) if unchanged else None
    if result is None:
        result = import_file(session, plan.path, plan.sheet, progress=progress, cancel=cancel, options=plan.options)
    else:
        session.fleet.notify("import")
    plan.release()
    return result
