"""What an import would do (the plan the preview shows) and what it did (the result)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop.domain.entities import Batch
from desktop.domain.short_dates import DateOrder
from desktop.domain.units import plural
from desktop.errors import HashplanError, ImportFileError
from desktop.freeing import free_in_slices
from desktop.services.batch_format import BatchRecord, SiteRow


class ImportCancelled(HashplanError):
    def __init__(self, path: str) -> None:
        super().__init__(f"import of {path} was cancelled: nothing was written")


@dataclass(frozen=True)
class ImportOptions:
    """How to read a file whose header or dates are not Hashplan's own (issue #14 item 10)."""

    mapping: tuple[str, ...] | None = None  # a field (or "" to ignore) per column; None: the names say
    date_order: DateOrder | None = None  # the order of short dates (05/01/2021), when the user gave it
    locale_order: DateOrder | None = None  # the user's locale's, used when the file's dates leave it open


@dataclass
class ImportPlan:
    """A validated file: what would be written, and a preview for the dialog."""

    path: Path
    header: list[str]
    preview: list[list[str]]
    total_rows: int
    problems: list[str] = field(default_factory=list)
    preview_numbers: list[int] = field(default_factory=list)  # spreadsheet row of each preview row
    groups: list[list[BatchRecord]] = field(default_factory=list)  # one list of parts per batch
    new_sites: dict[str, SiteRow] = field(default_factory=dict)
    new_models: dict[str, BatchRecord] = field(default_factory=dict)
    existing: dict[int, Batch] = field(default_factory=dict)
    # Counted once on the worker that made the plan (100,000 groups: ~20 ms of the UI thread).
    creates: int = 0
    updates: int = 0
    rows: int = 0  # rows that make batches (site-only rows and blank rows not counted)
    sheet: str | None = None
    # What the plan was made from: the file's size and time, the database's last change
    # (Store.change_mark). The same stamp later means the plan can be written as it is.
    stamp: tuple[Any, ...] = ()
    options: ImportOptions = field(default_factory=ImportOptions)
    # The header is not Hashplan's: the dialog shows the mapping step, pre-filled with this one.
    mapping: list[str] | None = None
    date_order: DateOrder | None = None  # the order the file's short dates were read in
    # (row, column, text) of a short date that could be read either way, when no date settles it
    date_question: tuple[int, str, str] | None = None

    def release(self) -> None:
        """Frees the checked records a slice at a time (desktop.freeing); nothing is left to write."""
        free_in_slices(self.groups)
        existing = list(self.existing.values())
        self.existing.clear()
        free_in_slices(existing)

    def raise_problems(self) -> None:
        if self.problems:
            raise ImportFileError(str(self.path), self.problems)


@dataclass(frozen=True)
class ImportWritten:
    """What one import wrote: enough for its undo (services/import_undo.py) to take it back."""

    file_stamp: tuple[Any, ...]  # the file's size and modification time when it was imported
    created_ids: tuple[int, ...]
    site_ids: tuple[int, ...]
    model_ids: tuple[int, ...]
    versions: dict[int, int]  # every batch created or updated -> its row version right after
    audit_ids: tuple[int, int]  # the import's audit rows, first and last


@dataclass(frozen=True)
class ImportResult:
    path: Path
    rows: int
    batches_created: int
    batches_updated: int
    sites_created: int
    models_created: int
    dry_run: bool = False
    sheet: str | None = None
    written: ImportWritten | None = field(default=None, repr=False, compare=False)

    def describe(self) -> str:
        verb = "would import" if self.dry_run else "imported"
        text = (
            f"{verb} {plural(self.rows, 'row')} from {self.path.name}: "
            f"{plural(self.batches_created, 'batch', 'batches')} created, {self.batches_updated:,} updated, "
            f"{plural(self.sites_created, 'data center')} and {plural(self.models_created, 'miner model')} added"
        )
        return text + ("; nothing was written (dry run)" if self.dry_run else "")
