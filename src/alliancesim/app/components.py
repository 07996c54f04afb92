"""The Solara components of the teaching app: the page, its top bar and the live view.

Mesa's ``SolaraViz`` is not used for the page itself: its Reset passes a ``scenario`` keyword
that ``AllianceModel`` (which takes every parameter as a keyword) rejects, its parameter
inputs cannot be set by a scenario picker, and it steps one model while the comparison view
steps two. The controls here keep its behaviour (Reset / Play / Pause / Step, a play loop on
a worker thread, parameters applied on Reset) and step the model through ``model.step()``.

The pieces of a view are in :mod:`alliancesim.app.panels`, the set-up panel in
:mod:`alliancesim.app.sidebar` and the comparison in :mod:`alliancesim.app.compare_view`.
"""

from __future__ import annotations

import solara
import solara.lab

from alliancesim.app.channel import DEFAULT_SPEED, SPEEDS, AppState, Channel, use_app_state
from alliancesim.app.compare_view import ComparisonView
from alliancesim.app.ecosystem_page import EcosystemView
from alliancesim.app.export import file_stem
from alliancesim.app.moments import PAUSE_KINDS
from alliancesim.app.panels import (
    Caption,
    Charts,
    Controls,
    Downloads,
    EndSummaryCard,
    EventFeed,
    MomentBanner,
    NetworkLegend,
    NetworkView,
    PendingBanner,
    PhaseTimeline,
    RunProblem,
    StageChart,
    Status,
    WhyPanel,
    key_figures,
    view_title,
)
from alliancesim.app.sidebar import (
    NO_SCENARIO,
    SEED_LABEL,
    ScenarioPicker,
    Sidebar,
    parameter_groups,
    restart_all,
    slider_step,
)
from alliancesim.app.state import CLASSROOM_MEMBERS, Settings
from alliancesim.app.summary import status_line
from alliancesim.app.views import LIVE_PANELS, MARKER_COLOURS, glossary_html

__all__ = [
    "DEFAULT_SPEED", "NO_SCENARIO", "SEED_LABEL", "SPEEDS", "App", "AppState", "Channel",
    "ComparisonView", "LiveView", "Sidebar", "key_figures", "parameter_groups",
    "slider_step", "status_line", "use_app_state",
]

