"""The main window on the demo data: what an operator sees, and that it stays right."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import Qt

from desktop import __version__
from desktop.domain.units import format_hashrate, format_mw
from desktop.services.session import open_session
from desktop.ui.app import open_window
from desktop.ui.main_window import MainWindow
from desktop.ui.models.batch_table_model import COLUMN_INDEX, BatchTableModel
from tests.integration.cli_runner import run_cli


def select_site(qtbot, window: MainWindow, name: str) -> None:
    """Clicks a site and waits for its batches and curves (read on a worker)."""
    row = window.site_list.model.names().index(name)
    window.site_list.view.setCurrentIndex(window.site_list.model.index(row))
    qtbot.waitUntil(lambda: window.chart.title.text() == f"Hash rate: {name}" and not window.refresher.is_busy())


def test_demo_shows_sites_batches_and_totals(main_window: MainWindow) -> None:
    assert main_window.site_list.model.names() == ["All sites", "Kazakhstan", "Texas"]
    assert main_window.selected_site_id() is None
    assert main_window.batch_panel.visible_batch_ids() == [1, 2, 3, 4, 5, 6, 7]
    assert main_window.batch_panel.count_label.text() == "7 batches"
    assert main_window.batch_panel.cell_text(7, "Units") == "2,500"
    assert main_window.batch_panel.cell_text(7, "Cost (USD)") == "6,600,000.00"
    assert main_window.batch_panel.cell_text(1, "Deployed") == "1,819"


def test_kpi_tiles_agree_with_summary_json(main_window: MainWindow, demo_db: Path, capsys) -> None:
    result = run_cli(capsys, "--db", str(demo_db), "summary", "--json")
    total = json.loads(result.out)["total"]
    assert main_window.kpi_tiles.texts() == {
        "deployed": format_hashrate(total["deployed_ths"]),
        "planned": format_hashrate(total["planned_ths"]),
        "percent": f"{100 * total['deployed_ths'] / total['planned_ths']:.1f} %",
        "in_transit": f"{total['units']['in_transit']:,}",
        "power": format_mw(total["deployed_power_mw"]),
        "overdue": "4",  # batches 4-7: expected in 2021, not all deployed
    }
    assert main_window.kpi_tiles.texts()["deployed"] == "145.56 PH/s"
    assert main_window.kpi_tiles.texts()["in_transit"] == "4,033"


def test_selecting_a_site_filters_table_tiles_and_chart(qtbot, main_window: MainWindow) -> None:
    select_site(qtbot, main_window, "Texas")
    assert main_window.batch_panel.visible_batch_ids() == []
    assert main_window.kpi_tiles.texts()["planned"] == "0.00 TH/s"
    assert main_window.chart.title.text() == "Hash rate: Texas"
    select_site(qtbot, main_window, "Kazakhstan")
    assert len(main_window.batch_panel.visible_batch_ids()) == 7
    assert main_window.kpi_tiles.tiles["power"].detail_label.text().startswith("of 40.00 MW")
    # the fleet's efficiency as the report's headline has it: 7.86 MW over 145.56 PH/s (#18)
    assert main_window.kpi_tiles.tiles["power"].detail_label.text().endswith("; 54.0 J/TH")


def test_filters_by_stage_model_and_text(qtbot, main_window: MainWindow) -> None:
    panel = main_window.batch_panel  # the window's worker filters (in SQL): the table follows in one step
    panel.stage_filter.setCurrentIndex(panel.stage_filter.findText("With units in transit"))
    qtbot.waitUntil(lambda: panel.visible_batch_ids() == [4, 5, 6])
    assert panel.count_label.text() == "3 of 7 batches"
    panel.stage_filter.setCurrentIndex(0)
    panel.model_filter.setCurrentIndex(panel.model_filter.findText("MicroBT Whatsminer M20S"))
    qtbot.waitUntil(lambda: panel.visible_batch_ids() == [3, 7])
    panel.model_filter.setCurrentIndex(0)
    qtbot.waitUntil(lambda: len(panel.visible_batch_ids()) == 7)
    qtbot.keyClicks(panel.search, "secondary")
    qtbot.waitUntil(lambda: panel.visible_batch_ids() == [6])  # after a pause in the typing
    assert panel.count_label.text() == "1 of 7 batches"


def test_ctrl_f_focuses_the_search(qtbot, main_window: MainWindow) -> None:
    main_window.activateWindow()
    main_window.batch_panel.table.setFocus()
    qtbot.keyClick(main_window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: main_window.batch_panel.search.hasFocus())


def test_tab_moves_from_sites_to_search_filters_table_and_chart(main_window: MainWindow) -> None:
    panel, chart = main_window.batch_panel, main_window.chart
    expected = [panel.search, panel.stage_filter, panel.model_filter, panel.table, chart.stacked_box]
    widget = main_window.site_list.view
    for following in expected:
        widget = widget.nextInFocusChain()
        while widget.focusPolicy() & Qt.FocusPolicy.TabFocus != Qt.FocusPolicy.TabFocus or not widget.isEnabled():
            widget = widget.nextInFocusChain()  # skip what Tab skips (labels, the search's clear button)
        assert widget is following


def test_double_click_on_a_batch_opens_its_edit_dialog(qtbot, main_window: MainWindow) -> None:
    table = main_window.batch_panel.table
    main_window.batch_panel.select_batch(5)
    rect = table.visualRect(table.currentIndex())
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    dialog = main_window.edit_actions.dialog
    assert dialog is not None and dialog.isVisible()
    assert main_window.selected_batch_id() == 5
    dialog.reject()


def test_table_context_menu_offers_the_batch_actions(main_window: MainWindow) -> None:
    texts = [a.text() for a in main_window.batch_panel._context_actions]
    assert texts == [a.text() for a in main_window.edit_actions.batch_context_actions()]
    assert "&Record Event…" in texts


def test_sorting_by_ths_uses_numbers_not_text(qtbot, main_window: MainWindow) -> None:
    main_window.batch_panel.table.sortByColumn(COLUMN_INDEX["TH/s"], Qt.SortOrder.DescendingOrder)
    # As text "170,000.0" would sort last; as numbers: 170,000 > 81,249 > ... > 24,556.5 > 20,250.
    qtbot.waitUntil(lambda: main_window.batch_panel.visible_batch_ids() == [7, 4, 3, 2, 5, 1, 6])


def test_adding_a_batch_updates_window_at_once(qtbot, main_window: MainWindow) -> None:
    fleet = main_window.session.fleet
    before = main_window.chart.series_values()["planned"][1][-1]
    fleet.add_batch("Texas", "Antminer S19j Pro", 300, "2021-08-01", "2021-12-01", "3100")
    qtbot.waitUntil(lambda: len(main_window.batch_panel.visible_batch_ids()) == 8, timeout=5000)
    assert main_window.chart.series_values()["planned"][1][-1] == before + 300 * 100.0
    assert main_window.kpi_tiles.texts()["planned"] == format_hashrate(before + 300 * 100.0)


def test_rows_are_read_a_page_at_a_time_as_the_view_shows_them(qtbot, main_window: MainWindow) -> None:
    panel = main_window.batch_panel
    first = {row.batch.id: row for row in main_window.refresher.snapshot.rows}
    asked: list[list[int]] = []

    def read_rows(ids):
        asked.append(list(ids))
        return [first[i] for i in ids]

    model = BatchTableModel(page_rows=3)  # small pages on the demo's 7 rows
    ids = panel.model.ids
    model.set_selection(ids, [first[int(i)] for i in ids[:3]], 7, read_rows)
    assert model.rowCount() == 7  # every row is there; contents come as the view asks
    assert model.data(model.index(1, COLUMN_INDEX["ID"])) == f"{ids[1]:,}" and asked == []
    assert model.data(model.index(6, COLUMN_INDEX["ID"])) == f"{ids[6]:,}"
    assert asked == [list(ids[6:7])]  # the last page only
    model.data(model.index(6, COLUMN_INDEX["Units"]))
    assert len(asked) == 1  # read once


def test_sorting_or_filtering_asks_the_worker_and_keeps_the_selection(qtbot, main_window: MainWindow) -> None:
    panel = main_window.batch_panel
    panel.select_batch(5)
    with qtbot.waitSignal(panel.model.query_changed):
        panel.table.sortByColumn(COLUMN_INDEX["Supplier"], Qt.SortOrder.AscendingOrder)
    assert main_window.refresher.request.sort == (COLUMN_INDEX["Supplier"], False)
    qtbot.waitUntil(lambda: not main_window.refresher.is_busy())
    suppliers = [panel.cell_text(i, "Supplier") for i in panel.visible_batch_ids()]
    assert suppliers == sorted(suppliers, key=str.casefold)
    assert main_window.selected_batch_id() == 5


def test_window_remembers_geometry_splitters_and_site(qtbot, open_main_window, demo_db: Path, window_settings) -> None:
    window = open_main_window(demo_db)
    window.resize(790, 700)  # the offscreen screen is 800 x 800: restoring clamps to it
    qtbot.waitUntil(lambda: window.main_splitter.width() == window.centralWidget().width() - 24)
    select_site(qtbot, window, "Texas")
    total = sum(window.main_splitter.sizes())
    left = total - window.right_splitter.minimumSizeHint().width() - 10  # neither side at its minimum
    window.main_splitter.setSizes([left, total - left])
    sizes = window.main_splitter.sizes()
    assert sizes[0] == left > window.site_list.minimumWidth()
    window.close()

    again = open_main_window(demo_db, window_settings)
    assert (again.width(), again.height()) == (790, 700)
    qtbot.waitUntil(lambda: again.main_splitter.sizes() == sizes)
    assert again.site_list.model.names()[again.site_list.view.currentIndex().row()] == "Texas"
    assert again.batch_panel.title.text() == "Batches: Texas"


def test_empty_database_offers_the_demo(qtbot, tmp_path: Path, window_settings) -> None:
    asked = []
    window = open_window(tmp_path / "new.db", settings=window_settings, ask=lambda s, p: asked.append(s) or True)
    assert window is not None
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.site_list.model.names() == ["All sites", "Kazakhstan", "Texas"])
    assert len(asked) == 1
    assert window_settings.recent_files() == [(tmp_path / "new.db").resolve()]


def test_start_empty_leaves_the_database_empty(qtbot, tmp_path: Path, window_settings) -> None:
    window = open_window(tmp_path / "empty.db", settings=window_settings, ask=lambda s, p: False)
    assert window is not None
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.site_list.model.names() == ["All sites"])
    assert window.batch_panel.visible_batch_ids() == []


def test_demo_flag_loads_without_asking(qtbot, tmp_path: Path, window_settings) -> None:
    def never(session, parent):
        raise AssertionError("--demo must not ask")

    window = open_window(tmp_path / "d.db", demo=True, settings=window_settings, ask=never)
    assert window is not None
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: len(window.batch_panel.visible_batch_ids()) == 7)


def test_unopenable_file_shows_a_message_not_a_traceback(qtbot, tmp_path: Path, monkeypatch, window_settings) -> None:
    shown = []

    def quit_at_once(dialog) -> int:  # the open-failure dialog (reliability): name, problem, choices
        shown.append(dialog.problem.text())
        return 0  # its choice stays "Quit"

    monkeypatch.setattr("desktop.ui.dialogs.open_failure_dialog.OpenFailureDialog.exec", quit_at_once)
    bad = tmp_path / "notes.db"
    bad.write_text("not a database at all, just some text that is long enough" * 10)
    assert open_window(bad, settings=window_settings) is None
    assert len(shown) == 1 and "notes.db" in shown[0] and "Traceback" not in shown[0]


def test_opening_another_database_replaces_the_window(qtbot, main_window: MainWindow, tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    with open_session(other) as session:
        session.fleet.add_site("Norway", "Norway", "12")
    replacement = main_window.switch_to(other)
    assert replacement is not None and replacement is not main_window
    qtbot.addWidget(replacement)
    qtbot.waitUntil(lambda: replacement.site_list.model.names() == ["All sites", "Norway"])
    assert replacement.session.path == other


def test_planned_load_over_capacity_turns_the_power_tile_red(qtbot, main_window: MainWindow) -> None:
    power = main_window.kpi_tiles.tiles["power"]
    assert not power.warning
    site = main_window.session.store.find_site("Kazakhstan")
    assert site is not None and site.id is not None
    main_window.session.fleet.edit_site(site.id, "Kazakhstan", "Kazakhstan", "20")  # planned load is 23.66 MW
    select_site(qtbot, main_window, "Kazakhstan")
    qtbot.waitUntil(lambda: power.warning)
    assert power.detail_label.text() == "planned load 23.66 MW exceeds 20.00 MW"
    select_site(qtbot, main_window, "Texas")
    assert not power.warning


def test_about_names_the_version_and_the_database(main_window: MainWindow, monkeypatch) -> None:
    shown = []
    monkeypatch.setattr("desktop.ui.main_window.QMessageBox.about", lambda parent, title, text: shown.append(text))
    main_window.about_action.trigger()
    assert __version__ in shown[0] and str(main_window.session.path) in shown[0]


def test_batch_columns_are_wide_enough_for_their_titles_and_texts(main_window: MainWindow) -> None:
    table, model = main_window.batch_panel.table, main_window.batch_panel.model
    metrics, header = table.fontMetrics(), table.horizontalHeader()
    assert model.rowCount() == 7
    for column in range(model.columnCount() - 1):  # the last one stretches to the edge
        texts = [model.data(model.index(row, column)) or "" for row in range(model.rowCount())]
        widest = max(metrics.horizontalAdvance(text) for text in texts)
        assert table.columnWidth(column) > widest, (column, texts)
        assert table.columnWidth(column) >= header.sectionSizeHint(column)  # the title is not cut either
        # the width Qt's own (slower) per-cell measure gives: no text is elided
        assert table.columnWidth(column) == max(table.sizeHintForColumn(column), header.sectionSizeHint(column))
