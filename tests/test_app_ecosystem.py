"""The app's Ecosystem tab: its state, sentences, layout and chart data without a browser,
and one browser test that opens the tab, steps years and finds the network, the charts and
a year's sentence."""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from alliancesim.app.ecosystem_state import (
    DEFAULT_SIZE,
    EcoSettings,
    list_ecosystem_scenarios,
    opening_eco_settings,
    practice_changes,
    start_ecosystem,
    wage_words,
    year_sentence,
    year_ties,
)
from alliancesim.app.ecosystem_views import (
    ECO_PANELS,
    PRACTICE_COLOURS,
    ecosystem_charts_option,
    ecosystem_network_option,
    wilson,
    year_feed_html,
)
from alliancesim.app.layout import sector_layout
from alliancesim.ecosystem.population import FUNCTION, NONE, TRAINED
from conftest import wait_for

SMALL = 120  # organizations: a few years run in a second


@pytest.fixture(scope="module")
def settings() -> EcoSettings:
    return EcoSettings(opening_eco_settings().scenario, SMALL, 7)


@pytest.fixture(scope="module")
def five_years(settings: EcoSettings):
    run = start_ecosystem(settings)
    for _ in range(5):
        run.step_year()
    return run


# --- scenarios and settings ------------------------------------------------------------------
def test_the_shipped_ecosystem_scenarios_are_offered_and_open_at_a_class_size() -> None:
    choices = list_ecosystem_scenarios()
    assert any(c.path.name == "baseline.toml" and not c.error for c in choices)
    opening = opening_eco_settings(choices)
    assert opening.n_organizations == DEFAULT_SIZE
    assert opening.seed == opening.scenario.seed


def test_a_broken_ecosystem_file_is_listed_with_its_message(tmp_path: Path) -> None:
    (tmp_path / "broken.toml").write_text("[ecosystem]\nyeers = 3\n")
    (choice,) = list_ecosystem_scenarios(tmp_path)
    assert choice.scenario is None
    assert "broken.toml" in choice.error and "yeers" in choice.error
    assert "\n" not in choice.error
    with pytest.raises(ValueError, match="yeers"):
        EcoSettings.of(choice)


# --- stepping a year ------------------------------------------------------------------------
def test_a_fresh_run_is_at_year_zero_with_the_chosen_size(settings: EcoSettings) -> None:
    run = start_ecosystem(settings)
    assert run.year == 0 and run.running
    assert len(run.layout) == SMALL == len(run.model.orgs)
    assert run.years[0].sentence.startswith(f"Year 0: of {SMALL} organizations")
    assert run.years[0].ties == {}


def test_step_year_runs_twelve_months_and_records_the_year(five_years) -> None:
    run = five_years
    assert run.year == 5 and run.model.month == 60
    assert [y.year for y in run.years] == list(range(6))
    assert [y.sentence.split(":")[0] for y in run.years[1:]] == [f"Year {k}" for k in
                                                                  range(1, 6)]
    assert run.years[-1].figures["year"] == 5
    # The practices recorded are the model's at the year's end.
    assert np.array_equal(run.years[-1].practice, run.model.orgs.practice)


def test_the_same_seed_gives_the_same_years(settings: EcoSettings, five_years) -> None:
    again = start_ecosystem(settings)
    for _ in range(5):
        again.step_year()
    assert [y.sentence for y in again.years] == [y.sentence for y in five_years.years]
    assert again.layout == five_years.layout


def test_the_run_stops_after_its_last_year(settings: EcoSettings) -> None:
    two_years = replace(settings.scenario, ecosystem={**settings.scenario.ecosystem,
                                                      "years": 2})
    short = EcoSettings(two_years, 60, 3)
    run = start_ecosystem(short)
    assert run.step_year() is True
    assert run.step_year() is False
    assert not run.running and run.year == 2
    assert run.step_year() is False and run.year == 2, "nothing left to step"


def test_ties_are_pairs_of_members_of_this_years_alliances(five_years) -> None:
    run = five_years
    ties = run.years[-1].ties
    assert ties, "five years of 120 organizations found some alliances"
    alive = {frozenset(live.ever) for live in run.model.live}
    for (a, b), mode in ties.items():
        assert a < b
        assert mode in ("dedicated", "transversal", "none")
    for members in alive:
        for a, b in itertools.combinations(sorted(members), 2):
            assert (a, b) in ties


