"""The README's screenshot: the main window on the demo data at 1400 x 900.

With HASHPLAN_SCREENSHOT=1 it is written to resources/screenshots/main-window.png;
otherwise to the test's temporary folder (the same window is still checked).
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtGui import QImage

from desktop.resources import resource_path
from desktop.ui.main_window import MainWindow


def test_main_window_screenshot_on_demo_data(qtbot, main_window: MainWindow, tmp_path: Path) -> None:
    main_window.resize(1400, 900)
    qtbot.waitUntil(lambda: main_window.width() == 1400)
    main_window.batch_panel.select_batch(4)
    main_window.chart.reset_view()
    target = (
        resource_path("screenshots", "main-window.png")
        if os.environ.get("HASHPLAN_SCREENSHOT") == "1"
        else tmp_path / "main-window.png"
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    assert main_window.grab().save(str(target))

    image = QImage(str(target))
    assert (image.width(), image.height()) == (1400, 900)
    assert main_window.site_list.model.names() == ["All sites", "Kazakhstan", "Texas"]
    assert len(main_window.batch_panel.visible_batch_ids()) == 7
    assert main_window.chart.series_values()["deployed"][1][-1] == 145_556.5
