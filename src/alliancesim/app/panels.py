"""The pieces of a view: controls, the banner of key moments, status, timeline, network,
feed, charts, the end summary and the take-away downloads.

Only the pieces that show the alliances read the channel's step counter, so a step redraws
them and nothing else on the page.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from html import escape

import reacton.core
import solara

from alliancesim.app.channel import DEFAULT_SPEED, SPEEDS, AppState, Channel, Pacer
from alliancesim.app.export import events_csv, months_csv, view_png
from alliancesim.app.keys import ClickerKeys
from alliancesim.app.moments import (
    DEFAULT_PAUSE_KINDS,
    Moment,
    headline,
    intervention_words,
    pauses_at,
)
from alliancesim.app.state import Run, Settings
from alliancesim.app.summary import end_summary, manager_name, status_line
from alliancesim.app.views import (
    Panel,
    box_style,
    feed_html,
    intro_html,
    mode_colour,
    moment_html,
    network_legend_html,
    network_option,
    panel_for,
    phase_segments,
    scale_for,
    step_columns,
    summary_html,
    table_html,
    timeline_html,
    timeseries_option,
    why_option,
)
from alliancesim.app.why import (
    cost_sentence,
    differences,
    lifetime_sentence,
    management_work,
    who_counts,
    why_sentences,
    work_sentence,
)
from alliancesim.app.words import mode_name, parameter_label
from alliancesim.model import AllianceModel

FEED_LIMIT = 40
# Markers from both sides of a comparison: only what differs between them is worth a line.
COMPARED_MARKERS = ("manager", "partner", "shock", "end", "scheduled")


# --- controls ----------------------------------------------------------------------------------
@solara.component
def Controls(channel: Channel, state: AppState) -> None:
    """Reset, Play/Pause and Step; the play loop steps on a worker thread at the chosen
    speed, and stops at a key moment when the page asks it to."""
    playing, running = channel.playing.value, channel.running.value
    rate = SPEEDS.get(state.speed.value, SPEEDS[DEFAULT_SPEED])
    current = channel.run.value
    batch = reacton.core.get_render_context(required=False)

    def step_once() -> None:
        channel.advance(batch)

    def play_loop(cancel: threading.Event) -> None:
        pacer = Pacer(rate)
        # Wait first so a Play click answers at once; stop when paused, reset or ended.
        while channel.playing.value and not cancel.wait(pacer.wait()):
            if channel.run.value is not current:
                return
            still_running = channel.advance(batch)
            pacer.stepped()
            if not still_running or (state.pause.value
                                     and pauses_at(current.fresh, state.pause_kinds.value)):
                current.paused_at = current.month
                channel.playing.set(False)
                return

    solara.use_thread(play_loop, dependencies=[playing, current, rate],
                      intrusive_cancel=False)

    def play_or_pause() -> None:
        if not channel.playing.value and not channel.running.value:
            return  # nothing left to play (a clicker key can ask at any time)
        current.paused_at = None
        channel.playing.set(not channel.playing.value)

    def step_if_stopped() -> None:
        if not channel.playing.value and channel.running.value:
            step_once()

    PlayControls(playing, running, channel.restart, play_or_pause, step_if_stopped,
                 "Step", SPEEDS, state.speed)


@solara.component
def PlayControls(playing: bool, running: bool, reset: Callable[[], None],
                 play_or_pause: Callable[[], None], step: Callable[[], None], step_label: str,
                 speeds: Iterable[str], speed: solara.Reactive[str], prefix: str = "as-") -> None:
    """Reset, Play/Pause, a step and the speed in one row, the clicker's keys on Play and
    step; ``prefix`` starts each control's class (the live alliance's ``as-``, the
    ecosystem's ``as-eco-``). ``step`` is asked only while stopped and running."""
    row = list(dict.fromkeys(["as-controls", f"{prefix}controls"]))
    with solara.Row(gap="8px", style={"align-items": "center", "flex-wrap": "wrap"},
                    classes=row):
        solara.Button("Reset", color="primary", outlined=True, on_click=reset,
                      classes=[f"{prefix}reset"])
        solara.Button("Pause" if playing else "Play", color="primary", on_click=play_or_pause,
                      disabled=not running and not playing, classes=[f"{prefix}play"])
        solara.Button(step_label, color="primary", on_click=step,
                      disabled=playing or not running, classes=[f"{prefix}step"])
        with solara.Div(style={"width": "250px"}, classes=[f"{prefix}speed"]):
            solara.Select("Speed", values=list(speeds), value=speed, dense=True)
        ClickerKeys(play_or_pause, step)


