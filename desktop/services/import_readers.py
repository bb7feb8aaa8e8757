"""Reading an import file into a header and rows of cells, refusing hostile files clearly.

Bounded, not streaming: a file larger than MAX_IMPORT_BYTES (40 MiB, about 250,000
batch rows as CSV) is refused before it is read, so memory stays bounded; an XLSX whose
unpacked sheets exceed MAX_UNPACKED_BYTES (a zip bomb) is refused before it is parsed.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, time
from pathlib import Path
from typing import Any

from desktop.errors import ImportFileError
from desktop.services.batch_format import KNOWN_COLUMNS, REQUIRED_COLUMNS
from desktop.services.cell_escape import xlsx_unescape

MAX_IMPORT_BYTES = 40 * 1024 * 1024
MAX_UNPACKED_BYTES = 400 * 1024 * 1024
MAX_ROWS = 1_000_000
MAX_CELL_CHARS = 100_000

Cells = list[Any]


@dataclass
class RawTable:
    """The header as written and every data row (spreadsheet row number, cells)."""

    header: list[str]
    rows: list[tuple[int, Cells]]
    unescape: bool  # CSV and XLSX carry OWASP apostrophes; JSON does not
    text_only: bool = False  # CSV: every cell is a str


def _refuse(path: Path, problem: str) -> ImportFileError:
    return ImportFileError(str(path), [problem])


def _check_size(path: Path) -> int:
    try:
        size = path.stat().st_size
    except OSError as error:
        raise _refuse(path, f"cannot read the file: {error.strerror or error}") from None
    if not path.is_file():
        raise _refuse(path, "is not a file")
    if size == 0:
        raise _refuse(path, "row 1: the file is empty (expected a header row)")
    if size > MAX_IMPORT_BYTES:
        raise _refuse(
            path,
            f"the file is {size / 1024 / 1024:,.1f} MB; Hashplan imports files up to "
            f"{MAX_IMPORT_BYTES // 1024 // 1024} MB (about 250,000 rows): split it into smaller files",
        )
    return size


def read_table(path: str | Path, sheet: str | None = None) -> RawTable:
    """Reads CSV, XLSX or JSON (chosen by the file's extension, checked against its bytes)."""
    path = Path(path)
    _check_size(path)
    suffix = path.suffix.lower()
    try:
        head = path.read_bytes()[:8] if suffix != ".csv" else b""
    except OSError as error:
        raise _refuse(path, f"cannot read the file: {error.strerror or error}") from None
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path, sheet)
    if sheet is not None:
        raise _refuse(path, "--sheet is only for XLSX workbooks")
    if suffix == ".json":
        return _read_json(path)
    if suffix in (".csv", ".txt", ""):
        return _read_csv(path)
    if head.startswith(b"PK"):
        return _read_xlsx(path, sheet)
    raise _refuse(path, f"'{path.suffix}' files are not supported: use .csv, .xlsx or .json")


def _decode(path: Path) -> str:
    data = path.read_bytes()
    if data.startswith(b"PK\x03\x04"):
        raise _refuse(path, "row 1: this is a ZIP or XLSX file with a .csv name; save it as CSV or rename it .xlsx")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _refuse(path, "row 1: the file is UTF-16 text; save it as 'CSV UTF-8' from your spreadsheet")
    if b"\x00" in data[:65536]:
        raise _refuse(path, "row 1: this is a binary file, not CSV text (it contains NUL bytes)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise _refuse(
            path,
            f"row {line}: the file is not UTF-8 text (byte 0x{data[error.start]:02x}); "
            "save it as 'CSV UTF-8' from your spreadsheet",
        ) from None


def _sniff_delimiter(text: str) -> str:
    first = text.split("\n", 1)[0]

    def known(delimiter: str) -> int:
        try:
            cells = next(csv.reader([first], delimiter=delimiter), [])
        except csv.Error:  # e.g. a lone CR: the real read below reports it with its row
            return 0
        return sum(cell.strip().lower() in KNOWN_COLUMNS for cell in cells)

    return ";" if known(";") > known(",") else ","


def _lines(text: str, chunk_chars: int = 1 << 20) -> Iterator[str]:
    """The text's lines as io.StringIO(text, newline="") gives them, a ~1 MiB piece at a time.

    One StringIO over a 12 MB file is a single 90-190 ms C call holding the GIL (the import
    dialog's UI thread froze that long); pieces end just after a newline, so no line and no
    CR LF pair is split, and quoted cells spanning lines still reach the reader in order.
    """
    start = 0
    while start < len(text):
        cut = text.find("\n", start + chunk_chars)
        end = len(text) if cut < 0 else cut + 1
        yield from io.StringIO(text[start:end], newline="")
        start = end


