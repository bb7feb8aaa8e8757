"""The loggers of modules that log, and a command line's log set up when something logs.

Importing logging costs ~3 ms of a command-line call (a tenth of `summary`'s): the command
line asks for its log with ``set_up_when_used`` and the first ``logger()`` sets it up, so a
command whose code logs nothing never imports logging. The window sets it up at start.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (a start-up cost)
if TYPE_CHECKING:
    import logging

_asked: list[bool] = []  # the --debug flag of a command line whose log is not set up yet


def set_up_when_used(*, debug: bool) -> None:
    """The log (logging_setup.setup_logging) is set up by the first ``logger()`` call, or now if
    logging is imported already (a module that logs was imported with the command's)."""
    _asked[:] = [debug]
    if "logging" in sys.modules:
        logger(__name__)


def logger(name: str) -> logging.Logger:
    """``logging.getLogger(name)``, the command line's log set up first if it asked for one."""
    import logging

    if _asked:
        from desktop.logging_setup import setup_logging

        setup_logging(debug=_asked.pop())
    return logging.getLogger(name)
