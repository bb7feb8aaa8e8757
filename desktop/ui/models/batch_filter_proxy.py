"""Filters the batch table by stage, model and free text (the source model sorts itself)."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QSortFilterProxyModel, Qt

from desktop.domain.lateness import is_overdue
from desktop.domain.stages import Stage
from desktop.ui.models.batch_table_model import BatchTableModel, Index


class BatchFilterProxy(QSortFilterProxyModel):
    """Stage (batches holding units in it), model and words; sorting passes to the source."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._stage: Stage | None = None
        self._model_id: int | None = None
        self._text = ""
        self._overdue = False  # only batches past their expected date, not all deployed (issue #14 item 9)
        self._today = date.today()
        self._filtering = False
        # Rows are filtered when they arrive (a reset) or when a filter changes, not on every
        # dataChanged: a refresh of 100,000 unchanged rows must not call Python 100,000 times.
        self.setDynamicSortFilter(False)

    def setSourceModel(self, model: Any) -> None:
        super().setSourceModel(model)
        model.modelReset.connect(self._complete_if_needed)

    def batch_model(self) -> BatchTableModel:
        source = self.sourceModel()
        assert isinstance(source, BatchTableModel)
        return source

    def _complete_if_needed(self) -> None:
        if self.needs_every_row():
            self.batch_model().fetch_all()

    def set_filters(self, *, stage: Stage | None, model_id: int | None, text: str, overdue: bool = False) -> None:
        text = text.strip().casefold()
        if (stage, model_id, text, overdue) == (self._stage, self._model_id, self._text, self._overdue):
            return
        self._stage, self._model_id, self._text, self._overdue = stage, model_id, text, overdue
        self._today = date.today()
        self._filtering = self.is_filtering()
        if self._filtering:
            self.batch_model().fetch_all()  # a filter over the first page would hide matches
        self._rows_filter_changed()

    def refilter(self) -> None:
        """New figures for the same rows (dataChanged): a stage filter may now differ."""
        if self._filtering:
            self._rows_filter_changed()

    def _rows_filter_changed(self) -> None:
        if hasattr(self, "beginFilterChange"):  # Qt 6.10+
            self.beginFilterChange()
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self.invalidateRowsFilter()

    def needs_every_row(self) -> bool:
        """Sorted or filtered: only the whole list gives the right answer."""
        return self.batch_model().sort_column >= 0 or self._filtering

    def is_filtering(self) -> bool:
        return self._stage is not None or self._model_id is not None or bool(self._text) or self._overdue

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """The source sorts (fast, by raw value); this proxy keeps its order and only filters."""
        self.batch_model().sort(column, order)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        if not self._filtering:
            return True
        row = self.batch_model().row_at(source_row)
        if self._stage is not None and row.counts[self._stage] == 0:
            return False
        if self._model_id is not None and row.model.id != self._model_id:
            return False
        if self._overdue and not is_overdue(row.batch.expected_on, row.counts, self._today):
            return False
        if self._text:
            haystack = " ".join(
                (str(row.batch.id), row.site_name, row.model.label, row.batch.supplier, row.batch.notes, row.status)
            ).casefold()
            return all(word in haystack for word in self._text.split())
        return True
