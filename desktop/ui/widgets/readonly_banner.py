"""The strip across the top of a window whose database cannot be written."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QStyle, QWidget

from desktop.server_address import ServerAddress

_STYLE = """
QFrame#readOnlyBanner { background: #fff3bf; border: 1px solid #f08c00; border-radius: 6px; }
QFrame#readOnlyBanner QLabel { color: #5c3c00; }
"""


def read_only_reason(path: Path) -> str:
    """Why the file is read-only, in the operator's words."""
    if isinstance(path, ServerAddress):
        return "your login has the server's hashplan_viewer role: it may read and export only"
    folder = path.parent
    if path.exists() and not os.access(path, os.W_OK):
        return "the file is read-only"
    if not os.access(folder, os.W_OK | os.X_OK):
        return f"the folder {folder} is read-only"
    return "it was opened read-only"


class ReadOnlyBanner(QFrame):
    def __init__(self, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("readOnlyBanner")
        self.setStyleSheet(_STYLE)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        glyph = QLabel(self)
        size = self.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize)
        glyph.setPixmap(self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning).pixmap(size, size))
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        layout.addWidget(glyph)
        layout.addWidget(self.label, 1)
        self.set_path(path)

    def set_path(self, path: Path) -> None:
        if isinstance(path, ServerAddress):
            self.label.setText(
                f"<b>Read-only:</b> {path} cannot be changed here ({read_only_reason(path)}). "
                "You can look, search, chart and export; an administrator can give you "
                "hashplan_editor to make changes."
            )
            self.setToolTip(str(path))
            return
        self.label.setText(
            f"<b>Read-only:</b> {path} cannot be changed ({read_only_reason(path)}). "
            "You can look, search, chart and export; to make changes, copy the file somewhere "
            "writable and open the copy."
        )
        self.setToolTip(str(path))
