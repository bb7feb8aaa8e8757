"""The CSV reader's line splitting: the same lines as one StringIO, a piece at a time."""

from __future__ import annotations

import io

from hypothesis import given
from hypothesis import strategies as st

from desktop.services.import_readers import _lines


@given(text=st.text(alphabet='ab,;"\r\n\u00e9', max_size=80), piece=st.integers(1, 9))
def test_lines_in_pieces_are_the_lines_of_the_whole_text(text: str, piece: int) -> None:
    assert list(_lines(text, piece)) == list(io.StringIO(text, newline=""))
