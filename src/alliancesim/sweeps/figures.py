"""Figures of a sweep: effects of each factor, two-factor heatmaps, Morris mu*-sigma plots
and Sobol index bars, all with labels from the parameter definition and their n stated."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from alliancesim.figstyle import (
    factor_label,
    footnote,
    is_share,
    new_figure,
    outcome_label,
    percent_axis,
)
from alliancesim.params.declared import lookup

if TYPE_CHECKING:
    from alliancesim.sweeps.design import Design, Factor


@dataclass(frozen=True)
class SweepCounts:
    """What a sweep figure rests on: runs, design points, replicates, runs left out."""

    runs: int
    points: int
    replicates: int
    failed: int = 0

    def text(self) -> str:
        """``n = 256 runs (64 design points x 4 replicates)``."""
        left_out = f"; {self.failed} failed runs left out" if self.failed else ""
        return (f"n = {self.runs:,} runs ({self.points:,} design points x {self.replicates} "
                f"replicates{left_out})")


def effects_figure(effects: pd.DataFrame, design: Design, outcome: str,
                   counts: SweepCounts | None = None, values: pd.Series | None = None,
                   bins: int = 10) -> Figure:
    """One panel per factor: the mean outcome (95% band) at each value or bin of the
    factor, a line per level of a listed factor; all panels share the outcome's scale."""
    factors = design.model_factors
    cols = min(3, len(factors))
    rows = math.ceil(len(factors) / cols)
    fig, grid = new_figure(4.2 * cols, 3.3 * rows, rows, cols, note_lines=3, sharey=True)
    axes = grid.ravel()
    share = is_share(outcome, values)
    for ax, factor in zip(axes, factors, strict=False):
        table = effects[(effects["factor"] == factor.name) & (effects["outcome"] == outcome)]
        _draw_effect(ax, table, factor)
        ax.set_xlabel(factor_label(factor.name))
        if share:
            percent_axis(ax)
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize=7)
    for ax in axes[::cols]:
        ax.set_ylabel(outcome_label(outcome, values))
    for ax in axes[len(factors):]:
        ax.set_visible(False)
    fig.suptitle(f"{outcome_label(outcome, values)}: mean and 95% confidence band")
    footnote(fig, _effects_note(design, counts, bins))
    return fig


def _draw_effect(ax: Axes, table: pd.DataFrame, factor: Factor) -> None:
    levels = table["level"].nunique()
    for i, (level, line) in enumerate(table.groupby("level", sort=False)):
        label = f"{factor_label(line['by'].iloc[0])} = {level}" if line["by"].iloc[0] else None
        mean = line["mean"].to_numpy(dtype=float)
        if not factor.listed:
            x = line["x"].to_numpy(dtype=float)  # the column mixes numbers and levels
            ax.plot(x, mean, marker="o", ms=3, label=label)
            ax.fill_between(x, line["low"].to_numpy(dtype=float),
                            line["high"].to_numpy(dtype=float), alpha=0.2)
        else:
            pos = np.arange(len(line)) + (i - 0.5 * (levels - 1)) * 0.1
            ax.errorbar(pos, mean, yerr=_errors(line), fmt="o", capsize=3, label=label)
            ax.set_xticks(np.arange(len(line)), [str(x) for x in line["x"]], rotation=20)
            ax.set_xlim(-0.6, len(line) - 0.4)
    ax.grid(alpha=0.3)


def _errors(line: pd.DataFrame) -> np.ndarray:
    low = (line["mean"] - line["low"]).clip(lower=0).fillna(0)
    high = (line["high"] - line["mean"]).clip(lower=0).fillna(0)
    return np.vstack([low.to_numpy(), high.to_numpy()])


def _effects_note(design: Design, counts: SweepCounts | None, bins: int) -> str:
    names = [f.name for f in design.model_factors]
    pooled = (" Each panel pools the runs over the other factors "
              f"({', '.join(factor_label(n) for n in names)} less the panel's own)"
              if len(names) > 1 else "")
    binned = [factor_label(f.name) for f in design.model_factors
              if f.ranged and not f.listed]
    binning = (f"; ranged factors with more than {bins} values are binned into {bins} equal "
               f"bins ({', '.join(binned)})" if binned else "")
    base = counts.text() + "." if counts else ""
    return (f"{base}{pooled}{binning}. Bands: 95% percentile bootstrap of the mean "
            "(normal interval above 2,000 runs).")


