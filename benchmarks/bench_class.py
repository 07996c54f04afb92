"""Time class mode's projector page with one viewer and with thirty students connected.

Starts ``alliancesim app --class`` on a free loopback port, opens the class on the Baseline
scenario, lets thirty students join from their own browser contexts (phones, 360 px wide),
starts the alliance and times N clicks on *Next month* on the projector page, each from the
click to the page showing the new month in its status line and network (plus two animation
frames, so the browser has painted), while every phone follows the alliance. Then the
phones close and the same clicks are timed again with the projector as the only viewer.
A click on which a question opens (the students are asked) is closed at once and not
counted: it times the class, not the page. Target: the median with
thirty students within twice the median with one viewer.

    python benchmarks/bench_class.py [--clicks N] [--students K]

Prints both medians and their ratio, and writes them to test-artifacts/class_bench.json.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import sys
from pathlib import Path

from alliancesim.app.probe import CHROMIUM, CHROMIUM_ARGS, choose, start_app

ROOT = Path(__file__).resolve().parents[1]
TARGET_RATIO = 2.0
TIMEOUT = 240_000  # ms
STALLS: list[str] = []  # the status line of every click the page did not redraw in a minute

# Resolves with the ms from the click to the status and network showing the next month,
# with -1 when a question opened instead (the month waits for the class), or with -2 when
# nothing was redrawn within a minute (counted apart, as a stall).
NEXT_MONTH_JS = """
() => new Promise((resolve, reject) => {
  const status = document.querySelector('.as-class-status');
  const before = status.textContent;
  const month = () => (status.textContent.match(/Month (\\d+)/) || [])[1];
  const network = () => document.querySelector('.as-network');
  const drawn = () => status.textContent !== before
      && network().getAttribute('data-month') === month();
  const start = performance.now();
  const timer = setTimeout(() => { observer.disconnect(); resolve(-2); }, 60000);
  const observer = new MutationObserver(() => {
    const asked = document.querySelector('.as-open-question');
    if (!drawn() && !asked) return;
    observer.disconnect();
    clearTimeout(timer);
    if (asked && !drawn()) { resolve(-1); return; }
    requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now() - start)));
  });
  observer.observe(document.body, {subtree: true, childList: true, characterData: true,
                                   attributes: true});
  document.querySelector('.as-next').click();
})
"""


def time_clicks(teacher, clicks: int) -> list[float]:
    """Milliseconds of ``clicks`` counted Next-month clicks (question months skipped)."""
    timings: list[float] = []
    while len(timings) < clicks:
        ready(teacher)
        ms = teacher.evaluate(NEXT_MONTH_JS)
        if ms >= 0:
            timings.append(float(ms))
        elif ms == -2:
            STALLS.append(teacher.locator(".as-class-status").inner_text())
        print(f"  click: {ms:.0f} ms", flush=True)
    return timings


def ready(teacher) -> None:
    """Wait until Next month can be clicked, closing every question the month asks."""
    from playwright.sync_api import Error as PlaywrightError

    enabled = teacher.locator(".as-next:not([disabled])")
    close = teacher.locator(".as-close-question:not([disabled])")
    while not enabled.is_visible():
        if close.is_visible():
            with contextlib.suppress(PlaywrightError):  # it may close on its own meanwhile
                close.click(timeout=2000)
        teacher.wait_for_timeout(100)


def join(tab, code: str, name: str) -> None:
    """One student joins."""
    tab.locator(".as-code-input input").fill(code)
    tab.locator(".as-name-input input").fill(name)
    tab.locator(".as-join-button").click()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clicks", type=int, default=12)
    parser.add_argument("--students", type=int, default=30)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    app = start_app(ROOT / "test-artifacts" / "class-bench-server.log", options=["--class"])
    load_before = os.getloadavg()[0]
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS))
            teacher = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
            teacher.set_default_timeout(TIMEOUT)
            teacher.goto(app.url + "class")
            choose(teacher, "Time to answer", "3 minutes")
            teacher.locator(".as-open-class").click()
            code = teacher.locator(".as-code").inner_text().strip()
            # The students join first, so the alliance is sized for them (as in class).
            phones = []
            for _ in range(args.students):
                phone = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
                phone.set_default_timeout(TIMEOUT)
                phone.goto(app.url + "join", wait_until="commit")
                phones.append(phone)
            for k, phone in enumerate(phones):
                join(phone, code, f"Student {k + 1:02d}")
            teacher.get_by_text(f"{args.students} joined").wait_for()
            teacher.locator(".as-start").click()
            teacher.locator(".as-network[data-month='0']").wait_for()
            for phone in phones:
                phone.locator(".as-member, .as-no-member").first.wait_for()
            crowded = time_clicks(teacher, args.clicks)
            for phone in phones:  # the phones go: the projector is the only viewer left
                phone.context.close()
            alone = time_clicks(teacher, args.clicks)
            browser.close()
    finally:
        app.stop()
    result = {
        "clicks": args.clicks, "students": args.students,
        "median_ms_one_viewer": round(statistics.median(alone), 1),
        "median_ms_with_students": round(statistics.median(crowded), 1),
        "load_average_before": round(load_before, 2),
        "load_average_after": round(os.getloadavg()[0], 2),
        "stalls": STALLS,
    }
    result["ratio"] = round(result["median_ms_with_students"]
                            / result["median_ms_one_viewer"], 2)
    print(f"Next month on the projector, median of {args.clicks} clicks: "
          f"{result['median_ms_one_viewer']} ms with one viewer, "
          f"{result['median_ms_with_students']} ms with {args.students} students connected "
          f"(ratio {result['ratio']}, target at most {TARGET_RATIO}); load average "
          f"{result['load_average_before']} before, {result['load_average_after']} after")
    out = ROOT / "test-artifacts" / "class_bench.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2))
    return 0 if result["ratio"] <= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
