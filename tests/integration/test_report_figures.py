"""The report's figures in `summary --json` (issue #18 item 1): the small fleet's hand-worked numbers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop.services.session import open_session
from tests.integration.cli_runner import run_cli
from tests.integration.report_fleet import CHINESE_SUPPLIER, CYRILLIC_SITE, build_small_fleet


@pytest.fixture
def small_db(tmp_path: Path) -> Path:
    path = tmp_path / "small.db"
    with open_session(path) as session:
        build_small_fleet(session)
    return path


def _summary(capsys: pytest.CaptureFixture[str], db: Path, at: str) -> dict:
    result = run_cli(capsys, "--db", str(db), "summary", "--json", "--at", at)
    assert result.code == 0, result.err
    return json.loads(result.out)


def test_summary_json_keeps_its_keys_and_adds_the_report_figures(
    small_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = _summary(capsys, small_db, "2024-02-29")
    assert body["total"]["deployed_ths"] == 2900 and body["total"]["planned_ths"] == 3550
    assert body["total"]["units"] == {
        "ordered": 5,
        "in_transit": 0,
        "on_site": 4,
        "deployed": 32,
        "retired": 4,
        "cancelled": 3,
    }
    eff = body["efficiency"]
    assert eff["j_per_th"] == 32.07
    assert {d["name"]: d["j_per_th"] for d in eff["data_centers"]} == {CYRILLIC_SITE: 32.61, "Texas": 30.0}
    assert [(m["model"], m["deployed_units"], m["j_per_th"]) for m in eff["models"]] == [
        ("Test M100", 26, 30.0),
        ("Test M50", 6, 50.0),
    ]
    assert [(b["band"], b["deployed_units"]) for b in eff["bands"]] == [
        ("< 20 J/TH", 0),
        ("20-30 J/TH", 0),
        ("30-40 J/TH", 26),
        (">= 40 J/TH", 6),
    ]
    capex = body["capex"]
    assert (capex["capex_usd"], capex["miners_usd"], capex["facility_usd"]) == (1_081_000, 81_000, 1_000_000)
    assert (capex["usd_per_th_deployed"], capex["usd_per_th_planned"]) == (372.76, 304.51)
    assert {d["name"]: d["capex_usd"] for d in capex["data_centers"]} == {CYRILLIC_SITE: 50_000, "Texas": 1_031_000}
    power = body["power"]
    assert (power["month"], power["energy_mwh"], power["cost_usd"]) == ("2024-02", 58.68, 3150.0)
    assert {d["name"]: (d["energy_mwh"], d["cost_usd"]) for d in power["data_centers"]} == {
        CYRILLIC_SITE: (54.36, 2718.0),
        "Texas": (4.32, 432.0),
    }
    per_th_day = {d["name"]: d["usd_per_th_day"] for d in power["data_centers"]}
    assert per_th_day == {CYRILLIC_SITE: round(2718 / 68_500, 4), "Texas": round(432 / 6_000, 4)}
    (target,) = body["targets"]
    assert (target["name"], target["gap_ths"], target["months_left"]) == (CYRILLIC_SITE, 2700, 4.01)
    assert target["needed_ths_per_month"] == round(2700 / (122 / (365.25 / 12)), 2)
    slip = body["delivery_slip"]
    assert [(s["name"], s["batches"], s["mean_days_late"], s["percent_late"]) for s in slip["suppliers"]] == [
        ("MicroBT", 1, 0.0, 0.0),
        (CHINESE_SUPPLIER, 2, 5.0, 100.0),
    ]


def test_a_price_before_any_in_force_leaves_the_energy_unpriced(
    small_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    power = _summary(capsys, small_db, "2023-02-28")["power"]
    assert (power["energy_mwh"], power["cost_usd"], power["unpriced_mwh"]) == (16.8, 0.0, 16.8)


def test_site_investment_and_prices_from_the_command_line(small_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(small_db)
    assert (
        run_cli(capsys, "--db", db, "edit-site", "Texas", "--capex-usd", "2,000,000", "--capex-on", "2024-01-10").code
        == 0
    )
    assert (
        run_cli(capsys, "--db", db, "add-price", "--site", "Texas", "--usd-per-kwh", "0.2", "--from", "2024-02-15").code
        == 0
    )
    assert _summary(capsys, small_db, "2024-02-29")["capex"]["facility_usd"] == 2_000_000
    prices = json.loads(run_cli(capsys, "--db", db, "prices", "--json").out)
    assert [(p["data_center"], p["usd_per_kwh"], p["from"]) for p in prices] == [
        (CYRILLIC_SITE, 0.05, "2024-01-01"),
        ("Texas", 0.2, "2024-02-15"),
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("edit-site", "Texas", "--capex-usd", "-5", "--capex-on", "2024-01-01"), "capex_usd"),
        (("edit-site", "Texas", "--capex-usd", "5", "--capex-on", "soon"), "capex_on"),
        (("edit-site", "Texas", "--capex-on", "2024-01-01"), "--capex-on"),
        (("add-price", "--site", "Texas", "--usd-per-kwh", "45", "--from", "2024-01-01"), "usd_per_kwh"),
        (("add-price", "--site", "Nowhere", "--usd-per-kwh", "0.1", "--from", "2024-01-01"), "Nowhere"),
    ],
)
def test_bad_money_input_exits_2_with_one_line_and_changes_nothing(
    small_db: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...], message: str
) -> None:
    before = _summary(capsys, small_db, "2024-02-29")
    result = run_cli(capsys, "--db", str(small_db), *args)
    assert result.code == 2 and message in result.err and result.err.count("\n") == 1
    assert _summary(capsys, small_db, "2024-02-29") == before
