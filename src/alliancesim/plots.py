"""Figures for papers, as public functions.

Labels and units come from the parameter definition, shares are drawn as percentages,
panels that are compared share their scales, and every figure says its n and what it pools
over. :func:`save_figure` writes PNG at 300 dpi, PDF or SVG. The figure functions return
:class:`matplotlib.figure.Figure` objects (drawn off-screen, never through pyplot's global
state), so they can be adjusted before they are saved::

    from alliancesim import plots
    fig = plots.morris_figure(report.indices, "value_total")
    plots.save_figure(fig, "figures/morris_value", "pdf")

Single runs and comparisons: :func:`run_figure`, :func:`survival_figure`,
:func:`phase_figure`, :func:`trajectory_figure`. Sweeps: :func:`effects_figure`,
:func:`heatmap_figure`, :func:`morris_figure`, :func:`sobol_figure` (and
:func:`sobol_problems`, the warnings about indices that cannot be told from zero).
"""

from alliancesim.compare.figures import (
    phase_figure,
    run_figure,
    survival_figure,
    trajectory_figure,
)
from alliancesim.figstyle import (
    DPI,
    FORMATS,
    factor_label,
    is_share,
    outcome_label,
    save_figure,
)
from alliancesim.sweeps.figures import (
    SweepCounts,
    effects_figure,
    heatmap_figure,
    morris_figure,
    sobol_figure,
    sobol_problems,
)

__all__ = [
    "DPI",
    "FORMATS",
    "SweepCounts",
    "effects_figure",
    "factor_label",
    "heatmap_figure",
    "is_share",
    "morris_figure",
    "outcome_label",
    "phase_figure",
    "run_figure",
    "save_figure",
    "sobol_figure",
    "sobol_problems",
    "survival_figure",
    "trajectory_figure",
]
