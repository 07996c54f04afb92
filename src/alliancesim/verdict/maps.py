"""Maps of the verdict over the two factors that move it most.

Two kinds:

* **at the defaults** (:func:`grid_map`): a grid over the two factors, every other factor at
  its default, each grid point run paired under every mode; a cell is one point, judged like
  any point of the design;
* **averaged over the design** (:func:`verdict_map`): the two axes of the global design are
  cut into cells (equal-width bins of a numeric factor, one cell per value of a choice), and a
  cell pools the paired runs of all design points that fall in it, so it shows the difference
  *averaged over the other factors as the design spreads them*. Its interval is clustered by
  design row (Saltelli's base sample for Sobol designs, the trajectory for Morris designs):
  the points of one row share most of their coordinates and are not independent draws.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from alliancesim.sweeps.design import Design, Factor
from alliancesim.verdict.paired import differences, winners
from alliancesim.verdict.spec import Outcome

CLUSTER = "cluster"


@dataclass(frozen=True)
class Axis:
    """One axis of a map: the factor and its cells."""

    factor: Factor
    labels: tuple[str, ...]
    edges: tuple[float, ...] | None  # bin edges of a numeric factor; None for levels
    levels: tuple[object, ...] | None = None  # the values of a grid or a choice

    def codes(self, values: pd.Series) -> np.ndarray:
        """The cell of each value."""
        if self.edges is None:
            levels = self.levels if self.levels is not None else self.factor.values or ()
            lookup = {v: i for i, v in enumerate(levels)}
            return values.map(lookup).to_numpy(dtype=int)
        inner = np.asarray(self.edges[1:-1])
        return np.searchsorted(inner, values.to_numpy(dtype=float), side="right")


def make_axis(factor: Factor, bins: int) -> Axis:
    """Cells for ``factor``: its listed values, or up to ``bins`` equal-width bins."""
    if factor.listed:
        return Axis(factor, tuple(str(v) for v in factor.values or ()), None)
    assert factor.low is not None and factor.high is not None
    if factor.kind == "int":
        low, high = int(factor.low), int(factor.high)
        starts = np.unique(np.floor(np.linspace(low, high + 1, bins + 1)[:-1]).astype(int))
        ends = [*(starts[1:] - 1), high]
        labels = tuple(f"{s}" if s == e else f"{s}–{e}" for s, e in zip(starts, ends,
                                                                       strict=True))
        edges = (float(low), *(float(s) - 0.5 for s in starts[1:]), float(high))
        return Axis(factor, labels, edges)
    edges = tuple(float(e) for e in np.linspace(factor.low, factor.high, bins + 1))
    labels = tuple(f"{_num(a)}–{_num(b)}" for a, b in itertools.pairwise(edges))
    return Axis(factor, labels, edges)


def grid_axis(factor: Factor, levels: int) -> Axis:
    """Cells for the levels a grid design gives ``factor``."""
    values = tuple(factor.grid_levels(levels))
    return Axis(factor, tuple(_num(v) if isinstance(v, float) else str(v) for v in values),
                None, values)


def _num(value: float) -> str:
    return f"{value:.3g}"


def design_rows(design: Design) -> pd.Series:
    """The design row of each point (the cluster of its runs), indexed by point."""
    points = design.points
    d = len(design.ranged)
    if design.kind == "sobol":
        size = (2 * d + 2) if design.second_order else (d + 2)
    elif design.kind == "morris":
        size = d + 1
    else:
        size = 1
    return pd.Series(points["combo"].to_numpy() * 10**9 + points["sample"].to_numpy() // size,
                     index=points["point"].to_numpy(), name=CLUSTER)


@dataclass
class VerdictMap:
    """A map: its axes, and per cell and outcome the differences and the winner."""

    x: Axis
    y: Axis
    differences: pd.DataFrame
    winners: pd.DataFrame
    points_per_cell: pd.DataFrame


def verdict_map(paired: pd.DataFrame, design: Design, x: Factor, y: Factor,
                modes: Sequence[str], outcomes: Sequence[Outcome], confidence: float,
                bins: int, margins: Mapping[str, float] | None = None) -> VerdictMap:
    """The map of the verdict over factors ``x`` and ``y`` (see the module)."""
    ax, ay = make_axis(x, bins), make_axis(y, bins)
    points = design.points.set_index("point")
    frame = paired.copy()
    frame["cell_x"] = ax.codes(points.loc[frame["point"], x.name].reset_index(drop=True))
    frame["cell_y"] = ay.codes(points.loc[frame["point"], y.name].reset_index(drop=True))
    frame[CLUSTER] = design_rows(design).loc[frame["point"]].to_numpy()
    return _cells(frame, ax, ay, modes, outcomes, confidence, CLUSTER, margins)


def _cells(frame: pd.DataFrame, ax: Axis, ay: Axis, modes: Sequence[str],
           outcomes: Sequence[Outcome], confidence: float,
           cluster: str | None, margins: Mapping[str, float] | None = None) -> VerdictMap:
    by = ("cell_x", "cell_y")
    diffs = differences(frame, modes, outcomes, confidence, by=by, cluster=cluster,
                        margins=margins)
    counts = frame.groupby(list(by))["point"].nunique().rename("points").reset_index()
    return VerdictMap(ax, ay, diffs, winners(diffs, modes, by=by), counts)


def grid_map(paired: pd.DataFrame, design: Design, modes: Sequence[str],
             outcomes: Sequence[Outcome], confidence: float,
             margins: Mapping[str, float] | None = None) -> VerdictMap:
    """The map at the defaults: a grid design over two factors, one point per cell."""
    x, y = design.ranged
    ax, ay = grid_axis(x, design.levels), grid_axis(y, design.levels)
    points = design.points.set_index("point")
    frame = paired.copy()
    frame["cell_x"] = ax.codes(points.loc[frame["point"], x.name].reset_index(drop=True))
    frame["cell_y"] = ay.codes(points.loc[frame["point"], y.name].reset_index(drop=True))
    return _cells(frame, ax, ay, modes, outcomes, confidence, None, margins)
