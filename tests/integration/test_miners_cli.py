"""The measured-hash-rate command-line contract: networks on sites, scan, poll --json, miners."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.miners.fake import FakeFleet, FleetThread, running_in_thread
from tests.integration.cli_runner import run_cli

pytestmark = pytest.mark.both_backends  # services and the command line on SQLite and on PostgreSQL

PORT = 24300
SITE_KEYS = [
    "name",
    "deployed_units",
    "miners_found",
    "miners_hashing",
    "miners_offline",
    "measured_ths",
    "nominal_ths",
]


@pytest.fixture
def demo_db(db_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    path = db_path
    assert run_cli(capsys, "--db", str(path), "demo").code == 0
    return path


@pytest.fixture
def fleet() -> Iterator[FleetThread]:
    with running_in_thread(FakeFleet.build(12, "127.0.4.2", PORT)) as runner:
        yield runner


def _json(capsys: pytest.CaptureFixture[str], *args: str) -> object:
    result = run_cli(capsys, *args)
    assert result.code == 0, result.err
    return json.loads(result.out)


def test_sites_take_network_ranges_and_list_them(demo_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = ("--db", str(demo_db))
    added = run_cli(
        capsys, *db, "add-site", "Norway", "--network", "127.0.5.0/26", "--network", "127.0.6.10-127.0.6.60"
    )
    assert added.code == 0, added.err
    sites = {s["name"]: s for s in _json(capsys, *db, "sites", "--json")}  # type: ignore[union-attr]
    assert sites["Norway"]["networks"] == ["127.0.5.0/26", "127.0.6.10-127.0.6.60"]
    assert sites["Texas"]["networks"] == []
    assert run_cli(capsys, *db, "edit-site", "Norway", "--network", "127.0.7.1").code == 0
    sites = {s["name"]: s for s in _json(capsys, *db, "sites", "--json")}  # type: ignore[union-attr]
    assert sites["Norway"]["networks"] == ["127.0.5.0/26", "127.0.6.10-127.0.6.60", "127.0.7.1"]
    assert run_cli(capsys, *db, "edit-site", "Norway", "--clear-networks").code == 0
    sites = {s["name"]: s for s in _json(capsys, *db, "sites", "--json")}  # type: ignore[union-attr]
    assert sites["Norway"]["networks"] == []


def test_scan_then_poll_json_reports_found_hashing_offline_and_measured(
    demo_db: Path, capsys: pytest.CaptureFixture[str], fleet: FleetThread
) -> None:
    db = ("--db", str(demo_db))
    assert run_cli(capsys, *db, "edit-site", "Texas", "--network", "127.0.4.0/28").code == 0
    scan = _json(capsys, *db, "scan", "--site", "Texas", "--port", str(PORT), "--json")
    assert scan["data_centers"] == [{"name": "Texas", "addresses": 14, "miners_found": 12, "new": 12}]  # type: ignore[index]

    fleet.set_behaviour("127.0.4.2", "offline")
    fleet.set_behaviour("127.0.4.3", "offline")
    poll = _json(capsys, *db, "poll", "--json", "--timeout", "2")
    assert list(poll) == ["as_of", "data_centers", "total"]  # type: ignore[arg-type]
    texas = next(s for s in poll["data_centers"] if s["name"] == "Texas")  # type: ignore[index]
    assert list(texas) == SITE_KEYS
    assert (texas["miners_found"], texas["miners_hashing"], texas["miners_offline"]) == (12, 10, 2)
    expected = sum(m.state.ths for a, m in fleet.fleet.miners.items() if a not in ("127.0.4.2", "127.0.4.3"))
    assert texas["measured_ths"] == pytest.approx(expected, abs=0.01)
    assert texas["deployed_units"] == 0 and texas["nominal_ths"] == 0
    kazakhstan = next(s for s in poll["data_centers"] if s["name"] == "Kazakhstan")  # type: ignore[index]
    assert kazakhstan["deployed_units"] == 3819 and kazakhstan["miners_found"] == 0
    assert list(poll["total"]) == SITE_KEYS[1:]  # type: ignore[index]
    assert poll["total"]["miners_hashing"] == 10  # type: ignore[index]

    miners = _json(capsys, *db, "miners", "--site", "Texas", "--json")
    assert len(miners) == 12  # type: ignore[arg-type]
    by_address = {m["address"]: m for m in miners}  # type: ignore[union-attr]
    assert by_address["127.0.4.2"]["status"] == "Offline" and by_address["127.0.4.2"]["last_seen"]
    assert by_address["127.0.4.4"]["status"] == "Hashing" and by_address["127.0.4.4"]["model"]

    table = run_cli(capsys, *db, "poll", "--site", "Texas", "--timeout", "2")
    assert table.code == 0 and "Texas" in table.out and "Kazakhstan" not in table.out


@pytest.mark.parametrize(
    "args,message",
    [
        (["poll", "--port", "0"], "port: must be 1-65535"),
        (["poll", "--site", "Atlantis"], "Atlantis"),
        (["scan", "--timeout", "0"], "timeout"),
        (["edit-site", "Texas", "--network", "8.8.8.0/24"], "not a private or loopback address"),
        (["edit-site", "Texas", "--network", "127.0.0.9-127.0.0.1"], "last address comes before the first"),
        (["edit-site", "Texas", "--name", "Tex", "--network", "bogus"], "'bogus' is not an IPv4 address"),
        (["add-site", "Norway", "--network", "10.0.0.0/8"], "at most 65,536"),  # parsed and refused
        (["poll", "--port", "x"], "invalid int value"),
    ],
)
def test_bad_arguments_exit_2_with_one_line_and_write_nothing(
    demo_db: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    db = ("--db", str(demo_db))
    before = run_cli(capsys, *db, "sites", "--json").out
    result = run_cli(capsys, *db, *args)
    assert result.code == 2 and message in result.err
    assert result.err.count("\n") == 1 and "Traceback" not in result.err and result.out == ""
    assert run_cli(capsys, *db, "sites", "--json").out == before


def test_poll_with_no_miners_known_exits_0(demo_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    poll = _json(capsys, "--db", str(demo_db), "poll", "--json")
    assert poll["total"]["miners_found"] == 0 and poll["total"]["deployed_units"] == 3819  # type: ignore[index]


@pytest.mark.parametrize("base", ["10.0.0.2", "192.168.0.1", "127.255.255.254"])  # refused, never bound
def test_fake_miners_refuse_a_non_loopback_base(capsys: pytest.CaptureFixture[str], base: str) -> None:
    result = run_cli(capsys, "fake-miners", "--count", "5", "--base", base)
    assert result.code == 2 and "loopback" in result.err and result.err.count("\n") == 1


def test_export_series_carries_the_measured_days_and_miners_export_lists_the_miners(
    demo_db: Path, capsys: pytest.CaptureFixture[str], fleet: FleetThread, tmp_path: Path
) -> None:
    db = ("--db", str(demo_db))
    assert run_cli(capsys, *db, "edit-site", "Texas", "--network", "127.0.4.2-127.0.4.5").code == 0
    assert run_cli(capsys, *db, "scan", "--port", str(PORT)).code == 0
    assert run_cli(capsys, *db, "poll").code == 0
    series = tmp_path / "series.csv"
    assert run_cli(capsys, *db, "export", "--what", "series", "--out", str(series)).code == 0
    rows = list(csv.DictReader(series.open(encoding="utf-8")))
    measured = [r for r in rows if r["measured_ths"]]
    expected = sum(fleet.fleet.miners[f"127.0.4.{i}"].state.ths for i in range(2, 6))
    assert {r["data_center"] for r in measured} == {"Texas", "Total"}
    today = [r for r in measured if r["data_center"] == "Total"][-1]
    assert float(today["measured_ths"]) == pytest.approx(expected, abs=0.01)
    assert float(today["deployed_ths"]) == pytest.approx(145556.5)  # the books' curve carried to the day
    book = tmp_path / "series.xlsx"  # the wide sheet: measured columns only where miners were polled
    assert run_cli(capsys, *db, "export", "--what", "series", "--out", str(book)).code == 0
    from openpyxl import load_workbook

    sheet = load_workbook(book)["series"]
    titles = [c.value for c in sheet[1]]
    assert "Texas: measured" in titles and "Total: measured" in titles and "Kazakhstan: measured" not in titles
    measured_total = [r[titles.index("Total: measured")].value for r in sheet.iter_rows(min_row=2)]
    assert [v for v in measured_total if v is not None][-1] == pytest.approx(expected, abs=0.01)

    miners = tmp_path / "miners.json"
    assert run_cli(capsys, *db, "export", "--what", "miners", "--out", str(miners)).code == 0
    listed = json.loads(miners.read_text(encoding="utf-8"))
    assert len(listed) == 4 and {m["data_center"] for m in listed} == {"Texas"}
    assert all(m["status"] == "Hashing" for m in listed)
