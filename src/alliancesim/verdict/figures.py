"""Figures of the verdict: the map of the winning mode, the differences per pair, the indices
and PRIM's trade-off curves. Names and units of the factors come from the parameter
definition; every figure says in its footnote what it averages over and how cells are tested.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from alliancesim.params.declared import lookup
from alliancesim.sweeps.design import DUMMY
from alliancesim.sweeps.parameter_sets import SET_FACTOR
from alliancesim.verdict.discovery import Box
from alliancesim.verdict.maps import VerdictMap
from alliancesim.verdict.paired import NO_WINNER, categories, mode_pairs
from alliancesim.verdict.spec import Outcome

MODE_NAMES = {"dedicated": "a dedicated manager (the profession)",
              "transversal": "transversal skill (shared by every participant)",
              "hybrid": "both together (hybrid)", "none": "no management"}
MODE_COLOURS = {"dedicated": "#1f77b4", "transversal": "#2ca02c", "hybrid": "#ff7f0e",
                "none": "#7f7f7f"}
NO_WINNER_COLOUR = "#f2f2f2"
GOAL = {"failed": "fails least", "value_total": "creates most value",
        "survived": "survives most", "objectives_met": "meets its objectives most"}


def factor_label(name: str) -> str:
    """'Number of members (organizations)': the parameter's title and unit."""
    if name == SET_FACTOR:
        return "Parameter set (row of the plausible set)"
    if name == DUMMY:
        return "Dummy factor (ignored by the model: the noise floor)"
    param = lookup(name)
    assert param is not None, name
    unit = "" if param.unit in ("-", "") else f" ({param.unit})"
    return f"{param.title}{unit}"


def category_colour(category: str) -> tuple[float, float, float]:
    """A mode's colour; modes winning together get the mean of theirs, lightened."""
    if category == NO_WINNER:
        return to_rgb(NO_WINNER_COLOUR)
    modes = category.split(" or ")
    rgb = np.mean([to_rgb(MODE_COLOURS.get(m, "#333333")) for m in modes], axis=0)
    if len(modes) > 1:
        rgb = 0.55 * rgb + 0.45
    return (float(rgb[0]), float(rgb[1]), float(rgb[2]))


def category_label(category: str) -> str:
    """Legend text of a verdict category."""
    if category == NO_WINNER:
        return "no clear winner"
    modes = category.split(" or ")
    if len(modes) == 1:
        return MODE_NAMES.get(category, category)
    return " or ".join(modes) + " (tied, ahead of the rest)"


def _figure(width: float, height: float, cols: int = 1) -> tuple[Figure, list[Axes]]:
    figure = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(figure)
    return figure, figure.subplots(1, cols, squeeze=False).ravel().tolist()


def save(figure: Figure, path: Path) -> Path:
    """Write ``figure`` as PNG and return the path."""
    figure.savefig(path, dpi=120, bbox_inches="tight")  # the footnote sits below the axes
    return path


def _cell_axes(ax: Axes, vmap: VerdictMap) -> None:
    ax.set_xticks(range(len(vmap.x.labels)), vmap.x.labels, rotation=30, ha="right",
                  fontsize="small")
    ax.set_yticks(range(len(vmap.y.labels)), vmap.y.labels, fontsize="small")
    ax.set_xlabel(factor_label(vmap.x.factor.name))
    ax.set_ylabel(factor_label(vmap.y.factor.name))
    ax.set_xlim(-0.5, len(vmap.x.labels) - 0.5)
    ax.set_ylim(-0.5, len(vmap.y.labels) - 0.5)


def winner_map(vmap: VerdictMap, outcome: Outcome, modes: Sequence[str],
               footnote: str, where: str) -> Figure:
    """The winning mode in each cell of the map, 'no clear winner' hatched."""
    figure, (ax,) = _figure(8.2, 6.4)
    table = vmap.winners[vmap.winners["outcome"] == outcome.name]
    shown = []
    for row in table.itertuples():
        x, y, category = int(row.cell_x), int(row.cell_y), str(row.winner)
        ax.add_patch(_cell(x, y, category))
        if category not in shown:
            shown.append(category)
        if category != NO_WINNER:
            ax.text(x, y, category.replace(" or ", "\nor "), ha="center", va="center",
                    fontsize=7, color="white")
    _cell_axes(ax, vmap)
    order = [c for c in categories(modes) if c in shown]
    ax.legend(handles=[Patch(facecolor=category_colour(c), edgecolor="#999999",
                             hatch="///" if c == NO_WINNER else None,
                             label=category_label(c)) for c in order],
              loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small",
              title="which mode " + GOAL.get(outcome.name, "does best"))
    ax.set_title(f"Which management mode {GOAL.get(outcome.name, 'does best')}? "
                 f"({where})")
    figure.text(0.01, -0.01, footnote, fontsize=7.5, ha="left", va="top", wrap=True)
    return figure


