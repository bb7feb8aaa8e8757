"""Entry point: parse the arguments, run a subcommand, or start the GUI."""

from __future__ import annotations

import argparse
import gc
import io
import os
import sys
from collections.abc import Sequence

from desktop import __version__
from desktop.cli.command import Command, cli_session
from desktop.cli.commands import all_commands, command_named
from desktop.errors import HashplanError


def _terminal_columns() -> int:
    """shutil.get_terminal_size().columns, without importing shutil (see _HelpFormatter)."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):  # no stdout, or not a terminal
            columns = 0
    return columns or 80


class _HelpFormatter(argparse.HelpFormatter):
    """argparse's, given the width it would find: argparse makes a formatter for every argument
    added, and finding the width imports shutil (with the bz2, lzma and zlib modules), ~2 ms of
    every command-line call."""

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24, width: int | None = None):
        super().__init__(prog, indent_increment, max_help_position, _terminal_columns() - 2 if width is None else width)


class _Parser(argparse.ArgumentParser):
    """Usage errors as one line on stderr, exit 2."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("formatter_class", _HelpFormatter)
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: {message} (see --help)\n")


def _db_options(parser: argparse.ArgumentParser, *, top: bool) -> None:
    # --db works before or after the subcommand; SUPPRESS keeps a subcommand from
    # overwriting the value given before it.
    default = None if top else argparse.SUPPRESS
    parser.add_argument(
        "--db",
        metavar="PATH",
        default=default,
        help="database file (default: $HASHPLAN_DB, else hashplan.db in your data folder)",
    )
    parser.add_argument(
        "--debug",
        action="store_true",
        default=False if top else argparse.SUPPRESS,
        help="show tracebacks and log debug detail",
    )


def _command_name(argv: Sequence[str]) -> str | None:
    """The subcommand a command line names (the first word that is not an option or --db's value)."""
    skip = False
    for word in argv:
        if skip:
            skip = False
        elif word == "--db":
            skip = True
        elif word == "--":
            return None
        elif not word.startswith("-"):
            return word
    return None


def _commands_for(argv: Sequence[str]) -> list[Command]:
    """Only the named command's module is imported; all of them for --help or a mistyped name."""
    name = _command_name(argv)
    if name is not None:
        command = command_named(name)
        return [command] if command is not None else all_commands()
    if any(word in ("-h", "--help") for word in argv):
        return all_commands()
    return []  # the window, --self-test, --version


def build_parser(chosen: Sequence[Command] | None = None) -> argparse.ArgumentParser:
    """The parser for ``chosen`` commands (every command when None)."""
    parser = _Parser(
        prog="hashplan",
        description="Plan and track Bitcoin-miner deployments per data center. With no command, opens the desktop app.",
    )
    parser.add_argument("--version", action="version", version=f"Hashplan {__version__}")
    _db_options(parser, top=True)
    parser.add_argument(
        "--demo", action="store_true", help="open the app on the demo data when the database holds no batches"
    )
    parser.add_argument("--self-test", action="store_true", help="check the installation end to end offscreen and exit")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for command in all_commands() if chosen is None else chosen:
        sub = commands.add_parser(command.name, help=command.help, description=command.help)
        _db_options(sub, top=False)
        command.configure(sub)
        sub.set_defaults(_command=command)
    return parser


def _run_command(command: Command, args: argparse.Namespace) -> int:
    if not command.needs_session:
        return command.run(args, None)  # type: ignore[arg-type]
    with cli_session(args, readonly=command.readonly, needs_file=command.needs_file) as session:
        return command.run(args, session)


def main(argv: Sequence[str] | None = None, *, own_process: bool = False) -> int:
    """Runs one command line; its exit code.

    ``own_process``: this process is the command's alone (the `hashplan` program). What
    start-up made (modules, classes, functions: tens of thousands of objects, all living as
    long as the process) is then frozen out of the cyclic collector, which would otherwise
    scan it again in every full collection, the one at exit included: ~20M of a `summary`
    call's 210M instructions. Not in a longer-lived caller (tests): a freeze keeps whatever
    garbage is uncollected at that moment for good.
    """
    words = list(sys.argv[1:] if argv is None else argv)
    collecting = gc.isenabled()  # (off where the window collects on its own thread: ui_thread_gc)
    gc.disable()  # importing the command's modules makes no garbage: a collection finds nothing
    try:
        args = build_parser(_commands_for(words)).parse_args(words)
    finally:
        if own_process:
            gc.freeze()
        if collecting:
            gc.enable()
    command: Command | None = getattr(args, "_command", None)
    # after the parse: --version and --help log nothing; a command's log is set up by the
    # first module that logs (most commands log nothing and never import logging)
    from desktop import logs

    logs.set_up_when_used(debug=args.debug)
    try:
        if args.self_test or command is None:
            logs.logger(__name__)  # the window logs from the start
            from desktop.ui import launch  # the CLI's one (lazy) way into Qt

            return launch.run_self_test() if args.self_test else launch.run_gui(args)
        code = _run_command(command, args)
        sys.stdout.flush()  # a closed pipe shows here, not in the interpreter's exit
        return code
    except BrokenPipeError:
        # `hashplan summary | head -1`: the reader has what it wanted; stop quietly like other tools
        _silence_stdout()
        return 0
    except HashplanError as error:
        print(f"hashplan: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("hashplan: interrupted", file=sys.stderr)
        return 130
    except Exception as error:  # the last line of defence: no traceback for users
        logs.logger(__name__).exception("unexpected error")
        if args.debug:
            raise
        print(
            f"hashplan: unexpected error: {type(error).__name__}: {error} (run with --debug for details)",
            file=sys.stderr,
        )
        return 1


def _silence_stdout() -> None:
    """Points stdout at /dev/null so the interpreter's final flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, io.UnsupportedOperation):  # stdout replaced (tests): nothing to silence
        pass


def run() -> None:
    """The `hashplan` program (and `python -m desktop`)."""
    sys.exit(main(own_process=True))
