"""The set-up panel: scenario, seed, the founders' countries and every model parameter, in
plain words.

Parameter, seed and country changes wait for Reset; picking a scenario starts it at once, on
its teaching seed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from math import floor, log10
from typing import Any

import solara
from solara.alias import rv

from alliancesim.app.channel import AppState, settings_for
from alliancesim.app.many import ManyState
from alliancesim.app.moments import intervention_words
from alliancesim.app.scenarios import ScenarioChoice, list_scenarios
from alliancesim.app.state import FOUNDERS, SeedError, parse_seed
from alliancesim.app.words import (
    choice_items,
    meaning_words,
    parameter_label,
    value_words,
)
from alliancesim.culture import Partners, countries
from alliancesim.params import PARAMETERS, Parameter, ParameterError, defaults

NO_SCENARIO = "(defaults, no scenario)"
FROM_THE_SET = "(from the partners' countries below)"
FOUNDER_HINT = ("A founder's country gives it that country's published culture scores "
                "(Hofstede); the other partners come from the country set chosen under "
                "'Who takes part', or else from the founders' countries.")
SEED_LABEL = "Seed (whole number; applies on Reset)"
OPEN_GROUPS = (0,)  # the parameter groups shown open at start (composition)
GROUP_NAMES = {"composition": "Who takes part", "organizations": "The organizations",
               "forming": "Forming: finding partners",
               "founding": "Founding: agreeing the rules", "trust": "Trust",
               "commitment": "Commitment", "events": "Conflicts, paradoxes and shocks",
               "conflicts": "Conflicts", "paradoxes": "Paradoxes", "stagnation": "Stagnation",
               "shocks": "External shocks", "value": "Value and ambition",
               "transforming": "Transforming: the re-evaluation", "management": "Management",
               "management work": "Management work and its time", "learning": "Learning",
               "manager": "The dedicated manager"}


def restart_all(state: AppState) -> None:
    """Start both views afresh from the settings (the comparison over many seeds too)."""
    state.live.restart()
    state.pair.restart()
    state.many.set(ManyState())


@solara.component
def ScenarioPicker(state: AppState, compact: bool = False) -> None:
    """Pick a scenario file: its parameters and timeline replace the settings at once, and
    it opens on its teaching seed."""
    choices: list[ScenarioChoice] = solara.use_memo(list_scenarios, [])
    by_name = {c.name: c for c in choices}
    message, set_message = solara.use_state("")
    current = state.settings.value.scenario or NO_SCENARIO

    def pick(name: str | None) -> None:
        if not name or name == NO_SCENARIO:
            state.settings.set(replace(state.settings.value, params=defaults(), timeline=(),
                                       scenario="", teaching_seed=None, partners=Partners(),
                                       description=""))
        else:
            choice = by_name[name]
            if choice.error:
                set_message(choice.error)
                return
            state.settings.set(settings_for(choice, state.settings.value))
        set_message("")
        restart_all(state)

    with solara.Column(gap="4px", classes=["as-scenario"]):
        if not choices:
            solara.Text("No scenario files found.", classes=["as-caption"])
        solara.Select("Scenario", values=[NO_SCENARIO, *by_name], value=current,
                      on_value=pick)
        chosen = by_name.get(current)
        if not compact and chosen is not None and chosen.description:
            solara.Text(chosen.description, classes=["as-caption", "as-scenario-description"])
        if not compact and chosen is not None and chosen.timeline:
            events = "; ".join(f"month {e.month}: {intervention_words(e.intervention)}"
                               for e in chosen.timeline)
            solara.Text(f"Timeline: {events}", classes=["as-caption"])
        if message:
            solara.Error(message, classes=["as-scenario-error"])


@solara.component
def SeedField(state: AppState) -> None:
    """The seed: whole numbers only; anything else gets a message and keeps the old seed.
    A scenario picked sets it to the scenario's teaching seed."""
    settings = state.settings.value
    text, set_text = solara.use_state(str(settings.seed))
    error, set_error = solara.use_state("")
    solara.use_effect(lambda: set_text(str(settings.seed)), [settings.seed])

    def enter(value: str) -> None:
        set_text(value)
        try:
            seed = parse_seed(value)
        except SeedError as problem:
            set_error(str(problem))
            return
        set_error("")
        state.settings.set(replace(state.settings.value, seed=seed))

    solara.InputText(SEED_LABEL, value=text, on_value=enter,
                     error=error or False, continuous_update=False, classes=["as-seed"])
    if settings.teaching_seed is not None:
        note = ("the scenario's teaching seed: what it shows happens on it"
                if settings.on_teaching_seed
                else f"the scenario's teaching seed is {settings.teaching_seed}")
        solara.Text(note.capitalize() + ".", classes=["as-hint", "as-teaching-note"])


