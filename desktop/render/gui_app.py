"""A QGuiApplication for painting fonts and PDFs from the command line (no window, no widgets)."""

from __future__ import annotations

import os

from PySide6.QtGui import QGuiApplication


def ensure_gui_app() -> QGuiApplication:
    """The running application, or a new offscreen one when there is none (no display needed).

    A QApplication the window made is a QGuiApplication too: the report reuses it.
    """
    existing = QGuiApplication.instance()
    if existing is not None:
        return existing  # type: ignore[return-value]
    if (
        not os.environ.get("QT_QPA_PLATFORM")
        and not os.environ.get("DISPLAY")
        and not os.environ.get("WAYLAND_DISPLAY")
    ):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    return QGuiApplication(["hashplan"])
