"""``alliancesim app``: clear errors for a busy port or a missing scenarios folder."""

from __future__ import annotations

import socket
from pathlib import Path

from typer.testing import CliRunner

from alliancesim.app.server import HOST, port_is_free
from alliancesim.cli.main import app

runner = CliRunner()


def test_help_names_the_port_and_scenarios_options() -> None:
    result = runner.invoke(app, ["app", "--help"])
    assert result.exit_code == 0
    assert "--port" in result.output and "--scenarios" in result.output


def test_a_busy_port_is_refused_with_exit_status_2() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as busy:
        busy.bind((HOST, 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert not port_is_free(port)
        result = runner.invoke(app, ["app", "--port", str(port)])
    assert result.exit_code == 2
    assert f"{port} is already in use" in result.output
    assert "Traceback" not in result.output


def test_a_missing_scenarios_folder_is_refused_with_exit_status_2(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    result = runner.invoke(app, ["app", "--scenarios", str(missing)])
    assert result.exit_code == 2
    assert "--scenarios" in result.output and "not a folder" in result.output


def test_an_impossible_port_is_refused() -> None:
    result = runner.invoke(app, ["app", "--port", "70000"])
    assert result.exit_code == 2
