"""What the app draws, as plain data: chart options, phase segments, feed entries.

The charts are ECharts options rendered in the browser from the locally served ECharts
bundle (solara-assets), so a step sends a few kilobytes of JSON instead of re-rendering
images on the server; that keeps a step click well under the 200 ms the class needs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

from alliancesim.app.layout import Position
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
    COMPLETED: "#1565c0",
    DISSOLVED: "#757575",
}
# Above this many members a tie per pair would hide the organizations: ties are left out.
MAX_MEMBERS_WITH_TIES = 60
SERIES_STYLES = ("solid", "dashed")
PALETTE = ("#1565c0", "#2e7d32", "#c62828", "#6a1b9a", "#ef6c00")


# --- the network ------------------------------------------------------------------------------
def node_size(resources: float) -> float:
    """Marker size in pixels for an organization contributing ``resources``."""
    return float(min(60.0, 12.0 + 14.0 * max(resources, 0.0)))


def trust_colour(trust: float) -> str:
    """Red for distrust through grey to green for strong trust."""
    t = min(max(trust, 0.0), 1.0)
    low, mid, high = (198, 40, 40), (144, 164, 174), (46, 125, 50)
    a, b, f = (low, mid, t / 0.5) if t < 0.5 else (mid, high, (t - 0.5) / 0.5)
    r, g, bl = (round(x + (y - x) * f) for x, y in zip(a, b, strict=True))
    return f"#{r:02x}{g:02x}{bl:02x}"


def _member_node(member: MemberOrganization, xy: Position) -> dict[str, Any]:
    state = member.commitment_state
    node: dict[str, Any] = {
        "name": str(member.name),
        "x": round(xy[0] * 100, 2),
        "y": round(xy[1] * 100, 2),
        "symbol": SECTOR_SYMBOLS.get(member.sector, "circle"),
        "symbolSize": node_size(member.resources),
        "category": list(COMMITMENT_COLOURS).index(state),
        "value": round(member.resources, 2),
    }
    if not member.active:
        node["itemStyle"] = {"opacity": 0.35, "borderType": "dashed", "borderColor": "#607d8b"}
        node["label"] = {"formatter": f"{member.name} (left, month {member.exit_month})",
                         "color": "#90a4ae"}
    return node


def network_option(model: AllianceModel, layout: dict[str, Position]) -> dict[str, Any]:
    """An ECharts graph: members at their fixed places, coloured by commitment state,
    sized by resources, shaped by sector; ties drawn by mutual trust; leavers greyed out."""
    everyone = list(model.agents_by_type.get(MemberOrganization, []))
    placed = [m for m in everyone if m.name in layout]
    nodes = [_member_node(m, layout[m.name]) for m in placed]
    # Two invisible corner anchors keep the view's scale fixed as members come and go.
    nodes += [{"name": f"__anchor{i}", "x": c, "y": c, "symbolSize": 0,
               "label": {"show": False}, "tooltip": {"show": False}}
              for i, c in enumerate((-4.0, 104.0))]
    links = trust_links(model) if len(model.members) <= MAX_MEMBERS_WITH_TIES else []
    return {
        "animation": False,
        "tooltip": {"show": True},
        "legend": [{"data": list(COMMITMENT_COLOURS), "bottom": 0}],
        "series": [{
            "type": "graph",
            "layout": "none",
            "roam": False,
            "categories": [{"name": s, "itemStyle": {"color": c}}
                           for s, c in COMMITMENT_COLOURS.items()],
            "data": nodes,
            "links": links,
            "label": {"show": True, "position": "right", "fontSize": 11},
            "emphasis": {"focus": "adjacency"},
            "top": 20, "bottom": 40, "left": 30, "right": 120,
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


# --- charts over time -------------------------------------------------------------------------
@dataclass(frozen=True)
class Panel:
    """One small chart: a title and the step-table columns it plots."""

    title: str
    columns: tuple[tuple[str, str], ...]  # (column, legend label)
    kind: str = "line"
    colours: tuple[str, ...] = PALETTE
    target: str = ""  # a parameter whose value is drawn as a horizontal line
    unit_range: bool = False  # a 0-1 quantity: keep the axis at 0-1 so changes are not inflated


LIVE_PANELS = (
    Panel("Trust", (("trust_mean", "mean trust"), ("trust_min", "lowest trust")), unit_range=True),
    Panel("Commitment", (("commitment_mean", "mean commitment"), ("identity", "identity")),
          unit_range=True),
    Panel("Value", (("value_total", "value so far"),), target="value_target"),
    Panel("Conflicts per month", (("conflicts_resolved", "resolved"),
                                  ("conflicts_escalated", "escalated"),
                                  ("conflicts_latent", "left latent")),
          kind="bar", colours=("#2e7d32", "#c62828", "#f9a825")),
)
COMPARISON_PANELS = (
    Panel("Mean trust", (("trust_mean", "trust"),), unit_range=True),
    Panel("Mean commitment", (("commitment_mean", "commitment"),), unit_range=True),
    Panel("Value so far", (("value_total", "value"),), target="value_target"),
    Panel("Conflicts so far", (("conflicts_cumulative", "conflicts"),)),
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
) -> dict[str, Any]:
    """A 2x2 grid of charts over months, one series per (run, column).

    With several runs (the comparison view) each run keeps one line style and the legend
    names the run; the x axis always spans the whole horizon so lines grow as months pass.
    """
    grids, xaxes, yaxes, titles, series = [], [], [], [], []
    for i, panel in enumerate(panels):
        left, top = ("7%" if i % 2 == 0 else "57%"), ("9%" if i < 2 else "58%")
        grids.append({"left": left, "top": top, "width": "38%", "height": "28%"})
        titles.append({"text": panel.title, "left": left, "top": f"{int(top[:-1]) - 7}%",
                       "textStyle": {"fontSize": 13}})
        xaxes.append({"type": "value", "gridIndex": i, "min": 0, "max": horizon,
                      "name": "month" if i >= 2 else "", "nameGap": 22,
                      "nameLocation": "middle"})
        yaxes.append(_y_axis(panel, i, runs, targets or {}))
        for r, (label, columns) in enumerate(runs):
            months = columns.get("month", [])
            for c, (column, name) in enumerate(panel.columns):
                values = columns.get(column, [])
                series.append(_series(panel, i, r, c, name if len(runs) == 1 else label,
                                      months, values))
        if panel.target and targets and panel.target in targets and series:
            series[-1]["markLine"] = {
                "silent": True, "symbol": "none", "lineStyle": {"color": "#616161"},
                "label": {"formatter": "ambition"},
                "data": [{"yAxis": float(targets[panel.target])}]}
    return {
        "animation": False,
        "title": titles,
        "tooltip": {"trigger": "axis"},
        "legend": {"bottom": 0, "type": "scroll"},
        "grid": grids,
        "xAxis": xaxes,
        "yAxis": yaxes,
        "series": series,
    }


def _y_axis(panel: Panel, grid: int, runs: Sequence[tuple[str, dict[str, list[Any]]]],
            targets: dict[str, float]) -> dict[str, Any]:
    axis: dict[str, Any] = {"type": "value", "gridIndex": grid}
    if panel.kind == "bar":
        axis["minInterval"] = 1  # counts
    if panel.unit_range:
        axis.update(min=0, max=1)
    elif panel.target in targets:
        # Keep the ambition line in view from the first month on.
        highest = max([float(targets[panel.target]), *(
            float(v) for _, columns in runs for column, _ in panel.columns
            for v in columns.get(column, []))])
        axis.update(min=0, max=round(highest * 1.1, 1))
    return axis


def _series(panel: Panel, grid: int, run: int, column: int, name: str,
            months: list[Any], values: list[Any]) -> dict[str, Any]:
    data = [[int(m), _number(v)] for m, v in zip(months, values, strict=False)]
    colour = (panel.colours[column % len(panel.colours)] if run == 0
              else PALETTE[run % len(PALETTE)])
    entry: dict[str, Any] = {"type": panel.kind, "name": name, "xAxisIndex": grid,
                             "yAxisIndex": grid, "data": data, "showSymbol": False,
                             "itemStyle": {"color": colour}}
    if panel.kind == "bar":
        entry["stack"] = f"run{run}"
        entry["barWidth"] = 3  # about a month wide on a ten-year axis
    else:
        entry["lineStyle"] = {"type": SERIES_STYLES[run % len(SERIES_STYLES)], "width": 2}
    return entry


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


# --- the event feed ---------------------------------------------------------------------------
@dataclass(frozen=True)
class FeedItem:
    """One event as the class reads it: a sentence and, for tensions, a line of theory."""

    month: int
    kind: str
    sentence: str
    theory: str


def feed_items(model: AllianceModel, limit: int = 40) -> list[FeedItem]:
    """The newest ``limit`` events, newest first."""
    newest = model.events[-limit:] if limit > 0 else []
    return [FeedItem(e.month, e.kind, e.sentence(), e.theory()) for e in reversed(newest)]


# --- HTML fragments ---------------------------------------------------------------------------
# The feed, the timeline and the figures table are sent as one HTML string each: one widget
# instead of hundreds keeps every step's redraw cheap. All text is escaped.
THEORY_KINDS = ("conflict", "paradox", "stagnation")


def feed_html(items: Sequence[FeedItem], hidden: int = 0) -> str:
    """The event feed as HTML, newest first, with a theory line under tensions."""
    rows = []
    for item in items:
        theory = (f'<div class="as-theory">{escape(item.theory)}</div>'
                  if item.theory and item.kind in THEORY_KINDS else "")
        rows.append(f'<div class="as-feed-item" data-kind="{escape(item.kind)}">'
                    f'<span class="as-kind">{escape(item.kind)}</span>'
                    f"<span>{escape(item.sentence)}</span>{theory}</div>")
    if hidden > 0:
        rows.append(f'<div class="as-caption">… and {hidden} earlier events</div>')
    return "".join(rows)


def timeline_html(segments: Sequence[Segment]) -> str:
    """The phases so far as coloured blocks, widths following the months spent."""
    blocks = []
    for s in segments:
        label = f"{s.phase} {s.start}–{s.end}" if s.months else f"{s.phase} ({s.start})"
        # A phase just entered still gets room for its name.
        grow = max(s.months, 0.5)
        current = " as-segment-current" if s.current else ""
        title = f"{s.phase}, months {s.start}–{s.end}: {s.reason}"
        blocks.append(f'<div class="as-segment{current}" data-phase="{escape(s.phase)}" '
                      f'title="{escape(title)}" '
                      f'style="background: {s.colour}; flex: {grow:g} 1 0;">'
                      f"{escape(label)}</div>")
    return "".join(blocks)


def table_html(rows: Sequence[tuple[str, str]]) -> str:
    """A two-column table of labels and values."""
    cells = "".join(f"<tr><td>{escape(k)}</td><td>{escape(v)}</td></tr>" for k, v in rows)
    return f"<table class=\"as-figures\">{cells}</table>"
