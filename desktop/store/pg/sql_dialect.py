"""The store's SQL (written for SQLite) as PostgreSQL runs it.

The store keeps one text per statement; the few spellings that differ are rewritten here,
once per distinct statement (cached): ``?`` and ``?N`` placeholders become psycopg's, a
literal ``%`` is doubled, ``temp.`` is ``pg_temp.``, and column types in DDL become
PostgreSQL's. The functions SQLite has and PostgreSQL lacks (julianday, instr,
group_concat, the store's hp_casefold and hp_natural) are created on the server by the
schema (schema.py), so queries keep calling them by name.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

# A quoted literal or identifier (kept as is), or a placeholder, or a % sign.
_TOKENS = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|\?(\d+)?|%")
_DDL_TYPES = [
    (re.compile(r"\bINTEGER\b", re.I), "BIGINT"),
    (re.compile(r"\bREAL\b", re.I), "DOUBLE PRECISION"),
    (re.compile(r"\bTEXT\b", re.I), 'TEXT COLLATE "C"'),
]
_TEMP = re.compile(r"\btemp\.", re.I)
_CAST_REAL = re.compile(r"\bAS\s+REAL\b", re.I)
# group_concat(x, 'sep') as the server's own string_agg: linear, where an aggregate written in
# SQL copies its growing text at every row (100,000 ids: 8.6 s against 0.05 s).
_GROUP_CONCAT = re.compile(r"\bgroup_concat\(\s*([\w.]+)\s*,\s*('(?:[^']|'')*')\s*\)", re.I)


class Statement:
    __slots__ = ("named", "text")

    def __init__(self, text: str, named: bool) -> None:
        self.text = text
        self.named = named  # ?N placeholders: parameters go as a dict p1, p2, ...


@lru_cache(maxsize=2048)
def translate(sql: str) -> Statement:
    named = False

    def token(match: re.Match[str]) -> str:
        nonlocal named
        text = match.group(0)
        if text == "%":
            return "%%"
        if text.startswith("?"):
            if match.group(1):
                named = True
                return f"%(p{match.group(1)})s"
            return "%s"
        return text

    text = _TOKENS.sub(token, sql)
    text = _TEMP.sub("pg_temp.", text)
    text = _GROUP_CONCAT.sub(r"string_agg(CAST(\1 AS text), \2)", text)
    text = _CAST_REAL.sub("AS DOUBLE PRECISION", text)
    if re.match(r"\s*CREATE\s+(TEMP|TEMPORARY)\s+TABLE", text, re.I):  # the bulk booking's scratch table
        text = ddl_types(text)
    return Statement(text, named)


def ddl_types(text: str) -> str:
    """SQLite's column types as PostgreSQL's: 64-bit integers (SQLite's), doubles, and text
    compared byte by byte (SQLite's order, whatever the server's locale)."""
    for pattern, replacement in _DDL_TYPES:
        text = pattern.sub(replacement, text)
    return text


def parameters(statement: Statement, params: Any) -> Any:
    if not statement.named or isinstance(params, dict):
        return params
    return {f"p{i}": value for i, value in enumerate(params, start=1)}
