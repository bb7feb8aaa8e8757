"""A streaming check of an XLSX workbook before calamine reads it.

calamine builds a sheet whole and dense (rows x columns of its used area) and copies a
shared string into every cell that refers to it, so a small file can ask for gigabytes:
one row of a million cells, a cell at XFD1048576, a 100,000-character string referred to
by a million cells. This scan reads the parts with zipfile a MiB at a time, counts with
regular expressions (C speed, a row or a block at a time, never a Python step per cell)
and refuses such a file before anything is built. It also finds shared-string indexes that
point past the table, which calamine would otherwise fail on.
"""

from __future__ import annotations

import html
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from desktop.errors import ImportFileError
from desktop.services.import_limits import (
    MAX_COLUMNS,
    MAX_ROW_CHARS,
    MAX_ROWS,
    MAX_SHARED_STRINGS_BYTES,
    MAX_SHEET_CELLS,
    MAX_SHEET_TEXT,
    MAX_UNPACKED_BYTES,
    megabytes,
    refuse,
)

CHUNK = 1 << 20
_SMALL_PART = 4 * 1024 * 1024  # workbook.xml and the relationship parts
_SHEET = re.compile(rb"<(?:\w+:)?sheet\b[^>]*>")
_NAME = re.compile(rb'\bname="([^"]*)"')
_RID = re.compile(rb'\b\w+:id="([^"]*)"')
_REL = re.compile(rb"<(?:\w+:)?Relationship\b[^>]*>")
_ID = re.compile(rb'\bId="([^"]*)"')
_TARGET = re.compile(rb'\bTarget="([^"]*)"')
_TYPE = re.compile(rb'\bType="([^"]*)"')
_SI = re.compile(rb"<(?:\w+:)?si[\s>/]")
_ROW_START = re.compile(rb"<(?:\w+:)?row[\s>/]")
_ROW_REF = re.compile(rb"""<(?:\w+:)?row\b[^>]*?\br\s*=\s*["'](\d+)["']""")
_CELL_START = re.compile(rb"<(?:\w+:)?c[\s>/]")
_CELL_REF = re.compile(rb"""<(?:\w+:)?c\b[^>]*?\br\s*=\s*["']([A-Za-z]+)(\d+)["']""")
_ANY_REF = re.compile(rb"<(?:\w+:)?c\b[^>]*?\br\s*=")
_SHARED_TYPE = re.compile(rb"""\bt\s*=\s*["']s["']""")
_SHARED_CELL = re.compile(rb"""<(?:\w+:)?c\b[^>]*?\bt\s*=\s*["']s["'][^>]*>\s*<(?:\w+:)?v>\s*(\d+)\s*<""")
_ROW_TAGS = tuple(b"<row" + end for end in (b" ", b">", b"/", b"\t", b"\n", b"\r"))
_CELL_TAGS = tuple(b"<c" + end for end in (b" ", b">", b"/", b"\t", b"\n", b"\r"))
_INLINE_TEXT = re.compile(rb"<(?:\w+:)?is>(.*?)</(?:\w+:)?is>", re.DOTALL)


@dataclass
class SheetScan:
    """What the scan found: the used area and the text the cells will hold."""

    rows: int = 0  # <row> elements
    last_row: int = 0  # highest row number named (or counted)
    last_column: int = 0
    text: int = 0  # bytes of text, shared strings resolved
    widest: int = 0  # cells in the widest row without references
    shared: list[int] = field(default_factory=list)  # each shared string's size (bytes, an upper bound)


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - 64
    return number


def _read_part(archive: zipfile.ZipFile, name: str, limit: int, path: Path) -> bytes:
    info = archive.getinfo(name)
    if info.file_size > limit:
        raise refuse(path, f"the workbook's part {name} unpacks to {megabytes(info.file_size)}; split the file")
    with archive.open(info) as handle:
        return handle.read(limit + 1)[: limit + 1]


def _relations(archive: zipfile.ZipFile, name: str, path: Path) -> list[tuple[bytes, bytes, str]]:
    """(Id, Type, resolved target) of a part's relationships."""
    folder, base = posixpath.split(name)
    rels = posixpath.join(folder, "_rels", base + ".rels")
    if rels not in archive.NameToInfo:
        return []
    found = []
    for tag in _REL.findall(_read_part(archive, rels, _SMALL_PART, path)):
        rid, kind, target = _ID.search(tag), _TYPE.search(tag), _TARGET.search(tag)
        if rid and target:
            text = html.unescape(target.group(1).decode("utf-8", "replace"))
            resolved = text.lstrip("/") if text.startswith("/") else posixpath.normpath(posixpath.join(folder, text))
            found.append((rid.group(1), kind.group(1) if kind else b"", resolved))
    return found


def sheet_parts(archive: zipfile.ZipFile, path: Path) -> tuple[list[tuple[str, str]], str | None]:
    """The workbook's sheets in order as (name, part) and its shared-strings part."""
    book = next((t for _, k, t in _relations(archive, "", path) if k.endswith(b"/officeDocument")), None)
    book = book or "xl/workbook.xml"
    if book not in archive.NameToInfo:
        raise refuse(path, "row 1: this is not an XLSX workbook (it has no workbook part)")
    relations = _relations(archive, book, path)
    targets = {rid: target for rid, _, target in relations}
    sheets = []
    for tag in _SHEET.findall(_read_part(archive, book, _SMALL_PART, path)):
        name, rid = _NAME.search(tag), _RID.search(tag)
        if name and rid and rid.group(1) in targets:
            sheets.append((html.unescape(name.group(1).decode("utf-8", "replace")), targets[rid.group(1)]))
    shared = next((t for _, k, t in relations if k.endswith(b"/sharedStrings")), None)
    return sheets, shared


