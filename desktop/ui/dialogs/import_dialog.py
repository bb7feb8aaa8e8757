"""File > Import: pick a file, preview it (first rows, row count, every problem), import it.

Both the preview and the import run on a QThreadPool thread with their own database
connection. Import stays disabled while the file has problems; Cancel during the
import rolls it back, so nothing is written.
"""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import QThreadPool, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.units import plural
from desktop.services.importing import ImportPlan, ImportResult, import_previewed, preview_import
from desktop.services.session import Session, open_session
from desktop.services.xlsx_reader import xlsx_sheet_names
from desktop.ui import file_dialogs
from desktop.ui.dialogs.widgets import error_colour
from desktop.ui.workers.task import Task, bulk_work, run_task

_ROW = re.compile(r"^row (\d+)")
FILE_FILTER = "Batch files (*.csv *.xlsx *.json);;All files (*)"


class ImportDialog(QDialog):
    imported = Signal(object)  # ImportResult, after the commit
    last_folder = ""  # where the last file was chosen (this session): the next Choose… starts there

    def __init__(self, parent: QWidget | None, session: Session, pool: QThreadPool | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import Batches")
        self.resize(900, 560)
        self.session = session
        self.pool = pool or QThreadPool.globalInstance()
        self.path: Path | None = None
        self.plan: ImportPlan | None = None
        self.worker: Task | None = None
        self.outcome: ImportResult | None = None

        self.file_edit = QLineEdit(
            placeholderText="Type a path and press Enter, or Choose… a .csv, .xlsx or .json file"
        )
        self.file_edit.returnPressed.connect(self._typed_path)
        choose = QPushButton("Choose…")
        choose.clicked.connect(self.choose_file)
        self.reload_button = QPushButton("Reload")
        self.reload_button.setToolTip("Check the file again (after fixing it)")
        self.reload_button.setEnabled(False)
        self.reload_button.clicked.connect(lambda: self.path is not None and self.set_path(self.path))
        self.sheet_combo = QComboBox()
        self.sheet_combo.setToolTip("The workbook's sheet to import")
        self.sheet_combo.setVisible(False)
        self.sheet_combo.currentTextChanged.connect(lambda _: self.start_preview())
        top = QHBoxLayout()
        top.addWidget(QLabel("File:"))
        top.addWidget(self.file_edit, 1)
        top.addWidget(self.sheet_combo)
        top.addWidget(choose)
        top.addWidget(self.reload_button)

        self.summary = QLabel("Choose a file to see what would be imported.")
        self.summary.setWordWrap(True)
        self.table = QTableWidget(0, 0)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.errors = QPlainTextEdit(readOnly=True)  # "No problems found." only once a file was checked
        self.errors.setMaximumHeight(150)
        self.progress = QProgressBar()
        self.progress.setVisible(False)

        self.import_button = QPushButton("Import")
        self.import_button.setEnabled(False)
        self.import_button.setDefault(True)
        self.import_button.clicked.connect(self.start_import)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.progress, 1)
        buttons.addStretch(0)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.cancel_button)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(QLabel("Problems:"))
        layout.addWidget(self.errors)
        layout.addLayout(buttons)

    # -- choosing and previewing ------------------------------------------------------

    def choose_file(self) -> None:
        name, _ = file_dialogs.open_file_name(self, "Import Batches", ImportDialog.last_folder, FILE_FILTER)
        if name:
            ImportDialog.last_folder = str(Path(name).parent)
            self.set_path(name)

    def _typed_path(self) -> None:
        text = self.file_edit.text().strip()
        if text:
            self.set_path(Path(text).expanduser())

    def set_path(self, path: str | Path) -> None:
        self.path = Path(path)
        self.file_edit.setText(str(self.path))
        self.reload_button.setEnabled(True)
        sheets = self._sheet_names(self.path)
        self.sheet_combo.blockSignals(True)
        self.sheet_combo.clear()
        self.sheet_combo.addItems(sheets)
        self.sheet_combo.blockSignals(False)
        self.sheet_combo.setVisible(len(sheets) > 1)
        self.start_preview()

    @staticmethod
    def _sheet_names(path: Path) -> list[str]:
        if path.suffix.lower() != ".xlsx":
            return []
        return xlsx_sheet_names(path)  # [] for a damaged file: the preview says what is wrong

    def sheet(self) -> str | None:
        return self.sheet_combo.currentText() or None

    def is_busy(self) -> bool:
        return self.worker is not None

    def start_preview(self) -> None:
        if self.path is None or self.is_busy():
            return
        path, sheet, db = self.path, self.sheet(), self.session.path
        self._drop_plan()
        self.import_button.setEnabled(False)
        self.summary.setText(f"Checking {path.name}…")

        def job(progress, cancel):  # type: ignore[no-untyped-def]
            return preview_import(db, path, sheet, progress=progress, cancel=cancel)

        self._run(job, self._show_plan, self._show_unreadable)

    def _show_plan(self, plan: ImportPlan) -> None:
        self.plan = plan
        self.table.clear()
        self.table.setColumnCount(len(plan.header))
        self.table.setHorizontalHeaderLabels(plan.header)
        self.table.setRowCount(len(plan.preview))
        # Row labels are the spreadsheet's row numbers, the ones the problem list names.
        self.table.setVerticalHeaderLabels([str(n) for n in plan.preview_numbers])
        bad_rows = {int(m.group(1)) for m in (_ROW.match(p) for p in plan.problems) if m}
        # The error colour, faint: a bad row must not look selected (the highlight is blue).
        tint = error_colour(self.palette())
        tint.setAlpha(48)
        for r, cells in enumerate(plan.preview):
            for c, text in enumerate(cells[: len(plan.header)]):
                item = QTableWidgetItem(text[:200])
                if plan.preview_numbers[r] in bad_rows:
                    item.setBackground(tint)
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()
        self.errors.setPlaceholderText("No problems found.")
        self.errors.setPlainText("\n".join(plan.problems))
        shown = f"the first {len(plan.preview)} shown" if plan.total_rows > len(plan.preview) else "all shown"
        if plan.problems:
            self.summary.setText(
                f"{plural(plan.total_rows, 'row')} ({shown}); {plural(len(plan.problems), 'problem')}: "
                "fix them in the file and choose it again. Nothing will be imported until then."
            )
        else:
            self.summary.setText(
                f"{plural(plan.total_rows, 'row')} ({shown}): {plural(plan.creates, 'new batch', 'new batches')}, "
                f"{plural(plan.updates, 'update')}, {plural(len(plan.new_sites), 'new data center')}, "
                f"{plural(len(plan.new_models), 'new miner model')}."
            )
        self.import_button.setEnabled(not plan.problems)

    def _drop_plan(self) -> None:
        """Lets go of the preview's plan: 100,000 checked rows are ~1M objects, freed on a
        pool thread a slice at a time (dropped here, they stalled this thread ~140 ms)."""
        plan, self.plan = self.plan, None
        if plan is not None and plan.groups:
            self.pool.start(plan.release)

    def _show_unreadable(self, message: str) -> None:
        self.table.clear()
        self.table.setRowCount(0)
        self.table.setColumnCount(0)
        self.summary.setText("This file cannot be imported.")
        self.errors.setPlainText(message)
        self.import_button.setEnabled(False)

    # -- importing --------------------------------------------------------------------

    def start_import(self) -> None:
        if self.path is None or self.plan is None or self.plan.problems or self.is_busy():
            return
        plan, db = self.plan, self.session.path
        self.import_button.setEnabled(False)
        self.progress.setVisible(True)
        self.progress.setValue(0)
        self.summary.setText(f"Importing {plan.path.name}…")

        def job(progress, cancel):  # type: ignore[no-untyped-def]
            with open_session(db) as own:  # its own connection: the window keeps reading
                # The previewed plan, unless the file or the database changed since.
                return import_previewed(own, plan, progress=progress, cancel=cancel)

        self._run(job, self._imported, self._import_failed)

    def _imported(self, result: ImportResult) -> None:
        self.outcome = result
        self.progress.setValue(self.progress.maximum())
        self.summary.setText(result.describe().capitalize())
        self.session.fleet.notify("import")  # the window's listeners refresh
        self.imported.emit(result)
        self.accept()

    def _import_failed(self, message: str) -> None:
        self.progress.setVisible(False)
        self.summary.setText(message.splitlines()[0])
        self.errors.setPlainText(message)
        self.import_button.setEnabled(self.plan is not None and not self.plan.problems)

    def _on_progress(self, done: int, total: int) -> None:
        if self.progress.isVisible():
            self.progress.setMaximum(max(total, 1))
            self.progress.setValue(done)

    def _run(self, job, on_done, on_failed) -> None:  # type: ignore[no-untyped-def]
        self._handlers = (on_done, on_failed)
        # Bound methods of this dialog: Qt queues the task's signals to the UI thread.
        self.worker = run_task(
            self.pool, job, "the import", on_result=self._worker_finished, on_error=self._worker_failed,
            on_progress=self._on_progress, settings=bulk_work,
        )  # fmt: skip

    def _worker_finished(self, value: object) -> None:
        self.worker = None
        self._handlers[0](value)

    def _worker_failed(self, message: str) -> None:
        self.worker = None
        self._handlers[1](message)

    def cancel_running(self) -> None:
        if self.worker is not None:
            self.worker.cancel.set()
            self.summary.setText("Cancelling… nothing will be written.")

    def done(self, result: int) -> None:  # accept() and reject() end here
        super().done(result)
        self._drop_plan()

    def reject(self) -> None:
        if self.is_busy():  # first Cancel stops the work; the dialog stays until it has
            self.cancel_running()
            return
        super().reject()
