"""Every subcommand, in the order --help lists them. Add a module's COMMANDS here."""

from desktop.cli.command import Command
from desktop.cli.commands import backup, batches, demo, events, generate, models, report, sites, summary, transfer

ALL_COMMANDS: list[Command] = [
    *demo.COMMANDS,
    *summary.COMMANDS,
    *report.COMMANDS,
    *sites.COMMANDS,
    *models.COMMANDS,
    *batches.COMMANDS,
    *events.COMMANDS,
    *transfer.COMMANDS,
    *backup.COMMANDS,
    *generate.COMMANDS,
]
