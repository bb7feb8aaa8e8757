"""The process-wide interpreter settings, in one place: they are one switch for the whole
process, so every change to them goes through a counted context here.

- ``gc_paused``: the cyclic garbage collector paused while bulk work builds many objects.
- ``ui_gets_the_gil``: a short GIL switch interval while a transfer runs on a worker.
- ``keep_disabled``: automatic collection off for good (the window collects on its UI
  thread instead: desktop/ui/ui_thread_gc.py).

The collector: a full collection walks every live object while holding the GIL; a worker that builds
hundreds of thousands of records (an import's rows, an export's events) triggers one
each time the heap grows by a quarter, and each stalled the UI thread for 250-450 ms
(benchmark: tests/benchmarks, "UI-thread longest stall"), and made a bulk insert ~30%
slower (store.bulk pauses it too). Reference counting still frees
everything that is not in a cycle; the collector runs again once the last worker is done.
"""

from __future__ import annotations

import gc
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

UI_SWITCH_S = 0.001  # how long the UI thread may wait for the GIL while a transfer runs (Python's default: 5 ms)

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


_switch_lock = threading.Lock()
_switch_users = 0
_switch_saved = 0.0


@contextmanager
def ui_gets_the_gil() -> Iterator[None]:
    """A shorter GIL switch interval while transfers run (one setting for the process).

    PySide takes the GIL for each Python slot, timer and queued signal; a worker running
    Python code hands it over only after the switch interval, so the UI thread paid up to
    5 ms several times per event-loop turn: gaps of 30-90 ms in its 10 ms heartbeat during
    an XLSX export of the 1,000,000-event fleet, none over 25 ms at 1 ms (the export was
    not slower: the worker gives the GIL up only when another thread asks for it).
    """
    global _switch_users, _switch_saved
    with _switch_lock:
        _switch_users += 1
        if _switch_users == 1:
            _switch_saved = sys.getswitchinterval()
            sys.setswitchinterval(min(_switch_saved, UI_SWITCH_S))
    try:
        yield
    finally:
        with _switch_lock:
            _switch_users -= 1
            if _switch_users == 0:
                sys.setswitchinterval(_switch_saved)
