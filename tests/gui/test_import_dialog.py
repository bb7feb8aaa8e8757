"""File > Import and Export dialogs, chart export and the File menu actions, driven headless."""

from __future__ import annotations

import csv
from pathlib import Path

import pyqtgraph as pg
import pytest
from PySide6.QtWidgets import QDialog, QWidget

from desktop.services import importing
from desktop.services.batch_format import HEADER
from desktop.services.session import Session
from desktop.ui.charts.chart_export import export_chart
from desktop.ui.dialogs.export_dialog import ExportDialog
from desktop.ui.dialogs.import_dialog import ImportDialog
from desktop.ui.file_transfer_actions import FileTransferActions
from tests.integration.test_hostile_files import HOSTILE
from tests.integration.transfer_helpers import table_fingerprint

ROW = {
    "data_center": "Norway",
    "miner_model": "Antminer S19",
    "units": "1,000",
    "ordered_on": "2021-08-01",
    "expected_on": "2021-10-01",
    "unit_price_usd": "3000",
    "status": "in_transit",
}


def _csv(path: Path, rows: list[dict[str, str]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows([[r.get(c, "") for c in HEADER] for r in rows])
    return path


def _open(qtbot, session: Session, path: Path) -> ImportDialog:  # type: ignore[no-untyped-def]
    dialog = ImportDialog(None, session)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.set_path(path)
    qtbot.waitUntil(lambda: (not dialog.is_busy() and dialog.plan is not None) or "cannot" in dialog.summary.text())
    return dialog


def test_preview_shows_rows_and_import_lands_everything(qtbot, demo_session: Session, tmp_path: Path) -> None:
    dialog = _open(qtbot, demo_session, _csv(tmp_path / "b.csv", [ROW] * 25))
    assert dialog.table.rowCount() == 20 and dialog.table.columnCount() == len(HEADER)
    assert dialog.table.item(0, 1).text() == "Norway"
    assert "25 rows (the first 20 shown): 25 new batches" in dialog.summary.text()
    assert dialog.errors.toPlainText() == ""
    assert dialog.import_button.isEnabled()
    dialog.grab().save(str(tmp_path / "import-dialog.png"))
    refreshed: list[str] = []
    demo_session.fleet.subscribe(refreshed.append)
    with qtbot.waitSignal(dialog.imported, timeout=10000):
        dialog.import_button.click()
    assert dialog.outcome is not None and dialog.outcome.batches_created == 25
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert demo_session.store.count_batches() == 7 + 25
    assert refreshed == ["import"]


def test_errors_are_listed_and_import_stays_disabled(qtbot, demo_session: Session, tmp_path: Path) -> None:
    before = table_fingerprint(demo_session.path)
    bad = [ROW, ROW | {"units": "-4"}, ROW | {"status": "lost"}, ROW | {"miner_model": "Nobody X", "units": "x"}]
    dialog = _open(qtbot, demo_session, _csv(tmp_path / "bad.csv", bad))
    problems = dialog.errors.toPlainText().splitlines()
    assert problems[0] == "row 3, column units: must be more than 0, not -4"
    assert any(p.startswith("row 4, column status: 'lost' is not a status") for p in problems)
    assert any(p.startswith("row 5, column miner_model: 'Nobody X' is not in the catalog") for p in problems)
    assert "4 rows (all shown); 4 problems" in dialog.summary.text()
    assert not dialog.import_button.isEnabled()
    labels = [dialog.table.verticalHeaderItem(r).text() for r in range(dialog.table.rowCount())]
    assert labels == ["2", "3", "4", "5"]  # the spreadsheet's row numbers, as in the problem list
    dialog.start_import()  # refused even when called directly
    assert not dialog.is_busy()
    assert table_fingerprint(demo_session.path) == before
    dialog.grab().save(str(tmp_path / "import-errors.png"))


def test_an_unreadable_file_says_why(qtbot, session: Session, tmp_path: Path) -> None:
    path = tmp_path / "photo.csv"
    path.write_bytes(bytes(range(256)) * 8)
    dialog = _open(qtbot, session, path)
    assert dialog.summary.text() == "This file cannot be imported."
    assert "binary file, not CSV text" in dialog.errors.toPlainText()
    assert not dialog.import_button.isEnabled()


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("deep.json", "row 2: the item is nested too deep"),
        ("index.xlsx", "cell B2: refers to shared string 7 but the workbook has 1"),
    ],
)
def test_a_hostile_file_shows_its_problem_in_the_preview(
    qtbot, session: Session, tmp_path: Path, name: str, expected: str
) -> None:
    if name == "deep.json":
        path = tmp_path / name
        path.write_text("[" * 100_000 + "]" * 100_000)
    else:
        path = HOSTILE[name][0](tmp_path / name)
    dialog = _open(qtbot, session, path)
    assert dialog.summary.text() == "This file cannot be imported."
    assert expected in dialog.errors.toPlainText()
    assert not dialog.import_button.isEnabled()


