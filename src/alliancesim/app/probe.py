"""Driving the running app from outside, for the browser tests and the app benchmark.

Starts ``alliancesim app`` as a subprocess on a free loopback port, waits until it answers,
stops it by its own process id, and times a Step click in a Playwright page from the click
to the redrawn page (status line, network and charts all showing the new month, then two
animation frames so the browser has painted).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlparse

from alliancesim.app.server import HOST, free_port

if TYPE_CHECKING:
    from playwright.sync_api import Page

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = (
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
)
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}
START_TIMEOUT = 120.0

# Resolves with the milliseconds from the click to the page showing the next month in the
# status line and in every chart's data-month, after two animation frames (painted).
STEP_REDRAW_JS = """
(selector) => new Promise((resolve, reject) => {
  const status = document.querySelector('.as-month');
  const before = status.textContent;
  const month = () => (status.textContent.match(/Month (\\d+)/) || [])[1];
  const drawn = () => status.textContent !== before && [...document.querySelectorAll(
      '.as-network, .as-charts')].every(c => c.getAttribute('data-month') === month());
  const start = performance.now();
  const timer = setTimeout(() => { observer.disconnect(); reject('no redraw in 10 s'); }, 10000);
  const observer = new MutationObserver(() => {
    if (!drawn()) return;
    observer.disconnect();
    clearTimeout(timer);
    requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now() - start)));
  });
  observer.observe(document.body, {subtree: true, childList: true, characterData: true,
                                   attributes: true});
  document.querySelector(selector).click();
})
"""


# A 12-member alliance (the size the responsiveness target is stated for), for the browser
# tests and the benchmark.
TWELVE_MEMBER_SCENARIO = """
name = "Twelve members"
description = "Twelve member organizations: a quick search, and two late joiners."
[parameters]
n_members = 12
search_intensity = 1.0
[[timeline]]
month = 3
kind = "partner_joins"
[[timeline]]
month = 4
kind = "partner_joins"
"""


@dataclass
class AppProcess:
    """A running ``alliancesim app`` subprocess and its address."""

    process: subprocess.Popen[bytes]
    url: str
    log: Path

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the app by its own process id (terminate, then kill if it lingers)."""
        if self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout)


def start_app(log: Path, scenarios: Path | None = None, port: int | None = None) -> AppProcess:
    """Start the app on a free loopback port and wait until it serves its page."""
    port = free_port() if port is None else port
    command = [sys.executable, "-m", "alliancesim.cli.main", "app", "--port", str(port)]
    if scenarios is not None:
        command += ["--scenarios", str(scenarios)]
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT,
                                   env={**os.environ, "PYTHONUNBUFFERED": "1"})
    app = AppProcess(process, f"http://{HOST}:{port}/", log)
    try:
        wait_until_serving(app)
    except BaseException:
        app.stop()
        raise
    return app


def wait_until_serving(app: AppProcess, timeout: float = START_TIMEOUT) -> None:
    """Poll the app's address until it answers 200; fail early if the process exits."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if app.process.poll() is not None:
            raise RuntimeError(f"the app exited with status {app.process.returncode}:\n"
                               + app.log.read_text(errors="replace")[-2000:])
        try:
            with urllib.request.urlopen(app.url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.25)
    raise TimeoutError(f"the app did not answer at {app.url} within {timeout:.0f} s")


def is_loopback(url: str) -> bool:
    """Whether a request URL stays on this machine (data: and blob: URLs never leave it)."""
    parsed = urlparse(url)
    if parsed.scheme in ("data", "blob", "about", "chrome", "chrome-extension"):
        return True
    return parsed.hostname in LOOPBACK_HOSTS


def time_step(page: Page, selector: str = ".as-step") -> float:
    """Milliseconds from a click on Step to the redrawn page (see module docstring)."""
    return float(page.evaluate(STEP_REDRAW_JS, selector))