CSS = """
.as-sidebar { position: sticky; top: 12px; max-height: calc(100vh - 24px); overflow-y: auto; }
.as-caption { font-size: 13px; color: #455a64; line-height: 1.35; }
.as-hint { font-size: 12px; color: #455a64; margin: -14px 0 6px 0; line-height: 1.3; }
.as-timeline { display: flex; flex-wrap: wrap; width: 100%; border-radius: 4px;
               overflow: hidden; margin: 4px 0 8px 0; }
.as-segment { display: flex; align-items: center; justify-content: center; font-size: 13px;
              min-width: max-content; white-space: nowrap; padding: 5px 6px;
              border-right: 1px solid #fff; }
.as-segment-current { font-weight: bold; box-shadow: inset 0 0 0 2px #37474f; }
.as-feed { max-height: 470px; overflow-y: auto; }
.as-feed-item { padding: 4px 2px; border-bottom: 1px solid #eceff1; font-size: 15px; }
.as-feed-key { background: #fff8e1; border-left: 4px solid #f9a825; padding-left: 6px; }
.as-theory { font-size: 14px; color: #37474f; padding-left: 12px; }
.as-kind { font-size: 12px; text-transform: uppercase; color: #546e7a; margin-right: 4px; }
.as-status { font-size: 19px; font-weight: 500; }
.as-moment { border-left: 6px solid #90a4ae; background: #eceff1; padding: 8px 12px;
             border-radius: 4px; font-size: 15px; margin: 6px 0; }
.as-moment-fresh { border-left-color: #f9a825; background: #fff8e1; font-size: 19px; }
.as-moment-paused { font-weight: bold; font-size: 14px; color: #bf360c; }
.as-network-legend { font-size: 13px; color: #37474f; line-height: 1.7; }
.as-key { margin: 0 6px; white-space: nowrap; }
.as-swatch { display: inline-block; width: 12px; height: 12px; border-radius: 2px;
             vertical-align: middle; margin-right: 3px; }
.as-shape { vertical-align: middle; }
.as-marker-key { font-size: 13px; color: #37474f; }
.as-summary { font-size: 16px; }
.as-summary-headline { font-size: 19px; font-weight: 500; margin-bottom: 8px; }
.as-summary-facts th { text-align: left; padding: 2px 12px 2px 0; vertical-align: top; }
.as-summary-head { font-weight: bold; margin-top: 10px; }
.as-figures td { padding: 1px 10px 1px 0; font-size: 14px; }
.as-glossary dt { font-weight: bold; margin-top: 6px; }
.as-glossary dd { margin: 0 0 4px 16px; }
.as-glossary-topic { margin-bottom: 14px; }
.as-projector * { font-size: max(18px, 1em) !important; }
.as-projector h2 { font-size: 30px !important; }
.as-projector .as-status { font-size: 24px !important; }
.as-projector .as-moment-fresh { font-size: 24px !important; }
.as-projector .as-summary-headline { font-size: 24px !important; }
.as-projector .as-feed { max-height: 560px; }
.as-intro { border-left: 6px solid #3949ab; background: #e8eaf6; padding: 8px 12px;
            border-radius: 4px; margin: 6px 0; font-size: 15px; }
.as-intro-head { font-weight: bold; }
.as-moment-also { color: #455a64; }
/* Projector mode: one screen (down to 1280x610) holds the controls, the banner, the
   network and the chart that matters; the rest is below, shown on demand. */
.as-projector { padding: 4px 12px !important; }
.as-projector h2 { display: none; }
.as-projector .v-tabs, .as-projector .v-tabs .v-tabs-bar { height: 40px !important; }
.as-projector .v-tab { min-height: 0 !important; }
.as-projector .as-topbar .v-input { margin-top: 0; padding-top: 0; }
.as-projector .as-topbar .v-input__slot { margin-bottom: 0; }
.as-projector .as-topbar .v-messages { display: none; }
.as-projector .as-controls .v-text-field__details { display: none; }
.as-projector .as-controls .v-input { margin-top: 0; padding-top: 4px; }
.as-projector .as-status { font-size: 20px !important; margin-left: 12px; }
.as-projector .as-banner-box { height: 100px; overflow-y: auto; }
.as-projector .as-moment, .as-projector .as-intro { margin: 2px 0; padding: 4px 10px;
                                                    line-height: 1.3; }
.as-projector .as-moment-fresh { font-size: 20px !important; }
.as-projector .as-moment-fresh * { font-size: 20px !important; }
.as-projector .as-moment-paused { display: inline; margin-right: 6px; }
.as-projector .as-moment-paused + .as-moment-line { display: inline; }
.as-projector .as-timeline { margin: 2px 0; }
.as-projector .as-segment { padding: 2px 6px; }
.as-stage { display: grid; grid-template-columns: 11fr 9fr; gap: 8px;
            height: calc(100vh - 288px); min-height: 300px; }
.as-stage-cell { min-height: 0; height: 100%; display: flex; flex-direction: column; }
.as-stage-cell > * { flex: 1 1 auto; min-height: 0; }
.as-stage-cell > .as-timeline, .as-stage-cell > .as-caption { flex: 0 0 auto; }
.as-pause-kinds { text-transform: none !important; }
.as-pause-menu .v-input { margin-top: 0; }
.as-pause-menu .v-messages { display: none; }
.as-projector .as-banner-box:has(.as-intro) { height: auto; }
"""


@solara.component
def MarkerKey() -> None:
    """What the dashed lines in the charts mark."""
    names = {"phase": "phase change", "manager": "manager left or arrived",
             "partner": "partner left or joined", "shock": "shock",
             "scheduled": "scheduled in the scenario", "end": "the end"}
    keys = "".join(f'<span class="as-key"><span class="as-swatch" style="background:'
                   f'{MARKER_COLOURS[c]}"></span>{words}</span>' for c, words in names.items())
    solara.HTML(unsafe_innerHTML=f"Dashed lines mark key moments: {keys}",
                classes=["as-marker-key"])


@solara.component
def LiveView(state: AppState) -> None:
    """One alliance, live: key moments, status, phases, network, feed, charts and, at the
    end, the summary for the class. On a projector: one screen (see :func:`ProjectorStage`)."""
    if state.projector.value:
        ProjectorLive(state)
        return
    live = state.live
    PendingBanner(state, live)
    Controls(live, state)
    RunProblem(live)
    Status(live)
    Caption(live)
    MomentBanner(live, state.pause_kinds.value)
    PhaseTimeline(live)
    EndSummaryCard(live)
    with solara.Columns([3, 2]):
        with solara.Card("Members and trust", margin=0):
            NetworkView(live, height=440)
            NetworkLegend(live)
        with solara.Card("What happened", margin=0):
            EventFeed(live)
    LiveDetails(state, projector=False)


@solara.component
def LiveDetails(state: AppState, projector: bool) -> None:
    """Everything over time: the four charts, the why panel and the take-aways."""
    live = state.live
    with solara.Card("Over time", margin=0, style={"margin-top": "12px"}):
        Charts(live, LIVE_PANELS, height=620 if projector else 480, projector=projector)
        MarkerKey()
    WhyPanel(live, projector=projector)
    Downloads(live, file_stem(view_title(live.run.value)))


