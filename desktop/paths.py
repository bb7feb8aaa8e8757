"""Where data lives: the database in the user's data folder unless told otherwise."""

from __future__ import annotations

import os
import re
from pathlib import Path

from desktop.server_address import ServerAddress, location

APP_NAME = "Hashplan"
DB_ENV = "HASHPLAN_DB"


def data_dir() -> Path:
    import platformdirs  # here, not at the top: `hashplan --db F summary` never needs it

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def state_dir() -> Path:
    """Small files the app keeps about the user's databases (the seals of checked files)."""
    import platformdirs

    return Path(platformdirs.user_state_dir(APP_NAME, appauthor=False))


def log_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


def default_db_path() -> Path:
    """``$HASHPLAN_DB`` if set, else hashplan.db in the user's data folder."""
    override = os.environ.get(DB_ENV, "").strip()
    if override:
        return _location(override)  # type: ignore[return-value]
    return data_dir() / "hashplan.db"


def _location(text: str) -> Path | ServerAddress:
    return location(text)  # postgresql://...: a shared server database (store/pg); else a file


def resolve_db_path(cli_value: str | None) -> Path:
    """``--db`` beats ``$HASHPLAN_DB`` beats the default. A ``postgresql://`` URL gives a
    ServerAddress, which opens like a path (Store.open, open_session) but is no file."""
    return _location(cli_value) if cli_value else default_db_path()  # type: ignore[return-value]


def backups_dir(db_path: Path) -> Path:
    """Backups sit beside the data, in a folder named after the file; a server database's in
    the user's data folder, named after its host and database."""
    if isinstance(db_path, ServerAddress):
        name = re.sub(r"[^A-Za-z0-9._-]+", "_", f"{db_path.host}-{db_path.name}").strip("_")
        return data_dir() / "backups" / f"server-{name}"
    return db_path.parent / "backups" / db_path.stem
