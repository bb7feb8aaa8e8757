"""Reading a JSON import: a top-level list of objects, one item at a time (see _JsonList)."""

from __future__ import annotations

import json
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any

from desktop.services.batch_format import EXPORT_HEADER, HEADER
from desktop.services.import_limits import MAX_ROW_CHARS, MAX_ROWS, refuse
from desktop.services.import_readers import Cells, RawTable, TextReader

# -- JSON --------------------------------------------------------------------------------

_KEYS = {name: name for name in EXPORT_HEADER}


def read_json(path: Path, text: TextReader) -> RawTable:
    reader = _JsonList(path, text)
    try:
        reader.open()  # the opening "[" (or a refusal)
    except BaseException:
        text.handle.close()
        raise
    items = reader.items()
    header = list(EXPORT_HEADER)
    table = RawTable(header, iter(()), unescape=False, nested=True, fraction=text.fraction)
    table.rows = _json_rows(items, header, table.problems)

    def close() -> None:
        items.close()
        text.handle.close()

    table.close = close
    return table


def _json_rows(items: Iterator[Any], header: list[str], problems: list[str]) -> Iterator[tuple[int, Cells]]:
    unknown: set[str] = set()
    for number, item in enumerate(items, start=2):
        if not isinstance(item, dict):
            yield number, NotARow([item])
            continue
        values: dict[str, Any] = {}
        for key, value in item.items():
            name = key.strip().lstrip("\ufeff").lower()
            if name not in _KEYS:
                if name not in unknown:
                    unknown.add(name)
                    problems.append(f"row {number}, column {key}: unknown column (the columns are {', '.join(HEADER)})")
            elif name in values:
                problems.append(f"row {number}, column {name}: appears twice")
            else:
                values[name] = value
        yield number, [_json_value(values.get(column)) for column in header]


_WHITESPACE = frozenset(" \t\n\r")


class _JsonList:
    """The items of the top-level JSON list, one at a time.

    json.JSONDecoder.raw_decode over a buffer of a MiB or so (stdlib, C speed): an item
    not complete within MAX_ROW_CHARS is refused, so no item is ever held past that, and
    a nesting 100,000 deep is refused by the decoder's recursion guard, as one sentence.
    """

    def __init__(self, path: Path, text: TextReader) -> None:
        self.path, self.text = path, text
        self.buffer, self.at, self.line = text.read(), 0, 1  # line: of buffer[0]
        self.ended = not self.buffer
        self.decode = json.JSONDecoder().raw_decode

    def _more(self) -> bool:
        if self.ended:
            return False
        piece = self.text.read()
        self.line += self.buffer.count("\n", 0, self.at)
        self.buffer, self.at = self.buffer[self.at :] + piece, 0
        self.ended = not piece
        return bool(piece)

    def _skip(self) -> str:
        """The next character that is not white space ('' at the end)."""
        while True:
            buffer, at = self.buffer, self.at
            while at < len(buffer) and buffer[at] in _WHITESPACE:
                at += 1
            self.at = at
            if at < len(buffer):
                return buffer[at]
            if not self._more():
                return ""

    def _invalid(self, message: str) -> Exception:
        line = self.line + self.buffer.count("\n", 0, self.at)
        return refuse(self.path, f"line {line}: not valid JSON ({message})")

    def open(self) -> None:
        first = self._skip()
        if first != "[":
            if first and first in '{"0123456789-tfn':
                raise refuse(self.path, "the JSON must be a list of objects, one per batch")
            raise self._invalid("expected a list")
        self.at += 1

    def items(self) -> Generator[Any, None, None]:
        if self._skip() == "]":
            self.at += 1
        else:
            count = 0
            while True:
                count += 1
                if count > MAX_ROWS:
                    raise refuse(self.path, f"row {count + 1:,}: more than {MAX_ROWS:,} rows; split the file")
                self._skip()
                yield self._one(count + 1)
                after = self._skip()
                if after == "]":
                    self.at += 1
                    break
                if after != ",":
                    raise self._invalid("expected ',' or ']' after an item" if after else "the list is not closed")
                self.at += 1
        if self._skip():
            raise self._invalid("extra data after the list")

    def _one(self, number: int) -> Any:
        while True:
            try:
                value, end = self.decode(self.buffer, self.at)
            except RecursionError:
                raise refuse(self.path, f"row {number}: the item is nested too deep (a row is one object)") from None
            except json.JSONDecodeError as error:
                if self.ended:
                    raise self._invalid(error.msg) from None
                if not self._room():
                    raise self._too_long(number) from None
                self._more()  # the item may go on in the next piece
                continue
            if end < len(self.buffer) or self.ended or not self._room():
                self.at = end
                return value
            self._more()  # a number at the very end may go on in the next piece: decode again

    def _room(self) -> bool:
        return len(self.buffer) - self.at <= MAX_ROW_CHARS

    def _too_long(self, number: int) -> Exception:
        return refuse(self.path, f"row {number}: the item is longer than {MAX_ROW_CHARS:,} characters")


class NotARow(list[Any]):
    """A JSON list item that is not an object (reported as that row's problem)."""


class _NotAnObject:
    """Marks a JSON value that is a list or an object (reported as that cell's problem)."""

    def __init__(self, value: Any) -> None:
        self.value = value


def _json_value(value: Any) -> Any:
    if isinstance(value, (dict, list)):
        return _NotAnObject(value)
    return value


def is_not_object(value: Any) -> bool:
    return isinstance(value, _NotAnObject)
