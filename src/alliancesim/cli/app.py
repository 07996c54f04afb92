"""``alliancesim app``: the teaching app in the browser, served from this machine only."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from alliancesim.cli.console import console, fail


def app(
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port on 127.0.0.1.")] = 8765,
    scenarios: Annotated[
        Path | None,
        typer.Option(help="Folder of scenario TOML files for the picker "
                          "(default: ./scenarios, else the project's scenarios/ folder)."),
    ] = None,
) -> None:
    """Start the teaching app on 127.0.0.1 and print its address (works with no internet)."""
    from alliancesim.app.server import HOST, port_is_free, serve

    if scenarios is not None and not scenarios.is_dir():
        fail(f"--scenarios: {scenarios} is not a folder")
    if not port_is_free(port):
        fail(f"--port: {port} is already in use on {HOST}; choose another with --port N")
    console.print(f"alliancesim app: open http://{HOST}:{port}/ in a browser "
                  "(Ctrl+C stops it)", highlight=False)
    serve(port, scenarios=scenarios)


def register(root: typer.Typer) -> None:
    """Add the command to the app."""
    root.command("app")(app)
