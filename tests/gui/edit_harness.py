"""A stand-in for the main window's selection, and table dumps for before/after checks."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QWidget

from desktop.server_address import ServerAddress
from desktop.services.reports import FleetQueries, summary_to_json
from desktop.services.session import Session
from desktop.store import Store
from tests.pg_server import server_rows

Dump = dict[str, list[tuple[Any, ...]]]


class SelectionHarness(QWidget):
    """Implements SelectionContext: tests set ``site_id`` / ``batch_id`` directly."""

    def __init__(self) -> None:
        super().__init__()
        self.site_id: int | None = None
        self.batch_id: int | None = None

    def selected_site_id(self) -> int | None:
        return self.site_id

    def selected_batch_id(self) -> int | None:
        return self.batch_id


def dump_tables(path: Path, *, skip: tuple[str, ...] = (), drop_columns: tuple[str, ...] = ()) -> Dump:
    """Every row of every table (ids included), read through a second connection."""
    if isinstance(path, ServerAddress):
        return server_rows(path, skip=skip, drop_columns=drop_columns)
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [
            r[0]
            for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        ]
        result: Dump = {}
        for table in sorted(tables):
            if table in skip:
                continue
            columns = [c[1] for c in con.execute(f"PRAGMA table_info({table})") if c[1] not in drop_columns]
            rows = con.execute(f"SELECT {', '.join(columns)} FROM {table}").fetchall()
            result[table] = sorted(rows, key=repr)
        return result
    finally:
        con.close()


RECORD_TABLES = ("data_centers", "miner_models", "batches", "batch_events", "targets")


def records(path: Path) -> Dump:
    """Everything an undo must put back: the operator's records, ids included, and what they add up to.

    Row ``version`` columns are left out (an undo is itself a new change, so they move on);
    derived aggregate tables are compared through what they produce (summary, chart series),
    not row by row, since a zero row and a missing row mean the same.
    """
    dump = dump_tables(path, drop_columns=("version",))
    result: Dump = {table: dump[table] for table in RECORD_TABLES if table in dump}
    store = Store.open(path, readonly=True)
    try:
        queries = FleetQueries(store)
        result["summary"] = [(repr(summary_to_json(queries.summary(date(2100, 1, 1)))),)]
        result["series"] = [(repr(queries.series()),)] + [(repr(s),) for s in queries.series_by_site().items()]
    finally:
        store.close()
    return result


# -- driving the dialogs as a user would ------------------------------------------------


def site_id(session: Session, name: str) -> int:
    site = session.store.find_site(name)
    assert site is not None and site.id is not None
    return site.id


def model_id(session: Session, name: str) -> int:
    model = session.store.find_model(name)
    assert model is not None and model.id is not None
    return model.id


def pick(combo, item_id: int) -> None:
    index = combo.findData(item_id)
    assert index >= 0
    combo.setCurrentIndex(index)


def type_into(qtbot, edit, text: str) -> None:
    edit.clear()
    qtbot.keyClicks(edit, text)


def shown_reason(dialog, name: str) -> str:
    field = dialog.fields[name]
    return field.reason.text() if field.reason.isVisibleTo(dialog) else ""


def fill_batch(qtbot, dialog, session: Session, **overrides: str) -> None:
    values = {"units": "1,200", "price": "2,640", "supplier": "Bitmain", "notes": "lot 7"} | overrides
    pick(dialog.site_combo, site_id(session, "Texas"))
    pick(dialog.model_combo, model_id(session, "Antminer S19 XP"))
    type_into(qtbot, dialog.units_edit, values["units"])
    type_into(qtbot, dialog.unit_price_edit, values["price"])
    type_into(qtbot, dialog.supplier_edit, values["supplier"])
    dialog.ordered_edit.setDate(QDate(2026, 3, 2))
    dialog.expected_edit.setDate(QDate(2026, 5, 15))
    dialog.notes_edit.setPlainText(values["notes"])
