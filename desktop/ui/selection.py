"""What the operator has selected in the main window, as seen by actions and dialogs."""

from __future__ import annotations

from typing import Protocol


class SelectionContext(Protocol):
    def selected_site_id(self) -> int | None:
        """The data center selected in the site list; None for "All sites"."""

    def selected_batch_id(self) -> int | None:
        """The batch selected in the table, if any."""
