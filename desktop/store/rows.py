"""Row <-> domain record conversion (dates as ISO text, money as integer cents)."""

from __future__ import annotations

from datetime import date

from desktop.domain.entities import Batch, BatchEvent, DataCenter, MinerModel, Target
from desktop.domain.stages import EventKind
from desktop.domain.values import name_key
from desktop.frozen import field_names

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (a start-up cost)
if TYPE_CHECKING:
    from typing import Any


def _shallow(record: Any) -> dict[str, Any]:
    """A frozen record's fields as a dict. dataclasses.asdict deep-copies every value (the
    fields are all immutable scalars here) and was a third of a 10,000-batch re-import."""
    return {name: getattr(record, name) for name in field_names(record)}


def site_from_row(row: dict[str, Any]) -> DataCenter:
    return DataCenter(
        id=row["id"],
        name=row["name"],
        country=row["country"],
        capacity_mw=row["capacity_mw"],
        notes=row["notes"],
        version=row.get("version", 1),
    )


def site_to_row(site: DataCenter) -> dict[str, Any]:
    row = _shallow(site)
    row["name_key"] = name_key(site.name)
    if site.id is None:
        row.pop("id")
    return row


def model_from_row(row: dict[str, Any]) -> MinerModel:
    return MinerModel(id=row["id"], name=row["name"], vendor=row["vendor"], ths=row["ths"], watts=row["watts"])


def model_to_row(model: MinerModel) -> dict[str, Any]:
    row = _shallow(model)
    row["name_key"] = name_key(model.name)
    if model.id is None:
        row.pop("id")
    return row


def batch_from_row(row: dict[str, Any]) -> Batch:
    return Batch(
        id=row["id"],
        data_center_id=row["data_center_id"],
        model_id=row["model_id"],
        units=row["units"],
        ordered_on=date.fromisoformat(row["ordered_on"]),
        expected_on=date.fromisoformat(row["expected_on"]),
        unit_price_cents=row["unit_price_cents"],
        supplier=row["supplier"],
        notes=row["notes"],
        version=row.get("version", 1),
    )


def batch_to_row(batch: Batch) -> dict[str, Any]:
    row = _shallow(batch)
    row["ordered_on"] = batch.ordered_on.isoformat()
    row["expected_on"] = batch.expected_on.isoformat()
    if batch.id is None:
        row.pop("id")
    return row


def event_from_row(row: dict[str, Any]) -> BatchEvent:
    return BatchEvent(
        id=row["id"],
        batch_id=row["batch_id"],
        kind=EventKind(row["kind"]),
        units=row["units"],
        occurred_on=date.fromisoformat(row["occurred_on"]),
        note=row["note"],
    )


def event_to_row(event: BatchEvent) -> dict[str, Any]:
    row = _shallow(event)
    row["kind"] = event.kind.value
    row["occurred_on"] = event.occurred_on.isoformat()
    if event.id is None:
        row.pop("id")
    return row


def target_from_row(row: dict[str, Any]) -> Target:
    return Target(
        id=row["id"],
        data_center_id=row["data_center_id"],
        ths=row["ths"],
        due_on=date.fromisoformat(row["due_on"]),
        note=row["note"],
    )


def target_to_row(target: Target) -> dict[str, Any]:
    row = _shallow(target)
    row["due_on"] = target.due_on.isoformat()
    if target.id is None:
        row.pop("id")
    return row
