"""The Ecosystem tab: a population of organizations forming alliances over decades, a year
per step, for a class to watch whether a profession of alliance managers emerges.

Its set-up (an ecosystem scenario file of ``scenarios/ecosystems/``, a size for a live
class, a seed), Reset / Play / Pause / Step a year, the population's network at fixed places,
three charts over the years and one sentence per year. On a projector: one screen
(1280x610) with the controls, the year's sentence, the network and one chart.
"""

from __future__ import annotations

import threading
from dataclasses import replace

import reacton.core
import solara

from alliancesim.app.channel import ECO_DEFAULT_SPEED, ECO_SPEEDS, AppState, EcoChannel, Pacer
from alliancesim.app.ecosystem_state import (
    SIZES,
    EcoChoice,
    EcoSettings,
    list_ecosystem_scenarios,
)
from alliancesim.app.ecosystem_views import (
    ECO_PANELS,
    PRACTICE_COLOURS,
    PRACTICE_WORDS,
    TIES_SHOWN,
    caption_words,
    ecosystem_charts_option,
    ecosystem_legend_html,
    ecosystem_network_option,
    shown_ties,
    status_words,
    year_feed_html,
)
from alliancesim.app.panels import PlayControls
from alliancesim.app.state import SeedError, parse_seed
from alliancesim.app.views import box_style, scale_for
from alliancesim.ecosystem.parameters import PRACTICES

CSS = """
.as-eco-stage { display: grid; grid-template-columns: minmax(0, 11fr) minmax(0, 9fr); gap: 8px;
                height: calc(100vh - 300px); min-height: 280px; }
.as-eco-key { font-size: 13px; color: #37474f; }
.as-eco-feed { max-height: 420px; overflow-y: auto; }
"""


def size_label(n: int) -> str:
    """'300 organizations'."""
    return f"{n:,} organizations"


@solara.component
def EcoControls(eco: EcoChannel) -> None:
    """Reset, Play/Pause, Step a year and the speed; play steps on a worker thread."""
    playing, running = eco.playing.value, eco.running.value
    rate = ECO_SPEEDS.get(eco.speed.value, ECO_SPEEDS[ECO_DEFAULT_SPEED])
    current = eco.run.value
    batch = reacton.core.get_render_context(required=False)

    def play_loop(cancel: threading.Event) -> None:
        pacer = Pacer(rate)
        while eco.playing.value and not cancel.wait(pacer.wait()):
            if eco.run.value is not current:
                return
            still_running = eco.advance(batch)
            pacer.stepped()
            if not still_running:
                eco.playing.set(False)
                return

    solara.use_thread(play_loop, dependencies=[playing, current, rate],
                      intrusive_cancel=False)

    def play_or_pause() -> None:
        if eco.playing.value or eco.running.value:
            eco.playing.set(not eco.playing.value)

    def step_once() -> None:
        if not eco.playing.value and eco.running.value:
            eco.advance(batch)

    PlayControls(playing, running, lambda: eco.restart(), play_or_pause, step_once,
                 "Step a year", ECO_SPEEDS, eco.speed, prefix="as-eco-")


