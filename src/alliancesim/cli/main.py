"""The ``alliancesim`` command: one Typer app, one module per command."""

from __future__ import annotations

import typer

from alliancesim.cli import app as app_command
from alliancesim.cli import compare, run, sweep, validate

app = typer.Typer(
    name="alliancesim",
    help="Agent-based simulation of alliance dynamics: trust, culture, commitment, phases.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
for module in (run, compare, sweep, app_command, validate):
    module.register(app)


@app.callback()
def main() -> None:
    """Agent-based simulation of alliance dynamics: trust, culture, commitment, phases."""


if __name__ == "__main__":  # pragma: no cover
    app()
