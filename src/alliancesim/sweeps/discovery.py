"""Scenario discovery on any sweep: where in the design does an outcome run high (or low)?

``alliancesim analyze RESULTS --discover OUTCOME`` marks each design point as a *case* when
its mean outcome over the replicates lies above a threshold (below with ``--below``;
default: the median of the points' means, so that about half the points are cases), then
runs three methods of the EMA Workbench over the factors of the design:

* **PRIM** (``prim.Prim``): the box of factor limits where cases are dense, with its
  coverage (share of the cases inside) and density (share of the points inside that are
  cases), each limit with its quasi-p value (a binomial test of the density it adds) and
  how often boxes found on random halves of the points restrict that factor too, at the
  step nearest the box's coverage or nearest its density (``box.resample``; ``resampled``
  is the larger): a limit with a quasi-p of 0.05 or more, or reproduced by fewer than
  half the resampled boxes, is marked as not told from noise;
* **CART** (``cart.CART``): the leaves of a classification tree, each with its coverage,
  density and mass;
* **feature scoring** (``feature_scoring.get_ex_feature_scores``, extra trees): how much
  each factor tells cases from the rest; a factor scoring less than 1.5 times the dummy
  factor's is marked as not told from noise (a rule of thumb: extra trees give an inert
  factor about the dummy's score, give or take a few tens of percent).

A design with a dummy factor (Sobol and Morris designs; a factor the model ignores) keeps it
among the inputs: its feature score is the noise floor, and a box that restricts it has
found noise.
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from alliancesim.engine.tasks import OK
from alliancesim.sweeps.design import DUMMY, Design
from alliancesim.verdict.discovery import Box, find_box

RESAMPLES = 10
# A factor's feature score must exceed the dummy factor's by this much to count: extra trees
# give an inert factor about the dummy's score, give or take a few tens of percent.
ABOVE_DUMMY = 1.5
NOISY_QP = 0.05  # a PRIM limit with a larger quasi-p value is not told from noise
NOISY_RESAMPLED = 50.0  # ... nor one that fewer than half the resampled boxes reproduce


class DiscoveryError(ValueError):
    """Scenario discovery cannot run as asked (no cases, or every point is one)."""


@dataclass
class Discovery:
    """What scenario discovery found for one outcome."""

    outcome: str
    threshold: float
    above: bool
    cases: int
    points: int
    box: Box
    cart: pd.DataFrame
    scores: pd.DataFrame
    files: list[Path] = field(default_factory=list)

    @property
    def statement(self) -> str:
        """``mean failed above 0.4``: what makes a point a case."""
        return f"mean {self.outcome} {'above' if self.above else 'at or below'} {self.threshold:g}"


def _quiet() -> None:
    logging.getLogger("EMA").setLevel(logging.WARNING)


def case_table(runs: pd.DataFrame, design: Design, outcome: str, threshold: float | None,
               above: bool) -> tuple[pd.DataFrame, np.ndarray, float]:
    """The design points' factor values (PRIM's inputs), whether each is a case, and the
    threshold used."""
    ok = runs[runs["status"] == OK]
    means = ok.groupby("point")[outcome].mean().astype(float)
    names = [f.name for f in design.factors]
    x = design.points.set_index("point").loc[means.index, names]
    level = float(means.median()) if threshold is None else float(threshold)
    y = (means > level).to_numpy() if above else (means <= level).to_numpy()
    return x.reset_index(drop=True), y, level


def _numeric(x: pd.DataFrame) -> pd.DataFrame:
    """Choices as their codes (CART and the feature scores need numbers)."""
    out = x.copy()
    for name in out.columns:
        if not pd.api.types.is_numeric_dtype(out[name]):
            out[name] = pd.Categorical(out[name]).codes
        out[name] = out[name].astype(float)
    return out


def cart_leaves(x: pd.DataFrame, y: np.ndarray, mass_min: float = 0.05) -> pd.DataFrame:
    """The leaves of the Workbench's CART tree: coverage, density, mass and limits."""
    from ema_workbench.analysis import cart

    _quiet()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tree = cart.CART(_numeric(x), y, mass_min=mass_min)
        tree.build_tree()
        stats = tree.stats_to_dataframe()
        limits = tree.boxes_to_dataframe()
    rows = []
    for leaf, row in stats.iterrows():
        box = limits[leaf] if leaf in limits.columns.get_level_values(0) else None
        narrowed = [] if box is None else _narrowed(box, _numeric(x))
        rows.append({"leaf": leaf, "coverage": float(row["coverage"]),
                     "density": float(row["density"]), "mass": float(row["mass"]),
                     "limits": " and ".join(narrowed)})
    return pd.DataFrame(rows).sort_values("density", ascending=False, ignore_index=True)


def _narrowed(box: pd.DataFrame, x: pd.DataFrame) -> list[str]:
    """The limits of a CART leaf that narrow a factor's range in the design."""
    out = []
    for name in box.index:
        low, high = float(box.loc[name, "min"]), float(box.loc[name, "max"])
        if low > float(x[name].min()):
            out.append(f"{name} ≥ {low:.3g}")
        if high < float(x[name].max()):
            out.append(f"{name} ≤ {high:.3g}")
    return out