def _read_csv(path: Path) -> RawTable:
    text = _decode(path)
    delimiter = _sniff_delimiter(text)
    reader = csv.reader(_lines(text), delimiter=delimiter, strict=True)
    old_limit = csv.field_size_limit()
    csv.field_size_limit(MAX_CELL_CHARS)
    rows: list[tuple[int, Cells]] = []
    header: list[str] | None = None
    try:
        for cells in reader:
            line = reader.line_num
            if header is None:
                header = cells
                continue
            if len(rows) >= MAX_ROWS:
                raise _refuse(path, f"row {line}: more than {MAX_ROWS:,} rows; split the file")
            rows.append((len(rows) + 2, cells))
    except csv.Error as error:
        row = len(rows) + 2 if header is not None else 1
        message = str(error)
        if "field larger" in message:
            message = f"a cell is longer than {MAX_CELL_CHARS:,} characters"
        raise _refuse(path, f"row {row}: the CSV cannot be read: {message}") from None
    finally:
        csv.field_size_limit(old_limit)
    if header is None or not any(cell.strip() for cell in header):
        raise _refuse(path, "row 1: the file has no header row")
    return RawTable(header, rows, unescape=True, text_only=True)


def _cell(value: Any) -> Any:
    if isinstance(value, str):
        return xlsx_unescape(value)
    if isinstance(value, datetime) and value.time() == time(0):
        return value.date()
    if isinstance(value, time):
        return value.isoformat()
    return value


def _read_xlsx(path: Path, sheet: str | None) -> RawTable:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError):
        raise _refuse(path, "row 1: this is not an XLSX workbook (it cannot be opened as one)") from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise _refuse(path, f"the workbook unpacks to {unpacked / 1024 / 1024:,.0f} MB; split it into smaller files")
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for damaged files
        raise _refuse(path, f"row 1: the workbook cannot be read ({type(error).__name__})") from None
    try:
        if sheet is None:
            ws = book.worksheets[0]
        elif sheet in book.sheetnames:
            ws = book[sheet]
        else:
            raise _refuse(path, f"there is no sheet named '{sheet}' (sheets: {', '.join(book.sheetnames)})")
        rows_iter: Iterator[tuple[Any, ...]] = ws.iter_rows(values_only=True)
        header_cells = next(rows_iter, None)
        if header_cells is None or all(v is None for v in header_cells):
            raise _refuse(path, f"row 1: sheet '{ws.title}' has no header row")
        header = [("" if v is None else str(v)) for v in header_cells]
        rows: list[tuple[int, Cells]] = []
        for number, values in enumerate(rows_iter, start=2):
            if len(rows) >= MAX_ROWS:
                raise _refuse(path, f"row {number}: more than {MAX_ROWS:,} rows; split the file")
            rows.append((number, [_cell(v) for v in values]))
    finally:
        book.close()
    return RawTable(header, rows, unescape=True)


def _read_json(path: Path) -> RawTable:
    try:
        data = json.loads(_decode(path))
    except json.JSONDecodeError as error:
        raise _refuse(path, f"line {error.lineno}: not valid JSON ({error.msg})") from None
    if not isinstance(data, list):
        raise _refuse(path, "the JSON must be a list of objects, one per batch")
    header: list[str] = []
    seen: set[str] = set()
    for item in data:
        if isinstance(item, dict):
            for key in item:
                if key not in seen:
                    seen.add(key)
                    header.append(str(key))
    for column in REQUIRED_COLUMNS:  # a JSON list may be empty; still report missing columns
        if not data and column not in seen:
            header.append(column)
    rows: list[tuple[int, Cells]] = []
    for number, item in enumerate(data, start=2):
        if not isinstance(item, dict):
            rows.append((number, NotARow([item])))
            continue
        rows.append((number, [_json_value(item.get(key)) for key in header]))
    return RawTable(header, rows, unescape=False)


class NotARow(list):  # type: ignore[type-arg]
    """A JSON list item that is not an object (reported as that row's problem)."""


class _NotAnObject:
    """Marks a JSON list item that is not an object (reported as that row's problem)."""

    def __init__(self, value: Any) -> None:
        self.value = value


def _json_value(value: Any) -> Any:
    if isinstance(value, (dict, list)):
        return _NotAnObject(value)
    return value


def is_not_object(value: Any) -> bool:
    return isinstance(value, _NotAnObject)