def test_ties_of_an_ended_alliance_count_in_its_year(five_years) -> None:
    record = {"member_ids_ever": "3;9;4", "mode": "dedicated", "start_month": 1}
    ties = year_ties(five_years.model, [record])
    assert ties[(3, 4)] == ties[(3, 9)] == ties[(4, 9)] == "dedicated"


# --- the year's sentence --------------------------------------------------------------------
def test_practice_changes_are_counted_in_words() -> None:
    before = np.array([NONE, NONE, FUNCTION, FUNCTION, TRAINED, NONE])
    after = np.array([FUNCTION, FUNCTION, NONE, FUNCTION, NONE, TRAINED])
    assert practice_changes(before, after) == (
        "2 organizations created an alliance function, 1 closed theirs; "
        "1 organization began training their staff, 1 stopped")
    assert practice_changes(before, before) == ("no organization changed how it manages "
                                                "alliances")


def test_the_wage_rises_falls_or_stays() -> None:
    assert wage_words(1.0, 1.04) == "professionals' wage rose 4% (to 1.04 FTE-years)"
    assert wage_words(1.0, 0.9) == "professionals' wage fell 10% (to 0.90 FTE-years)"
    assert wage_words(1.0, 1.001) == "professionals' wage stayed at 1.00 FTE-years"


def test_a_year_in_one_sentence() -> None:
    before = np.array([NONE] * 12 + [FUNCTION] * 3)
    after = np.array([FUNCTION] * 12 + [NONE] * 3)
    figures = {"wage": 1.04, "ended_dedicated": 8, "failed_dedicated": 4,
               "ended_transversal": 12, "failed_transversal": 5, "ended_none": 0,
               "failed_none": 0}
    assert year_sentence(7, before, after, 1.0, figures, 14) == (
        "Year 7: 12 organizations created an alliance function, 3 closed theirs; "
        "professionals' wage rose 4% (to 1.04 FTE-years); 14 alliances founded, "
        "9 of 20 alliances that ended failed.")
    quiet = {**figures, "wage": 1.0, "ended_dedicated": 0, "failed_dedicated": 0,
             "ended_transversal": 0, "failed_transversal": 0}
    assert year_sentence(8, after, after, 1.0, quiet, 1) == (
        "Year 8: no organization changed how it manages alliances; professionals' wage "
        "stayed at 1.00 FTE-years; 1 alliance founded, no alliance ended.")


def test_sentences_agree_with_the_profession_table(five_years) -> None:
    for year in five_years.years[1:]:
        f = year.figures
        ended = int(f["ended_dedicated"] + f["ended_transversal"] + f["ended_none"])
        failed = int(f["failed_dedicated"] + f["failed_transversal"] + f["failed_none"])
        expected = f"{failed} of {ended} alliance" if ended else "no alliance ended"
        assert expected in year.sentence


def test_the_feed_escapes_and_puts_the_newest_first(five_years) -> None:
    html = year_feed_html(five_years.years)
    assert html.index('data-year="5"') < html.index('data-year="1"')
    hostile = replace(five_years.years[0], sentence="<script>alert(1)</script>")
    assert "<script" not in year_feed_html([hostile])


def test_the_glossary_explains_the_practices() -> None:
    from alliancesim.app.words import glossary_codes
    from alliancesim.ecosystem.parameters import PRACTICES

    assert set(PRACTICES) - glossary_codes() == set()


# --- the picture ------------------------------------------------------------------------------
def test_the_layout_is_fixed_spread_and_grouped_by_sector(five_years) -> None:
    traits = five_years.model.orgs.traits
    xy = np.array(sector_layout(traits))
    assert xy.shape == (SMALL, 2)
    assert np.array_equal(xy, np.array(five_years.layout))
    wide = np.array(five_years.wide_layout)
    assert np.ptp(wide[:, 0]) > 2.5 * np.ptp(wide[:, 1]), "one row on a projector"
    nearest = min(np.linalg.norm(a - b) for a, b in itertools.combinations(xy, 2))
    assert nearest > 0.005, "no organization covers another"
    for sector in np.unique(traits.sector):
        inside = xy[traits.sector == sector]
        outside = xy[traits.sector != sector]
        centre = inside.mean(axis=0)
        reach = np.linalg.norm(inside - centre, axis=1).max()
        assert np.linalg.norm(outside - centre, axis=1).min() > reach, "groups apart"


