"""The hash-rate chart: exact curve values, the unit, targets, read-out, zoom and stacking."""

from __future__ import annotations

from datetime import date

import numpy as np
from PySide6.QtCore import QPointF
from PySide6.QtTest import QTest

from desktop.ui.charts.series_math import stack, step_lines, to_seconds
from desktop.ui.main_window import MainWindow


def test_demo_curves_end_at_deployed_and_planned_totals(main_window: MainWindow) -> None:
    values = main_window.chart.series_values()
    assert values["deployed"][1][-1] == 145_556.5
    assert values["planned"][1][-1] == 457_055.5
    assert main_window.chart.unit == "PH/s"
    assert main_window.chart.plot_item.getAxis("left").labelText == "Hash rate (PH/s)"
    # What is drawn is the same curve in PH/s, held flat after the last step.
    x, y = main_window.chart.deployed_item.getData()
    assert y[-1] == 145.5565 and y.max() == 145.5565
    assert np.all(np.diff(x) >= 0)


def test_deployed_steps_sit_on_the_deployment_dates(main_window: MainWindow) -> None:
    chart = main_window.chart
    assert chart.value_on("deployed", date(2021, 6, 14)) == 0
    assert chart.value_on("deployed", date(2021, 6, 15)) == 1200 * 13.5
    assert chart.value_on("deployed", date(2021, 7, 1)) == 1819 * 13.5 + 1000 * 53
    assert chart.value_on("planned", date(2021, 9, 30)) == 457_055.5
    assert chart.value_on("planned", date(2021, 9, 29)) == 457_055.5 - 2500 * 68


def test_partial_deployment_moves_the_deployed_step_at_its_date(qtbot, main_window: MainWindow) -> None:
    fleet, chart = main_window.session.fleet, main_window.chart
    fleet.record_event(4, "delivered", 1533, "2021-08-20")
    fleet.record_event(4, "deployed", 1200, "2021-08-25")
    qtbot.waitUntil(lambda: chart.series_values()["deployed"][1][-1] == 145_556.5 + 1200 * 53, timeout=5000)
    assert chart.value_on("deployed", date(2021, 8, 24)) == 145_556.5
    assert chart.value_on("deployed", date(2021, 8, 25)) == 145_556.5 + 1200 * 53
    assert to_seconds(date(2021, 8, 25)) in chart.series_values()["deployed"][0]
    assert chart.series_values()["planned"][1][-1] == 457_055.5  # the plan did not move
    assert main_window.kpi_tiles.texts()["deployed"] == "209.16 PH/s"


def test_a_new_batch_moves_planned_by_units_times_ths_at_its_expected_date(qtbot, main_window: MainWindow) -> None:
    chart = main_window.chart
    before = chart.series_values()["planned"]
    main_window.session.fleet.add_batch("Kazakhstan", "Antminer S19", 250, "2021-08-01", "2021-10-15", "3000")
    qtbot.waitUntil(lambda: chart.series_values()["planned"][1][-1] != before[1][-1], timeout=5000)
    assert chart.value_on("planned", date(2021, 10, 15)) - chart.value_on("planned", date(2021, 10, 14)) == 250 * 95
    assert chart.series_values()["planned"][1][-1] == before[1][-1] + 250 * 95
    assert chart.series_values()["deployed"][1][-1] == 145_556.5


def test_target_is_marked_at_its_date_and_size(main_window: MainWindow) -> None:
    spots = main_window.chart.target_item.data
    assert len(spots) == 1
    assert spots[0]["x"] == to_seconds(date(2021, 10, 31)) and spots[0]["y"] == 458.0


def test_hover_reads_out_both_values_at_the_cursor_date(qtbot, main_window: MainWindow) -> None:
    chart = main_window.chart
    from tests.gui.test_chart_per_site import settled

    settled(qtbot, chart)
    view = chart.plot_item.getViewBox()
    scene_pos = view.mapViewToScene(QPointF(to_seconds(date(2021, 7, 1)) + 3600, 100))
    QTest.mouseMove(chart.plot_widget.viewport(), chart.plot_widget.mapFromScene(scene_pos))
    qtbot.waitUntil(lambda: chart.readout.text() != "")
    assert chart.cursor_line.isVisible()
    shown = date.fromisoformat(chart.readout.text()[:10])  # the day under the pixel
    assert abs((shown - date(2021, 7, 1)).days) <= 10  # a pixel spans days (the view reaches today)
    assert chart.readout.text() == chart.readout_at(shown)
    # Batches 1 and 2 were due by July 1 and are deployed: both curves read 24,556.5 + 53,000 TH/s.
    assert chart.readout_at(date(2021, 7, 1)) == "2021-07-01   deployed 77.56 PH/s   planned 77.56 PH/s"


def test_zoom_then_reset_view_fits_the_data_again(main_window: MainWindow) -> None:
    chart = main_window.chart
    view = chart.plot_item.getViewBox()
    fitted = view.viewRange()
    view.scaleBy((0.2, 0.2))
    chart._on_manual_range()
    assert view.viewRange() != fitted
    chart.reset_button.click()
    assert np.allclose(view.viewRange(), fitted)


