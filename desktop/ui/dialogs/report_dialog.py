"""File > Report…: the monthly operations update (month, data center, PDF and/or XLSX file,
page size, company name), produced on a worker thread with a progress bar; says where the
files went when they are in place."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QDate, QSettings, QThreadPool, Signal
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

from desktop.render.report_files import ReportFiles, ReportRequest, produce_report
from desktop.render.report_pdf import default_page_size
from desktop.services.session import Session, open_session
from desktop.ui import file_dialogs
from desktop.ui.workers.task import Task, bulk_work, run_task


def _last_month() -> QDate:
    today = QDate.currentDate()
    return QDate(today.year(), today.month(), 1).addMonths(-1)


class ReportDialog(QDialog):
    produced = Signal(object)  # ReportFiles

    def __init__(
        self,
        parent: QWidget | None,
        session: Session,
        site_id: int | None = None,
        pool: QThreadPool | None = None,
        settings: QSettings | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Monthly Report")
        self.setMinimumWidth(560)
        self.session = session
        self.pool = pool or QThreadPool.globalInstance()
        self.settings = settings if settings is not None else QSettings()
        self.worker: Task | None = None
        self.outcome: ReportFiles | None = None

        self.month_edit = QDateEdit(_last_month())
        self.month_edit.setDisplayFormat("yyyy-MM")
        self.month_edit.setCalendarPopup(True)
        self.site_combo = QComboBox()
        self.site_combo.addItem("All data centers", None)
        for site in session.fleet.list_sites():
            self.site_combo.addItem(site.name, site.name)
            if site.id == site_id:
                self.site_combo.setCurrentIndex(self.site_combo.count() - 1)
        self.pdf_edit = QLineEdit(placeholderText="PDF file (leave empty for none)")
        self.xlsx_edit = QLineEdit(placeholderText="XLSX file (leave empty for none)")
        for edit in (self.pdf_edit, self.xlsx_edit):
            edit.textChanged.connect(self._update_ok)
        self.page_combo = QComboBox()
        self.page_combo.addItem("A4", "a4")
        self.page_combo.addItem("Letter", "letter")
        saved = str(self.settings.value("report/page_size", default_page_size()))
        self.page_combo.setCurrentIndex(max(0, self.page_combo.findData(saved)))
        self.company_edit = QLineEdit(str(self.settings.value("report/company", "")))
        self.company_edit.setPlaceholderText("Optional: shown in the title and page headers")
        self.logo_edit = QLineEdit(str(self.settings.value("report/logo", "")))
        self.logo_edit.setPlaceholderText("Optional: a PNG or JPEG for the PDF's first page")
        choose_logo = QPushButton("Choose…")
        choose_logo.clicked.connect(self._choose_logo)
        logo_row = QHBoxLayout()
        logo_row.addWidget(self.logo_edit, 1)
        logo_row.addWidget(choose_logo)

        form = QFormLayout()
        form.addRow("Month:", self.month_edit)
        form.addRow("Data center:", self.site_combo)
        form.addRow("PDF:", self._file_row(self.pdf_edit, "PDF document (*.pdf)", ".pdf"))
        form.addRow("XLSX:", self._file_row(self.xlsx_edit, "Excel workbook (*.xlsx)", ".xlsx"))
        form.addRow("Page size:", self.page_combo)
        form.addRow("Company:", self.company_edit)
        form.addRow("Logo:", logo_row)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setVisible(False)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.make_button = self.buttons.addButton("Make Report", QDialogButtonBox.ButtonRole.AcceptRole)
        self.make_button.setEnabled(False)
        self.buttons.accepted.connect(self.start)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.progress)
        layout.addWidget(self.buttons)

    def _file_row(self, edit: QLineEdit, name_filter: str, suffix: str) -> QHBoxLayout:
        choose = QPushButton("Choose…")

        def pick() -> None:
            month = self.month_edit.date().toString("yyyy-MM")
            name, _ = file_dialogs.save_file_name(self, "Report", f"hashplan-report-{month}{suffix}", name_filter)
            if name:
                edit.setText(name if name.lower().endswith(suffix) else name + suffix)

        choose.clicked.connect(pick)
        row = QHBoxLayout()
        row.addWidget(edit, 1)
        row.addWidget(choose)
        return row

    def _choose_logo(self) -> None:
        name, _ = file_dialogs.open_file_name(self, "Logo", "", "Images (*.png *.jpg *.jpeg)")
        if name:
            self.logo_edit.setText(name)

    def _update_ok(self) -> None:
        wanted = bool(self.pdf_edit.text().strip() or self.xlsx_edit.text().strip())
        self.make_button.setEnabled(wanted and self.worker is None)

    def start(self) -> None:
        if self.worker is not None:
            return
        request = ReportRequest(
            month=self.month_edit.date().toString("yyyy-MM"),
            pdf=self.pdf_edit.text().strip() or None,
            xlsx=self.xlsx_edit.text().strip() or None,
            site=self.site_combo.currentData(),
            page_size=self.page_combo.currentData(),
            company=self.company_edit.text(),
            logo=self.logo_edit.text().strip() or None,
        )
        self.settings.setValue("report/page_size", request.page_size)
        self.settings.setValue("report/company", request.company.strip())
        self.settings.setValue("report/logo", request.logo or "")
        db = self.session.path

        def job(progress, cancel):  # type: ignore[no-untyped-def]
            # its own read-only connection: the window keeps reading while the report is made
            with open_session(db, readonly=True) as own:
                return produce_report(own, request, lambda percent, _text: progress(percent, 100), cancel)

        self.make_button.setEnabled(False)
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self.message.setText(f"Making the report for {request.month}…")
        self.worker = run_task(
            self.pool,
            job,
            "the report",
            on_result=self._finished,
            on_error=self._failed,
            on_progress=lambda done, _total: self.progress.setValue(done),
            settings=bulk_work,
        )

    def _finished(self, result: ReportFiles) -> None:
        self.worker = None
        self.outcome = result
        self.progress.setValue(100)
        places = "\n".join(str(Path(p).absolute()) for p in result.written)
        pages = f" ({result.pages} pages)" if result.pages else ""
        self.message.setText(f"Saved the report for {result.month.strftime('%B %Y')}{pages} to:\n{places}")
        self._update_ok()
        self.produced.emit(result)

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

