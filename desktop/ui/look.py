"""The look: Fusion style, the system's light or dark palette, one small style sheet."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

WARNING = "#e03131"


def _mix(a: QColor, b: QColor, t: float) -> str:
    return QColor(
        round(a.red() + (b.red() - a.red()) * t),
        round(a.green() + (b.green() - a.green()) * t),
        round(a.blue() + (b.blue() - a.blue()) * t),
    ).name()


def style_sheet(palette: QPalette) -> str:
    text = palette.color(QPalette.ColorRole.Text)
    base = palette.color(QPalette.ColorRole.Base)
    window = palette.color(QPalette.ColorRole.Window)
    muted = _mix(text, base, 0.42)
    border = _mix(text, window, 0.82)
    return f"""
QFrame#kpiTile {{ background: {base.name()}; border: 1px solid {border}; border-radius: 8px; }}
QFrame#kpiTile[warning="true"] {{ border: 1px solid {WARNING}; background: {_mix(base, QColor(WARNING), 0.10)}; }}
QFrame#kpiTile[warning="true"] QLabel#kpiValue {{ color: {WARNING}; }}
QLabel#kpiTitle {{ color: {muted}; font-size: 9pt; font-weight: 600; text-transform: uppercase; }}
QLabel#kpiValue {{ font-size: 19pt; font-weight: 600; }}
QWidget#kpiTiles[compact="true"] QLabel#kpiValue {{ font-size: 14pt; }}
QWidget#kpiTiles[compact="true"] QLabel#kpiTitle {{ font-size: 7pt; }}
QLabel#kpiDetail, QLabel#mutedLabel, QLabel#chartReadout {{ color: {muted}; }}
QLabel#panelTitle {{ font-weight: 600; font-size: 11pt; }}
QListView#siteList, QTableView#batchTable {{ border: 1px solid {border}; border-radius: 6px; }}
QTableView#batchTable {{ gridline-color: {border}; }}
QSplitter::handle {{ background: transparent; }}
"""


def dark_palette() -> QPalette:
    palette = QPalette()
    roles = {
        QPalette.ColorRole.Window: "#202329",
        QPalette.ColorRole.WindowText: "#e4e6eb",
        QPalette.ColorRole.Base: "#17191d",
        QPalette.ColorRole.AlternateBase: "#1f2227",
        QPalette.ColorRole.Text: "#e4e6eb",
        QPalette.ColorRole.Button: "#2a2e35",
        QPalette.ColorRole.ButtonText: "#e4e6eb",
        QPalette.ColorRole.Highlight: "#4c6ef5",
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.ToolTipBase: "#2a2e35",
        QPalette.ColorRole.ToolTipText: "#e4e6eb",
        QPalette.ColorRole.PlaceholderText: "#8a8f98",
        QPalette.ColorRole.Link: "#74a0ff",
        QPalette.ColorRole.Mid: "#3a3f47",
        QPalette.ColorRole.Dark: "#111316",
    }
    for role, colour in roles.items():
        palette.setColor(role, QColor(colour))
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText, QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#6b7079"))
    return palette


def _is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def apply_look(app: QApplication) -> None:
    """Fusion everywhere; follow the system's colour scheme, now and when it changes."""
    app.setStyle("Fusion")
    system_palette = QPalette(app.palette())

    def follow_scheme() -> None:
        scheme = app.styleHints().colorScheme()
        # The platform may say "dark" yet hand Fusion a light palette: supply one then.
        dark = scheme == Qt.ColorScheme.Dark and not _is_dark(system_palette)
        palette = dark_palette() if dark else system_palette
        app.setPalette(palette)
        app.setStyleSheet(style_sheet(palette))

    follow_scheme()
    app.styleHints().colorSchemeChanged.connect(lambda _scheme: follow_scheme())