def heatmap_figure(table: pd.DataFrame, counts: pd.DataFrame, a: Factor, b: Factor,
                   outcome: str, *, vmin: float | None = None, vmax: float | None = None,
                   pooled: Sequence[str] = (), values: pd.Series | None = None,
                   total: SweepCounts | None = None) -> Figure:
    """A two-factor heatmap of the mean outcome (rows: ``b``, columns: ``a``), each cell
    showing its number of runs; empty cells are marked. ``vmin``/``vmax`` give heatmaps of
    the same outcome one colour scale."""
    share = is_share(outcome, values)
    fig, grid = new_figure(5.8, 4.4, note_lines=3)
    ax = grid[0, 0]
    data = table.to_numpy(dtype=float)
    cmap = _viridis_with_gaps()
    image = ax.imshow(np.ma.masked_invalid(data), origin="lower", aspect="auto", cmap=cmap,
                      vmin=vmin, vmax=vmax)
    ax.set_xticks(np.arange(table.shape[1]), [_tick(x) for x in table.columns], rotation=30)
    ax.set_yticks(np.arange(table.shape[0]), [_tick(y) for y in table.index])
    ax.set_xlabel(factor_label(a.name))
    ax.set_ylabel(factor_label(b.name))
    if data.size <= 144:
        for (i, j), n in np.ndenumerate(counts.reindex_like(table).fillna(0).to_numpy()):
            ax.text(j, i, f"{int(n)}" if n else "no runs", ha="center", va="center",
                    fontsize=6, color="white" if n else "#666666")
    label = outcome_label(outcome, values)
    bar = fig.colorbar(image, ax=ax, label=label if share else f"Mean {label[:1].lower()}"
                       f"{label[1:]}")
    if share:
        bar.formatter = PercentFormatter(xmax=1.0, decimals=0)
        bar.update_ticks()
    filled = counts.to_numpy(dtype=float)
    filled = filled[filled > 0]
    per_cell = (f"{int(filled.min())} to {int(filled.max())} runs per cell (numbers in the "
                "cells)" if filled.size else "no runs")
    pooled_text = (f"; each cell pools over {', '.join(factor_label(n) for n in pooled)}"
                   if pooled else "")
    base = f"{total.text()}. " if total else ""
    footnote(fig, f"{base}{per_cell}{pooled_text}; grey cells: no run fell there. One colour "
             "scale for every heatmap of this outcome.")
    return fig


def _viridis_with_gaps() -> Any:
    from matplotlib import colormaps

    return colormaps["viridis"].with_extremes(bad="#dddddd")


def _tick(value: Any) -> str:
    return f"{value:.3g}" if isinstance(value, float) else str(value)


# --- sensitivity indices --------------------------------------------------------------------
def morris_figure(indices: pd.DataFrame, outcome: str,
                  noise: pd.DataFrame | None = None) -> Figure:
    """Morris screening: mu* (mean absolute elementary effect, with its 95% interval)
    against sigma (their spread) for each factor, a panel per combination of listed values,
    on shared axes. Lines mark sigma/mu* = 0.1, 0.5 and 1 (Garcia Sanchez et al. 2014):
    below 0.1 an effect is almost linear, above 1 it is non-linear or interacting. The
    hatched band is the noise floor (up to the dummy factor's mu* interval); factors whose
    interval reaches it are drawn hollow: not distinguishable from noise."""
    table = indices[indices["outcome"] == outcome]
    combos = list(dict.fromkeys(table["combo"]))
    cols = min(2, len(combos))
    rows = math.ceil(len(combos) / cols)
    fig, grid = new_figure(5.0 * cols, 4.2 * rows, rows, cols, note_lines=4, sharex=True,
                           sharey=True)
    axes = grid.ravel()
    top = float(np.nanmax([table["mu_star"].max() + table["mu_star_conf"].max(),
                           table["sigma"].max(), 1e-12]) * 1.1)
    for ax, combo in zip(axes, combos, strict=False):
        rows_ = table[table["combo"] == combo]
        distinct = (rows_["mu_star_distinct"].to_numpy(bool) if "mu_star_distinct" in rows_
                    else np.ones(len(rows_), bool))
        for flag, face in ((True, "#1f77b4"), (False, "none")):
            part = rows_[distinct == flag]
            ax.errorbar(part["mu_star"], part["sigma"], xerr=part["mu_star_conf"], fmt="o",
                        capsize=2, color="#1f77b4", markerfacecolor=face)
        if "mu_star_floor" in rows_ and len(rows_):
            ax.axvspan(0, float(rows_["mu_star_floor"].max()), facecolor="none",
                       hatch="///", edgecolor="#999999", lw=0)
        for row in rows_.itertuples():
            ax.annotate(param.title if (param := lookup(row.factor)) is not None
                        else row.factor.replace("_", " "),
                        (row.mu_star, row.sigma),
                        fontsize=7, xytext=(3, 3), textcoords="offset points")
        for ratio, style in ((0.1, ":"), (0.5, "--"), (1.0, "-")):
            ax.plot([0, top], [0, ratio * top], color="grey", lw=0.7, ls=style)
        ax.set(xlim=(0, top), ylim=(0, top), title=combo if combo != "all" else None)
        ax.grid(alpha=0.3)
    unit = outcome_label(outcome)
    for ax in axes[-cols:]:
        ax.set_xlabel(f"mu* (mean |elementary effect| on {unit})")
    for ax in axes[::cols]:
        ax.set_ylabel("sigma (spread of the effects)")
    for ax in axes[len(combos):]:
        ax.set_visible(False)
    fig.suptitle(f"Morris screening of {outcome_label(outcome)}")
    footnote(fig, "Elementary effects on the mean outcome of each design point, per unit "
             "range of the factor; bars: 95% bootstrap interval of mu*. Lines: sigma/mu* = "
             "0.1 (dotted), 0.5 (dashed), 1 (solid). Hatched band: the noise floor, up to the "
             "dummy factor's interval (a factor the model ignores); hollow: interval reaching "
             f"it, not distinguishable from noise.{_noise_text(noise)}")
    return fig


