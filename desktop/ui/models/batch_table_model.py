"""The batch table: a QAbstractTableModel over the ordered ids of a selection, rows read by page.

The window's worker filters, sorts and counts in SQL (services/batch_pages.py) and hands
over the ids of the batches that pass, in order, with the rows of the first page; the
model reads the rows of other pages as the view asks for them (a page of 500 rows is a
few milliseconds). Nothing on the UI thread walks every row: a new selection replaces the
ids in one reset, the same ids again (a refresh) repaint the rows on screen.

Sorting and filtering only record what the operator asked for and emit ``query_changed``:
the window reads the new selection on its worker, a newer request cancelling an older one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from desktop.errors import HashplanError
from desktop.services.batch_columns import COLUMN_INDEX, COLUMNS, SortSpec
from desktop.services.batch_pages import BatchFilter
from desktop.services.reports import BatchRow

__all__ = ["BATCH_ID_ROLE", "COLUMNS", "COLUMN_INDEX", "PAGE_ROWS", "BatchTableModel", "RowReader"]

log = logging.getLogger(__name__)

PAGE_ROWS = 500
CACHED_ROWS = 20_000  # rows kept once read: scrolling back is free, memory stays small
BATCH_ID_ROLE = Qt.ItemDataRole.UserRole + 2

Index = QModelIndex | QPersistentModelIndex
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter

RowReader = Callable[[Sequence[int]], Sequence[BatchRow]]  # ids -> their rows (deleted ones left out)


class BatchTableModel(QAbstractTableModel):
    """Rows are the ids of a selection; their contents come from a snapshot's first page or
    from ``read_rows`` a page at a time."""

    query_changed = Signal()  # the sort or the filters changed: the selection must be read again

    def __init__(self, parent: Any = None, *, page_rows: int = PAGE_ROWS) -> None:
        super().__init__(parent)
        self._ids: np.ndarray = np.empty(0, dtype=np.int64)
        self._total = 0  # batches of the site before the filters
        self._rows: dict[int, BatchRow] = {}
        self._read_pages: set[int] = set()
        self._read_rows: RowReader | None = None
        self._page_rows = page_rows
        self._sort: SortSpec | None = None
        self._filter = BatchFilter()

    # -- contents ------------------------------------------------------------------------

    def set_selection(
        self, ids: np.ndarray, first_rows: Sequence[BatchRow], total: int, read_rows: RowReader | None = None
    ) -> None:
        """New data: the same ids keep the view's selection and scroll and repaint what it shows."""
        ids = np.asarray(ids, dtype=np.int64)
        self._read_rows = read_rows
        if np.array_equal(ids, self._ids):
            self._total = total
            self._forget_rows(first_rows)
            if len(ids):
                self.dataChanged.emit(self.index(0, 0), self.index(len(ids) - 1, len(COLUMNS) - 1))
            return
        self.beginResetModel()
        self._ids, self._total = ids, total
        self._forget_rows(first_rows)
        self.endResetModel()

    def _forget_rows(self, keep: Sequence[BatchRow]) -> None:
        self._rows = {row.batch.id or 0: row for row in keep}
        self._read_pages.clear()

    @property
    def ids(self) -> np.ndarray:
        """The batch ids in the table's order (read-only)."""
        view = self._ids.view()
        view.flags.writeable = False
        return view

    @property
    def total(self) -> int:
        return self._total

    @property
    def sort_spec(self) -> SortSpec | None:
        return self._sort

    @property
    def sort_column(self) -> int:
        return -1 if self._sort is None else self._sort[0]

    @property
    def batch_filter(self) -> BatchFilter:
        return self._filter

    def row_of(self, batch_id: int) -> int:
        """The row showing this batch, or -1."""
        found = np.flatnonzero(self._ids == batch_id)
        return int(found[0]) if len(found) else -1

    def row_at(self, row: int) -> BatchRow | None:
        """The batch shown in this row (read with its page), None when it was deleted meanwhile."""
        if not 0 <= row < len(self._ids):
            return None
        batch_id = int(self._ids[row])
        found = self._rows.get(batch_id)
        if found is None:
            page = row // self._page_rows
            if page in self._read_pages or self._read_rows is None:
                return None
            if len(self._rows) > CACHED_ROWS:
                self._forget_rows(())
            start = page * self._page_rows
            self._read_pages.add(page)  # once per snapshot, even when the read fails
            try:
                page_rows = self._read_rows(self._ids[start : start + self._page_rows].tolist())
            except HashplanError as error:  # busy or replaced: the next refresh reads it again
                log.warning("reading a page of batches failed: %s", error)
                return None
            for read in page_rows:
                self._rows[read.batch.id or 0] = read
            found = self._rows.get(batch_id)
        return found

    # -- what the operator asks for ------------------------------------------------------

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        spec = (column, order == Qt.SortOrder.DescendingOrder) if 0 <= column < len(COLUMNS) else None
        if spec != self._sort:
            self._sort = spec
            self.query_changed.emit()

    def set_filter(self, batch_filter: BatchFilter) -> None:
        if batch_filter != self._filter:
            self._filter = batch_filter
            self.query_changed.emit()

    # -- QAbstractTableModel -------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._ids):
            return None
        if role == BATCH_ID_ROLE:
            return int(self._ids[index.row()])
        column = COLUMNS[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return RIGHT if column.numeric else LEFT
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        row = self.row_at(index.row())
        if row is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(column.value(row))
        if index.column() == COLUMN_INDEX["Model"]:
            return f"{row.model.label}: {row.model.ths:,g} TH/s, {row.model.watts:,g} W a unit"
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        column = COLUMNS[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.title
        if role == Qt.ItemDataRole.ToolTipRole:
            return column.tooltip or None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return RIGHT if column.numeric else LEFT
        return None
