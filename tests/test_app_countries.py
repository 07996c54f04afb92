"""The teaching app and real countries: a country for each founder, the country set, the hover."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import ipyvuetify as v
import numpy as np
import pytest
import solara

from alliancesim.app import components
from alliancesim.app.compare_view import many_request
from alliancesim.app.components import AppState, ComparisonView, LiveView, Sidebar
from alliancesim.app.layout import alliance_layout
from alliancesim.app.panels import pending_changes
from alliancesim.app.scenarios import list_scenarios
from alliancesim.app.sidebar import FROM_THE_SET, country_items
from alliancesim.app.state import Settings, start_comparison, start_live
from alliancesim.app.views import member_hover, network_legend_html, network_option
from alliancesim.app.words import choice_items, parameter_label, value_words
from alliancesim.culture import Partners
from alliancesim.params import PARAMETERS_BY_NAME
from alliancesim.scenarios.loading import SCENARIOS_ENV

FOUNDER = "Country of founding member {}"


class Page:
    """The sidebar and one view, rendered with a fresh state (no browser)."""

    def __init__(self, view: Any, settings: Settings | None = None) -> None:
        self.state: AppState | None = None
        page = self

        @solara.component
        def Root() -> None:
            state = components.use_app_state(settings)
            page.state = state
            Sidebar(state)
            view(state)

        self.box, self.rc = solara.render(Root(), handle_error=False)

    def picker(self, place: int) -> v.Autocomplete:
        return self.rc.find(v.Autocomplete, label=FOUNDER.format(place)).widget

    def click(self, label: str) -> None:
        self.rc.find(v.Btn, children=[label]).widget.click()



def test_a_picker_for_each_founder_lists_the_countries_by_name() -> None:
    items = country_items()
    assert items[0] == {"text": FROM_THE_SET, "value": ""}
    names = [i["text"] for i in items[1:]]
    assert len(names) == 101 and names == sorted(names, key=str.casefold)
    assert {"text": "Japan", "value": "JPN"} in items


def test_choosing_the_founders_countries_waits_for_reset_then_starts_with_them() -> None:
    page = Page(LiveView, Settings())
    assert page.state is not None
    page.picker(1).v_model = "JPN"
    page.picker(2).v_model = "BRA"
    assert page.state.settings.value.partners == Partners(("JPN", "BRA"))
    live = page.state.live.run.value
    assert "founders' countries" in pending_changes(page.state.settings.value, live.settings)
    assert [m.country for m in live.models[0].members] == ["", ""]
    page.click("Reset")
    model = page.state.live.run.value.models[0]
    assert [m.country for m in model.members] == ["Japan", "Brazil"]
    page.picker(2).v_model = ""
    assert page.state.settings.value.partners == Partners(("JPN",))


def test_the_network_hover_names_the_country() -> None:
    run = start_live(Settings(partners=Partners(("NET", "KOR"))))
    watched = run.watched[0]
    option = network_option(watched.model, watched.layout)
    hovers = [node["tooltip"]["formatter"] for node in option["series"][0]["data"]
              if "tooltip" in node and "formatter" in node["tooltip"]]
    assert any("from Netherlands" in h for h in hovers)
    assert any("from Korea South" in h for h in hovers)
    assert "Hover</b> a member to see its sector and country" in network_legend_html(
        watched.model)
    synthetic = start_live(Settings()).models[0].members[0]
    assert " from " not in member_hover(synthetic)


def test_the_comparison_and_the_100_seed_panel_use_the_founders_countries() -> None:
    settings = Settings(partners=Partners(("SPA", "MEX")))
    run = start_comparison(settings)
    for model in run.models:
        assert [m.country for m in model.members] == ["Spain", "Mexico"]
    request = many_request(run, ("dedicated", "transversal"))
    assert request.params["partners"] == Partners(("SPA", "MEX"))


def test_a_scenario_with_partners_opens_with_them_and_no_scenario_clears_them(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "pair.toml").write_text(
        'name = "Dutch and Japanese"\ndescription = "Two founders from far apart."\n'
        '[partners]\ncountries = ["Netherlands", "Japan"]\n')
    monkeypatch.setenv(SCENARIOS_ENV, str(tmp_path))
    (choice,) = list_scenarios(tmp_path)
    assert choice.partners == Partners(("NET", "JPN"))
    page = Page(LiveView, Settings())
    assert page.state is not None
    page.rc.find(v.Select, label="Scenario").widget.v_model = "Dutch and Japanese"
    model = page.state.live.run.value.models[0]
    assert [m.country for m in model.members] == ["Netherlands", "Japan"]
    assert page.picker(1).v_model == "NET" and page.picker(2).v_model == "JPN"
    page.rc.find(v.Select, label="Scenario").widget.v_model = components.NO_SCENARIO
    assert page.state.settings.value.partners == Partners()


def test_the_country_set_is_offered_in_words() -> None:
    param = PARAMETERS_BY_NAME["country_set"]
    assert parameter_label(param) == "Partners' countries"
    texts = [item["text"] for item in choice_items(param)]
    assert "_" not in " ".join(texts) and "four continents" in texts
    assert value_words(param, "synthetic") == "made up (no real countries)"


def test_countries_without_some_scores_still_get_a_place_in_the_picture() -> None:
    run = start_live(Settings(partners=Partners(("ALB", "GUA"))))
    model = run.models[0]
    assert np.isnan(model.pool.culture).any()
    places = alliance_layout(model, 1)
    assert len(places) == len(model.pool)
    assert all(np.isfinite(xy).all() for xy in places.values())


def test_the_comparison_view_renders_with_countries() -> None:
    page = Page(ComparisonView, Settings(partners=Partners(("CHI", "USA"))))
    assert page.state is not None
    page.click("Step")
    for model in page.state.pair.run.value.models:
        assert model.month == 1
