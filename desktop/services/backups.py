"""BackupService: back up, list and restore the open database (CLI and GUI share it)."""

from __future__ import annotations

import json
import os
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from desktop.errors import DatabaseError, NotHashplanFileError, ValidationError
from desktop.logs import logger
from desktop.paths import backups_dir
from desktop.private_files import create_private_file
from desktop.services.fleet import FleetService
from desktop.store import Store
from desktop.store import backup as backups
from desktop.store.backup import BackupInfo

__all__ = ["BackupInfo", "BackupService", "RestoreResult", "list_backups_of", "newest_good_backup_of"]
log = logger(__name__)
FULL_CHECK_EVERY = timedelta(days=7)
FULL_CHECK_MARKER = ".full-check"
CONTENT_MARKER = ".newest-content"  # JSON: the newest backup's name and the content it holds


@dataclass(frozen=True)
class RestoreResult:
    restored_from: BackupInfo
    safety_backup: BackupInfo | None  # the content just before the restore
    set_aside: Path | None = None  # an unopenable file moved out of the way


def find_backup(db_path: Path, ref: str | BackupInfo) -> BackupInfo:
    """A backup given as a BackupInfo or as one of the names ``hashplan backups`` lists.

    Never a path: ``restore ../../b/other.db`` replaced the live data with another file.
    """
    if isinstance(ref, BackupInfo):
        return ref
    text = str(ref).strip()
    if not text:
        raise ValidationError("backup", "name a backup (see `hashplan backups`) or use --newest")
    if any(sep and sep in text for sep in ("/", "\\", os.sep, os.altsep)) or text in (".", ".."):
        raise ValidationError(
            "backup", f"'{text}' is a path; give one of the names `hashplan backups` lists (the backups folder only)"
        )
    for info in backups.list_backups(db_path):
        if info.name == text:
            return info
    raise ValidationError("backup", f"no backup named '{text}' in {backups_dir(db_path)} (see `hashplan backups`)")


def list_backups_of(db_path: Path) -> list[BackupInfo]:
    """The backups of ``db_path``, newest first (no session needed: the file may not open)."""
    return backups.list_backups(db_path)


def newest_good_backup_of(db_path: Path) -> BackupInfo | None:
    """The newest backup that passes its check (damaged ones are skipped and logged)."""
    for info in backups.list_backups(db_path):
        try:
            backups.verify_backup(info.path)
        except NotHashplanFileError as error:
            log.warning("skipping backup: %s", error)
            continue
        return info
    return None


def restore_unopenable(db_path: Path, ref: str | BackupInfo | None = None) -> RestoreResult:
    """Restores a file that cannot be opened (damaged): no session needed.

    The damaged file is kept in backups/<stem>/damaged/ rather than deleted."""
    info = newest_good_backup_of(db_path) if ref is None else find_backup(db_path, ref)
    if info is None:
        raise DatabaseError(f"there is no good backup of {db_path} in {backups_dir(db_path)}")
    aside = backups.restore_file(db_path, info.path)
    log.warning("restored %s from %s; the old file was kept as %s", db_path, info.path, aside)
    return RestoreResult(info, None, aside)


