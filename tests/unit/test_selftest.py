"""``hashplan --self-test`` in-process: one line on success, one line per failed step otherwise."""

from __future__ import annotations

import io
import os
import sys
import tempfile
from pathlib import Path
from types import SimpleNamespace

import pytest

from desktop.domain.ledger import StageCounts
from desktop.ui import selftest
from desktop.ui.selftest import Context, Step, StepFailed, check_demo_figures, run_self_test


@pytest.fixture
def scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The self-test's temp folder goes here, so a test can see what it left."""
    folder = tmp_path / "scratch"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def _run(steps: tuple[Step, ...] = selftest.STEPS) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run_self_test(out, err, steps)
    return code, out.getvalue(), err.getvalue()


def test_self_test_passes_with_one_line_and_leaves_nothing_behind(qapp: object, scratch: Path) -> None:
    code, out, err = _run()

    assert (code, out, err) == (0, "self-test ok\n", "")
    assert list(scratch.iterdir()) == []


def test_self_test_through_the_command_line(qapp: object, scratch: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from desktop.cli.main import main

    code = main(["--self-test"])

    assert code == 0
    assert capsys.readouterr().out == "self-test ok\n"


def test_a_failed_step_is_named_and_the_steps_that_need_it_do_not_run(scratch: Path) -> None:
    ran: list[str] = []

    def broken(ctx: Context) -> None:
        (ctx.folder / "half-written.db").write_text("x")
        raise StepFailed("the disk is full")

    steps = (
        Step("database", broken),
        Step("demo data", lambda ctx: ran.append("demo"), ("database",)),
        Step("summary", lambda ctx: ran.append("summary"), ("demo data",)),
        Step("Qt", lambda ctx: ran.append("qt")),
    )

    code, out, err = _run(steps)

    assert code == 1
    assert out == ""
    assert err.splitlines() == [
        "self-test: database failed: the disk is full",
        "self-test FAILED (1 of 4 steps; not run: demo data, summary)",
    ]
    assert ran == ["qt"]
    assert list(scratch.iterdir()) == []


def test_an_unexpected_error_is_one_line_not_a_traceback(scratch: Path) -> None:
    def crash(ctx: Context) -> None:
        raise KeyError("batches")

    code, _out, err = _run((Step("exports", crash),))

    assert code == 1
    assert err.splitlines()[0] == "self-test: exports failed: KeyError: 'batches'"
    assert "Traceback" not in err


def test_a_module_missing_from_the_build_is_named(qapp: object, scratch: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "desktop.services.exporting", None)  # as if PyInstaller had left it out

    code, out, err = _run()

    assert code == 1
    assert out == ""
    assert "self-test: exports failed: desktop.services.exporting is not available in this build" in err
    assert "not run: read back" in err


def test_demo_figures_that_drifted_are_spelled_out() -> None:
    counts = StageCounts(ordered=2_500, in_transit=4_033, deployed=3_818)
    summary = SimpleNamespace(total=SimpleNamespace(units=counts, planned_ths=420_000.0))

    with pytest.raises(StepFailed) as failure:
        check_demo_figures(summary)

    assert str(failure.value) == (
        "demo figures are off: deployed 3,818 (expected 3,819), planned 420.0 PH/s (expected 458 PH/s within 1%)"
    )


def test_self_test_restores_the_environment(qapp: object, scratch: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HASHPLAN_DB", "/somewhere/fleet.db")
    before = dict(os.environ)
    _run((Step("database", selftest.open_database),))

    assert dict(os.environ) == before
