"""The undo stack's adapter: a QUndoCommand over one service Change (desktop/services/changes.py).

The change itself (and its checks inside each write) lives in the services; this only
maps Qt's redo/undo onto perform/reapply/revert. ``execute`` performs the change before
pushing it: if the service refuses, nothing is pushed and the error goes to the caller.
If a later undo or redo is refused (another window changed the records meanwhile), the
error is reported and the command leaves the stack rather than pretending it worked.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtGui import QUndoCommand, QUndoStack

from desktop.errors import HashplanError
from desktop.services.changes import Change

log = logging.getLogger(__name__)
ErrorHandler = Callable[[str, HashplanError], None]


class ChangeCommand(QUndoCommand):
    def __init__(self, change: Change, on_error: ErrorHandler | None = None) -> None:
        super().__init__(change.text)
        self.change = change
        self.on_error = on_error
        self._pushing = True  # pushed after perform(): Qt's first redo() is that change, done already

    def redo(self) -> None:
        if self._pushing:
            self._pushing = False
            return
        self._guard("Redo", self.change.reapply)

    def undo(self) -> None:
        self._guard("Undo", self.change.revert)

    def _guard(self, verb: str, step: Callable[[], None]) -> None:
        try:
            step()
        except HashplanError as error:
            log.warning("%s of '%s' refused: %s", verb.lower(), self.text(), error)
            self._drop(verb, error)
        except Exception as error:  # never a traceback in the user's face
            log.exception("%s of '%s' failed", verb.lower(), self.text())
            self._drop(verb, HashplanError(f"unexpected {type(error).__name__}; the log file has the details"))
        else:
            self.setText(self.change.text)

    def _drop(self, verb: str, error: HashplanError) -> None:
        self.setObsolete(True)  # QUndoStack drops it: the records no longer match it
        if self.on_error is not None:
            self.on_error(f"{verb} {self.text()}", error)


def execute(stack: QUndoStack, change: Change, on_error: ErrorHandler | None = None) -> None:
    """Performs the change and pushes it; a refusal raises and pushes nothing."""
    change.perform()
    push_done(stack, change, on_error)


def push_done(stack: QUndoStack, change: Change, on_error: ErrorHandler | None = None) -> None:
    """Pushes a change already performed elsewhere (an import, written on its worker)."""
    stack.push(ChangeCommand(change, on_error))
