"""Fuzzing the importers: 10,000+ generated files, no unhandled exception, no partial import.

Inputs are mostly near-valid batch files (right header, each cell either a good value
or junk), so generation reaches deep validation and the write path; the rest are raw
bytes under every extension the importer accepts. Each input is imported into one
database for the whole run: it either fails with ImportFileError and leaves the file
exactly as it was (row counts and the audit trail), or succeeds and adds exactly what
its result says. Rows with small ids hit batches earlier inputs created (updates).
"""

from __future__ import annotations

import csv
import io
import json
import os
import random
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from desktop.errors import HashplanError
from desktop.services.batch_format import HEADER, neutralise
from desktop.services.importing import import_file
from desktop.services.session import Session, open_session

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10000"))

_junk = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["", " ", "-1", "0", "1e9", "NaN", "inf", "12,5", "1.999", "2021-02-30", "31/12/2021", "=1+1"]),
    st.integers(-(10**12), 10**12).map(str),
)


_SITES = ["Kazakhstan", "Texas", "Norway Fjord", "kazakhstan "]
_MODELS = [("Antminer S9", "", "", ""), ("antminer s19", "", "", ""), ("Fuzz Miner X1", "FuzzCo", "95.5", "3250")]
_STATUSES = ["ordered", "in_transit", "on_site", "deployed", "retired", "cancelled"]


def _valid_row(seed: int) -> dict[str, str]:
    """A coherent row from one drawn number (one draw per row keeps 10,000 inputs fast)."""
    rng = random.Random(seed)
    model, vendor, ths, watts = rng.choice(_MODELS)
    units = rng.randint(1, 5000)
    ordered = date(2020, 1, 1) + timedelta(days=rng.randrange(2000))
    status = rng.choice(_STATUSES)
    deployed = status == "deployed"
    return {
        "id": rng.choice(["", "", "", str(rng.randint(1, 12))]),
        "data_center": rng.choice(_SITES),
        "country": rng.choice(["", "KZ"]),
        "miner_model": model,
        "vendor": vendor,
        "ths_per_unit": ths,
        "watts_per_unit": watts,
        "units": f"{units:,}" if rng.random() < 0.2 else str(units),
        "ordered_on": ordered.isoformat(),
        "expected_on": (ordered + timedelta(days=rng.randrange(120))).isoformat(),
        "unit_price_usd": rng.choice(["0", "1234.50", "2,100", "99.99"]),
        "supplier": rng.choice(["", "Bitmain", "=HYPERLINK()", "a,b"]),
        "status": status,
        "deployed_units": str(rng.randint(1, units)) if deployed else "",
        "deployed_on": (ordered + timedelta(days=rng.randrange(200))).isoformat() if deployed else "",
        "notes": rng.choice(["", "ok", "line\nbreak", '"quoted"', "'lead", "tab\tin", "Ж中é"]),
    }


def _mutate(row: dict[str, str], mutations: list[tuple[str, str]]) -> dict[str, str]:
    return row | dict(mutations)


_row = st.builds(
    _mutate,
    st.integers(0, 2**32).map(_valid_row),
    st.lists(st.tuples(st.sampled_from(list(HEADER)), _junk), max_size=2),  # often none: valid rows
)
_header = st.one_of(
    st.just(list(HEADER)),
    st.just(list(HEADER)),
    st.permutations(list(HEADER)),
    st.lists(st.sampled_from([*HEADER, "extra", "", "UNITS"]), max_size=18),
)


def _csv(header: list[str], rows: list[dict[str, str]], delimiter: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header)
    for row in rows:
        writer.writerow([neutralise(row.get(h, "")) for h in header])
    return out.getvalue().encode("utf-8")


def _json(header: list[str], rows: list[dict[str, str]], typed: bool) -> bytes:
    def value(text: str) -> Any:
        if typed:
            try:
                return json.loads(text)  # numbers as numbers, as a JSON export would have them
            except ValueError:
                return text
        return text

    return json.dumps([{h: value(row.get(h, "")) for h in header} for row in rows]).encode("utf-8")


