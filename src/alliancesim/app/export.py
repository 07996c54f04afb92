"""Take-aways: the view as a picture (PNG) and the run's events and months as CSV files.

The picture is drawn on the server with matplotlib from the same data the page shows (the
network at its fixed places, the charts with their key-moment markers, the latest moment),
so it needs nothing from the browser and looks the same on every machine.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from typing import Any

import numpy as np

from alliancesim.app.state import Watched
from alliancesim.app.summary import status_line
from alliancesim.app.views import (
    COMMITMENT_COLOURS,
    COMPARISON_PANELS,
    DISSOLVED_COLOUR,
    LIVE_PANELS,
    MARKER_COLOURS,
    MAX_MEMBERS_WITH_TIES,
    Panel,
    member_agents,
    node_size,
    phase_segments,
    step_columns,
    trust_colour,
)
from alliancesim.app.words import mode_name

MPL_MARKERS = {"business": "o", "ngo": "D", "government": "s", "knowledge_institute": "^"}
FIGURE_SIZE = (16.0, 9.0)
DPI = 100


def file_stem(title: str) -> str:
    """A file name stem from the view's title: 'manager-departure-seed-11'."""
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") or "alliance"


# --- CSV ---------------------------------------------------------------------------------------
def events_csv(watched: Sequence[Watched]) -> str:
    """Every line of the feed, oldest first: month, kind, key moment or not, sentence and
    theory (with the management mode when two alliances are compared)."""
    out = io.StringIO()
    writer = csv.writer(out)
    pair = len(watched) > 1
    writer.writerow((["management"] if pair else [])
                    + ["month", "kind", "key_moment", "sentence", "theory"])
    for side in watched:
        for item in side.story.feed:
            writer.writerow(([side.label] if pair else [])
                            + [item.month, item.label, "yes" if item.key else "no",
                               item.sentence, item.theory])
    return out.getvalue()


def months_csv(watched: Sequence[Watched]) -> str:
    """The monthly table: one row per month (per alliance when two are compared)."""
    frames = []
    for side in watched:
        table = side.model.step_table()
        if len(watched) > 1:
            table.insert(0, "management", side.label)
        frames.append(table)
    out = io.StringIO()
    for i, frame in enumerate(frames):
        frame.to_csv(out, index=False, header=i == 0)
    return out.getvalue()


