"""The report's charts, painted as vectors with QPainter into a rectangle of the PDF page."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen

from desktop.services.report_content import ReportContent

PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f")
MAX_STACKED_SITES = 7  # more sites than this stack as "Other" (a legend of 50 helps nobody)

Points = Callable[[float], float]  # points (1/72 in) to device units


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    exponent = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * exponent:
            return step * exponent
    return 10 * exponent


def _font(pt: float, bold: bool = False) -> QFont:
    font = QFont()
    font.setPointSizeF(pt)
    font.setBold(bold)
    return font


def _frame(painter: QPainter, rect: QRectF, title: str, pt: Points) -> QRectF:
    """Draws the title; returns the plot area (room left for the axis labels)."""
    painter.setFont(_font(9, bold=True))
    painter.setPen(QColor("#222222"))
    painter.drawText(QRectF(rect.left(), rect.top(), rect.width(), pt(14)), Qt.AlignmentFlag.AlignLeft, title)
    return QRectF(rect.left() + pt(42), rect.top() + pt(30), rect.width() - pt(52), rect.height() - pt(58))


def _y_axis(painter: QPainter, plot: QRectF, top: float, unit: str, pt: Points) -> None:
    painter.setFont(_font(7))
    for i in range(5):
        value = top * i / 4
        y = plot.bottom() - plot.height() * i / 4
        painter.setPen(QPen(QColor("#dddddd"), pt(0.5)))
        painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
        painter.setPen(QColor("#444444"))
        painter.drawText(
            QRectF(plot.left() - pt(42), y - pt(6), pt(38), pt(12)),
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            f"{value:,.0f}" if (top / 4).is_integer() else f"{value:,.2f}",
        )
    painter.drawText(
        QRectF(plot.left() - pt(42), plot.top() - pt(14), pt(60), pt(10)), Qt.AlignmentFlag.AlignLeft, unit
    )


def _month_labels(painter: QPainter, plot: QRectF, labels: Sequence[str], pt: Points, centred: bool) -> None:
    painter.setFont(_font(6.5))
    painter.setPen(QColor("#444444"))
    n = len(labels)
    for i, label in enumerate(labels):
        x = plot.left() + plot.width() * ((i + 0.5) / n if centred else i / max(1, n - 1))
        painter.drawText(
            QRectF(x - pt(20), plot.bottom() + pt(3), pt(40), pt(10)), Qt.AlignmentFlag.AlignHCenter, label
        )


def _legend(painter: QPainter, rect: QRectF, entries: Sequence[tuple[str, QColor]], pt: Points) -> None:
    painter.setFont(_font(7))
    x, y = rect.left() + pt(42), rect.bottom() - pt(10)
    for label, color in entries:
        painter.fillRect(QRectF(x, y + pt(2), pt(8), pt(6)), color)
        painter.setPen(QColor("#222222"))
        width = painter.fontMetrics().horizontalAdvance(label) + pt(18)
        painter.drawText(QRectF(x + pt(11), y, width, pt(10)), Qt.AlignmentFlag.AlignLeft, label)
        x += width


OPERATING_COLOR = "#2ca02c"  # the window's measured curve is green too


def deployed_vs_planned(painter: QPainter, rect: QRectF, content: ReportContent, pt: Points) -> None:
    plot = _frame(painter, rect, "Deployed vs planned hash rate at month end, with targets", pt)
    deployed = [sum(v for _, v in per_site) for _, per_site, _ in content.trend]
    planned = [p for _, _, p in content.trend]
    polled = [v for v in content.operating if v is not None]
    top = _nice_max(max([*deployed, *planned, *polled, *(v for _, v, _ in content.target_marks), 0.0]) * 1.05)
    _y_axis(painter, plot, top, content.unit, pt)
    n = len(deployed)

    def point(i: int, value: float) -> QPointF:
        return QPointF(plot.left() + plot.width() * i / max(1, n - 1), plot.bottom() - plot.height() * value / top)

    operating = list(content.operating)
    measured = any(v is not None for v in operating)
    lines: list[tuple[list[float | None], str, Qt.PenStyle]] = [
        (list(planned), "#7f7f7f", Qt.PenStyle.DashLine),
        (list(deployed), PALETTE[0], Qt.PenStyle.SolidLine),
    ]
    if measured:
        lines.append((operating, OPERATING_COLOR, Qt.PenStyle.SolidLine))
    for values, color, style in lines:
        pen = QPen(QColor(color), pt(1.6))
        pen.setStyle(style)
        painter.setPen(pen)
        for i in range(1, n):
            before, now = values[i - 1], values[i]
            if before is not None and now is not None:  # a month without polls breaks the measured line
                painter.drawLine(point(i - 1, before), point(i, now))
    painter.setFont(_font(6.5))
    for due, value, name in content.target_marks:
        y = plot.bottom() - plot.height() * value / top
        pen = QPen(QColor(PALETTE[3]), pt(1))
        pen.setStyle(Qt.PenStyle.DotLine)
        painter.setPen(pen)
        painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
        painter.drawText(
            QRectF(plot.left() + pt(4), y - pt(10), plot.width(), pt(9)),
            Qt.AlignmentFlag.AlignLeft,
            f"Target {name}: {value:,.2f} {content.unit} by {due.isoformat()}",
        )
    _month_labels(painter, plot, [end.strftime("%b %y") for end, _, _ in content.trend], pt, centred=False)
    _legend(
        painter,
        rect,
        [
            ("Deployed", QColor(PALETTE[0])),
            ("Planned (active units)", QColor("#7f7f7f")),
            *([("Operating (measured)", QColor(OPERATING_COLOR))] if measured else []),
            ("Target", QColor(PALETTE[3])),
        ],
        pt,
    )


def stacked_by_site(painter: QPainter, rect: QRectF, content: ReportContent, pt: Points) -> None:
    plot = _frame(painter, rect, "Deployed hash rate at month end by data center", pt)
    if not content.trend:
        return
    latest = dict(content.trend[-1][1])
    names = sorted(latest, key=lambda name: -latest[name])
    shown = names[:MAX_STACKED_SITES] if len(names) > MAX_STACKED_SITES + 1 else names
    rows = []
    for _, per_site, _ in content.trend:
        values = dict(per_site)
        row = [values.get(name, 0.0) for name in shown]
        if len(shown) < len(names):
            row.append(sum(v for name, v in per_site if name not in shown))
        rows.append(row)
    labels = [*shown, *(["Other"] if len(shown) < len(names) else [])]
    top = _nice_max(max([sum(r) for r in rows] + [0.0]) * 1.05)
    _y_axis(painter, plot, top, content.unit, pt)
    n = len(rows)
    width = plot.width() / n * 0.7
    for i, row in enumerate(rows):
        x = plot.left() + plot.width() * (i + 0.5) / n - width / 2
        base = plot.bottom()
        for j, value in enumerate(row):
            height = plot.height() * value / top
            painter.fillRect(QRectF(x, base - height, width, height), QColor(PALETTE[j % len(PALETTE)]))
            base -= height
    _month_labels(painter, plot, [end.strftime("%b %y") for end, _, _ in content.trend], pt, centred=True)
    _legend(painter, rect, [(label, QColor(PALETTE[j % len(PALETTE)])) for j, label in enumerate(labels)], pt)


def horizontal_bars(
    painter: QPainter, rect: QRectF, title: str, bars: Sequence[tuple[str, float, str]], pt: Points
) -> None:
    """Labelled bars (label, value, the value as shown), longest = the plot's width."""
    painter.setFont(_font(9, bold=True))
    painter.setPen(QColor("#222222"))
    painter.drawText(QRectF(rect.left(), rect.top(), rect.width(), pt(14)), Qt.AlignmentFlag.AlignLeft, title)
    top = max([v for _, v, _ in bars] + [0.0]) or 1.0
    row_height = min(pt(18), (rect.height() - pt(22)) / max(1, len(bars)))
    label_width, value_width = pt(70), pt(130)
    painter.setFont(_font(7.5))
    for i, (label, value, shown) in enumerate(bars):
        y = rect.top() + pt(20) + i * row_height
        painter.setPen(QColor("#222222"))
        painter.drawText(
            QRectF(rect.left(), y, label_width - pt(4), row_height),
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            label,
        )
        length = (rect.width() - label_width - value_width) * value / top
        painter.fillRect(
            QRectF(rect.left() + label_width, y + row_height * 0.15, length, row_height * 0.7),
            QColor(PALETTE[i % len(PALETTE)]),
        )
        painter.drawText(
            QRectF(rect.left() + label_width + length + pt(4), y, value_width, row_height),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            shown,
        )


def pipeline(painter: QPainter, rect: QRectF, content: ReportContent, pt: Points) -> None:
    bars = [(label, float(units), f"{units:,} units") for label, units in content.pipeline]
    horizontal_bars(painter, rect, "Pipeline by stage at month end (units)", bars, pt)


def efficiency_mix(painter: QPainter, rect: QRectF, content: ReportContent, pt: Points) -> None:
    total = sum(ths for _, _, ths in content.bands) or 1.0
    bars = [(label, ths, f"{100 * ths / total:.1f} % ({units:,} units)") for label, units, ths in content.bands]
    horizontal_bars(painter, rect, "Fleet mix by efficiency band (share of deployed hash rate)", bars, pt)
