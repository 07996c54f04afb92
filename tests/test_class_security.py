"""Class mode on a classroom network: who reaches which page, which addresses are
answered, and that the server alone says whether a connection is local."""

from __future__ import annotations

from typer.testing import CliRunner

from alliancesim.app.origin import LOCAL_HEADER, SameOriginOnly, served_hosts, with_place
from alliancesim.app.page import STUDENT, TEACHER, TEACHING_APP, page_for
from alliancesim.app.server import join_address, lan_addresses
from alliancesim.cli.main import app

runner = CliRunner()


def header(scope: dict) -> list[bytes]:
    return [v for k, v in scope["headers"] if k == LOCAL_HEADER.encode()]


def test_only_the_server_says_a_connection_is_local():
    forged = {"type": "http", "client": ("192.168.1.23", 50000),
              "headers": [(LOCAL_HEADER.encode(), b"1"), (b"host", b"192.168.1.10:8765")]}
    assert header(with_place(forged)) == [b"0"]
    assert header(with_place({**forged, "client": ("127.0.0.1", 1)})) == [b"1"]
    # The teacher's machine reaching itself through its classroom address is local too.
    assert header(with_place({**forged, "client": ("192.168.1.10", 1)}, {"192.168.1.10"})) \
        == [b"1"]
    assert header(with_place({"type": "http", "headers": []})) == [b"0"]


def test_listening_on_the_network_answers_this_machines_addresses_only():
    hosts = served_hosts("0.0.0.0", 8765, ["192.168.1.10"])
    assert "192.168.1.10:8765" in hosts and "127.0.0.1:8765" in hosts
    assert "0.0.0.0:8765" not in hosts
    guard = SameOriginOnly(None, hosts)  # type: ignore[arg-type]
    from starlette.datastructures import Headers

    assert guard.refusal(Headers({"host": "192.168.1.10:8765"})) is None
    assert guard.refusal(Headers({"host": "evil.example:8765"}))[0] == 400
    assert guard.refusal(Headers({"host": "192.168.1.10:8765",
                                  "origin": "http://evil.example"}))[0] == 403
    assert served_hosts("127.0.0.1", 8765) == served_hosts("127.0.0.1", 8765, ["10.0.0.2"])


def test_a_device_elsewhere_only_ever_gets_the_students_page():
    for path in ("/", "/class", "/join", "/class/../", "/anything"):
        assert page_for(path, local=False, classroom=True) == STUDENT
    assert page_for("/class", local=True, classroom=True) == TEACHER
    assert page_for("/join", local=True, classroom=True) == STUDENT
    assert page_for("/", local=True, classroom=True) == TEACHING_APP
    # Without --class there is no class page at all.
    for path in ("/class", "/join"):
        assert page_for(path, local=True, classroom=False) == TEACHING_APP


def test_the_app_leaves_this_machine_only_in_class_mode():
    result = runner.invoke(app, ["app", "--host", "0.0.0.0"])
    assert result.exit_code == 2 and "--class" in result.output
    result = runner.invoke(app, ["app", "--host", "example.org", "--class"])
    assert result.exit_code == 2 and "IPv4" in result.output
    assert "--class" in runner.invoke(app, ["app", "--help"]).output


def test_students_join_at_an_address_of_this_machine():
    assert join_address("127.0.0.1", 8765) == "http://127.0.0.1:8765/join"
    address = join_address("0.0.0.0", 8765)
    assert address.endswith(":8765/join") and "0.0.0.0" not in address
    assert all(not a.startswith("127.") for a in lan_addresses())