def feature_scores(x: pd.DataFrame, y: np.ndarray, seed: int = 0) -> pd.DataFrame:
    """Extra-trees feature scores of each factor for telling cases apart (the Workbench's
    ``get_ex_feature_scores``), with whether each is above the dummy factor's."""
    from ema_workbench.analysis import feature_scoring

    _quiet()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scores = feature_scoring.get_ex_feature_scores(_numeric(x), y.astype(int),
                                                       random_state=seed)[0]
    table = scores.iloc[:, 0].rename("score").rename_axis("factor").reset_index()
    floor = float(table.loc[table["factor"] == DUMMY, "score"].max()) if (
        table["factor"] == DUMMY).any() else 0.0
    table["above_dummy"] = (table["score"] > ABOVE_DUMMY * floor) & (table["factor"] != DUMMY)
    return table.sort_values("score", ascending=False, ignore_index=True)


def discover(results: str | Path, outcome: str, *, threshold: float | None = None,
             above: bool = True, out: str | Path | None = None, max_dims: int = 3,
             resamples: int = RESAMPLES, seed: int = 0) -> Discovery:
    """PRIM (with quasi-p values and resampling), CART and feature scoring of where
    ``outcome`` runs above ``threshold`` (below with ``above=False``) over the design of a
    sweep folder; tables go to ``out`` (default RESULTS/analysis)."""
    from alliancesim.sweeps.analysis import (
        _check_writable,
        _design_of,
        _store,
        add_derived_outcomes,
        check_outcomes,
    )

    store = _store(results)
    design, _ = _design_of(store)
    runs = add_derived_outcomes(store.read_runs(skip_damaged=True))
    check_outcomes(runs, [outcome])
    out_dir = Path(out) if out is not None else Path(results) / "analysis"
    _check_writable(out_dir)
    x, y, level = case_table(runs, design, outcome, threshold, above)
    cases = int(y.sum())
    if cases == 0 or cases == len(y):
        means = runs[runs["status"] == OK].groupby("point")[outcome].mean()
        raise DiscoveryError(
            f"{'no' if cases == 0 else 'every'} design point has a mean {outcome} "
            f"{'above' if above else 'at or below'} {level:g}, so there is nothing to tell "
            f"apart; allowed: a --threshold between the points' means ({means.min():g} to "
            f"{means.max():g})")
    target = f"mean {outcome} {'above' if above else 'at or below'} {level:g}"
    box = find_box(x, y, target, max_dims=max_dims, resamples=resamples, seed=seed)
    found = Discovery(outcome, level, above, cases, len(y), box, cart_leaves(x, y),
                      feature_scores(x, y, seed))
    _write(found, out_dir)
    return found


def _write(found: Discovery, out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = f"discovery_{found.outcome}"
    limits = pd.DataFrame([{k: (", ".join(map(str, v)) if isinstance(v, list) else v)
                            for k, v in limit.items()} for limit in found.box.limits])
    if not limits.empty:
        limits["noise"] = [noisy(limit) for limit in found.box.limits]
    tables: dict[str, pd.DataFrame] = {
        f"{stem}_prim_box.csv": limits.assign(
            coverage=found.box.coverage, density=found.box.density, mass=found.box.mass)
        if not limits.empty else pd.DataFrame([found.box.summary()]).drop(columns="limits"),
        f"{stem}_prim_trajectory.csv": found.box.trajectory,
        f"{stem}_cart.csv": found.cart,
        f"{stem}_feature_scores.csv": found.scores,
    }
    for name, table in tables.items():
        table.to_csv(out_dir / name, index=False)
        found.files.append(out_dir / name)


def discovery_lines(found: Discovery) -> list[str]:
    """The findings in plain lines, for the terminal."""
    box = found.box
    lines = [f"Cases: {found.cases} of {found.points} design points have a "
             f"{found.statement}."]
    if not box.found:
        lines.append(f"PRIM: no box ({box.note}).")
    else:
        lines.append(f"PRIM box (step {box.step}): coverage {box.coverage:.0%}, density "
                     f"{box.density:.0%}, mass {box.mass:.0%}; limits (quasi-p; % of boxes "
                     "on random halves restricting the factor too):")
        for limit in box.limits:
            span = (f"in {', '.join(map(str, limit['values']))}" if "values" in limit else
                    " and ".join(part for part in (
                        f"≥ {limit['low']:.3g}" if limit.get("low") is not None else "",
                        f"≤ {limit['high']:.3g}" if limit.get("high") is not None else "")
                        if part))
            resampled = limit.get("resampled")
            lines.append(f"  {limit['factor']} {span} (quasi-p {_p(limit.get('qp'))}; "
                         f"{'n/a' if resampled is None else f'{resampled:.0f}%'})"
                         + ("  <- the dummy factor: noise" if limit["factor"] == DUMMY
                            else "  ~ not told from noise" if noisy(limit) else ""))
    best = found.cart.iloc[0] if not found.cart.empty else None
    if best is not None:
        lines.append(f"CART: {len(found.cart)} leaves; the densest: {best['limits'] or 'all'} "
                     f"(coverage {best['coverage']:.0%}, density {best['density']:.0%}, "
                     f"mass {best['mass']:.0%}).")
    scored = ", ".join(f"{r.factor} {r.score:.2f}" + ("" if r.above_dummy or r.factor == DUMMY
                                                      else " (~noise)")
                       for r in found.scores.itertuples())
    lines.append(f"Feature scores (extra trees): {scored}.")
    return lines


def noisy(limit: dict[str, Any]) -> bool:
    """Whether a PRIM limit cannot be told from noise: a large quasi-p value, or rarely
    reproduced on random halves of the points."""
    qp, resampled = limit.get("qp"), limit.get("resampled")
    return bool((qp is not None and np.isfinite(qp) and qp >= NOISY_QP)
                or (resampled is not None and resampled < NOISY_RESAMPLED))


def _p(value: Any) -> str:
    if value is None or not np.isfinite(value):
        return "n/a"
    return "<0.001" if value < 0.001 else f"{value:.3f}"
