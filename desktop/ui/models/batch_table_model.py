"""The batch table: a QAbstractTableModel over FleetQueries.batch_rows, paged in.

Rows are handed to views in chunks (canFetchMore/fetchMore): a fleet of 100,000 batches
reads and shows its first page at once and reads further pages as the operator scrolls.
Sorting or filtering needs every row: the model asks for all of them (the window reads
them on a worker). The model sorts itself (one key sort of a Python list: ~0.1 s for
100,000 rows, where a proxy's comparisons through data() took 15 s); the proxy
(batch_filter_proxy.py) only filters.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from desktop.services.batch_columns import COLUMN_INDEX, COLUMNS, SortSpec, sort_rows
from desktop.services.reports import BatchRow

__all__ = ["BATCH_ID_ROLE", "CHUNK_ROWS", "COLUMNS", "COLUMN_INDEX", "BatchTableModel", "PageFetcher"]

CHUNK_ROWS = 500
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
BATCH_ID_ROLE = Qt.ItemDataRole.UserRole + 2

Index = QModelIndex | QPersistentModelIndex
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter

PageFetcher = Callable[[int, int], Sequence[BatchRow]]  # (offset, limit) -> rows


class BatchTableModel(QAbstractTableModel):
    """Rows come from a snapshot (often its first page); more pages are read on demand."""

    needs_all_rows = Signal()  # sorting, filtering or scrolling past the first page
    sort_changed = Signal(object)  # SortSpec | None: later reads come sorted from the worker

    def __init__(self, parent: Any = None, *, chunk: int = CHUNK_ROWS) -> None:
        super().__init__(parent)
        self._rows: list[BatchRow] = []
        self._total = 0  # batches in the selection (rows may hold only the first page)
        self._fetch_page: PageFetcher | None = None
        self._shown = 0  # rows handed to views so far
        self._chunk = chunk
        self._want_all = False  # sorted or filtered: hand views every row as it arrives
        self._sort: SortSpec | None = None
        self._ids: tuple[int | None, ...] = ()  # the rows' batch ids: a cheap "same rows?" test

    # -- contents ------------------------------------------------------------------------

    def set_rows(
        self,
        rows: Sequence[BatchRow],
        total: int | None = None,
        fetch_page: PageFetcher | None = None,
        *,
        sorted_by: SortSpec | None = None,
        ids: tuple[int | None, ...] | None = None,
    ) -> None:
        """New data: keep the view's selection and scroll when the same batches remain.

        ``sorted_by`` says the rows come sorted already (by the worker); ``ids`` are their
        batch ids when known (the worker computes them off the UI thread).
        """
        if sorted_by != self._sort:
            rows, ids = sort_rows(rows, self._sort), None
        rows = list(rows)
        ids = ids if ids is not None else tuple(row.batch.id for row in rows)
        total = len(rows) if total is None else total
        self._fetch_page = fetch_page
        same = total == self._total and len(rows) >= self._shown and ids[: self._shown] == self._ids[: self._shown]
        self._ids = ids
        if same:
            self._rows = rows
            if self._shown:
                self.dataChanged.emit(self.index(0, 0), self.index(self._shown - 1, len(COLUMNS) - 1))
            if self._want_all:
                self._show_every_row()
            return
        self.beginResetModel()
        self._rows, self._total = rows, total
        self._shown = min(len(rows), max(self._shown, self._chunk))
        self._want_all = False  # a sorted or filtered proxy asks again on the reset
        self.endResetModel()

    def row_at(self, row: int) -> BatchRow:
        return self._rows[row]

    def all_rows(self) -> list[BatchRow]:
        return list(self._rows)

    @property
    def total(self) -> int:
        return self._total

    @property
    def sort_column(self) -> int:
        return -1 if self._sort is None else self._sort[0]

    @property
    def complete(self) -> bool:
        return len(self._rows) >= self._total

    def fetch_all(self) -> None:
        """Hands views every row read so far, and asks for the rest (read off the UI thread)."""
        self._want_all = True
        if not self.complete:
            self.needs_all_rows.emit()
        self._show_every_row()

    def _show_every_row(self) -> None:
        more = len(self._rows) - self._shown
        if more > 0:
            self.beginInsertRows(QModelIndex(), self._shown, len(self._rows) - 1)
            self._shown = len(self._rows)
            self.endInsertRows()

    # -- sorting -------------------------------------------------------------------------

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._sort = (column, order == Qt.SortOrder.DescendingOrder) if 0 <= column < len(COLUMNS) else None
        self.sort_changed.emit(self._sort)
        if self._sort is not None:
            self.fetch_all()  # sorting only the rows read so far would mislead
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        ids = [self._rows[i.row()].batch.id if i.row() < len(self._rows) else None for i in persistent]
        self._rows[: self._shown] = sort_rows(self._rows[: self._shown], self._sort)
        self._rows[self._shown :] = sort_rows(self._rows[self._shown :], self._sort)
        self._ids = tuple(row.batch.id for row in self._rows)
        where = {row.batch.id: i for i, row in enumerate(self._rows[: self._shown])}
        moved = [
            self.index(where[batch_id], index.column()) if batch_id in where else QModelIndex()
            for batch_id, index in zip(ids, persistent, strict=True)
        ]
        self.changePersistentIndexList(persistent, moved)
        self.layoutChanged.emit()

    # -- paging --------------------------------------------------------------------------

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._shown < self._total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid():
            return
        wanted = min(self._shown + self._chunk, self._total)
        if wanted > len(self._rows) and self._fetch_page is not None:
            # One page now (a few ms) so scrolling answers at once; the rest comes in the background.
            page = self._fetch_page(len(self._rows), wanted - len(self._rows))
            self._rows.extend(page)
            self._ids += tuple(row.batch.id for row in page)
            self.needs_all_rows.emit()
            if not page:
                self._total = len(self._rows)
        more = min(wanted, len(self._rows)) - self._shown
        if more <= 0:
            return
        self.beginInsertRows(QModelIndex(), self._shown, self._shown + more - 1)
        self._shown += more
        self.endInsertRows()

    # -- QAbstractTableModel -------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._shown

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= self._shown:
            return None
        row = self._rows[index.row()]
        column = COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(column.value(row))
        if role == SORT_ROLE:
            value = column.value(row)
            return value.toordinal() if isinstance(value, date) else (-1 if value is None else value)
        if role == BATCH_ID_ROLE:
            return row.batch.id
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return RIGHT if column.numeric else LEFT
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == COLUMN_INDEX["Model"]:
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
