"""File > Export while the worker streams the rows: progress shown, Cancel leaves no file."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from desktop.services import exporting
from desktop.services.session import Session
from desktop.ui.dialogs.export_dialog import ExportDialog


def test_cancel_during_export_writes_no_file_and_says_so(
    qtbot, demo_session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started, release = threading.Event(), threading.Event()
    report = exporting._Pace.report

    def held_report(pace: exporting._Pace, done: int, *, can_cancel: bool = True) -> None:
        if not started.is_set():  # the worker waits at its first step until the test has pressed Cancel
            started.set()
            assert release.wait(10)
        report(pace, done, can_cancel=can_cancel)

    monkeypatch.setattr(exporting._Pace, "report", held_report)
    dialog = ExportDialog(None, demo_session)
    qtbot.addWidget(dialog)
    dialog.show()
    out = tmp_path / "out" / "b.csv"
    out.parent.mkdir()
    dialog.set_choices("batches", "csv", out)
    dialog.export_button.click()
    assert started.wait(10) and dialog.progress.isVisible() and not dialog.export_button.isEnabled()
    dialog.reject()  # Cancel while the worker runs: it stops, the dialog stays open
    assert dialog.isVisible() and "no file will be written" in dialog.message.text()
    release.set()
    qtbot.waitUntil(lambda: dialog.worker is None, timeout=5000)
    assert dialog.message.text() == "export cancelled: no file was written"
    assert list(out.parent.iterdir()) == []
    assert dialog.export_button.isEnabled() and dialog.outcome is None
    dialog.grab().save(str(tmp_path / "export-cancelled.png"))


def test_progress_bar_follows_the_rows_and_the_file_is_whole(qtbot, demo_session: Session, tmp_path: Path) -> None:
    dialog = ExportDialog(None, demo_session)
    qtbot.addWidget(dialog)
    values: list[int] = []
    dialog.progress.valueChanged.connect(values.append)
    out = tmp_path / "b.json"
    dialog.set_choices("batches", "json", out)
    with qtbot.waitSignal(dialog.exported, timeout=5000):
        dialog.export_button.click()
    assert dialog.outcome is not None and dialog.outcome.rows == 8  # 7 batch rows + Texas (no batches)
    assert values == sorted(values) and values[-1] == dialog.progress.maximum()
    assert out.read_text(encoding="utf-8").startswith('[\n {\n  "id": 1,')
