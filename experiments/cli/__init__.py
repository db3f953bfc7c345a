"""The `cogov` command line. Every command module is light at import — heavy libraries load inside
the command that runs — so `cogov --help` and argument errors answer at once."""

from __future__ import annotations

import click

from .analyses import calibrate, discover, sensitivity, validate
from .batches import compare, export, merge, report, sweep
from .common import CommandGroup
from .one_run import levers, run, scenarios, ui

__all__ = ["main"]


@click.group(cls=CommandGroup, context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """cogov — an agent-based model of community governance (基层社会治理)."""


for command in (
    run,
    compare,
    sweep,
    merge,
    report,
    export,
    scenarios,
    levers,
    validate,
    sensitivity,
    calibrate,
    discover,
    ui,
):
    main.add_command(command)
