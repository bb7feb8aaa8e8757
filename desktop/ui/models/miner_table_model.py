"""The miners view's table: one row a known miner with its latest reading; sortable by
every column (numbers as numbers), filtered by status and free text through the proxy."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt

from desktop.domain.measured import HASHING, MinerRow

Index = QModelIndex | QPersistentModelIndex
SORT_ROLE = Qt.ItemDataRole.UserRole + 1

COLUMNS = ("Address", "Model", "Firmware", "TH/s now", "Ideal TH/s", "W", "J/TH", "Temp °C", "Last seen", "Status")


def _address_key(address: str) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in address.split("."))
    except ValueError:
        return (0,)


def _number(value: float | None, decimals: int) -> str:
    return "" if value is None else f"{value:,.{decimals}f}"


def _when(epoch: int | None) -> str:
    return "never" if epoch is None else datetime.fromtimestamp(epoch).strftime("%Y-%m-%d %H:%M:%S")


class MinerTableModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[MinerRow] = []

    def set_rows(self, rows: list[MinerRow]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = self.rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, column)
        if role == SORT_ROLE:
            return self._key(row, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and 3 <= column <= 7:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and row.error:
            return row.error
        return None

    @staticmethod
    def _text(row: MinerRow, column: int) -> str:
        values = (
            row.address,
            row.model or f"{row.reported_type or '?'} (not in the catalog)",
            row.firmware,
            _number(row.ths_5s, 2),
            _number(row.ideal_ths, 2),
            _number(row.watts, 0),
            _number(row.j_per_th, 1),
            _number(row.max_temp_c, 0),
            _when(row.last_seen),
            row.status,
        )
        return values[column]

    @staticmethod
    def _key(row: MinerRow, column: int) -> Any:
        numbers = (row.ths_5s, row.ideal_ths, row.watts, row.j_per_th, row.max_temp_c)
        if column == 0:
            return _address_key(row.address)
        if 3 <= column <= 7:
            value = numbers[column - 3]
            return -1.0 if value is None else float(value)
        if column == 8:
            return row.last_seen or 0
        return MinerTableModel._text(row, column).casefold()


class MinerFilterProxy(QSortFilterProxyModel):
    """Status (one of the statuses, "Not hashing well" = anything but Hashing) and words."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._status: str | None = None
        self._text = ""
        self.setSortRole(SORT_ROLE)

    def set_filters(self, *, status: str | None, text: str) -> None:
        self._status, self._text = status, text.strip().casefold()
        if hasattr(self, "beginFilterChange"):  # Qt 6.10+
            self.beginFilterChange()
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self.invalidateRowsFilter()

    def lessThan(self, left: Index, right: Index) -> bool:
        a, b = left.data(SORT_ROLE), right.data(SORT_ROLE)
        try:
            return bool(a < b)
        except TypeError:
            return str(a) < str(b)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        model = self.sourceModel()
        assert isinstance(model, MinerTableModel)
        row = model.rows[source_row]
        if self._status == "problems" and row.status in (HASHING,):
            return False
        if self._status not in (None, "problems") and row.status != self._status:
            return False
        if self._text:
            words = " ".join(MinerTableModel._text(row, c) for c in range(len(COLUMNS))).casefold()
            return all(word in words for word in self._text.split())
        return True
