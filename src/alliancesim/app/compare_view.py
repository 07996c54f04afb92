"""The comparison: the same seed and scenario under two management modes, and the same
comparison over a hundred paired seeds, so that one run is seen against many."""

from __future__ import annotations

import threading
import time
from dataclasses import replace

import solara
from solara.alias import rv

from alliancesim.app.channel import AppState, Channel
from alliancesim.app.export import file_stem
from alliancesim.app.many import (
    ManyFigures,
    ManyRequest,
    ManyState,
    figures,
    longer_words,
    mode_sentence,
    paired_sentence,
    run_many,
)
from alliancesim.app.panels import (
    Caption,
    Charts,
    Controls,
    Downloads,
    EndSummaryCard,
    KeyFigures,
    MomentBanner,
    NetworkView,
    PendingBanner,
    PhaseTimeline,
    RunProblem,
    Status,
    WhyPanel,
    view_title,
)
from alliancesim.app.state import Run, classroom_params
from alliancesim.app.summary import divergence
from alliancesim.app.views import COMPARISON_PANELS, box_style, many_option, scale_for
from alliancesim.app.words import mode_name
from alliancesim.params import MANAGEMENT_MODES
from alliancesim.scenarios.stories import SAMPLE_SEEDS, PairedRun

QUESTION = ("Same seed, same scenario, same candidate organizations: only who manages the "
            "alliance differs. <em>Is alliance management a profession, or a skill every "
            "partner practises?</em> One run is one story: the panel below runs the same "
            "comparison on a hundred other seeds.")


def many_request(run: Run, modes: tuple[str, str]) -> ManyRequest:
    """The request for the comparison on screen: its parameters (as capped on a projector),
    timeline, seed and modes."""
    settings = run.settings
    params = classroom_params(settings.params) if run.capped_from else dict(settings.params)
    if settings.partners:
        params["partners"] = settings.partners  # the model takes them with the parameters
    return ManyRequest(params, tuple(settings.timeline), settings.seed, modes,
                       settings.scenario)


@solara.component
def Divergence(channel: Channel) -> None:
    """Whether both sides still have the same members, and from when they differ."""
    channel.tick.value  # noqa: B018  (redraw on every step)
    left, right = channel.run.value.watched
    text = divergence(left.story, right.story, (mode_name(left.label).lower(),
                                                mode_name(right.label).lower()))
    solara.Text(text, classes=["as-caption", "as-divergence"])


@solara.component
def AllianceSide(channel: Channel, index: int, label: str, projector: bool) -> None:
    """One side of the comparison: its mode, status, timeline, network and key figures."""
    with solara.Card(mode_name(label), margin=0, classes=["as-compare-side"]):
        Status(channel, index, css_class="as-compare-month")
        PhaseTimeline(channel, index)
        NetworkView(channel, index, height=420 if projector else 330, projector=projector)
        KeyFigures(channel, index)
        EndSummaryCard(channel, index, title=f"How the {mode_name(label).lower()} alliance "
                                             "ended")


@solara.component
def ModeChoice(state: AppState) -> None:
    """The two management modes compared (changing one starts the comparison afresh)."""
    first, second = state.modes.value
    items = [{"text": mode_name(m), "value": m} for m in MANAGEMENT_MODES]

    def choose(index: int, mode: str) -> None:
        modes = list(state.modes.value)
        modes[index] = mode
        state.modes.set((modes[0], modes[1]))
        state.pair.restart()
        state.many.set(ManyState())

    with solara.Row(gap="12px", style={"align-items": "center", "flex-wrap": "wrap"}):
        for index, (label, value) in enumerate((("Left", first), ("Right", second))):
            with solara.Div(style={"width": "260px"}):
                rv.Select(label=label, items=items, v_model=value,
                          on_v_model=lambda m, i=index: choose(i, m))