def test_the_network_colours_practices_and_draws_this_years_ties(five_years) -> None:
    option = ecosystem_network_option(five_years)
    series = option["series"][0]
    organizations = [n for n in series["data"] if not n["name"].startswith("__sector")]
    assert len(organizations) == SMALL
    assert len({n["name"] for n in series["data"]}) == len(series["data"]), "unique names"
    practices = five_years.years[-1].practice
    assert [n["category"] for n in organizations] == practices.tolist()
    assert len(series["links"]) == len(five_years.years[-1].ties)
    assert [c["itemStyle"]["color"] for c in series["categories"]] == [
        PRACTICE_COLOURS[p] for p in ("none", "trained", "function")]


def test_organizations_keep_their_places_from_year_to_year(settings: EcoSettings) -> None:
    run = start_ecosystem(settings)

    def places() -> list[tuple[float, float]]:
        return [(n["x"], n["y"]) for n in ecosystem_network_option(run)["series"][0]["data"]]

    before = places()
    run.step_year()
    run.step_year()
    assert places() == before


def _simulated_lab(colour: str, matrix: np.ndarray) -> np.ndarray:
    """CIELAB of ``colour`` as seen with a colour-vision deficiency (Machado et al. 2009)."""
    rgb = np.array([int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)])
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    seen = np.clip(matrix @ linear, 0, 1)
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722],
                    [0.0193, 0.1192, 0.9505]]) @ seen / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > 0.008856, np.cbrt(xyz), 7.787 * xyz + 16 / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


DEFICIENCIES = {
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                              [-0.011820, 0.042940, 0.968881]]),
    "protanopia": np.array([[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
                            [-0.003882, -0.048116, 1.051998]]),
    "tritanopia": np.array([[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602],
                            [0.004733, 0.691367, 0.303900]]),
}


@pytest.mark.parametrize("deficiency", sorted(DEFICIENCIES))
def test_the_practice_colours_stay_apart_for_colour_blind_viewers(deficiency: str) -> None:
    matrix = DEFICIENCIES[deficiency]
    for a, b in itertools.combinations(PRACTICE_COLOURS.values(), 2):
        distance = np.linalg.norm(_simulated_lab(a, matrix) - _simulated_lab(b, matrix))
        assert distance > 30, (deficiency, a, b, distance)  # about 2.3 is just noticeable


def test_the_charts_follow_the_years_with_the_failed_share_and_its_interval(five_years) -> None:
    option = ecosystem_charts_option(five_years)
    assert [t["text"] for t in option["title"]] == [p.title for p in ECO_PANELS]
    for series in option["series"]:  # ECharts refuses a series whose axes sit apart
        assert option["xAxis"][series["xAxisIndex"]]["gridIndex"] == \
            option["yAxis"][series["yAxisIndex"]]["gridIndex"], series["name"]
    by_name = {s["name"]: s for s in option["series"]}
    stacked = [by_name[n] for n in ("a dedicated alliance function", "trained staff",
                                    "neither")]
    for year in range(five_years.year + 1):
        assert sum(s["data"][year] for s in stacked) == pytest.approx(100, abs=0.2)
    assert len(by_name["professionals employed"]["data"]) == five_years.year + 1
    assert option["xAxis"][0]["data"] == list(range(five_years.last_year + 1))
    points = 0
    for mode in ("Dedicated manager", "Transversal skill", "No management"):
        for point, low, span in zip(by_name[mode]["data"], by_name[f"{mode} low"]["data"],
                                    by_name[f"{mode} interval"]["data"], strict=True):
            if point is None:  # no alliance of this mode ended that year
                assert low is None and span is None
                continue
            points += 1
            assert low <= point["value"] <= low + span + 0.1
            assert "interval" in point["tooltip"]["formatter"]
    ended = sum(y.figures[f"ended_{m}"] > 0 for y in five_years.years
                for m in ("dedicated", "transversal", "none"))
    assert points == ended


