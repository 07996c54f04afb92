"""The Solara components of the teaching app.

Mesa's ``SolaraViz`` is not used for the page itself: its Reset passes a ``scenario`` keyword
that ``AllianceModel`` (which takes every parameter as a keyword) rejects, its parameter
inputs cannot be set by a scenario picker, and it steps one model while the comparison view
steps two. The controls here keep its behaviour (Reset / Play / Pause / Step, a play loop on
a worker thread, parameters applied on Reset) and step the model through ``model.step()``.

Only the small views that show the alliances read the step counter, so a step redraws the
status, network, charts, timeline and feed, and nothing else on the page.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, replace
from math import floor, log10
from typing import Any

import reacton.core
import solara
import solara.lab
from solara.alias import rv

from alliancesim.app.scenarios import ScenarioChoice, list_scenarios
from alliancesim.app.state import (
    DEFAULT_MODES,
    Run,
    SeedError,
    Settings,
    parse_seed,
    start_comparison,
    start_live,
)
from alliancesim.app.views import (
    COMPARISON_PANELS,
    LIVE_PANELS,
    MAX_MEMBERS_WITH_TIES,
    Panel,
    feed_html,
    feed_items,
    network_option,
    phase_segments,
    step_columns,
    table_html,
    timeline_html,
    timeseries_option,
)
from alliancesim.model import AllianceModel
from alliancesim.params import (
    MANAGEMENT_MODES,
    PARAMETERS,
    Parameter,
    ParameterError,
    defaults,
)

NO_SCENARIO = "(defaults, no scenario)"
SEED_LABEL = "Seed (whole number; applies on Reset)"
# Months per second the play loop aims for, as offered to the class.
SPEEDS = {"slow (2/s)": 0.5, "normal (4/s)": 0.25, "fast (10/s)": 0.1}
DEFAULT_SPEED = "normal (4/s)"
FEED_LIMIT = 40
OPEN_GROUPS = (0,)  # the parameter groups shown open at start (composition)

CSS = """
.as-sidebar { position: sticky; top: 12px; max-height: calc(100vh - 24px); overflow-y: auto; }
.as-caption { font-size: 12px; color: #607d8b; line-height: 1.3; }
.as-hint { font-size: 12px; color: #607d8b; margin: -14px 0 6px 0; line-height: 1.3; }
.as-timeline { display: flex; width: 100%; height: 30px; border-radius: 4px;
               overflow: hidden; margin: 4px 0 8px 0; }
.as-segment { display: flex; align-items: center; justify-content: center; font-size: 12px;
              min-width: 96px; white-space: nowrap; overflow: hidden; padding: 0 4px;
              text-overflow: ellipsis;
              border-right: 1px solid #fff; }
.as-segment-current { font-weight: bold; box-shadow: inset 0 0 0 2px #37474f; }
.as-feed { max-height: 430px; overflow-y: auto; }
.as-feed-item { padding: 4px 0; border-bottom: 1px solid #eceff1; font-size: 14px; }
.as-theory { font-size: 12px; color: #455a64; font-style: italic; padding-left: 12px; }
.as-kind { font-size: 11px; text-transform: uppercase; color: #78909c; margin-right: 4px; }
.as-status { font-size: 18px; font-weight: 500; }
.as-figures td { padding: 1px 10px 1px 0; font-size: 13px; }
"""


# --- state -------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class Channel:
    """One view's alliances and their play state: what its controls drive and views show.

    ``tick`` counts steps: the models are mutated in place, so the views that show them read
    ``tick`` to redraw on every step, while the controls read only ``playing`` and
    ``running`` and so stay untouched by a step.
    """

    run: solara.Reactive[Run]
    tick: solara.Reactive[int]
    playing: solara.Reactive[bool]
    running: solara.Reactive[bool]
    start: Callable[[], Run]

    def advance(self, batch: AbstractContextManager[Any] | None = None) -> bool:
        """Step the alliances one month and tell the views; returns whether any still runs.

        ``batch`` is the page's render context: inside it, the views that read ``tick`` are
        redrawn in one render pass instead of one pass each.
        """
        still_running = self.run.value.step()
        with batch or nullcontext():
            self.tick.set(self.tick.value + 1)
            self.running.set(still_running)
        return still_running

    def restart(self) -> None:
        """Stop playing and start fresh alliances from the current settings."""
        self.playing.set(False)
        run = self.start()
        self.run.set(run)
        self.running.set(run.running)
        self.tick.set(0)


@dataclass(frozen=True, eq=False)
class AppState:
    """Everything the page shares between its components (one instance per browser tab)."""

    settings: solara.Reactive[Settings]
    live: Channel
    pair: Channel
    modes: solara.Reactive[tuple[str, str]]
    speed: solara.Reactive[str]


def _use_channel(start: Callable[[], Run]) -> Channel:
    first = solara.use_memo(start, [])
    return Channel(run=solara.use_reactive(first), tick=solara.use_reactive(0),
                   playing=solara.use_reactive(False), running=solara.use_reactive(True),
                   start=start)


def use_app_state(settings: Settings | None = None) -> AppState:
    """Create the page's state once per page instance (the hook keeps it across renders)."""
    first = solara.use_memo(lambda: settings or Settings(), [])
    chosen = solara.use_reactive(first)
    modes = solara.use_reactive(DEFAULT_MODES)
    speed = solara.use_reactive(DEFAULT_SPEED)
    live = _use_channel(lambda: start_live(chosen.value))
    pair = _use_channel(lambda: start_comparison(chosen.value, modes.value))
    # One AppState object for the page's lifetime, so components given it are not redrawn
    # just because the page function ran again.
    return solara.use_memo(lambda: AppState(chosen, live, pair, modes, speed), [])


# --- the sidebar: scenario, seed, parameters ---------------------------------------------------
@solara.component
def ScenarioPicker(state: AppState) -> None:
    """Pick a scenario file: its parameters and timeline replace the settings at once."""
    choices: list[ScenarioChoice] = solara.use_memo(list_scenarios, [])
    by_name = {c.name: c for c in choices}
    message, set_message = solara.use_state("")
    current = state.settings.value.scenario or NO_SCENARIO

    def pick(name: str | None) -> None:
        if not name or name == NO_SCENARIO:
            state.settings.set(replace(state.settings.value, params=defaults(), timeline=(),
                                       scenario=""))
            set_message("")
        else:
            choice = by_name[name]
            if choice.error:
                set_message(choice.error)
                return
            state.settings.set(replace(state.settings.value, params=choice.params,
                                       timeline=choice.timeline, scenario=choice.name))
            set_message("")
        state.live.restart()
        state.pair.restart()

    with solara.Column(gap="4px", classes=["as-scenario"]):
        if not choices:
            solara.Text("No scenario files found.", classes=["as-caption"])
        solara.Select("Scenario", values=[NO_SCENARIO, *by_name], value=current,
                      on_value=pick)
        chosen = by_name.get(current)
        if chosen is not None and chosen.description:
            solara.Text(chosen.description, classes=["as-caption", "as-scenario-description"])
        if chosen is not None and chosen.timeline:
            events = ", ".join(f"month {e.month}: {e.intervention.kind.replace('_', ' ')}"
                               for e in chosen.timeline)
            solara.Text(f"Timeline: {events}", classes=["as-caption"])
        if message:
            solara.Error(message, classes=["as-scenario-error"])


@solara.component
def SeedField(state: AppState) -> None:
    """The seed: whole numbers only; anything else gets a message and keeps the old seed."""
    text, set_text = solara.use_state(str(state.settings.value.seed))
    error, set_error = solara.use_state("")

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


@solara.component
def ParameterInput(param: Parameter, value: Any, on_value: Callable[[Any], None]) -> None:
    """One parameter as a slider (int or float) or a select (choice), with its meaning."""
    label = param.name.replace("_", " ")
    if param.kind != "choice":
        label = f"{label}: {value:g}" if param.kind == "float" else f"{label}: {int(value)}"
    if param.kind == "choice":
        solara.Select(label, values=list(param.choices), value=value, on_value=on_value)
    elif param.kind == "int":
        assert param.low is not None and param.high is not None
        solara.SliderInt(label, value=int(value), min=int(param.low), max=int(param.high),
                         on_value=on_value)
    else:
        assert param.low is not None and param.high is not None
        solara.SliderFloat(label, value=float(value), min=param.low, max=param.high,
                           step=slider_step(param), on_value=on_value)
    unit = f" ({param.unit})" if param.unit not in ("-", "") else ""
    solara.Text(f"{param.meaning}{unit}", classes=["as-hint"])


@solara.component
def ParameterPanel(state: AppState) -> None:
    """Sliders and selects generated from the parameter definition, grouped as defined."""
    problem, set_problem = solara.use_state("")
    open_groups, set_open_groups = solara.use_state(list(OPEN_GROUPS))
    settings = state.settings.value
    applied = state.live.run.value.settings

    def change(name: str, value: Any) -> None:
        try:
            state.settings.set(state.settings.value.with_parameter(name, value))
        except ParameterError as error:
            set_problem(str(error))
            return
        set_problem("")

    pending = [name for name, value in settings.params.items()
               if applied.params.get(name) != value]
    if settings.seed != applied.seed:
        pending.append("seed")
    if settings.scenario != applied.scenario:
        pending.append("scenario")
    # Messages come and go inside a container that stays, so the inputs below keep their
    # place in the tree and are not rebuilt when a message appears.
    with solara.Column(gap="4px"):
        if pending:
            solara.Warning(f"Changed ({', '.join(pending)}): press Reset to start a fresh "
                           "alliance with the new values.", dense=True, classes=["as-pending"])
        if problem:
            solara.Error(problem, dense=True, classes=["as-parameter-error"])
    def back_to_defaults() -> None:
        state.settings.set(replace(state.settings.value, params=defaults(), timeline=(),
                                   scenario=""))
        set_problem("")

    solara.Button("Back to defaults", text=True, small=True, on_click=back_to_defaults)
    groups = parameter_groups()
    names = list(groups)
    # Only open groups render their inputs: every element on the page costs time at each
    # step's redraw, and forty sliders nobody is looking at would double it.
    with rv.ExpansionPanels(multiple=True, v_model=open_groups, on_v_model=set_open_groups):
        for group in names:
            with rv.ExpansionPanel():
                rv.ExpansionPanelHeader(children=[group.capitalize()])
                with rv.ExpansionPanelContent():
                    if names.index(group) in open_groups:
                        for param in groups[group]:
                            ParameterInput(param, settings.params[param.name],
                                           lambda value, name=param.name: change(name, value))


# --- controls ----------------------------------------------------------------------------------
@solara.component
def Controls(channel: Channel, speed: solara.Reactive[str]) -> None:
    """Reset, Play/Pause and Step; the play loop steps on a worker thread."""
    playing, running = channel.playing.value, channel.running.value
    interval = SPEEDS.get(speed.value, SPEEDS[DEFAULT_SPEED])
    current = channel.run.value
    batch = reacton.core.get_render_context(required=False)

    def step_once() -> None:
        channel.advance(batch)

    def play_loop(cancel: threading.Event) -> None:
        # Wait first so a Play click answers at once; stop when paused, reset or ended.
        while channel.playing.value and not cancel.wait(interval):
            if channel.run.value is not current:
                return
            if not channel.advance(batch):
                channel.playing.set(False)
                return

    solara.use_thread(play_loop, dependencies=[playing, current, interval],
                      intrusive_cancel=False)

    with solara.Row(gap="8px", style={"align-items": "center", "flex-wrap": "wrap"}):
        solara.Button("Reset", color="primary", outlined=True, on_click=channel.restart,
                      classes=["as-reset"])
        solara.Button("Pause" if playing else "Play", color="primary",
                      on_click=lambda: channel.playing.set(not channel.playing.value),
                      disabled=not running and not playing, classes=["as-play"])
        solara.Button("Step", color="primary", on_click=step_once,
                      disabled=playing or not running, classes=["as-step"])
        with solara.Div(style={"width": "170px"}):
            solara.Select("Speed", values=list(SPEEDS), value=speed, dense=True)


# --- views of the alliances: each reads the tick, so a step redraws just these ----------------
def status_line(model: AllianceModel) -> str:
    """'Month 14 · evolving · 9 members · dedicated management', or how it ended."""
    count = len(model.members)
    members = f"{count} member{'s' if count != 1 else ''}"
    if model.phase == "forming":
        members += f" (aiming for {int(model.p['n_members'])})"
    management = f"{model.management.mode} management"
    if model.outcome != "running":
        return f"Month {model.month} · {model.outcome} ({model.end_reason}) · {members}"
    at_end = " · horizon reached" if model.month >= int(model.p["horizon"]) else ""
    return f"Month {model.month} · {model.phase} · {members} · {management}{at_end}"


@solara.component
def Status(channel: Channel, index: int = 0, css_class: str = "as-month") -> None:
    """The month, phase, members and management of one alliance, or how it ended."""
    channel.tick.value  # noqa: B018  (redraw on every step)
    solara.Text(status_line(channel.run.value.models[index]), classes=["as-status", css_class])


@solara.component
def RunProblem(channel: Channel) -> None:
    """A scenario intervention that could not apply, if any."""
    channel.tick.value  # noqa: B018  (redraw on every step)
    problem = channel.run.value.problem
    with solara.Column(gap="0"):
        if problem:
            solara.Error(problem, dense=True, classes=["as-run-problem"])


@solara.component
def PhaseTimeline(channel: Channel, index: int = 0) -> None:
    """The phases so far as a bar; the current phase (or the ending) is outlined."""
    channel.tick.value  # noqa: B018  (redraw on every step)
    model = channel.run.value.models[index]
    solara.HTML(unsafe_innerHTML=timeline_html(phase_segments(model)), classes=["as-timeline"])


@solara.component
def NetworkView(channel: Channel, index: int = 0, height: int = 440) -> None:
    """The members as a network at their fixed places (see :mod:`alliancesim.app.layout`)."""
    channel.tick.value  # noqa: B018  (redraw on every step)
    watched = channel.run.value.watched[index]
    model = watched.model
    solara.FigureEcharts(option=network_option(model, watched.layout), attributes={
        "style": f"height: {height}px; width: 100%;", "class": "as-network",
        "data-month": str(model.month), "data-members": str(len(model.members))})
    with solara.Column(gap="0"):
        if len(model.members) > MAX_MEMBERS_WITH_TIES:
            solara.Text(f"Ties are hidden above {MAX_MEMBERS_WITH_TIES} members.",
                        classes=["as-caption"])


@solara.component
def EventFeed(channel: Channel, index: int = 0) -> None:
    """The newest events first; conflicts, paradoxes and stagnation come with their theory."""
    channel.tick.value  # noqa: B018  (redraw on every step)
    model = channel.run.value.models[index]
    items = feed_items(model, FEED_LIMIT)
    solara.HTML(unsafe_innerHTML=feed_html(items, hidden=len(model.events) - len(items)),
                classes=["as-feed"])


@solara.component
def Charts(channel: Channel, panels: tuple[Panel, ...], height: int = 430) -> None:
    """Trust, commitment, value and conflicts over the months so far, one line per alliance."""
    channel.tick.value  # noqa: B018  (redraw on every step)
    watched = channel.run.value.watched
    model = watched[0].model
    option = timeseries_option([(w.label, step_columns(w.model)) for w in watched], panels,
                               horizon=max(int(w.model.p["horizon"]) for w in watched),
                               targets={"value_target": float(model.p["value_target"])})
    solara.FigureEcharts(option=option, attributes={
        "style": f"height: {height}px; width: 100%;", "class": "as-charts",
        "data-month": str(max(w.model.month for w in watched))})


def key_figures(model: AllianceModel) -> list[tuple[str, str]]:
    """A few numbers to compare two alliances side by side."""
    record = model.outcome_record()
    manager = model.management.manager
    return [
        ("members", str(len(model.members))),
        ("mean trust", f"{model.trust_mean():.2f}"),
        ("mean commitment", f"{model.commitment_mean():.2f}"),
        ("value so far", f"{model.value_total:.1f} of {float(model.p['value_target']):.0f}"),
        ("conflicts (escalated)",
         f"{record['conflicts_total']} ({record['conflicts_escalated']})"),
        ("mean member skill", f"{record['skill_mean_final']:.2f}"),
        ("manager", manager.name if manager is not None else "none in post"),
        ("manager departures", str(record["manager_departures"])),
    ]


@solara.component
def KeyFigures(channel: Channel, index: int) -> None:
    """The key figures of one alliance as a small table."""
    channel.tick.value  # noqa: B018  (redraw on every step)
    solara.HTML(unsafe_innerHTML=table_html(key_figures(channel.run.value.models[index])))


# --- the two views -----------------------------------------------------------------------------
@solara.component
def LiveView(state: AppState) -> None:
    """One alliance, live: status, phase timeline, network, event feed and charts."""
    live = state.live
    settings = live.run.value.settings
    Controls(live, state.speed)
    RunProblem(live)
    Status(live)
    scenario = settings.scenario or "none (parameters as set)"
    solara.Text(f"Scenario: {scenario} · seed {settings.seed}", classes=["as-caption"])
    PhaseTimeline(live)
    with solara.Columns([3, 2]):
        with solara.Card("Members and trust", margin=0):
            NetworkView(live)
        with solara.Card("What happened", margin=0):
            EventFeed(live)
    with solara.Card("Over time", margin=0, style={"margin-top": "12px"}):
        Charts(live, LIVE_PANELS)


@solara.component
def AllianceSummary(channel: Channel, index: int, label: str) -> None:
    """One side of the comparison: its mode, status, timeline, network and key figures."""
    with solara.Card(f"Management: {label}", margin=0, classes=["as-compare-side"]):
        Status(channel, index, css_class="as-compare-month")
        PhaseTimeline(channel, index)
        NetworkView(channel, index, height=330)
        KeyFigures(channel, index)


@solara.component
def ComparisonView(state: AppState) -> None:
    """The same seed and parameters under two management modes, stepped together."""
    pair = state.pair
    labels = [w.label for w in pair.run.value.watched]
    first, second = state.modes.value

    def choose(index: int, mode: str) -> None:
        modes = list(state.modes.value)
        modes[index] = mode
        state.modes.set((modes[0], modes[1]))
        pair.restart()

    solara.HTML(tag="p", unsafe_innerHTML=(
        "Same seed, same parameters, same candidate organizations: only who manages the "
        "alliance differs. <em>Is alliance management a profession or a skill every partner "
        "practises?</em>"))
    with solara.Row(gap="12px", style={"align-items": "center", "flex-wrap": "wrap"}):
        with solara.Div(style={"width": "200px"}):
            solara.Select("Left", values=list(MANAGEMENT_MODES), value=first,
                          on_value=lambda m: choose(0, m))
        with solara.Div(style={"width": "200px"}):
            solara.Select("Right", values=list(MANAGEMENT_MODES), value=second,
                          on_value=lambda m: choose(1, m))
    Controls(pair, state.speed)
    RunProblem(pair)
    with solara.Columns([1, 1], classes=["as-compare"]):
        for index, label in enumerate(labels):
            AllianceSummary(pair, index, label)
    with solara.Card("Side by side over time", margin=0, style={"margin-top": "12px"}):
        Charts(pair, COMPARISON_PANELS, height=400)


@solara.component
def Sidebar(state: AppState) -> None:
    """Scenario picker, seed and parameters: they take effect on Reset."""
    with solara.Column(gap="8px", classes=["as-sidebar"]):
        solara.HTML(tag="h3", unsafe_innerHTML="Set-up")
        ScenarioPicker(state)
        SeedField(state)
        ParameterPanel(state)


@solara.component
def App(settings: Settings | None = None) -> None:
    """The whole page: set-up on the left, the live alliance and the comparison on the right."""
    state = use_app_state(settings)
    solara.Style(CSS)
    with solara.Columns([1, 3], style={"padding": "12px"}):
        Sidebar(state)
        with solara.Column():
            solara.HTML(tag="h2", unsafe_innerHTML="alliancesim · the life of an alliance")
            with solara.lab.Tabs(lazy=True):
                with solara.lab.Tab("Live alliance"):
                    LiveView(state)
                with solara.lab.Tab("Compare management modes"):
                    ComparisonView(state)
