"""Issue #17, text and numbers the round trip cannot carry: look-alike names, control
characters, ambiguous money, other scripts' digits, impossible miner figures."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from tests.integration.cli_runner import CliResult, run_cli


@pytest.fixture
def demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Path:
    monkeypatch.chdir(tmp_path)
    assert run_cli(capsys, "--db", "fleet.db", "demo").code == 0
    return Path("fleet.db")


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _refused(result: CliResult, *words: str) -> None:
    assert result.code == 2 and result.err.count("\n") == 1 and "Traceback" not in result.err, result
    for word in words:
        assert word in result.err, result.err


def _site_names(capsys: pytest.CaptureFixture[str], db: Path) -> list[str]:
    return [s["name"] for s in json.loads(run_cli(capsys, "--db", str(db), "sites", "--json").out)]


# -- 8. names and text ---------------------------------------------------------------------


@pytest.mark.parametrize("look_alike", ["Kazakh\u200bstan", "\u202eKazakhstan", "\ufeffKazakhstan", "Kazakhstan\u2060"])
def test_a_look_alike_site_name_is_the_same_site(
    demo: Path, capsys: pytest.CaptureFixture[str], look_alike: str
) -> None:
    before = _digest(demo)
    _refused(run_cli(capsys, "--db", str(demo), "add-site", look_alike), "already exists")
    assert _digest(demo) == before
    added = run_cli(
        capsys, "--db", str(demo), "add-batch", "--site", look_alike, "--model", "Antminer S19",
        "--units", "10", "--ordered-on", "2021-08-01", "--json",
    )  # fmt: skip
    assert added.code == 0, added.err
    batches = json.loads(run_cli(capsys, "--db", str(demo), "batches", "--json").out)
    assert [b["data_center"] for b in batches if b["id"] == json.loads(added.out)["id"]] == ["Kazakhstan"]


def test_names_are_stored_normalised(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(capsys, "--db", str(demo), "add-site", "\ufeffCafe\u0301  \u200bNorth ").code == 0
    assert "Caf\u00e9 North" in _site_names(capsys, demo)  # NFC, no format characters, one space
    _refused(run_cli(capsys, "--db", str(demo), "add-site", "caf\u00e9 north"), "already exists")


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["add-site", "\tNorway"], "name"),
        (["add-site", "\rNorway"], "name"),
        (["add-site", "Nor\x00way"], "name"),
        (["add-site", "Norway", "--country", "N\x1bO"], "country"),
        (["add-site", "Norway", "--notes", "a\x00b"], "notes"),
        (["add-site", "Norway", "--notes", "line\rover"], "notes"),
        (["add-model", "X\tPro", "--ths", "100", "--watts", "3000"], "model"),
        (["edit-batch", "1", "--supplier", "Bit\x00main"], "supplier"),
    ],
)
def test_control_characters_in_text_fields_are_refused_naming_the_field(
    demo: Path, capsys: pytest.CaptureFixture[str], args: list[str], field: str
) -> None:
    before = _digest(demo)
    _refused(run_cli(capsys, "--db", str(demo), *args), f"{field}: contains the control character")
    assert _digest(demo) == before


def test_notes_keep_their_line_breaks(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(capsys, "--db", str(demo), "edit-batch", "1", "--notes", "first\r\nsecond\nthird").code == 0
    assert run_cli(capsys, "--db", str(demo), "export", "--out", "b.json").code == 0
    [first] = [b for b in json.loads(Path("b.json").read_text(encoding="utf-8")) if b["id"] == 1]
    assert first["notes"] == "first\nsecond\nthird"


def test_a_nul_in_an_imported_note_is_refused_naming_row_and_column(
    demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_cli(capsys, "--db", str(demo), "export", "--out", "b.json").code == 0
    data = json.loads(Path("b.json").read_text(encoding="utf-8"))
    data[0]["notes"] = "before\u0000after"
    data[1]["data_center"] = "\u202eKazakhstan"
    Path("hostile.json").write_text(json.dumps(data), encoding="utf-8")
    before = _digest(demo)

    result = run_cli(capsys, "--db", str(demo), "import", "hostile.json")

    assert result.code == 2 and "nothing was imported" in result.err
    assert "column notes: contains the control character U+0000" in result.err
    assert "data_center" not in result.err  # the look-alike name is just Kazakhstan
    assert _digest(demo) == before


# -- 9. numbers ------------------------------------------------------------------------------

_BATCH = ["add-batch", "--site", "Texas", "--model", "Antminer S19", "--ordered-on", "2021-08-01"]


@pytest.mark.parametrize("price", ["2.640", "12.500", "999.999"])
def test_money_with_exactly_three_decimals_is_refused_as_ambiguous(
    demo: Path, capsys: pytest.CaptureFixture[str], price: str
) -> None:
    before = _digest(demo)
    result = run_cli(capsys, "--db", str(demo), *_BATCH, "--units", "10", "--unit-price", price)
    _refused(result, "unit_price", "three decimals")
    _refused(run_cli(capsys, "--db", str(demo), *_BATCH, "--units", "10", "--total-cost", price), "total_cost")
    assert _digest(demo) == before


def test_money_that_cannot_be_thousands_still_rounds_to_cents(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    added = run_cli(capsys, "--db", str(demo), *_BATCH, "--units", "10", "--unit-price", "0.105", "--json")
    assert added.code == 0 and json.loads(added.out)["unit_price_usd"] == 0.11


@pytest.mark.parametrize("digits", ["\u0662\u0666\u0664\u0660", "\uff12\uff16\uff14\uff10", "\u0968\u096c"])
def test_digits_of_other_scripts_are_refused(demo: Path, capsys: pytest.CaptureFixture[str], digits: str) -> None:
    before = _digest(demo)
    _refused(run_cli(capsys, "--db", str(demo), *_BATCH, "--units", digits), "units", "digits 0-9")
    _refused(run_cli(capsys, "--db", str(demo), *_BATCH, "--units", "5", "--unit-price", digits), "unit_price")
    _refused(run_cli(capsys, "--db", str(demo), "add-model", "M", "--ths", digits, "--watts", "3000"), "ths")
    assert _digest(demo) == before


@pytest.mark.parametrize(
    ("ths", "watts", "field"),
    [("1e-300", "3000", "ths"), ("100", "5e-324", "watts"), ("1000000", "3000", "ths"), ("100", "0.5", "watts")],
)
def test_impossible_miner_figures_are_refused(
    demo: Path, capsys: pytest.CaptureFixture[str], ths: str, watts: str, field: str
) -> None:
    before = _digest(demo)
    result = run_cli(capsys, "--db", str(demo), "add-model", "Odd Miner", "--ths", ths, "--watts", watts)
    _refused(result, f"{field}:", "a unit is outside")
    assert _digest(demo) == before
