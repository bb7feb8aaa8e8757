"""The README's screenshot of measured hash rate: the demo with a year of simulated polls of
Kazakhstan's miners, so the chart draws three curves (deployed, planned, operating) and the
panel reconciles the books with the network (3,819 deployed, 3,744 found, 3,702 hashing).

The history is written as the poller's rollups would be (no network): it stands for a year
of polling. With HASHPLAN_SCREENSHOT=1 the image goes to resources/screenshots/measured.png.
"""

from __future__ import annotations

import math
import os
import time
from pathlib import Path

from PySide6.QtGui import QImage

from desktop.domain.measured import RollupRow
from desktop.miners.reading import READ
from desktop.resources import resource_path
from desktop.services.session import open_session
from desktop.store.measured import MeasuredStore, ReadingRow
from tests.gui.conftest import WindowFactory

FOUND, HASHING = 3_744, 3_702
NOMINAL_THS = 145_556.5
PER_MINER_THS = NOMINAL_THS * 0.971 / HASHING  # 97.1 % of nominal, as the example


def _simulate_a_year(path: Path) -> None:
    now = int(time.time())
    with open_session(path) as session:
        site = session.fleet.site("Kazakhstan").id or 0
        model = session.fleet.model("Antminer T17").id
        store = MeasuredStore(session.store)
        with session.store.write("simulated polls"):
            rows = [(f"127.1.{i // 250}.{i % 250 + 2}", 4028, "antminer", "Antminer T17", model, "BMMiner 1.0.0")
                    for i in range(FOUND)]  # fmt: skip
            store.save_miners(site, rows, "2025-12-01T00:00:00+00:00")
            ids = [m.id for m in store.known_miners(site)]
            store.save_readings(
                [ReadingRow(i, now, READ if n < HASHING else "offline", None, PER_MINER_THS if n < HASHING else None,
                            None, 40.0, 2200.0, 74.0, (5400, 5460), 86_400, True) for n, i in enumerate(ids)],
                300,
            )  # fmt: skip
            for hours_ago in range(365 * 24, 0, -6):  # a poll every 6 h stands for the year's polls
                at = now - hours_ago * 3600
                day = hours_ago / 24
                dip = 0.10 if 200 < day < 215 else 0.0  # a fortnight of curtailment (a summer heatwave)
                share = 0.955 + 0.015 * math.sin(day / 9) - dip
                store.add_rollups(
                    [RollupRow(site, FOUND, HASHING, FOUND - HASHING, NOMINAL_THS * share, NOMINAL_THS, 3_819,
                               HASHING * 2200.0, 72 * FOUND, round(72 * FOUND * 0.988))],
                    at,
                )  # fmt: skip
            store.prune_rollups(now)


def test_measured_screenshot_shows_three_curves_and_the_reconciliation(
    qtbot, open_main_window: WindowFactory, demo_db: Path, tmp_path: Path
) -> None:
    _simulate_a_year(demo_db)
    window = open_main_window(demo_db)
    window.resize(1400, 900)
    qtbot.waitUntil(lambda: window.width() == 1400)
    qtbot.waitUntil(lambda: window.measured_panel.table.rowCount() == 3, timeout=5000)
    window.right_splitter.setSizes([230, 430, 240])
    qtbot.waitUntil(lambda: "measured" in window.chart.series_values(), timeout=5000)
    window.chart.reset_view()
    target = (
        resource_path("screenshots", "measured.png")
        if os.environ.get("HASHPLAN_SCREENSHOT") == "1"
        else tmp_path / "measured.png"
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    assert window.grab().save(str(target))

    assert QImage(str(target)).width() == 1400
    kazakhstan = next(r for r in window.measured_panel.row_texts() if r[0] == "Kazakhstan")
    assert kazakhstan[1:5] == ["3,819", "3,744", "3,702", "42"]
    assert kazakhstan[7] == "97.1 %" and kazakhstan[8] == "found -75 vs books"
    assert set(window.chart.series_values()) >= {"deployed", "planned", "measured"}
    assert window.measured_tiles.texts()["uptime"] == "98.8 %"
