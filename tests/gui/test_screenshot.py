"""The README's screenshots: the main window on the demo data at 1400 x 900 (light and dark)
and at 1024 x 640 (issue #14 items 6, 14 and 16).

With HASHPLAN_SCREENSHOT=1 they are written to resources/screenshots/; otherwise to the
test's temporary folder (the same windows are still checked). The database lies at
~/hashplan-demo.db (HOME points into the test's folder): the status bar shows the demo's own
path, not a temporary one.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtGui import QImage, QPalette
from PySide6.QtWidgets import QApplication

from desktop.resources import resource_path
from desktop.services.demo import load_demo
from desktop.services.session import open_session
from desktop.ui.look import dark_palette, style_sheet
from desktop.ui.main_window import MainWindow


def _target(tmp_path: Path, name: str) -> Path:
    if os.environ.get("HASHPLAN_SCREENSHOT") == "1":
        return resource_path("screenshots", name)
    return tmp_path / name


@pytest.fixture
def demo_window(qtbot, open_main_window, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> MainWindow:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    path = home / "hashplan-demo.db"
    with open_session(path) as session:
        load_demo(session)
    return open_main_window(path)


def _shoot(qtbot, window: MainWindow, size: tuple[int, int], target: Path) -> QImage:
    window.resize(*size)
    qtbot.waitUntil(lambda: (window.width(), window.height()) == size)
    window.batch_panel.select_batch(4)
    window.chart.reset_view()
    QApplication.processEvents()
    target.parent.mkdir(parents=True, exist_ok=True)
    assert window.grab().save(str(target))
    return QImage(str(target))


def test_main_window_screenshot_on_demo_data(qtbot, demo_window: MainWindow, tmp_path: Path) -> None:
    image = _shoot(qtbot, demo_window, (1400, 900), _target(tmp_path, "main-window.png"))
    assert (image.width(), image.height()) == (1400, 900)
    assert demo_window.path_label.text() == "~/hashplan-demo.db"
    assert demo_window.site_list.model.names() == ["All sites", "Kazakhstan", "Texas"]
    assert len(demo_window.batch_panel.visible_batch_ids()) == 7
    assert demo_window.chart.series_values()["deployed"][1][-1] == 145_556.5


def test_dark_screenshot_follows_the_palette(qtbot, demo_window: MainWindow, tmp_path: Path) -> None:
    app = QApplication.instance()
    light = QPalette(app.palette())
    try:
        app.setPalette(dark_palette())  # what apply_look does when the system turns dark
        app.setStyleSheet(style_sheet(dark_palette()))
        image = _shoot(qtbot, demo_window, (1400, 900), _target(tmp_path, "main-window-dark.png"))
        chart_base = demo_window.chart.plot_widget.backgroundBrush().color()
        assert chart_base == dark_palette().color(QPalette.ColorRole.Base)  # the chart follows too
        assert image.pixelColor(5, image.height() - 5).lightness() < 100
    finally:
        app.setPalette(light)
        app.setStyleSheet(style_sheet(light))


def test_small_window_screenshot(qtbot, demo_window: MainWindow, tmp_path: Path) -> None:
    image = _shoot(qtbot, demo_window, (1024, 640), _target(tmp_path, "main-window-1024x640.png"))
    assert (image.width(), image.height()) == (1024, 640)
    tiles = demo_window.kpi_tiles.tiles
    assert all(tile.isVisible() and tile.width() >= tile.minimumWidth() for tile in tiles.values())
