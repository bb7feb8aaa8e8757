"""Parsing the JSON that miner firmware actually sends.

CGMiner-family firmware emits broken JSON: a trailing NUL, `,}` and `,]`, `}{` between
two objects of a list, `[,{`, bare `inf`/`nan` (or quoted "inf"/"nan" where a number
belongs) and raw newlines. Each is fixed where json.loads stops at it, so it is always
structure that gets fixed: a pool URL or a message holding those characters is left as it was.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any


class ReplyFormatError(ValueError):
    """A reply that is not JSON even after the known firmware faults are repaired."""


_BARE_WORDS = re.compile(r"-?(?:inf(?:inity)?|nan)\b", re.IGNORECASE)
MAX_FIXES = 500  # a reply with more faults than this is not worth reading


def _fix_at(text: str, error: json.JSONDecodeError) -> str | None:
    """``text`` with the fault json.loads stopped at fixed, or None when it is not a known
    one. The parser says where structure broke, so nothing inside a string is touched."""
    pos = error.pos
    if error.msg.startswith("Invalid control character"):  # a raw newline inside a string
        return f"{text[:pos]} {text[pos + 1 :]}"
    here = text[pos : pos + 1]
    before = pos - 1
    while before >= 0 and text[before] in " \t\r\n":
        before -= 1
    previous = text[before] if before >= 0 else ""
    if here in ("}", "]") and previous == ",":  # `,}` and `,]`
        return text[:before] + text[before + 1 :]
    if here == "," and previous in ("[", "{", ","):  # `[,{`, `{,`, `,,`
        return text[:pos] + text[pos + 1 :]
    if here == "{" and previous == "}":  # `}{` between two objects of a list
        return f"{text[:pos]},{text[pos:]}"
    if match := _BARE_WORDS.match(text, pos):  # bare inf / nan where a value belongs
        return f"{text[:pos]}null{text[match.end() :]}"
    return None


def _loads_repairing(text: str) -> Any:
    """json.loads, fixing each known fault where the parser meets it (a reply has a few:
    one parse each, far cheaper than scanning every character in Python)."""
    for _ in range(MAX_FIXES):
        try:
            return json.loads(text, parse_constant=_no_constants)
        except json.JSONDecodeError as error:
            fixed = _fix_at(text, error)
            if fixed is None:
                raise ReplyFormatError(f"not JSON even after repair ({error.msg} at {error.pos})") from None
            text = fixed
    raise ReplyFormatError(f"more than {MAX_FIXES} faults")


def _no_constants(name: str) -> None:
    return None  # NaN, Infinity: no useful reading


def parse_reply(data: bytes) -> dict[str, Any]:
    """The JSON object in ``data`` (bytes as received); raises ReplyFormatError."""
    text = data.decode("utf-8", errors="replace").replace("\x00", "").strip()
    if not text:
        raise ReplyFormatError("empty reply")
    if text.startswith(","):  # some Avalon firmware drops the opening brace
        text = "{" + text[1:]
    value = _loads_repairing(text)
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