def test_wilson_intervals_are_wide_for_few_endings() -> None:
    few, many = wilson(1, 2), wilson(50, 100)
    assert few[0] < 0.5 < few[1] and many[0] < 0.5 < many[1]
    assert few[1] - few[0] > 2 * (many[1] - many[0])


def test_a_year_of_300_organizations_takes_well_under_a_second() -> None:
    run = start_ecosystem(opening_eco_settings())
    assert len(run.layout) == DEFAULT_SIZE
    run.step_year()  # the first year also loads what the model needs once per process
    took = []
    for _ in range(5):
        started = time.process_time()
        run.step_year()
        took.append(time.process_time() - started)
    # CPU time, so a busy machine does not fail it; the target is the class's, not a result.
    assert max(took) < 1.0, took


# --- the tab's components under solara.render (no browser) ---------------------------------
class EcoHarness:
    """The Ecosystem tab rendered with a fresh page state."""

    def __init__(self) -> None:
        import solara

        from alliancesim.app.channel import use_app_state
        from alliancesim.app.ecosystem_page import EcosystemView

        harness = self

        @solara.component
        def Page() -> None:
            harness.state = use_app_state()
            EcosystemView(harness.state)

        self.box, self.rc = solara.render(Page(), handle_error=False)

    @property
    def run(self):
        return self.state.ecosystem.run.value

    def button(self, label: str):
        import ipyvuetify as v

        return self.rc.find(v.Btn, children=[label]).widget

    def click(self, label: str) -> None:
        self.button(label).click()

    def attribute(self, css_class: str, name: str) -> str:
        from solara.components.echarts import EchartsWidget

        (chart,) = [w for w in self.rc.find(EchartsWidget).widgets
                    if css_class in w.attributes.get("class", "").split()]
        return str(chart.attributes[name])

    def field(self, kind: str, label: str):
        import ipyvuetify as v

        return self.rc.find(getattr(v, kind), label=label).widget


def test_the_tab_steps_a_year_and_redraws_network_charts_and_sentence() -> None:
    h = EcoHarness()
    assert h.run.year == 0 and len(h.run.layout) == DEFAULT_SIZE
    h.click("Step a year")
    assert h.run.year == 1
    assert h.attribute("as-eco-network", "data-year") == "1"
    assert h.attribute("as-eco-charts", "data-year") == "1"
    assert h.run.years[-1].sentence.startswith("Year 1:")


def test_size_seed_and_ties_drawn_are_set_in_the_tab() -> None:
    h = EcoHarness()
    h.click("Step a year")
    h.field("Select", "Organizations").v_model = "100 organizations"
    assert len(h.run.layout) == 100 and h.run.year == 0, "a new size starts afresh"
    seed = h.field("TextField", "Seed")
    seed.v_model = "forty"
    seed.fire_event("keyup.enter", {})
    assert h.state.ecosystem.settings.value.seed == opening_eco_settings().seed
    seed = h.field("TextField", "Seed")
    seed.v_model = "11"
    seed.fire_event("keyup.enter", {})
    assert h.run.settings.seed == 11 and len(h.run.layout) == 100
    for _ in range(3):
        h.click("Step a year")
    every = int(h.attribute("as-eco-network", "data-ties"))
    h.field("Select", "Ties drawn").v_model = "alliances founded this year"
    founded = int(h.attribute("as-eco-network", "data-ties"))
    assert founded == len(h.run.years[-1].new_ties) <= every


def test_play_runs_years_and_pause_stops() -> None:
    h = EcoHarness()
    h.state.ecosystem.speed.set("fast (as fast as it runs)")
    h.click("Play")
    assert wait_for(lambda: h.run.year >= 2, timeout=60), "play advances the years"
    h.click("Pause")
    assert wait_for(lambda: not h.state.ecosystem.playing.value, timeout=60)
    with h.run.lock:  # a year already under way when Pause came has finished
        stopped = h.run.year
    time.sleep(1.0)  # at the test speed, several years would pass in this time
    assert h.run.year == stopped, "paused"
    assert h.button("Step a year").disabled is False