_structured = st.builds(
    lambda header, rows, form: (
        ("csv", _csv(header, rows, ","))
        if form == "csv"
        else ("csv", _csv(header, rows, ";"))
        if form == "csv;"
        else ("json", _json(header, rows, form == "json typed"))
    ),
    _header,
    st.lists(_row, max_size=5),
    st.sampled_from(["csv", "csv", "csv;", "json", "json typed"]),
)
_raw = st.tuples(
    st.sampled_from(["csv", "json", "xlsx", "txt"]),
    st.one_of(
        st.binary(max_size=400),
        st.text(max_size=200).map(str.encode),
        st.just(b"PK\x03\x04garbage"),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.text(max_size=5),
            lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
            max_leaves=12,
        ).map(lambda v: json.dumps(v).encode()),
    ),
)
_inputs = st.one_of(_structured, _structured, _structured, _raw)


def _state(session: Session) -> tuple[int, ...]:
    conn = session.store.conn
    return tuple(
        conn.execute(f"SELECT COUNT(*), COALESCE(MAX(id), 0) FROM {table}").fetchone()[i]
        for table in ("batches", "batch_events", "data_centers", "miner_models", "audit")
        for i in (0, 1)
    )


def _fresh_session(folder: Path, number: int) -> Session:
    session = open_session(folder / f"fuzz-{number}.db")
    session.store.conn.execute("PRAGMA synchronous = NORMAL")  # fsync per import is not under test here
    session.fleet.add_site("Kazakhstan", "KZ")
    return session


def _check_whole(session: Session) -> None:
    assert session.store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    session.queries.summary()  # every imported batch's ledger still replays


@pytest.mark.slow  # about 45 s on 2 idle cores; FUZZ_EXAMPLES=500 for a quick look
def test_ten_thousand_generated_files_never_crash_nor_half_import(tmp_path: Path) -> None:
    stats = {"inputs": 0, "refused": 0, "imported": 0, "batches": 0, "databases": 1}
    started = time.monotonic()
    current = [_fresh_session(tmp_path, 1)]

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        phases=[Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
    )
    @given(_inputs)
    def one_input(example: tuple[str, bytes]) -> None:
        session = current[0]
        suffix, data = example
        path = tmp_path / f"input.{suffix}"
        path.write_bytes(data)
        stats["inputs"] += 1
        before = _state(session)
        try:
            result = import_file(session, path)
        except HashplanError as error:
            assert str(error)  # a sentence for the operator
            assert _state(session) == before, f"partial import of {data[:200]!r}: {error}"
            stats["refused"] += 1
            return
        after = _state(session)
        assert after[0] == before[0] + result.batches_created  # batch count
        # audit: one row for the import, one per new site, new model and updated batch
        audited = 1 + result.sites_created + result.models_created + result.batches_updated
        assert after[8] == before[8] + audited
        stats["imported"] += 1
        stats["batches"] += result.batches_created
        if after[0] > 200:  # import cost grows with the file: keep each database small
            _check_whole(session)
            session.close()
            stats["databases"] += 1
            current[0] = _fresh_session(tmp_path, stats["databases"])

    try:
        one_input()
        _check_whole(current[0])
    finally:
        current[0].close()
    elapsed = time.monotonic() - started
    print(
        f"\nimport fuzz: {stats['inputs']:,} inputs, {stats['refused']:,} refused cleanly, "
        f"{stats['imported']:,} imported ({stats['batches']:,} batches in {stats['databases']} databases), "
        f"0 unhandled, 0 partial, {elapsed:.1f} s"
    )
    assert stats["inputs"] >= EXAMPLES
    assert stats["imported"] > EXAMPLES // 20 and stats["refused"] > EXAMPLES // 2  # both paths really ran
