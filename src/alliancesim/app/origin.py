"""Only pages of the app itself may talk to the app.

The server listens on 127.0.0.1, but that alone does not keep other web pages out: a page
the teacher opens elsewhere can make the browser connect to 127.0.0.1 through a name it
controls (DNS rebinding: the request then carries ``Host: evil.example``), or open a
WebSocket to the app straight away (the browser sends ``Origin: http://evil.example``), and
drive the simulation. :class:`SameOriginOnly` wraps the ASGI app and refuses both before
the request reaches Solara: a ``Host`` header that is not the address served gets 400, an
``Origin`` header of another site gets 403, on plain requests and WebSockets alike.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send

# Names under which this machine reaches the server when it listens on a loopback address.
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")


ANY_ADDRESS = "0.0.0.0"
# Set on every request by :class:`SameOriginOnly` (a copy the client sent is dropped): "1"
# when the request comes from this machine, "0" from another device of the network. Pages
# read it (``solara.lab.headers``) to keep the teacher's controls on the teacher's machine.
LOCAL_HEADER = "x-alliancesim-local"


def is_loopback(address: str) -> bool:
    """Whether ``address`` (an IP address or a name) is this machine's loopback."""
    return address in LOOPBACK_NAMES or address.startswith("127.") or address == "::1"


def served_hosts(host: str, port: int, lan: Iterable[str] = ()) -> frozenset[str]:
    """The ``Host`` header values that name the address served (``127.0.0.1:8765``; the
    loopback names of this machine when it listens on a loopback address; when it listens
    on every address, ``0.0.0.0``, the loopback names and this machine's addresses ``lan``
    on the classroom network). Only addresses: a name a DNS server answers is never taken,
    so DNS rebinding stays refused."""
    names = {host}
    if is_loopback(host) or host == ANY_ADDRESS:
        names.update(LOOPBACK_NAMES)
    if host == ANY_ADDRESS:
        names.discard(ANY_ADDRESS)
        names.update(lan)
    return frozenset(f"{name}:{port}" for name in names)


class SameOriginOnly:
    """ASGI middleware: refuse requests whose ``Host`` is not one of ``hosts`` (400), and
    those whose ``Origin``, when sent, is not ``http://`` one of ``hosts`` (403)."""

    def __init__(self, app: ASGIApp, hosts: Iterable[str], own: Iterable[str] = ()) -> None:
        self.app = app
        self.hosts = frozenset(h.lower() for h in hosts)
        self.own = frozenset(own)  # this machine's network addresses: a local client too

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        problem = self.refusal(Headers(scope=scope))
        if problem is None:
            await self.app(with_place(scope, self.own), receive, send)
            return
        status, text = problem
        # On a WebSocket, Starlette sends this as the handshake's HTTP answer (the
        # connection is never accepted).
        await PlainTextResponse(text, status_code=status)(scope, receive, send)

    def refusal(self, headers: Headers) -> tuple[int, str] | None:
        """(status, reason) for a request from elsewhere, or None for the app's own."""
        host = headers.get("host", "").lower()
        if host not in self.hosts:
            return 400, "Invalid host header: this app answers only to its own address"
        origin = headers.get("origin")
        if origin is not None and not self._own_origin(origin):
            return 403, "Cross-origin request refused: this app answers only to its own pages"
        return None

    def _own_origin(self, origin: str) -> bool:
        parts = urlsplit(origin.lower())
        return parts.scheme in ("http", "https") and parts.netloc in self.hosts


def with_place(scope: Scope, own: Iterable[str] = ()) -> Scope:
    """``scope`` with :data:`LOCAL_HEADER` saying whether the client is this machine (a
    loopback address or one of ``own``); any copy of that header the client sent is
    dropped: only the server says it."""
    client = str((scope.get("client") or ("", 0))[0])
    local = b"1" if is_loopback(client) or client in own else b"0"
    name = LOCAL_HEADER.encode()
    headers = [(k, v) for k, v in scope.get("headers", []) if k.lower() != name]
    return {**scope, "headers": [*headers, (name, local)]}


def guarded_app(app: ASGIApp, host: str, port: int, lan: Iterable[str] = ()) -> SameOriginOnly:
    """``app`` answering only requests addressed to ``host:port`` from its own pages
    (``lan``: this machine's addresses on the network when ``host`` is 0.0.0.0)."""
    own = {*lan, host} - {ANY_ADDRESS}
    return SameOriginOnly(app, served_hosts(host, port, lan), own)
