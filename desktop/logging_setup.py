"""Logging to a file in the user's log folder (never print debugging)."""

from __future__ import annotations

import logging
import logging.handlers

from desktop.paths import log_dir


def setup_logging(*, debug: bool = False) -> None:
    root = logging.getLogger()
    if any(getattr(h, "_hashplan", False) for h in root.handlers):
        return
    root.setLevel(logging.DEBUG if debug else logging.INFO)
    try:
        folder = log_dir()
        folder.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.handlers.RotatingFileHandler(
            folder / "hashplan.log", maxBytes=2_000_000, backupCount=3, encoding="utf-8"
        )
    except OSError:
        handler = logging.NullHandler()  # a read-only home must not stop the app
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler._hashplan = True  # type: ignore[attr-defined]
    root.addHandler(handler)