class BackupService:
    def __init__(self, store: Store, fleet: FleetService | None = None) -> None:
        self.store = store
        self.fleet = fleet
        self.skipped = ""  # why the last maybe_daily_backup wrote nothing (for the status bar)

    @property
    def folder(self) -> Path:
        return backups_dir(self.store.path)

    def backup_now(self, *, tag: str = "", now: datetime | None = None, rotate: bool = True) -> BackupInfo:
        """Writes a backup through a connection of its own (VACUUM INTO reads a snapshot in WAL
        mode): the window's connection stays free, so its 500 ms data_version poll and its
        reads never wait for a backup (on the 1M-event fleet they waited 0.7-2 s)."""
        self.store.finish_check()  # a damaged file never becomes a backup (the check runs once)
        with Store.open(self.store.path, readonly=self.store.readonly, verify=False) as own:
            content = backups.content_fingerprint(own)  # before: a write meanwhile only makes it older
            info = backups.create_backup(own, tag=tag, now=now, rotate_after=rotate)
        log.info("backup written: %s (%d bytes)", info.path, info.size_bytes)
        if content is not None:
            self._remember_content(info, content)
        return info

    def _marker(self) -> Path:
        return backups.private_backups_folder(self.store.path) / CONTENT_MARKER

    def _remember_content(self, info: BackupInfo, content: str) -> None:
        marker = self._marker()
        with suppress(OSError):
            with suppress(FileExistsError):
                create_private_file(marker)
            marker.write_text(json.dumps({"backup": info.name, "content": content}), encoding="utf-8")

    def unchanged_since(self, newest: BackupInfo) -> bool:
        """The file holds what ``newest`` holds (by the fingerprint taken when it was written)."""
        try:
            remembered = json.loads(self._marker().read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return False
        if not isinstance(remembered, dict) or remembered.get("backup") != newest.name:
            return False
        now = backups.content_fingerprint(self.store)
        return now is not None and remembered.get("content") == now

    def list_backups(self) -> list[BackupInfo]:
        return backups.list_backups(self.store.path)

    def newest_good_backup(self) -> BackupInfo | None:
        return newest_good_backup_of(self.store.path)

    def maybe_full_check(self, now: datetime | None = None) -> bool:
        """The complete integrity_check of the live file once a week (True when it ran).

        Opening runs only quick_check, which misses damage inside index pages; this finds it
        and raises NotHashplanFileError (the window then offers the newest good backup).
        The time of the last passed check is the mtime of backups/<stem>/.full-check (0600).
        """
        when = now or datetime.now(timezone.utc)
        if self.store.dialect != "sqlite":  # a server checks its own pages
            return False
        marker = backups.private_backups_folder(self.store.path) / FULL_CHECK_MARKER
        with suppress(OSError):
            if when.timestamp() - marker.stat().st_mtime < FULL_CHECK_EVERY.total_seconds():
                return False
        backups.full_check(self.store.path)
        with suppress(FileExistsError):
            create_private_file(marker)
        os.utime(marker, (when.timestamp(), when.timestamp()))
        log.info("full integrity check passed: %s", self.store.path)
        return True

    def maybe_daily_backup(self, now: datetime | None = None) -> BackupInfo | None:
        """Backs up unless a backup from today (UTC) exists: called on open and hourly while running.
        The weekly full check runs first: a damaged file raises NotHashplanFileError."""
        when = now or datetime.now(timezone.utc)
        if self.store.readonly:  # a read-only file cannot change, and its folder may refuse writes
            return None
        self.maybe_full_check(when)
        existing = self.list_backups()
        if existing and existing[0].day >= when.date():
            self.skipped = f"Daily backup: today's is there already ({existing[0].name})"
            return None
        if existing and self.unchanged_since(existing[0]):
            # A 120 MB file opened every day is not copied again while nothing changed (issue #14 item 11).
            taken = existing[0].taken_at.astimezone().strftime("%Y-%m-%d %H:%M")
            self.skipped = f"Daily backup skipped: nothing changed since the newest backup ({taken})"
            return None
        self.skipped = ""
        return self.backup_now(now=when)

    def restore(self, ref: str | BackupInfo, *, now: datetime | None = None) -> RestoreResult:
        """Backs up the current content, then replaces it with the chosen backup's."""
        if self.store.readonly:
            raise DatabaseError(f"{self.store.path} is open read-only; it cannot be restored over")
        info = find_backup(self.store.path, ref)
        backups.verify_backup(info.path)
        # Rotation waits until after the restore: it could otherwise drop the chosen backup.
        safety = self.backup_now(tag="before-restore", now=now, rotate=False)
        # Its own connection too (a worker runs restores): the window's stays the UI thread's.
        with Store.open(self.store.path, verify=False) as own:
            backups.restore_into(own, info.path)
            with own.write(f"restore from backup {info.name}"):
                own.audit_note("database", {"restored_from": str(info.path), "previous_saved_as": str(safety.path)})
        backups.rotate(self.store.path, now=now)
        log.warning("restored %s from %s (previous content saved as %s)", self.store.path, info.path, safety.path)
        if self.fleet is not None:
            self.fleet.notify("restore backup")
        return RestoreResult(info, safety)
