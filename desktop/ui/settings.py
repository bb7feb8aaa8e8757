"""What the window remembers between runs (QSettings): geometry, splitters, selection, recent files."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from desktop.server_address import ServerAddress, location

MAX_RECENT = 8


class WindowSettings:
    """Typed access to QSettings; tests pass their own ini-file QSettings."""

    def __init__(self, settings: QSettings | None = None) -> None:
        self.qsettings = settings if settings is not None else QSettings()

    def _bytes(self, key: str) -> QByteArray | None:
        value = self.qsettings.value(key)
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    # -- window --------------------------------------------------------------------------

    def geometry(self) -> QByteArray | None:
        return self._bytes("window/geometry")

    def set_geometry(self, value: QByteArray) -> None:
        self.qsettings.setValue("window/geometry", value)

    def window_state(self) -> QByteArray | None:
        return self._bytes("window/state")

    def set_window_state(self, value: QByteArray) -> None:
        self.qsettings.setValue("window/state", value)

    def splitter_state(self, name: str) -> QByteArray | None:
        return self._bytes(f"splitters/{name}")

    def set_splitter_state(self, name: str, value: QByteArray) -> None:
        self.qsettings.setValue(f"splitters/{name}", value)

    # -- selection and view --------------------------------------------------------------

    def last_site_id(self, db_path: Path) -> int | None:
        """The site last selected in this database (ids mean nothing in another file)."""
        if self.qsettings.value("selection/database") != str(db_path):
            return None
        value = self.qsettings.value("selection/site_id")
        try:
            return int(value) if value not in (None, "", "all") else None
        except (TypeError, ValueError):
            return None

    def set_last_site_id(self, db_path: Path, site_id: int | None) -> None:
        self.qsettings.setValue("selection/database", str(db_path))
        self.qsettings.setValue("selection/site_id", "all" if site_id is None else site_id)

    def chart_stacked(self) -> bool:
        return str(self.qsettings.value("chart/stacked", "false")).lower() == "true"

    def set_chart_stacked(self, stacked: bool) -> None:
        self.qsettings.setValue("chart/stacked", "true" if stacked else "false")

    # -- recent files --------------------------------------------------------------------

    def recent_files(self) -> list[Path]:
        value = self.qsettings.value("files/recent", [])
        items = [value] if isinstance(value, str) else list(value or [])
        return [location(str(item)) for item in items if item][:MAX_RECENT]  # type: ignore[misc]

    def add_recent_file(self, path: Path) -> None:
        if isinstance(path, ServerAddress):  # kept without its password (asked again when needed)
            entry = ServerAddress(path.without_password())
        else:
            entry = Path(path).expanduser().resolve()  # type: ignore[assignment]
        recent = [p for p in self.recent_files() if str(p) != str(entry)]
        self.qsettings.setValue("files/recent", [str(p) for p in [entry, *recent][:MAX_RECENT]])

    def clear_recent_files(self) -> None:
        self.qsettings.setValue("files/recent", [])

    def export_choices(self) -> dict[str, str]:
        """The last export's what / format / folder (item 13: the next export starts from them)."""
        keys = ("what", "format", "folder")
        return {k: str(v) for k in keys if (v := self.qsettings.value(f"export/{k}")) not in (None, "")}

    def set_export_choices(self, what: str, fmt: str, folder: str) -> None:
        for key, value in (("what", what), ("format", fmt), ("folder", folder)):
            self.qsettings.setValue(f"export/{key}", value)

    # -- import (issue #14 items 10 and 13) ----------------------------------------------------

    def import_folder(self) -> str:
        """Where the last imported file was: the next Choose… starts there."""
        return str(self.qsettings.value("import/folder", "") or "")

    def set_import_folder(self, folder: str) -> None:
        self.qsettings.setValue("import/folder", folder)

    def _import_json(self, key: str) -> object:
        try:
            return json.loads(str(self.qsettings.value(key, "") or "null"))
        except ValueError:  # a hand-edited settings file: as if nothing was remembered
            return None

    def import_mapping(self, header_key: str) -> list[str] | None:
        """The column mapping last used for a file with this header set (services.import_mapping)."""
        value = self._import_json(f"import/mapping/{header_key}")
        return [str(v) for v in value] if isinstance(value, list) else None

    def set_import_mapping(self, header_key: str, mapping: list[str]) -> None:
        self.qsettings.setValue(f"import/mapping/{header_key}", json.dumps(mapping))

    def import_date_order(self, header_key: str) -> str | None:
        """The answer to "day/month or month/day?" for files with this header set ('dmy' or 'mdy')."""
        value = self.qsettings.value(f"import/date_order/{header_key}")
        return str(value) if value in ("dmy", "mdy") else None

    def set_import_date_order(self, header_key: str, order: str) -> None:
        self.qsettings.setValue(f"import/date_order/{header_key}", order)

    def sync(self) -> None:
        self.qsettings.sync()
