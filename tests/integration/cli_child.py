"""A second process that runs command-line calls on request (tests of sharing one file).

    python -m tests.integration.cli_child

Each line of stdin is one command line (``--db F sites --json``); each is run as
``hashplan`` runs it (its own connection, opened and closed) and answered with
``exit CODE`` on one line. End of input ends the process.
"""

from __future__ import annotations

import contextlib
import io
import shlex
import sys

from desktop.cli.main import main as cli_main


def main() -> int:
    for line in sys.stdin:
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = cli_main(shlex.split(line))
            except SystemExit as exit_:
                code = int(exit_.code or 0)
        detail = err.getvalue().strip().replace("\n", " | ")
        sys.stdout.write(f"exit {code} {detail}\n")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
