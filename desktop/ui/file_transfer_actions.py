"""The File menu's Import…, Export…, Export Chart… and Report… actions.

Dialogs open non-blocking (``open()``) so the window keeps painting and tests can drive
them; each ``open_*`` returns its dialog.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QUrl, Signal
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence
from PySide6.QtWidgets import QMessageBox, QWidget

from desktop.errors import HashplanError
from desktop.services.session import Session
from desktop.ui import file_dialogs
from desktop.ui.settings import WindowSettings

if TYPE_CHECKING:  # imported on first use: ~60 ms less before the window shows
    from desktop.services.exporting import ExportResult
    from desktop.ui.dialogs.export_dialog import ExportDialog
    from desktop.ui.dialogs.import_dialog import ImportDialog
    from desktop.ui.dialogs.report_dialog import ReportDialog

log = logging.getLogger(__name__)


class FileTransferActions(QObject):
    imported = Signal(object)  # ImportResult
    exported = Signal(object)  # ExportResult or the chart's path

    def __init__(
        self,
        parent: QWidget,
        session: Session,
        chart_provider: Callable[[], object],
        site_provider: Callable[[], int | None] | None = None,
        settings: WindowSettings | None = None,
    ) -> None:
        super().__init__(parent)
        self.parent_widget = parent
        self.session = session
        self.chart_provider = chart_provider
        self.site_provider = site_provider or (lambda: None)
        self.settings = settings
        self.done_box: QMessageBox | None = None  # "Exported ... [Open Folder]", while it shows
        self.dialog: ImportDialog | ExportDialog | ReportDialog | None = None

        self.import_action = QAction("&Import Batches…", self)
        self.import_action.setShortcut(QKeySequence("Ctrl+I"))
        self.import_action.setStatusTip("Import batches from a CSV, XLSX or JSON file (all rows or none)")
        self.import_action.triggered.connect(self.open_import)
        self.export_action = QAction("&Export…", self)
        self.export_action.setShortcut(QKeySequence("Ctrl+Shift+E"))
        self.export_action.setStatusTip("Export batches, the summary or the chart series to CSV, XLSX or JSON")
        self.export_action.triggered.connect(self.open_export)
        self.export_chart_action = QAction("Export &Chart…", self)
        self.export_chart_action.setStatusTip("Save the hash-rate chart as a PNG or SVG image")
        self.export_chart_action.triggered.connect(self.choose_chart_file)
        self.report_action = QAction("&Report…", self)
        self.report_action.setStatusTip("The monthly operations update as a PDF and/or an XLSX workbook")
        self.report_action.triggered.connect(self.open_report)
        self._enable_for(session)

    def _enable_for(self, session: Session) -> None:
        # Exports only read; an import writes, so a read-only file cannot take one.
        readonly = session.readonly
        self.import_action.setEnabled(not readonly)
        self.import_action.setStatusTip(
            "Unavailable: the file is open read-only"
            if readonly
            else "Import batches from a CSV, XLSX or JSON file (all rows or none)"
        )

    def actions(self) -> list[QAction]:
        return [self.import_action, self.export_action, self.export_chart_action, self.report_action]

    def set_session(self, session: Session) -> None:
        """The window swapped its database: later dialogs work on the new one."""
        self.session = session
        self._enable_for(session)

    def open_import(self) -> ImportDialog:
        from desktop.ui.dialogs.import_dialog import ImportDialog

        dialog = ImportDialog(self.parent_widget, self.session, settings=self.settings)
        dialog.imported.connect(self.imported.emit)
        self.dialog = dialog
        dialog.open()
        return dialog

    def open_export(self) -> ExportDialog:
        from desktop.ui.dialogs.export_dialog import ExportDialog

        dialog = ExportDialog(self.parent_widget, self.session, self.site_provider())
        if self.settings is not None:
            dialog.remember_from(self.settings.export_choices())
        dialog.exported.connect(self.exported.emit)
        dialog.exported.connect(self._exported)
        self.dialog = dialog
        dialog.open()
        return dialog

    def open_report(self) -> ReportDialog:
        from desktop.ui.dialogs.report_dialog import ReportDialog

        dialog = ReportDialog(self.parent_widget, self.session, self.site_provider())
        dialog.produced.connect(self.exported.emit)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _exported(self, result: ExportResult) -> None:
        """Remembers the choices and says where the file went, with a way to its folder."""
        if self.settings is not None:
            self.settings.set_export_choices(result.what, result.format, str(result.path.parent))
        said = result.describe()
        said = said[:1].upper() + said[1:]  # not capitalize(): it would lower "XLSX"
        box = QMessageBox(QMessageBox.Icon.Information, "Export", said, parent=self.parent_widget)
        open_folder = box.addButton("Open Folder", QMessageBox.ButtonRole.ActionRole)
        box.addButton(QMessageBox.StandardButton.Close)
        open_folder.clicked.connect(lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(result.path.parent))))
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.done_box = box
        box.finished.connect(lambda _: setattr(self, "done_box", None))
        box.open()

    def choose_chart_file(self) -> None:
        name, chosen = file_dialogs.save_file_name(
            self.parent_widget, "Export Chart", "hashrate.png", "PNG image (*.png);;SVG image (*.svg)"
        )
        if not name:
            return
        if not name.lower().endswith((".png", ".svg")):
            name += ".svg" if "svg" in chosen.lower() else ".png"
        self.save_chart(name)

    def save_chart(self, path: str) -> bool:
        from desktop.ui.charts.chart_export import export_chart

        try:
            saved = export_chart(self.chart_provider(), path)
        except HashplanError as error:
            QMessageBox.warning(self.parent_widget, "Export Chart", str(error))
            return False
        except Exception as error:  # a rendering failure must not take the window down
            log.exception("chart export failed")
            QMessageBox.warning(self.parent_widget, "Export Chart", f"the chart could not be saved: {error}")
            return False
        self.exported.emit(saved)
        return True
