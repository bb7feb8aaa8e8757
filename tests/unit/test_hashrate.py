"""Hash-rate arithmetic on hand-computed cases, partial deployments and retirements included."""

from __future__ import annotations

from datetime import date

from desktop.domain.entities import Batch, BatchEvent, DataCenter, MinerModel
from desktop.domain.hashrate import (
    cost_per_th_usd,
    deployed_curve,
    efficiency_j_per_th,
    planned_curve,
    summarize,
    value_at,
)
from desktop.domain.stages import EventKind
from desktop.domain.units import format_hashrate, format_mw, hashrate_unit

D = date.fromisoformat
S19 = MinerModel(name="Antminer S19", vendor="Bitmain", ths=95, watts=3250, id=1)
S9 = MinerModel(name="Antminer S9", vendor="Bitmain", ths=13.5, watts=1323, id=2)
MODELS = {1: S19, 2: S9}
SITES = [DataCenter(name="A", capacity_mw=10, id=1), DataCenter(name="B", id=2)]


def _events(batch_id: int, *spec: tuple[str, int, str]) -> list[BatchEvent]:
    return [
        BatchEvent(batch_id=batch_id, kind=EventKind(k), units=u, occurred_on=D(on), id=i + 100 * batch_id)
        for i, (k, u, on) in enumerate(spec, 1)
    ]


B1 = Batch(
    data_center_id=1,
    model_id=1,
    units=2500,
    ordered_on=D("2021-05-01"),
    expected_on=D("2021-06-30"),
    unit_price_cents=264000,
    id=1,
)
B2 = Batch(data_center_id=2, model_id=2, units=1000, ordered_on=D("2021-05-10"), expected_on=D("2021-07-15"), id=2)
EVENTS = {
    1: _events(
        1,
        ("shipped", 2500, "2021-06-01"),
        ("delivered", 2500, "2021-06-10"),
        ("deployed", 1200, "2021-06-12"),
        ("deployed", 1300, "2021-06-19"),
        ("retired", 100, "2021-08-01"),
    ),
    2: _events(2, ("cancelled", 200, "2021-05-20"), ("shipped", 800, "2021-06-01")),
}


def test_partial_deployments_step_the_deployed_curve() -> None:
    curve = deployed_curve([B1, B2], EVENTS, MODELS)
    assert curve == [(D("2021-06-12"), 114000.0), (D("2021-06-19"), 237500.0), (D("2021-08-01"), 228000.0)]
    assert value_at(curve, D("2021-06-15")) == 1200 * 95
    assert value_at(curve, D("2021-06-11")) == 0


def test_planned_curve_drops_cancelled_and_retired_units() -> None:
    curve = planned_curve([B1, B2], EVENTS, MODELS)
    # B1: 2,400 active x 95 = 228,000 at 06-30; B2: 800 active x 13.5 = 10,800 more at 07-15.
    assert curve == [(D("2021-06-30"), 228000.0), (D("2021-07-15"), 238800.0)]


def test_summary_counts_stages_power_and_totals() -> None:
    summary = summarize(SITES, MODELS, [B1, B2], EVENTS, D("2021-12-31"))
    a, b = summary.sites
    assert a.units.deployed == 2400 and a.units.retired == 100
    assert a.deployed_ths == 228000.0 and a.planned_ths == 228000.0
    assert a.deployed_power_mw == 2400 * 3250 / 1e6
    assert b.units.in_transit == 800 and b.units.cancelled == 200 and b.planned_ths == 10800.0
    assert summary.total.capacity_mw == 10
    assert summary.total.units.active == 2400 + 800
    assert summary.total.planned_ths == 238800.0


def test_summary_as_of_a_past_date_applies_only_earlier_events() -> None:
    summary = summarize(SITES, MODELS, [B1, B2], EVENTS, D("2021-06-15"))
    a = summary.sites[0]
    assert (a.units.on_site, a.units.deployed) == (1300, 1200)
    assert a.deployed_ths == 114000.0
    before_b = summarize(SITES, MODELS, [B1, B2], EVENTS, D("2021-05-05"))
    assert before_b.sites[1].units.total == 0  # B2 was not ordered yet


def test_cost_per_th_and_efficiency() -> None:
    assert cost_per_th_usd(B1, S19) == 2640 / 95
    assert round(efficiency_j_per_th(S19), 2) == 34.21


def test_units_chosen_by_size() -> None:
    assert hashrate_unit(950) == ("TH/s", 1.0)
    assert format_hashrate(457055.5) == "457.06 PH/s"
    assert format_hashrate(12_500_000) == "12.50 EH/s"
    assert format_hashrate(0) == "0.00 TH/s"


def test_power_reads_in_mw_then_gw() -> None:
    assert [format_mw(v) for v in (None, 7.86, 999.994, 999.996, 32_353.4)] == [
        "-", "7.86 MW", "999.99 MW", "1.00 GW", "32.35 GW",
    ]  # fmt: skip
