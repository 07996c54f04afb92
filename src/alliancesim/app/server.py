"""Serving the app on this machine only, with every asset local and nothing phoning home,
to its own pages only (:mod:`alliancesim.app.origin` refuses foreign ``Host`` and
``Origin`` headers).

Solara fetches its front end from a public CDN unless told otherwise, reports usage, checks
PyPI for new versions and (in development mode) embeds a page from solara.dev. A classroom
behind a firewall, or with no network at all, needs none of that. The app is served by
uvicorn directly rather than by ``solara run`` (whose version check calls PyPI), and Solara's
settings are environment variables read when Solara is first imported, so
:func:`offline_environment` must run before that import.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

APP_MODULE = "alliancesim.app.page"
HOST = "127.0.0.1"
# Solara's asset proxy serves the bundled solara-assets files from the virtualenv; anything
# missing would otherwise be fetched from this address, which answers nowhere, so a missing
# asset fails loudly in testing instead of silently needing the internet.
UNREACHABLE_CDN = "http://127.0.0.1:9/npm/"

OFFLINE_ENVIRONMENT = {
    "SOLARA_APP": APP_MODULE,
    "SOLARA_MODE": "production",  # no solara.dev check iframe, no auto-reload
    "SOLARA_ASSETS_PROXY": "true",  # serve front-end assets from the local cache
    "SOLARA_ASSETS_CDN": UNREACHABLE_CDN,
    "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "false",
    "SOLARA_THEME_LOADER": "plain",
    "MPLBACKEND": "Agg",
}


def offline_environment(scenarios: Path | None = None) -> dict[str, str]:
    """Set (and return) the environment that keeps Solara on this machine."""
    os.environ.update(OFFLINE_ENVIRONMENT)
    if scenarios is not None:
        from alliancesim.scenarios.loading import SCENARIOS_ENV

        os.environ[SCENARIOS_ENV] = str(scenarios.resolve())
    return dict(OFFLINE_ENVIRONMENT)


def free_port(host: str = HOST) -> int:
    """A TCP port that is free on ``host`` right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def port_is_free(port: int, host: str = HOST) -> bool:
    """Whether ``port`` can be bound on ``host`` (as the server binds it, reusing TIME_WAIT)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


# Set when the app is started with ``--class``: the class pages exist only then.
CLASS_ENV = "ALLIANCESIM_CLASS"


def class_mode_on() -> bool:
    """Whether this server was started for a class (``alliancesim app --class``)."""
    return os.environ.get(CLASS_ENV) == "1"


def lan_addresses() -> list[str]:
    """This machine's IPv4 addresses on its networks (loopback left out), the one its
    default route leaves from first; found without sending anything."""
    found: list[str] = []
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # a UDP "connect" only picks the route
            found.append(probe.getsockname()[0])
        except OSError:
            pass
    try:
        infos = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
    except OSError:
        infos = []
    found += [str(info[4][0]) for info in infos]
    return [a for a in dict.fromkeys(found) if not a.startswith("127.") and a != "0.0.0.0"]


def join_address(host: str, port: int) -> str:
    """The address students type (or scan) to join: this machine on the classroom network
    when the app listens there, else the address served."""
    if host == "0.0.0.0":
        addresses = lan_addresses()
        host = addresses[0] if addresses else HOST
    return f"http://{host}:{port}/join"


def serve(port: int, host: str = HOST, scenarios: Path | None = None,
          classroom: bool = False) -> None:
    """Run the app until interrupted (blocking); ``classroom`` opens the class pages."""
    offline_environment(scenarios)
    if classroom:
        os.environ[CLASS_ENV] = "1"
        os.environ["ALLIANCESIM_JOIN_ADDRESS"] = join_address(host, port)
    import uvicorn

    # Imported only now, so Solara reads the settings above when it first loads.
    from solara.server.starlette import app

    from alliancesim.app.origin import guarded_app

    lan = lan_addresses() if host == "0.0.0.0" else []
    uvicorn.run(guarded_app(app, host, port, lan), host=host, port=port, log_level="warning")
