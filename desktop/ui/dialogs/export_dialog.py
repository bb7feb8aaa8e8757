"""File > Export: what (batches, summary, series), format, site, date and file; runs in a worker."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, QThreadPool, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.services.exporting import FORMATS, WHATS, ExportResult, export, guess_format
from desktop.services.session import Session, open_session
from desktop.ui import file_dialogs
from desktop.ui.workers.task import Task, bulk_work, run_task

_WHAT_LABELS = {
    "batches": "Batches (re-importable)",
    "summary": "Data centers' summary",
    "series": "Chart series",
    "miners": "Miners (last reading)",
}
_FORMAT_LABELS = {"csv": "CSV", "xlsx": "Excel workbook (XLSX)", "json": "JSON"}


class ExportDialog(QDialog):
    exported = Signal(object)  # ExportResult

    def __init__(
        self,
        parent: QWidget | None,
        session: Session,
        site_id: int | None = None,
        pool: QThreadPool | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export")
        self.setMinimumWidth(520)
        self.session = session
        self.pool = pool or QThreadPool.globalInstance()
        self.worker: Task | None = None
        self.outcome: ExportResult | None = None

        self.what_combo = QComboBox()
        for what in WHATS:
            self.what_combo.addItem(_WHAT_LABELS[what], what)
        self.format_combo = QComboBox()
        for fmt in FORMATS:
            self.format_combo.addItem(_FORMAT_LABELS[fmt], fmt)
        self.format_combo.currentIndexChanged.connect(self._match_suffix)
        self.site_combo = QComboBox()
        self.site_combo.addItem("All data centers", None)
        for site in session.fleet.list_sites():
            self.site_combo.addItem(site.name, site.name)
            if site.id == site_id:
                self.site_combo.setCurrentIndex(self.site_combo.count() - 1)
        self.date_edit = QDateEdit(QDate.currentDate())
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        self.file_edit = QLineEdit(placeholderText="Where to save the file")
        self.file_edit.textChanged.connect(self._update_ok)
        choose = QPushButton("Choose…")
        choose.clicked.connect(self.choose_file)
        file_row = QHBoxLayout()
        file_row.addWidget(self.file_edit, 1)
        file_row.addWidget(choose)

        form = QFormLayout()
        form.addRow("Export:", self.what_combo)
        form.addRow("Format:", self.format_combo)
        form.addRow("Data center:", self.site_combo)
        form.addRow("As of:", self.date_edit)
        form.addRow("File:", file_row)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.export_button = self.buttons.addButton("Export", QDialogButtonBox.ButtonRole.AcceptRole)
        self.export_button.setEnabled(False)
        self.buttons.accepted.connect(self.start_export)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.progress)
        layout.addWidget(self.buttons)

    def remember_from(self, choices: dict[str, str]) -> None:
        """Starts from the last export's choices: what, format, and a file name in its folder."""
        for combo, key in ((self.what_combo, "what"), (self.format_combo, "format")):
            found = combo.findData(choices.get(key))
            if found >= 0:
                combo.setCurrentIndex(found)
        folder = choices.get("folder")
        if folder and Path(folder).is_dir():
            name = f"hashplan-{self.what_combo.currentData()}.{self.format_combo.currentData()}"
            self.file_edit.setText(str(Path(folder) / name))

    def choose_file(self) -> None:
        fmt = self.format_combo.currentData()
        name, _ = file_dialogs.save_file_name(
            self, "Export", f"hashplan-{self.what_combo.currentData()}.{fmt}", f"{_FORMAT_LABELS[fmt]} (*.{fmt})"
        )
        if name:
            self.file_edit.setText(name)

    def _match_suffix(self) -> None:
        text = self.file_edit.text().strip()
        if text:
            self.file_edit.setText(str(Path(text).with_suffix("." + self.format_combo.currentData())))

    def _update_ok(self) -> None:
        self.export_button.setEnabled(bool(self.file_edit.text().strip()) and self.worker is None)

    def set_choices(self, what: str, fmt: str, path: str | Path, site: str | None = None) -> None:
        """Fills the form (tests and callers that already know the answers)."""
        self.what_combo.setCurrentIndex(self.what_combo.findData(what))
        self.format_combo.setCurrentIndex(self.format_combo.findData(fmt))
        self.site_combo.setCurrentIndex(max(0, self.site_combo.findData(site)) if site else 0)
        self.file_edit.setText(str(path))

    def start_export(self) -> None:
        text = self.file_edit.text().strip()
        if not text or self.worker is not None:
            return
        what, fmt = self.what_combo.currentData(), self.format_combo.currentData()
        fmt = guess_format(text) or fmt
        site = self.site_combo.currentData()
        at = date.fromisoformat(self.date_edit.date().toString("yyyy-MM-dd"))
        db = self.session.path

        def job(progress, cancel):  # type: ignore[no-untyped-def]
            with open_session(db, readonly=True) as own:
                return export(own, what, fmt, text, site=site, at=at, cancel=cancel, progress=progress)

        self.export_button.setEnabled(False)
        self.progress.setVisible(True)
        self.message.setText(f"Exporting to {text}…")
        self.worker = run_task(
            self.pool, job, "the export", on_result=self._finished, on_error=self._failed,
            on_progress=self._on_progress, settings=bulk_work,
        )  # fmt: skip

    def _on_progress(self, done: int, total: int) -> None:
        self.progress.setMaximum(max(total, 1))
        self.progress.setValue(done)

    def _finished(self, result: ExportResult) -> None:
        self.worker = None
        self.outcome = result
        said = result.describe()
        self.message.setText(said[:1].upper() + said[1:])
        self.exported.emit(result)
        self.accept()

    def _failed(self, message: str) -> None:
        self.worker = None
        self.progress.setVisible(False)
        self.message.setText(message)
        self._update_ok()

    def reject(self) -> None:
        if self.worker is not None:
            self.worker.cancel.set()
            self.message.setText("Cancelling… no file will be written.")
            return
        super().reject()
