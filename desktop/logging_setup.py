"""Logging to a file in the user's log folder (never print debugging)."""

from __future__ import annotations

import logging
import os

from desktop.paths import log_dir
from desktop.private_files import FOLDER_MODE, PrivateRotatingFileHandler


def setup_logging(*, debug: bool = False) -> None:
    root = logging.getLogger()
    if any(getattr(h, "_hashplan", False) for h in root.handlers):
        return
    root.setLevel(logging.DEBUG if debug else logging.INFO)
    try:
        folder = log_dir()
        folder.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
        if os.name != "nt":
            folder.chmod(FOLDER_MODE)  # the log tells what the fleet holds: the user's only
        handler: logging.Handler = PrivateRotatingFileHandler(
            folder / "hashplan.log", maxBytes=2_000_000, backupCount=3, encoding="utf-8"
        )
    except OSError:
        handler = logging.NullHandler()  # a read-only home must not stop the app
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler._hashplan = True  # type: ignore[attr-defined]
    root.addHandler(handler)
