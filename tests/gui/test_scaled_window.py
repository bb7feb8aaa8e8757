"""Issue #14 item 6 at QT_SCALE_FACTOR=2, in child processes (the factor is read when QApplication
starts): on a 1920 x 1080 screen at 200 % (960 x 540 logical pixels) the first window fits the
screen, and the chart's lines are as thick in logical pixels as at 100 %, so twice as many
device pixels, never hairlines. The grabs are kept in the test's folder to look at."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from desktop.services.demo import load_demo
from desktop.services.session import open_session

SCREEN = {"screens": [{"name": "panel", "x": 0, "y": 0, "width": 1920, "height": 1080, "logicalDpi": 96, "dpr": 1}]}


@pytest.fixture
def scaled(tmp_path: Path):
    db = tmp_path / "demo.db"
    with open_session(db) as session:
        load_demo(session)
    screen = tmp_path / "screen.json"
    screen.write_text(json.dumps(SCREEN), encoding="utf-8")

    def run(scale: int) -> dict:
        ini = tmp_path / f"settings-{scale}.ini"  # no remembered geometry: the first window
        out = tmp_path / f"chart-x{scale}.png"
        args = [str(scale), str(db), str(ini), str(screen), str(out)]
        done = subprocess.run(
            [sys.executable, "-m", "tests.gui.scaled_window_child", *args],
            capture_output=True, text=True, timeout=120, cwd=Path(__file__).resolve().parents[2],
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert out.exists() and out.with_name(f"chart-x{scale}-window.png").exists()
        return json.loads(done.stdout.strip().splitlines()[-1])

    return run


def test_at_scale_two_the_window_fits_the_screen_and_lines_are_not_hairlines(scaled) -> None:
    normal, double = scaled(1), scaled(2)
    assert double["dpr"] == 2.0 and double["available"] == [960, 540]
    assert double["frame"][0] <= 960 and double["frame"][1] <= 540  # was 1400 x 900, then 864 x 613
    assert normal["frame"][0] <= 1920 and normal["frame"][1] <= 1080
    # Cosmetic pens are device pixels: the width is the logical 2.5 times the ratio.
    assert normal["cosmetic"] and double["cosmetic"]
    assert (normal["pen_width"], double["pen_width"]) == (2.5, 5.0)
    # What was drawn: the deployed line where it runs flat, in device pixels.
    assert double["columns"] > 0 and normal["columns"] > 0
    assert double["line_px"] >= 4  # a hairline is 1
    assert double["line_px"] >= 2 * normal["line_px"]
