"""Parsing the JSON that miner firmware actually sends.

CGMiner-family firmware emits broken JSON: a trailing NUL, `,}` and `,]`, `}{` between
two objects of a list, `[,{`, bare `inf`/`nan` (or quoted "inf"/"nan" where a number
belongs) and raw newlines. Each fix is made outside string literals only, so a pool URL
or a message holding those characters is left as it was.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any


class ReplyFormatError(ValueError):
    """A reply that is not JSON even after the known firmware faults are repaired."""


_BARE_WORDS = re.compile(r"-?(?:inf(?:inity)?|nan)\b", re.IGNORECASE)


def _repair(text: str) -> str:
    """One pass over ``text``: fixes the known faults outside strings."""
    out: list[str] = []
    in_string = escaped = False
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
            elif ch in "\n\r\t":  # a raw control character inside a string breaks json.loads
                out.append(" ")
                i += 1
                continue
            out.append(ch)
            i += 1
            continue
        if ch == '"':
            in_string = True
            out.append(ch)
        elif ch in "}]":
            _drop_trailing_comma(out)
            out.append(ch)
            if ch == "}" and _next_significant(text, i + 1) == "{":  # `}{` inside a list
                out.append(",")
        elif ch == ",":
            prev = _last_significant(out)
            if prev in ("[", ",", "{"):  # `[,{`, `,,`, `{,`
                pass
            else:
                out.append(ch)
        elif ch in "iInN-" and (match := _BARE_WORDS.match(text, i)) and _is_value_position(out):
            out.append("null")
            i = match.end()
            continue
        else:
            out.append(ch)
        i += 1
    return "".join(out)


def _drop_trailing_comma(out: list[str]) -> None:
    j = len(out) - 1
    while j >= 0 and out[j] in " \n\r\t":
        j -= 1
    if j >= 0 and out[j] == ",":
        del out[j]


def _last_significant(out: list[str]) -> str:
    for ch in reversed(out):
        if ch not in " \n\r\t":
            return ch
    return ""


def _next_significant(text: str, start: int) -> str:
    for ch in text[start : start + 64]:
        if ch not in " \n\r\t":
            return ch
    return ""


def _is_value_position(out: list[str]) -> bool:
    return _last_significant(out) in (":", "[", ",")


def _no_constants(name: str) -> None:
    return None  # NaN, Infinity: no useful reading


def parse_reply(data: bytes) -> dict[str, Any]:
    """The JSON object in ``data`` (bytes as received); raises ReplyFormatError."""
    text = data.decode("utf-8", errors="replace").replace("\x00", "").strip()
    if not text:
        raise ReplyFormatError("empty reply")
    if text.startswith(","):  # some Avalon firmware drops the opening brace
        text = "{" + text[1:]
    try:
        value = json.loads(text, parse_constant=_no_constants)
    except ValueError:
        try:
            value = json.loads(_repair(text), parse_constant=_no_constants)
        except ValueError as error:
            raise ReplyFormatError(f"not JSON even after repair ({error.msg} at {error.pos})") from None
    if not isinstance(value, dict):
        raise ReplyFormatError(f"a JSON {type(value).__name__}, not an object")
    return value


def number(value: Any) -> float | None:
    """A finite float from a number or a numeric string ("13.5", "inf" -> None)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        result = float(value)
    elif isinstance(value, str):
        try:
            result = float(value.strip().replace(",", ""))
        except ValueError:
            return None
    else:
        return None
    return result if math.isfinite(result) else None
