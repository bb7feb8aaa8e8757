"""Issue #14 items 3-5: the chart shows the chosen site, its read-out follows the mouse, its view fits."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from desktop.services.session import open_session
from desktop.ui.charts.series_math import to_seconds
from desktop.ui.main_window import MainWindow
from desktop.ui.settings import WindowSettings


def click_site(qtbot, window: MainWindow, name: str) -> None:
    """A left click on the site's row, then waits for its read (on a worker)."""
    view = window.site_list.view
    index = window.site_list.model.index(window.site_list.model.names().index(name))
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(index).center())
    qtbot.waitUntil(lambda: window.chart.title.text() == f"Hash rate: {name}" and not window.refresher.is_busy())


def settled(qtbot, chart) -> None:
    """Until the plot keeps its size (the window lays out its splitters after it shows)."""
    last: list[object] = [None]

    def same() -> bool:
        QApplication.processEvents()
        now = chart.plot_item.getViewBox().sceneBoundingRect()
        stable, last[0] = now == last[0], now
        return stable

    qtbot.waitUntil(same)


def hover_chart(qtbot, window: MainWindow, day: date) -> None:
    chart = window.chart
    settled(qtbot, chart)
    view = chart.plot_item.getViewBox()
    middle = sum(view.viewRange()[1]) / 2
    scene = view.mapViewToScene(QPointF(to_seconds(day) + 3600, middle))
    at = chart.plot_widget.mapFromScene(scene)
    QTest.mouseMove(chart.plot_widget.viewport(), at + QPoint(3, 0))  # Qt drops a move to where the mouse is
    QTest.mouseMove(chart.plot_widget.viewport(), at)
    qtbot.waitUntil(lambda: chart.readout.text().startswith(day.isoformat()[:6]))  # a pixel spans days


def with_iceland(path: Path) -> None:
    """A third site with a batch ordered, nothing deployed yet."""
    with open_session(path) as session:
        session.fleet.add_site("Iceland", "Iceland")
        session.fleet.add_batch("Iceland", "Antminer S19", 100, "2021-06-01", "2021-09-01", "3000")


def test_a_site_with_nothing_deployed_draws_no_other_sites_area(qtbot, open_main_window, demo_db: Path) -> None:
    with_iceland(demo_db)
    window = open_main_window(demo_db)
    click_site(qtbot, window, "Kazakhstan")
    assert len(window.chart.deployed_fill.getData()[0]) > 1
    click_site(qtbot, window, "Iceland")
    x, _y = window.chart.deployed_fill.getData()
    assert x is None or len(x) == 0  # no deployed area at all
    assert window.chart.series_values()["planned"][1].tolist() == [9500.0]


def test_a_remembered_stacked_view_is_not_painted_behind_one_site(
    qtbot, open_main_window, demo_db: Path, window_settings: WindowSettings
) -> None:
    with open_session(demo_db) as session:
        kazakhstan = session.fleet.site("Kazakhstan").id
    window_settings.set_chart_stacked(True)
    window_settings.set_last_site_id(demo_db.resolve(), kazakhstan)
    window_settings.sync()
    window = open_main_window(demo_db)
    assert window.chart.title.text() == "Hash rate: Kazakhstan"
    assert window.chart._stack_items == []
    assert window.chart.deployed_fill.isVisible()
    assert not window.chart.stacked_box.isChecked() and not window.chart.stacked_box.isEnabled()
    click_site(qtbot, window, "All sites")  # the operator's choice comes back where it applies
    qtbot.waitUntil(lambda: len(window.chart._stack_items) == 1)
    assert window.chart.stacked_box.isChecked() and window.chart.stacked_box.isEnabled()


def test_a_site_without_batches_says_so(qtbot, main_window: MainWindow) -> None:
    click_site(qtbot, main_window, "Kazakhstan")
    click_site(qtbot, main_window, "Texas")
    chart = main_window.chart
    assert chart.empty_label.isVisible()
    assert chart.empty_label.text().startswith("No batches yet at Texas.")
    x, _y = chart.deployed_fill.getData()
    assert x is None or len(x) == 0
    assert not chart.stacked_box.isChecked() and not chart.stacked_box.isEnabled()
    click_site(qtbot, main_window, "Kazakhstan")
    assert not chart.empty_label.isVisible()


def test_the_hover_readout_clears_when_the_mouse_leaves(qtbot, main_window: MainWindow) -> None:
    chart = main_window.chart
    hover_chart(qtbot, main_window, date(2021, 7, 1))
    assert chart.cursor_line.isVisible()
    table = main_window.batch_panel.table.viewport()
    QTest.mouseMove(table, table.rect().center())
    qtbot.waitUntil(lambda: chart.readout.text() == "")
    assert not chart.cursor_line.isVisible()


def test_the_hover_readout_clears_on_a_site_switch_and_a_data_change(qtbot, main_window: MainWindow) -> None:
    chart = main_window.chart
    hover_chart(qtbot, main_window, date(2021, 7, 1))
    click_site(qtbot, main_window, "Kazakhstan")
    assert chart.readout.text() == "" and not chart.cursor_line.isVisible()
    hover_chart(qtbot, main_window, date(2021, 9, 1))  # elsewhere: Qt drops a move to the same point
    main_window.session.fleet.record_event(4, "delivered", 1533, "2021-08-20")
    main_window.session.fleet.record_event(4, "deployed", 1533, "2021-08-25")
    qtbot.waitUntil(lambda: main_window.kpi_tiles.texts()["deployed"] == "226.81 PH/s")
    assert chart.readout.text() == ""


