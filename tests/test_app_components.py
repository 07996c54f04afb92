"""The teaching app's components, rendered with ``solara.render`` (no browser, no server)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import ipyvuetify as v
import pytest
import solara
from solara.components.echarts import EchartsWidget
from solara.widgets import HTML as HTMLWidget

from alliancesim.app import channel as channel_module
from alliancesim.app import components, panels
from alliancesim.app.components import AppState, ComparisonView, LiveView, Sidebar
from alliancesim.app.scenarios import list_scenarios
from alliancesim.app.sidebar import slider_label
from alliancesim.app.state import CLASSROOM_MEMBERS, Settings
from alliancesim.params import PARAMETERS, PARAMETERS_BY_NAME, defaults, validate_parameters
from alliancesim.scenarios.loading import SCENARIOS_ENV, scenarios_folder
from conftest import wait_for

SCENARIO = """
name = "Twelve transversal"
description = "Twelve members who all practise alliance management."
teaching_seed = 5
[parameters]
n_members = 12
management_mode = "transversal"
[[timeline]]
month = 2
kind = "training"
amount = 0.3
"""
FAST = "test speed (50 months/s)"


N_DEFAULT = int(defaults()["n_members"])
assert N_DEFAULT != 12, "the tests change n_members to 12"


class Harness:
    """Renders the sidebar and one view with a fresh state, and keeps hold of that state."""

    def __init__(self, view: Callable[[AppState], Any], settings: Settings | None = None,
                 sidebar: bool = True):
        self.state: AppState | None = None
        harness = self

        @solara.component
        def Page() -> None:
            state = components.use_app_state(settings)
            harness.state = state
            if sidebar:
                Sidebar(state)
            view(state)

        self.box, self.rc = solara.render(Page(), handle_error=False)

    @property
    def live(self):
        assert self.state is not None
        return self.state.live.run.value.models[0]

    @property
    def story(self):
        assert self.state is not None
        return self.state.live.run.value.watched[0].story

    def button(self, label: str) -> v.Btn:
        return self.rc.find(v.Btn, children=[label]).widget

    def with_class(self, css_class: str) -> list[Any]:
        """Widgets carrying ``css_class`` (as a Vue class or an HTML attribute)."""
        found = []
        candidates = [w for kind in (v.Html, v.Alert, HTMLWidget, EchartsWidget)
                      for w in self.rc.find(kind).widgets]
        for widget in candidates:
            attributes = getattr(widget, "attributes", None) or {}
            classes = f"{getattr(widget, 'class_', '') or ''} {attributes.get('class', '')}"
            if css_class in classes.split():
                found.append(widget)
        return found

    def texts(self, css_class: str) -> list[str]:
        return [_text(w) for w in self.with_class(css_class)]

    def play_until_paused(self, timeout: float = 20.0) -> None:
        assert self.state is not None
        live, before = self.state.live, self.live.month
        self.button("Play").click()
        assert wait_for(lambda: self.live.month > before and not live.playing.value
                        and self.rc.find(v.Btn, children=["Play"]).widgets != [],
                        timeout), "play stops by itself"


def _text(widget: Any) -> str:
    if isinstance(widget, HTMLWidget):
        return str(widget.unsafe_innerHTML)
    children = getattr(widget, "children", None)
    return " ".join(str(c) for c in children) if children else ""


def chart_months(widget: EchartsWidget) -> int:
    return int(widget.attributes["data-month"])


@pytest.fixture
def scenarios(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "twelve.toml").write_text(SCENARIO)
    monkeypatch.setenv(SCENARIOS_ENV, str(tmp_path))
    return tmp_path


@pytest.fixture
def fast(monkeypatch: pytest.MonkeyPatch) -> str:
    """A play speed only the tests use, so playing to a key moment takes little time."""
    monkeypatch.setitem(panels.SPEEDS, FAST, 50.0)
    return FAST


def departure_settings() -> Settings:
    """Manager departure on its teaching seed, as the picker opens it."""
    (choice,) = [c for c in list_scenarios(scenarios_folder()) if c.name == "Manager departure"]
    return channel_module.settings_for(choice)


# --- stepping, resetting, seeds ---------------------------------------------------------------
def test_step_advances_the_month_the_charts_and_the_feed() -> None:
    h = Harness(LiveView, Settings())
    assert h.texts("as-month")[0].startswith("Month 0")
    (network,), (charts,) = h.with_class("as-network"), h.with_class("as-charts")
    before = len(charts.option["series"][0]["data"])
    feed_before = len(h.story.feed)
    for _ in range(3):
        h.button("Step").click()
    assert h.texts("as-month")[0].startswith("Month 3")
    assert chart_months(network) == chart_months(charts) == 3
    assert len(charts.option["series"][0]["data"]) == before + 3
    (feed,) = h.with_class("as-feed")
    assert len(h.story.feed) > feed_before
    assert h.story.feed[-1].sentence in feed.unsafe_innerHTML.replace("&#x27;", "'")


def test_reset_with_a_changed_parameter_starts_a_fresh_alliance_with_it() -> None:
    h = Harness(LiveView, Settings())
    h.button("Step").click()
    old = h.live
    n = PARAMETERS_BY_NAME["n_members"]
    slider = h.rc.find(v.Slider, label=slider_label(n, N_DEFAULT)).widget
    slider.v_model = 12
    (pending,) = h.texts("as-pending")
    assert "Members sought" in pending and "n_members" not in pending
    assert h.live is old and h.live.p["n_members"] == N_DEFAULT
    h.button("Reset").click()
    assert h.live is not old
    assert h.live.p["n_members"] == 12 and h.live.month == 0
    assert "aiming for 12" in h.texts("as-month")[0]
    assert not h.with_class("as-pending")


def test_a_bad_seed_gives_a_message_and_keeps_the_old_seed() -> None:
    h = Harness(LiveView, Settings())
    field = h.rc.find(v.TextField, label=components.SEED_LABEL).widget
    field.v_model = "twelve"
    field.fire_event("keyup.enter", {})
    assert h.state is not None and h.state.settings.value.seed == 1
    assert field.error and "whole number" in field.messages[0]
    h.button("Reset").click()  # still works, with the old seed
    assert h.live.month == 0
    field = h.rc.find(v.TextField, label=components.SEED_LABEL).widget
    field.v_model = "7"
    field.fire_event("keyup.enter", {})
    assert not field.error
    h.button("Reset").click()
    assert h.state.live.run.value.settings.seed == 7


def test_play_runs_and_pause_stops(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(panels.SPEEDS, "test speed (10 months/s)", 10.0)
    h = Harness(LiveView, Settings())
    assert h.state is not None
    h.state.pause.set(False)
    h.state.speed.set("test speed (10 months/s)")
    h.button("Play").click()
    assert wait_for(lambda: h.live.month >= 3, timeout=120), "playing advances the months"
    h.button("Pause").click()
    paused_at = h.live.month
    assert wait_for(lambda: h.button("Step").disabled is False, timeout=120)
    # A step already under way when Pause was clicked may still land, but no other: five
    # months of play at this speed, however busy the machine, must not happen.
    time.sleep(0.5)
    assert h.live.month <= paused_at + 1
    assert not h.state.live.playing.value


def test_the_speed_labels_say_the_rate_the_play_loop_keeps() -> None:
    for label, rate in channel_module.SPEEDS.items():
        assert f"({rate:g} month" in label
    assert channel_module.DEFAULT_SPEED in channel_module.SPEEDS


def test_the_pacer_counts_the_step_time_toward_the_wait() -> None:
    now = [0.0]
    pacer = channel_module.Pacer(2.0, clock=lambda: now[0])
    assert pacer.wait() == pytest.approx(0.5)
    now[0] = 0.5
    pacer.stepped()
    now[0] = 0.7  # the step and its redraw took 0.2 s
    assert pacer.wait() == pytest.approx(0.3)
    now[0] = 1.1  # this step ran 0.1 s late: the next one keeps the pace
    pacer.stepped()
    assert pacer.wait() == pytest.approx(0.4)
    now[0] = 3.0  # far behind: only one interval is made up, then the steady pace again
    pacer.stepped()
    assert pacer.wait() == 0.0
    pacer.stepped()
    assert pacer.wait() == 0.0
    pacer.stepped()
    assert pacer.wait() == pytest.approx(0.5)


# --- scenarios and teaching seeds ---------------------------------------------------------------
def test_the_app_opens_on_the_baseline_scenario_on_its_teaching_seed() -> None:
    settings = channel_module.opening_settings()
    assert settings.scenario == "Baseline"
    assert settings.seed == settings.teaching_seed is not None
    h = Harness(LiveView)
    assert h.state is not None and h.state.live.run.value.settings == settings
    assert "its teaching seed" in h.texts("as-run-caption")[0]


def test_the_scenario_picker_opens_a_scenario_on_its_teaching_seed(scenarios: Path) -> None:
    h = Harness(LiveView, Settings())
    picker = h.rc.find(v.Select, label="Scenario").widget
    picker.v_model = "Twelve transversal"
    assert h.live.p["n_members"] == 12
    assert h.live.management.mode == "transversal"
    assert h.state is not None and h.state.live.run.value.settings.seed == 5
    assert h.rc.find(v.TextField, label=components.SEED_LABEL).widget.v_model == "5"
    assert any("Twelve members" in t for t in h.texts("as-scenario-description"))
    for _ in range(2):
        h.button("Step").click()
    assert any("training programme" in m.sentence and m.month == 2 for m in h.story.moments)
    h.button("Back to defaults").click()
    assert h.state.settings.value.scenario == ""
    assert h.with_class("as-pending"), "the scenario change waits for Reset"
    assert h.live.p["n_members"] == 12
    h.button("Reset").click()
    assert h.live.p == defaults()
    picker.v_model = "Twelve transversal"
    picker.v_model = components.NO_SCENARIO
    assert h.live.p["n_members"] == N_DEFAULT and h.live.month == 0


def test_a_broken_scenario_file_gives_a_message_not_a_crash(scenarios: Path) -> None:
    (scenarios / "broken.toml").write_text('name = "Broken"\n[parameters]\nhorizon = -1\n')
    h = Harness(LiveView, Settings())
    old = h.live
    h.rc.find(v.Select, label="Scenario").widget.v_model = "broken"
    errors = h.with_class("as-scenario-error")
    assert errors and h.live is old


def test_a_parameter_conflict_is_explained_and_not_applied() -> None:
    h = Harness(LiveView, Settings())
    assert h.state is not None
    groups = list(dict.fromkeys(p.group for p in PARAMETERS))
    h.rc.find(v.ExpansionPanels).widget.v_model = [0, groups.index("founding")]
    shared = PARAMETERS_BY_NAME["shared_max_members"]
    slider = h.rc.find(v.Slider, label=slider_label(shared,
                                                    defaults()["shared_max_members"])).widget
    slider.v_model = int(defaults()["lead_max_members"]) + 1
    errors = h.with_class("as-parameter-error")
    assert errors and "shared_max_members" in str(errors[0].children)
    assert h.state.settings.value.params["shared_max_members"] == \
        defaults()["shared_max_members"]


# --- key moments, pauses and the end --------------------------------------------------------------
def test_play_pauses_at_the_managers_departure_with_a_banner(fast: str) -> None:
    h = Harness(LiveView, departure_settings(), sidebar=False)
    assert h.state is not None
    h.state.speed.set(fast)
    pauses = []
    while h.live.month < 24:
        h.play_until_paused()
        pauses.append(h.live.month)
        assert h.state.live.run.value.fresh, "play stops only at a key moment"
    assert 24 in pauses
    # The page is redrawn just after play stops: wait for the banner to say so.
    assert wait_for(lambda: "Paused at a key moment" in "".join(h.texts("as-moment")))
    (banner,) = h.with_class("as-moment")
    text = _text(banner)
    assert "as-moment-fresh" in banner.attributes["class"].split()
    assert "Month 24: the alliance manager" in text and "left, as this scenario plans" in text
    assert "until the successor this scenario appoints in month 30" in text
    assert "Paused at a key moment" in text
    (charts,) = h.with_class("as-charts")
    assert "24" in charts.attributes["data-markers"].split(",")
    assert "no manager in post since month 24" in h.texts("as-month")[0]


def test_without_pauses_play_runs_through_key_moments(fast: str) -> None:
    h = Harness(LiveView, departure_settings(), sidebar=False)
    assert h.state is not None
    h.state.speed.set(fast)
    h.state.pause.set(False)
    h.button("Play").click()
    # Wait for a state, not a time: play goes past month 30, or stops. Stopping before
    # then would be a pause at a key moment (the departure at 24, the successor at 30);
    # whether play is still going after month 30 depends on how fast the machine is.
    assert wait_for(lambda: h.live.month > 30 or not h.state.live.playing.value, timeout=300)
    stopped_at = h.live.month
    h.state.live.playing.set(False)
    assert stopped_at > 30, f"play stopped at month {stopped_at}, at a key moment"
    assert len({m.month for m in h.story.moments if m.month <= 30}) > 2


def short_settings(horizon: int = 30, **params: Any) -> Settings:
    return Settings(params=validate_parameters({"horizon": horizon, **params}), seed=3)


def test_the_end_summary_explains_the_ending_with_questions() -> None:
    h = Harness(LiveView, short_settings(), sidebar=False)
    assert not h.with_class("as-summary")
    while h.live.running:
        h.button("Step").click()
    (summary,) = h.with_class("as-summary")
    html = summary.unsafe_innerHTML
    assert summary.attributes["data-outcome"] in ("still running", "completed", "dissolved")
    for part in ("Lifetime", "Value against ambition", "Members", "Turning points",
                 "For discussion"):
        assert part in html
    assert 2 <= html.count("<li>", html.index("For discussion")) <= 3
    assert any(i.kind in ("horizon", "ended") for i in h.story.feed), "the feed says so"


def dissolving_settings() -> Settings:
    from alliancesim.scenarios.stories import run_tracked

    for seed in range(1, 100):
        model, _ = run_tracked(defaults(), seed, ())
        if model.outcome == "dissolved" and model.outcome_record()["end_month"] < 60:
            return Settings(seed=seed)
    pytest.fail("no seed in 1..99 dissolves before month 60")


def test_a_dissolved_alliance_is_shown_as_dissolved_not_committed() -> None:
    h = Harness(LiveView, dissolving_settings(), sidebar=False)
    while h.live.running:
        h.button("Step").click()
    assert h.texts("as-month")[0].split(" · ")[1].startswith("dissolved")
    (network,) = h.with_class("as-network")
    nodes = [n for n in network.option["series"][0]["data"] if not n["name"].startswith("__")]
    active = {m.name for m in h.live.members}
    assert all(n["itemStyle"]["color"] == "#9e9e9e" for n in nodes if n["name"] in active)
    assert any("dissolved in month" in t for t in h.texts("as-network-legend"))


def test_an_alliance_that_ends_before_a_scheduled_entry_says_so() -> None:
    from alliancesim.scenarios import scenario_from_dict, scheduled_entries

    scenario = scenario_from_dict({"name": "Late", "timeline": [
        {"month": 119, "kind": "shock", "severity": 0.4}]})
    settings = dissolving_settings()
    h = Harness(LiveView, Settings(params=scenario.params(), seed=settings.seed,
                                   timeline=scheduled_entries(scenario), scenario="Late"),
                sidebar=False)
    while h.live.running:
        h.button("Step").click()
    assert "ended before an external shock planned for month 119" in h.texts("as-month")[0]
    assert "before an external shock planned for month 119" in h.story.feed[-1].sentence


# --- projector mode -----------------------------------------------------------------------------
def test_projector_mode_hides_the_setup_enlarges_and_caps_the_members() -> None:
    from alliancesim.app.components import App

    settings = Settings(params=validate_parameters({"n_members": 60}), seed=2)
    _, rc = solara.render(App(settings), handle_error=False)
    assert rc.find(HTMLWidget, unsafe_innerHTML="Set-up").widgets
    rc.find(v.Switch, label="Projector mode").widget.v_model = True
    assert not rc.find(HTMLWidget, unsafe_innerHTML="Set-up").widgets
    assert any("as-projector" in (w.class_ or "").split() for w in rc.find(v.Html).widgets)
    (network,) = [w for w in rc.find(EchartsWidget).widgets
                  if "as-network" in w.attributes["class"]]
    assert network.option["series"][0]["label"]["fontSize"] >= 18
    (caption,) = rc.find(v.Html, class_="as-caption as-run-caption").widgets
    assert f"capped at {CLASSROOM_MEMBERS}" in caption.children[0]
    assert "asks for 60" in caption.children[0]


# --- the comparison -----------------------------------------------------------------------------
def test_the_comparison_shows_the_same_alliance_under_two_modes() -> None:
    settings = Settings(params=validate_parameters({"n_members": 12}), seed=4)
    h = Harness(ComparisonView, settings)
    sides = h.texts("as-compare-month")
    assert len(sides) == 2 and all(s.startswith("Month 0") for s in sides)
    assert h.state is not None
    left, right = h.state.pair.run.value.models
    assert (left.management.mode, right.management.mode) == ("dedicated", "transversal")
    assert "seed 4" in h.texts("as-run-caption")[0]
    assert "same members" in h.texts("as-divergence")[0]
    for _ in range(4):
        h.button("Step").click()
    assert all(s.startswith("Month 4") for s in h.texts("as-compare-month"))
    h.rc.find(v.Select, label="Right").widget.v_model = "none"
    left, right = h.state.pair.run.value.models
    assert right.management.mode == "none" and right.month == 0


def test_the_comparison_says_when_its_members_diverge() -> None:
    h = Harness(ComparisonView, Settings(seed=2), sidebar=False)  # soon different members
    for _ in range(6):
        h.button("Step").click()
    text = h.texts("as-divergence")[0]
    assert "from month" in text and "only in the" in text


def test_the_comparison_has_its_own_pending_banner() -> None:
    @solara.component
    def Both(state: AppState) -> None:
        LiveView(state)
        ComparisonView(state)

    h = Harness(Both, Settings())
    field = h.rc.find(v.TextField, label=components.SEED_LABEL).widget
    field.v_model = "9"
    field.fire_event("keyup.enter", {})
    assert len(h.with_class("as-pending")) == 2
    resets = h.rc.find(v.Btn, children=["Reset"]).widgets
    resets[1].click()  # the comparison's Reset
    assert h.state is not None and h.state.pair.run.value.settings.seed == 9
    assert len(h.with_class("as-pending")) == 1, "the live view still waits for its Reset"


@pytest.mark.slow
def test_the_panel_runs_100_paired_seeds_in_the_background() -> None:
    h = Harness(ComparisonView, Settings(seed=2), sidebar=False)
    assert h.state is not None
    h.button("Run over 100 seeds").click()
    assert wait_for(lambda: h.state.many.value.done, timeout=120), "the panel finishes"
    many = h.state.many.value
    assert len(many.runs) == 100 and len({r.index for r in many.runs}) == 100
    assert wait_for(lambda: bool(h.with_class("as-many-chart")))
    (chart,) = h.with_class("as-many-chart")
    assert chart.attributes["data-runs"] == "100"
    (text,) = h.with_class("as-many-text")
    assert "Over 100 paired seeds" in text.unsafe_innerHTML


# --- clicker keys, the kinds of moment that stop play, the projector's stage ----------------------
def test_clicker_keys_step_and_play_to_the_next_stop(fast: str) -> None:
    from alliancesim.app.keys import ClickerKeysWidget

    h = Harness(LiveView, departure_settings(), sidebar=False)
    assert h.state is not None
    h.state.speed.set(fast)
    (keys,) = h.rc.find(ClickerKeysWidget).widgets
    keys.vue_clicker_key("ArrowRight")
    assert h.live.month == 1, "the right arrow steps one month"
    keys.vue_clicker_key(" ")
    assert wait_for(lambda: not h.state.live.playing.value and h.live.month > 1, timeout=120)
    assert h.live.month == 3, "space plays to the next stop (a new phase in month 3)"
    keys.vue_clicker_key("Escape")
    assert h.live.month == 3 and not h.state.live.playing.value


def test_unticking_a_kind_of_moment_plays_past_it(fast: str) -> None:
    h = Harness(LiveView, departure_settings(), sidebar=False)
    assert h.state is not None
    h.state.speed.set(fast)
    h.state.pause_kinds.set(frozenset({"scheduled"}))
    h.button("Play").click()
    assert wait_for(lambda: not h.state.live.playing.value and h.live.month > 0, timeout=120)
    assert h.live.month == 24, "the new phases no longer stop play; the planned departure does"


def test_the_projector_stage_shows_the_description_then_the_chart_that_matters() -> None:
    from alliancesim.app.components import App

    _, rc = solara.render(App(departure_settings()), handle_error=False)
    rc.find(v.Switch, label="Projector mode").widget.v_model = True
    intro = [_text(w) for w in rc.find(HTMLWidget).widgets
             if "as-intro" in (w.attributes or {}).get("class", "")]
    assert intro and "manager leaves after two years" in intro[0]
    (stage,) = [w for w in rc.find(EchartsWidget).widgets
                if "as-stage-chart" in w.attributes["class"]]
    assert stage.attributes["data-panel"] == "Value"
    assert not [w for w in rc.find(EchartsWidget).widgets
                if "as-charts" in w.attributes["class"]], "the four charts wait for Details"
