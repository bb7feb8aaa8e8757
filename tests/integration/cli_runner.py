"""Runs the command line in-process and captures what a user would see."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from desktop.cli.main import main


@dataclass
class CliResult:
    code: int
    out: str
    err: str


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> CliResult:
    try:
        code = main(list(args))
    except SystemExit as exit_:  # argparse usage errors and --help
        code = int(exit_.code or 0)
    captured = capsys.readouterr()
    return CliResult(code, captured.out, captured.err)
