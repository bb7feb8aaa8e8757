"""File > Import: pick a file, preview it (first rows, row count, every problem), import it.

Both the preview and the import run on a QThreadPool thread with their own database
connection. Import stays disabled while the file has problems; Cancel during the
import rolls it back, so nothing is written. A file with its own column names gets the
mapping step (column_mapping.py); short dates that could be read either way get one
question. The folder, the mapping and the answer are remembered (WindowSettings).
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from pathlib import Path

from PySide6.QtCore import QLocale, QThreadPool, Signal
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.short_dates import DateOrder, order_of_format, parse_order, read_short
from desktop.domain.units import plural
from desktop.services.import_mapping import fit, header_key
from desktop.services.import_plan import ImportOptions
from desktop.services.importing import ImportPlan, ImportResult, import_previewed, preview_import
from desktop.services.session import Session, open_session
from desktop.services.xlsx_reader import xlsx_sheet_names
from desktop.ui import file_dialogs
from desktop.ui.dialogs.column_mapping import ColumnMappingPanel
from desktop.ui.dialogs.widgets import error_colour
from desktop.ui.settings import WindowSettings
from desktop.ui.workers.task import Task, bulk_work, run_task

_ROW = re.compile(r"^row (\d+)")
FILE_FILTER = "Batch files (*.csv *.xlsx *.json);;All files (*)"


def locale_date_order() -> DateOrder | None:
    """The order of the user's short dates (en_GB day first, en_US month first); None for the
    C locale and year-first patterns (sv_SE, ja_JP), where it says nothing."""
    locale = QLocale()
    if locale.language() == QLocale.Language.C:
        return None
    return order_of_format(locale.dateFormat(QLocale.FormatType.ShortFormat))


def _spelled(day: date) -> str:
    return f"{day.day} {day:%B %Y}"  # 5 January 2021


class ImportDialog(QDialog):
    imported = Signal(object)  # ImportResult, after the commit
    last_folder = ""  # where the last file was chosen (this session): the next Choose… starts there

    def __init__(
        self,
        parent: QWidget | None,
        session: Session,
        pool: QThreadPool | None = None,
        settings: WindowSettings | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import Batches")
        self.resize(900, 560)
        self.session = session
        self.pool = pool or QThreadPool.globalInstance()
        self.path: Path | None = None
        self.plan: ImportPlan | None = None
        self.worker: Task | None = None
        self.outcome: ImportResult | None = None
        self.settings = settings
        self.options = ImportOptions(locale_order=locale_date_order())
        self.date_box: QMessageBox | None = None  # "day/month or month/day?", while it shows

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
        self.mapping_panel = ColumnMappingPanel()
        self.mapping_panel.setVisible(False)
        self.mapping_panel.applied.connect(self._use_mapping)
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
        layout.addWidget(self.mapping_panel)
        layout.addWidget(self.table, 1)
        layout.addWidget(QLabel("Problems:"))
        layout.addWidget(self.errors)
        layout.addLayout(buttons)

    # -- choosing and previewing ------------------------------------------------------

    def folder(self) -> str:
        """Where Choose… starts: the last imported file's folder, across sessions when remembered."""
        return (self.settings.import_folder() if self.settings is not None else "") or ImportDialog.last_folder

    def choose_file(self) -> None:
        name, _ = file_dialogs.open_file_name(self, "Import Batches", self.folder(), FILE_FILTER)
        if name:
            self.set_path(name)

    def _typed_path(self) -> None:
        text = self.file_edit.text().strip()
        if text:
            self.set_path(Path(text).expanduser())

    def set_path(self, path: str | Path) -> None:
        path = Path(path)
        if path != self.path:  # another file: its columns and dates are its own (Reload keeps them)
            self.options = ImportOptions(locale_order=self.options.locale_order)
            self.mapping_panel.setVisible(False)
        self.path = path
        if path.parent.is_dir():
            ImportDialog.last_folder = str(path.parent)
            if self.settings is not None:
                self.settings.set_import_folder(str(path.parent))
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

        options = self.options

        def job(progress, cancel):  # type: ignore[no-untyped-def]
            return preview_import(db, path, sheet, progress=progress, cancel=cancel, options=options)

        self._run(job, self._show_plan, self._show_unreadable)

    def _show_plan(self, plan: ImportPlan) -> None:
        self.plan = plan
        if self._remembered(plan):
            return  # checked again at once with what this header set had last time
        self._show_mapping(plan)
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
        if plan.mapping is not None and plan.options.mapping is None:  # the header's lines say what the panel shows
            self.errors.setPlainText(
                "Your column names are not Hashplan's: choose a field for each of your columns above "
                "(or ignore it), then click Check with These Columns."
            )
        shown = f"the first {len(plan.preview)} shown" if plan.total_rows > len(plan.preview) else "all shown"
        if plan.mapping is not None and plan.options.mapping is None:
            self.summary.setText(f"{plural(plan.total_rows, 'row')} ({shown}): say which of your columns is which.")
        elif plan.problems:
            self.summary.setText(
                f"{plural(plan.total_rows, 'row')} ({shown}); {plural(len(plan.problems), 'problem')}: "
                "fix them in the file and choose it again. Nothing will be imported until then."
            )
        else:
            self.summary.setText(
                f"{plural(plan.total_rows, 'row')} ({shown}): {plural(plan.creates, 'new batch', 'new batches')}, "
                f"{plural(plan.updates, 'update')}, {plural(len(plan.new_sites), 'new data center')}, "
                f"{plural(len(plan.new_models), 'new miner model')}."
                + (f" Dates like 05/01/2021 read as {plan.date_order.label}." if plan.date_order else "")
            )
        self.import_button.setEnabled(not plan.problems)
        if plan.date_question is not None and plan.options.date_order is None:
            self._ask_date_order(plan)

    # -- the file's own columns and dates (issue #14 item 10) ---------------------------

    def _remembered(self, plan: ImportPlan) -> bool:
        """Starts the preview again with the mapping and date order remembered for this header set."""
        if self.settings is None:
            return False
        key, options = header_key(plan.header), self.options
        mapping = self.settings.import_mapping(key) if plan.mapping is not None and options.mapping is None else None
        if mapping is not None:
            options = replace(options, mapping=tuple(fit(plan.header, mapping)))
        asked = plan.date_question is not None and options.date_order is None
        order = self.settings.import_date_order(key) if asked else None
        if order is not None:
            options = replace(options, date_order=parse_order(order))
        if options == self.options:
            return False
        self.options = options
        if options.mapping is not None:
            self.mapping_panel.show_header(plan.header, options.mapping)
            self.mapping_panel.setVisible(True)
        self.start_preview()
        return True

    def _show_mapping(self, plan: ImportPlan) -> None:
        if plan.mapping is None:
            self.mapping_panel.setVisible(False)
            return
        if self.mapping_panel.header != plan.header or not self.mapping_panel.isVisible():
            self.mapping_panel.show_header(plan.header, plan.mapping)
        self.mapping_panel.setVisible(True)
        header_fits = not any(p.startswith("row 1") for p in plan.problems)
        if self.settings is not None and plan.options.mapping is not None and header_fits:
            self.settings.set_import_mapping(header_key(plan.header), list(plan.options.mapping))

    def _use_mapping(self, mapping: list[str]) -> None:
        if self.is_busy():
            return
        self.options = replace(self.options, mapping=tuple(mapping))
        self.start_preview()

    def _ask_date_order(self, plan: ImportPlan) -> None:
        """Asks once for the file: its dates could be read either way and none settles it."""
        if self.date_box is not None or plan.date_question is None:
            return
        row, _column, text = plan.date_question
        day_first = _spelled(read_short("", text, DateOrder.DAY_FIRST))
        month_first = _spelled(read_short("", text, DateOrder.MONTH_FIRST))
        box = QMessageBox(QMessageBox.Icon.Question, "Import Batches", "Are dates day/month or month/day?", parent=self)
        box.setInformativeText(
            f"In {plan.path.name}, '{text}' (row {row}) could be {day_first} or {month_first}, and no date in "
            "the file settles it. Your answer is used for every date in the file."
        )
        day = box.addButton(f"Day/Month ({day_first})", QMessageBox.ButtonRole.AcceptRole)
        month = box.addButton(f"Month/Day ({month_first})", QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        answers = {day: DateOrder.DAY_FIRST, month: DateOrder.MONTH_FIRST}

        def answered(button: QAbstractButton) -> None:
            self.date_box = None
            order = answers.get(button)
            if order is None:  # the problem list still says what is open
                return
            self.options = replace(self.options, date_order=order)
            if self.settings is not None:
                self.settings.set_import_date_order(header_key(plan.header), order.value)
            self.start_preview()

        box.buttonClicked.connect(answered)
        self.date_box = box
        box.open()

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
