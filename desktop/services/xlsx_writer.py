"""Writing tables as one XLSX workbook with XlsxWriter in constant_memory mode.

XlsxWriter builds the package (workbook, styles, bold frozen header, column widths) and,
in constant_memory mode, keeps each sheet's rows in a temporary file it copies into the
sheet at close. The data rows go into that file as XML text made here, one row at a time:
XlsxWriter's per-cell path costs ~6 us a cell (a 20,000-batch export took 13x its CSV),
a row built as one string ~0.5 us a cell. Only the current row is ever held.

Every cell is typed: text is an inline string (never a formula, and it carries the OWASP
apostrophe too, see cell_escape.neutralise); dates are day numbers with a date format,
money has a number format: real cells a spreadsheet can sum and sort.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop.services.cell_escape import neutralise
from desktop.services.human_headers import human_title

if TYPE_CHECKING:
    from desktop.services.export_writers import Table

_EXCEL_EPOCH = date(1899, 12, 30)  # day 0 of Excel's 1900 date system (past its 1900 leap-year bug)
# OOXML's escape for what XML text cannot hold: _xHHHH_. Every "_" that starts such a
# sequence, overlapping ones too ("_x0041_x0042_"), becomes "_x005F_"; XlsxWriter's own
# escape misses the overlapping case, which then reads back changed.
_LITERAL = re.compile(r"_(?=x[0-9A-Fa-f]{4}_)")
_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\ufffe\uffff]")
_SPECIAL = re.compile(r"[&<>\x00-\x08\x0b-\x1f\ufffe\uffff]|_x")


def xlsx_text(text: str) -> str:
    """Text as the content of an XML element, with OOXML's _xHHHH_ escapes."""
    if not _SPECIAL.search(text):
        return text
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if "_x" in text:
        text = _LITERAL.sub("_x005F_", text)
    return _UNSAFE.sub(lambda m: f"_x{ord(m.group()):04X}_", text)


def _column_letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def write_xlsx(path: Path, tables: Sequence[Table]) -> list[int]:
    """One sheet per table: bold frozen header, numeric and date cells, column widths.

    Returns each sheet's row count (header not counted).
    """
    from xlsxwriter import Workbook

    book = Workbook(
        str(path),
        {
            "constant_memory": True,
            "strings_to_formulas": False,  # the header is the only text XlsxWriter writes itself
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "use_zip64": True,  # a huge sheet must not fail at the very end
        },
    )
    bold = book.add_format({"bold": True})
    styles = {
        "date": book.add_format({"num_format": "yyyy-mm-dd"})._get_xf_index(),
        "money": book.add_format({"num_format": "#,##0.00"})._get_xf_index(),
        "count": book.add_format({"num_format": "#,##0"})._get_xf_index(),  # 2,500 units
        "figure": book.add_format({"num_format": "#,##0.0##"})._get_xf_index(),  # 13.5 TH/s per unit
        # Fleet hash rate is kept in TH/s and shown in PH/s: the trailing comma divides by 1,000
        # for display only (457,055.5 TH/s reads "457.06 PH/s"); power reads "1.23 MW".
        "phs": book.add_format({"num_format": '#,##0.00," PH/s"'})._get_xf_index(),
        "mw": book.add_format({"num_format": '#,##0.00" MW"'})._get_xf_index(),
        "quote": book.add_format({"quote_prefix": True})._get_xf_index(),  # text, never a formula
    }
    counts = []
    try:
        for table in tables:
            ws = book.add_worksheet(table.title)
            ws.freeze_panes(1, 0)
            for index, column in enumerate(table.header):
                width = (table.widths or {}).get(column) or max(10, min(40, len(column) + 2))
                ws.set_column(index, index, width)
                title = (table.titles or {}).get(column) or human_title(column)  # "Miner model", not miner_model
                ws.write_string(0, index, title, bold)
            ws._write_single_row(1)  # the header row goes to the row file now; ours follow it
            count = 0
            write = ws.row_data_fh.write
            for count, row in enumerate(table.rows, start=1):
                write(_row_xml(count + 1, row, table.header, styles))  # XML rows count from 1
            if count:  # what XlsxWriter's own writes would have recorded: the <dimension> and last row
                ws.dim_rowmax = count
                ws.previous_row = count
            # Used as it is: filter buttons on the header, printed landscape one page wide.
            ws.autofilter(0, 0, max(count, 1), len(table.header) - 1)
            ws.set_landscape()
            ws.fit_to_pages(1, 0)
            ws.repeat_rows(0)
            counts.append(count)
    finally:
        book.close()  # also after a cancel: closes (and removes) the sheets' temp files
    return counts


_LETTERS = [_column_letters(i) for i in range(1024)]  # the wide series sheet: 3 columns a site
_MONEY = ("_usd",)


def _number_style(column: str, value: object) -> str:
    """Thousands separators for people, fleet figures in PH/s and MW; the cell keeps the exact number."""
    if column.endswith(_MONEY):
        return "money"
    if column.endswith("_ths"):  # deployed_ths, planned_ths, measured_ths (ths_per_unit stays TH/s)
        return "phs"
    if column.endswith("_mw"):
        return "mw"
    return "count" if isinstance(value, int) else "figure"


def _row_xml(number: int, row: dict[str, Any], header: tuple[str, ...], styles: dict[str, int]) -> str:
    parts = [f'<row r="{number}">']
    append = parts.append
    for index, column in enumerate(header):
        value = row.get(column)
        if value is None:
            continue
        ref = f"{_LETTERS[index]}{number}"
        if isinstance(value, str):
            if not value:
                continue
            # Formula-looking text keeps its exact letters under Excel's quote-prefix style (no
            # visible apostrophe, issue #14 item 12); only a text that itself starts with an
            # apostrophe gets one more, so import's one-apostrophe unescape still round-trips
            # (and files written with the apostrophe before still import the same).
            guarded = neutralise(value)
            quoted = guarded != value and not value.startswith("'")
            text = xlsx_text(value if quoted else guarded)
            space = ' xml:space="preserve"' if text[0].isspace() or text[-1].isspace() else ""
            style = f' s="{styles["quote"]}"' if quoted else ""
            append(f'<c r="{ref}"{style} t="inlineStr"><is><t{space}>{text}</t></is></c>')
        elif isinstance(value, date):
            day = (value.date() if isinstance(value, datetime) else value) - _EXCEL_EPOCH
            append(f'<c r="{ref}" s="{styles["date"]}"><v>{day.days}</v></c>')
        elif isinstance(value, bool):
            append(f'<c r="{ref}" t="b"><v>{int(value)}</v></c>')
        else:  # int or float (numpy's too): the shortest text that reads back the same number
            text = str(value) if isinstance(value, int) else repr(float(value))
            style = f' s="{styles[_number_style(column, value)]}"' if column != "id" else ""
            append(f'<c r="{ref}"{style}><v>{text}</v></c>')
    append("</row>")
    return "".join(parts)
