"""`report`: the monthly operations update as a PDF and/or an XLSX (issue #18)."""

from __future__ import annotations

import argparse

from desktop.cli.command import Command
from desktop.services.session import Session


def _configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--month", required=True, metavar="YYYY-MM", help="the month (figures at its last day)")
    parser.add_argument("--site", metavar="NAME", help="only this data center")
    parser.add_argument("--pdf", metavar="FILE", help="write the PDF here (replaced atomically)")
    parser.add_argument("--xlsx", metavar="FILE", help="write the workbook here (replaced atomically)")
    parser.add_argument(
        "--page-size", choices=("a4", "letter"), help="PDF page size (default: Letter in US-unit locales, else A4)"
    )
    parser.add_argument("--company", default="", metavar="NAME", help="company name for the title and page headers")
    parser.add_argument("--logo", metavar="IMAGE", help="a PNG or JPEG logo for the PDF's first page")


def _run(args: argparse.Namespace, session: Session) -> int:
    # Qt (QtGui only, offscreen without a display) is loaded here, for this command alone.
    from desktop.render.report_files import ReportRequest, produce_report

    request = ReportRequest(args.month, args.pdf, args.xlsx, args.site, args.page_size, args.company, args.logo)
    print(produce_report(session, request).describe())
    return 0


COMMANDS = [
    Command(
        "report",
        "the monthly operations update: headline, data centers, targets, charts, appendix (PDF and/or XLSX)",
        _configure,
        _run,
        needs_file=True,  # opened like summary's: an older file is upgraded first (its tables are needed)
    )
]
