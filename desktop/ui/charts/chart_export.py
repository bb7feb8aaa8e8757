"""Saves the hash-rate chart as PNG or SVG (pyqtgraph's exporters), atomically.

The exporters render to memory (``toBytes``); the bytes go to a temp file in the target
folder that is then renamed, so a failed save never leaves half an image.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from desktop.errors import ValidationError
from desktop.services.export_writers import ExportError, atomic_write

log = logging.getLogger(__name__)
CHART_FORMATS = ("png", "svg")


def _plot_item(source: Any) -> Any:
    """Accepts a PlotItem, a PlotWidget, or a widget holding ``plot_widget`` (HashrateChart)."""
    if hasattr(source, "plot_widget"):
        source = source.plot_widget
    if hasattr(source, "getPlotItem"):
        source = source.getPlotItem()
    return source


def _render_svg(item: Any, temp: Path) -> None:
    """The chart's part of the scene drawn by Qt's own SVG generator."""
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QGuiApplication, QPainter
    from PySide6.QtSvg import QSvgGenerator

    source = item.sceneBoundingRect()
    target = QRectF(0, 0, source.width(), source.height())
    generator = QSvgGenerator()
    generator.setFileName(str(temp))
    generator.setSize(target.size().toSize())
    generator.setViewBox(target)
    generator.setTitle("Hashplan hash rate")
    # Qt's SVG generator defaults to 90 dpi; the scene was laid out at the screen's dpi,
    # and a mismatch scales fonts and clip rectangles against each other.
    screen = QGuiApplication.primaryScreen()
    generator.setResolution(round(screen.logicalDotsPerInch()) if screen else 96)
    painter = QPainter(generator)
    try:
        item.scene().render(painter, target, source)
    finally:
        painter.end()


def export_chart(plot_item: Any, path: str | Path, *, width: int | None = None) -> Path:
    """Writes the chart to ``path`` (.png or .svg); raises ExportError naming the path."""
    import pyqtgraph.exporters as exporters

    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in CHART_FORMATS:
        raise ValidationError("file", f"'{path.name}': save the chart as .png or .svg")
    item = _plot_item(plot_item)
    if fmt == "svg":
        try:
            data = exporters.SVGExporter(item).export(toBytes=True)
        except ValueError:  # pyqtgraph #3485: its path rewriting fails on newer Qt's SVG
            log.info("pyqtgraph's SVG exporter failed; rendering through QSvgGenerator")
            return atomic_write(path, lambda temp: _render_svg(item, temp), suffix=".svg")
        if isinstance(data, str):
            data = data.encode("utf-8")

        def write(temp: Path) -> None:
            temp.write_bytes(data)

        return atomic_write(path, write, suffix=".svg")
    exporter = exporters.ImageExporter(item)
    if width:  # default: the size on screen (pyqtgraph scales text but not the legend)
        exporter.parameters()["width"] = width
    image = exporter.export(toBytes=True)

    def save(temp: Path) -> None:
        if not image.save(str(temp), "PNG"):
            raise ExportError(f"cannot write {path}: the image could not be saved")

    return atomic_write(path, save, suffix=".png")