@solara.component
def EcoSetup(eco: EcoChannel) -> None:
    """The scenario file, the number of organizations and the seed: each change starts a
    fresh ecosystem (a broken file or seed gets a message and changes nothing)."""
    choices: list[EcoChoice] = solara.use_memo(list_ecosystem_scenarios, [])
    by_name = {c.name: c for c in choices}
    settings = eco.settings.value
    message, set_message = solara.use_state("")
    seed_text, set_seed_text = solara.use_state(str(settings.seed))
    solara.use_effect(lambda: set_seed_text(str(settings.seed)), [settings.seed])

    def pick(name: str | None) -> None:
        choice = by_name.get(name or "")
        if choice is None or choice.scenario is None:
            set_message(choice.error if choice else "No such ecosystem scenario.")
            return
        set_message("")
        eco.restart(EcoSettings.of(choice, eco.settings.value.n_organizations))

    def resize(label: str | None) -> None:
        size = next((n for n in SIZES if size_label(n) == label), None)
        if size is not None:
            eco.restart(replace(eco.settings.value, n_organizations=size))

    def enter_seed(text: str) -> None:
        set_seed_text(text)
        try:
            seed = parse_seed(text)
        except SeedError as problem:
            set_message(str(problem))
            return
        set_message("")
        eco.restart(replace(eco.settings.value, seed=seed))

    sizes = [size_label(n) for n in SIZES]
    if settings.n_organizations not in SIZES:
        sizes.append(size_label(settings.n_organizations))
    with solara.Row(gap="12px", style={"align-items": "center", "flex-wrap": "wrap"},
                    classes=["as-eco-setup"]):
        with solara.Div(style={"width": "260px"}):
            solara.Select("Ecosystem scenario", values=list(by_name),
                          value=settings.scenario.name if settings.scenario.name in by_name
                          else None, on_value=pick, classes=["as-eco-scenario"])
        with solara.Div(style={"width": "220px"}):
            solara.Select("Organizations", values=sizes,
                          value=size_label(settings.n_organizations), on_value=resize,
                          classes=["as-eco-size"])
        with solara.Div(style={"width": "200px"}):
            solara.InputText("Seed", value=seed_text, on_value=enter_seed,
                             continuous_update=False, classes=["as-eco-seed"])
        with solara.Div(style={"width": "280px"}):
            solara.Select("Ties drawn", values=list(TIES_SHOWN.values()),
                          value=TIES_SHOWN[eco.ties.value], classes=["as-eco-ties"],
                          on_value=lambda words: eco.ties.set(
                              next(k for k, w in TIES_SHOWN.items() if w == words)))
    with solara.Column(gap="0"):
        if not choices:
            solara.Text("No ecosystem scenario files found (scenarios/ecosystems/).",
                        classes=["as-caption"])
        if message:
            solara.Error(message, dense=True, classes=["as-eco-error"])
        if settings.scenario.description:
            solara.Text(settings.scenario.description + " (the view runs it at the size "
                        "chosen here).", classes=["as-caption"])


@solara.component
def EcoStatus(eco: EcoChannel) -> None:
    """The year, organizations, alliances alive and the practices' shares."""
    eco.tick.value  # noqa: B018  (redraw on every step)
    solara.Text(status_words(eco.run.value), classes=["as-status", "as-eco-status"])


@solara.component
def EcoSentence(eco: EcoChannel) -> None:
    """The last year's sentence, large (before the first year: how it starts)."""
    eco.tick.value  # noqa: B018  (redraw on every step)
    shown = eco.run.value.years[-1]
    with solara.Column(gap="0", classes=["as-banner-box"]):
        solara.HTML(unsafe_innerHTML=year_feed_html([shown]),
                    classes=["as-moment", "as-moment-fresh", "as-eco-banner"],
                    attributes={"data-year": str(shown.year)})


@solara.component
def EcoNetwork(eco: EcoChannel, height: int | str = 460, projector: bool = False) -> None:
    """The population at its fixed places, this year's ties."""
    eco.tick.value  # noqa: B018  (redraw on every step)
    run = eco.run.value
    which = eco.ties.value
    # A projector's box is wide and low: the sectors' groups go in one row there.
    option = ecosystem_network_option(run, scale_for(projector), which, wide=projector)
    solara.FigureEcharts(option=option, responsive=True, attributes={
        "style": box_style(height), "class": "as-eco-network",
        "data-year": str(run.year), "data-ties": str(len(shown_ties(run.years[-1], which)))})


@solara.component
def EcoKey() -> None:
    """The practices' colours in one line (the full legend is below the stage)."""
    keys = "".join(f'<span class="as-key"><span class="as-swatch" style="background:'
                   f'{PRACTICE_COLOURS[p]}"></span>{PRACTICE_WORDS[p]}</span>'
                   for p in reversed(PRACTICES))
    solara.HTML(unsafe_innerHTML=keys, classes=["as-eco-key"])


@solara.component
def EcoLegend(eco: EcoChannel) -> None:
    """What colour, ties, faintness and place mean."""
    solara.HTML(unsafe_innerHTML=ecosystem_legend_html(),
                classes=["as-network-legend", "as-eco-legend"])


