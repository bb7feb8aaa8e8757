"""The CLI's one way into Qt: opening the window or the self-test.

Nothing here imports Qt at module level, so the CLI can import this module without
loading PySide6 (the import contract in pyproject.toml allows exactly this edge).
"""

from __future__ import annotations

import argparse


def run_gui(args: argparse.Namespace) -> int:
    from desktop.ui.app import run_gui as run

    return run(args)


def run_self_test() -> int:
    from desktop.ui.selftest import run_self_test as run

    return run()