def country_items() -> list[dict[str, str]]:
    """The picker's entries: none chosen, then the matrix's countries by name (codes kept)."""
    listed = sorted(countries(), key=lambda c: c.name.casefold())
    return [{"text": FROM_THE_SET, "value": ""},
            *({"text": c.name, "value": c.code} for c in listed)]


@solara.component
def FounderCountries(state: AppState) -> None:
    """A country for each founding member: a picker each, applied on Reset."""
    items = solara.use_memo(country_items, [])
    founders = state.settings.value.founders

    def choose(place: int, code: str | None) -> None:
        state.settings.set(state.settings.value.with_founder(place, code or ""))

    with solara.Column(gap="0px", classes=["as-founders"]):
        for place in range(FOUNDERS):
            # A field to type in: a list of a hundred countries is long to scroll.
            rv.Autocomplete(label=f"Country of founding member {place + 1}", items=items,
                            v_model=founders[place], dense=True,
                            on_v_model=lambda code, place=place: choose(place, code),
                            class_=f"as-founder as-founder-{place + 1}")
        solara.Text(FOUNDER_HINT, classes=["as-hint"])


def slider_step(param: Parameter) -> float:
    """A round step giving about a hundred positions across the range, refined until the
    default sits on a position (so the slider shows the default exactly)."""
    assert param.low is not None and param.high is not None
    span = param.high - param.low
    if span <= 0:
        return 0.1
    step = 10.0 ** floor(log10(span / 100.0))
    while not _on_grid(float(param.default) - param.low, step) and step > span * 1e-6:
        step /= 10.0
    return step


def _on_grid(offset: float, step: float) -> bool:
    positions = offset / step
    return abs(positions - round(positions)) < 1e-6


def parameter_groups() -> dict[str, list[Parameter]]:
    """Parameters grouped by their ``group``, in the order the definition lists them."""
    groups: dict[str, list[Parameter]] = {}
    for param in PARAMETERS:
        groups.setdefault(param.group, []).append(param)
    return groups


def slider_label(param: Parameter, value: Any) -> str:
    """'Members sought: 8 organizations'."""
    return f"{parameter_label(param)}: {value_words(param, value)}"


@solara.component
def ParameterInput(param: Parameter, value: Any, on_value: Callable[[Any], None]) -> None:
    """One parameter as a slider (int or float) or a select (choice), in words."""
    if param.kind == "choice":
        rv.Select(label=parameter_label(param), items=choice_items(param), v_model=value,
                  on_v_model=on_value)
    elif param.kind == "int":
        assert param.low is not None and param.high is not None
        solara.SliderInt(slider_label(param, value), value=int(value), min=int(param.low),
                         max=int(param.high), on_value=on_value)
    else:
        assert param.low is not None and param.high is not None
        solara.SliderFloat(slider_label(param, value), value=float(value), min=param.low,
                           max=param.high, step=slider_step(param), on_value=on_value)
    solara.Text(meaning_words(param), classes=["as-hint"])


@solara.component
def ParameterPanel(state: AppState) -> None:
    """Sliders and selects generated from the parameter definition, grouped as defined."""
    problem, set_problem = solara.use_state("")
    open_groups, set_open_groups = solara.use_state(list(OPEN_GROUPS))
    settings = state.settings.value

    def change(name: str, value: Any) -> None:
        try:
            state.settings.set(state.settings.value.with_parameter(name, value))
        except ParameterError as error:
            set_problem(str(error))
            return
        set_problem("")

    def back_to_defaults() -> None:
        state.settings.set(replace(state.settings.value, params=defaults(), timeline=(),
                                   scenario="", teaching_seed=None, partners=Partners(),
                                   description=""))
        set_problem("")

    # Messages come and go inside a container that stays, so the inputs below keep their
    # place in the tree and are not rebuilt when a message appears.
    with solara.Column(gap="4px"):
        if problem:
            solara.Error(problem, dense=True, classes=["as-parameter-error"])
    solara.Button("Back to defaults", text=True, small=True, on_click=back_to_defaults)
    groups = parameter_groups()
    names = list(groups)
    # Only open groups render their inputs: every element on the page costs time at each
    # step's redraw, and forty sliders nobody is looking at would double it.
    with rv.ExpansionPanels(multiple=True, v_model=open_groups, on_v_model=set_open_groups):
        for group in names:
            with rv.ExpansionPanel():
                rv.ExpansionPanelHeader(children=[GROUP_NAMES.get(group, group.capitalize())])
                with rv.ExpansionPanelContent():
                    if names.index(group) in open_groups:
                        for param in groups[group]:
                            ParameterInput(param, settings.params[param.name],
                                           lambda value, name=param.name: change(name, value))


@solara.component
def Sidebar(state: AppState) -> None:
    """Scenario picker, seed and parameters: they take effect on Reset."""
    with solara.Column(gap="8px", classes=["as-sidebar"]):
        solara.HTML(tag="h3", unsafe_innerHTML="Set-up")
        ScenarioPicker(state)
        SeedField(state)
        FounderCountries(state)
        ParameterPanel(state)
