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
    classroom: Annotated[
        bool,
        typer.Option("--class", help="Open class mode: students join from their phones with "
                                     "a code (at /join); the teacher's page is /class."),
    ] = False,
    host: Annotated[
        str,
        typer.Option(help="Address to listen on. Only with --class may it leave this "
                          "machine: 0.0.0.0 (every network) or this machine's address on "
                          "the classroom network."),
    ] = "127.0.0.1",
) -> None:
    """Start the teaching app on 127.0.0.1 and print its address (works with no internet)."""
    from alliancesim.app.server import HOST, join_address, port_is_free, serve

    if scenarios is not None and not scenarios.is_dir():
        fail(f"--scenarios: {scenarios} is not a folder")
    check_host(host, classroom)
    if not port_is_free(port, host):
        fail(f"--port: {port} is already in use on {host}; choose another with --port N")
    console.print(f"alliancesim app: open http://{HOST}:{port}/ in a browser "
                  "(Ctrl+C stops it)", highlight=False)
    if classroom:
        console.print(f"class mode: the teacher's page is http://{HOST}:{port}/class; "
                      f"students join at {join_address(host, port)}", highlight=False)
    serve(port, host=host, scenarios=scenarios, classroom=classroom)


def check_host(host: str, classroom: bool) -> None:
    """Refuse a host that is not an IPv4 address, and any address beyond this machine
    without ``--class``."""
    import ipaddress

    try:
        address = ipaddress.IPv4Address(host)
    except ValueError:
        fail(f"--host: {host!r} is not an IPv4 address such as 127.0.0.1 or 0.0.0.0")
    if not address.is_loopback and not classroom:
        fail("--host: the app listens beyond this machine only in class mode; add --class")


def register(root: typer.Typer) -> None:
    """Add the command to the app."""
    root.command("app")(app)
