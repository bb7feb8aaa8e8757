"""How much an import file may hold, and the refusal every reader raises.

Imports are limited by rows, not by one byte size: every reader streams its file (CSV and
JSON a piece at a time; an XLSX sheet is checked by a streaming scan before calamine
builds it), so memory follows the rows kept, not the file's bytes. The byte ceilings only
stop a file that could not hold MAX_ROWS sensible rows (each well above what an export of
MAX_ROWS rows takes: 100,000 batches export as ~196,000 rows, 30 MB of CSV, 84 MB of JSON).
"""

from __future__ import annotations

from pathlib import Path

from desktop.errors import ImportFileError

MAX_ROWS = 250_000  # data rows of any file
MAX_COLUMNS = 64  # cells a row (the format has 17 columns; spreadsheets may pad a few)
MAX_CELL_CHARS = 100_000  # one cell (text fields hold at most 10,000: batch_format)
MAX_ROW_CHARS = 1 << 20  # one CSV row, one JSON object, one XLSX row's XML
MAX_PROBLEMS = 1_000  # problems listed; past them the rows are only counted
MAX_BYTES = {  # by format: ~6x what an export of MAX_ROWS rows takes
    "csv": 256 * 1024 * 1024,
    "json": 512 * 1024 * 1024,
    "xlsx": 128 * 1024 * 1024,
}
MAX_UNPACKED_BYTES = 800 * 1024 * 1024  # all of an XLSX's parts, unpacked (a zip bomb is refused unread)
MAX_SHARED_STRINGS_BYTES = 64 * 1024 * 1024  # an XLSX's shared strings, as XML
MAX_SHEET_TEXT = 64 * 1024 * 1024  # the text an XLSX sheet's cells hold once strings are resolved
MAX_SHEET_CELLS = 5_000_000  # rows x columns of the sheet's used area (calamine builds it dense)


def refuse(path: str | Path, problem: str) -> ImportFileError:
    return ImportFileError(str(path), [problem])


def megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:,.1f} MB"
