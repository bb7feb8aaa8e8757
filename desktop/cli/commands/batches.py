from __future__ import annotations

import argparse
import json
import sys

from desktop.cli.command import Command
from desktop.domain.units import format_usd
from desktop.errors import ValidationError
from desktop.services.reports import BatchRow
from desktop.services.session import Session


def _batch_fields(parser: argparse.ArgumentParser, *, required: bool) -> None:
    parser.add_argument("--site", required=required, help="data center name")
    parser.add_argument("--model", required=required, help="miner model name from the catalog")
    parser.add_argument("--units", required=required, help="number of units (whole, > 0)")
    parser.add_argument("--ordered-on", required=required, metavar="YYYY-MM-DD")
    parser.add_argument("--expected-on", metavar="YYYY-MM-DD", help="expected deployment (default: order date)")
    price = parser.add_mutually_exclusive_group()
    price.add_argument("--unit-price", metavar="USD", help="price a unit in USD")
    price.add_argument("--total-cost", metavar="USD", help="price of the whole batch in USD")
    parser.add_argument("--supplier")
    parser.add_argument("--notes")


def _configure_add(parser: argparse.ArgumentParser) -> None:
    _batch_fields(parser, required=True)
    parser.add_argument("--json", action="store_true", help="print the new batch as JSON")


def _run_add(args: argparse.Namespace, session: Session) -> int:
    batch = session.fleet.add_batch(
        args.site,
        args.model,
        args.units,
        args.ordered_on,
        args.expected_on,
        args.unit_price or 0,
        args.supplier or "",
        args.notes or "",
        total_cost_usd=args.total_cost,
    )
    if args.json:
        print(json.dumps({"id": batch.id, "units": batch.units, "unit_price_usd": batch.unit_price_cents / 100}))
    else:
        print(f"added batch #{batch.id}: {batch.units:,} units, {format_usd(batch.cost_cents)}")
    return 0


def _configure_edit(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("batch", type=int, help="batch id")
    _batch_fields(parser, required=False)


_EDIT_FIELDS = ("site", "model", "units", "ordered_on", "expected_on", "unit_price", "total_cost", "supplier", "notes")


def _run_edit(args: argparse.Namespace, session: Session) -> int:
    if all(getattr(args, name) is None for name in _EDIT_FIELDS):
        # Exit 2, like any input that cannot be carried out: a script learns its edit did nothing.
        raise ValidationError(
            "edit-batch", f"no field to change for batch #{args.batch} (give --units, --site, ...); nothing was changed"
        )
    b = session.fleet.get_batch(args.batch)
    site = args.site if args.site is not None else b.data_center_id
    model = args.model if args.model is not None else b.model_id
    price = args.unit_price if args.unit_price is not None else f"{b.unit_price_cents / 100:.2f}"
    batch = session.fleet.edit_batch(
        b.id or 0,
        site,
        model,
        args.units or b.units,
        args.ordered_on or b.ordered_on,
        args.expected_on or b.expected_on,
        price,
        args.supplier if args.supplier is not None else b.supplier,
        args.notes if args.notes is not None else b.notes,
        total_cost_usd=args.total_cost,
    )
    print(f"saved batch #{batch.id}")
    return 0


def _configure_delete(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("batch", type=int, help="batch id")


def _run_delete(args: argparse.Namespace, session: Session) -> int:
    snapshot = session.fleet.delete_batch(args.batch)
    print(
        f"deleted batch #{args.batch} ({snapshot.batch.units:,} units, {len(snapshot.events)} events); "
        "it stays in the audit trail"
    )
    return 0


def _configure_list(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--site", help="only this data center")
    parser.add_argument("--json", action="store_true")


def _batch_json(r: BatchRow) -> dict[str, object]:
    return {
        "id": r.batch.id,
        "data_center": r.site_name,
        "miner_model": r.model.name,
        "units": r.batch.units,
        "ordered_on": r.batch.ordered_on.isoformat(),
        "expected_on": r.batch.expected_on.isoformat(),
        "unit_price_usd": r.batch.unit_price_cents / 100,
        "supplier": r.batch.supplier,
        "stages": r.counts.as_dict(),
        "status": r.status,
    }


def _run_list(args: argparse.Namespace, session: Session) -> int:
    site_id = session.fleet.site(args.site).id if args.site else None
    # Streamed a chunk of rows at a time: memory stays flat on any fleet (it was 2 GB on 10M events).
    rows = session.queries.iter_batch_rows(site_id)
    if args.json:
        out = sys.stdout
        out.write("[")
        for n, r in enumerate(rows):
            out.write((", " if n else "") + json.dumps(_batch_json(r)))
        out.write("]\n")
        return 0
    for r in rows:
        print(
            f"#{r.batch.id:<5} {r.site_name:<20} {r.model.name:<20} {r.batch.units:>8,} "
            f"{r.batch.ordered_on} -> {r.batch.expected_on}  {r.status}"
        )
    return 0


COMMANDS = [
    Command("add-batch", "log a purchase of N units of one model for one data center", _configure_add, _run_add),
    Command("edit-batch", "change a batch's fields", _configure_edit, _run_edit, needs_file=True),
    Command(
        "delete-batch",
        "delete a batch and its events (kept in the audit trail)",
        _configure_delete,
        _run_delete,
        needs_file=True,
    ),
    Command("batches", "list batches with their stages", _configure_list, _run_list, needs_file=True),
]
