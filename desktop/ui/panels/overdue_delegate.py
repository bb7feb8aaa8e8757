"""Tints the rows of overdue batches (issue #14 item 9) without touching the table model."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QModelIndex, QPersistentModelIndex
from PySide6.QtGui import QBrush, QColor, QFont, QPalette
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem, QWidget

from desktop.domain.lateness import is_overdue
from desktop.services.batch_columns import COLUMN_INDEX
from desktop.services.reports import BatchRow

OVERDUE = "overdue"  # the stage filter's entry for overdue batches
_AMBER = QColor("#f59f00")


def overdue_tint(palette: QPalette) -> QColor:
    """Amber mixed into the base colour: reads on light and dark, far from the selection's blue."""
    base = palette.color(QPalette.ColorRole.Base)
    share = 0.30 if base.lightness() < 128 else 0.22
    return QColor(*(round(b + (a - b) * share) for a, b in zip(_AMBER.getRgb()[:3], base.getRgb()[:3], strict=True)))


class OverdueDelegate(QStyledItemDelegate):
    def __init__(self, parent: QWidget, row_at: Callable[[QModelIndex], BatchRow]) -> None:
        super().__init__(parent)
        self._row_at = row_at
        self._expected_column = COLUMN_INDEX["Expected on"]

    def is_overdue(self, index: QModelIndex | QPersistentModelIndex) -> bool:
        row = self._row_at(index)  # type: ignore[arg-type]
        return is_overdue(row.batch.expected_on, row.counts, date.today())

    def initStyleOption(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        super().initStyleOption(option, index)
        if not self.is_overdue(index):
            return
        option.backgroundBrush = QBrush(overdue_tint(option.palette))  # type: ignore[attr-defined]
        if index.column() == self._expected_column:
            font = QFont(option.font)  # type: ignore[attr-defined]
            font.setBold(True)
            option.font = font  # type: ignore[attr-defined]
