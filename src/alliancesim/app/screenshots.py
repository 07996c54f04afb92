"""The app's pictures in the documentation, taken from the running app in headless Chromium.

    python -m alliancesim.app.screenshots [--out docs/img] [--only NAME ...]

Runs the app on the project's scenarios and takes, with the shipped teaching seeds (or only
the pictures named with ``--only``, e.g. ``--only app_ecosystem``):

- ``app_live.png``: the live view of *Manager departure* on a laptop, just after the
  manager left (README and docs/app.md);
- ``teaching_pause.png``: the same moment in projector mode at 1280x610 (a 1280x720
  projector less the browser's toolbars), as a class sees it when play stops;
- ``teaching_summary.png``: the end summary of that alliance, in projector mode;
- ``teaching_why.png``: its why panel (what management cost, who mediated), in projector
  mode;
- ``teaching_compare.png``: the comparison over 100 paired seeds;
- ``app_ecosystem.png``: the Ecosystem tab on the shipped baseline ecosystem at the default
  class size (300 organizations) and the file's seed, after 10 years stepped, on a laptop
  (docs/app.md).

Re-run it after the model or the teaching seeds change, so the pictures stay true.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
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
LAPTOP = {"width": 1440, "height": 900}
ECOSYSTEM_YEARS = 10
SHOTS = ("app_live", "teaching_compare", "teaching_pause", "teaching_summary",
         "teaching_why", "app_ecosystem")


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


@dataclass
class Album:
    """Where the pictures go, which of them to take, and those taken so far."""

    out: Path
    wanted: frozenset[str]
    taken: list[Path] = field(default_factory=list)

    def wants(self, *names: str) -> bool:
        """Whether any of ``names`` is to be taken (so the steps before it are needed)."""
        return bool(self.wanted.intersection(names))

    def snap(self, name: str, target: Any, **options: Any) -> None:
        """Screenshot ``target`` (a page or a locator) as ``name``.png, if it is wanted."""
        if name in self.wanted:
            self.taken.append(self.out / f"{name}.png")
            target.screenshot(path=str(self.taken[-1]), **options)


def painted(page: Any) -> None:
    """Wait two animation frames, so the browser has painted what the page now holds."""
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def at_rest(page: Any) -> None:
    """Move the pointer off the page and drop the focus, and wait until no button's click
    ripple is left, so the last button pressed looks as any other (the same picture on
    every run)."""
    page.mouse.move(0, 0)
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    page.wait_for_function("() => !document.querySelector('.v-ripple__container')",
                           timeout=10_000)


def laptop_shots(browser: Any, url: str, album: Album) -> None:
    """The live view after the manager left, then the comparison over many seeds."""
    laptop = browser.new_page(viewport=LAPTOP)
    open_app(laptop, url)
    play_departure(laptop)
    album.snap("app_live", laptop, full_page=True)
    if album.wants("teaching_compare"):
        laptop.get_by_role("tab", name="Compare management modes").click()
        laptop.click(".as-many-run")
        laptop.locator(".as-many-chart canvas").wait_for(timeout=300_000)
        laptop.wait_for_timeout(400)
        album.snap("teaching_compare", laptop.locator(".as-many"))
    laptop.close()


def projector_shots(browser: Any, url: str, album: Album) -> None:
    """The pause when the manager left, then the end summary and its why panel."""
    projector = browser.new_page(viewport={"width": 1280, "height": 610})
    open_app(projector, url)
    use_projector(projector)  # the scenario picker moves to the top bar
    play_departure(projector)
    album.snap("teaching_pause", projector)
    if album.wants("teaching_summary", "teaching_why"):
        switch(projector, "Pause at key moments", False)
        projector.click(".as-play")
        projector.locator(".as-summary").wait_for(timeout=120_000)
        projector.wait_for_timeout(400)
        album.snap("teaching_summary", projector.locator(".as-summary-card"))
        album.snap("teaching_why", projector.locator(".as-why"))
    projector.close()


def step_ecosystem_years(page: Any, years: int) -> None:
    """Step the Ecosystem tab ``years`` times, each time waiting until the status line,
    the network, the charts and the year's sentence all show the new year."""
    for year in range(1, years + 1):
        page.click(".as-eco-step")
        page.wait_for_function(
            "(y) => ['.as-eco-network', '.as-eco-charts'].every(s => document"
            ".querySelector(s).getAttribute('data-year') === String(y))"
            " && document.querySelector('.as-eco-status').textContent.startsWith(`Year ${y} `)"
            " && document.querySelector('.as-eco-banner').textContent.startsWith(`Year ${y}:`)",
            arg=year, timeout=60_000)


def ecosystem_shots(browser: Any, url: str, album: Album) -> None:
    """The Ecosystem tab on its opening scenario (the baseline) and class size, after
    ``ECOSYSTEM_YEARS`` years."""
    laptop = browser.new_page(viewport=LAPTOP)
    open_app(laptop, url)
    laptop.get_by_role("tab", name="Ecosystem").click()
    laptop.wait_for_selector(".as-eco-network canvas", timeout=60_000)
    step_ecosystem_years(laptop, ECOSYSTEM_YEARS)
    laptop.wait_for_selector(".as-eco-charts canvas", timeout=60_000)
    at_rest(laptop)
    painted(laptop)
    album.snap("app_ecosystem", laptop, full_page=True)
    laptop.close()


def take(out: Path, url: str, wanted: Iterable[str] = SHOTS) -> list[Path]:
    """Take the ``wanted`` pictures (all by default) into ``out``; returns their paths."""
    from playwright.sync_api import sync_playwright

    album = Album(out, frozenset(wanted))
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS))
        if album.wants("app_live", "teaching_compare"):
            laptop_shots(browser, url, album)
        if album.wants("teaching_pause", "teaching_summary", "teaching_why"):
            projector_shots(browser, url, album)
        if album.wants("app_ecosystem"):
            ecosystem_shots(browser, url, album)
        browser.close()
    return album.taken


def main(argv: list[str] | None = None) -> int:
    """Start the app, take the pictures, stop the app."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DOCS_IMG)
    parser.add_argument("--only", action="append", choices=SHOTS, metavar="NAME",
                        help="take only this picture (repeatable); one of: "
                             + ", ".join(SHOTS))
    args = parser.parse_args(argv)
    if not CHROMIUM.exists():
        print(f"{CHROMIUM} is missing: install it with 'apt-get install chromium'",
              file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    app = start_app(args.out / ".screenshots-app.log", scenarios=scenarios_folder())
    try:
        for shot in take(args.out, app.url, args.only or SHOTS):
            print(f"wrote {shot}")
    finally:
        app.stop()
        (args.out / ".screenshots-app.log").unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
