"""Class mode in a real browser: thirty students on thirty phones, one projector.

The app runs with ``--class`` as a subprocess on a free loopback port. Thirty students join
from separate browser contexts (each its own cookies, so its own session), each answers the
founding question for its own member, and the projector shows the shared alliance. A device
with a wrong code does not get in, and a device the teacher removes loses its member. The
decision log downloaded from the projector holds each student's own answer. Figures go to
``test-artifacts/class_mode.json``.
"""

from __future__ import annotations

import csv
import io
import json
import time
from pathlib import Path

import pytest

from alliancesim.app.class_model import TIME_SHARES
from alliancesim.app.probe import (
    CHROMIUM,
    AppProcess,
    choose,
    is_loopback,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
STUDENTS = 30
LONG = 240_000  # ms: a busy 2-core machine drawing thirty pages is slow, never stuck
PHONE = {"width": 360, "height": 740}
# How many pixels of the network's canvas are painted.
PAINTED = """e => { const c = e.querySelector('canvas'); if (!c) return 0;
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n; }"""

pytest.importorskip("playwright.sync_api")
if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is missing: install it with 'apt-get install chromium'",
                allow_module_level=True)


@pytest.fixture(scope="module")
def app(app_server) -> AppProcess:
    return app_server("class-server.log", options=["--class"])


class Tabs:
    """Every page opened, with the requests and console errors seen on any of them."""

    def __init__(self, browser) -> None:
        self.browser = browser
        self.contexts: list[object] = []
        self.requests: list[str] = []
        self.errors: list[str] = []

    def open(self, url: str, viewport: dict[str, int]) -> object:
        context = self.browser.new_context(viewport=viewport, accept_downloads=True)
        self.contexts.append(context)
        tab = context.new_page()
        tab.set_default_timeout(LONG)
        tab.on("request", lambda r: self.requests.append(r.url))
        tab.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        tab.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))
        tab.goto(url, wait_until="commit")
        return tab

    def close(self) -> None:
        for context in self.contexts:
            context.close()


def join(tab, code: str, name: str) -> None:
    tab.locator(".as-code-input input").fill(code)
    tab.locator(".as-name-input input").fill(name)
    tab.locator(".as-join-button").click()


def test_thirty_students_play_one_alliance(app: AppProcess, browser) -> None:
    tabs = Tabs(browser)
    started = time.monotonic()
    try:
        teacher = tabs.open(app.url + "class", {"width": 1280, "height": 800})
        choose(teacher, "Time to answer", "3 minutes")
        teacher.locator(".as-open-class").click()
        code = teacher.locator(".as-code").inner_text().strip()

        stranger = tabs.open(app.url + "join", PHONE)
        join(stranger, "ZZZZ22" if code != "ZZZZ22" else "ZZZZ23", "Mallory")
        assert "code" in stranger.locator(".as-join-error").inner_text()

        names = [f"Student {k:02d}" for k in range(1, STUDENTS + 1)]
        phones = [tabs.open(app.url + "join", PHONE) for _ in names]
        for phone, name in zip(phones, names, strict=True):
            join(phone, code, name)
        for phone in phones:
            phone.locator(".as-no-member").wait_for()
        teacher.get_by_text(f"{STUDENTS} joined").wait_for()
        joined = time.monotonic() - started

        teacher.locator(".as-start").click()
        teacher.locator(".as-network canvas").wait_for()  # drawn before it is redrawn
        teacher.locator(".as-play12").click()
        # Founding: every member is asked how much of its time goes to management.
        teacher.locator(".as-open-question").wait_for()
        assert "time" in teacher.locator(".as-open-question").inner_text()
        shares = list(TIME_SHARES)
        clicked, members = {}, {}
        for k, (phone, name) in enumerate(zip(phones, names, strict=True)):
            members[name] = phone.locator(".as-member b").first.inner_text()
            option = shares[k % len(shares)]
            phone.locator(f".as-option-{option}").click()
            clicked[name] = option
        asked_at = time.monotonic()
        assert len(set(members.values())) == STUDENTS  # one member each, none shared
        for phone in phones:
            phone.get_by_text("you chose").first.wait_for()
        # Later questions in the twelve months: the teacher closes them on the defaults.
        while not teacher.locator(".as-class-status", has_text="Month 12").is_visible():
            if teacher.locator(".as-close-question:not([disabled])").is_visible():
                teacher.locator(".as-close-question").click()
            teacher.wait_for_timeout(500)
        answered = time.monotonic() - asked_at

        # The status and the network are redrawn one after the other: wait for the network.
        network = teacher.locator('.as-network[data-month="12"]')
        network.wait_for()
        assert int(network.get_attribute("data-members")) >= STUDENTS
        assert network.evaluate(PAINTED) > 1000  # the members are drawn, not just listed

        rows = list(csv.DictReader(io.StringIO(downloaded(teacher, "Decisions (CSV)"))))
        founding = [r for r in rows if r["decision"] == "time" and r["how"] == "chosen"]
        assert {r["student"]: r["choice"] for r in founding} == clicked
        assert {r["student"]: r["member"] for r in founding} == members

        # The teacher removes a device: it no longer speaks for its member.
        removed = names[-1]
        teacher.locator(".as-remove", has_text=removed).click()
        phones[-1].get_by_text("This device was removed").wait_for()
        teacher.get_by_text(f"{STUDENTS - 1} joined").wait_for()

        ARTIFACTS.mkdir(exist_ok=True)
        teacher.screenshot(path=str(ARTIFACTS / "class_projector.png"), full_page=True)
        phones[0].screenshot(path=str(ARTIFACTS / "class_phone.png"), full_page=True)
        (ARTIFACTS / "class_mode.json").write_text(json.dumps({
            "students": STUDENTS, "seconds_to_join": round(joined, 1),
            "seconds_from_answers_to_month_12": round(answered, 1),
            "seconds_total": round(time.monotonic() - started, 1)}, indent=2))
    finally:
        tabs.close()
    leaving = [url for url in tabs.requests if not is_loopback(url)]
    assert not leaving, f"requests left the machine: {leaving}"
    assert not tabs.errors, f"console errors: {tabs.errors[:5]}"


def downloaded(page, label: str, tries: int = 3) -> str:
    """The text of the file a download button gives. A click that lands while the page
    re-renders the button (the month's redraw on a busy machine) starts no download, so
    the button is clicked again once the page has had a minute to give the file."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for _ in range(tries):
        try:
            with page.expect_download(timeout=60_000) as caught:
                page.get_by_role("button", name=label).click()
            return Path(caught.value.path()).read_text()
        except PlaywrightTimeout:
            continue
    raise AssertionError(f"{label!r} gave no file after {tries} clicks")
