"""Issue #14 item 10 on the command line: --map for an operator's own titles, --date-order for
short dates that could be read either way (exit 2 with the reason, nothing written)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.integration.cli_runner import CliResult, run_cli

THEIRS = "Site,Model,Qty,PO date,ETA,Price,State of play\n"


@pytest.fixture
def db(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    path = tmp_path / "fleet.db"
    assert run_cli(capsys, "--db", str(path), "demo").code == 0
    return str(path)


def sheet(tmp_path: Path, *rows: str, header: str = THEIRS) -> str:
    path = tmp_path / "theirs.csv"
    path.write_text(header + "".join(f"{row}\n" for row in rows), encoding="utf-8")
    return str(path)


def cli(capsys: pytest.CaptureFixture[str], db: str, *args: str) -> CliResult:
    return run_cli(capsys, "--db", db, *args)


def newest(capsys: pytest.CaptureFixture[str], db: str) -> dict:
    return max(json.loads(cli(capsys, db, "batches", "--json").out), key=lambda b: b["id"])


def test_their_titles_are_refused_with_the_map_to_give_then_imported_with_it(capsys, db: str, tmp_path: Path) -> None:
    path = sheet(tmp_path, 'Kazakhstan,Antminer S19j Pro,"1,200",25/01/2021,1/3/21,"$5,200.00",ordered')
    refused = cli(capsys, db, "import", path)
    assert refused.code == 2
    assert "row 1: the columns Site, Model, Qty, PO date, ETA, Price, State of play are not Hashplan's" in refused.err
    assert '--map "Qty=units"' in refused.err and "State of play=" not in refused.err  # no guess for it
    done = cli(capsys, db, "import", path, "--map", "State of play=status")
    assert done.code == 0, done.err
    batch = newest(capsys, db)
    assert (batch["units"], batch["ordered_on"], batch["expected_on"]) == (1200, "2021-01-25", "2021-03-01")


def test_dates_either_way_need_the_order(capsys, db: str, tmp_path: Path) -> None:
    path = sheet(tmp_path, "Texas,Antminer S19j Pro,10,05/01/2021,07/01/2021,5000,ordered")
    refused = cli(capsys, db, "import", path, "--map", "State of play=status")
    assert refused.code == 2 and refused.out == ""
    assert "row 2, column ordered_on: '05/01/2021' could be day/month or month/day" in refused.err
    assert "--date-order dmy|mdy" in refused.err
    done = cli(capsys, db, "import", path, "--map", "State of play=status", "--date-order", "mdy")
    assert done.code == 0, done.err
    batch = newest(capsys, db)
    assert (batch["ordered_on"], batch["expected_on"]) == ("2021-05-01", "2021-07-01")


def test_mixed_orders_are_refused_naming_both_rows(capsys, db: str, tmp_path: Path) -> None:
    path = sheet(
        tmp_path,
        "Texas,Antminer S19j Pro,10,13/01/2021,20/02/2021,5000,ordered",
        "Texas,Antminer S19j Pro,10,01/13/2021,02/20/2021,5000,ordered",
        header="data_center,miner_model,units,ordered_on,expected_on,unit_price_usd,status\n",
    )
    refused = cli(capsys, db, "import", path)
    assert refused.code == 2
    assert "row 2, column ordered_on: '13/01/2021' can only be day/month/year, but row 3's '01/13/2021'" in refused.err


def test_a_bad_map_option_is_one_sentence(capsys, db: str, tmp_path: Path) -> None:
    path = sheet(tmp_path, "Texas,Antminer S19j Pro,10,2021-01-05,2021-02-01,5000,ordered")
    result = cli(capsys, db, "import", path, "--map", "Colour=notes")
    assert result.code == 2 and len(result.err.strip().splitlines()) == 1
    assert "the file has no column titled 'Colour'" in result.err
