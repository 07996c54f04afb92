"""The teaching app in a real browser: Debian's Chromium driven by Playwright.

The app runs as a subprocess on a free loopback port. Every test records every request the
page makes and every console error; a request that leaves 127.0.0.1 or an error in the
console fails the test. Screenshots land in ``test-artifacts/``.
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Iterator
from pathlib import Path

import pytest

from alliancesim.app.probe import (
    CHROMIUM,
    CHROMIUM_ARGS,
    TWELVE_MEMBER_SCENARIO,
    AppProcess,
    is_loopback,
    start_app,
    time_step,
)
from alliancesim.params import defaults

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
STEP_CLICKS = 15

playwright_api = pytest.importorskip("playwright.sync_api")
if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is missing: install it with 'apt-get install chromium' "
                "(make test does this as root)", allow_module_level=True)


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppProcess]:
    scenarios = tmp_path_factory.mktemp("scenarios")
    (scenarios / "twelve.toml").write_text(TWELVE_MEMBER_SCENARIO)
    running = start_app(ARTIFACTS / "app-server.log", scenarios=scenarios)
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with playwright_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS))
        try:
            yield chromium
        finally:
            chromium.close()


class Watch:
    """What a page did: every request URL, console errors and uncaught page errors."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        self.errors: list[str] = []


@pytest.fixture
def page(app: AppProcess, browser, request: pytest.FixtureRequest) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    tab = context.new_page()
    watch = Watch()
    tab.on("request", lambda r: watch.requests.append(r.url))
    tab.on("console", lambda m: watch.errors.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda e: watch.errors.append(f"page error: {e}"))
    tab.goto(app.url)
    tab.wait_for_selector(".as-network canvas", timeout=60_000)
    tab.wait_for_selector(".as-charts canvas", timeout=60_000)
    tab.watch = watch
    try:
        yield tab
    finally:
        ARTIFACTS.mkdir(exist_ok=True)
        tab.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
        context.close()
    leaving = [url for url in watch.requests if not is_loopback(url)]
    assert not leaving, f"requests left the machine: {leaving}"
    assert not watch.errors, f"console errors: {watch.errors}"


def status(page) -> str:
    return page.inner_text(".as-month")


def choose(page, select_label: str, option: str) -> None:
    """Pick ``option`` in the Vuetify select labelled ``select_label``."""
    page.locator(".v-select", has=page.locator(f"label:text-is('{select_label}')")).click()
    page.locator(".v-menu__content.menuable__content__active .v-list-item",
                 has_text=option).first.click()


def test_the_page_loads_with_everything_served_locally(page) -> None:
    assert status(page).startswith("Month 0 · forming")
    assert page.locator(".as-timeline .as-segment-current").inner_text().startswith("forming")
    assert page.locator(".as-feed .as-feed-item").count() >= 2  # the founders joined
    assert any(url.endswith(".js") for url in page.watch.requests)


def test_the_scenario_picker_loads_a_scenario(page) -> None:
    choose(page, "Scenario", "Twelve members")
    page.wait_for_function("document.querySelector('.as-month').textContent"
                           ".includes('aiming for 12')")
    assert "Twelve members" in page.inner_text(".as-scenario")


def test_step_advances_the_month_and_the_charts_of_twelve_members_quickly(page) -> None:
    choose(page, "Scenario", "Twelve members")
    page.wait_for_function("document.querySelector('.as-month').textContent"
                           ".includes('aiming for 12')")
    network, charts = page.locator(".as-network"), page.locator(".as-charts")
    for _ in range(12):  # until twelve organizations have joined
        if int(network.get_attribute("data-members")) >= 12:
            break
        time_step(page)
    members = int(network.get_attribute("data-members"))
    assert members >= 12
    start = int(charts.get_attribute("data-month"))
    before = charts.screenshot()
    timings = [time_step(page) for _ in range(STEP_CLICKS)]
    assert status(page).startswith(f"Month {start + STEP_CLICKS}")
    assert charts.get_attribute("data-month") == str(start + STEP_CLICKS)
    assert charts.screenshot() != before, "the charts were redrawn"
    figures = {
        "clicks": len(timings),
        "members": members,
        "median_ms": round(statistics.median(timings), 1),
        "max_ms": round(max(timings), 1),
        "all_ms": [round(t, 1) for t in timings],
    }
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "step_timing.json").write_text(json.dumps(figures, indent=2))
    print(f"step click to redrawn page: {figures}")


def test_play_runs_and_pause_stops(page) -> None:
    choose(page, "Speed", "fast")
    page.click(".as-play")
    page.wait_for_function("/Month ([5-9]|\\d\\d)/.test("
                           "document.querySelector('.as-month').textContent)", timeout=30_000)
    page.click(".as-play")  # now labelled Pause
    page.wait_for_selector(".as-play:has-text('Play')")
    page.wait_for_timeout(300)
    paused = status(page)
    page.wait_for_timeout(1200)
    assert status(page) == paused
    assert page.locator(".as-feed .as-feed-item").count() > 2


def test_reset_with_a_new_parameter_starts_a_different_alliance(page) -> None:
    n = int(defaults()["n_members"])
    slider = page.locator(".v-input", has=page.locator(f"label:text-is('n members: {n}')"))
    slider.locator("[role=slider]").focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_selector(f"label:text-is('n members: {n + 1}')")
    page.wait_for_selector(".as-pending")
    page.click(".as-step")
    page.wait_for_function("document.querySelector('.as-month').textContent"
                           ".startsWith('Month 1')")
    page.click(".as-reset")
    page.wait_for_function("document.querySelector('.as-month').textContent"
                           f".includes('aiming for {n + 1}')")
    assert status(page).startswith("Month 0")
    assert page.locator(".as-pending").count() == 0


def test_the_comparison_view_shows_two_alliances(page) -> None:
    page.get_by_role("tab", name="Compare management modes").click()
    sides = page.locator(".as-compare-side")
    sides.first.wait_for()
    assert sides.count() == 2
    assert "dedicated" in sides.nth(0).inner_text()
    assert "transversal" in sides.nth(1).inner_text()
    for month in (1, 2, 3):
        page.click(".as-step")
        page.wait_for_function(
            f"[...document.querySelectorAll('.as-compare-month')].every("
            f"e => e.textContent.startsWith('Month {month}'))")
    assert page.locator(".as-compare-side .as-network canvas").count() == 2


def test_a_bad_seed_gives_a_message_not_a_crash(page) -> None:
    seed = page.locator(".as-seed input")
    seed.fill("forty-two")
    seed.press("Enter")
    page.wait_for_selector("text=The seed must be a whole number")
    page.click(".as-step")
    page.wait_for_function("document.querySelector('.as-month').textContent"
                           ".startsWith('Month 1')")
    page.click(".as-reset")
    page.wait_for_function("document.querySelector('.as-month').textContent"
                           ".startsWith('Month 0')")