def pending_changes(settings: Settings, applied: Settings) -> list[str]:
    """What differs between the settings and those a run was started with, in words."""
    changed = [parameter_label(name) for name, value in settings.params.items()
               if applied.params.get(name) != value]
    if settings.seed != applied.seed:
        changed.append("seed")
    if settings.scenario != applied.scenario:
        changed.append("scenario")
    if settings.partners != applied.partners:
        changed.append("founders' countries")
    return changed


@solara.component
def PendingBanner(state: AppState, channel: Channel) -> None:
    """Set-up changes that this view's Reset has not applied yet."""
    pending = pending_changes(state.settings.value, channel.run.value.settings)
    with solara.Column(gap="0"):
        if pending:
            solara.Warning(f"Changed: {', '.join(pending)}. Press Reset to start a fresh "
                           "alliance with the new values.", dense=True, classes=["as-pending"])


# --- what a view shows: each reads the tick, so a step redraws just these ----------------------
def caption(run: Run) -> str:
    """'Scenario: Manager departure · seed 11 (its teaching seed)'."""
    settings = run.settings
    scenario = settings.scenario or "none (parameters as set)"
    seed = f"seed {settings.seed}" + (" (its teaching seed)" if settings.on_teaching_seed
                                      else "")
    capped = (f" · members capped at {run.watched[0].model.p['n_members']} for the projector "
              f"(set-up asks for {run.capped_from})" if run.capped_from else "")
    return f"Scenario: {scenario} · {seed}{capped}"


@solara.component
def Status(channel: Channel, index: int = 0, css_class: str = "as-month") -> None:
    """The month, phase, members and who manages, or how it ended and what it never reached."""
    channel.tick.value  # noqa: B018  (redraw on every step)
    watched = channel.run.value.watched[index]
    solara.Text(status_line(watched.model, watched.story), classes=["as-status", css_class])


@solara.component
def Caption(channel: Channel) -> None:
    """The scenario and seed the view's alliances run on."""
    solara.Text(caption(channel.run.value), classes=["as-caption", "as-run-caption"])


@solara.component
def RunProblem(channel: Channel) -> None:
    """A scenario intervention that could not apply, if any."""
    channel.tick.value  # noqa: B018  (redraw on every step)
    problem = channel.run.value.problem
    with solara.Column(gap="0"):
        if problem:
            solara.Error(problem, dense=True, classes=["as-run-problem"])


def banner_moments(run: Run, kinds: frozenset[str] = DEFAULT_PAUSE_KINDS, limit: int = 3,
                   ) -> list[tuple[str, list[Moment], int, str]]:
    """Per alliance: its label, the moments to spell out (this month's, else the last one),
    the month it is at, and the rest of a busy month in a few words."""
    shown = []
    for watched in run.watched:
        story, month = watched.story, watched.model.month
        moments, also = headline(story.latest(month) or story.moments[-1:], kinds, limit)
        shown.append((watched.label, moments, month, also))
    return shown


def timeline_words(settings: Settings) -> str:
    """'Timeline: month 24: the manager's departure; month 30: ...' ('' without one)."""
    if not settings.timeline:
        return ""
    return "Timeline: " + "; ".join(f"month {e.month}: {intervention_words(e.intervention)}"
                                    for e in settings.timeline)


@solara.component
def MomentBanner(channel: Channel, kinds: frozenset[str] = DEFAULT_PAUSE_KINDS,
                 limit: int = 3, compact: bool = False) -> None:
    """What just happened and why, in one sentence per key moment (at most ``limit``, the
    rest in a few words); stands out in the month it happened (and says so when play
    stopped for it, briefly when ``compact``). Before the first month: what the scenario is
    about."""
    channel.tick.value  # noqa: B018  (redraw on every step)
    playing = channel.playing.value
    run = channel.run.value
    shown = banner_moments(run, kinds, limit)
    fresh = any(moments and moments[0].month == month for _, moments, month, _ in shown)
    pair = len(shown) > 1
    html = "".join(moment_html(moments, month, mode_name(label) if pair else "", also)
                   for label, moments, month, also in shown)
    paused = not playing and run.paused_at == run.month and fresh and run.running
    settings = run.settings
    with solara.Column(gap="0", classes=["as-banner-box"]):
        if run.month == 0 and settings.description:
            solara.HTML(unsafe_innerHTML=intro_html(settings.scenario, settings.description,
                                                    timeline_words(settings)),
                        classes=["as-intro"])
        elif html:
            classes = ["as-moment"] + (["as-moment-fresh"] if fresh else [])
            how = "." if compact else ": press Play (or the clicker) to go on."
            lead = (f'<div class="as-moment-paused">Paused at a key moment{how}</div>'
                    if paused else "")
            solara.HTML(unsafe_innerHTML=lead + html, classes=classes,
                        attributes={"data-month": str(run.month)})


