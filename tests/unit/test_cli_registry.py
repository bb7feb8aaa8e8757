"""The command registry: every command is reachable by name, and naming one imports only its module."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

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


def test_summary_imports_neither_dataclasses_nor_typing_nor_logging(tmp_path: Path) -> None:
    """`summary` is the command people script: its start-up cost is most of its cost (#13)."""
    db = tmp_path / "demo.db"
    subprocess.run([sys.executable, "-m", "desktop", "--db", str(db), "demo"], check=True, capture_output=True)
    probe = (
        "import sys, io, contextlib\n"
        "from desktop.cli.main import main\n"
        "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
        f"    assert main(['--db', {str(db)!r}, 'summary', '--json']) == 0\n"
        "assert out.getvalue().startswith('{')\n"
        "heavy = [m for m in ('dataclasses', 'typing', 'logging', 'shutil', 'numpy',\n"
        "         'desktop.store.measured', 'desktop.domain.measured') if m in sys.modules]\n"
        "print(heavy)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
