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

from alliancesim.app import components
from alliancesim.app.components import AppState, ComparisonView, LiveView, Sidebar
from alliancesim.app.state import Settings
from alliancesim.params import PARAMETERS, defaults, validate_parameters
from alliancesim.scenarios.loading import SCENARIOS_ENV

SCENARIO = """
name = "Twelve transversal"
description = "Twelve members who all practise alliance management."
[parameters]
n_members = 12
management_mode = "transversal"
[[timeline]]
month = 2
kind = "training"
amount = 0.3
"""


N_DEFAULT = int(defaults()["n_members"])
assert N_DEFAULT != 12, "the tests change n_members to 12"


class Harness:
    """Renders the sidebar and one view with a fresh state, and keeps hold of that state."""

    def __init__(self, view: Callable[[AppState], Any], settings: Settings | None = None):
        self.state: AppState | None = None
        harness = self

        @solara.component
        def Page() -> None:
            state = components.use_app_state(settings)
            harness.state = state
            Sidebar(state)
            view(state)

        self.box, self.rc = solara.render(Page(), handle_error=False)

    @property
    def live(self):
        assert self.state is not None
        return self.state.live.run.value.models[0]

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
        return [str(w.children[0]) if getattr(w, "children", None) else ""
                for w in self.with_class(css_class)]


def chart_months(widget: EchartsWidget) -> int:
    return int(widget.attributes["data-month"])


def wait_for(condition: Callable[[], bool], timeout: float = 10.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


@pytest.fixture
def scenarios(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "twelve.toml").write_text(SCENARIO)
    monkeypatch.setenv(SCENARIOS_ENV, str(tmp_path))
    return tmp_path


def test_step_advances_the_month_the_charts_and_the_feed() -> None:
    h = Harness(LiveView)
    assert h.texts("as-month")[0].startswith("Month 0")
    (network,), (charts,) = h.with_class("as-network"), h.with_class("as-charts")
    before = len(charts.option["series"][0]["data"])
    events_before = len(h.live.events)
    for _ in range(3):
        h.button("Step").click()
    assert h.texts("as-month")[0].startswith("Month 3")
    assert chart_months(network) == chart_months(charts) == 3
    assert len(charts.option["series"][0]["data"]) == before + 3
    (feed,) = h.with_class("as-feed")
    assert len(h.live.events) > events_before
    assert h.live.events[-1].sentence() in feed.unsafe_innerHTML.replace("&#x27;", "'")


def test_reset_with_a_changed_parameter_starts_a_fresh_alliance_with_it() -> None:
    h = Harness(LiveView)
    h.button("Step").click()
    old = h.live
    slider = h.rc.find(v.Slider, label=f"n members: {N_DEFAULT}").widget
    slider.v_model = 12
    assert h.with_class("as-pending"), "a pending change is announced"
    assert h.live is old and h.live.p["n_members"] == N_DEFAULT
    h.button("Reset").click()
    assert h.live is not old
    assert h.live.p["n_members"] == 12 and h.live.month == 0
    assert "aiming for 12" in h.texts("as-month")[0]
    assert not h.with_class("as-pending")


def test_a_bad_seed_gives_a_message_and_keeps_the_old_seed() -> None:
    h = Harness(LiveView)
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


def test_play_runs_and_pause_stops() -> None:
    h = Harness(LiveView)
    assert h.state is not None
    h.state.speed.set("fast (10/s)")
    h.button("Play").click()
    assert wait_for(lambda: h.live.month >= 3), "playing advances the months"
    h.button("Pause").click()
    time.sleep(0.3)  # let a step already under way finish
    paused_at = h.live.month
    time.sleep(0.5)
    assert h.live.month == paused_at
    assert h.button("Step").disabled is False


def test_the_scenario_picker_loads_a_scenario(scenarios: Path) -> None:
    h = Harness(LiveView)
    picker = h.rc.find(v.Select, label="Scenario").widget
    picker.v_model = "Twelve transversal"
    assert h.live.p["n_members"] == 12
    assert h.live.management.mode == "transversal"
    assert any("Twelve members" in t for t in h.texts("as-scenario-description"))
    for _ in range(2):
        h.button("Step").click()
    assert any(e.kind == "intervention" and e.month == 2 for e in h.live.events)
    h.button("Back to defaults").click()
    assert h.state is not None and h.state.settings.value.scenario == ""
    assert h.with_class("as-pending"), "the scenario change waits for Reset"
    assert h.live.p["n_members"] == 12
    h.button("Reset").click()
    assert h.live.p == defaults()
    picker.v_model = "Twelve transversal"
    picker.v_model = components.NO_SCENARIO
    assert h.live.p["n_members"] == N_DEFAULT and h.live.month == 0


def test_a_broken_scenario_file_gives_a_message_not_a_crash(scenarios: Path) -> None:
    (scenarios / "broken.toml").write_text('name = "Broken"\n[parameters]\nhorizon = -1\n')
    h = Harness(LiveView)
    old = h.live
    h.rc.find(v.Select, label="Scenario").widget.v_model = "broken"
    errors = h.with_class("as-scenario-error")
    assert errors and h.live is old


def test_the_comparison_shows_the_same_alliance_under_two_modes() -> None:
    settings = Settings(params=validate_parameters({"n_members": 12}), seed=4)
    h = Harness(ComparisonView, settings)
    sides = h.texts("as-compare-month")
    assert len(sides) == 2 and all(s.startswith("Month 0") for s in sides)
    assert h.state is not None
    left, right = h.state.pair.run.value.models
    assert (left.management.mode, right.management.mode) == ("dedicated", "transversal")
    for _ in range(4):
        h.button("Step").click()
    assert all(s.startswith("Month 4") for s in h.texts("as-compare-month"))
    h.rc.find(v.Select, label="Right").widget.v_model = "none"
    left, right = h.state.pair.run.value.models
    assert right.management.mode == "none" and right.month == 0


def test_a_parameter_conflict_is_explained_and_not_applied() -> None:
    h = Harness(LiveView)
    assert h.state is not None
    groups = list(dict.fromkeys(p.group for p in PARAMETERS))
    h.rc.find(v.ExpansionPanels).widget.v_model = [0, groups.index("commitment")]
    slider = h.rc.find(v.Slider, label=f"min members: {defaults()['min_members']}").widget
    slider.v_model = N_DEFAULT + 1
    errors = h.with_class("as-parameter-error")
    assert errors and "min_members" in str(errors[0].children)
    assert h.state.settings.value.params["min_members"] == defaults()["min_members"]