@solara.component
def PhaseTimeline(channel: Channel, index: int = 0) -> None:
    """The phases so far as a bar; the current phase (or the ending) is outlined."""
    channel.tick.value  # noqa: B018  (redraw on every step)
    model = channel.run.value.models[index]
    solara.HTML(unsafe_innerHTML=timeline_html(phase_segments(model)), classes=["as-timeline"])


@solara.component
def NetworkView(channel: Channel, index: int = 0, height: int | str = 440,
                projector: bool = False) -> None:
    """The members as a network at their fixed places (see :mod:`alliancesim.app.layout`);
    ``height`` in pixels, or a CSS height such as '100%'."""
    channel.tick.value  # noqa: B018  (redraw on every step)
    watched = channel.run.value.watched[index]
    model = watched.model
    solara.FigureEcharts(option=network_option(model, watched.layout, scale_for(projector)),
                         responsive=True, attributes={
        "style": box_style(height), "class": "as-network",
        "data-month": str(model.month), "data-members": str(len(model.members))})


@solara.component
def NetworkLegend(channel: Channel, index: int = 0) -> None:
    """What colour, shape, size, ties and place mean in the network picture."""
    channel.tick.value  # noqa: B018  (redraw on every step)
    model = channel.run.value.models[index]
    solara.HTML(unsafe_innerHTML=network_legend_html(model), classes=["as-network-legend"])


@solara.component
def EventFeed(channel: Channel, index: int = 0) -> None:
    """The newest events first; key moments stand out, tensions come with their theory."""
    channel.tick.value  # noqa: B018  (redraw on every step)
    story = channel.run.value.watched[index].story
    items = story.feed[-FEED_LIMIT:][::-1]
    solara.HTML(unsafe_innerHTML=feed_html(items, hidden=len(story.feed) - len(items)),
                classes=["as-feed"])


def chart_markers(run: Run) -> list[Moment]:
    """The key moments the charts mark: all of one alliance's; for two, what sets them apart
    (labelled with the side)."""
    if len(run.watched) == 1:
        return list(run.watched[0].story.moments)
    markers = []
    for watched in run.watched:
        for m in watched.story.moments:
            if m.category in COMPARED_MARKERS and m.marker != "no effect":
                markers.append(Moment(m.month, m.category, m.sentence,
                                      f"{mode_name(watched.label).split()[0]}: {m.marker}"))
    return markers


@solara.component
def Charts(channel: Channel, panels: tuple[Panel, ...], height: int = 460,
           projector: bool = False) -> None:
    """Trust, commitment, value and conflicts over the months so far, one line per alliance,
    key moments marked."""
    channel.tick.value  # noqa: B018  (redraw on every step)
    run = channel.run.value
    watched = run.watched
    model = watched[0].model
    labels = [(mode_name(w.label) if len(watched) > 1 else w.label) for w in watched]
    option = timeseries_option(
        [(label, step_columns(w.model)) for label, w in zip(labels, watched, strict=True)],
        panels, horizon=max(int(w.model.p["horizon"]) for w in watched),
        targets={"value_target": model.objectives()},
        markers=chart_markers(run), scale=scale_for(projector), height=height,
        colours=[mode_colour(w.label, i) for i, w in enumerate(watched)])
    solara.FigureEcharts(option=option, responsive=True, attributes={
        "style": box_style(height), "class": "as-charts",
        "data-month": str(max(w.model.month for w in watched)),
        "data-markers": ",".join(str(m.month) for m in chart_markers(run))})


@solara.component
def StageChart(channel: Channel, kinds: frozenset[str] = DEFAULT_PAUSE_KINDS,
               projector: bool = True) -> None:
    """The one chart that matters at the key moment the banner spells out (see
    :func:`panel_for`), filling the box the projector's stage gives it."""
    channel.tick.value  # noqa: B018  (redraw on every step)
    run = channel.run.value
    watched = run.watched[0]
    (_, shown, _, _), = banner_moments(run, kinds, limit=1)
    panel = panel_for(shown[0] if shown else None)
    markers = chart_markers(run)
    option = timeseries_option(
        [(watched.label, step_columns(watched.model))], (panel,),
        horizon=int(watched.model.p["horizon"]),
        targets={"value_target": watched.model.objectives()}, markers=markers,
        scale=scale_for(projector))
    solara.FigureEcharts(option=option, responsive=True, attributes={
        "style": "height: 100%; width: 100%;", "class": "as-stage-chart",
        "data-month": str(watched.model.month), "data-panel": panel.title,
        "data-markers": ",".join(str(m.month) for m in markers)})


