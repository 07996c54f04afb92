"""Figures of a comparison and of a single run (matplotlib, drawn off-screen with Agg).

Figures are built on :class:`matplotlib.figure.Figure` directly, not through pyplot, so
nothing here touches a global backend or keeps figures alive after they are saved.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from alliancesim.compare.statistics import trajectory_bands
from alliancesim.figstyle import footnote, new_figure, percent_axis, save_figure

PHASE_COLOURS = {"forming": "#9ecae1", "founding": "#4292c6", "evolving": "#41ab5d",
                 "transforming": "#fd8d3c"}
STEP_LABELS = {"trust_mean": "Mean trust (0-1)", "commitment_mean": "Mean commitment (0-1)",
               "trust_min": "Lowest trust (0-1)", "skill_mean": "Mean member skill (0-1)"}
SCENARIO_COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b",
                    "#e377c2", "#7f7f7f", "#bcbd22", "#17becf")


def _figure(width: float, height: float, rows: int = 1, cols: int = 1, note_lines: int = 2,
            **kwargs: object) -> tuple[Figure, list[Axes]]:
    figure, axes = new_figure(width, height, rows, cols, note_lines=note_lines, **kwargs)
    return figure, axes.ravel().tolist()


def colour(index: int) -> str:
    """The colour of the ``index``-th scenario, the same in every figure."""
    return SCENARIO_COLOURS[index % len(SCENARIO_COLOURS)]


def save(figure: Figure, path: Path, fmt: str | None = None) -> Path:
    """Write ``figure`` to ``path`` as PNG at 300 dpi, PDF or SVG (``fmt``, else the path's
    suffix) and return the path written."""
    return save_figure(figure, path, fmt)


def survival_figure(curves: pd.DataFrame, runs: int | None = None) -> Figure:
    """Kaplan-Meier curves (share of alliances not yet dissolved) with 95% bands;
    ``runs`` (per scenario) goes into the footnote."""
    figure, (ax,) = _figure(7.5, 4.5)
    for index, (name, curve) in enumerate(curves.groupby("scenario", observed=True, sort=False)):
        ax.step(curve["month"], curve["survival"], where="post", color=colour(index),
                label=str(name), linewidth=1.8)
        ax.fill_between(curve["month"], curve["ci_low"], curve["ci_high"], step="post",
                        color=colour(index), alpha=0.15, linewidth=0)
    ax.set(xlabel="Month", ylabel="Alliances not dissolved (%)", ylim=(0, 1.02),
           title="Survival of the alliances (Kaplan-Meier, 95% band)")
    percent_axis(ax)
    ax.grid(alpha=0.3)
    ax.legend(loc="lower left", fontsize="small")
    footnote(figure, f"{_runs_text(runs)}Time to dissolution; completed alliances and those "
             "still running at the horizon are censored at their end month. Bands: Greenwood "
             "log-log 95% intervals.")
    return figure


def _runs_text(runs: int | None) -> str:
    return f"n = {runs} runs per scenario, common seeds. " if runs else ""


def phase_figure(durations: pd.DataFrame, runs: int | None = None) -> Figure:
    """Mean months in each phase per scenario, as stacked horizontal bars."""
    figure, (ax,) = _figure(7.5, 0.5 * len(durations) + 1.6)
    names = [str(n) for n in durations.index][::-1]
    left = pd.Series(0.0, index=names)
    for phase in durations.columns:
        widths = durations[phase].reindex(durations.index[::-1]).to_numpy()
        ax.barh(names, widths, left=left.to_numpy(), label=phase,
                color=PHASE_COLOURS.get(phase, "#bdbdbd"))
        left += widths
    ax.set(xlabel="Mean months in phase (months)", title="Time spent in each phase")
    figure.legend(ncols=len(durations.columns), loc="outside lower center", fontsize="small")
    ax.grid(axis="x", alpha=0.3)
    footnote(figure, f"{_runs_text(runs)}Means over all runs, ended or not.")
    return figure


def trajectory_figure(trajectories: pd.DataFrame,
                      columns: tuple[str, ...] = ("trust_mean", "commitment_mean")) -> Figure:
    """Mean trajectories over the alliances still running, with an interquartile band.

    A month is drawn only while enough alliances still run (5% of the runs, at least 3), so
    that the curves' tails do not trace a single survivor.
    """
    figure, axes = _figure(7.5, 3.0 * len(columns), rows=len(columns), sharex=True)
    runs = trajectories.groupby("scenario", observed=True)["replicate"].nunique()
    for ax, column in zip(axes, columns, strict=True):
        bands = trajectory_bands(trajectories, column)
        needed = bands["scenario"].map(lambda name: max(3.0, 0.05 * runs[name]))
        bands = bands[bands["running"] >= needed.astype(float)]
        for index, (name, band) in enumerate(bands.groupby("scenario", observed=True,
                                                            sort=False)):
            ax.plot(band["month"], band["mean"], color=colour(index), label=str(name))
            ax.fill_between(band["month"], band["low"], band["high"], color=colour(index),
                            alpha=0.15, linewidth=0)
        ax.set(ylabel=STEP_LABELS.get(column, column.replace("_", " ")), ylim=(0, 1.02))
        ax.grid(alpha=0.3)
    axes[0].set_title("Trajectories of running alliances (mean, interquartile band)")
    axes[-1].set_xlabel("Month")
    if axes[0].get_legend_handles_labels()[0]:
        axes[0].legend(fontsize="small", loc="lower left")
    else:  # say why the panels are empty rather than draw an empty legend
        axes[0].text(0.5, 0.5, "too few runs to draw: a month needs at least 3 running "
                     "alliances (and 5% of the runs)", transform=axes[0].transAxes,
                     ha="center", va="center", fontsize="small")
    per_scenario = int(runs.max()) if len(runs) else 0
    footnote(figure, f"{_runs_text(per_scenario)}Each month averages the alliances still "
             "running then (drawn while at least 3 and 5% of the runs still run); bands: "
             "interquartile range.")
    return figure


def run_figure(steps: pd.DataFrame, title: str,
               intervention_months: tuple[int, ...] = ()) -> Figure:
    """One run month by month: trust and commitment, members, value; phases shaded and
    scheduled interventions marked."""
    figure, axes = _figure(8.0, 7.5, rows=3, note_lines=0, sharex=True)
    month = steps["month"]
    axes[0].plot(month, steps["trust_mean"], label="trust (mean)", color="#1f77b4")
    axes[0].plot(month, steps["trust_min"], label="trust (lowest)", color="#1f77b4",
                 linestyle=":")
    axes[0].plot(month, steps["commitment_mean"], label="commitment (mean)", color="#d62728")
    axes[0].set(ylim=(0, 1.02), ylabel="0-1")
    axes[1].step(month, steps["members"], where="post", color="#2ca02c")
    axes[1].set(ylabel="members")
    axes[2].plot(month, steps["value_total"], color="#9467bd")
    axes[2].set(ylabel="value created", xlabel="Month")
    for ax in axes:
        _shade_phases(ax, steps)
        for m in intervention_months:
            ax.axvline(m, color="black", linewidth=0.8, linestyle="--")
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize="small", loc="lower left")
    axes[2].legend(handles=[Patch(color=c, alpha=0.3, label=p) for p, c in PHASE_COLOURS.items()],
                   fontsize="small", loc="upper left", ncols=2)
    axes[0].set_title(title)
    return figure


def _shade_phases(ax: Axes, steps: pd.DataFrame) -> None:
    """Colour the background by life-cycle phase."""
    phase = steps["phase"].to_numpy()
    month = steps["month"].to_numpy()
    start = 0
    for i in range(1, len(phase) + 1):
        if i == len(phase) or phase[i] != phase[start]:
            end = month[i] if i < len(phase) else month[-1] + 1
            ax.axvspan(month[start], end, color=PHASE_COLOURS.get(str(phase[start]), "#eeeeee"),
                       alpha=0.15, linewidth=0)
            start = i
