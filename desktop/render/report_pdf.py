"""The monthly report as a PDF: QPdfWriter pages, tables laid out by QTextDocument, charts
painted by report_charts.py. Text stays text (selectable, searchable, extractable); any script
the names hold renders with the fonts fontconfig finds (.ci/run installs a CJK font).

Two passes: the blocks are measured and placed on pages first, so each footer can say
"Page n of N"; then every page is painted.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QLocale, QMarginsF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPageLayout, QPageSize, QPainter, QPdfWriter, QTextDocument

from desktop.errors import ValidationError
from desktop.render import report_charts
from desktop.services.report_content import ReportContent, Table
from desktop.services.report_text import NOTES

PAGE_SIZES = {"a4": QPageSize.PageSizeId.A4, "letter": QPageSize.PageSizeId.Letter}
MAX_EXPECTED_ROWS = 60  # the PDF's appendix; the XLSX lists every batch
MAX_LOGO_BYTES = 5_000_000
Progress = Callable[[int, str], None]  # percent done, what is being done


def default_page_size() -> str:
    """Letter where the locale measures in US units (US, Canada's English...), else A4."""
    return "letter" if QLocale().measurementSystem() == QLocale.MeasurementSystem.ImperialUSSystem else "a4"


@dataclass
class _Placed:
    y: float
    height: float
    draw: Callable[[QPainter, QRectF], None]


class _Layout:
    def __init__(self, writer: QPdfWriter) -> None:
        self.writer = writer
        self.dpi = writer.resolution()
        self.width = float(writer.width())
        self.top = self.pt(22)  # the running header's room
        self.bottom = float(writer.height()) - self.pt(20)  # the footer's
        self.pages: list[list[_Placed]] = [[]]
        self.y = self.top

    def pt(self, points: float) -> float:
        return points * self.dpi / 72

    def document(self, body: str, font_pt: float = 8.0) -> QTextDocument:
        doc = QTextDocument()
        doc.documentLayout().setPaintDevice(self.writer)  # lay out at the PDF's resolution
        font = QFont()
        font.setPointSizeF(font_pt)
        doc.setDefaultFont(font)
        doc.setDocumentMargin(0)
        doc.setHtml(body)
        doc.setTextWidth(self.width)
        return doc

    def new_page(self) -> None:
        if self.pages[-1]:
            self.pages.append([])
        self.y = self.top

    def place(self, height: float, draw: Callable[[QPainter, QRectF], None], gap: float = 10) -> None:
        if self.y + height > self.bottom and self.pages[-1]:
            self.new_page()
        self.pages[-1].append(_Placed(self.y, height, draw))
        self.y += height + self.pt(gap)

    def place_doc(self, doc: QTextDocument, gap: float = 10) -> None:
        def draw(painter: QPainter, rect: QRectF) -> None:
            painter.save()
            painter.translate(rect.topLeft())
            doc.drawContents(painter)
            painter.restore()

        self.place(doc.size().height(), draw, gap)


def _table_html(table: Table, rows: list[list[str]], title: str) -> str:
    right = [k not in ("text", "date") for k in table.kinds]
    # a right-aligned figure before a left-aligned column keeps a gap (Qt pads every cell alike)
    gap = ["&nbsp;&nbsp;" if r and i + 1 < len(right) and not right[i + 1] else "" for i, r in enumerate(right)]
    # A wide table's headers break between words, so its columns are as wide as their figures.
    breaks = "<br>" if len(table.headers) > 8 else " "
    head = "".join(
        f'<th align="{"right" if r else "left"}" bgcolor="#e8edf3">{html.escape(h).replace(" ", breaks)}{g}</th>'
        for h, r, g in zip(table.headers, right, gap, strict=True)
    )
    body = []
    for i, row in enumerate(rows):
        shade = ' bgcolor="#f6f8fa"' if i % 2 else ""
        bold = i == len(rows) - 1 and row[0] == "Total"
        wrap = ("<b>", "</b>") if bold else ("", "")
        cells = "".join(
            f'<td align="{"right" if r else "left"}" style="white-space:nowrap">'
            f"{wrap[0]}{html.escape(c)}{wrap[1]}{g}</td>"
            for c, r, g in zip(row, right, gap, strict=True)
        )
        body.append(f"<tr{shade}>{cells}</tr>")
    return (
        f"<p style='font-size:10pt'><b>{html.escape(title)}</b></p>"
        f'<table width="100%" cellspacing="0" cellpadding="2"><tr>{head}</tr>{"".join(body)}</table>'
    )


def _place_table(layout: _Layout, table: Table, font_pt: float = 8.0, limit: int | None = None) -> None:
    """The table, split over pages between rows where it does not fit (the header repeats)."""
    rows = table.text_rows()
    extra = ""
    if limit is not None and len(rows) > limit:
        extra = f"… and {len(rows) - limit:,} more batches: the XLSX lists every one."
        rows = rows[:limit]
    if not rows:
        layout.place_doc(layout.document(_table_html(table, [], table.title) + "<p>None.</p>", font_pt))
        return
    start, title = 0, table.title
    header = layout.document(_table_html(table, [], title), font_pt).size().height()
    while start < len(rows):
        room = layout.bottom - layout.y
        doc = layout.document(_table_html(table, rows[start:], title), font_pt)
        end = len(rows)
        if doc.size().height() > room:
            # as many rows as the average row height says fit, then one fewer until they do
            per_row = (doc.size().height() - header) / (end - start)
            end = start + max(1, int((room - header) / per_row))
            doc = layout.document(_table_html(table, rows[start:end], title), font_pt)
            while doc.size().height() > room and end - start > 1:
                end -= 1
                doc = layout.document(_table_html(table, rows[start:end], title), font_pt)
        if doc.size().height() > room and layout.pages[-1]:
            layout.new_page()
            continue
        layout.place_doc(doc, gap=4 if end < len(rows) else 10)
        start, title = end, f"{table.title} (continued)"
        if start < len(rows):
            layout.new_page()
    if extra:
        layout.place_doc(layout.document(f"<p><i>{html.escape(extra)}</i></p>", font_pt))


def _title_html(content: ReportContent) -> str:
    company = f"<p style='font-size:11pt; color:#555555'>{html.escape(content.company)}</p>" if content.company else ""
    return (
        f"{company}<p style='font-size:17pt'><b>{html.escape(content.title)}: "
        f"{content.month.strftime('%B %Y')}</b></p>"
        f"<p style='font-size:9pt; color:#444444'>{html.escape(content.scope)} · as of {content.as_of.isoformat()} "
        f"(month end) · hash rate in {html.escape(content.unit)} · unaudited</p>"
    )


def load_logo(path: str | Path) -> QImage:
    """The company logo (PNG, JPEG...), refused with a sentence if it is not an image."""
    file = Path(path).expanduser()
    if not file.is_file():
        raise ValidationError("--logo", f"no image file at {file}")
    if file.stat().st_size > MAX_LOGO_BYTES:
        raise ValidationError("--logo", f"{file} is larger than {MAX_LOGO_BYTES // 1_000_000} MB")
    image = QImage(str(file))
    if image.isNull():
        raise ValidationError("--logo", f"{file} is not an image Qt can read (PNG or JPEG)")
    return image


def render_report_pdf(
    content: ReportContent,
    path: Path,
    *,
    page_size: str | None = None,
    progress: Progress | None = None,
    logo: QImage | None = None,
) -> int:
    """Writes the PDF; returns its page count. Needs a QGuiApplication (render.gui_app)."""
    size = (page_size or default_page_size()).lower()
    if size not in PAGE_SIZES:
        raise ValidationError("--page-size", f"must be a4 or letter, not '{page_size}'")
    report = progress or (lambda _percent, _text: None)
    writer = QPdfWriter(str(path))
    writer.setTitle(f"{content.title} {content.month.strftime('%Y-%m')}")
    writer.setCreator("Hashplan")
    writer.setResolution(300)
    writer.setPageLayout(
        QPageLayout(
            QPageSize(PAGE_SIZES[size]),
            QPageLayout.Orientation.Portrait,
            QMarginsF(15, 12, 15, 12),
            QPageLayout.Unit.Millimeter,
        )
    )
    layout = _Layout(writer)
    pt = layout.pt
    report(10, "laying out the tables")
    layout.place_doc(layout.document(_title_html(content)))
    if logo is not None:  # top right of the first page, beside the title
        layout.pages[0].append(_Placed(layout.top, pt(40), lambda painter, rect: _draw_logo(painter, rect, logo, pt)))
    _place_table(layout, content.headline, 8.5)
    chart_height = pt(190)

    def chart(paint: Callable[..., None]) -> Callable[[QPainter, QRectF], None]:
        return lambda painter, rect: paint(painter, rect, content, pt)

    layout.place(chart_height, chart(report_charts.deployed_vs_planned))
    layout.new_page()
    _place_table(layout, content.sites, 6.5)
    _place_table(layout, content.targets)
    layout.place(chart_height, chart(report_charts.stacked_by_site))
    layout.place(pt(130), chart(report_charts.pipeline))
    layout.place(pt(100), chart(report_charts.efficiency_mix))
    _place_table(layout, content.models)
    _place_table(layout, content.slip)
    layout.new_page()
    layout.place_doc(layout.document("<p style='font-size:13pt'><b>Appendix</b></p>"), gap=4)
    _place_table(layout, content.expected, 7.5, limit=MAX_EXPECTED_ROWS)
    definitions = "".join(f"<p><b>{html.escape(t)}.</b> {html.escape(d)}</p>" for t, d in content.definitions)
    layout.place_doc(layout.document(f"<p style='font-size:10pt'><b>Definitions</b></p>{definitions}", 7.5))
    notes = "".join(f"<p>{html.escape(n)}</p>" for n in NOTES)
    layout.place_doc(layout.document(f"{notes}<p>As of {content.as_of.isoformat()} (the month's last day).</p>", 7.5))
    report(50, "painting the pages")
    _paint(writer, layout, content)
    report(100, "done")
    return len(layout.pages)


def _draw_logo(painter: QPainter, rect: QRectF, logo: QImage, pt: Callable[[float], float]) -> None:
    height = pt(40)
    width = min(pt(140), height * logo.width() / max(1, logo.height()))
    height = width * logo.height() / max(1, logo.width())
    painter.drawImage(QRectF(rect.right() - width, rect.top(), width, height), logo)


def _paint(writer: QPdfWriter, layout: _Layout, content: ReportContent) -> None:
    painter = QPainter()
    if not painter.begin(writer):
        raise OSError(f"cannot write the PDF to {writer.title()}")
    try:
        total = len(layout.pages)
        for number, page in enumerate(layout.pages, start=1):
            if number > 1:
                writer.newPage()
            _header_footer(painter, layout, content, number, total)
            for placed in page:
                placed.draw(painter, QRectF(0, placed.y, layout.width, placed.height))
    finally:
        painter.end()


def _header_footer(painter: QPainter, layout: _Layout, content: ReportContent, number: int, total: int) -> None:
    pt = layout.pt
    font = QFont()
    font.setPointSizeF(7)
    painter.setFont(font)
    painter.setPen(QColor("#666666"))
    left = " · ".join(x for x in (content.company, f"{content.title}, {content.month.strftime('%B %Y')}") if x)
    painter.drawText(QRectF(0, 0, layout.width, pt(10)), Qt.AlignmentFlag.AlignLeft, left)
    painter.drawText(QRectF(0, 0, layout.width, pt(10)), Qt.AlignmentFlag.AlignRight, content.scope)
    bottom = layout.bottom + pt(8)
    painter.drawText(
        QRectF(0, bottom, layout.width, pt(10)),
        Qt.AlignmentFlag.AlignLeft,
        f"Unaudited · as of {content.as_of.isoformat()}",
    )
    painter.drawText(QRectF(0, bottom, layout.width, pt(10)), Qt.AlignmentFlag.AlignRight, f"Page {number} of {total}")
