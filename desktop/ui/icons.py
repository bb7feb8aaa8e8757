"""Icons from resources/icons/*.svg, drawn in the palette's text colour (light or dark)."""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QByteArray, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer

from desktop.resources import resource_path

SIZES = (16, 20, 24, 32, 48)


def _text_colour() -> str:
    app = QGuiApplication.instance()
    if app is None:
        return "#333333"
    return QGuiApplication.palette().color(QPalette.ColorRole.WindowText).name()


@cache
def _icon(name: str, colour: str) -> QIcon:
    path = resource_path("icons", f"{name}.svg")
    if not path.exists():
        return QIcon()
    # Qt's SVG renderer knows no currentColor: put the palette's colour in its place.
    data = QByteArray(path.read_text(encoding="utf-8").replace("currentColor", colour).encode())
    renderer = QSvgRenderer(data)
    result = QIcon()
    for size in SIZES:
        for mode, alpha in ((QIcon.Mode.Normal, 1.0), (QIcon.Mode.Disabled, 0.35)):
            pixmap = QPixmap(QSize(size, size))
            pixmap.fill(Qt.GlobalColor.transparent)
            painter = QPainter(pixmap)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setOpacity(alpha)
            renderer.render(painter, QRectF(0, 0, size, size))
            painter.end()
            result.addPixmap(pixmap, mode)
    return result


def icon(name: str) -> QIcon:
    """The icon ``resources/icons/<name>.svg`` (an empty icon if the file is missing)."""
    return _icon(name, _text_colour())


def app_icon() -> QIcon:
    return _icon("hashplan", QColor("#000000").name())
