"""An import as one undoable change: undo takes back all it wrote, redo imports the file again.

Undo runs in one write transaction that first checks, inside it, that every batch the
import created or updated still has the row version the import left (an edit or an event
recorded since moves it): otherwise it refuses, writes nothing and says which batch.
Redo imports the same file again, if it is unchanged since (same size and time).
"""

from __future__ import annotations

from pathlib import Path

from desktop.errors import ConflictError, ValidationError
from desktop.services.changes import Change
from desktop.services.import_plan import ImportResult, ImportWritten
from desktop.services.importing import import_file
from desktop.services.session import Session
from desktop.store import import_undo


class ImportChange(Change):
    def __init__(self, session: Session, result: ImportResult) -> None:
        super().__init__(session.fleet, f"import {result.path.name}")
        if result.written is None:
            raise ValueError("only a written import can be undone")
        self.session = session
        self.result = result

    @property
    def written(self) -> ImportWritten:
        assert self.result.written is not None
        return self.result.written

    def perform(self) -> None:
        raise RuntimeError("an import is performed by the import itself; push it when it is written")

    def revert(self) -> None:
        store, written = self.session.store, self.written
        with store.write(f"undo import {self.result.path.name}"):
            now = import_undo.batch_versions(store, list(written.versions))
            moved = [i for i, version in written.versions.items() if now.get(i) != version]
            if moved:
                more = f" and {len(moved) - 5:,} more" if len(moved) > 5 else ""
                shown = ", ".join(f"#{i}" for i in moved[:5]) + more
                raise ConflictError(
                    f"batch {shown} was changed elsewhere since the import; undoing would overwrite that change"
                )
            import_undo.take_back(
                store,
                f"undo import {self.result.path.name}",
                created_ids=written.created_ids,
                replaced=import_undo.replaced_batches(store, *written.audit_ids),
                site_ids=written.site_ids,
                model_ids=written.model_ids,
            )
        self.fleet.notify("undo import")

    def reapply(self) -> None:
        path = Path(self.result.path)
        try:
            status = path.stat()
        except OSError:
            raise ValidationError("file", f"{path} is gone; import it again from where it is now") from None
        if (status.st_size, status.st_mtime_ns) != tuple(self.written.file_stamp):
            raise ValidationError("file", f"{path.name} changed since the import; import it again instead")
        self.result = import_file(self.session, path, self.result.sheet)
