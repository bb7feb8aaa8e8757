"""A stand-in for the main window's selection, and table dumps for before/after checks."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QWidget

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


def records(path: Path) -> Dump:
    """Everything an undo must put back: every table but the audit trail, ids included.

    Left out, because an undo is itself a new change: row ``version`` columns and
    ``*_versions`` tables (change counters that must move on so other windows notice),
    and zero rows of ``*_deltas`` aggregates (a delta of 0 says nothing).
    """
    dump = dump_tables(path, skip=("audit",), drop_columns=("version",))
    result: Dump = {}
    for table, rows in dump.items():
        if table.endswith("_versions"):
            continue
        if table.endswith("_deltas"):
            counts = [i for i, name in enumerate(_columns(path, table)) if not name.endswith("_id") and name != "day"]
            rows = [r for r in rows if any(r[i] for i in counts)]
        result[table] = rows
    return result


def _columns(path: Path, table: str) -> list[str]:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return [c[1] for c in con.execute(f"PRAGMA table_info({table})") if c[1] != "version"]
    finally:
        con.close()
