"""Pause Python's cyclic garbage collector while bulk work builds many objects.

A full collection walks every live object while holding the GIL; a worker that builds
hundreds of thousands of records (an import's rows, an export's events) triggers one
each time the heap grows by a quarter, and each stalled the UI thread for 250-450 ms
(benchmark: tests/benchmarks, "UI-thread longest stall"), and made a bulk insert ~30%
slower (store.bulk pauses it too). Reference counting still frees
everything that is not in a cycle; the collector runs again once the last worker is done.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_paused = 0  # workers running with the collector paused (it is one switch for the process)


@contextmanager
def gc_paused() -> Iterator[None]:
    global _paused
    with _lock:
        _paused += 1
        if _paused == 1:
            was_enabled = gc.isenabled()
            gc.disable()
            _restore.append(was_enabled)
    try:
        yield
    finally:
        with _lock:
            _paused -= 1
            if _paused == 0:
                # What outlived the work (an import's checked plan: ~1M objects) is long-lived;
                # frozen, later full collections on the UI thread do not walk it (another
                # 0.3-0.5 s stall). Reference counting still frees it when it is dropped.
                gc.freeze()
                if _restore.pop():
                    gc.enable()


_restore: list[bool] = []


def is_paused() -> bool:
    """A worker is running with the collector paused."""
    return _paused > 0


def keep_disabled() -> None:
    """Automatic collection stays off once the running pauses end (desktop/ui/ui_thread_gc.py
    collects on the UI thread instead)."""
    with _lock:
        _restore[:] = [False] * len(_restore)
