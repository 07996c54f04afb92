"""Shared helpers for the test suite."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest

from alliancesim import AllianceModel
from alliancesim.app.probe import CHROMIUM, CHROMIUM_ARGS, AppProcess, start_app

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"


def wait_for(condition: Callable[[], bool], timeout: float = 10.0) -> bool:
    """Whether ``condition`` holds within ``timeout`` seconds, asked every 20 ms (a state
    waited for, the timeout only a bound for a run that never gets there)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


def run_until(model: AllianceModel, phase: str, limit: int = 120) -> AllianceModel:
    """Step ``model`` until it reaches ``phase``; fail the test if it never does."""
    while model.phase != phase:
        if not model.running or model.month >= limit:
            pytest.fail(f"model never reached {phase} (ended {model.phase} at {model.month})")
        model.step()
    return model


def evolving_model(seed: int = 0, **params) -> AllianceModel:
    """A model that has reached the evolving phase (searching seeds if one dissolves early)."""
    for offset in range(50):
        model = AllianceModel(rng=seed + offset, **params)
        while model.running and model.phase != "evolving":
            model.step()
        if model.phase == "evolving":
            return model
    pytest.fail("no seed reached the evolving phase")


# --- the app in a browser ---------------------------------------------------------------------
@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Headless Chromium for a module's browser tests; skips them, with the reason, when
    Playwright or ``/usr/bin/chromium`` is missing."""
    playwright_api = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install it with 'apt-get install chromium' "
                    "(make test does this as root)")
    with playwright_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS))
        try:
            yield chromium
        finally:
            chromium.close()


StartApp = Callable[..., AppProcess]


@pytest.fixture(scope="module")
def app_server() -> Iterator[StartApp]:
    """Starts the app for a module: call it with the log's name in ``test-artifacts/`` and
    the app's options (a scenarios folder, command-line options such as ``--class``). Every
    app it started is stopped, by its own process id, when the module's tests are done."""
    started: list[AppProcess] = []

    def start(log_name: str, scenarios: Path | None = None,
              options: Sequence[str] = ()) -> AppProcess:
        started.append(start_app(ARTIFACTS / log_name, scenarios=scenarios, options=options))
        return started[-1]

    try:
        yield start
    finally:
        for running in started:
            running.stop()
