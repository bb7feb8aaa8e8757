"""import(export(x)) gives back x: the same batches, stage counts, sites and summary --json."""

from __future__ import annotations

import itertools
import json
import unicodedata
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.domain.entities import Batch, BatchEvent, DataCenter, MinerModel
from desktop.domain.stages import EventKind
from desktop.services.exporting import export
from desktop.services.importing import import_file
from desktop.services.session import Session, open_session
from tests.integration.cli_runner import run_cli
from tests.integration.transfer_helpers import fleet_state, sites_state, summary_json

pytestmark = pytest.mark.both_backends  # services and the command line on SQLite and on PostgreSQL

FORMATS = ("csv", "xlsx", "json")
_counter = itertools.count()


@pytest.mark.parametrize("fmt", FORMATS)
def test_demo_round_trip_gives_the_same_batches_and_summary(demo_session: Session, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"demo.{fmt}"
    export(demo_session, "batches", fmt, out)
    with open_session(tmp_path / "copy.db") as copy:
        result = import_file(copy, out)
        assert result.batches_created == 7
        assert fleet_state(copy) == fleet_state(demo_session)
        assert sites_state(copy) == sites_state(demo_session)
        assert summary_json(copy) == summary_json(demo_session)


@pytest.mark.parametrize("fmt", FORMATS)
def test_demo_round_trip_through_the_command_line(capsys: pytest.CaptureFixture[str], tmp_path: Path, fmt: str) -> None:
    original, copy, out = tmp_path / "a.db", tmp_path / "b.db", tmp_path / f"demo.{fmt}"
    assert run_cli(capsys, "--db", str(original), "demo").code == 0
    assert run_cli(capsys, "--db", str(original), "export", "--what", "batches", "--out", str(out)).code == 0
    imported = run_cli(capsys, "--db", str(copy), "import", str(out))
    assert imported.code == 0, imported.err
    assert "7 batches created" in imported.out
    before = json.loads(run_cli(capsys, "--db", str(original), "summary", "--json").out)
    after = json.loads(run_cli(capsys, "--db", str(copy), "summary", "--json").out)
    # A batch file carries no targets, facility investments or electricity prices (#18's keys)
    for key in ("capex", "targets", "power"):
        before.pop(key), after.pop(key)
    assert json.dumps(after) == json.dumps(before)


# -- generated fleets ---------------------------------------------------------------

# Text the app accepts (control characters are refused on entry, see test_hardening_text):
# CSV and formula look-alikes, non-Latin letters, and line breaks in notes.
_tricky = st.sampled_from([",", '"', "'", "=", "+", "-", "@", ";", "é", "Ж", "中", "ß", " "])
_chars = st.characters(categories=("L", "N", "P", "S", "Zs")) | _tricky
_nfc = lambda text: unicodedata.is_normalized("NFC", text)  # noqa: E731 - stored names are NFC
_text = st.text(alphabet=_chars, max_size=25).filter(_nfc)
_lead = st.sampled_from(["", "_x000D_", "=", "+", "-", "@", "'", "''", "=1+2", "'="])
_name = st.builds(lambda lead, body: " ".join((lead + body).split())[:60], _lead, _text).filter(bool)
_line = st.builds(lambda lead, body: (lead + body).strip(), _lead, _text)
_notes = st.builds(
    lambda lead, body: (lead + body).strip(), _lead, st.text(alphabet=_chars | st.just("\n"), max_size=25).filter(_nfc)
)


@st.composite
def fleets(draw: st.DrawFn) -> dict:
    site_names = draw(st.lists(_name, min_size=1, max_size=3, unique_by=lambda n: n.casefold()))
    sites = [
        (name, draw(_line), draw(st.one_of(st.none(), st.integers(0, 500).map(float), st.just(12.5))))
        for name in site_names
    ]
    models = draw(st.lists(_name, min_size=1, max_size=2, unique_by=lambda n: n.casefold()))
    batches = []
    for _ in range(draw(st.integers(1, 5))):
        parts = draw(st.lists(st.integers(0, 40), min_size=6, max_size=6).filter(lambda p: sum(p) > 0))
        ordered = date(2019, 1, 1) + timedelta(days=draw(st.integers(0, 4000)))
        batches.append(
            {
                "site": draw(st.integers(0, len(sites) - 1)),
                "model": draw(st.integers(0, len(models) - 1)),
                "parts": parts,
                "ordered": ordered,
                "expected": ordered + timedelta(days=draw(st.integers(0, 300))),
                "deployed": ordered + timedelta(days=draw(st.integers(0, 300))),
                "price": draw(st.integers(0, 10_000_00)),
                "supplier": draw(_line),
                "notes": draw(_notes),
            }
        )
    return {"sites": sites, "models": models, "batches": batches, "drop": draw(st.booleans())}


def _build(session: Session, fleet: dict) -> None:
    store = session.store
    with store.write("build generated fleet"):
        sites = [store.insert_site(DataCenter(n, c, cap)) for n, c, cap in fleet["sites"]]
        models = [
            store.insert_model(MinerModel(f"{n} #{next(_counter)}"[:120], "Maker, Inc.", 13.5 + i, 1323.25))
            for i, n in enumerate(fleet["models"])
        ]
        for spec in fleet["batches"]:
            ordered_n, transit, on_site, deployed, retired, cancelled = spec["parts"]
            units = sum(spec["parts"])
            batch = store.insert_batch(
                Batch(
                    sites[spec["site"]].id or 0,
                    models[spec["model"]].id or 0,
                    units,
                    spec["ordered"],
                    spec["expected"],
                    spec["price"],
                    spec["supplier"],
                    spec["notes"],
                )
            )
            day, later = spec["ordered"], spec["deployed"]
            moves = [
                (EventKind.CANCELLED, cancelled, day),
                (EventKind.SHIPPED, transit + on_site + deployed + retired, day),
                (EventKind.DELIVERED, on_site + deployed + retired, day + timedelta(days=1)),
                (EventKind.DEPLOYED, deployed + retired, later + timedelta(days=2)),
                (EventKind.RETIRED, retired, later + timedelta(days=3)),
            ]
            for kind, n, on in moves:
                if n:
                    store.insert_event(BatchEvent(batch.id or 0, kind, n, on))
            assert ordered_n >= 0
        first = store.list_batches()[0].id or 0
        if fleet["drop"] and store.count_batches() > 1:  # a gap in the ids: the copy must keep them
            store.delete_batch(first)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fleet=fleets(), fmt=st.sampled_from(FORMATS))
def test_generated_fleets_round_trip(tmp_path_factory: pytest.TempPathFactory, fleet: dict, fmt: str) -> None:
    folder = tmp_path_factory.mktemp("rt")
    with open_session(folder / "original.db") as original:
        _build(original, fleet)
        out = folder / f"fleet.{fmt}"
        export(original, "batches", fmt, out)
        with open_session(folder / "copy.db") as copy:
            import_file(copy, out)
            assert fleet_state(copy) == fleet_state(original)
            assert sites_state(copy) == sites_state(original)
            assert summary_json(copy) == summary_json(original)
            # Exported again, the copy gives the very same file content.
            again = folder / f"again.{fmt}"
            export(copy, "batches", fmt, again)
            if fmt != "xlsx":  # XLSX zips carry timestamps
                assert _without_ids(again, fmt) == _without_ids(out, fmt)


def _without_ids(path: Path, fmt: str) -> list:
    if fmt == "json":
        return sorted(json.dumps({k: v for k, v in row.items() if k != "id"}) for row in json.loads(path.read_text()))
    import csv

    with open(path, encoding="utf-8", newline="") as handle:
        return sorted(repr(row[1:]) for row in csv.reader(handle))
