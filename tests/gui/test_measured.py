"""The window with a fake fleet on loopback: the operating curve, the tiles, the books-vs-network
reconciliation and the miners view, refreshed by polling on the window's schedule."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from desktop.miners.fake import FakeFleet, FleetThread, running_in_thread
from desktop.services.polling import PollOptions
from desktop.services.session import open_session
from desktop.ui.main_window import MainWindow
from tests.gui.conftest import WindowFactory

PORT = 24500


@pytest.fixture
def fleet() -> Iterator[FleetThread]:
    with running_in_thread(FakeFleet.build(10, "127.0.5.2", PORT)) as runner:
        yield runner


@pytest.fixture
def scanned_demo(demo_db: Path, fleet: FleetThread) -> Path:
    with open_session(demo_db) as session:
        texas = session.fleet.site("Texas").id or 0
        session.measured.set_networks(texas, ["127.0.5.0/28"])
        session.polling.scan(texas, PollOptions(port=PORT, timeout_s=2))
    return demo_db


def _row(window: MainWindow, name: str) -> list[str]:
    return next(r for r in window.measured_panel.row_texts() if r[0] == name)


def test_the_window_shows_the_measured_curve_and_reconciliation_within_one_poll_interval(
    qtbot, open_main_window: WindowFactory, scanned_demo: Path, fleet: FleetThread
) -> None:
    window = open_main_window(scanned_demo)
    # what the scan read shows at once: 10 found at Texas, none on the books there
    qtbot.waitUntil(lambda: window.measured_panel.table.rowCount() == 3, timeout=5000)
    assert _row(window, "Texas")[1:5] == ["0", "10", "10", "0"]
    assert _row(window, "Texas")[-1] == "found +10 vs books"
    assert _row(window, "Kazakhstan")[1:3] == ["3,819", "0"]
    # no poll yet: no measured curve, so no legend entry for it (as "Target" only with a target)
    assert "Operating (measured)" not in [label.text for _, label in window.chart.legend.items]

    # the operator sets a short schedule by typing into the interval box
    box = window.measured_panel.interval
    box.setFocus()
    QTest.keyClick(box, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClicks(box, "5")
    QTest.keyClick(box, Qt.Key.Key_Return)
    assert window.poller.interval_s == 5

    # the fleet changes: two miners go offline
    fleet.set_behaviour("127.0.5.2", "offline")
    fleet.set_behaviour("127.0.5.3", "offline")
    qtbot.waitUntil(lambda: _row(window, "Texas")[4] == "2", timeout=20_000)  # one 5 s interval, with room
    assert _row(window, "Texas")[3] == "8"
    hashing_ths = sum(m.state.ths for a, m in fleet.fleet.miners.items() if a not in ("127.0.5.2", "127.0.5.3"))
    qtbot.waitUntil(lambda: "measured" in window.chart.series_values(), timeout=5000)
    x, y = window.chart.series_values()["measured"]
    assert len(x) >= 1 and y[-1] == pytest.approx(hashing_ths, rel=0.01)
    assert "Operating (measured)" in [label.text for _, label in window.chart.legend.items]
    assert window.measured_tiles.texts()["operating"] != "-"


def test_poll_now_and_the_miners_view_sort_and_filter(
    qtbot, open_main_window: WindowFactory, scanned_demo: Path, fleet: FleetThread
) -> None:
    window = open_main_window(scanned_demo)
    qtbot.waitUntil(lambda: window.measured_panel.table.rowCount() == 3, timeout=5000)
    fleet.set_behaviour("127.0.5.4", "offline")
    qtbot.waitUntil(lambda: window.measured_panel.poll_button.isEnabled(), timeout=5000)
    qtbot.mouseClick(window.measured_panel.poll_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _row(window, "Texas")[4] == "1", timeout=15_000)

    qtbot.mouseClick(window.measured_panel.miners_button, Qt.MouseButton.LeftButton)
    dialog = window.measured.miners_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.proxy.rowCount() == 10
    dialog.status_filter.setFocus()
    index = dialog.status_filter.findText("Offline")
    dialog.status_filter.setCurrentIndex(index)
    assert dialog.proxy.rowCount() == 1
    assert dialog.proxy.index(0, 0).data() == "127.0.5.4"
    dialog.status_filter.setCurrentIndex(0)
    qtbot.keyClicks(dialog.search, "Avalon")
    assert 0 < dialog.proxy.rowCount() < 10
    dialog.search.clear()
    # sorting by TH/s now: a header click, numbers as numbers
    header = dialog.table.horizontalHeader()
    x = header.sectionViewportPosition(3) + 5
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    values = [dialog.proxy.index(r, 3).data() for r in range(dialog.proxy.rowCount())]
    numbers = [float(v.replace(",", "")) for v in values if v]
    assert header.sortIndicatorSection() == 3
    assert numbers == sorted(numbers) or numbers == sorted(numbers, reverse=True)


def test_the_open_miners_view_follows_each_poll(
    qtbot, open_main_window: WindowFactory, scanned_demo: Path, fleet: FleetThread
) -> None:
    window = open_main_window(scanned_demo)
    qtbot.waitUntil(lambda: window.measured_panel.table.rowCount() == 3, timeout=5000)
    qtbot.mouseClick(window.measured_panel.miners_button, Qt.MouseButton.LeftButton)
    dialog = window.measured.miners_dialog
    assert dialog is not None
    dialog.status_filter.setCurrentIndex(dialog.status_filter.findText("Offline"))
    assert dialog.proxy.rowCount() == 0
    fleet.set_behaviour("127.0.5.6", "offline")
    qtbot.waitUntil(lambda: window.measured_panel.poll_button.isEnabled(), timeout=5000)
    qtbot.mouseClick(window.measured_panel.poll_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.proxy.rowCount() == 1, timeout=15_000)
    assert dialog.proxy.index(0, 0).data() == "127.0.5.6"
    assert dialog.count_label.text() == "1 of 10 miners"


def test_the_user_corrects_which_model_a_reported_type_is(
    qtbot, open_main_window: WindowFactory, scanned_demo: Path, fleet: FleetThread
) -> None:
    window = open_main_window(scanned_demo)
    qtbot.waitUntil(lambda: window.measured_panel.table.rowCount() == 3, timeout=5000)
    qtbot.mouseClick(window.measured_panel.miners_button, Qt.MouseButton.LeftButton)
    dialog = window.measured.miners_dialog
    assert dialog is not None and not dialog.apply_model.isEnabled()
    first = dialog.table.visualRect(dialog.proxy.index(0, 1)).center()
    qtbot.mouseClick(dialog.table.viewport(), Qt.MouseButton.LeftButton, pos=first)
    reported = dialog.selected_row().reported_type
    assert dialog.apply_model.isEnabled() and reported in dialog.mapping_label.text()
    dialog.model_choice.setFocus()
    qtbot.keyClicks(dialog.model_choice, "Antminer S21")
    assert dialog.model_choice.currentText() == "Antminer S21"
    qtbot.mouseClick(dialog.apply_model, Qt.MouseButton.LeftButton)
    same_type = [r for r in dialog.model.rows if r.reported_type == reported]
    assert same_type and all(r.model == "Antminer S21" for r in same_type)
    others = [r for r in dialog.model.rows if r.reported_type != reported]
    assert all(r.model == r.reported_type for r in others)


def test_before_any_scan_the_books_are_not_flagged_against_an_empty_network(qtbot, main_window) -> None:
    panel = main_window.measured_panel
    qtbot.waitUntil(lambda: panel.table.rowCount() == 3, timeout=5000)
    rows = {row[0]: row for row in panel.row_texts()}
    assert rows["Kazakhstan"][-1] == "not scanned yet"  # not "found -3,819 vs books" in red
    assert rows["Texas"][-1] == ""  # nothing on the books, nothing to check
