"""The app's pictures in the documentation, taken from the running app in headless Chromium.

    python -m alliancesim.app.screenshots [--out docs/img]

Runs the app on the project's scenarios and takes, with the shipped teaching seeds:

- ``app_live.png``: the live view of *Manager departure* on a laptop, just after the
  manager left (README and docs/app.md);
- ``teaching_pause.png``: the same moment in projector mode at 1280x610 (a 1280x720
  projector less the browser's toolbars), as a class sees it when play stops;
- ``teaching_summary.png``: the end summary of that alliance, in projector mode;
- ``teaching_why.png``: its why panel (what management cost, who mediated), in projector
  mode;
- ``teaching_compare.png``: the comparison over 100 paired seeds.

Re-run it after the model or the teaching seeds change, so the pictures stay true.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from alliancesim.app.channel import SPEEDS
from alliancesim.app.probe import (
    CHROMIUM,
    CHROMIUM_ARGS,
    choose,
    start_app,
    switch,
    use_projector,
)
from alliancesim.scenarios.loading import scenarios_folder

DOCS_IMG = Path(__file__).resolve().parents[3] / "docs" / "img"
DEPARTURE = "Manager departure"
DEPARTURE_MONTH = 24


def fast() -> str:
    """The fastest speed the app offers."""
    return max(SPEEDS, key=SPEEDS.__getitem__)


def current_month(page: Any) -> int:
    """The month the live view's status line shows."""
    return int(page.inner_text(".as-month").split()[1])


def play_to_pause(page: Any) -> None:
    """Press Play and wait until play stops at a key moment (or the end)."""
    before = current_month(page)
    page.click(".as-play")
    page.wait_for_function(
        "(m) => parseInt(document.querySelector('.as-month').textContent.split(' ')[1]) > m"
        " && document.querySelector('.as-play').textContent.trim() === 'Play'",
        arg=before, timeout=120_000)


def open_app(page: Any, url: str) -> None:
    """Open the app and wait until its charts are drawn."""
    page.goto(url)
    page.wait_for_selector(".as-charts canvas", timeout=60_000)


def play_departure(page: Any) -> None:
    """Pick *Manager departure* (on its teaching seed) and play, stopping at each key
    moment, until the manager has left."""
    choose(page, "Scenario", DEPARTURE)
    choose(page, "Speed", fast())
    while current_month(page) < DEPARTURE_MONTH:
        play_to_pause(page)
    page.wait_for_timeout(400)


def take(out: Path, url: str) -> list[Path]:
    """Take every picture into ``out``; returns their paths."""
    from playwright.sync_api import sync_playwright

    shots = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS))
        laptop = browser.new_page(viewport={"width": 1440, "height": 900})
        open_app(laptop, url)
        play_departure(laptop)
        shots.append(out / "app_live.png")
        laptop.screenshot(path=str(shots[-1]), full_page=True)
        laptop.get_by_role("tab", name="Compare management modes").click()
        laptop.click(".as-many-run")
        laptop.locator(".as-many-chart canvas").wait_for(timeout=300_000)
        laptop.wait_for_timeout(400)
        shots.append(out / "teaching_compare.png")
        laptop.locator(".as-many").screenshot(path=str(shots[-1]))
        projector = browser.new_page(viewport={"width": 1280, "height": 610})
        open_app(projector, url)
        use_projector(projector)  # the scenario picker moves to the top bar
        play_departure(projector)
        shots.append(out / "teaching_pause.png")
        projector.screenshot(path=str(shots[-1]))
        switch(projector, "Pause at key moments", False)
        projector.click(".as-play")
        projector.locator(".as-summary").wait_for(timeout=120_000)
        projector.wait_for_timeout(400)
        shots.append(out / "teaching_summary.png")
        projector.locator(".as-summary-card").screenshot(path=str(shots[-1]))
        shots.append(out / "teaching_why.png")
        projector.locator(".as-why").screenshot(path=str(shots[-1]))
        browser.close()
    return shots


def main(argv: list[str] | None = None) -> int:
    """Start the app, take the pictures, stop the app."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DOCS_IMG)
    args = parser.parse_args(argv)
    if not CHROMIUM.exists():
        print(f"{CHROMIUM} is missing: install it with 'apt-get install chromium'",
              file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    app = start_app(args.out / ".screenshots-app.log", scenarios=scenarios_folder())
    try:
        for shot in take(args.out, app.url):
            print(f"wrote {shot}")
    finally:
        app.stop()
        (args.out / ".screenshots-app.log").unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