def _cell(x: int, y: int, category: str) -> Patch:
    from matplotlib.patches import Rectangle

    return Rectangle((x - 0.5, y - 0.5), 1, 1, facecolor=category_colour(category),
                     edgecolor="white", linewidth=1.5,
                     hatch="///" if category == NO_WINNER else None)


def pair_maps(vmap: VerdictMap, outcome: Outcome, modes: Sequence[str],
              footnote: str, where: str) -> Figure:
    """One panel per pair of modes: the mean paired difference in each cell, cells whose
    interval includes zero hatched."""
    pairs = mode_pairs(modes)
    figure, axes = _figure(4.6 * len(pairs) + 1.0, 4.8, cols=len(pairs))
    table = vmap.differences[vmap.differences["outcome"] == outcome.name]
    limit = float(np.nanmax(np.abs(table["diff"]))) or 1.0
    image = None
    for ax, (a, b) in zip(axes, pairs, strict=True):
        cells = table[(table["a"] == a) & (table["b"] == b)]
        grid = np.full((len(vmap.y.labels), len(vmap.x.labels)), np.nan)
        grid[cells["cell_y"].astype(int), cells["cell_x"].astype(int)] = cells["diff"]
        image = ax.imshow(grid, origin="lower", cmap="RdBu_r" if outcome.lower_is_better
                          else "RdBu", vmin=-limit, vmax=limit, aspect="auto")
        for row in cells.itertuples():
            if not row.clear:
                ax.add_patch(_cell(int(row.cell_x), int(row.cell_y), NO_WINNER))
            ax.text(row.cell_x, row.cell_y, _short(row.diff, outcome), ha="center",
                    va="center", fontsize=7)
        _cell_axes(ax, vmap)
        ax.set_title(f"{a} − {b}", fontsize="medium")
    assert image is not None
    figure.colorbar(image, ax=axes, shrink=0.8, label="a − b (blue: a better)")
    figure.suptitle(f"Paired differences in {outcome.label} ({where})")
    figure.text(0.01, -0.01, footnote, fontsize=7.5, ha="left", va="top", wrap=True)
    return figure


def _short(value: float, outcome: Outcome) -> str:
    if not np.isfinite(value):
        return ""
    return f"{value:+.0%}" if outcome.share else f"{value:+.3g}"


def indices_figure(ranking: pd.DataFrame, outcome: Outcome, kind: str,
                   pairs: Sequence[tuple[str, str]], rows: int = 12) -> Figure:
    """The factors' influence on each pair's difference, strongest first."""
    top = ranking.head(rows).iloc[::-1]
    figure, (ax,) = _figure(8.0, 0.38 * len(top) + 1.6)
    height = 0.8 / len(pairs)
    for i, (a, b) in enumerate(pairs):
        name = f"{a}-{b}"
        ax.barh(np.arange(len(top)) + (i - (len(pairs) - 1) / 2) * height, top[name],
                height=height, label=f"{a} − {b}")
    ax.set_yticks(range(len(top)), [factor_label(f) for f in top["factor"]], fontsize="small")
    what = "total-order Sobol index" if kind == "sobol" else "Morris mu* (outcome units)"
    ax.set_xlabel(f"{what} of the difference in {outcome.label}")
    ax.legend(fontsize="small")
    ax.grid(axis="x", alpha=0.3)
    return figure


def tradeoff_figure(boxes: Sequence[Box], cols: int = 3) -> Figure:
    """PRIM's peeling trajectories: coverage against density, the chosen box circled."""
    shown = [b for b in boxes if not b.trajectory.empty]
    rows = max(1, -(-len(shown) // cols))
    figure = Figure(figsize=(4.4 * cols, 3.6 * rows), layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.subplots(rows, cols, squeeze=False).ravel().tolist()
    for ax in axes[len(shown):]:
        ax.set_axis_off()
    for ax, box in zip(axes, shown, strict=False):
        t = box.trajectory
        points = ax.scatter(t["coverage"], t["density"], c=t["res_dim"], cmap="viridis", s=14)
        if box.found:
            ax.scatter([box.coverage], [box.density], s=140, facecolors="none",
                       edgecolors="red", linewidths=1.5, label="box reported")
            ax.legend(fontsize="x-small", loc="lower left")
        ax.set(xlabel="coverage", ylabel="density", xlim=(0, 1.02), ylim=(0, 1.02),
               title=box.target)
        ax.grid(alpha=0.3)
        figure.colorbar(points, ax=ax, label="factors restricted")
    if not shown:
        axes[0].text(0.5, 0.5, "nothing holds at enough points for a box", ha="center")
    return figure