def test_stacked_view_shows_each_site_and_sums_to_the_total(qtbot, main_window: MainWindow) -> None:
    chart = main_window.chart
    chart.stacked_box.setChecked(True)  # every site's curves are read on the worker
    qtbot.waitUntil(lambda: "site:Kazakhstan" in chart.series_values())
    values = chart.series_values()
    assert values["site:Kazakhstan"][1][-1] == 145_556.5
    assert values["site:Texas"][1][-1] == 145_556.5  # Texas adds nothing on top
    assert len(chart._stack_items) == 1  # an empty site draws no band
    assert not chart.deployed_fill.isVisible()  # the bands fill the area under the total
    chart.stacked_box.setChecked(False)
    qtbot.waitUntil(lambda: not chart._stack_items)
    assert chart.deployed_fill.isVisible()
    fill_x, fill_y = chart.deployed_fill.getData()  # the line's points as drawn
    line_x, line_y = chart.deployed_item.curve.getData()
    assert fill_y is not None and len(fill_y) > 1 and fill_y.tolist() == line_y.tolist()
    assert fill_x.tolist() == line_x.tolist()
    assert chart.deployed_fill.opts["fillLevel"] == 0.0 and chart.deployed_fill.opts["pen"] is None
    # the area is drawn under both lines, so it never hides the planned one
    assert chart.deployed_fill.zValue() < chart.planned_item.zValue() < chart.deployed_item.zValue()


def test_small_fleet_reads_in_ths(qtbot, open_main_window, tmp_path) -> None:
    from desktop.services.session import open_session

    path = tmp_path / "tiny.db"
    with open_session(path) as session:
        session.fleet.add_site("Lab")
        batch = session.fleet.add_batch("Lab", "Antminer S9", 2, "2021-01-01", "2021-01-10")
        session.fleet.record_event(batch.id, "shipped", 2, "2021-01-02")
        session.fleet.record_event(batch.id, "delivered", 2, "2021-01-05")
        session.fleet.record_event(batch.id, "deployed", 2, "2021-01-06")
    window = open_main_window(path)
    assert window.chart.unit == "TH/s"
    assert window.chart.series_values()["deployed"][1].tolist() == [27.0]


def test_step_lines_and_stack_arithmetic() -> None:
    x, y = np.array([10.0, 20.0]), np.array([1.0, 3.0])
    xs, ys = step_lines(x, y, 30.0)
    assert xs.tolist() == [10, 10, 20, 20, 30] and ys.tolist() == [0, 1, 1, 3, 3]
    union, layers = stack([(x, y), (np.array([15.0]), np.array([5.0]))])
    assert union.tolist() == [10, 15, 20]
    assert layers[0].tolist() == [1, 1, 3] and layers[1].tolist() == [1, 6, 8]


def test_an_exahash_fleet_reads_in_ehs(qtbot) -> None:
    from dataclasses import replace

    from desktop.services.reports import ChartArrays, CurveArrays
    from desktop.services.snapshot import empty_snapshot
    from desktop.ui.charts.hashrate_chart import HashrateChart

    days = np.array([date(2024, 1, 1).toordinal(), date(2024, 6, 1).toordinal()])
    curve = CurveArrays(days, np.array([800_000.0, 2_400_000.0]))
    chart = HashrateChart()
    qtbot.addWidget(chart)
    chart.set_data(replace(empty_snapshot(), curves=ChartArrays(curve, curve)))
    assert chart.unit == "EH/s"
    assert chart.plot_item.getAxis("left").labelText == "Hash rate (EH/s)"
    assert chart.deployed_item.getData()[1].max() == 2.4


def test_grid_is_drawn_opaque_under_the_curves_in_the_colour_it_shows(main_window: MainWindow) -> None:
    """Opaque grid pens (fast to draw) that look like pyqtgraph's translucent ones over the background."""
    from PySide6.QtGui import QPainter, QPalette, QPicture

    from desktop.ui.charts.axes import flatten

    chart = main_window.chart
    base = chart.palette().color(QPalette.ColorRole.Base)
    left = chart.plot_item.getAxis("left")
    picture = QPicture()
    painter = QPainter(picture)
    _axis, ticks, _texts = left.generateDrawSpecs(painter)
    painter.end()
    grid = [pen for pen, start, end in ticks if abs(start.x() - end.x()) > 100]  # lines across the plot
    assert len(grid) >= 4
    assert all(pen.color().alpha() == 255 for pen, _, _ in ticks)
    translucent = left.tickPen().color()
    translucent.setAlpha(left.grid)  # pyqtgraph's major grid line: the tick pen at the grid's alpha
    assert grid[0].color().rgb() == flatten(translucent, base).rgb() != base.rgb()
    assert left.zValue() < chart.plot_item.getViewBox().zValue()  # the fill and curves cover it


def test_flatten_mixes_a_translucent_colour_over_its_background() -> None:
    from PySide6.QtGui import QColor

    from desktop.ui.charts.axes import flatten

    assert flatten(QColor(0, 0, 0, 51), QColor(255, 255, 255)).getRgb() == (204, 204, 204, 255)
    assert flatten(QColor(200, 100, 0, 255), QColor(0, 0, 0)).getRgb() == (200, 100, 0, 255)
