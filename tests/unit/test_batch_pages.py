"""The batch table's selection in SQL gives what filtering and sorting the rows in Python gives."""

from __future__ import annotations

from datetime import date

import pytest

from desktop.domain.stages import Stage
from desktop.services.batch_columns import COLUMNS, sort_rows
from desktop.services.batch_pages import BatchFilter, batch_ids, batch_rows_by_id
from desktop.services.generator import generate_fleet
from desktop.services.reports import BatchRow
from desktop.services.session import Session

pytestmark = pytest.mark.both_backends  # store, services: on SQLite and on PostgreSQL

TODAY = date(2026, 11, 25)


@pytest.fixture
def fleet(session: Session) -> Session:
    generate_fleet(session.store, batches=300, events=2000, seed=3, today=TODAY)
    site = session.store.list_sites()[0]
    # Text that only a casefolded match finds, and ties in the sort keys.
    session.fleet.add_batch(site.id, "Antminer S9", 40, "2020-01-01", "2020-02-01", "100", "STRAßE Mining", "Größe")
    session.fleet.add_batch(site.id, "Antminer S9", 40, "2020-01-01", "2020-02-01", "100", "straße mining", "")
    return session


def _python_filter(rows: list[BatchRow], wanted: BatchFilter) -> list[BatchRow]:
    """What the table's proxy did before the filter moved to SQL."""

    def accepts(row: BatchRow) -> bool:
        if wanted.stage is not None and row.counts[wanted.stage] == 0:
            return False
        if wanted.model_id is not None and row.model.id != wanted.model_id:
            return False
        haystack = " ".join(
            (str(row.batch.id), row.site_name, row.model.label, row.batch.supplier, row.batch.notes, row.status)
        ).casefold()
        return all(word in haystack for word in wanted.words)

    return [row for row in rows if accepts(row)]


@pytest.mark.parametrize("column", range(len(COLUMNS)), ids=[c.title for c in COLUMNS])
@pytest.mark.parametrize("descending", [False, True])
def test_every_column_sorts_in_sql_as_the_rows_sort_in_python(fleet: Session, column: int, descending: bool) -> None:
    rows = fleet.queries.batch_rows()
    expected = [row.batch.id for row in sort_rows(rows, (column, descending))]
    assert batch_ids(fleet.store, None, sort=(column, descending)).tolist() == expected


@pytest.mark.parametrize(
    "wanted",
    [
        BatchFilter(stage=Stage.IN_TRANSIT),
        BatchFilter(stage=Stage.RETIRED),
        BatchFilter(text="partly deployed"),
        BatchFilter(text="in_transit"),
        BatchFilter(text="STRASSE"),  # casefolded: ß matches ss
        BatchFilter(text="größe"),
        BatchFilter(text="bitmain s19"),
        BatchFilter(text="12"),  # batch ids
        BatchFilter(text="empty-nothing"),
    ],
    ids=repr,
)
def test_filters_in_sql_keep_the_rows_the_table_kept(fleet: Session, wanted: BatchFilter) -> None:
    rows = fleet.queries.batch_rows()
    expected = [row.batch.id for row in _python_filter(rows, wanted)]
    assert batch_ids(fleet.store, None, wanted).tolist() == expected


def test_site_model_and_stage_filters_combine_with_a_sort(fleet: Session) -> None:
    site = fleet.store.list_sites()[0]
    model = fleet.store.list_models()[0]
    rows = [r for r in fleet.queries.batch_rows(site.id) if r.model.id == model.id]
    wanted = BatchFilter(stage=Stage.DEPLOYED, model_id=model.id)
    sort = (COLUMNS.index(next(c for c in COLUMNS if c.title == "Deployed on")), True)
    expected = [row.batch.id for row in sort_rows(_python_filter(rows, wanted), sort)]
    assert batch_ids(fleet.store, site.id, wanted, sort).tolist() == expected


def test_rows_by_id_come_in_the_order_asked_and_skip_deleted_batches(fleet: Session) -> None:
    ids = batch_ids(fleet.store, None, sort=(0, True))[:700]
    fleet.fleet.delete_batch(int(ids[3]))
    rows = batch_rows_by_id(fleet.queries, ids)
    assert [row.batch.id for row in rows] == [int(i) for i in ids if i != ids[3]]
    by_offset = {row.batch.id: row for row in fleet.queries.batch_rows()}
    assert all(row == by_offset[row.batch.id] for row in rows)
