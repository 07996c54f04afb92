"""Where each mode wins: scenario discovery with PRIM (the EMA Workbench's implementation).

PRIM (Friedman & Fisher 1999; Bryant & Lempert 2010) peels the space of conditions and
assumptions, a few percent at a time, toward a box where the cases of interest (here: the
design points where a mode wins) are dense. Each step of the peeling trajectory trades
*coverage* (the share of all cases that fall inside the box) against *density* (the share of
points inside the box that are cases). The box reported is the step with the largest
harmonic mean of the two (their F1 score) among the boxes that restrict at most
``max_dims`` factors, so that it stays readable; the whole trajectory is kept for the
trade-off figure.
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

MIN_CASES = 5  # fewer cases than this: no box is worth drawing


@dataclass
class Box:
    """A PRIM box: the limits of the factors it restricts, with coverage and density."""

    target: str
    cases: int
    points: int
    step: int = -1
    coverage: float = np.nan
    density: float = np.nan
    mass: float = np.nan
    limits: list[dict[str, Any]] = field(default_factory=list)
    trajectory: pd.DataFrame = field(default_factory=pd.DataFrame)
    note: str = ""
    # per factor: % of PRIM boxes on random halves of the points that restrict it at the
    # step nearest this box's coverage and density (the Workbench's box.resample)
    resampling: dict[str, dict[str, float]] = field(default_factory=dict)

    @property
    def found(self) -> bool:
        """Whether a box was found (enough cases, and not everywhere)."""
        return self.step >= 0

    def summary(self) -> dict[str, Any]:
        """A JSON-friendly description."""
        return {"target": self.target, "cases": self.cases, "points": self.points,
                "base_rate": self.cases / self.points if self.points else np.nan,
                "step": self.step, "coverage": self.coverage, "density": self.density,
                "mass": self.mass, "limits": self.limits, "note": self.note}


def _prim() -> Any:
    """The EMA Workbench's prim module, imported quietly (it warns that ipyparallel, which
    PRIM does not use, is missing)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*ipyparallel.*")
        from ema_workbench.analysis import prim
    logging.getLogger("EMA").setLevel(logging.WARNING)
    return prim


def find_box(x: pd.DataFrame, y: np.ndarray, target: str, *, max_dims: int = 3,
             peel_alpha: float = 0.05, resamples: int = 0, seed: int = 0) -> Box:
    """The PRIM box of the points where ``y`` is true, over the factors in ``x``.

    ``x`` holds one column per factor (numbers, or categories for choices); ``y`` one boolean
    per row. With ``resamples`` the box is checked on that many random halves of the points
    (``resampling``: how often each factor is restricted there, in %).
    """
    y = np.asarray(y, dtype=bool)
    box = Box(target, int(y.sum()), len(y))
    if box.cases < MIN_CASES:
        box.note = f"too few cases for a box ({box.cases} of {len(y)} points)"
        return box
    if box.cases == len(y):
        box.note = "everywhere: every point of the design is a case"
        return box
    prim = _prim()
    with warnings.catch_warnings():  # the Workbench's own use of pandas, not ours
        warnings.simplefilter("ignore", category=FutureWarning)
        warnings.filterwarnings("ignore", message=".*inplace.*")
        found = prim.Prim(_inputs(x), y, peel_alpha=peel_alpha).find_box()
    trajectory = found.peeling_trajectory.reset_index(drop=True)
    step = pick_step(trajectory, max_dims)
    box.trajectory = trajectory[["coverage", "density", "mass", "res_dim"]].assign(
        f1=_f1(trajectory))
    if step < 0:
        box.note = f"no step of the peeling restricts at most {max_dims} factors"
        return box
    row = trajectory.iloc[step]
    box.step, box.coverage, box.density = step, float(row["coverage"]), float(row["density"])
    box.mass = float(row["mass"])
    whole = {c for c in x.columns if pd.api.types.is_integer_dtype(x[c])}
    box.limits = restrictions(found.box_lims[0], found.box_lims[step], _quasi_p(found, step),
                              whole)
    if resamples:
        box.resampling = _resampled(found, step, resamples, seed)
        for limit in box.limits:
            scores = box.resampling.get(limit["factor"], {})
            limit["resampled"] = max(scores.values()) if scores else None
            limit["resampled_coverage"] = scores.get("reproduce coverage")
            limit["resampled_density"] = scores.get("reproduce density")
    return box


def _resampled(found: Any, step: int, iterations: int, seed: int) -> dict[str, dict[str, float]]:
    """The Workbench's resampling of a box: per factor, the % of boxes found on random
    halves of the points that restrict it, near this box's coverage and near its density."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scores = found.resample(step, iterations=iterations, p=0.5, rng=seed)
    return {str(name): {k: float(v) for k, v in row.items()} for name, row in scores.iterrows()}


def _inputs(x: pd.DataFrame) -> pd.DataFrame:
    """Choices as categories (PRIM peels them value by value), numbers as floats: the
    Workbench's pasting writes limits between two whole numbers into the column's type,
    which pandas refuses for an integer column."""
    out = x.copy()
    for name in out.columns:
        if pd.api.types.is_numeric_dtype(out[name]):
            out[name] = out[name].astype(float)
        else:
            out[name] = out[name].astype("category")
    return out.reset_index(drop=True)


def _f1(trajectory: pd.DataFrame) -> np.ndarray:
    c, d = trajectory["coverage"].to_numpy(), trajectory["density"].to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(c + d > 0, 2 * c * d / (c + d), 0.0)


def pick_step(trajectory: pd.DataFrame, max_dims: int) -> int:
    """The step with the largest F1 of coverage and density among those restricting
    between 1 and ``max_dims`` factors (-1 if none does)."""
    f1 = _f1(trajectory)
    dims = trajectory["res_dim"].to_numpy()
    allowed = (dims >= 1) & (dims <= max_dims)
    if not allowed.any():
        return -1
    return int(np.flatnonzero(allowed)[np.argmax(f1[allowed])])


def _quasi_p(found: Any, step: int) -> dict[str, float]:
    """Quasi-p-values of each restricted factor at ``step`` (a binomial test of the density
    the restriction gains; EMA's ``p_values``, -1 where a side is not restricted), the
    smaller of its two sides."""
    out = {}
    for name, sides in found.p_values[step].items():
        values = [float(v) for v in sides if v is not None and float(v) >= 0]
        out[str(name)] = min(values) if values else np.nan
    return out


def restrictions(initial: pd.DataFrame, chosen: pd.DataFrame, quasi_p: dict[str, float],
                 whole: frozenset[str] | set[str] = frozenset()) -> list[dict[str, Any]]:
    """The factors whose limits the box narrows: lower and upper limit (None when left at
    the edge of the design; for whole-number factors the whole numbers inside) or, for
    choices, the values kept."""
    out = []
    for name in chosen.columns:
        low0, high0 = initial[name].iloc[0], initial[name].iloc[1]
        low, high = chosen[name].iloc[0], chosen[name].iloc[1]
        if isinstance(low0, set):
            if low != low0:
                out.append({"factor": name, "values": sorted(low), "qp": quasi_p.get(name)})
            continue
        if low == low0 and high == high0:
            continue
        if name in whole:  # PRIM may cut between two whole numbers
            low, high = float(np.ceil(low)), float(np.floor(high))
        out.append({"factor": name, "low": None if low <= low0 else float(low),
                    "high": None if high >= high0 else float(high), "qp": quasi_p.get(name)})
    return out
