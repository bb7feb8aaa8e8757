"""Issue #14 item 9: overdue batches are tinted, counted in a tile, filterable; late suppliers listed."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from desktop.ui.main_window import MainWindow
from desktop.ui.panels.overdue_delegate import overdue_tint
from tests.gui.test_chart_per_site import click_site
from tests.gui.test_typed_dates import active
from tests.integration.cli_runner import run_cli


def row_background(window: MainWindow, batch_id: int):
    """The colour the row is painted in (its delegate's style option)."""
    from PySide6.QtWidgets import QStyleOptionViewItem

    table = window.batch_panel.table
    row = window.batch_panel.visible_batch_ids().index(batch_id)
    option = QStyleOptionViewItem()
    option.initFrom(table)
    table.itemDelegate().initStyleOption(option, table.model().index(row, 1))
    return option.backgroundBrush.color() if option.backgroundBrush.style() != Qt.BrushStyle.NoBrush else None


def test_overdue_batches_are_tinted_counted_and_filtered(qtbot, main_window: MainWindow) -> None:
    # Demo batches 4-7 were expected in 2021 and are not all deployed; 1-3 are deployed.
    tile = main_window.kpi_tiles.tiles["overdue"]
    assert tile.value_label.text() == "4" and tile.warning
    tint = overdue_tint(main_window.batch_panel.table.palette())
    assert [row_background(main_window, b) == tint for b in range(1, 8)] == [False] * 3 + [True] * 4
    QTest.mouseClick(tile, Qt.MouseButton.LeftButton, pos=tile.rect().center())  # the tile lists them
    assert main_window.batch_panel.stage_filter.currentText() == "Overdue (past expected, not all deployed)"
    qtbot.waitUntil(lambda: main_window.batch_panel.visible_batch_ids() == [4, 5, 6, 7])
    assert main_window.batch_panel.count_label.text() == "4 of 7 batches"
    click_site(qtbot, main_window, "Texas")
    assert main_window.kpi_tiles.tiles["overdue"].value_label.text() == "0"


def test_deploying_a_batch_takes_it_off_the_overdue_count(qtbot, main_window: MainWindow) -> None:
    fleet = main_window.session.fleet
    fleet.record_event(5, "delivered", 1000, "2021-09-02")
    fleet.record_event(5, "deployed", 1000, "2021-09-05")
    qtbot.waitUntil(lambda: main_window.kpi_tiles.tiles["overdue"].value_label.text() == "3")


def test_late_deliveries_by_supplier(qtbot, main_window: MainWindow, demo_db: Path, capsys) -> None:
    active(qtbot, main_window)
    QTest.keySequence(main_window, "Ctrl+L")
    dialog = main_window.lateness_dialog
    assert dialog.isVisible()
    assert dialog.row_texts() == [  # latest on average first
        ("MicroBT", "1", "+2.0", "100%", "1"),
        ("Secondary market", "0", "-", "-", "1"),
        ("Bitmain", "2", "-0.5", "50%", "2"),
    ]
    cli = {r["supplier"]: r for r in json.loads(run_cli(capsys, "--db", str(demo_db), "late", "--json").out)}
    for supplier, deployed, average, share, overdue in dialog.row_texts():
        row = cli["" if supplier == "(no supplier)" else supplier]
        assert (deployed, overdue) == (str(row["deployed_batches"]), str(row["overdue_batches"]))
        if row["deployed_batches"]:
            assert average == f"{row['average_days_late']:+.1f}" and share == f"{row['share_late']:.0%}"
    assert sum(r["overdue_batches"] for r in cli.values()) == 4
    dialog.close()