# --- the picture -------------------------------------------------------------------------------
def view_png(watched: Sequence[Watched], title: str) -> bytes:
    """The view as a PNG: title and status, phase timelines, networks, charts with markers
    and the latest key moment of each alliance."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=FIGURE_SIZE, dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    n = len(watched)
    grid = figure.add_gridspec(2 + n, 4, height_ratios=[0.3] * n + [4.0, 4.0],
                               width_ratios=[1.3, 1.3, 1.0, 1.0])
    figure.suptitle(title, fontsize=18, fontweight="bold")
    for i, side in enumerate(watched):
        _draw_timeline(figure.add_subplot(grid[i, :]), side, n > 1)
    if n == 1:
        names = [(figure.add_subplot(grid[n:, :2]), watched[0])]
    else:
        names = [(figure.add_subplot(grid[n + i, :2]), side) for i, side in enumerate(watched)]
    for ax, side in names:
        _draw_network(ax, side)
    panels = LIVE_PANELS if n == 1 else COMPARISON_PANELS
    for k, panel in enumerate(panels):
        ax = figure.add_subplot(grid[n + k // 2, 2 + k % 2])
        _draw_panel(ax, panel, watched)
    latest = [_latest_words(side, n > 1) for side in watched]
    figure.supxlabel("\n".join(line for line in latest if line), fontsize=12, x=0.01,
                     ha="left")
    # Names are placed once the layout is final, so their overlap test measures what is drawn.
    figure.draw_without_rendering()
    for ax, side in names:
        _label_without_overlap(ax, side)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, facecolor="white")
    return buffer.getvalue()


def _draw_timeline(ax: Any, side: Watched, labelled: bool) -> None:
    model = side.model
    horizon = int(model.p["horizon"])
    for segment in phase_segments(model):
        width = max(segment.months, 0.6)
        ax.barh(0, width, left=segment.start, color=segment.colour, edgecolor="white")
        if segment.months >= horizon * 0.06:
            ax.text(segment.start + width / 2, 0, segment.phase, ha="center", va="center",
                    fontsize=11)
    prefix = f"{mode_name(side.label)}: " if labelled else ""
    ax.set_title(prefix + status_line(model, side.story), fontsize=12, loc="left")
    ax.set_xlim(0, horizon)
    ax.set_axis_off()


def _draw_network(ax: Any, side: Watched) -> None:
    model, layout = side.model, side.layout
    active = model.members
    if len(active) <= MAX_MEMBERS_WITH_TIES:
        _draw_ties(ax, model, layout)
    dissolved = model.outcome == "dissolved"
    everyone = [m for m in member_agents(model)
                if m.name in layout]
    for member in everyone:
        x, y = layout[member.name]
        colour = COMMITMENT_COLOURS[member.commitment_state]
        if dissolved and member.active:
            colour = DISSOLVED_COLOUR
        ax.scatter([x], [1 - y], s=node_size(member.resources, len(active)) ** 2 * 0.6,
                   marker=MPL_MARKERS.get(member.sector, "o"), color=colour,
                   alpha=1.0 if member.active else 0.35, edgecolors="white", zorder=3)
    ax.set_xlim(-0.08, 1.35)
    ax.set_ylim(-0.08, 1.08)
    ax.set_axis_off()
    title = "Members and trust" if not side.label else f"{mode_name(side.label)}: members"
    ax.set_title(title, fontsize=13, loc="left")


def _draw_ties(ax: Any, model: Any, layout: dict[str, tuple[float, float]]) -> None:
    graph = model.trust_graph()
    names = [n for n in graph.nodes if n in layout]
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            trust = (graph.edges[a, b]["trust"] + graph.edges[b, a]["trust"]) / 2.0
            (xa, ya), (xb, yb) = layout[a], layout[b]
            ax.plot([xa, xb], [1 - ya, 1 - yb], color=trust_colour(trust),
                    linewidth=0.5 + 4.5 * trust ** 2, alpha=0.15 + 0.7 * trust, zorder=1)


def _label_without_overlap(ax: Any, side: Watched) -> None:
    """Name the members, biggest first; a name that would cover another is left out."""
    renderer = ax.figure.canvas.get_renderer()
    kept: list[Any] = []
    for member in sorted(side.model.members, key=lambda m: -m.resources):
        x, y = side.layout[member.name]
        text = ax.text(x + 0.025, 1 - y, member.name, fontsize=11, va="center", zorder=4)
        text.set_in_layout(False)
        box = text.get_window_extent(renderer)
        if any(box.overlaps(other) for other in kept):
            text.remove()
        else:
            kept.append(box)


def _draw_panel(ax: Any, panel: Panel, watched: Sequence[Watched]) -> None:
    horizon = max(int(w.model.p["horizon"]) for w in watched)
    for r, side in enumerate(watched):
        columns = step_columns(side.model)
        months = np.asarray(columns.get("month", []))
        for c, (column, name) in enumerate(panel.columns):
            values = np.asarray(columns.get(column, []), dtype=float)
            colour = panel.colours[(c if r == 0 else r) % len(panel.colours)]
            label = name if len(watched) == 1 else mode_name(side.label)
            if panel.kind == "bar":
                ax.bar(months, values, width=1.0, color=colour, label=label,
                       bottom=_stacked_below(columns, panel, c))
            else:
                ax.plot(months, values, color=colour, linewidth=2, label=label,
                        linestyle="-" if r == 0 else "--")
        for moment in side.story.moments:
            ax.axvline(moment.month, color=MARKER_COLOURS.get(moment.category, "#616161"),
                       linestyle=":", linewidth=1)
    if panel.target:  # the one target a panel draws: the ambition the founders pooled
        ax.axhline(watched[0].model.objectives(), color="#616161", linestyle="--",
                   linewidth=1, label="ambition")
    if panel.unit_range:
        ax.set_ylim(0, 1)
    ax.set_xlim(0, horizon)
    ax.set_title(panel.title, fontsize=13, loc="left")
    ax.set_xlabel("month", fontsize=11)
    ax.legend(fontsize=10, loc="best", frameon=False)


def _latest_words(side: Watched, labelled: bool) -> str:
    if not side.story.moments:
        return ""
    prefix = f"{mode_name(side.label)}: " if labelled else ""
    return prefix + side.story.moments[-1].sentence


def _stacked_below(columns: dict[str, list[Any]], panel: Panel, upto: int) -> np.ndarray:
    months = len(columns.get("month", []))
    below = np.zeros(months)
    for column, _ in panel.columns[:upto]:
        below += np.asarray(columns.get(column, [0] * months), dtype=float)
    return below
