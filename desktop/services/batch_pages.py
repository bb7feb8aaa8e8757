"""The batch table's query service: the ids of a selection in order, and their rows by page.

Filtering, sorting and counting happen in SQL (store/batch_selection.py) on the window's
worker; the table holds only the ordered ids (8 bytes a batch) and reads the rows of the
pages on screen. Nothing here walks every row in Python.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from desktop.domain.stages import Stage
from desktop.services.batch_columns import COLUMNS, SortSpec
from desktop.services.reports import BatchRow, FleetQueries, batch_row_from
from desktop.store import Store, batch_selection


@dataclass(frozen=True)
class BatchFilter:
    """What the table's filters ask: units in a stage, one model, words of the row's text."""

    stage: Stage | None = None
    model_id: int | None = None
    text: str = ""
    overdue: bool = False  # only batches past their expected date and not all deployed (issue #14 item 9)

    @property
    def words(self) -> tuple[str, ...]:
        return tuple(self.text.casefold().split())

    @property
    def active(self) -> bool:
        return self.stage is not None or self.model_id is not None or bool(self.words) or self.overdue


def batch_ids(
    store: Store, site_id: int | None, batch_filter: BatchFilter = BatchFilter(), sort: SortSpec | None = None
) -> np.ndarray:
    """The ids of the site's (None: every site's) batches that pass the filter, in the
    table's order: ``sort`` is (column index, descending) over COLUMNS, None the order date."""
    key, descending = None, False
    if sort is not None and 0 <= sort[0] < len(COLUMNS):
        key, descending = COLUMNS[sort[0]].key, sort[1]
    return batch_selection.batch_ids(
        store,
        site_id,
        stage=None if batch_filter.stage is None else batch_filter.stage.value,
        model_id=batch_filter.model_id,
        words=batch_filter.words,
        sort_key=key,
        descending=descending,
        overdue_on=date.today().isoformat() if batch_filter.overdue else None,
    )


def batch_rows_by_id(queries: FleetQueries, ids: Sequence[int] | np.ndarray) -> list[BatchRow]:
    """The rows of these batches in the order of ``ids`` (a batch deleted meanwhile is left out)."""
    if len(ids) == 0:
        return []
    store = queries.store
    models = {m.id or 0: m for m in store.list_models()}
    names = {s.id: s.name for s in store.list_sites()}
    found = {row[0]: row for row in batch_selection.batch_rows_by_id(store, ids)}
    return [batch_row_from(found[i], models, names) for i in map(int, ids) if i in found]