def check_archive(archive: zipfile.ZipFile, path: Path) -> None:
    unpacked = sum(info.file_size for info in archive.infolist())
    if unpacked > MAX_UNPACKED_BYTES:
        raise refuse(path, f"the workbook unpacks to {megabytes(unpacked)}; split it into smaller files")


def shared_string_sizes(archive: zipfile.ZipFile, part: str | None, path: Path) -> list[int]:
    """Each shared string's size in bytes of XML (never less than its text)."""
    if part is None or part not in archive.NameToInfo:
        return []
    data = _read_part(archive, part, MAX_SHARED_STRINGS_BYTES, path)
    pieces = _SI.split(data)
    del data
    return list(map(len, pieces[1:]))


def scan_sheet(archive: zipfile.ZipFile, part: str, shared: list[int], path: Path) -> SheetScan:
    """Streams the sheet's XML a MiB at a time, whole rows at a time; refuses on the first limit passed."""
    if part not in archive.NameToInfo:
        raise refuse(path, f"row 1: the workbook names a sheet part {part} that it does not hold")
    scan = SheetScan(shared=shared)
    carry = b""
    with archive.open(part) as handle:
        while True:
            chunk = handle.read(CHUNK)
            data = carry + chunk
            cut = len(data) if not chunk else _last_row_start(data)
            if cut <= 0 and chunk:  # no row ends in this MiB: one row is longer than that
                if len(data) > MAX_ROW_CHARS + CHUNK:
                    raise refuse(path, f"row {scan.rows + 1}: the row is longer than {megabytes(MAX_ROW_CHARS)} of XML")
                carry = data
                continue
            _scan_block(data[:cut], scan, path)
            carry = data[cut:]
            if not chunk:
                return scan


def _last_row_start(data: bytes) -> int:
    last = data.rfind(b"<row")
    if b":row" in data:  # a namespace prefix (<x:row>): rare, so the slower search
        for match in _ROW_START.finditer(data, max(0, last)):
            last = max(last, match.start())
    return last


def _count(block: bytes, plain: tuple[bytes, ...], pattern: re.Pattern[bytes], prefixed: bytes) -> int:
    """Occurrences of a start tag: bytes.count (C, ~10x a regex) unless a namespace prefix is used."""
    if prefixed in block:
        return len(pattern.findall(block))
    return sum(block.count(tag) for tag in plain)


def _scan_block(block: bytes, scan: SheetScan, path: Path) -> None:
    scan.rows += _count(block, _ROW_TAGS, _ROW_START, b":row")
    refs = _CELL_REF.findall(block)
    cells = _count(block, _CELL_TAGS, _CELL_START, b":c")
    numbers = [scan.rows]
    if refs:
        numbers.append(max(map(int, (digits for _, digits in refs))))
        letters = set(map(bytes.upper, (letters for letters, _ in refs)))
        widest = max(letters, key=lambda text: (len(text), text))
        scan.last_column = max(scan.last_column, _column_number(widest) if len(widest) <= 4 else 10**6)
    if cells > len(refs):  # cells without a reference sit one after another in their row
        if len(_ANY_REF.findall(block)) > len(refs):  # one calamine may read (an entity, say) but not this scan
            raise refuse(path, f"row {scan.rows}: a cell reference cannot be read; save the file again")
        numbers.extend(map(int, _ROW_REF.findall(block)))
        widest_row = max((len(_CELL_START.findall(row)) for row in _ROW_START.split(block)), default=0)
        scan.widest = max(scan.widest, widest_row)
        scan.last_column = max(scan.last_column, scan.widest)
    scan.last_row = max(scan.last_row, *numbers)
    _check_area(scan, path)
    if _SHARED_TYPE.search(block):
        indexes = list(map(int, _SHARED_CELL.findall(block)))
        if indexes:
            top = max(indexes)
            if top >= len(scan.shared):
                raise ImportFileError(str(path), [_bad_index(block, top, len(scan.shared))])
            scan.text += sum(map(scan.shared.__getitem__, indexes))
    if b"is>" in block:
        scan.text += sum(map(len, _INLINE_TEXT.findall(block)))
    if scan.text > MAX_SHEET_TEXT:
        raise refuse(
            path,
            f"row {scan.rows}: the sheet's cells hold more than {megabytes(MAX_SHEET_TEXT)} of text; split the file",
        )


def _check_area(scan: SheetScan, path: Path) -> None:
    if scan.last_row > MAX_ROWS + 1:
        raise refuse(path, f"row {MAX_ROWS + 2:,}: more than {MAX_ROWS:,} rows; split the file")
    if scan.last_column > MAX_COLUMNS:
        raise refuse(
            path,
            f"row {scan.rows}: a row has cells in {scan.last_column:,} columns; "
            f"a batch file has at most {MAX_COLUMNS} columns",
        )
    if scan.last_row * scan.last_column > MAX_SHEET_CELLS:
        raise refuse(
            path,
            f"row {scan.last_row:,}: the sheet spans {scan.last_row:,} rows x {scan.last_column} columns, "
            f"more than {MAX_SHEET_CELLS:,} cells; split the file",
        )


def _bad_index(block: bytes, top: int, count: int) -> str:
    for match in _SHARED_CELL.finditer(block):
        if int(match.group(1)) >= count:
            ref = re.search(rb'\br="([A-Za-z]+\d+)"', match.group(0))
            where = f"cell {ref.group(1).decode()}" if ref else "a cell"
            return (
                f"{where}: refers to shared string {int(match.group(1)):,} but the workbook has {count:,}; "
                "the file is damaged: save it again from your spreadsheet"
            )
    return f"a cell refers to shared string {top:,} but the workbook has {count:,}; the file is damaged"
