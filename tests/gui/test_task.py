"""The one helper for work off the UI thread: result, error, progress, cancel, wait at shutdown."""

from __future__ import annotations

import threading

from PySide6.QtCore import QThreadPool

from desktop.errors import HashplanError
from desktop.ui.workers.task import run_task, running_tasks, wait_for_tasks


def test_a_task_reports_its_progress_then_its_result(qtbot) -> None:
    pool, seen, results = QThreadPool(), [], []

    def work(progress, cancel):  # type: ignore[no-untyped-def]
        progress(1, 2)
        progress(2, 2)
        return 42

    run_task(pool, work, "the sum", on_result=results.append, on_progress=lambda d, t: seen.append((d, t)))

    qtbot.waitUntil(lambda: results == [42])
    assert seen == [(1, 2), (2, 2)]


def test_a_failure_comes_back_as_a_sentence(qtbot) -> None:
    pool, errors = QThreadPool(), []

    def refused(progress, cancel):  # type: ignore[no-untyped-def]
        raise HashplanError("the file is open read-only")

    def broken(progress, cancel):  # type: ignore[no-untyped-def]
        raise RuntimeError("disk on fire")

    run_task(pool, refused, "the backup", on_error=errors.append)
    run_task(pool, broken, "the backup", on_error=errors.append)

    qtbot.waitUntil(lambda: len(errors) == 2)
    assert sorted(errors) == ["the backup failed: unexpected RuntimeError: disk on fire", "the file is open read-only"]


def test_a_cancelled_task_ends_and_shutdown_waits_for_it(qtbot) -> None:
    pool, results, started = QThreadPool(), [], threading.Event()

    def until_cancelled(progress, cancel):  # type: ignore[no-untyped-def]
        started.set()
        cancel.wait(10)
        return "stopped" if cancel.is_set() else "timed out"

    task = run_task(pool, until_cancelled, "the export", on_result=results.append)
    assert started.wait(5) and running_tasks() >= 1
    task.cancel.set()

    assert wait_for_tasks(5)
    qtbot.waitUntil(lambda: results == ["stopped"])
