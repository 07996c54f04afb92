"""The ``alliancesim`` command: one Typer app, one module per command.

Each command imports what it needs when it runs, so ``alliancesim --help``, ``--version``
and the message about a broken file come back without loading Mesa, pandas or Dask.
"""

from __future__ import annotations

from typing import Annotated

import typer

from alliancesim.cli import app as app_command
from alliancesim.cli import (
    calibrate,
    compare,
    ecosystem,
    parameters,
    replay,
    run,
    sweep,
    validate,
    verdict,
)

app = typer.Typer(
    name="alliancesim",
    help="Agent-based simulation of alliance dynamics: trust, culture, commitment, phases.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
for module in (run, compare, sweep, verdict, replay, app_command, validate, parameters,
               calibrate, ecosystem):
    module.register(app)


def _print_version(asked: bool) -> None:
    if asked:
        from alliancesim import __version__

        typer.echo(f"alliancesim {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[bool, typer.Option(
        "--version", callback=_print_version, is_eager=True,
        help="Print the installed version and exit.")] = False,
) -> None:
    """Agent-based simulation of alliance dynamics: trust, culture, commitment, phases."""


if __name__ == "__main__":  # pragma: no cover
    app()
