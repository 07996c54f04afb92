"""The app answers only to its own address and its own pages.

A real server (``alliancesim app``) runs as a subprocess on 127.0.0.1; raw HTTP requests and
WebSocket handshakes then carry a foreign ``Host`` (DNS rebinding) or a foreign ``Origin``
(a cross-site WebSocket) and must be refused, while the app's own requests still go through.
"""

from __future__ import annotations

import asyncio
import http.client
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import websockets

from alliancesim.app.origin import SameOriginOnly, served_hosts
from alliancesim.app.server import HOST, free_port

SRC = Path(__file__).resolve().parents[1] / "src"
STARTUP_LIMIT = 180.0  # seconds a loaded machine may take to import Solara and listen


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """``host:port`` of a running app; stopped by its own process id afterwards."""
    port = free_port()
    env = {**os.environ, "PYTHONPATH": f"{SRC}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    process = subprocess.Popen(
        [sys.executable, "-m", "alliancesim.cli.main", "app", "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    address = f"{HOST}:{port}"
    try:
        _wait_until_it_answers(address, process)
        yield address
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_it_answers(address: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + STARTUP_LIMIT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the app exited: {process.stderr.read().decode()[-2000:]}")
        try:
            if get(address).status == 200:
                return
        except OSError:  # not listening yet
            pass
        time.sleep(0.5)
    pytest.fail(f"the app did not answer within {STARTUP_LIMIT:.0f} s")


class Answer:
    """What a raw HTTP request got back."""

    def __init__(self, status: int, text: str) -> None:
        self.status, self.text = status, text


def get(address: str, path: str = "/readyz", **headers: str) -> Answer:
    """A raw GET with exactly ``headers`` (``host`` defaults to the address served)."""
    host, port = address.split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        connection.putrequest("GET", path, skip_host=True, skip_accept_encoding=True)
        for name, value in {"host": address, **headers}.items():
            connection.putheader(name, value)
        connection.endheaders()
        response = connection.getresponse()
        return Answer(response.status, response.read().decode(errors="replace"))
    finally:
        connection.close()


def handshake(address: str, origin: str) -> int:
    """The HTTP status of a WebSocket handshake to the app's kernel channel (101: opened)."""
    kernel = uuid.uuid4()
    url = f"ws://{address}/jupyter/api/kernels/{kernel}/channels?session_id={uuid.uuid4()}"

    async def attempt() -> int:
        try:
            async with websockets.connect(url, origin=origin, open_timeout=30):
                return 101
        except websockets.InvalidStatus as refused:
            return refused.response.status_code

    return asyncio.run(attempt())


def test_a_foreign_host_header_is_refused(server):
    assert get(server).status == 200
    assert get(server, "/").status == 200
    for host in ("evil.example", f"evil.example:{server.split(':')[1]}", "127.0.0.1:1"):
        refused = get(server, "/", host=host)
        assert refused.status == 400, host
        assert "host" in refused.text.lower()


def test_a_foreign_origin_is_refused_on_http(server):
    assert get(server, "/", origin=f"http://{server}").status == 200
    assert get(server, "/", origin="http://evil.example").status == 403


def test_a_websocket_with_a_foreign_origin_is_refused(server):
    assert handshake(server, "http://evil.example") == 403
    assert handshake(server, f"http://{server.replace(HOST, 'evil.example')}") == 403


def test_a_websocket_from_the_apps_own_page_still_opens(server):
    assert handshake(server, f"http://{server}") == 101


def test_localhost_names_the_same_address():
    hosts = served_hosts("127.0.0.1", 8765)
    assert {"127.0.0.1:8765", "localhost:8765"} <= hosts
    assert "evil.example:8765" not in hosts and "127.0.0.1:8766" not in hosts
    guard = SameOriginOnly(lambda *a: None, hosts)  # type: ignore[arg-type]
    from starlette.datastructures import Headers

    assert guard.refusal(Headers({"host": "localhost:8765"})) is None
    assert guard.refusal(Headers({"host": "localhost:8765", "origin": "null"}))[0] == 403
    assert guard.refusal(Headers({}))[0] == 400