@solara.component
def EcoCharts(eco: EcoChannel, keys: tuple[str, ...] = (), height: int | str = 340,
              projector: bool = False) -> None:
    """The charts over the years so far (all three, or those in ``keys``)."""
    eco.tick.value  # noqa: B018  (redraw on every step)
    run = eco.run.value
    panels = tuple(p for p in ECO_PANELS if not keys or p.key in keys)
    solara.FigureEcharts(option=ecosystem_charts_option(run, panels, scale_for(projector)),
                         responsive=True, attributes={
        "style": box_style(height), "class": "as-eco-charts",
        "data-year": str(run.year), "data-panels": ",".join(p.key for p in panels)})


@solara.component
def EcoFeed(eco: EcoChannel) -> None:
    """Every year's sentence, newest first."""
    eco.tick.value  # noqa: B018  (redraw on every step)
    solara.HTML(unsafe_innerHTML=year_feed_html(eco.run.value.years),
                classes=["as-feed", "as-eco-feed"])


@solara.component
def EcoCaption(eco: EcoChannel) -> None:
    """The scenario, seed and size the run uses."""
    eco.tick.value  # noqa: B018  (a Reset changes it)
    solara.Text(caption_words(eco.run.value), classes=["as-caption", "as-eco-caption"])


@solara.component
def EcoChartPicker(eco: EcoChannel) -> None:
    """Which chart the projector's stage shows."""
    names = {p.short: p.key for p in ECO_PANELS}
    current = next(t for t, k in names.items() if k == eco.chart.value)
    solara.ToggleButtonsSingle(value=current, values=list(names),
                               on_value=lambda title: eco.chart.set(names[title]),
                               dense=True, classes=["as-eco-chart-picker"])


@solara.component
def EcoDetails(eco: EcoChannel, projector: bool) -> None:
    """Set-up, legend, every sentence and all three charts."""
    if projector:
        EcoSetup(eco)
    with solara.Columns([3, 2]):
        with solara.Card("The population", margin=0):
            EcoLegend(eco)
        with solara.Card("Year by year", margin=0):
            EcoFeed(eco)
    with solara.Card("Over the years", margin=0, style={"margin-top": "12px"}):
        EcoCharts(eco, height=420 if projector else 340, projector=projector)


@solara.component
def EcosystemView(state: AppState) -> None:
    """The ecosystem, a year per step: on a laptop everything; on a projector one screen
    (controls, the year's sentence, the network and one chart), the rest below on demand."""
    eco = state.ecosystem
    projector = state.projector.value
    solara.Style(CSS)
    if not projector:
        EcoSetup(eco)
    with solara.Row(gap="8px", style={"align-items": "center", "flex-wrap": "wrap"}):
        EcoControls(eco)
        EcoStatus(eco)
    if projector:
        EcoProjectorStage(eco)
        eco.tick.value  # noqa: B018  (the end opens the details)
        if state.details.value or not eco.running.value:
            EcoDetails(eco, projector=True)
        return
    EcoCaption(eco)
    EcoSentence(eco)
    with solara.Columns([3, 2]):
        with solara.Card("The population and this year's alliances", margin=0):
            EcoNetwork(eco, height=460)
            EcoLegend(eco)
        with solara.Card("Year by year", margin=0):
            EcoFeed(eco)
    with solara.Card("Over the years", margin=0, style={"margin-top": "12px"}):
        EcoCharts(eco)


@solara.component
def EcoProjectorStage(eco: EcoChannel) -> None:
    """The projector's one screen below the controls: the year's sentence, the network
    with its colour key, and the chart the picker names."""
    EcoSentence(eco)
    with solara.Div(classes=["as-eco-stage"]):
        with solara.Div(classes=["as-stage-cell"]):
            EcoNetwork(eco, height="100%", projector=True)
            EcoKey()
        with solara.Div(classes=["as-stage-cell"]):
            EcoChartPicker(eco)
            EcoCharts(eco, keys=(eco.chart.value,), height="100%", projector=True)
