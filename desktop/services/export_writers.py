"""Writing tables to CSV, XLSX and JSON, atomically (temp file in the folder + os.replace).

A table is a title, a header and rows of typed values (int, float, date, str, None).
Rows stream: each writer takes them one at a time and returns how many it wrote, so an
export of 100,000 batches never holds them all (nor frees them all at once, which held
the GIL long enough to stall the window).
Text cells that a spreadsheet would run as a formula are neutralised in CSV and XLSX
(see batch_format.neutralise); JSON is written as is. XLSX: see xlsx_writer.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, Any

from desktop.errors import HashplanError
from desktop.services.batch_format import cell_text
from desktop.store import db_file

WRITE_BUFFER = 1 << 20


class ExportError(HashplanError):
    """An export that could not be written; nothing was left behind."""


@dataclass(frozen=True)
class Table:
    title: str
    header: tuple[str, ...]
    rows: Iterable[dict[str, Any]]  # may be a generator: iterated once, by the writer
    widths: dict[str, int] | None = None
    titles: dict[str, str] | None = None  # XLSX header titles where human_title does not say it


def atomic_write(path: str | Path, write: Callable[[Path], None], *, suffix: str = ".part") -> Path:
    """Runs ``write(temp_path)`` then renames the temp file over ``path``; a failure leaves no file."""
    path = Path(path).expanduser()
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise ExportError(f"cannot write {path}: the folder {parent} does not exist")
    if path.is_dir():
        raise ExportError(f"cannot write {path}: it is a folder")
    db_file.refuse_as_output(path)
    try:
        fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=suffix, dir=parent)
    except OSError as error:
        raise ExportError(f"cannot write {path}: {error.strerror or error}") from None
    os.close(fd)
    temp = Path(temp_name)
    try:
        write(temp)
        with open(temp, "rb+") as handle:  # the bytes are on disk before the rename
            os.fsync(handle.fileno())
        # mkstemp makes 0600; an export is meant to be shared, so give it the usual mode
        # (or keep the mode of the file it replaces).
        os.chmod(temp, path.stat().st_mode & 0o777 if path.exists() else 0o644)
        os.replace(temp, path)
    except OSError as error:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise ExportError(f"cannot write {path}: {error.strerror or error}; nothing was written") from None
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    return path


def _open_text(path: Path) -> IO[str]:
    # A 1 MiB buffer: a write call per MiB, not per 8 KiB. Each call lets the GIL go and
    # takes it back at once, and a stream of them kept the UI thread from getting it.
    return open(path, "w", encoding="utf-8", newline="", buffering=WRITE_BUFFER)


def write_csv(path: Path, table: Table) -> int:
    """UTF-8 without BOM, comma-separated, every text cell neutralised against formulas."""
    count = 0
    with _open_text(path) as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(table.header)
        for row in table.rows:
            writer.writerow([cell_text(c, row.get(c), escape=True) for c in table.header])
            count += 1
    return count


def write_json(path: Path, payload: Any) -> None:
    with _open_text(path) as handle:
        json.dump(payload, handle, ensure_ascii=False, indent=1, default=_json_default)
        handle.write("\n")


def _json_default(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def write_json_rows(path: Path, table: Table) -> int:
    """The rows as a JSON list of objects (keys in header order), one row at a time.

    Byte for byte what ``write_json`` gives for the whole list (indent 1): each object is
    encoded alone and indented one level more (a JSON string holds no raw newline).
    """
    encode = json.JSONEncoder(ensure_ascii=False, indent=1, default=_json_default).encode
    count = 0
    with _open_text(path) as handle:
        for row in table.rows:
            text = encode({c: row.get(c) for c in table.header}).replace("\n", "\n ")
            handle.write(("[\n " if count == 0 else ",\n ") + text)
            count += 1
        handle.write("\n]\n" if count else "[]\n")
    return count
