"""Issue #14 item 6 (part): ids as names, models in natural order, plurals, a window that fits its screen."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from desktop.domain.entities import BatchSnapshot
from desktop.services.session import open_session
from desktop.ui.main_window import MainWindow
from desktop.ui.models.batch_table_model import COLUMN_INDEX


def test_models_sort_in_natural_order_and_ids_have_no_separator(qtbot, open_main_window, demo_db: Path) -> None:
    with open_session(demo_db) as session:  # batch #47213: a big fleet's id
        batch = session.fleet.add_batch("Kazakhstan", "Antminer S21", 10, "2021-08-01", "2021-09-01", "5000")
        session.fleet.delete_batch(batch.id)
        session.fleet.restore_batch(BatchSnapshot(replace(batch, id=47213)))
    window = open_main_window(demo_db)
    panel = window.batch_panel
    assert panel.cell_text(47213, "ID") == "47213"
    header = panel.table.horizontalHeader()
    model_column = COLUMN_INDEX["Model"]
    at = QPoint(header.sectionViewportPosition(model_column) + 8, header.height() // 2)
    QTest.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=at)  # sort by model
    qtbot.waitUntil(lambda: panel.model.sort_column == model_column and not window.refresher.is_busy())
    labels = [panel.cell_text(b, "Model") for b in panel.visible_batch_ids()]
    bitmain = [label for label in labels if label.startswith("Bitmain Antminer S")]
    assert (
        bitmain.index("Bitmain Antminer S9")
        < bitmain.index("Bitmain Antminer S17 Pro")
        < bitmain.index("Bitmain Antminer S21")
    )
    models = [panel.model_filter.itemText(i) for i in range(1, panel.model_filter.count())]
    assert models.index("Bitmain Antminer S9") < models.index("Bitmain Antminer S17 Pro")


def test_the_first_window_fits_the_screen(main_window: MainWindow) -> None:
    room = main_window.screen().availableGeometry()
    assert main_window.width() <= room.width() and main_window.height() <= room.height()