def test_cancel_during_import_writes_nothing(qtbot, demo_session: Session, tmp_path: Path) -> None:
    dialog = _open(qtbot, demo_session, _csv(tmp_path / "b.csv", [ROW] * 3000))
    before = table_fingerprint(demo_session.path)
    dialog.import_button.click()
    assert dialog.progress.isVisible()
    dialog.reject()  # Cancel while the worker runs: it stops, the dialog stays open
    assert dialog.isVisible()
    qtbot.waitUntil(lambda: not dialog.is_busy(), timeout=10000)
    assert "cancelled: nothing was written" in dialog.summary.text()
    assert table_fingerprint(demo_session.path) == before
    assert dialog.import_button.isEnabled()  # the operator may try again


def test_export_dialog_writes_the_file_in_a_worker(qtbot, demo_session: Session, tmp_path: Path) -> None:
    dialog = ExportDialog(None, demo_session)
    qtbot.addWidget(dialog)
    dialog.show()
    out = tmp_path / "summary.xlsx"
    dialog.set_choices("summary", "xlsx", out)
    assert dialog.export_button.isEnabled()
    dialog.grab().save(str(tmp_path / "export-dialog.png"))
    with qtbot.waitSignal(dialog.exported, timeout=10000):
        dialog.export_button.click()
    assert out.exists() and dialog.outcome is not None and dialog.outcome.rows == 3


def test_export_dialog_failure_is_shown(qtbot, demo_session: Session, tmp_path: Path) -> None:
    dialog = ExportDialog(None, demo_session)
    qtbot.addWidget(dialog)
    dialog.set_choices("batches", "csv", tmp_path / "missing" / "b.csv")
    dialog.export_button.click()
    qtbot.waitUntil(lambda: dialog.worker is None and "cannot write" in dialog.message.text(), timeout=10000)
    assert "does not exist" in dialog.message.text()


@pytest.mark.parametrize("suffix", ["png", "svg"])
def test_chart_exports_to_png_and_svg(qtbot, tmp_path: Path, suffix: str) -> None:
    plot = pg.PlotWidget()
    qtbot.addWidget(plot)
    plot.plot([1, 2, 3], [0, 5, 3])
    plot.resize(400, 300)
    path = export_chart(plot, tmp_path / f"chart.{suffix}")
    data = path.read_bytes()
    assert data.startswith(b"\x89PNG") if suffix == "png" else b"<svg" in data[:400]
    assert [p.name for p in tmp_path.iterdir()] == [f"chart.{suffix}"]  # no temp file left


def test_file_menu_actions_have_shortcuts_and_follow_the_session(qtbot, demo_session: Session, tmp_path) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    plot = pg.PlotWidget()
    qtbot.addWidget(plot)
    actions = FileTransferActions(parent, demo_session, lambda: plot)
    assert actions.import_action.shortcut().toString() == "Ctrl+I"
    assert actions.export_action.shortcut().toString() == "Ctrl+Shift+E"
    dialog = actions.open_import()
    assert isinstance(dialog, ImportDialog) and dialog.session is demo_session
    dialog.reject()
    assert actions.save_chart(str(tmp_path / "c.png"))
    other = Session(demo_session.store, demo_session.fleet, demo_session.queries)
    actions.set_session(other)
    export_dialog = actions.open_export()
    assert export_dialog.session is other
    export_dialog.reject()


def test_main_window_file_menu_imports_and_the_window_refreshes(qtbot, main_window, tmp_path: Path) -> None:
    texts = [a.text() for a in main_window.file_menu.actions()]
    assert {"&Import Batches…", "&Export…", "Export &Chart…"} <= set(texts)
    sites_before = main_window.site_list.model.rowCount()
    dialog = main_window.file_transfer.open_import()
    dialog.set_path(_csv(tmp_path / "b.csv", [ROW]))
    qtbot.waitUntil(lambda: dialog.import_button.isEnabled(), timeout=10000)
    with qtbot.waitSignal(dialog.imported, timeout=10000):
        dialog.import_button.click()
    qtbot.waitUntil(lambda: main_window.site_list.model.rowCount() == sites_before + 1, timeout=10000)


