"""The streaming readers: the same rows whatever the size of the pieces the file is read in."""

from __future__ import annotations

import csv
import io
import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.services import import_readers
from desktop.services.batch_format import EXPORT_HEADER
from desktop.services.import_readers import _lines, read_table
from desktop.services.json_reader import is_not_object


@given(text=st.text(alphabet='ab,;"\r\n\u00e9', max_size=80), piece=st.integers(1, 9))
def test_lines_in_pieces_are_the_lines_of_the_whole_text(text: str, piece: int) -> None:
    assert list(_lines(text, piece)) == list(io.StringIO(text, newline=""))


def _rows_of(path: Path) -> tuple[list[str], list[tuple[int, list[object]]]]:
    table = read_table(path)
    try:
        return table.header, list(table.rows)
    finally:
        table.close()


_values = st.none() | st.booleans() | st.integers(-(10**6), 10**6) | st.text(max_size=12)
_objects = st.lists(st.dictionaries(st.sampled_from(["units", "notes", "supplier"]), _values, max_size=3), max_size=6)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(items=_objects, piece=st.integers(1, 13), indent=st.sampled_from([None, 1]))
def test_json_in_pieces_gives_the_items_json_loads_gives(
    monkeypatch: pytest.MonkeyPatch, items: list[dict[str, object]], piece: int, indent: int | None
) -> None:
    monkeypatch.setattr(import_readers, "CHUNK", piece)  # every value cut somewhere
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "b.json"
        path.write_text(json.dumps(items, indent=indent, ensure_ascii=False), encoding="utf-8")
        header, rows = _rows_of(path)
    assert header == list(EXPORT_HEADER)
    assert [number for number, _ in rows] == list(range(2, len(items) + 2))
    for (_, cells), item in zip(rows, items, strict=True):
        assert {c: v for c, v in zip(header, cells, strict=True) if v is not None} == {
            k: v for k, v in item.items() if v is not None
        }


@settings(max_examples=100, deadline=None)
@given(
    rows=st.lists(st.lists(st.text(alphabet='ab,;"\r\n\u00e9 ', max_size=8), min_size=3, max_size=3), max_size=6),
    piece=st.integers(1, 9),
)
def test_csv_in_pieces_gives_the_rows_csv_gives(rows: list[list[str]], piece: int) -> None:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows([["units", "notes", "supplier"], *rows])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "b.csv"
        path.write_text(buffer.getvalue(), encoding="utf-8", newline="")
        import_readers.CHUNK, saved = piece, import_readers.CHUNK
        try:
            header, read = _rows_of(path)
        finally:
            import_readers.CHUNK = saved
    expected = list(csv.reader(io.StringIO(buffer.getvalue(), newline="")))
    assert [header, *(cells for _, cells in read)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('[{"units": 5} {"units": 6}]', "line 1: not valid JSON (expected ',' or ']' after an item)"),
        ('[{"units": 5}', "line 1: not valid JSON (the list is not closed)"),
        ('[{"units": 5}] x', "line 1: not valid JSON (extra data after the list)"),
        ('\n\n[{"units": }]', "line 3: not valid JSON (Expecting value)"),
        ('{"units": 5}', "the JSON must be a list of objects, one per batch"),
    ],
)
def test_broken_json_is_refused_with_its_line(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "b.json"
    path.write_text(text)
    with pytest.raises(Exception) as refused:
        _rows_of(path)
    assert getattr(refused.value, "problems", [""])[0] == expected


def test_a_json_list_or_object_in_a_cell_is_marked(tmp_path: Path) -> None:
    path = tmp_path / "b.json"
    path.write_text('[{"units": [1, 2], "notes": "x"}]')
    header, rows = _rows_of(path)
    cells = dict(zip(header, rows[0][1], strict=True))
    assert is_not_object(cells["units"]) and cells["notes"] == "x"
