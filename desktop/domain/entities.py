"""The operator's records as frozen records (dataclasses to the rest of Python); each checks its own invariants."""

from __future__ import annotations

from datetime import date

from desktop.domain.stages import EventKind
from desktop.domain.values import MAX_NAME_LENGTH, name_key
from desktop.errors import ValidationError
from desktop.frozen import field, frozen, replace


def _check_name(field_name: str, name: str) -> None:
    if not name or name != " ".join(name.split()):
        raise ValidationError(field_name, "is required (trimmed, no blank name)")
    if len(name) > MAX_NAME_LENGTH:
        raise ValidationError(field_name, f"is longer than {MAX_NAME_LENGTH} characters")


@frozen
class DataCenter:
    name: str
    country: str = ""
    capacity_mw: float | None = None
    notes: str = ""
    id: int | None = None
    version: int = 1

    def __post_init__(self) -> None:
        _check_name("name", self.name)
        if self.capacity_mw is not None and not (self.capacity_mw >= 0):
            raise ValidationError("capacity_mw", f"cannot be negative ({self.capacity_mw} MW)")

    @property
    def key(self) -> str:
        return name_key(self.name)

    def with_id(self, id: int) -> DataCenter:
        return replace(self, id=id)


@frozen
class MinerModel:
    name: str
    vendor: str
    ths: float
    watts: float
    id: int | None = None

    def __post_init__(self) -> None:
        _check_name("model", self.name)
        if not (self.ths > 0):
            raise ValidationError("ths", f"hash rate must be more than 0 TH/s, not {self.ths}")
        if not (self.watts > 0):
            raise ValidationError("watts", f"power must be more than 0 W, not {self.watts}")

    @property
    def key(self) -> str:
        return name_key(self.name)

    @property
    def efficiency_j_per_th(self) -> float:
        """J/TH = W / (TH/s)."""
        return self.watts / self.ths

    @property
    def label(self) -> str:
        return f"{self.vendor} {self.name}".strip()


@frozen
class Batch:
    data_center_id: int
    model_id: int
    units: int
    ordered_on: date
    expected_on: date
    unit_price_cents: int = 0
    supplier: str = ""
    notes: str = ""
    id: int | None = None
    version: int = 1

    def __post_init__(self) -> None:
        if isinstance(self.units, bool) or not isinstance(self.units, int) or self.units <= 0:
            raise ValidationError("units", f"must be a whole number more than 0, not {self.units}")
        if self.unit_price_cents < 0:
            raise ValidationError("unit_price", "cannot be negative")
        if self.expected_on < self.ordered_on:
            raise ValidationError(
                "expected_on",
                f"expected deployment {self.expected_on} is before the order date {self.ordered_on}",
            )

    @property
    def cost_cents(self) -> int:
        return self.units * self.unit_price_cents


@frozen
class BatchEvent:
    batch_id: int
    kind: EventKind
    units: int
    occurred_on: date
    note: str = ""
    id: int | None = None

    def __post_init__(self) -> None:
        if isinstance(self.units, bool) or not isinstance(self.units, int) or self.units <= 0:
            raise ValidationError("units", f"must be a whole number more than 0, not {self.units}")

    @property
    def sort_key(self) -> tuple[date, int, int]:
        return (self.occurred_on, self.kind.order, self.id or 0)


@frozen
class Target:
    """A goal: ``ths`` of hash rate by ``due_on``, for one site or (site None) the company."""

    ths: float
    due_on: date
    data_center_id: int | None = None
    note: str = ""
    id: int | None = None

    def __post_init__(self) -> None:
        if not (self.ths > 0):
            raise ValidationError("target", f"must be more than 0 TH/s, not {self.ths}")


@frozen
class BatchSnapshot:
    """A batch with all its events: what a delete removes and an undo puts back."""

    batch: Batch
    events: tuple[BatchEvent, ...] = field(default_factory=tuple)