@pytest.mark.parametrize("suffix", ["png", "svg"])
def test_main_window_chart_exports(qtbot, main_window, tmp_path: Path, suffix: str) -> None:
    assert main_window.file_transfer.save_chart(str(tmp_path / f"chart.{suffix}"))
    assert (tmp_path / f"chart.{suffix}").stat().st_size > 1000


def test_import_writes_the_previewed_plan_without_reading_the_file_again(
    qtbot, demo_session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = _open(qtbot, demo_session, _csv(tmp_path / "b.csv", [ROW] * 5))
    reads: list[Path] = []
    read_table = importing.read_table
    monkeypatch.setattr(importing, "read_table", lambda path, sheet: reads.append(path) or read_table(path, sheet))
    with qtbot.waitSignal(dialog.imported, timeout=10000):
        dialog.import_button.click()
    assert reads == []
    assert dialog.outcome is not None and dialog.outcome.batches_created == 5
    assert demo_session.store.count_batches() == 7 + 5


def test_a_file_changed_after_the_preview_is_checked_again(qtbot, demo_session: Session, tmp_path: Path) -> None:
    path = _csv(tmp_path / "b.csv", [ROW] * 5)
    dialog = _open(qtbot, demo_session, path)
    before = table_fingerprint(demo_session.path)
    _csv(path, [*[ROW] * 5, ROW | {"units": "-4"}])  # saved again from the spreadsheet, now with a mistake
    dialog.import_button.click()
    qtbot.waitUntil(lambda: not dialog.is_busy(), timeout=10000)
    assert "row 7, column units: must be more than 0, not -4" in dialog.errors.toPlainText()
    assert dialog.outcome is None and dialog.isVisible()
    assert table_fingerprint(demo_session.path) == before


def test_a_database_changed_after_the_preview_is_read_again(qtbot, demo_session: Session, tmp_path: Path) -> None:
    dialog = _open(qtbot, demo_session, _csv(tmp_path / "b.csv", [ROW] * 5))
    assert "1 new data center," in dialog.summary.text()
    demo_session.fleet.add_site("Norway", "Norway")  # another window adds the file's new site meanwhile
    with qtbot.waitSignal(dialog.imported, timeout=10000):
        dialog.import_button.click()
    assert dialog.outcome is not None and dialog.outcome.batches_created == 5
    assert dialog.outcome.sites_created == 0
    assert [s.name for s in demo_session.store.list_sites()].count("Norway") == 1


def test_a_file_removed_after_the_preview_is_named_and_nothing_is_written(
    qtbot, demo_session: Session, tmp_path: Path
) -> None:
    path = _csv(tmp_path / "b.csv", [ROW] * 5)
    dialog = _open(qtbot, demo_session, path)
    before = table_fingerprint(demo_session.path)
    path.unlink()  # moved away in the file manager meanwhile
    dialog.import_button.click()
    qtbot.waitUntil(lambda: not dialog.is_busy(), timeout=10000)
    assert str(path) in dialog.errors.toPlainText()
    assert dialog.outcome is None and dialog.isVisible()
    assert table_fingerprint(demo_session.path) == before


def test_an_import_is_one_undo_step_in_the_window(qtbot, main_window, tmp_path: Path) -> None:
    from tests.gui.edit_harness import records

    before = records(main_window.session.path)
    dialog = main_window.file_transfer.open_import()
    dialog.set_path(_csv(tmp_path / "b.csv", [ROW] * 3))
    qtbot.waitUntil(lambda: dialog.import_button.isEnabled(), timeout=10000)
    with qtbot.waitSignal(dialog.imported, timeout=10000):
        dialog.import_button.click()
    after = records(main_window.session.path)
    actions = main_window.edit_actions
    assert after != before and actions.undo_stack.count() == 1
    assert actions.undo.text().replace("&", "") == "Undo import b.csv"

    actions.undo.trigger()
    assert records(main_window.session.path) == before
    actions.redo.trigger()
    assert records(main_window.session.path) == after
