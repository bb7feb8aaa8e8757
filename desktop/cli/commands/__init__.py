"""Every subcommand, in the order --help lists them. Add a module's COMMANDS here."""

from desktop.cli.command import Command
from desktop.cli.commands import (
    backup,
    batches,
    demo,
    event_edits,
    events,
    generate,
    late,
    models,
    sites,
    summary,
    targets,
    transfer,
)

ALL_COMMANDS: list[Command] = [
    *demo.COMMANDS,
    *summary.COMMANDS,
    *late.COMMANDS,
    *sites.COMMANDS,
    *models.COMMANDS,
    *batches.COMMANDS,
    *events.COMMANDS,
    *event_edits.COMMANDS,
    *targets.COMMANDS,
    *transfer.COMMANDS,
    *backup.COMMANDS,
    *generate.COMMANDS,
]
