"""The command registry: every command is reachable by name, and naming one imports only its module."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import desktop.cli.commands as package
from desktop.cli.commands import MODULES, all_commands, commands_of


def test_every_command_of_every_module_is_registered_under_its_module() -> None:
    modules = [info.name for info in pkgutil.iter_modules(package.__path__)]
    defined = {command.name: module for module in modules for command in commands_of(module)}
    assert defined == MODULES
    assert [command.name for command in all_commands()] == list(MODULES)


def test_a_command_line_imports_only_what_its_command_needs() -> None:
    probe = (
        "import sys, io, contextlib\n"
        "from desktop.cli.main import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    try: main(['--version'])\n"
        "    except SystemExit: pass\n"
        "heavy = [m for m in ('numpy', 'xlsxwriter', 'python_calamine', 'desktop.services.generator',\n"
        "         'desktop.services.importing', 'desktop.services.session', 'logging.handlers') if m in sys.modules]\n"
        "print(heavy)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
