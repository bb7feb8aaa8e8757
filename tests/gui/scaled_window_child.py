"""The main window in a child process at a given QT_SCALE_FACTOR (issue #14 item 6).

    python -m tests.gui.scaled_window_child SCALE DB_PATH SETTINGS_INI SCREEN_JSON OUT_PNG

The scale factor must be set before QApplication exists, hence a process of its own. The
offscreen screen is described by SCREEN_JSON (a 1920 x 1080 panel: at scale 2 it is 960 x 540
logical pixels, a laptop at 200 %). Grabs the chart to OUT_PNG (the window beside it) and prints one JSON line: the
window's and the screen's sizes, the chart's device pixel ratio, the deployed pen, and how many
device pixels thick the deployed line is where it runs flat (the median over the plot's columns).
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time


def main() -> None:
    scale, db, ini, screen_json, out = sys.argv[1:6]
    os.environ["QT_SCALE_FACTOR"] = scale
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={screen_json}"
    from pathlib import Path

    from PySide6.QtCore import QSettings
    from PySide6.QtGui import QColor
    from PySide6.QtWidgets import QApplication

    from desktop.services.session import open_session
    from desktop.ui.charts.hashrate_chart import DEPLOYED_COLOUR
    from desktop.ui.look import apply_look
    from desktop.ui.main_window import MainWindow
    from desktop.ui.settings import WindowSettings

    app = QApplication([])
    apply_look(app)
    window = MainWindow(open_session(Path(db)), WindowSettings(QSettings(ini, QSettings.Format.IniFormat)))
    window.show()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and (window.refresher.is_busy() or window.site_list.model.rowCount() == 0):
        app.processEvents()
        time.sleep(0.01)
    window.chart.reset_view()
    for _ in range(20):
        app.processEvents()
        time.sleep(0.01)
    window.grab().save(out.replace(".png", "-window.png"))
    pixmap = window.chart.plot_widget.grab()
    pixmap.save(out)
    image = pixmap.toImage()
    target = QColor(DEPLOYED_COLOUR)

    def deployed(x: int, y: int) -> bool:
        c = image.pixelColor(x, y)
        return abs(c.red() - target.red()) + abs(c.green() - target.green()) + abs(c.blue() - target.blue()) < 60

    flat_runs = []
    for x in range(0, image.width(), 3):
        runs, run = [], 0
        for y in range(image.height()):
            if deployed(x, y):
                run += 1
            elif run:
                runs.append(run)
                run = 0
        if runs:
            flat_runs.append(min(runs))
    pen = window.chart.deployed_item.opts["pen"]
    room = window.screen().availableGeometry()
    frame = window.frameGeometry()
    print(
        json.dumps(
            {
                "dpr": pixmap.devicePixelRatio(),
                "window": [window.width(), window.height()],
                "frame": [frame.width(), frame.height()],
                "minimum": [window.minimumSizeHint().width(), window.minimumSizeHint().height()],
                "available": [room.width(), room.height()],
                "pen_width": pen.widthF(),
                "cosmetic": pen.isCosmetic(),
                "line_px": statistics.median(flat_runs) if flat_runs else 0,
                "columns": len(flat_runs),
            }
        ),
        flush=True,
    )
    window.close()


if __name__ == "__main__":
    main()
