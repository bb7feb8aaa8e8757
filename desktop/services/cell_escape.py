"""Reversible escapes for text cells in CSV and XLSX exports (and their undoing on import)."""

from __future__ import annotations

import re

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "'")


def neutralise(text: str) -> str:
    """OWASP CSV-injection defence, reversible: prefix one apostrophe where needed."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def unneutralise(text: str) -> str:
    return text[1:] if text.startswith("'") else text


# XLSX text is XML: a carriage return would read back as a line feed and control
# characters cannot be stored at all. OOXML's own escape (_xHHHH_, with a literal
# "_xHHHH_" written as "_x005F_xHHHH_") carries them; Excel reads and writes the same.
_XML_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0d\x0e-\x1f\ufffe\uffff]")
_XML_LITERAL = re.compile(r"_(x[0-9A-Fa-f]{4}_)")
_XML_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")


def xlsx_escape(text: str) -> str:
    if "_x" in text:
        text = _XML_LITERAL.sub(r"_x005F_\1", text)
    return _XML_UNSAFE.sub(lambda m: f"_x{ord(m.group()):04X}_", text)


def xlsx_unescape(text: str) -> str:
    return _XML_ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), text) if "_x" in text else text
