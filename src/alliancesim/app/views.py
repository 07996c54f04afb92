"""What the app draws, as plain data: chart options, phase segments, HTML fragments.

The charts are ECharts options rendered in the browser from the locally served ECharts
bundle (solara-assets), so a step sends a few kilobytes of JSON instead of re-rendering
images on the server; that keeps a step click well under the 200 ms the class needs.
Sizes come in two scales: the laptop's, and the projector's (text of at least 18 px).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

from alliancesim.app.layout import Position
from alliancesim.app.moments import FeedItem, Moment
from alliancesim.app.summary import EndSummary
from alliancesim.app.words import GLOSSARY, sector_words
from alliancesim.model import AllianceModel, MemberOrganization
from alliancesim.model.phases import (
    COMPLETED,
    DISSOLVED,
    EVOLVING,
    FORMING,
    FOUNDING,
    TRANSFORMING,
)

COMMITMENT_COLOURS = {
    "committed": "#2e7d32",
    "ambivalent": "#f9a825",
    "disengaged": "#c62828",
    "exited": "#b0bec5",
}
COMMITMENT_WORDS = {"committed": "committed", "ambivalent": "ambivalent",
                    "disengaged": "disengaged", "exited": "left"}
DISSOLVED_COLOUR = "#9e9e9e"
SECTOR_SYMBOLS = {
    "business": "circle",
    "ngo": "diamond",
    "government": "rect",
    "knowledge_institute": "triangle",
}
PHASE_COLOURS = {
    FORMING: "#90caf9",
    FOUNDING: "#ce93d8",
    EVOLVING: "#a5d6a7",
    TRANSFORMING: "#ffcc80",
    COMPLETED: "#00695c",
    DISSOLVED: "#757575",
}
PHASE_ABBREVIATIONS = {FORMING: "form.", FOUNDING: "found.", EVOLVING: "evol.",
                       TRANSFORMING: "transf."}
MARKER_COLOURS = {"phase": "#9e9e9e", "end": "#212121", "manager": "#d81b60",
                  "partner": "#00897b", "shock": "#8d6e63", "scheduled": "#3949ab"}
# Above this many members a tie per pair would hide the organizations: ties are left out.
MAX_MEMBERS_WITH_TIES = 60
# Above this many members every name would collide: names show only on hover.
MAX_MEMBERS_WITH_NAMES = 40
SERIES_STYLES = ("solid", "dashed")
MARKER_SERIES = "key moments"  # the chart series that carries the key-moment lines
RUN_COLOURS = ("#1565c0", "#ef6c00", "#2e7d32", "#6a1b9a")
# One colour per management mode in every chart that tells modes apart, so a colour never
# means one mode in one chart and another mode (or an outcome) in the next.
MODE_COLOURS = {"dedicated": "#1565c0", "transversal": "#ef6c00", "hybrid": "#6a1b9a",
                "none": "#8d6e63"}


def mode_colour(mode: str, index: int = 0) -> str:
    """The colour of a management mode (a run's colour by its place for anything else)."""
    return MODE_COLOURS.get(mode, RUN_COLOURS[index % len(RUN_COLOURS)])


@dataclass(frozen=True)
class Scale:
    """Font sizes (px) of one display: the laptop's or the projector's."""

    label: int = 13
    axis: int = 12
    title: int = 14
    legend: int = 13

    @property
    def projector(self) -> bool:
        """Whether this is the projector's scale (every text at least 18 px)."""
        return min(self.label, self.axis, self.title, self.legend) >= 18


LAPTOP = Scale()
PROJECTOR = Scale(label=18, axis=18, title=22, legend=18)


def scale_for(projector: bool) -> Scale:
    """The scale of the laptop or the projector view."""
    return PROJECTOR if projector else LAPTOP


def box_style(height: int | str) -> str:
    """A chart's box at full width: ``height`` in pixels, or a CSS height such as '100%'."""
    return f"height: {f'{height}px' if isinstance(height, int) else height}; width: 100%;"


# --- the network ------------------------------------------------------------------------------
def node_size(resources: float, members: int = 8) -> float:
    """Marker size in pixels for an organization contributing ``resources``; smaller when
    many members must share the picture."""
    crowding = min(1.0, (12.0 / max(members, 1)) ** 0.5)
    return float(max(4.0, min(60.0, 12.0 + 14.0 * max(resources, 0.0)) * crowding))


def trust_colour(trust: float) -> str:
    """Red for distrust through grey to green for strong trust."""
    t = min(max(trust, 0.0), 1.0)
    low, mid, high = (198, 40, 40), (144, 164, 174), (46, 125, 50)
    a, b, f = (low, mid, t / 0.5) if t < 0.5 else (mid, high, (t - 0.5) / 0.5)
    r, g, bl = (round(x + (y - x) * f) for x, y in zip(a, b, strict=True))
    return f"#{r:02x}{g:02x}{bl:02x}"


def member_hover(member: MemberOrganization) -> str:
    """What hovering a member shows: its name, sector and, when it has one, country."""
    where = f" from {member.country}" if member.country else ""
    text = f"<b>{escape(member.name)}</b><br/>{escape(sector_words(member.sector))}{where}"
    if not member.active:
        text += f"<br/>left in month {member.exit_month}"
    return text


def _member_node(member: MemberOrganization, xy: Position, members: int,
                 dissolved: bool) -> dict[str, Any]:
    state = member.commitment_state
    node: dict[str, Any] = {
        "name": str(member.name),
        "x": round(xy[0] * 100, 2),
        "y": round(xy[1] * 100, 2),
        "symbol": SECTOR_SYMBOLS.get(member.sector, "circle"),
        "symbolSize": node_size(member.resources, members),
        "category": list(COMMITMENT_COLOURS).index(state),
        "value": round(member.resources, 2),
        "tooltip": {"formatter": member_hover(member)},
    }
    # Names of members on the right run leftwards, so no name runs off the picture.
    side = "left" if xy[0] > 0.55 else "right"
    if not member.active:
        # A former member's name shows on hover only: drawn faintly it would cross the
        # names of the members still in the alliance.
        node["itemStyle"] = {"opacity": 0.35, "borderType": "dashed", "borderColor": "#607d8b"}
        node["label"] = {"show": False, "position": side,
                         "formatter": f"{member.name} (left, month {member.exit_month})"}
        return node
    node["label"] = {"position": side}
    if dissolved:
        # A dissolved alliance has no committed members, whatever they felt at the end.
        node["itemStyle"] = {"color": DISSOLVED_COLOUR, "opacity": 0.6}
    return node


def member_agents(model: AllianceModel) -> list[MemberOrganization]:
    """Every member organization the model made, former members included, of the member
    class or any subclass (Mesa files agents under their exact class)."""
    return [agent for cls, agents in model.agents_by_type.items()
            if issubclass(cls, MemberOrganization) for agent in agents]


def network_option(model: AllianceModel, layout: dict[str, Position],
                   scale: Scale = LAPTOP) -> dict[str, Any]:
    """An ECharts graph: members at their fixed places, coloured by commitment state,
    sized by resources, shaped by sector; ties drawn by mutual trust; leavers greyed out.

    Names never overlap: ECharts hides a name that would cover another (the bigger
    organization keeps its name) and shows it on hover; with many members only hover shows
    names.
    """
    everyone = member_agents(model)
    placed = [m for m in everyone if m.name in layout]
    active = len(model.members)
    dissolved = model.outcome == DISSOLVED
    nodes = [_member_node(m, layout[m.name], active, dissolved) for m in placed]
    # Two invisible corner anchors keep the view's scale fixed as members come and go.
    nodes += [{"name": f"__anchor{i}", "x": c, "y": c, "symbolSize": 0,
               "label": {"show": False}, "tooltip": {"show": False}}
              for i, c in enumerate((-4.0, 104.0))]
    links = trust_links(model) if active <= MAX_MEMBERS_WITH_TIES else []
    names = active <= MAX_MEMBERS_WITH_NAMES
    return {
        "animation": False,
        "tooltip": {"show": True, "textStyle": {"fontSize": scale.label}},
        "series": [{
            "type": "graph",
            "layout": "none",
            "roam": False,
            "categories": [{"name": COMMITMENT_WORDS[s], "itemStyle": {"color": c}}
                           for s, c in COMMITMENT_COLOURS.items()],
            "data": nodes,
            "links": links,
            # A light backing keeps a name legible where it crosses a tie or another node.
            # The line height is given: ECharts otherwise measures it from a CJK glyph,
            # which a browser without such fonts draws far too small, and names that
            # overlap would not be noticed.
            "label": {"show": names, "position": "right", "fontSize": scale.label,
                      "lineHeight": round(scale.label * 1.25), "color": "#263238",
                      "backgroundColor": "rgba(255,255,255,0.75)", "padding": [1, 3],
                      "borderRadius": 3},
            "labelLayout": {"hideOverlap": True},
            "emphasis": {"focus": "adjacency", "label": {"show": True}},
            "top": 20, "bottom": 20, "left": 30, "right": 30,
        }],
    }


def trust_links(model: AllianceModel) -> list[dict[str, Any]]:
    """One tie per pair of active members: width, colour and opacity from mutual trust."""
    graph = model.trust_graph()
    links = []
    names = list(graph.nodes)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            trust = (graph.edges[a, b]["trust"] + graph.edges[b, a]["trust"]) / 2.0
            links.append({
                "source": str(a), "target": str(b), "value": round(trust, 2),
                "lineStyle": {"width": round(0.5 + 4.5 * trust ** 2, 2),
                              "color": trust_colour(trust),
                              "opacity": round(0.15 + 0.7 * trust, 2)},
            })
    return links


def network_legend_html(model: AllianceModel) -> str:
    """What the picture's colour, shape, size and ties mean, and how the alliance ended."""
    shapes = "".join(
        f'<span class="as-key">{_shape_svg(symbol)} {escape(sector_words(sector))}</span>'
        for sector, symbol in SECTOR_SYMBOLS.items())
    colours = "".join(
        f'<span class="as-key"><span class="as-swatch" style="background:{c}"></span>'
        f"{escape(COMMITMENT_WORDS[s])}</span>" for s, c in COMMITMENT_COLOURS.items())
    rows = [
        f'<div><b>Colour</b>: commitment {colours}</div>',
        f"<div><b>Shape</b>: sector {shapes}</div>",
        "<div><b>Size</b>: the resources a member brings (bigger brings more)</div>",
        '<div><b>Ties</b>: mutual trust between two members, thicker and greener for more, '
        'red for distrust</div>',
        "<div><b>Place</b>: culturally similar organizations sit close together; members "
        "who left stay greyed out, dashed, where they stood (point at one for its name)</div>",
    ]
    if any(m.country for m in model.members):
        rows.append("<div><b>Hover</b> a member to see its sector and country</div>")
    if len(model.members) > MAX_MEMBERS_WITH_TIES:
        rows.append(f"<div>Ties are hidden above {MAX_MEMBERS_WITH_TIES} members.</div>")
    if len(model.members) > MAX_MEMBERS_WITH_NAMES:
        rows.append(f"<div>Names show on hover above {MAX_MEMBERS_WITH_NAMES} members.</div>")
    if model.outcome == DISSOLVED:
        rows.append(f'<div class="as-dissolved-note">The alliance dissolved in month '
                    f"{model.month}: its members are shown in grey.</div>")
    return "".join(rows)


def _shape_svg(symbol: str) -> str:
    shapes = {
        "circle": '<circle cx="7" cy="7" r="6"/>',
        "diamond": '<polygon points="7,0 14,7 7,14 0,7"/>',
        "rect": '<rect x="1" y="1" width="12" height="12"/>',
        "triangle": '<polygon points="7,0 14,13 0,13"/>',
    }
    return (f'<svg class="as-shape" width="14" height="14" viewBox="0 0 14 14" '
            f'fill="#546e7a">{shapes[symbol]}</svg>')


# --- charts over time -------------------------------------------------------------------------
@dataclass(frozen=True)
class Panel:
    """One small chart: a title, the step-table columns it plots and their colours."""

    title: str
    columns: tuple[tuple[str, str], ...]  # (column, legend label)
    colours: tuple[str, ...]
    kind: str = "line"
    target: str = ""  # a parameter whose value is drawn as a horizontal line
    unit_range: bool = False  # a 0-1 quantity: keep the axis at 0-1 so changes are not inflated


# Every series on the page has a colour of its own, so a colour never means two things.
LIVE_PANELS = (
    Panel("Trust", (("trust_mean", "mean trust"), ("trust_min", "lowest trust")),
          ("#1565c0", "#00acc1"), unit_range=True),
    Panel("Commitment and identity", (("commitment_mean", "mean commitment"),
                                      ("identity", "collective identity")),
          ("#6a1b9a", "#ef6c00"), unit_range=True),
    Panel("Value", (("value_total", "value so far"),), ("#5d4037",), target="value_target"),
    Panel("Conflicts per month", (("conflicts_resolved", "resolved"),
                                  ("conflicts_escalated", "escalated"),
                                  ("conflicts_latent", "left latent")),
          ("#43a047", "#c62828", "#f9a825"), kind="bar"),
)
# The chart a pause shows on a projector: the one where a moment of this kind shows.
MOMENT_PANELS = {"manager": "Conflicts per month", "partner": "Commitment and identity",
                 "shock": "Value", "phase": "Value", "end": "Value", "scheduled": "Trust"}


def panel_for(moment: Moment | None, panels: Sequence[Panel] = ()) -> Panel:
    """The chart that matters at ``moment``: conflicts when a manager leaves or arrives (who
    mediates now?), commitment when partners come and go, value at a phase, a shock or the
    end, trust for a planned change; value before the first key moment."""
    panels = panels or LIVE_PANELS
    title = MOMENT_PANELS.get(moment.category, "Value") if moment is not None else "Value"
    return next((p for p in panels if p.title == title), panels[0])


COMPARISON_PANELS = (
    Panel("Mean trust", (("trust_mean", "trust"),), RUN_COLOURS, unit_range=True),
    Panel("Mean commitment", (("commitment_mean", "commitment"),), RUN_COLOURS,
          unit_range=True),
    Panel("Value so far", (("value_total", "value"),), RUN_COLOURS, target="value_target"),
    Panel("Conflicts so far", (("conflicts_cumulative", "conflicts"),), RUN_COLOURS),
)


def step_columns(model: AllianceModel) -> dict[str, list[Any]]:
    """The model's per-month records as lists, plus a running total of conflicts."""
    columns = {name: list(values) for name, values in model.datacollector.model_vars.items()}
    total, cumulative = 0, []
    for n in columns.get("conflicts_new", []):
        total += int(n)
        cumulative.append(total)
    columns["conflicts_cumulative"] = cumulative
    return columns


def timeseries_option(
    runs: Sequence[tuple[str, dict[str, list[Any]]]],
    panels: Sequence[Panel],
    horizon: int,
    targets: dict[str, float] | None = None,
    markers: Sequence[Moment] = (),
    scale: Scale = LAPTOP,
    height: int = 430,
    colours: Sequence[str] = (),
) -> dict[str, Any]:
    """A 2x2 grid of charts over months, each with its own title and legend.

    With several runs (the comparison view) each run keeps one colour and line style and
    the legends name the runs; the x axis always spans the whole horizon so lines grow as
    months pass; ``colours`` (one per run) replace the panels' colours when runs are
    compared, so each management mode keeps its colour. ``markers`` draw a dashed line at
    each key moment's month. Positions are in pixels of a chart ``height`` high, so titles
    and legends keep their room at any text size.
    """
    grids, xaxes, yaxes, titles, legends, series = [], [], [], [], [], []
    cell = height // 2
    header = scale.title + scale.legend + 26
    footer = 2 * scale.axis + 26
    for i, panel in enumerate(panels):
        left, top = ("8%" if i % 2 == 0 else "58%"), cell * (i // 2)
        if len(panels) == 1:
            # One chart fills its box, whatever height the page gives the box.
            grids.append({"left": left, "right": "4%", "top": header, "bottom": footer})
        else:
            grids.append({"left": left, "width": "37%", "top": top + header,
                          "height": max(cell - header - footer, 40)})
        titles.append({"text": panel.title, "left": left, "top": top + 2,
                       "textStyle": {"fontSize": scale.title}})
        xaxes.append({"type": "value", "gridIndex": i, "min": 0, "max": horizon,
                      "name": "month", "nameGap": scale.axis + 8, "nameLocation": "middle",
                      "nameTextStyle": {"fontSize": scale.axis},
                      "axisLabel": {"fontSize": scale.axis}})
        yaxes.append(_y_axis(panel, i, runs, targets or {}, scale))
        names = []
        for r, (label, columns) in enumerate(runs):
            months = columns.get("month", [])
            for c, (column, name) in enumerate(panel.columns):
                shown = name if len(runs) == 1 else label
                names.append(shown)
                entry = _series(panel, i, r, c, shown, months, columns.get(column, []))
                if colours and len(runs) > 1:
                    _recolour(entry, colours[r % len(colours)])
                series.append(entry)
        legends.append({"data": names, "left": left, "top": top + scale.title + 10,
                        "textStyle": {"fontSize": scale.legend}, "itemGap": 14})
        if panel.target and targets and panel.target in targets and series:
            series[-1]["markLine"] = _target_line(float(targets[panel.target]), scale)
        series.append(_marker_series(i, markers, scale))
    return {
        "animation": False,
        "title": titles,
        "tooltip": {"trigger": "axis", "textStyle": {"fontSize": scale.label}},
        "legend": legends,
        "grid": grids,
        "xAxis": xaxes,
        "yAxis": yaxes,
        "series": series,
    }


def _target_line(value: float, scale: Scale) -> dict[str, Any]:
    return {"silent": True, "symbol": "none", "lineStyle": {"color": "#616161"},
            "label": {"formatter": "ambition", "fontSize": scale.axis, "position": "insideEndTop"},
            "data": [{"yAxis": value}]}


def _marker_series(grid: int, markers: Iterable[Moment], scale: Scale) -> dict[str, Any]:
    """An empty series carrying a dashed vertical line at each key moment. The lines are
    unlabelled (close months would pile their labels up): hovering one names it, and the
    key under the charts says what each colour marks."""
    lines = [{"xAxis": m.month, "name": m.marker,
              "lineStyle": {"color": MARKER_COLOURS.get(m.category, "#616161")},
              "label": {"show": False}, "emphasis": {"label": {
                  "show": True, "formatter": f"{m.marker} (month {m.month})",
                  "fontSize": scale.axis, "position": "insideEndTop"}}}
             for m in markers]
    return {"type": "line", "name": MARKER_SERIES, "xAxisIndex": grid, "yAxisIndex": grid,
            "data": [], "markLine": {"symbol": "none", "silent": False, "data": lines,
                                     "lineStyle": {"type": "dashed", "width": 1.5}}}


def _y_axis(panel: Panel, grid: int, runs: Sequence[tuple[str, dict[str, list[Any]]]],
            targets: dict[str, float], scale: Scale) -> dict[str, Any]:
    axis: dict[str, Any] = {"type": "value", "gridIndex": grid,
                            "axisLabel": {"fontSize": scale.axis}}
    if panel.kind == "bar":
        axis["minInterval"] = 1  # counts
    if panel.unit_range:
        axis.update(min=0, max=1)
    elif panel.target in targets:
        # Keep the ambition line in view from the first month on.
        highest = max([float(targets[panel.target]), *(
            float(v) for _, columns in runs for column, _ in panel.columns
            for v in columns.get(column, []))])
        # The top is not a round number: its label would sit on the last round one.
        axis.update(min=0, max=round(highest * 1.1, 1))
        axis["axisLabel"]["showMaxLabel"] = False
    return axis


def _series(panel: Panel, grid: int, run: int, column: int, name: str,
            months: list[Any], values: list[Any]) -> dict[str, Any]:
    data = [[int(m), _number(v)] for m, v in zip(months, values, strict=False)]
    colour = panel.colours[(column if run == 0 else run) % len(panel.colours)]
    entry: dict[str, Any] = {"type": panel.kind, "name": name, "xAxisIndex": grid,
                             "yAxisIndex": grid, "data": data, "showSymbol": False,
                             "itemStyle": {"color": colour}}
    if panel.kind == "bar":
        entry["stack"] = f"run{run}"
        entry["barWidth"] = 3  # about a month wide on a ten-year axis
    else:
        entry["lineStyle"] = {"type": SERIES_STYLES[run % len(SERIES_STYLES)], "width": 2.5,
                              "color": colour}
    return entry


def _recolour(entry: dict[str, Any], colour: str) -> None:
    entry["itemStyle"]["color"] = colour
    if "lineStyle" in entry:
        entry["lineStyle"]["color"] = colour


def _number(value: Any) -> float:
    return round(float(value), 4)


# --- the phase timeline -----------------------------------------------------------------------
@dataclass(frozen=True)
class Segment:
    """A stretch of months the alliance spent in one phase."""

    phase: str
    start: int
    end: int
    reason: str
    current: bool

    @property
    def months(self) -> int:
        """Length in months (an ending is a point in time and counts as zero)."""
        return self.end - self.start

    @property
    def colour(self) -> str:
        """The phase's colour in the timeline and the charts."""
        return PHASE_COLOURS.get(self.phase, "#bdbdbd")


def phase_segments(model: AllianceModel) -> list[Segment]:
    """The phases so far, oldest first; the last one is the current phase (or the ending)."""
    history = model.phase_history
    segments = []
    for i, (start, phase, reason) in enumerate(history):
        last = i == len(history) - 1
        end = model.month if last else history[i + 1][0]
        segments.append(Segment(phase, start, end, reason, current=last))
    return segments


def segment_label(segment: Segment, total: int) -> str:
    """The text a segment can hold: the phase and its months when it has room, else the
    phase alone, else an abbreviation (the full text is always in the tooltip)."""
    share = segment.months / max(total, 1)
    if segment.months == 0:
        return f"{segment.phase} ({segment.start})"
    if segment.current or share >= 0.15:
        return f"{segment.phase} {segment.start}–{segment.end}"
    if share >= 0.08:
        return segment.phase
    return PHASE_ABBREVIATIONS.get(segment.phase, segment.phase[:5])


def timeline_html(segments: Sequence[Segment]) -> str:
    """The phases so far as coloured blocks, widths following the months spent; a block is
    never narrower than its text, so no label is cut (the row wraps instead)."""
    total = sum(s.months for s in segments)
    blocks = []
    for s in segments:
        label = segment_label(s, total)
        # A phase just entered still gets room for its name.
        grow = max(s.months, 0.5)
        current = " as-segment-current" if s.current else ""
        title = f"{s.phase}, months {s.start}–{s.end}: {s.reason}"
        blocks.append(f'<div class="as-segment{current}" data-phase="{escape(s.phase)}" '
                      f'title="{escape(title)}" '
                      f'style="background: {s.colour}; flex: {grow:g} 1 auto;">'
                      f"{escape(label)}</div>")
    return "".join(blocks)


# --- the event feed ---------------------------------------------------------------------------
def feed_html(items: Sequence[FeedItem], hidden: int = 0) -> str:
    """The event feed as HTML, newest first: key moments stand out, tensions carry their
    line of theory. All text is escaped."""
    rows = []
    for item in items:
        theory = f'<div class="as-theory">{escape(item.theory)}</div>' if item.theory else ""
        key = " as-feed-key" if item.key else ""
        rows.append(f'<div class="as-feed-item{key}" data-kind="{escape(item.kind)}">'
                    f'<span class="as-kind">{escape(item.label)}</span> '
                    f"<span>{escape(item.sentence)}</span>{theory}</div>")
    if hidden > 0:
        rows.append(f'<div class="as-caption">… and {hidden} earlier events</div>')
    return "".join(rows)


def moment_html(moments: Sequence[Moment], month: int, label: str = "", also: str = "",
                ) -> str:
    """The banner's text: the key moments of the latest month, each in one sentence, and
    ``also`` (the rest of a busy month in a few words) after them."""
    side = f"<b>{escape(label)}</b>: " if label else ""
    if not moments:
        return ""
    fresh = all(m.month == month for m in moments)
    lead = "" if fresh else "Last key moment: "
    lines = [f'<div class="as-moment-line">{side}{lead}{escape(m.sentence)}</div>'
             for m in moments]
    if also:
        lines.append(f'<div class="as-moment-also">{escape(also[:1].upper() + also[1:])} '
                     "this month (see the feed).</div>")
    return "".join(lines)


def intro_html(scenario: str, description: str, timeline: str = "") -> str:
    """What the scenario is about, shown before play so the teacher can read it aloud."""
    plan = f'<div class="as-intro-timeline">{escape(timeline)}</div>' if timeline else ""
    return (f'<div class="as-intro-head">{escape(scenario)}</div>'
            f'<div class="as-intro-text">{escape(description)}</div>{plan}')


# --- the end summary, the glossary, small tables ---------------------------------------------
def summary_html(summary: EndSummary) -> str:
    """The end-of-run summary: how and why, facts, turning points and questions."""
    facts = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>"
                    for k, v in summary.facts)
    points = "".join(f"<li>{escape(m.sentence)}</li>" for m in summary.turning_points)
    if summary.more_turning_points:
        points += f"<li>… and {summary.more_turning_points} more (see the feed)</li>"
    questions = "".join(f"<li>{escape(q)}</li>" for q in summary.questions)
    return (f'<div class="as-summary-headline">{escape(summary.headline)}</div>'
            f'<table class="as-summary-facts">{facts}</table>'
            f'<div class="as-summary-head">Turning points</div><ul>{points}</ul>'
            f'<div class="as-summary-head">For discussion</div>'
            f'<ol class="as-questions">{questions}</ol>')


def glossary_html() -> str:
    """Every term the app shows, in plain words, by topic."""
    sections = []
    for topic, terms in GLOSSARY:
        rows = "".join(f"<dt>{escape(t.term)}</dt><dd>{escape(t.meaning)}</dd>" for t in terms)
        sections.append(f'<section class="as-glossary-topic"><h4>{escape(topic)}</h4>'
                        f"<dl>{rows}</dl></section>")
    return "".join(sections)


def table_html(rows: Sequence[tuple[str, str]]) -> str:
    """A two-column table of labels and values."""
    cells = "".join(f"<tr><td>{escape(k)}</td><td>{escape(v)}</td></tr>" for k, v in rows)
    return f"<table class=\"as-figures\">{cells}</table>"


# --- the comparison over many seeds ------------------------------------------------------------
# Outcomes are never drawn in a mode's colour: the next chart tells modes apart by colour.
OUTCOME_COLOURS = {"completed": PHASE_COLOURS[COMPLETED], "running": "#b2dfdb",
                   "dissolved": PHASE_COLOURS[DISSOLVED]}


def year_bins(lifetimes: Sequence[int], horizon: int) -> list[int]:
    """How many lifetimes fall in each year of the horizon; the last bin holds the alliances
    still running at the horizon."""
    years = -(-horizon // 12)
    counts = [0] * (years + 1)
    for months in lifetimes:
        counts[years if months >= horizon else min(months // 12, years - 1)] += 1
    return counts


def value_bins(values: Sequence[float], target: float, per_target: int = 4,
               ) -> tuple[list[str], float]:
    """Bin labels in steps of a ``per_target``-th of the ambition (so the ambition is a bin
    edge), reaching past the highest value; and the bin width."""
    width = target / per_target
    top = max([target * 1.25, *values])
    n = int(top // width) + 1
    return [f"{i * width:.0f}–{(i + 1) * width:.0f}" for i in range(n)], width


def _category_labels(chart: int, scale: Scale, count: int) -> dict[str, Any]:
    """The x labels of the paired-seeds charts. The first chart has a bar per mode: every
    bar keeps its name (ECharts would drop one that does not fit), broken over lines."""
    if chart == 0:
        return {"fontSize": scale.axis, "interval": 0, "width": 130 if count <= 2 else 80,
                "overflow": "break", "lineHeight": round(scale.axis * 1.2)}
    return {"fontSize": scale.axis, "interval": "auto"}


def many_option(modes: Sequence[Any], names: Sequence[str], horizon: int, target: float,
                scale: Scale = LAPTOP, height: int = 360) -> dict[str, Any]:
    """Three charts of the paired runs per mode: how they ended, how long they lived (by
    year) and the value they created (against the ambition)."""
    years = -(-horizon // 12)
    year_labels = [f"{y}–{y + 1}" for y in range(years)] + [f"running at {years}"]
    value_labels, width = value_bins([v for m in modes for v in m.values], target)
    grids, xaxes, yaxes, titles, series = [], [], [], [], []
    top, bottom = scale.title + scale.legend + 34, 2 * scale.axis + 30
    for i, (title, categories, axis_name) in enumerate((
            ("How they ended", list(names), ""),
            ("Lifetime", year_labels, "years lived (last bars: still running)"),
            (f"Value created (ambition {target:g})", value_labels, "value"))):
        left = f"{4 + 33 * i}%"
        grids.append({"left": left, "width": "27%", "top": top, "bottom": bottom})
        titles.append({"text": title, "left": left, "top": 0,
                       "textStyle": {"fontSize": scale.title}})
        xaxes.append({"type": "category", "gridIndex": i, "data": categories,
                      "name": axis_name, "nameLocation": "middle", "nameGap": scale.axis + 10,
                      "nameTextStyle": {"fontSize": scale.axis},
                      "axisLabel": _category_labels(i, scale, len(categories))})
        yaxes.append({"type": "value", "gridIndex": i, "minInterval": 1,
                      "axisLabel": {"fontSize": scale.axis}})
    for outcome, colour in OUTCOME_COLOURS.items():
        words = {"running": "still running"}.get(outcome, outcome)
        series.append({"type": "bar", "name": words, "stack": "outcome", "xAxisIndex": 0,
                       "yAxisIndex": 0, "itemStyle": {"color": colour},
                       "data": [m.outcomes[outcome] for m in modes]})
    for r, (mode, name) in enumerate(zip(modes, names, strict=True)):
        colour = mode_colour(mode.mode, r)
        series.append({"type": "bar", "name": name, "xAxisIndex": 1, "yAxisIndex": 1,
                       "itemStyle": {"color": colour}, "data": year_bins(mode.lifetimes, horizon)})
        counts = [0] * len(value_labels)
        for v in mode.values:
            counts[min(int(v // width), len(counts) - 1)] += 1
        series.append({"type": "bar", "name": name, "xAxisIndex": 2, "yAxisIndex": 2,
                       "itemStyle": {"color": colour}, "data": counts})
    outcome_names = [s["name"] for s in series[:3]]
    return {
        "animation": False,
        "title": titles,
        "tooltip": {"trigger": "axis", "textStyle": {"fontSize": scale.label}},
        "legend": [{"data": outcome_names, "left": "4%", "top": scale.title + 10,
                    "textStyle": {"fontSize": scale.legend}},
                   {"data": list(names), "left": "37%", "top": scale.title + 10,
                    "textStyle": {"fontSize": scale.legend}}],
        "grid": grids, "xAxis": xaxes, "yAxis": yaxes, "series": series,
    }


# --- the why panel -------------------------------------------------------------------------------
def why_option(who: Sequence[tuple[str, list[int], list[int]]], modes: Sequence[str],
               names: Sequence[str], scale: Scale = LAPTOP) -> dict[str, Any]:
    """A small bar chart of who mediated the conflicts: per mediator a bar per alliance in
    its mode's colour, the resolved part solid and the rest pale."""
    categories = [label for label, _, _ in who]
    pair = len(modes) > 1
    series = []
    for r, (mode, name) in enumerate(zip(modes, names, strict=True)):
        colour = mode_colour(mode, r)
        resolved = [counts[r] for _, _, counts in who]
        rest = [mediated[r] - counts[r] for _, mediated, counts in who]
        # Two alliances: the legend names the modes, the subtitle says solid and pale.
        solid, pale = (name, f"{name}: not resolved") if pair else ("resolved", "not resolved")
        series.append({"type": "bar", "name": solid, "stack": f"run{r}",
                       "itemStyle": {"color": colour}, "data": resolved})
        series.append({"type": "bar", "name": pale, "stack": f"run{r}",
                       "itemStyle": {"color": colour, "opacity": 0.35}, "data": rest})
    legend = [s["name"] for s in series[::2]] if pair else ["resolved", "not resolved"]
    note = scale.label + 8 if pair else 0
    return {
        "animation": False,
        "title": {"text": "Mediated conflicts, by who led the mediation",
                  "subtext": "solid: resolved, pale: not resolved" if pair else "",
                  "textStyle": {"fontSize": scale.title},
                  "subtextStyle": {"fontSize": scale.label}},
        "tooltip": {"trigger": "axis", "textStyle": {"fontSize": scale.label}},
        "legend": {"data": legend, "top": scale.title + 10 + note,
                   "textStyle": {"fontSize": scale.legend}},
        "grid": {"left": "8%", "right": "4%", "top": scale.title + scale.legend + 34 + note,
                 "bottom": 2 * scale.axis + 24},
        "xAxis": {"type": "category", "data": categories,
                  "axisLabel": {"fontSize": scale.axis, "interval": 0, "width": 100,
                                "overflow": "break", "lineHeight": round(scale.axis * 1.2)}},
        "yAxis": {"type": "value", "minInterval": 1, "axisLabel": {"fontSize": scale.axis}},
        "series": series,
    }
