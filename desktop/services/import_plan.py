"""What an import would do (the plan the preview shows) and what it did (the result)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from desktop.domain.entities import Batch
from desktop.errors import HashplanError, ImportFileError
from desktop.services.batch_format import BatchRecord, SiteRow


class ImportCancelled(HashplanError):
    def __init__(self, path: str) -> None:
        super().__init__(f"import of {path} was cancelled: nothing was written")


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

    @property
    def updates(self) -> int:
        return sum(1 for g in self.groups if g[0].batch_id in self.existing)

    @property
    def creates(self) -> int:
        return len(self.groups) - self.updates

    def raise_problems(self) -> None:
        if self.problems:
            raise ImportFileError(str(self.path), self.problems)


@dataclass(frozen=True)
class ImportResult:
    path: Path
    rows: int
    batches_created: int
    batches_updated: int
    sites_created: int
    models_created: int
    dry_run: bool = False

    def describe(self) -> str:
        verb = "would import" if self.dry_run else "imported"
        text = (
            f"{verb} {self.rows:,} rows from {self.path.name}: {self.batches_created:,} batches created, "
            f"{self.batches_updated:,} updated, {self.sites_created:,} data centers and "
            f"{self.models_created:,} miner models added"
        )
        return text + ("; nothing was written (dry run)" if self.dry_run else "")
