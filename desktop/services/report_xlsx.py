"""The monthly report as an XLSX workbook: the PDF's tables as typed cells, and the trend as
a native Excel line chart (finance picks it apart; nothing to re-type)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from desktop.services.report_content import ReportContent, Table
from desktop.services.report_text import EXCEL_FORMATS, NOTES


def _write_table(workbook: Any, sheet: Any, table: Table, top: int, formats: dict[str, Any], bold: Any) -> int:
    """Writes ``table`` from row ``top``; returns the row after it."""
    sheet.write_string(top, 0, table.title, bold)
    for col, header in enumerate(table.headers):
        sheet.write_string(top + 1, col, header, bold)
    for i, row in enumerate(table.rows):
        for col, (value, kind) in enumerate(zip(row, table.cell_kinds(i), strict=True)):
            r = top + 2 + i
            if value is None:
                sheet.write_blank(r, col, None)
            elif kind == "text":
                sheet.write_string(r, col, str(value))
            elif kind == "date" and isinstance(value, date):
                sheet.write_datetime(r, col, value, formats["date"])
            else:
                sheet.write_number(r, col, value, formats.get(kind, formats["dec2"]))
    widths = [max([len(h), *(len(str(r[c])) for r in table.rows)]) for c, h in enumerate(table.headers)]
    for col, width in enumerate(widths):
        sheet.set_column(col, col, min(max(width + 2, 10), 48))
    return top + 3 + len(table.rows)


def write_report_xlsx(content: ReportContent, path: Path) -> None:
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path), {"default_date_format": "yyyy-mm-dd"})
    try:
        bold = workbook.add_format({"bold": True})
        formats = {kind: workbook.add_format({"num_format": f}) for kind, f in EXCEL_FORMATS.items()}
        head = workbook.add_worksheet("Headline")
        title = f"{content.company} - {content.title}" if content.company else content.title
        head.write_string(0, 0, title, bold)
        head.write_string(1, 0, f"{content.scope}, as of {content.as_of.isoformat()}")
        _write_table(workbook, head, content.headline, 3, formats, bold)
        head.set_column(0, 0, 36)
        sheets = (
            ("Data centers", content.sites),
            ("Targets", content.targets),
            ("Mix by model", content.models),
            ("Delivery slip", content.slip),
            ("Expected batches", content.expected),
        )
        for name, table in sheets:
            sheet = workbook.add_worksheet(name)
            _write_table(workbook, sheet, table, 0, formats, bold)
            sheet.freeze_panes(2, 0)
        _write_trend(workbook, content, formats, bold)
        notes = workbook.add_worksheet("Definitions")
        for row, (term, text) in enumerate(content.definitions):
            notes.write_string(row, 0, term, bold)
            notes.write_string(row, 1, text)
        for i, note in enumerate((*NOTES, f"As of {content.as_of.isoformat()}.")):
            notes.write_string(len(content.definitions) + 1 + i, 0, note)
        notes.set_column(0, 0, 28)
        notes.set_column(1, 1, 120)
    finally:
        workbook.close()


def _write_trend(workbook: Any, content: ReportContent, formats: dict[str, Any], bold: Any) -> None:
    sheet = workbook.add_worksheet("Trend")
    sites = [name for name, _ in content.trend[0][1]] if content.trend else []
    headers = ["Month end", f"Deployed ({content.unit})", f"Planned ({content.unit})", *sites]
    for col, header in enumerate(headers):
        sheet.write_string(0, col, header, bold)
    for i, (end, per_site, planned) in enumerate(content.trend, start=1):
        sheet.write_datetime(i, 0, end, formats["date"])
        sheet.write_number(i, 1, sum(v for _, v in per_site), formats["dec2"])
        sheet.write_number(i, 2, planned, formats["dec2"])
        for col, (_, value) in enumerate(per_site, start=3):
            sheet.write_number(i, col, value, formats["dec2"])
    measured = any(v is not None for v in content.operating)
    if measured:  # after the sites: the month's operating hash rate as polled (a blank: no poll)
        col = len(headers)
        headers.append(f"Operating, measured ({content.unit})")
        sheet.write_string(0, col, headers[-1], bold)
        for i, polled in enumerate(content.operating, start=1):
            if polled is not None:
                sheet.write_number(i, col, polled, formats["dec2"])
    sheet.set_column(0, len(headers), 16)
    last = len(content.trend)
    chart = workbook.add_chart({"type": "line"})
    for col in (1, 2, *((len(headers) - 1,) if measured else ())):
        chart.add_series(
            {
                "name": ["Trend", 0, col],
                "categories": ["Trend", 1, 0, last, 0],
                "values": ["Trend", 1, col, last, col],
            }
        )
    chart.set_title({"name": f"Hash rate at month end ({content.unit})"})
    chart.set_x_axis({"date_axis": True, "num_format": "mmm yyyy"})
    chart.set_y_axis({"name": content.unit})
    sheet.insert_chart(1, len(headers) + 1, chart, {"x_scale": 1.6, "y_scale": 1.3})