@solara.component
def EndSummaryCard(channel: Channel, index: int = 0, title: str = "How it ended") -> None:
    """Once the alliance has ended (or reached its horizon): how and why, its lifetime,
    value against ambition, members lost, turning points and questions for the class."""
    channel.tick.value  # noqa: B018  (redraw on every step)
    watched = channel.run.value.watched[index]
    summary = end_summary(watched.model, watched.story)
    with solara.Column(gap="0"):
        if summary is not None:
            with solara.Card(title, margin=0, classes=["as-summary-card"]):
                solara.HTML(unsafe_innerHTML=summary_html(summary),
                            classes=["as-summary"],
                            attributes={"data-outcome": summary.outcome})


def why_lines(run: Run) -> list[str]:
    """The why panel's sentences: one alliance's cost, work, skill and mechanisms; for two,
    how long each ran, where they differed most, then each one's cost and work."""
    works = [management_work(w.model, w.label) for w in run.watched]
    if len(works) == 1:
        return why_sentences(works[0])
    left, right = works
    lines = [lifetime_sentence(left, right)]
    found = differences(left, right)
    if found:
        lines.append("Where they differed most: " + " ".join(found))
    for work in works:
        name = mode_name(work.mode)
        lines += [f"{name}: {cost_sentence(work)}", f"{name}: {work_sentence(work)}"]
    return lines


@solara.component
def WhyPanel(channel: Channel, projector: bool = False) -> None:
    """Why it went this way: what management cost, who mediated and how well, skill gained
    and the mechanisms the run shows, per alliance on screen, with a small chart."""
    channel.tick.value  # noqa: B018  (redraw on every step)
    run = channel.run.value
    works = [management_work(w.model, w.label) for w in run.watched]
    modes = [w.mode for w in works]
    names = [mode_name(m) for m in modes]
    height = 320 if projector else 260
    with solara.Card("Why: the management behind it", margin=0, classes=["as-why"],
                     style={"margin-top": "12px"}), solara.Columns([3, 2]):
        solara.HTML(unsafe_innerHTML="".join(f"<p>{escape(line)}</p>"
                                             for line in why_lines(run)),
                    classes=["as-why-text"])
        solara.FigureEcharts(
            option=why_option(who_counts(works), modes, names, scale_for(projector)),
            responsive=True, attributes={
                "style": box_style(height), "class": "as-why-chart",
                "data-month": str(run.month)})


def key_figures(model: AllianceModel) -> list[tuple[str, str]]:
    """A few numbers to compare two alliances side by side."""
    record = model.outcome_record()
    name = manager_name(model)
    return [
        ("members", str(len(model.members))),
        ("mean trust", f"{model.trust_mean():.2f}"),
        ("mean commitment", f"{model.commitment_mean():.2f}"),
        ("value so far", f"{record['value_total']:.1f} of {model.objectives():.0f}"),
        ("conflicts (escalated)",
         f"{record['conflicts_total']} ({record['conflicts_escalated']})"),
        ("mean member skill", f"{record['skill_mean_final']:.2f}"),
        ("manager", name if name is not None else "none in post"),
        ("manager departures", str(record["manager_departures"])),
    ]


@solara.component
def KeyFigures(channel: Channel, index: int) -> None:
    """The key figures of one alliance as a small table."""
    channel.tick.value  # noqa: B018  (redraw on every step)
    solara.HTML(unsafe_innerHTML=table_html(key_figures(channel.run.value.models[index])))


# --- take-aways --------------------------------------------------------------------------------
def view_title(run: Run) -> str:
    """'Manager departure · seed 11', or with the modes compared."""
    settings = run.settings
    title = f"{settings.scenario or 'Alliance'} · seed {settings.seed}"
    if len(run.watched) > 1:
        title += " · " + " vs ".join(mode_name(w.label) for w in run.watched)
    return title


@solara.component
def Downloads(channel: Channel, stem: str) -> None:
    """Save the view as a picture, and the run's events and monthly table as CSV."""

    def picture() -> bytes:
        run = channel.run.value
        with run.lock:
            return view_png(run.watched, f"{view_title(run)} · month {run.month}")

    def events() -> str:
        run = channel.run.value
        with run.lock:
            return events_csv(run.watched)

    def months() -> str:
        run = channel.run.value
        with run.lock:
            return months_csv(run.watched)

    # Stable callables: FileDownload resets when its data changes, and these read the run
    # only when clicked.
    saved: dict[str, Callable[[], object]] = solara.use_memo(
        lambda: {"png": picture, "events": events, "months": months}, [channel])
    with solara.Row(gap="8px", classes=["as-downloads"], style={"flex-wrap": "wrap"}):
        solara.FileDownload(saved["png"], f"{stem}-view.png", label="Save view (PNG)",
                            mime_type="image/png")
        solara.FileDownload(saved["events"], f"{stem}-events.csv", label="Events (CSV)",
                            mime_type="text/csv")
        solara.FileDownload(saved["months"], f"{stem}-months.csv", label="Monthly table (CSV)",
                            mime_type="text/csv")
