"""Live refresh: changes from this window at once, from other connections and processes within 2 s."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from desktop.services.session import open_session
from desktop.ui.live_refresh import DataRefresher
from desktop.ui.main_window import MainWindow

REPO = Path(__file__).resolve().parents[2]


def test_a_second_connection_writes_and_the_window_shows_it_within_2_s(qtbot, main_window: MainWindow) -> None:
    path = main_window.session.path
    with open_session(path) as other:
        other.fleet.add_site("Norway", "Norway", "20")
        other.fleet.add_batch("Norway", "Antminer S19 XP", 400, "2021-08-01", "2021-11-01", "4000")
    qtbot.waitUntil(lambda: "Norway" in main_window.site_list.model.names(), timeout=2000)
    qtbot.waitUntil(lambda: len(main_window.batch_panel.visible_batch_ids()) == 8, timeout=2000)
    assert main_window.chart.series_values()["planned"][1][-1] == 457_055.5 + 400 * 140


def test_another_process_records_an_event_and_the_window_shows_it_within_2_s(qtbot, main_window: MainWindow) -> None:
    db = str(main_window.session.path)
    for args in (
        ["record", "delivered", "--batch", "4", "--on", "2021-08-20"],
        ["record", "deployed", "--batch", "4", "--units", "1000", "--on", "2021-08-22"],
    ):
        done = subprocess.run(
            [sys.executable, "-m", "desktop", "--db", db, *args], cwd=REPO, capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 0, done.stderr
    expected = 145_556.5 + 1000 * 53
    qtbot.waitUntil(lambda: main_window.chart.series_values()["deployed"][1][-1] == expected, timeout=2000)
    assert main_window.batch_panel.cell_text(4, "Deployed") == "1,000"
    assert main_window.kpi_tiles.texts()["deployed"] == "198.56 PH/s"


def test_unchanged_data_version_reads_nothing(qtbot, main_window: MainWindow) -> None:
    refresher = main_window.refresher
    loads = []
    refresher.changed.connect(loads.append)
    for _ in range(5):
        refresher._poll()  # what the timer does every 500 ms
    assert not refresher.is_busy() and loads == []


def test_a_change_in_this_process_refreshes_without_waiting_for_the_poll(qtbot, demo_db: Path) -> None:
    with open_session(demo_db) as session:
        refresher = DataRefresher(session, poll_ms=60_000)  # the timer cannot be what refreshes
        try:
            with qtbot.waitSignal(refresher.changed, timeout=2000):
                refresher.refresh()
            with qtbot.waitSignal(refresher.changed, timeout=5000) as blocker:
                session.fleet.add_site("Iceland")
            assert [s.name for s in blocker.args[0].sites] == ["Iceland", "Kazakhstan", "Texas"]
        finally:
            refresher.close()


def test_reads_run_on_a_worker_with_a_busy_indication(qtbot, main_window: MainWindow) -> None:
    refresher = main_window.refresher
    with qtbot.waitSignals([refresher.busy_changed, refresher.changed], timeout=2000):
        main_window.refresh_action.trigger()
    assert refresher._connection._store is not None
    assert refresher._connection._store is not main_window.session.store
    assert refresher._connection._store.readonly
    qtbot.waitUntil(lambda: not main_window.busy_bar.isVisible())


def test_requests_during_a_read_fold_into_one_more_read(qtbot, main_window: MainWindow) -> None:
    refresher = main_window.refresher
    loads = []
    refresher.changed.connect(loads.append)
    for _ in range(5):
        refresher.refresh()
    qtbot.waitUntil(lambda: not refresher.is_busy(), timeout=2000)
    assert 1 <= len(loads) <= 2


def test_a_failed_read_is_reported_and_retried(qtbot, main_window: MainWindow, monkeypatch) -> None:
    from desktop.errors import DatabaseBusyError
    from desktop.services import snapshot

    real = snapshot.build_snapshot
    calls = []

    def flaky(store, request):
        calls.append(request)
        if len(calls) == 1:
            raise DatabaseBusyError("the database is busy (another program is writing)")
        return real(store, request)

    monkeypatch.setattr(snapshot, "build_snapshot", flaky)
    refresher = main_window.refresher
    with qtbot.waitSignal(refresher.failed, timeout=2000) as failed:
        refresher.refresh()
    assert failed.args == ["the database is busy (another program is writing)"]
    with qtbot.waitSignal(refresher.changed, timeout=4000):
        pass  # the retry, on a fresh connection
    assert len(calls) == 2


def test_a_new_selection_cancels_the_read_in_flight(qtbot, demo_db: Path, monkeypatch) -> None:
    from desktop.services import snapshot as snapshot_module
    from desktop.services.snapshot import SnapshotRequest

    real_build = snapshot_module.build_snapshot
    started = []

    def endless_then_real(store, request, at=None):  # the first read never ends unless interrupted
        if not started:
            started.append(request)
            store.conn.execute(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT COUNT(*) FROM n"
            ).fetchall()
        return real_build(store, request, at)

    monkeypatch.setattr(snapshot_module, "build_snapshot", endless_then_real)
    with open_session(demo_db) as session:
        refresher = DataRefresher(session, poll_ms=60_000)
        failures: list[str] = []
        refresher.failed.connect(failures.append)
        try:
            refresher.start(SnapshotRequest())
            qtbot.waitUntil(lambda: bool(started))
            kazakhstan = session.store.find_site("Kazakhstan")
            assert kazakhstan is not None
            with qtbot.waitSignal(refresher.changed, timeout=5000) as shown:
                refresher.set_request(site_id=kazakhstan.id)  # the operator picked a site meanwhile
            assert shown.args[0].site_id == kazakhstan.id and len(shown.args[0].row_ids) == 7
            assert failures == [] and not refresher.is_busy()
        finally:
            refresher.close()
