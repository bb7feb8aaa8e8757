"""File > Back up now, File > Restore from backup..., History...; the daily backup.

Backups and restores run on a QThreadPool thread (a large file takes a second or more),
each through a connection of its own (services/backups.py), so the window's connection
never waits for them; listeners are told on the UI thread afterwards. History's
"bring back" goes on the window's undo stack (``run_change``).
A backup is made when the window opens and, while it stays open, once a day
(checked hourly: BackupService.maybe_daily_backup makes at most one per day).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, QThreadPool, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMessageBox, QWidget

from desktop.errors import NotHashplanFileError
from desktop.services.backups import BackupInfo, RestoreResult
from desktop.services.changes import Change
from desktop.services.session import Session
from desktop.ui.dialogs.history_dialog import HistoryDialog
from desktop.ui.dialogs.restore_dialog import RestoreDialog
from desktop.ui.selection import SelectionContext
from desktop.ui.workers.task import run_task

log = logging.getLogger(__name__)
DAILY_CHECK_MS = 60 * 60 * 1000


class ReliabilityActions(QObject):
    message = Signal(str)  # a sentence for the status bar
    backup_written = Signal(object)  # BackupInfo
    restored = Signal(object)  # RestoreResult: the window clears its undo stack
    failed = Signal(str)
    file_damaged = Signal(str)  # the integrity check deferred from opening failed: a sentence

    def __init__(
        self,
        parent: QWidget,
        session: Session,
        selection: SelectionContext | None = None,
        *,
        daily_check_ms: int = DAILY_CHECK_MS,
        backup_on_open: bool = True,
    ) -> None:
        super().__init__(parent)
        self.parent_widget = parent
        self.session = session
        self.selection = selection
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)  # one backup or restore at a time, in order
        self.run_change: Callable[[Change], None] | None = None  # the window's undo stack (History undelete)
        self.dialog: RestoreDialog | HistoryDialog | None = None

        self.back_up_now = QAction("&Back up now", self)
        self.back_up_now.setStatusTip("Write a checked copy of the database to its backups folder")
        self.back_up_now.triggered.connect(lambda: self.start_backup(manual=True))
        self.restore_from_backup = QAction("&Restore from backup...", self)
        self.restore_from_backup.setStatusTip("Go back to an earlier backup (the current data is backed up first)")
        self.restore_from_backup.triggered.connect(self.open_restore_dialog)
        self.show_history = QAction("&History...", self, shortcut="Ctrl+H")
        self.show_history.setStatusTip("Every change to the selected batch (or all), exportable; undelete a batch")
        self.show_history.triggered.connect(self.open_history)

        self.daily_timer = QTimer(self)
        self.daily_timer.setInterval(daily_check_ms)
        self.daily_timer.timeout.connect(self.daily_backup)
        self.daily_timer.start()
        self.set_session(session)
        if backup_on_open:
            QTimer.singleShot(0, self.daily_backup)

    def actions(self) -> list[QAction]:
        return [self.back_up_now, self.restore_from_backup]

    def set_session(self, session: Session) -> None:
        self.session = session
        self._damage_reported = False
        self.service = session.backups(notify=False)  # listeners are told on the UI thread
        self.restore_from_backup.setEnabled(not session.readonly)

    # -- backups -----------------------------------------------------------------------

    def check_then_back_up(self) -> None:
        """The integrity check opening left for later (if any), then the daily backup, in that order."""
        session = self.session
        if session.check_pending:
            self._run(lambda: _damage_of(session), "the file check", self._checked, loud=False)
        self.daily_backup()

    def _checked(self, damage: str | None) -> None:
        if damage is not None:
            self._report_damage(damage)

    def _report_damage(self, problem: str) -> None:
        """Offers the restore once a session: the opening check and the backup after it both see it."""
        self.message.emit(problem)
        if not self._damage_reported:
            self._damage_reported = True
            self.file_damaged.emit(problem)

    def daily_backup(self) -> None:
        """At most one backup a day, after the weekly full check of the file (both on the worker);
        none while nothing changed since the newest. The status bar says which."""
        if not self.session.readonly:
            service = self.service
            self.message.emit("Daily backup: checking the file and the newest backup...")
            self._run(lambda: _damage_or(service.maybe_daily_backup), "the daily backup", self._daily_done, loud=False)

    def _daily_done(self, info: BackupInfo | _Damage | None) -> None:
        if info is None:
            self.message.emit(self.service.skipped)
            return
        if isinstance(info, BackupInfo):
            self.message.emit(f"Daily backup written: {info.path} ({info.size_bytes / 1e6:,.1f} MB)")
            self.backup_written.emit(info)
            return
        self._backup_done(info)

    def start_backup(self, *, manual: bool = False) -> None:
        self.message.emit("Backing up...")
        service = self.service
        self._run(lambda: _damage_or(service.backup_now), "the backup", self._backup_done)

    def _backup_done(self, info: BackupInfo | _Damage | None) -> None:
        if isinstance(info, _Damage):  # no backup of a damaged file: offer the newest good one
            self._report_damage(info.problem)
            return
        if info is None:
            return  # the daily check found today's backup
        self.message.emit(f"Backed up to {info.path}")
        self.backup_written.emit(info)

    # -- restore -----------------------------------------------------------------------

    def open_restore_dialog(self) -> RestoreDialog:
        dialog = RestoreDialog(self.service.list_backups(), str(self.service.folder), self.parent_widget)
        dialog.accepted.connect(lambda: self._restore_chosen(dialog))
        self.dialog = dialog
        dialog.open()
        return dialog

    def confirm_restore(self, info: BackupInfo) -> bool:
        when = info.taken_at.astimezone().strftime("%Y-%m-%d %H:%M:%S")
        answer = QMessageBox.question(
            self.parent_widget,
            "Restore from backup",
            f"Replace all data in {self.session.path.name} with the backup from {when}?\n\n"
            "The data as it is now is backed up first; other windows on this file will show the restored data.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Yes

    def _restore_chosen(self, dialog: RestoreDialog) -> None:
        info = dialog.chosen()
        if info is not None and self.confirm_restore(info):
            self.restore(info)

    def restore(self, info: BackupInfo) -> None:
        self.message.emit(f"Restoring {info.name}...")
        self._run(lambda: self.service.restore(info), "the restore", self._restore_done)

    def _restore_done(self, result: RestoreResult) -> None:
        self.session.fleet.notify("restore backup")  # views re-read; on the UI thread
        saved = f"; the data before it is in {result.safety_backup.name}" if result.safety_backup else ""
        self.message.emit(f"Restored the backup {result.restored_from.name}{saved}")
        self.restored.emit(result)

    # -- history -----------------------------------------------------------------------

    def open_history(self) -> HistoryDialog:
        batch_id = self.selection.selected_batch_id() if self.selection is not None else None
        dialog = HistoryDialog(self.session, batch_id, self.parent_widget, self.run_change)
        self.dialog = dialog
        dialog.open()
        return dialog

    # -- worker plumbing ---------------------------------------------------------------

    def _run(self, work: Callable[[], Any], what: str, on_done: Callable[[Any], None], *, loud: bool = True) -> None:
        run_task(
            self.pool, lambda progress, cancel: work(), what, on_result=on_done,
            on_error=lambda message: self._failed(message, loud=loud),
        )  # fmt: skip

    def _failed(self, message: str, *, loud: bool) -> None:
        self.message.emit(message)
        self.failed.emit(message)
        if loud:  # the daily backup only tells the status bar (and the log)
            QMessageBox.warning(self.parent_widget, "Backup and restore", message)

    def wait(self) -> None:
        """Blocks until queued backups finish (closing the window, tests)."""
        self.pool.waitForDone()


@dataclass(frozen=True)
class _Damage:
    problem: str  # the sentence naming the file and what is wrong


def _damage_or(work: Callable[[], BackupInfo | None]) -> BackupInfo | _Damage | None:
    """Runs a backup on the worker; a damaged file comes back as _Damage, not as a failure."""
    try:
        return work()
    except NotHashplanFileError as error:
        return _Damage(str(error))


def _damage_of(session: Session) -> str | None:
    """Runs the deferred check on the worker: None when the file is sound, else what is wrong."""
    try:
        session.finish_check()
    except NotHashplanFileError as error:
        return str(error)
    return None
