"""The batch table: a QAbstractTableModel over FleetQueries-style BatchRows, paged in.

Rows are handed over in chunks (canFetchMore/fetchMore) so a fleet of 100,000 batches
does not make the view lay out every row at once. Sorting or filtering needs every
row, so the proxy fetches the rest before it sorts or filters.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt

from desktop.domain.stages import Stage
from desktop.services.reports import BatchRow

CHUNK_ROWS = 500
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
BATCH_ID_ROLE = Qt.ItemDataRole.UserRole + 2

Index = QModelIndex | QPersistentModelIndex
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


@dataclass(frozen=True)
class Column:
    title: str
    value: Callable[[BatchRow], Any]  # the raw value: sorting and tests use it
    text: Callable[[Any], str] = str
    numeric: bool = False
    tooltip: str = ""


def _int(value: int) -> str:
    return f"{value:,}"


def _date(value: date | None) -> str:
    return value.isoformat() if value else ""


def _stage(stage: Stage) -> Callable[[BatchRow], int]:
    return lambda row: row.counts[stage]


COLUMNS: tuple[Column, ...] = (
    Column("ID", lambda r: r.batch.id or 0, _int, True, "Batch number (what the command line calls ID)"),
    Column("Data center", lambda r: r.site_name),
    Column("Model", lambda r: r.model.label),
    Column("Units", lambda r: r.batch.units, _int, True, "Units bought in this batch"),
    Column("Ordered", _stage(Stage.ORDERED), _int, True, "Units not shipped yet"),
    Column("In transit", _stage(Stage.IN_TRANSIT), _int, True, "Units shipped, not delivered"),
    Column("On site", _stage(Stage.ON_SITE), _int, True, "Units delivered, not yet hashing"),
    Column("Deployed", _stage(Stage.DEPLOYED), _int, True, "Units hashing"),
    Column("Retired", _stage(Stage.RETIRED), _int, True),
    Column("Cancelled", _stage(Stage.CANCELLED), _int, True),
    Column("TH/s", lambda r: r.planned_ths, lambda v: f"{v:,.1f}", True, "Planned hash rate: active units x TH/s"),
    Column("Cost (USD)", lambda r: r.cost_cents, lambda v: f"{v / 100:,.2f}", True, "Units x unit price"),
    Column("Ordered on", lambda r: r.batch.ordered_on, _date),
    Column("Expected on", lambda r: r.batch.expected_on, _date, tooltip="Expected deployment date"),
    Column("Deployed on", lambda r: r.deployed_on, _date, tooltip="Latest deployment"),
    Column("Supplier", lambda r: r.batch.supplier),
    Column("Status", lambda r: r.status),
)
COLUMN_INDEX = {column.title: i for i, column in enumerate(COLUMNS)}


class BatchTableModel(QAbstractTableModel):
    def __init__(self, parent: Any = None, *, chunk: int = CHUNK_ROWS) -> None:
        super().__init__(parent)
        self._rows: list[BatchRow] = []
        self._shown = 0  # rows handed to views so far
        self._chunk = chunk

    # -- contents ------------------------------------------------------------------------

    def set_rows(self, rows: Sequence[BatchRow]) -> None:
        """New data: keep the view's selection and scroll when the same batches remain."""
        rows = list(rows)
        same = len(rows) == len(self._rows) and all(
            a.batch.id == b.batch.id for a, b in zip(rows, self._rows, strict=True)
        )
        if same:
            self._rows = rows
            if self._shown:
                self.dataChanged.emit(self.index(0, 0), self.index(self._shown - 1, len(COLUMNS) - 1))
            return
        self.beginResetModel()
        self._rows = rows
        self._shown = min(len(rows), max(self._shown, self._chunk))
        self.endResetModel()

    def row_at(self, row: int) -> BatchRow:
        return self._rows[row]

    def all_rows(self) -> list[BatchRow]:
        return list(self._rows)

    def fetch_all(self) -> None:
        while self.canFetchMore(QModelIndex()):
            self.fetchMore(QModelIndex())

    # -- paging --------------------------------------------------------------------------

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._shown < len(self._rows)

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid():
            return
        more = min(self._chunk, len(self._rows) - self._shown)
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


class BatchFilterProxy(QSortFilterProxyModel):
    """Filters by stage (batches holding units in it), model and free text; sorts by raw value."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._stage: Stage | None = None
        self._model_id: int | None = None
        self._text = ""
        self.setSortRole(SORT_ROLE)
        self.setDynamicSortFilter(True)

    def setSourceModel(self, model: Any) -> None:
        super().setSourceModel(model)
        model.modelReset.connect(self._complete_if_needed)

    def _complete_if_needed(self) -> None:
        if self.sortColumn() >= 0 or self.is_filtering():
            self.batch_model().fetch_all()

    def batch_model(self) -> BatchTableModel:
        source = self.sourceModel()
        assert isinstance(source, BatchTableModel)
        return source

    def set_filters(self, *, stage: Stage | None, model_id: int | None, text: str) -> None:
        text = text.strip().casefold()
        if (stage, model_id, text) == (self._stage, self._model_id, self._text):
            return
        change = getattr(self, "beginFilterChange", None)  # Qt 6.10+; invalidateRowsFilter before
        if change is not None:
            change()
        self._stage, self._model_id, self._text = stage, model_id, text
        if self.is_filtering():
            self.batch_model().fetch_all()  # a filter over half the rows would hide matches
        if change is not None:
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self.invalidateRowsFilter()

    def is_filtering(self) -> bool:
        return self._stage is not None or self._model_id is not None or bool(self._text)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if column >= 0:
            self.batch_model().fetch_all()  # sorting only the fetched rows would mislead
        super().sort(column, order)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        row = self.batch_model().row_at(source_row)
        if self._stage is not None and row.counts[self._stage] == 0:
            return False
        if self._model_id is not None and row.model.id != self._model_id:
            return False
        if self._text:
            haystack = " ".join(
                (str(row.batch.id), row.site_name, row.model.label, row.batch.supplier, row.batch.notes, row.status)
            ).casefold()
            return all(word in haystack for word in self._text.split())
        return True
