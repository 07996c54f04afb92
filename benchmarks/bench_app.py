"""Time the teaching app in headless Chromium with a 12-member alliance: Step clicks on the
laptop and in projector mode, and the play rate at each speed.

Starts ``alliancesim app`` on a free loopback port with a scenario of twelve member
organizations, steps until twelve have joined, then times each of N Step clicks from the
click to the page showing the new month in the status line, network and charts (plus two
animation frames, so the browser has painted), first in the laptop layout and then in
projector mode. Also times the server side alone: the same clicks rendered with
``solara.render`` in this process. Target: a median under 200 ms per click, in both.

With ``--play`` it also plays the alliance at each speed (pausing at key moments off) for a
few seconds, counts the months the page shows per second, and compares them with the rate
each speed's label names: the labels must be true on this machine.

    python benchmarks/bench_app.py [--clicks N] [--play] [--seconds S] [--write]

``--write`` stores the figures in docs/results/bench_app.json, from which the paragraph
on responsiveness in docs/app.md is written.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from alliancesim.app.probe import (
    CHROMIUM,
    CHROMIUM_ARGS,
    TWELVE_MEMBER_SCENARIO,
    choose,
    play_rate,
    start_app,
    switch,
    time_step,
    use_projector,
)

TARGET_MS = 200.0
RATE_TOLERANCE = 0.15  # a label may be off by this share of its rate


def figures(ms: list[float]) -> dict[str, float]:
    """Median, 90th percentile and maximum of click timings (ms)."""
    ordered = sorted(ms)
    return {"median_ms": statistics.median(ms), "p90_ms": ordered[int(0.9 * (len(ms) - 1))],
            "max_ms": max(ms), "clicks": len(ms)}


def summary(label: str, ms: list[float]) -> str:
    ordered = sorted(ms)
    p90 = ordered[int(0.9 * (len(ordered) - 1))]
    verdict = "meets" if statistics.median(ms) < TARGET_MS else "MISSES"
    return (f"{label}: median {statistics.median(ms):.0f} ms, 90th percentile {p90:.0f} ms, "
            f"max {max(ms):.0f} ms over {len(ms)} clicks ({verdict} the {TARGET_MS:.0f} ms "
            "target)")


def open_twelve(page, url: str) -> int:
    """Open the page, pick the twelve-member scenario and step until twelve have joined."""
    page.goto(url)
    page.wait_for_selector(".as-charts canvas", timeout=60_000)
    choose(page, "Scenario", "Twelve members")
    page.wait_for_function("document.querySelector('.as-month').textContent"
                           ".includes('aiming for 12')")
    network = page.locator(".as-network")
    while int(network.get_attribute("data-members")) < 12:
        time_step(page)
    return int(network.get_attribute("data-members"))


def browser_figures(clicks: int, folder: Path, play: bool, seconds: float,
                    found: dict) -> int:
    """Time the clicks (and the play rates) in Chromium into ``found``; the misses."""
    from playwright.sync_api import sync_playwright

    from alliancesim.app.channel import SPEEDS

    failures = 0
    app = start_app(folder / "app.log", scenarios=folder)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS))
            page = browser.new_page(viewport={"width": 1440, "height": 1000})
            members = open_twelve(page, app.url)
            laptop = [time_step(page) for _ in range(clicks)]
            print(summary(f"laptop: click to redrawn page ({members} members)", laptop))
            page.set_viewport_size({"width": 1280, "height": 720})
            use_projector(page)
            projector = [time_step(page) for _ in range(clicks)]
            print(summary(f"projector mode at 1280x720 ({members} members)", projector))
            found.update(members=members, laptop=figures(laptop), projector=figures(projector))
            failures += sum(statistics.median(ms) >= TARGET_MS for ms in (laptop, projector))
            if play:
                found["play"] = {}
                failures += play_rates(page, SPEEDS, seconds, found["play"])
            browser.close()
    finally:
        app.stop()
    return failures


def play_rates(page, speeds: dict[str, float], seconds: float, found: dict) -> int:
    """Play at each speed from a fresh alliance and print (and keep in ``found``) the rate
    the page shows."""
    switch(page, "Pause at key moments", False)
    failures = 0
    for label, rate in speeds.items():
        choose(page, "Speed", label)
        page.click(".as-reset")
        page.wait_for_function("document.querySelector('.as-month').textContent"
                               ".startsWith('Month 0')")
        measured = play_rate(page, seconds)
        found[label] = {"labelled": rate, "shown": measured}
        ok = abs(measured - rate) <= RATE_TOLERANCE * rate
        failures += not ok
        print(f"play at '{label}': the page shows {measured:.2f} months/s "
              f"({'true' if ok else 'NOT TRUE'}: within {RATE_TOLERANCE:.0%} of {rate:g})")
    return failures


def server_clicks(clicks: int, folder: Path) -> list[float]:
    import ipyvuetify as v
    import solara

    from alliancesim.app.components import App
    from alliancesim.app.scenarios import list_scenarios
    from alliancesim.app.state import Settings

    (choice,) = list_scenarios(folder)
    settings = Settings(params=choice.params, timeline=choice.timeline, scenario=choice.name)
    _, rc = solara.render(App(settings), handle_error=False)
    rc.find(v.Switch, label="Projector mode").widget.v_model = True
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
    parser.add_argument("--play", action="store_true", help="also measure the play rates")
    parser.add_argument("--seconds", type=float, default=8.0,
                        help="seconds of play per speed (with --play)")
    parser.add_argument("--write", action="store_true",
                        help="store the figures in docs/results/bench_app.json")
    args = parser.parse_args()
    found: dict = {"cores": os.cpu_count(), "load_before": round(os.getloadavg()[0], 2)}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "twelve.toml").write_text(TWELVE_MEMBER_SCENARIO)
        server = server_clicks(args.clicks, folder)
        found["server"] = figures(server)
        print(summary("server render only, projector mode (solara.render, in process)",
                      server))
        if not CHROMIUM.exists():
            print(f"{CHROMIUM} missing: browser figures skipped")
            return 0
        failures = browser_figures(args.clicks, folder, args.play, args.seconds, found)
    found["load_after"] = round(os.getloadavg()[0], 2)
    if args.write:
        path = Path(__file__).resolve().parents[1] / "docs" / "results" / "bench_app.json"
        path.write_text(json.dumps(found, indent=1) + "\n")
        print(f"wrote {path}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
