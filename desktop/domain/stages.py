"""Where a unit is (its stage) and the events that move units between stages."""

from __future__ import annotations

from enum import Enum


class Stage(str, Enum):
    ORDERED = "ordered"
    IN_TRANSIT = "in_transit"
    ON_SITE = "on_site"
    DEPLOYED = "deployed"
    RETIRED = "retired"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


ACTIVE_STAGES = (Stage.ORDERED, Stage.IN_TRANSIT, Stage.ON_SITE, Stage.DEPLOYED)


class EventKind(str, Enum):
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    DEPLOYED = "deployed"
    RETIRED = "retired"
    CANCELLED = "cancelled"

    @property
    def source(self) -> Stage:
        return _TRANSITIONS[self][0]

    @property
    def target(self) -> Stage:
        return _TRANSITIONS[self][1]

    @property
    def order(self) -> int:
        """Same-day events apply in the natural order: ship, deliver, deploy, retire."""
        return list(EventKind).index(self)


# Cancelling takes units that were never shipped: once on the road they are the
# supplier's to deliver (or, when lost, the operator's to retire after delivery).
_TRANSITIONS: dict[EventKind, tuple[Stage, Stage]] = {
    EventKind.SHIPPED: (Stage.ORDERED, Stage.IN_TRANSIT),
    EventKind.DELIVERED: (Stage.IN_TRANSIT, Stage.ON_SITE),
    EventKind.DEPLOYED: (Stage.ON_SITE, Stage.DEPLOYED),
    EventKind.RETIRED: (Stage.DEPLOYED, Stage.RETIRED),
    EventKind.CANCELLED: (Stage.ORDERED, Stage.CANCELLED),
}


def parse_event_kind(text: str) -> EventKind:
    from desktop.errors import ValidationError

    try:
        return EventKind(text.strip().lower())
    except ValueError:
        allowed = ", ".join(k.value for k in EventKind)
        raise ValidationError("event", f"'{text}' is not an event; use one of {allowed}") from None


def parse_stage(text: str) -> Stage:
    from desktop.errors import ValidationError

    try:
        return Stage(text.strip().lower().replace(" ", "_"))
    except ValueError:
        allowed = ", ".join(s.value for s in Stage)
        raise ValidationError("status", f"'{text}' is not a status; use one of {allowed}") from None
