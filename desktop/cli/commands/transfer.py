"""`import` and `export`: batch files in and out, reports out (CSV, XLSX, JSON)."""

from __future__ import annotations

import argparse

from desktop.cli.command import Command
from desktop.domain.short_dates import parse_order
from desktop.domain.values import parse_date
from desktop.errors import ValidationError
from desktop.services.exporting import FORMATS, WHATS, export, guess_format
from desktop.services.import_mapping import parse_map_options
from desktop.services.import_plan import ImportOptions
from desktop.services.import_readers import read_table
from desktop.services.importing import import_file
from desktop.services.session import Session


def _configure_import(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="a .csv, .xlsx or .json file in the batch format (see README)")
    parser.add_argument("--sheet", metavar="NAME", help="the XLSX sheet to read (default: the first)")
    parser.add_argument("--dry-run", action="store_true", help="check the whole file and write nothing")
    parser.add_argument(
        "--map", action="append", default=[], metavar="TITLE=FIELD",
        help='a column of yours as a Hashplan field, e.g. --map "Qty=units" (FIELD "ignore" skips it); repeatable',
    )  # fmt: skip
    parser.add_argument(
        "--date-order", metavar="dmy|mdy", help="how to read dates like 05/01/2021 when the file does not say"
    )


def _import_options(args: argparse.Namespace) -> ImportOptions:
    order = parse_order(args.date_order) if args.date_order else None
    if not args.map:
        return ImportOptions(date_order=order)
    table = read_table(args.file, args.sheet)  # the header only: the titles --map names
    table.close()
    return ImportOptions(tuple(parse_map_options(table.header, args.map)), order)


def _run_import(args: argparse.Namespace, session: Session) -> int:
    result = import_file(session, args.file, args.sheet, dry_run=args.dry_run, options=_import_options(args))
    print(result.describe())
    return 0


def _configure_export(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--what", choices=WHATS, default="batches", help="what to export (default: batches)")
    parser.add_argument("--format", choices=FORMATS, help="file format (default: from the --out extension)")
    parser.add_argument("--out", required=True, metavar="FILE", help="the file to write (replaced atomically)")
    parser.add_argument("--site", metavar="NAME", help="only this data center")
    parser.add_argument("--at", metavar="YYYY-MM-DD", help="state as of this date (default: today)")


def _run_export(args: argparse.Namespace, session: Session) -> int:
    fmt = args.format or guess_format(args.out)
    if fmt is None:
        raise ValidationError("--format", f"give --format {'|'.join(FORMATS)} (the name {args.out} does not say)")
    result = export(session, args.what, fmt, args.out, site=args.site, at=parse_date("--at", args.at, required=False))
    print(result.describe())
    return 0


COMMANDS = [
    Command(
        "import", "import batches from a CSV, XLSX or JSON file (all rows or none)", _configure_import, _run_import
    ),
    Command(
        "export",
        "export batches, the summary or the chart series to CSV, XLSX or JSON",
        _configure_export,
        _run_export,
        needs_file=True,
    ),
]
