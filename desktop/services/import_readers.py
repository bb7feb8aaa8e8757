"""Reading an import file into a header and a stream of rows of cells, refusing hostile files clearly.

Streaming: CSV and JSON are read a MiB at a time and their rows handed on one by one, so
memory follows what the import keeps, not the file's bytes; an XLSX sheet is checked by a
streaming scan before calamine builds it (xlsx_reader). Limits are by rows, columns and
the size of one row (import_limits); each format's byte ceiling only stops a file that
could not hold that many sensible rows.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from desktop.services.batch_format import KNOWN_COLUMNS
from desktop.services.human_headers import machine_name
from desktop.services.import_limits import (
    MAX_BYTES,
    MAX_CELL_CHARS,
    MAX_COLUMNS,
    MAX_ROW_CHARS,
    MAX_ROWS,
    megabytes,
    refuse,
)

CHUNK = 1 << 20
Cells = list[Any]


@dataclass
class RawTable:
    """The header as written and a stream of data rows (spreadsheet row number, cells)."""

    header: list[str]
    rows: Iterator[tuple[int, Cells]]
    unescape: bool  # CSV and XLSX carry OWASP apostrophes; JSON does not
    text_only: bool = False  # CSV: every cell is a str
    nested: bool = False  # JSON: a cell may be a list or an object
    problems: list[str] = field(default_factory=list)  # found while reading (JSON: unknown keys)
    fraction: Callable[[], float] = lambda: 0.0  # share of the file read so far
    close: Callable[[], None] = lambda: None


def _format_of(path: Path) -> str | None:
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return "xlsx"
    if suffix == ".json":
        return "json"
    if suffix in (".csv", ".txt", ""):
        return "csv"
    return None


def _check_size(path: Path, fmt: str) -> int:
    try:
        size = path.stat().st_size
    except OSError as error:
        raise refuse(path, f"cannot read the file: {error.strerror or error}") from None
    if not path.is_file():
        raise refuse(path, "is not a file")
    if size == 0:
        raise refuse(path, "row 1: the file is empty (expected a header row)")
    if size > MAX_BYTES[fmt]:
        raise refuse(
            path,
            f"the file is {megabytes(size)}; Hashplan imports {fmt.upper()} files up to "
            f"{MAX_BYTES[fmt] // 1024 // 1024} MB ({MAX_ROWS:,} rows): split it into smaller files",
        )
    return size


def read_table(path: str | Path, sheet: str | None = None) -> RawTable:
    """Opens CSV, XLSX or JSON (chosen by the file's extension, checked against its bytes).

    The header is read now; the rows are read as the caller takes them. Call ``close``
    when done (a half-read file stays open until then).
    """
    path = Path(path)
    fmt = _format_of(path)
    if fmt is None:
        _check_size(path, "csv")  # first: a regular file (a FIFO would block the read below)
        try:
            with open(path, "rb") as handle:
                head = handle.read(4)
        except OSError as error:
            raise refuse(path, f"cannot read the file: {error.strerror or error}") from None
        if not head.startswith(b"PK"):
            raise refuse(path, f"'{path.suffix}' files are not supported: use .csv, .xlsx or .json")
        fmt = "xlsx"
    size = _check_size(path, fmt)
    if fmt == "xlsx":
        from desktop.services.xlsx_reader import read_xlsx

        return read_xlsx(path, sheet)
    if sheet is not None:
        raise refuse(path, "--sheet is only for XLSX workbooks")
    try:
        handle = open(path, "rb")  # noqa: SIM115 (closed by the table's close)
    except OSError as error:
        raise refuse(path, f"cannot read the file: {error.strerror or error}") from None
    try:
        text = TextReader(path, handle, size)
        if fmt == "json":
            from desktop.services.json_reader import read_json

            return read_json(path, text)
        return _read_csv(path, text)
    except BaseException:
        handle.close()
        raise


class TextReader:
    """The file's UTF-8 text a MiB at a time, refusing what is not UTF-8 text."""

    def __init__(self, path: Path, handle: BinaryIO, size: int) -> None:
        self.path, self.handle, self.size = path, handle, max(size, 1)
        self.decoder = codecs.getincrementaldecoder("utf-8-sig")()
        self.lines = 0  # line feeds in the text handed out so far
        self.first = True

    def fraction(self) -> float:
        return 0.0 if self.handle.closed else min(1.0, self.handle.tell() / self.size)

    def read(self) -> str:
        """The next piece of text; '' only at the end (a piece that ends inside a character
        gives its bytes with the next)."""
        while True:
            data = self.handle.read(CHUNK)
            if self.first:
                self.first = False
                self._check_start(data)
            try:
                text = self.decoder.decode(data, final=not data)
            except UnicodeDecodeError as error:
                seen = bytes(error.object)  # what the decoder held: this piece and any bytes left from the last
                line = self.lines + seen[: error.start].count(b"\n") + 1
                raise refuse(
                    self.path,
                    f"row {line}: the file is not UTF-8 text (byte 0x{seen[error.start]:02x}); "
                    "save it as 'CSV UTF-8' from your spreadsheet",
                ) from None
            if text or not data:
                self.lines += text.count("\n")
                return text

    def _check_start(self, data: bytes) -> None:
        if data.startswith(b"PK\x03\x04"):
            raise refuse(
                self.path, "row 1: this is a ZIP or XLSX file with a .csv name; save it as CSV or rename it .xlsx"
            )
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise refuse(self.path, "row 1: the file is UTF-16 text; save it as 'CSV UTF-8' from your spreadsheet")
        if b"\x00" in data[:65536]:
            raise refuse(self.path, "row 1: this is a binary file, not CSV text (it contains NUL bytes)")


# -- CSV ---------------------------------------------------------------------------------


def _sniff_delimiter(first: str) -> str:
    def known(delimiter: str) -> int:
        try:
            cells = next(csv.reader([first], delimiter=delimiter), [])
        except csv.Error:  # e.g. a lone CR: the real read below reports it with its row
            return 0
        return sum(machine_name(cell) in KNOWN_COLUMNS for cell in cells)

    return ";" if known(";") > known(",") else ","


def _lines(text: str, chunk_chars: int = CHUNK) -> Iterator[str]:
    """The text's lines as io.StringIO(text, newline="") gives them, a ~1 MiB piece at a time.

    One StringIO over a 12 MB text is a single 90-190 ms C call holding the GIL (the import
    dialog's UI thread froze that long); pieces end just after a newline, so no line and no
    CR LF pair is split, and quoted cells spanning lines still reach the reader in order.
    """
    start = 0
    while start < len(text):
        cut = text.find("\n", start + chunk_chars)
        end = len(text) if cut < 0 else cut + 1
        yield from io.StringIO(text[start:end], newline="")
        start = end


class _Feed:
    """The file's lines for csv.reader; refuses a row that grows past MAX_ROW_CHARS."""

    def __init__(self, path: Path, text: TextReader, first: str) -> None:
        self.path, self.text, self.pending = path, text, first
        self.row_chars = 0  # characters read since the last row was handed on
        self.rows = 0

    def __iter__(self) -> Iterator[str]:
        ended = False
        while not ended:
            piece = self.text.read()
            data = self.pending + piece
            if not piece:
                ended, whole, self.pending = True, data, ""
            else:  # whole lines now, the last partial line with the next piece
                cut = data.rfind("\n")
                if cut < 0:  # old Mac line ends, or one long line: cut at a CR not last
                    cut = data.rfind("\r", 0, len(data) - 1)
                whole, self.pending = data[: cut + 1], data[cut + 1 :]
                if not whole:
                    if self.row_chars + len(data) > MAX_ROW_CHARS:
                        self._count(len(data))  # refuses
                    continue
            for line in _lines(whole):
                self._count(len(line))
                yield line

    def _count(self, chars: int) -> None:
        self.row_chars += chars
        if self.row_chars > MAX_ROW_CHARS:
            raise refuse(
                self.path,
                f"row {self.rows + 2}: the row is longer than {MAX_ROW_CHARS:,} characters "
                "(an unclosed quote?); fix it in the file",
            )


def _read_csv(path: Path, text: TextReader) -> RawTable:
    first = text.read()
    feed = _Feed(path, text, first)
    delimiter = _sniff_delimiter(first.split("\n", 1)[0])
    reader = csv.reader(feed, delimiter=delimiter, strict=True)
    header = _csv_rows(path, reader, feed, header_only=True)
    rows = _csv_rows(path, reader, feed, header_only=False)
    try:
        cells = next(header, None)
    except BaseException:
        text.handle.close()
        raise
    if cells is None or not any(cell.strip() for cell in cells):
        text.handle.close()
        raise refuse(path, "row 1: the file has no header row")

    def close() -> None:
        rows.close()
        text.handle.close()

    return RawTable(cells, rows, unescape=True, text_only=True, fraction=text.fraction, close=close)


def _csv_rows(path: Path, reader: Any, feed: _Feed, *, header_only: bool) -> Generator[Any, None, None]:
    old_limit = csv.field_size_limit()
    try:
        while True:
            csv.field_size_limit(MAX_CELL_CHARS)
            try:
                cells = next(reader, None)
            except csv.Error as error:
                message = str(error)
                if "field larger" in message:
                    message = f"a cell is longer than {MAX_CELL_CHARS:,} characters"
                number = feed.rows + (1 if header_only else 2)
                raise refuse(path, f"row {number}: the CSV cannot be read: {message}") from None
            finally:
                csv.field_size_limit(old_limit)
            if cells is None:
                return
            feed.row_chars = 0
            number = feed.rows + (1 if header_only else 2)
            if len(cells) > MAX_COLUMNS:
                raise refuse(path, f"row {number}: has {len(cells):,} cells; a batch file has at most {MAX_COLUMNS}")
            if header_only:
                yield cells
                return
            feed.rows += 1
            if feed.rows > MAX_ROWS:
                raise refuse(path, f"row {number:,}: more than {MAX_ROWS:,} rows; split the file")
            yield (number, cells)  # type: ignore[misc]
    finally:
        csv.field_size_limit(old_limit)
