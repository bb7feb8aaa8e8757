"""Workers pause the cyclic GC while they run and give it back when the last one is done."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from desktop.runtime import gc_paused


@pytest.fixture(autouse=True)
def _automatic_collection() -> Iterator[None]:
    """On, as in a process without the UI-thread collector (the GUI tests install it)."""
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def test_the_collector_is_off_while_workers_run_and_back_after_the_last() -> None:
    assert gc.isenabled()
    first_in, second_done, release = threading.Event(), threading.Event(), threading.Event()
    seen: list[bool] = []

    def first() -> None:
        with gc_paused():
            first_in.set()
            release.wait(5)
            seen.append(gc.isenabled())

    def second() -> None:
        with gc_paused():
            seen.append(gc.isenabled())
        second_done.set()

    one = threading.Thread(target=first)
    one.start()
    first_in.wait(5)
    two = threading.Thread(target=second)
    two.start()
    second_done.wait(5)
    assert not gc.isenabled()  # the first worker still runs
    release.set()
    one.join(5)
    two.join(5)
    assert seen == [False, False]
    assert gc.isenabled()


def test_a_collector_switched_off_before_stays_off() -> None:
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