@solara.component
def ManySeedsPanel(state: AppState, projector: bool = False) -> None:
    """The comparison over 100 paired seeds, run in the background with its progress."""
    many = state.many.value
    run = state.pair.run.value
    wanted = many_request(run, state.modes.value)

    def work(cancel: threading.Event) -> None:
        current = state.many.value
        request = current.request
        if request is None or current.done:
            return
        started = time.monotonic()

        def arrived(runs: list[PairedRun]) -> None:
            now = state.many.value
            if now.request is request:
                state.many.set(replace(now, runs=now.runs + tuple(runs)))

        if run_many(request, arrived, cancel) and state.many.value.request is request:
            state.many.set(replace(state.many.value, done=True,
                                   seconds=time.monotonic() - started))

    solara.use_thread(work, dependencies=[many.request], intrusive_cancel=False)
    busy = many.request is not None and not many.done
    with solara.Card(f"Over {SAMPLE_SEEDS} seeds", margin=0, classes=["as-many"],
                     style={"margin-top": "12px"}):
        solara.Text(f"The same two modes on {SAMPLE_SEEDS} other seeds (each seed used for "
                    "both, so every pair differs only in management), run in the background.",
                    classes=["as-caption"])
        with solara.Row(gap="12px", style={"align-items": "center"}):
            solara.Button(f"Run over {SAMPLE_SEEDS} seeds", color="primary", outlined=True,
                          disabled=busy, classes=["as-many-run"],
                          on_click=lambda: state.many.set(ManyState(request=wanted)))
            if many.request is not None:
                solara.Text(_progress_words(many), classes=["as-many-progress"])
        if busy:
            solara.ProgressLinear(value=100 * many.progress, color="primary")
        if many.done:
            ManyResults(state, many, stale=many.request != wanted, projector=projector)


def _progress_words(many: ManyState) -> str:
    assert many.request is not None
    done = len(many.runs)
    if many.done and many.seconds is not None:
        return f"{done} of {many.request.count} paired seeds run in {many.seconds:.1f} s"
    return f"{done} of {many.request.count} paired seeds run…"


@solara.component
def ManyResults(state: AppState, many: ManyState, stale: bool, projector: bool) -> None:
    """The distributions of outcome, lifetime and value per mode, and what they say."""
    request = many.request
    assert request is not None
    names = (mode_name(request.modes[0]), mode_name(request.modes[1]))
    result = figures(many.runs, request.modes)
    # Each alliance pools its own ambition; the line shows the one expected of the pool.
    horizon = int(request.params["horizon"])
    target = float(request.params["ambition_months"]) * float(request.params["expectation_mean"])
    if stale:
        solara.Warning("The set-up or the modes changed since this ran: run it again.",
                       dense=True, classes=["as-many-stale"])
    scenario = request.scenario or "none (parameters as set)"
    solara.Text(f"Scenario: {scenario} · {request.count} paired seeds drawn from seed "
                f"{request.seed} · {names[0]} against {names[1]}",
                classes=["as-caption", "as-many-caption"])
    height = 420 if projector else 340
    solara.FigureEcharts(
        option=many_option(result.modes, names, horizon, target, scale_for(projector), height),
        responsive=True, attributes={"style": box_style(height),
                                     "class": "as-many-chart", "data-runs": str(result.runs)})
    lines = [paired_sentence(result, request.modes)]
    lines += [mode_sentence(m, n, horizon, target) for m, n in zip(result.modes, names,
                                                                     strict=True)]
    lines.append(_watched_words(state.pair.run.value, result, request.modes))
    if result.failed:
        lines.append(f"{result.failed} seeds could not apply the timeline: "
                     + "; ".join(result.errors))
    solara.HTML(unsafe_innerHTML="".join(f"<p>{line}</p>" for line in lines if line),
                classes=["as-many-text"])


def _watched_words(run: Run, result: ManyFigures, modes: tuple[str, str]) -> str:
    left, right = run.models
    if left.running or right.running:
        return ("Play the comparison above to its end to see where its one run falls among "
                "these.")
    paired = PairedRun(-1, (left.outcome, right.outcome),
                       (int(left.outcome_record()["end_month"]),
                        int(right.outcome_record()["end_month"])), (0.0, 0.0))
    return (f"In the run you watched (seed {run.settings.seed}) "
            f"{longer_words(paired.longer, modes)}, as on {result.longer[paired.longer]} of the "
            f"{result.runs} seeds here.")


@solara.component
def ComparisonView(state: AppState) -> None:
    """The same seed and parameters under two management modes, stepped together, and the
    comparison over many seeds."""
    pair = state.pair
    projector = state.projector.value
    labels = [w.label for w in pair.run.value.watched]
    solara.HTML(tag="p", unsafe_innerHTML=QUESTION, classes=["as-question"])
    ModeChoice(state)
    Caption(pair)
    PendingBanner(state, pair)
    Controls(pair, state)
    RunProblem(pair)
    MomentBanner(pair)
    Divergence(pair)
    with solara.Columns([1, 1], classes=["as-compare"]):
        for index, label in enumerate(labels):
            AllianceSide(pair, index, label, projector)
    with solara.Card("Side by side over time", margin=0, style={"margin-top": "12px"}):
        Charts(pair, COMPARISON_PANELS, height=560 if projector else 460, projector=projector)
    WhyPanel(pair, projector=projector)
    ManySeedsPanel(state, projector)
    Downloads(pair, file_stem(view_title(pair.run.value)))

