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
from collections.abc import Sequence
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
  const timer = setTimeout(() => { observer.disconnect(); reject('no redraw in 30 s'); }, 30000);
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
description = "Twelve member organizations: a quick search, and four late joiners."
teaching_seed = 2  # twelve members by month 12 and a long life: tests/test_app_teaching_seeds.py
[parameters]
n_members = 12
search_intensity = 1.0
[[timeline]]
month = 3
kind = "partner_joins"
[[timeline]]
month = 4
kind = "partner_joins"
[[timeline]]
month = 5
kind = "partner_joins"
[[timeline]]
month = 6
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


def start_app(log: Path, scenarios: Path | None = None, port: int | None = None,
              options: Sequence[str] = ()) -> AppProcess:
    """Start the app on a free loopback port and wait until it serves its page
    (``options``: more command-line options, such as ``--class``)."""
    port = free_port() if port is None else port
    command = [sys.executable, "-m", "alliancesim.cli.main", "app", "--port", str(port),
               *options]
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


# The boxes of the network's names as ECharts laid them out (names it hid are left out).
LABEL_BOXES_JS = """
(selector) => {
  const el = document.querySelector(selector);
  const chart = el && el.__vue__ && el.__vue__.chart;
  if (!chart) return null;
  const data = chart.getModel().getSeriesByIndex(0).getData();
  const boxes = [];
  for (let i = 0; i < data.count(); i++) {
    const node = data.getItemGraphicEl(i);
    const path = node && (node.getSymbolPath ? node.getSymbolPath() : node);
    const label = path && path.getTextContent();
    if (!label || label.ignore || label.invisible || !label.style.text) continue;
    const r = label.getBoundingRect().clone();
    const m = label.getComputedTransform();
    if (m) r.applyTransform(m);
    boxes.push({text: label.style.text, x: r.x, y: r.y, w: r.width, h: r.height});
  }
  return boxes;
}
"""

# Visible text on the page (under ``root``) set smaller than ``px``: [text, size] pairs.
SMALL_TEXT_JS = """
([root, px]) => {
  const small = [];
  const top = document.querySelector(root);
  const walker = document.createTreeWalker(top, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const el = node.parentElement;
    if (!node.textContent.trim() || !el) continue;
    const rect = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (!rect.width || !rect.height || style.visibility === 'hidden') continue;
    const size = parseFloat(style.fontSize);
    if (size < px) small.push([node.textContent.trim().slice(0, 40), size]);
  }
  return small;
}
"""


def label_boxes(page: Page, selector: str = ".as-network") -> list[dict[str, float]]:
    """The network's shown names and their boxes in pixels."""
    return list(page.evaluate(LABEL_BOXES_JS, selector) or [])


def overlapping(boxes: list[dict[str, float]], slack: float = 0.5) -> list[tuple[str, str]]:
    """Pairs of names whose boxes overlap by more than ``slack`` pixels each way."""
    pairs = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            wide = min(a["x"] + a["w"], b["x"] + b["w"]) - max(a["x"], b["x"])
            high = min(a["y"] + a["h"], b["y"] + b["h"]) - max(a["y"], b["y"])
            if wide > slack and high > slack:
                pairs.append((str(a["text"]), str(b["text"])))
    return pairs


def small_text(page: Page, root: str = ".as-root", px: float = 18.0) -> list[list[object]]:
    """Visible text under ``root`` smaller than ``px`` pixels."""
    return list(page.evaluate(SMALL_TEXT_JS, [root, px]))


def time_step(page: Page, selector: str = ".as-step") -> float:
    """Milliseconds from a click on Step to the redrawn page (see module docstring)."""
    return float(page.evaluate(STEP_REDRAW_JS, selector))


def choose(page: Page, select_label: str, option: str) -> None:
    """Pick ``option`` in the Vuetify select labelled ``select_label``."""
    page.locator(".v-select", has=page.locator(f"label:text-is('{select_label}')")).first.click()
    page.locator(".v-menu__content.menuable__content__active .v-list-item",
                 has_text=option).first.click()


def switch(page: Page, label: str, on: bool) -> None:
    """Turn the switch labelled ``label`` on or off (a no-op if it already is)."""
    box = page.locator(".v-input--switch", has=page.locator(f"label:text-is('{label}')"))
    if box.locator("input").is_checked() != on:
        box.locator("label").click()
    page.wait_for_function(
        "([l, on]) => [...document.querySelectorAll('.v-input--switch')].some(s => "
        "s.querySelector('label').textContent.trim() === l && "
        "s.querySelector('input').checked === on)", arg=[label, on])


def use_projector(page: Page, on: bool = True) -> None:
    """Switch projector mode on (or off) and wait for the page to follow."""
    switch(page, "Projector mode", on)
    page.wait_for_selector(".as-projector" if on else ".as-sidebar")


# Samples the month in the status line every 50 ms for the given seconds.
MONTH_SAMPLES_JS = """
(seconds) => new Promise((resolve) => {
  const month = () => parseInt(((document.querySelector('.as-month') || {}).textContent
                                || '').match(/Month (\\d+)/)?.[1] ?? '-1');
  const samples = [];
  const start = performance.now();
  const timer = setInterval(() => {
    const now = performance.now() - start;
    samples.push([now, month()]);
    if (now > seconds * 1000) { clearInterval(timer); resolve(samples); }
  }, 50);
})
"""


def play_rate(page: Page, seconds: float = 6.0) -> float:
    """Months per second the page shows while playing: from the first month shown after
    Play to the last one shown before the alliance ended or the time ran out."""
    page.click(".as-play")
    samples = page.evaluate(MONTH_SAMPLES_JS, seconds)
    # Pause, unless the alliance has ended (then the button is disabled and play stopped).
    page.evaluate("() => { const b = document.querySelector('.as-play');"
                  " if (!b.disabled && b.textContent.trim() === 'Pause') b.click(); }")
    return months_per_second([(t / 1000.0, m) for t, m in samples])


def months_per_second(samples: list[tuple[float, int]]) -> float:
    """The rate between the first and the last change of the month in ``samples``."""
    changes = [(t, m) for (t, m), (_, before) in zip(samples[1:], samples, strict=False)
               if m != before]
    if len(changes) < 2:
        return 0.0
    (t0, m0), (t1, m1) = changes[0], changes[-1]
    return (m1 - m0) / (t1 - t0)