@solara.component
def ProjectorStage(state: AppState) -> None:
    """The projector's one screen: controls and status, the banner (the moment play stopped
    for, the rest of a busy month in a few words, or the scenario's description before
    play), the network and the chart that matters."""
    live = state.live
    with solara.Row(gap="8px", style={"align-items": "center", "flex-wrap": "wrap"}):
        Controls(live, state)
        Status(live)
    RunProblem(live)
    MomentBanner(live, state.pause_kinds.value, limit=1, compact=True)
    with solara.Div(classes=["as-stage"]):
        with solara.Div(classes=["as-stage-cell"]):
            NetworkView(live, height="100%", projector=True)
        with solara.Div(classes=["as-stage-cell"]):
            Caption(live)
            PhaseTimeline(live)
            StageChart(live, state.pause_kinds.value)


@solara.component
def ProjectorLive(state: AppState) -> None:
    """Projector mode: the stage fills the screen; the feed, the other charts, the why panel
    and the end summary follow below it when asked for (the top bar's Details switch), or
    once the alliance has ended."""
    live = state.live
    live.tick.value  # noqa: B018  (the end opens the details)
    ended = not live.run.value.running
    ProjectorStage(state)
    if state.details.value or ended:
        EndSummaryCard(live)
        with solara.Columns([3, 2]):
            with solara.Card("Members and trust", margin=0):
                NetworkLegend(live)
            with solara.Card("What happened", margin=0):
                EventFeed(live)
        LiveDetails(state, projector=True)


@solara.component
def GlossaryView() -> None:
    """Every term the app shows, in plain words."""
    solara.HTML(unsafe_innerHTML=glossary_html(), classes=["as-glossary"])


def pause_kinds_label(kinds: frozenset[str]) -> str:
    """The pause control's button: 'Stop at: 4 kinds' (of key moment)."""
    count = sum(kind in kinds for kind in PAUSE_KINDS)
    return f"Stop at: {count} kind{'s' if count != 1 else ''}"


@solara.component
def PauseKinds(state: AppState) -> None:
    """Which kinds of key moment stop play, as a menu of tick boxes (the end always stops
    play: nothing is left to play)."""
    chosen = state.pause_kinds.value

    def choose(kind: str, on: bool) -> None:
        kinds = set(state.pause_kinds.value)
        (kinds.add if on else kinds.discard)(kind)
        state.pause_kinds.set(frozenset(kinds))

    button = solara.Button(pause_kinds_label(chosen), outlined=True, small=True,
                           disabled=not state.pause.value, classes=["as-pause-kinds"])
    with (solara.lab.Menu(activator=button, close_on_content_click=False,
                          use_activator_width=False),
          solara.Column(gap="0", classes=["as-pause-menu"],
                        style={"background": "white", "padding": "4px 12px"})):
        for kind, words in PAUSE_KINDS.items():
            solara.Checkbox(label=words, value=kind in chosen,
                            on_value=lambda on, kind=kind: choose(kind, on))


@solara.component
def TopBar(state: AppState) -> None:
    """The title and the page's switches: projector mode, pausing at key moments and the
    kinds of moment that pause."""
    projector = state.projector.value

    def switch_projector(on: bool) -> None:
        state.projector.set(on)
        # The projector caps the members at a class's size: a bigger alliance starts afresh.
        if int(state.settings.value.params["n_members"]) > CLASSROOM_MEMBERS:
            restart_all(state)

    solara.HTML(tag="h2", unsafe_innerHTML="alliancesim · the life of an alliance")
    with solara.Row(gap="24px", style={"align-items": "center", "flex-wrap": "wrap"},
                    classes=["as-topbar"]):
        solara.Switch(label="Projector mode", value=projector, on_value=switch_projector,
                      classes=["as-projector-switch"])
        solara.Switch(label="Pause at key moments", value=state.pause,
                      classes=["as-pause-switch"])
        PauseKinds(state)
        if projector:
            with solara.Div(style={"width": "300px"}):
                ScenarioPicker(state, compact=True)
            solara.Switch(label="Details", value=state.details,
                          classes=["as-details-switch"])


@solara.component
def Main(state: AppState) -> None:
    """The title, the switches and the four tabs."""
    with solara.Column():
        TopBar(state)
        with solara.lab.Tabs(value=state.tab, lazy=True):
            with solara.lab.Tab("Live alliance"):
                LiveView(state)
            with solara.lab.Tab("Compare management modes"):
                ComparisonView(state)
            with solara.lab.Tab("Ecosystem"):
                EcosystemView(state)
            with solara.lab.Tab("Glossary"):
                GlossaryView()


@solara.component
def App(settings: Settings | None = None) -> None:
    """The whole page: set-up on the left (hidden on a projector), the live alliance, the
    comparison, the ecosystem and the glossary on the right."""
    state = use_app_state(settings)
    projector = state.projector.value
    solara.Style(CSS)
    root = ["as-root"] + (["as-projector"] if projector else [])
    with solara.Div(classes=root, style={"padding": "12px"}):
        if projector:
            Main(state)
        else:
            with solara.Columns([1, 3]):
                Sidebar(state)
                Main(state)