def _noise_text(noise: pd.DataFrame | None) -> str:
    """`` Replicate noise: 40% of the variance of the point means.`` per combination."""
    if noise is None or noise.empty:
        return ""
    parts = [f"{share:.0%}" + ("" if combo == "all" else f" ({combo})")
             for combo, share in zip(noise["combo"], noise["noise_share_means"], strict=True)
             if np.isfinite(share)]
    return (" Replicate noise: " + ", ".join(parts) + " of the variance of the point means."
            if parts else "")


def sobol_problems(indices: pd.DataFrame) -> list[str]:
    """Warnings for Sobol indices that are negative or whose 95% interval crosses zero:
    the estimate cannot be told from zero, usually because the sample is too small."""
    found = []
    for row in indices.itertuples():
        for name in ("S1", "ST"):
            value, conf = getattr(row, name), getattr(row, f"{name}_conf")
            if not np.isfinite(value):
                continue
            if value < 0:
                found.append(f"{row.combo}, {row.outcome}, {row.factor}: {name} = {value:.3f} "
                             "is negative (an estimation error: the true index is 0 or more); "
                             "increase design.samples")
            elif np.isfinite(conf) and value - conf < 0:
                found.append(f"{row.combo}, {row.outcome}, {row.factor}: the 95% interval of "
                             f"{name} ({value - conf:.3f} to {value + conf:.3f}) crosses zero; "
                             "it cannot be told from 0 at this sample size")
    return found


def sobol_figure(indices: pd.DataFrame, outcome: str,
                 noise: pd.DataFrame | None = None) -> Figure:
    """First-order (S1) and total (ST) Sobol indices with 95% intervals, a panel per
    combination of listed values on a shared scale. Hatched bars cannot be told from noise:
    their interval reaches the dummy factor's (a factor the model ignores), or zero in a
    design without one, or they are negative."""
    table = indices[indices["outcome"] == outcome]
    combos = list(dict.fromkeys(table["combo"]))
    fig, grid = new_figure(5.5, 0.45 * table["factor"].nunique() * len(combos) + 1.6,
                           len(combos), 1, note_lines=4, sharex=True)
    for ax, combo in zip(grid[:, 0], combos, strict=True):
        rows = table[table["combo"] == combo].reset_index(drop=True)
        y = np.arange(len(rows))
        for offset, name, colour in ((-0.18, "S1", "#1f77b4"), (0.18, "ST", "#ff7f0e")):
            value, conf = rows[name].to_numpy(float), rows[f"{name}_conf"].to_numpy(float)
            unsure = (value < 0) | (value - conf < 0)
            if f"{name}_distinct" in rows:
                unsure |= ~rows[f"{name}_distinct"].to_numpy(bool)
            bars = ax.barh(y + offset, value, height=0.34, xerr=conf, color=colour,
                           label=name, capsize=2)
            for bar, flag in zip(bars, unsure, strict=True):
                if flag:
                    bar.set_hatch("///")
                    bar.set_alpha(0.5)
        ax.set_yticks(y, [factor_label(f) for f in rows["factor"]], fontsize=7)
        ax.axvline(0, color="black", lw=0.7)
        ax.set_title(combo if combo != "all" else None, fontsize=9)
        ax.grid(axis="x", alpha=0.3)
    grid[0, 0].legend(fontsize=7)
    grid[-1, 0].set_xlabel("share of the outcome's variance")
    fig.suptitle(f"Sobol indices of {outcome_label(outcome)}")
    footnote(fig, "Indices of the mean outcome of each design point (Saltelli scheme, SALib); "
             "bars: 95% bootstrap intervals. Hatched: not distinguishable from noise (interval "
             "reaching the dummy factor's, a factor the model ignores, or zero; or negative)."
             f"{_noise_text(noise)}")
    return fig
