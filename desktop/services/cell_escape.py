"""The reversible formula guard for text cells in CSV and XLSX exports (and its undoing on import).

XLSX text escapes (_xHHHH_) are xlsx_writer.xlsx_text's; calamine undoes them on import.
"""

from __future__ import annotations

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "'")


def neutralise(text: str) -> str:
    """OWASP CSV-injection defence, reversible: prefix one apostrophe where needed."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def unneutralise(text: str) -> str:
    return text[1:] if text.startswith("'") else text
