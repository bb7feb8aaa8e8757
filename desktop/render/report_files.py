"""Producing the monthly report's files: the one entry the CLI and the window share.

Everything is checked before anything is written; each file is written to a temporary name
beside it and renamed into place once all are complete, so a failure or a cancel leaves no
half-written report.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from desktop.domain.report_math import parse_month
from desktop.errors import HashplanError, ValidationError
from desktop.render.report_pdf import PAGE_SIZES, load_logo, render_report_pdf
from desktop.services.report_content import session_report
from desktop.services.report_xlsx import write_report_xlsx
from desktop.services.session import Session

Progress = Callable[[int, str], None]


@dataclass(frozen=True)
class ReportRequest:
    month: str  # YYYY-MM
    pdf: str | None = None
    xlsx: str | None = None
    site: str | None = None
    page_size: str | None = None  # a4 | letter; None: from the locale
    company: str = ""
    logo: str | None = None  # an image file for the PDF's first page


@dataclass(frozen=True)
class ReportFiles:
    month: date
    written: list[Path] = field(default_factory=list)
    pages: int = 0

    def describe(self) -> str:
        pages = f" ({self.pages} pages)" if self.pages else ""
        return f"report for {self.month.strftime('%Y-%m')}: " + ", ".join(
            f"{path}{pages if path.suffix.lower() == '.pdf' else ''}" for path in self.written
        )


def _not_the_database(session: Session, field_name: str, path: Path) -> None:
    """Only SQLite opens the database file and its companions (issue #11): refused by name."""
    if session.is_server:  # no file of ours to write over
        return
    database = session.path.expanduser().absolute()
    target = path.expanduser().absolute()
    if target in {Path(f"{database}{s}") for s in ("", "-wal", "-shm", "-journal")} or (
        target.exists() and database.exists() and target.samefile(database)
    ):
        raise ValidationError(field_name, f"'{path}' is the database itself")


def _check_output(session: Session, field_name: str, text: str | None, suffix: str) -> Path | None:
    if text is None:
        return None
    if not text.strip():
        raise ValidationError(field_name, "needs a file name")
    path = Path(text).expanduser()
    if path.suffix.lower() != suffix:
        raise ValidationError(field_name, f"'{text}' should end in {suffix}")
    _not_the_database(session, field_name, path)
    if path.is_dir():
        raise ValidationError(field_name, f"'{text}' is a folder")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise ValidationError(field_name, f"the folder {parent} does not exist")
    return path


class ReportCancelled(HashplanError):
    def __init__(self) -> None:
        super().__init__("the report was cancelled; no file was written")


def _temp_beside(path: Path) -> Path:
    parent = path.parent if str(path.parent) else Path(".")
    try:
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=path.suffix, dir=parent)
    except OSError as error:
        raise ValidationError(str(path), f"cannot write here: {error.strerror or error}") from None
    os.close(fd)
    return Path(name)


def produce_report(
    session: Session, request: ReportRequest, progress: Progress | None = None, cancel: threading.Event | None = None
) -> ReportFiles:
    """Writes the PDF and/or the XLSX for the month, both or neither: each goes to a temporary
    file beside its target, renamed into place once both are complete. Needs a QGuiApplication
    for the PDF (the CLI makes an offscreen one: gui_app.ensure_gui_app)."""

    def report(percent: int, text: str) -> None:
        if cancel is not None and cancel.is_set():
            raise ReportCancelled()
        if progress is not None:
            progress(percent, text)

    month = parse_month("--month", request.month)
    pdf = _check_output(session, "--pdf", request.pdf, ".pdf")
    xlsx = _check_output(session, "--xlsx", request.xlsx, ".xlsx")
    if pdf is None and xlsx is None:
        raise ValidationError("report", "give --pdf FILE, --xlsx FILE or both")
    if request.page_size is not None and request.page_size.lower() not in PAGE_SIZES:
        raise ValidationError("--page-size", f"must be a4 or letter, not '{request.page_size}'")
    if request.logo and pdf is not None:
        from desktop.render.gui_app import ensure_gui_app

        _not_the_database(session, "--logo", Path(request.logo))
        ensure_gui_app()
        logo = load_logo(request.logo)
    else:
        logo = None
    report(5, "reading the figures")
    content = session_report(session, month, request.site, request.company)
    temps: dict[Path, Path] = {}
    pages = 0
    try:
        if xlsx is not None:
            report(30, "writing the workbook")
            temps[xlsx] = _temp_beside(xlsx)
            write_report_xlsx(content, temps[xlsx])
        if pdf is not None:
            from desktop.render.gui_app import ensure_gui_app

            ensure_gui_app()
            report(50, "drawing the PDF")
            temps[pdf] = _temp_beside(pdf)
            pages = render_report_pdf(
                content,
                temps[pdf],
                page_size=request.page_size,
                progress=lambda pc, text: report(50 + pc // 2, text),
                logo=logo,
            )
        report(100, "saving")
        for target, temp in temps.items():
            os.chmod(temp, 0o644)  # a report is meant to be shared (mkstemp makes 0600)
            os.replace(temp, target)
    except OSError as error:
        raise ValidationError(
            "report", f"cannot write the report: {error.strerror or error}; nothing was written"
        ) from None
    finally:
        for temp in temps.values():
            with contextlib.suppress(OSError):
                temp.unlink()
    written = [p for p in (pdf, xlsx) if p is not None]
    return ReportFiles(month, written, pages)
