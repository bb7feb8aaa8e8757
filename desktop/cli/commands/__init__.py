"""Every subcommand, in the order --help lists them, and the module that defines it.

A command line names one command: only that command's module (and the services it needs)
is imported, so `hashplan summary` does not pay for the import, export, backup and generator
code (numpy and the XLSX libraries among them). A new command goes in MODULES and in its
module's COMMANDS; tests/unit/test_cli_registry.py checks the two agree.
"""

from __future__ import annotations

import importlib

from desktop.cli.command import Command

# command name -> module under desktop.cli.commands, in --help order
MODULES: dict[str, str] = {
    "demo": "demo",
    "summary": "summary",
    "report": "report",
    "late": "late",
    "add-site": "sites",
    "edit-site": "sites",
    "sites": "sites",
    "add-price": "sites",
    "prices": "sites",
    "add-model": "models",
    "models": "models",
    "add-batch": "batches",
    "edit-batch": "batches",
    "delete-batch": "batches",
    "batches": "batches",
    "record": "events",
    "events": "event_edits",
    "edit-event": "event_edits",
    "delete-event": "event_edits",
    "add-target": "targets",
    "edit-target": "targets",
    "targets": "targets",
    "delete-target": "targets",
    "import": "transfer",
    "export": "transfer",
    "backup": "backup",
    "backups": "backup",
    "restore": "backup",
    "generate": "generate",
    "server-setup": "server",
    "copy": "server",
    "scan": "miners",
    "poll": "miners",
    "miners": "miners",
    "map-miner-type": "miners",
    "fake-miners": "miners",
}


def commands_of(module: str) -> list[Command]:
    found: list[Command] = importlib.import_module(f"desktop.cli.commands.{module}").COMMANDS
    return found


def command_named(name: str) -> Command | None:
    """The command ``name`` (importing its module only), or None if there is none."""
    module = MODULES.get(name)
    if module is None:
        return None
    return next((c for c in commands_of(module) if c.name == name), None)


def all_commands() -> list[Command]:
    """Every command (imports every module: --help, a mistyped name, the registry test)."""
    by_name = {c.name: c for module in dict.fromkeys(MODULES.values()) for c in commands_of(module)}
    return [by_name[name] for name in MODULES if name in by_name]