def test_new_ties_are_those_of_alliances_founded_this_year(five_years) -> None:
    year = five_years.years[-1]
    assert set(year.new_ties) <= set(year.ties)
    first_month = 12 * (year.year - 1) + 1
    founded = [live for live in five_years.model.live if live.start_month >= first_month]
    for live in founded:
        for a, b in itertools.combinations(sorted(set(live.ever)), 2):
            assert (a, b) in year.new_ties
    option = ecosystem_network_option(five_years, which="founded")
    assert len(option["series"][0]["links"]) == len(year.new_ties)


# --- in a browser ------------------------------------------------------------------------------
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
YEARS_STEPPED = 3


@pytest.fixture(scope="module")
def app_page(browser, app_server) -> Iterator[object]:
    from alliancesim.app.probe import is_loopback

    app = app_server("app-ecosystem-server.log")
    page = browser.new_page(viewport={"width": 1280, "height": 610})
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"page error: {e}"))
    page.goto(app.url)
    yield page
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "ecosystem-1280x610.png"))
    page.close()
    assert [u for u in requests if not is_loopback(u)] == [], "requests left"
    assert errors == [], f"console errors: {errors}"


@pytest.mark.browser
@pytest.mark.slow
def test_the_ecosystem_tab_steps_years_and_fits_a_projector(app_page) -> None:
    from alliancesim.app.probe import small_text, use_projector

    page = app_page
    started = time.monotonic()
    page.wait_for_selector(".as-network canvas", timeout=60_000)  # the page is up
    page.get_by_role("tab", name="Ecosystem").click()
    page.wait_for_selector(".as-eco-network canvas", timeout=60_000)
    assert page.inner_text(".as-eco-status").startswith("Year 0 of")
    assert "Year 0: of 300 organizations" in page.inner_text(".as-eco-banner")
    for year in range(1, YEARS_STEPPED + 1):
        page.click(".as-eco-step")
        page.wait_for_function(
            "(y) => ['.as-eco-network', '.as-eco-charts'].every(s => document"
            ".querySelector(s).getAttribute('data-year') === String(y))"
            " && document.querySelector('.as-eco-banner').textContent.startsWith("
            "`Year ${y}:`)", arg=year, timeout=30_000)
    sentence = page.inner_text(".as-eco-banner")
    assert sentence.startswith(f"Year {YEARS_STEPPED}:") and "wage" in sentence
    assert int(page.get_attribute(".as-eco-network", "data-ties")) > 0
    assert page.locator(".as-eco-charts canvas").count() == 1
    assert page.locator(".as-eco-feed .as-eco-sentence").count() == YEARS_STEPPED + 1
    # Projector mode: one 1280x610 screen holds the controls, the sentence, the network
    # and a chart, all text at least 18 px.
    use_projector(page)
    page.wait_for_selector(".as-eco-stage .as-eco-charts canvas")
    page.click(".as-eco-step")
    page.wait_for_function("() => document.querySelector('.as-eco-banner').textContent"
                           f".startsWith('Year {YEARS_STEPPED + 1}:')", timeout=30_000)
    screen = page.evaluate("""() => {
      const box = (s) => { const b = document.querySelector(s).getBoundingClientRect();
                           return [b.top, b.bottom, b.left, b.right]; };
      return {height: innerHeight, width: innerWidth,
              scroll: document.scrollingElement.scrollHeight,
              parts: ['.as-eco-controls', '.as-eco-banner', '.as-eco-network',
                      '.as-eco-charts'].map(box)};
    }""")
    for top, bottom, left, right in screen["parts"]:
        assert top >= 0 and left >= 0 and bottom <= screen["height"] and \
            right <= screen["width"], screen
    assert screen["scroll"] <= screen["height"], f"the page scrolls: {screen}"
    assert small_text(page) == [], "every text is at least 18 px"
    seconds = time.monotonic() - started
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "ecosystem_browser.json").write_text(json.dumps({"seconds": round(seconds,
                                                                                   1)}))
