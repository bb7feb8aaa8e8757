"""Each invariant of DOMAIN.md refuses bad input with a clear, field-naming message."""

from __future__ import annotations

from datetime import date

import pytest

from desktop.domain.entities import Batch, BatchEvent, DataCenter, MinerModel
from desktop.domain.ledger import replay
from desktop.domain.stages import EventKind, parse_event_kind, parse_stage
from desktop.domain.values import name_key, parse_date, parse_money_cents, parse_units
from desktop.errors import ValidationError

D = date.fromisoformat


def batch(units: int = 2500, ordered: str = "2021-07-28") -> Batch:
    return Batch(data_center_id=1, model_id=1, units=units, ordered_on=D(ordered), expected_on=D("2021-09-30"), id=1)


def ev(kind: str, units: int, on: str, id: int = 0) -> BatchEvent:
    return BatchEvent(batch_id=1, kind=EventKind(kind), units=units, occurred_on=D(on), id=id or None)


@pytest.mark.parametrize("text", ["0", "-5", "2.5", "abc", "", "1e3.5", "3,81", "nan"])
def test_units_must_be_whole_and_positive(text: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_units("units", text)
    assert caught.value.field == "units"
    assert str(caught.value).startswith("units: ")


def test_units_accept_thousands_separators() -> None:
    assert parse_units("units", "3,819") == 3819
    assert parse_units("units", 4033) == 4033


def test_batch_of_zero_units_is_refused() -> None:
    with pytest.raises(ValidationError, match="more than 0"):
        batch(units=0)


def test_deploying_more_than_the_batch_holds_is_refused() -> None:
    events = [
        ev("shipped", 2500, "2021-08-01"),
        ev("delivered", 2500, "2021-08-10"),
        ev("deployed", 3000, "2021-08-12"),
    ]
    with pytest.raises(ValidationError, match=r"deployed of 3,000 units .* only 2,500 on site"):
        replay(batch(), events)


def test_deploying_units_not_yet_delivered_is_refused_with_a_hint() -> None:
    with pytest.raises(ValidationError, match="record a delivery first"):
        replay(batch(), [ev("shipped", 2500, "2021-08-01"), ev("deployed", 10, "2021-08-02")])


def test_retiring_units_never_deployed_is_refused() -> None:
    with pytest.raises(ValidationError, match="only deployed units can be retired"):
        replay(batch(), [ev("retired", 1, "2021-08-01")])


def test_back_dated_deployment_before_its_delivery_is_refused() -> None:
    events = [ev("shipped", 100, "2021-08-01"), ev("delivered", 100, "2021-08-10"), ev("deployed", 100, "2021-08-05")]
    with pytest.raises(ValidationError, match="on 2021-08-05"):
        replay(batch(), events)


@pytest.mark.parametrize("kind", ["delivered", "deployed", "shipped"])
def test_event_before_the_order_date_is_refused(kind: str) -> None:
    with pytest.raises(ValidationError, match="before the batch was ordered"):
        replay(batch(), [ev(kind, 1, "2021-07-01")])


def test_same_day_ship_deliver_deploy_is_allowed() -> None:
    counts = replay(
        batch(), [ev("deployed", 5, "2021-08-01"), ev("delivered", 5, "2021-08-01"), ev("shipped", 5, "2021-08-01")]
    )
    assert counts.deployed == 5 and counts.ordered == 2495


def test_cancelling_shipped_units_is_refused() -> None:
    with pytest.raises(ValidationError, match="only units not yet shipped"):
        replay(batch(10), [ev("shipped", 10, "2021-08-01"), ev("cancelled", 1, "2021-08-02")])


@pytest.mark.parametrize(("ths", "watts", "field"), [(0, 3250, "ths"), (-1, 3250, "ths"), (95, 0, "watts")])
def test_miner_model_needs_positive_rate_and_power(ths: float, watts: float, field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        MinerModel(name="X", vendor="Y", ths=ths, watts=watts)
    assert caught.value.field == field


def test_negative_price_and_capacity_are_refused() -> None:
    with pytest.raises(ValidationError, match="cannot be negative"):
        parse_money_cents("unit_price", "-1")
    with pytest.raises(ValidationError, match="cannot be negative"):
        DataCenter(name="Texas", capacity_mw=-1)


def test_money_is_kept_in_cents() -> None:
    assert parse_money_cents("unit_price", "2,640.00") == 264000
    assert parse_money_cents("unit_price", "0.105") == 11


def test_expected_date_before_order_date_is_refused() -> None:
    with pytest.raises(ValidationError, match="before the order date"):
        Batch(data_center_id=1, model_id=1, units=1, ordered_on=D("2021-07-28"), expected_on=D("2021-07-01"))


@pytest.mark.parametrize("text", ["2021-13-01", "28/07/2021", "2021-7-1", "yesterday"])
def test_dates_must_be_iso(text: str) -> None:
    with pytest.raises(ValidationError, match="YYYY-MM-DD"):
        parse_date("ordered_on", text)


def test_names_compare_trimmed_and_case_insensitive() -> None:
    assert name_key("  Kazakhstan ") == name_key("KAZAKHSTAN") == name_key("kazakhstan")
    assert name_key("Antminer  S19") == name_key("antminer s19")


def test_unknown_event_and_stage_names_list_the_allowed_ones() -> None:
    with pytest.raises(ValidationError, match="shipped, delivered, deployed, retired, cancelled"):
        parse_event_kind("installed")
    assert parse_stage("In Transit").value == "in_transit"
