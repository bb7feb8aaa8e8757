"""Logging to a file in the user's log folder (never print debugging).

The file (and the rotating handler's module, which imports socket and pickle) is set up on
the first record, not at start: most command-line calls log nothing and start faster for it.
"""

from __future__ import annotations

import logging
import os
import threading

_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class _LogFileOnFirstRecord(logging.Handler):
    """Opens the private, rotating log file when the first record arrives."""

    def __init__(self) -> None:
        super().__init__()
        self._target: logging.Handler | None = None
        self._opening = threading.Lock()
        self._hashplan = True

    def _open(self) -> logging.Handler:
        from desktop.paths import log_dir
        from desktop.private_files import FOLDER_MODE, PrivateRotatingFileHandler

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
        handler.setFormatter(logging.Formatter(_FORMAT))
        return handler

    def emit(self, record: logging.LogRecord) -> None:
        if self._target is None:
            with self._opening:
                if self._target is None:
                    self._target = self._open()
        self._target.handle(record)

    def close(self) -> None:
        if self._target is not None:
            self._target.close()
        super().close()


def setup_logging(*, debug: bool = False) -> None:
    root = logging.getLogger()
    if any(getattr(h, "_hashplan", False) for h in root.handlers):
        return
    root.setLevel(logging.DEBUG if debug else logging.INFO)
    root.addHandler(_LogFileOnFirstRecord())
