"""Time the teaching app: Step click to redrawn page in headless Chromium, 12 members.

Starts ``alliancesim app`` on a free loopback port with a scenario of twelve member
organizations, steps until twelve have joined, then times each of N Step clicks from the
click to the page showing the new month in the status line, network and charts (plus two
animation frames, so the browser has painted). Also times the server side alone: the same
clicks rendered with ``solara.render`` in this process. Target: under 200 ms per click.

    python benchmarks/bench_app.py [--clicks N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from alliancesim.app.probe import (
    CHROMIUM,
    CHROMIUM_ARGS,
    TWELVE_MEMBER_SCENARIO,
    start_app,
    time_step,
)


def summary(label: str, ms: list[float]) -> str:
    ordered = sorted(ms)
    p90 = ordered[int(0.9 * (len(ordered) - 1))]
    return (f"{label}: median {statistics.median(ms):.0f} ms, 90th percentile {p90:.0f} ms, "
            f"max {max(ms):.0f} ms over {len(ms)} clicks")


def browser_clicks(clicks: int, folder: Path) -> tuple[list[float], int]:
    from playwright.sync_api import sync_playwright

    app = start_app(folder / "app.log", scenarios=folder)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS))
            page = browser.new_page(viewport={"width": 1440, "height": 1000})
            page.goto(app.url)
            page.wait_for_selector(".as-charts canvas", timeout=60_000)
            page.locator(".v-select", has=page.locator("label:text-is('Scenario')")).click()
            page.locator(".menuable__content__active .v-list-item",
                         has_text="Twelve members").first.click()
            page.wait_for_function("document.querySelector('.as-month').textContent"
                                   ".includes('aiming for 12')")
            network = page.locator(".as-network")
            while int(network.get_attribute("data-members")) < 12:
                time_step(page)
            members = int(network.get_attribute("data-members"))
            timings = [time_step(page) for _ in range(clicks)]
            browser.close()
    finally:
        app.stop()
    return timings, members


def server_clicks(clicks: int, folder: Path) -> list[float]:
    import ipyvuetify as v
    import solara

    from alliancesim.app.components import App
    from alliancesim.app.scenarios import list_scenarios
    from alliancesim.app.state import Settings

    (choice,) = list_scenarios(folder)
    settings = Settings(params=choice.params, timeline=choice.timeline, scenario=choice.name)
    _, rc = solara.render(App(settings), handle_error=False)
    step = rc.find(v.Btn, children=["Step"]).widget
    for _ in range(5):
        step.click()
    timings = []
    for _ in range(clicks):
        start = time.perf_counter()
        step.click()
        timings.append((time.perf_counter() - start) * 1000)
    return timings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clicks", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "twelve.toml").write_text(TWELVE_MEMBER_SCENARIO)
        print(summary("server render only (solara.render, in process)",
                      server_clicks(args.clicks, folder)))
        if not CHROMIUM.exists():
            print(f"{CHROMIUM} missing: browser figures skipped")
            return 0
        timings, members = browser_clicks(args.clicks, folder)
        print(summary(f"click to redrawn page in Chromium ({members} members)", timings))
    return 0


if __name__ == "__main__":
    sys.exit(main())
