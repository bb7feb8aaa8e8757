"""File dialogs that never read the files they list.

Qt's own file dialog (and GTK's, which Qt uses in-process on some Linux desktops) sniffs
each listed file's content to pick its icon and type: it opens and closes ``fleet.db``,
``fleet.db-wal`` and ``fleet.db-shm`` (seen with strace). On POSIX, closing any descriptor
of a file drops every lock this process holds on it, SQLite's included (see
desktop/store/db_file.py), so another process may delete the window's live WAL. These
dialogs are Qt's widget dialog with an icon provider that looks at names only. Windows
locks per handle, so its native dialog is safe and kept there.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QFileInfo
from PySide6.QtGui import QAbstractFileIconProvider, QIcon
from PySide6.QtWidgets import QApplication, QFileDialog, QStyle, QWidget

_SAFE_NATIVE = sys.platform == "win32"


class NameOnlyIconProvider(QAbstractFileIconProvider):
    """Icons and type names from the file name alone: no file is opened to guess its type."""

    def icon(self, what: QAbstractFileIconProvider.IconType | QFileInfo) -> QIcon:  # type: ignore[override]
        style = QApplication.style()
        folder = what == QAbstractFileIconProvider.IconType.Folder or (isinstance(what, QFileInfo) and what.isDir())
        return style.standardIcon(QStyle.StandardPixmap.SP_DirIcon if folder else QStyle.StandardPixmap.SP_FileIcon)

    def type(self, info: QFileInfo) -> str:
        if info.isDir():
            return "Folder"
        suffix = info.suffix()
        return f"{suffix.upper()} file" if suffix else "File"


def _dialog(
    parent: QWidget | None, caption: str, directory: str, name_filter: str, options: QFileDialog.Option | None
) -> QFileDialog:
    dialog = QFileDialog(parent, caption, directory, name_filter)
    if options is not None:
        dialog.setOptions(options)
    if not _SAFE_NATIVE:
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        provider = NameOnlyIconProvider()
        dialog.setIconProvider(provider)
        dialog._name_only_provider = provider  # type: ignore[attr-defined]  # Qt does not own it
    return dialog


def open_file_name(parent: QWidget | None, caption: str, directory: str = "", name_filter: str = "") -> tuple[str, str]:
    """Like ``QFileDialog.getOpenFileName``: (chosen path or "", chosen filter)."""
    dialog = _dialog(parent, caption, directory, name_filter, None)
    dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptOpen)
    return _run(dialog)


def save_file_name(
    parent: QWidget | None,
    caption: str,
    directory: str = "",
    name_filter: str = "",
    options: QFileDialog.Option | None = None,
) -> tuple[str, str]:
    """Like ``QFileDialog.getSaveFileName``: (chosen path or "", chosen filter)."""
    dialog = _dialog(parent, caption, directory, name_filter, options)
    dialog.setFileMode(QFileDialog.FileMode.AnyFile)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    return _run(dialog)


def _run(dialog: QFileDialog) -> tuple[str, str]:
    try:
        if dialog.exec() != QFileDialog.DialogCode.Accepted or not dialog.selectedFiles():
            return "", ""
        return dialog.selectedFiles()[0], dialog.selectedNameFilter()
    finally:
        dialog.deleteLater()