def test_the_default_view_includes_today(main_window: MainWindow) -> None:
    (left, right), _ = main_window.chart.plot_item.getViewBox().viewRange()
    assert left <= to_seconds(date(2021, 5, 6)) and right >= to_seconds(date.today())


def scroll_zoom(window: MainWindow) -> None:
    """A turn of the mouse wheel over the plot: the operator zooms in."""
    viewport = window.chart.plot_widget.viewport()
    centre = QPointF(viewport.rect().center())
    event = QWheelEvent(
        centre, QPointF(viewport.mapToGlobal(centre.toPoint())), QPoint(0, 0), QPoint(0, 480),
        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False,
    )  # fmt: skip
    QApplication.sendEvent(viewport, event)


def test_reset_view_and_ctrl_0_work_on_every_site(qtbot, main_window: MainWindow) -> None:
    view = main_window.chart.plot_item.getViewBox()
    for name in ["All sites", "Kazakhstan", "Texas"]:
        if name != "All sites":
            click_site(qtbot, main_window, name)
        fitted = view.viewRange()
        scroll_zoom(main_window)
        assert not np.allclose(view.viewRange(), fitted)
        main_window.activateWindow()
        QTest.keySequence(main_window, "Ctrl+0")
        assert np.allclose(view.viewRange(), fitted), name
        scroll_zoom(main_window)
        button = main_window.chart.reset_button
        QTest.mouseClick(button, Qt.MouseButton.LeftButton, pos=button.rect().center())
        assert np.allclose(view.viewRange(), fitted), name


def lab_with_an_early_target(path: Path) -> None:
    """An operator's own site: 1,200 S19j Pro this year, a target that fell due early on."""
    today = date.today()
    with open_session(path) as session:
        fleet = session.fleet
        fleet.add_site("Lab")
        on = [(today - timedelta(days=days)).isoformat() for days in (300, 240, 200, 190, 180)]
        batch = fleet.add_batch("Lab", "Antminer S19j Pro", 1200, on[0], on[1], "2000")
        fleet.record_event(batch.id, "shipped", 800, on[2])
        fleet.record_event(batch.id, "delivered", 800, on[3])
        fleet.record_event(batch.id, "deployed", 700, on[4])
        fleet.add_target(110_000, on[1], "Lab")


@pytest.mark.parametrize("fleet", ["demo", "lab"])
def test_the_legend_does_not_cover_the_targets_label(qtbot, open_main_window, demo_db: Path, tmp_path, fleet) -> None:
    path = demo_db
    if fleet == "lab":
        path = tmp_path / "lab.db"
        lab_with_an_early_target(path)
    window = open_main_window(path)
    chart = window.chart
    for size in [(1400, 900), (1024, 640)]:
        window.resize(*size)

        def label_clear() -> bool:
            # The window's layout settles over a few events (the tiles' row takes its compact
            # height after the resize): Reset view once it has, as a person would after resizing.
            QApplication.processEvents()
            chart.reset_view()
            QApplication.processEvents()
            label = chart._target_labels[0]
            return not chart.legend.sceneBoundingRect().intersects(label.sceneBoundingRect())

        qtbot.waitUntil(label_clear, timeout=3000)
        assert "Target" in [label.text for _sample, label in chart.legend.items]


def test_fifty_sites_stack_as_the_top_eight_and_other(qtbot, open_main_window, tmp_path) -> None:
    """Issue #14 item 15: 9 bands in 9 colours, a legend that fits the plot."""
    from desktop.ui.charts.hashrate_chart import OTHER_COLOUR, SITE_COLOURS

    path = tmp_path / "fifty.db"
    with open_session(path) as session:
        fleet = session.fleet
        for n in range(1, 51):
            fleet.add_site(f"Site {n:02d}")
            batch = fleet.add_batch(f"Site {n:02d}", "Antminer S19", n * 10, "2021-01-04", "2021-03-01", "3000")
            fleet.record_event(batch.id, "shipped", n * 10, "2021-01-20")
            fleet.record_event(batch.id, "delivered", n * 10, "2021-02-10")
            fleet.record_event(batch.id, "deployed", n * 10, "2021-02-20")
    window = open_main_window(path)
    window.resize(1400, 1100)  # a chart of a usual height (the books-vs-network panel shares the column)
    qtbot.waitUntil(lambda: window.height() == 1100)
    chart = window.chart
    QTest.mouseClick(chart.stacked_box, Qt.MouseButton.LeftButton, pos=chart.stacked_box.rect().center())
    qtbot.waitUntil(lambda: len(chart._stack_items) == 9)
    labels = [label.text for _sample, label in chart.legend.items if label.text.startswith("Deployed: ")]
    assert labels == [f"Deployed: Site {n:02d}" for n in range(50, 42, -1)] + ["Deployed: Other (42 sites)"]
    colours = [item.opts["pen"].color().name() for item in chart._stack_items]
    assert colours == [*SITE_COLOURS, OTHER_COLOUR] and len(set(colours)) == 9
    assert chart.series_values()["site:Other (42 sites)"][1][-1] == chart.series_values()["deployed"][1][-1]
    assert chart.plot_item.vb.sceneBoundingRect().contains(chart.legend.sceneBoundingRect())
