"""Cyclic garbage is collected on the UI thread only: a worker's allocations never free a
window (or any Qt object) on the worker's thread."""

from __future__ import annotations

import gc
import threading
from typing import Any

from desktop.runtime import gc_paused
from desktop.ui import ui_thread_gc


class _Cycle:
    """Garbage only the cyclic collector can free; says on which thread it was freed."""

    def __init__(self, freed_on: list[int]) -> None:
        self.me = self
        self.freed_on = freed_on

    def __del__(self) -> None:
        self.freed_on.append(threading.get_ident())


def _churn(kept: list[Any]) -> None:
    """Allocations enough to cross every generation's threshold many times over (kept alive:
    freed at once, they would not count towards a collection)."""
    kept.extend([] for _ in range(100_000))


def test_a_worker_never_collects_and_the_ui_thread_does(qapp) -> None:
    collector = ui_thread_gc.install(qapp)
    assert ui_thread_gc.install(qapp) is collector  # one per application
    assert not gc.isenabled()
    freed_on: list[int] = []
    _Cycle(freed_on)
    kept: list[Any] = []
    worker = threading.Thread(target=_churn, args=(kept,))
    worker.start()
    worker.join(10)
    assert freed_on == []  # the worker's allocations collected nothing
    for _ in range(3):  # up to the oldest generation, as thresholds come due
        _churn(kept)
        collector.collect()
    gc.collect()  # (the cycle may have been promoted past the generations collect() reached)
    assert freed_on == [threading.get_ident()]


def test_nothing_is_collected_while_a_worker_has_the_collector_paused(qapp) -> None:
    collector = ui_thread_gc.install(qapp)
    kept: list[Any] = []
    with gc_paused():
        _churn(kept)
        assert collector.collect() is None
    _churn(kept)
    assert collector.collect() is not None
