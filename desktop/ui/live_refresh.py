"""One place that knows when the data changed and hands every view a fresh snapshot.

Two sources of change:
- this process: FleetService calls us after each commit -> refresh at once;
- other processes (another window, the command line): a QTimer polls SQLite's
  ``PRAGMA data_version`` on the window's connection (cheap, no table read) and
  refreshes only when it moved. On a server database (PostgreSQL) a QSocketNotifier on the
  LISTEN connection's socket wakes it when any client commits (NOTIFY): no polling.
Reads run on a one-thread QThreadPool (workers/task.py) through the read model's own
read-only connection (services/snapshot.py: SnapshotReader);
requests that arrive while a read runs are folded into one follow-up read, and a new
selection (site, the table's filters or sort) cancels the read in flight.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from PySide6.QtCore import QObject, QSocketNotifier, QThreadPool, QTimer, Signal

from desktop.errors import HashplanError
from desktop.services.session import Session
from desktop.services.snapshot import FleetSnapshot, ReadCancelled, SnapshotReader, SnapshotRequest, empty_snapshot
from desktop.ui.workers.task import Task, run_task

log = logging.getLogger(__name__)

POLL_INTERVAL_MS = 500
RETRY_MS = 2000


class DataRefresher(QObject):
    changed = Signal(object)  # FleetSnapshot: every view redraws from it
    busy_changed = Signal(bool)
    failed = Signal(str)

    def __init__(self, session: Session, parent: QObject | None = None, *, poll_ms: int = POLL_INTERVAL_MS) -> None:
        super().__init__(parent)
        self.session = session
        self.request = SnapshotRequest()
        self.snapshot: FleetSnapshot = empty_snapshot()
        self._connection = SnapshotReader(session.path)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._running: Task | None = None
        # The last finished worker stays referenced until the next one finishes: its signal can
        # arrive while its thread is still returning from run(), and dropping the last Python
        # reference then would delete the QRunnable under that thread's feet.
        self._finished: Task | None = None
        self._pending = False
        self._requests = 0
        self._closed = False
        self._last_version = self._data_version()
        session.fleet.subscribe(self._on_commit)
        self._timer = QTimer(self)
        self._timer.setInterval(poll_ms)
        self._timer.timeout.connect(self._poll)
        self._notifier: QSocketNotifier | None = None
        socket = session.change_socket()
        self._listener = session.change_listener()
        if socket is not None:  # a server database: its LISTEN socket says when, no polling
            self._notifier = QSocketNotifier(socket, QSocketNotifier.Type.Read, self)
            self._notifier.activated.connect(self._poll)
        else:
            self._timer.start()

    # -- triggers ------------------------------------------------------------------------

    def start(self, request: SnapshotRequest) -> None:
        """The first read, for what the window shows first."""
        self.request = request
        self.refresh()

    def set_request(self, *, read: bool = True, **changes: object) -> None:
        """Changes what is read (site, curves by site, the table's sort and filters) and reads it
        if it changed: a read in flight for the old request is cancelled, not waited for."""
        request = replace(self.request, **changes)
        if request != self.request:
            self.request = request
            if read:
                if self._running is not None:
                    self._connection.cancel()
                self.refresh()

    def refresh(self) -> None:
        """Read everything again (now, or right after the read in flight)."""
        if self._closed:
            return
        if self._running is not None:
            self._pending = True
            return
        self._requests += 1
        reader, request = self._connection, self.request

        def read(progress: object, cancel: object) -> FleetSnapshot | None:
            try:
                return reader.read(request)
            except ReadCancelled:
                return None  # a newer request stopped it: _on_loaded reads that one
            except BaseException:
                reader.close()  # reopen next time: the file may have been replaced
                raise

        self.busy_changed.emit(True)
        self._running = run_task(  # held until the next one finished (see _finish)
            self._pool, read, "reading the database", on_result=self._on_loaded, on_error=self._on_failed
        )

    def is_busy(self) -> bool:
        return self._running is not None or self._pending

    def _on_commit(self, action: str) -> None:
        self._last_version = self._data_version()
        self.refresh()

    def _poll(self) -> None:
        version = self._data_version()
        if self._notifier is not None:
            self._follow_listener()
        if version != self._last_version:
            self._last_version = version
            log.debug("data_version moved to %s: another process wrote", version)
            self.refresh()

    def _follow_listener(self) -> None:
        """A server's listening connection that was lost is replaced (data_version): watch the
        new socket; while none can be made, poll like a file until it can."""
        try:
            socket, listener = self.session.change_socket(), self.session.change_listener()
        except HashplanError:
            socket = listener = None
        assert self._notifier is not None
        if listener is self._listener:
            return
        self._listener = listener
        self._notifier.setEnabled(False)
        self._notifier.deleteLater()
        self._notifier = None
        if socket is None:
            self._timer.start()
            return
        self._notifier = QSocketNotifier(socket, QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._poll)

    def _data_version(self) -> int:
        try:
            return self.session.data_version()
        except HashplanError:
            return self._last_version if hasattr(self, "_last_version") else 0
        except Exception:  # a closed connection while shutting down
            return getattr(self, "_last_version", 0)

    # -- results -------------------------------------------------------------------------

    def _finish(self) -> None:
        self._finished, self._running = self._running, None
        if self._pending and not self._closed:
            self._pending = False
            self.refresh()
        else:
            self.busy_changed.emit(False)

    def _on_loaded(self, snapshot: FleetSnapshot | None) -> None:
        if self._closed:
            return
        if snapshot is None:  # cancelled by a newer request
            self._finish()
            return
        stale = self._pending and snapshot.request != self.request  # the selection moved on
        self._finish()
        if stale:
            return
        self.snapshot = snapshot
        self.changed.emit(snapshot)

    def _on_failed(self, message: str) -> None:
        if self._closed:
            return
        self._finish()
        self.failed.emit(message)
        QTimer.singleShot(RETRY_MS, self, self.refresh)  # busy or replaced file: try again on a new connection

    def close(self) -> None:
        """Stops polling, waits for a read in flight, closes the read connection."""
        if self._closed:
            return
        self._closed = True
        self._timer.stop()
        if self._notifier is not None:
            self._notifier.setEnabled(False)
        self.session.fleet.unsubscribe(self._on_commit)
        if self._running is not None:
            self._connection.cancel()  # no need to finish a read nobody will see
        self._pool.waitForDone()
        self._connection.close()
