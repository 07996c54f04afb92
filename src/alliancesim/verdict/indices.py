"""Which conditions move the verdict: sensitivity indices of each difference between modes.

The mean paired difference of each design point is an output like any other, so SALib's Sobol
(first- and total-order) or Morris (mu*, sigma) indices are computed on it with the sweep
analysis's own function, one set per pair of modes and outcome. Each point's mean also carries
the noise of its replicates, which the indices cannot tell from an effect of the factors: its
share of the variance between points (:func:`noise_shares`) is reported beside them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from alliancesim.sweeps.design import Design
from alliancesim.sweeps.noise import mark_noise_floor
from alliancesim.verdict.paired import column, mode_pairs
from alliancesim.verdict.spec import Outcome

SEPARATOR = ":"


def difference_name(outcome: str, a: str, b: str) -> str:
    """The column of a difference, e.g. ``failed:dedicated-transversal``."""
    return f"{outcome}{SEPARATOR}{a}-{b}"


def point_differences(paired: pd.DataFrame, modes: Sequence[str],
                      outcomes: Sequence[Outcome]) -> pd.DataFrame:
    """Mean paired difference per design point, one column per outcome and pair of modes."""
    frame = pd.DataFrame({"point": paired["point"]})
    for outcome in outcomes:
        for a, b in mode_pairs(modes):
            frame[difference_name(outcome.name, a, b)] = (
                paired[column(outcome.name, a)] - paired[column(outcome.name, b)])
    return frame.groupby("point", sort=True).mean().reset_index()


def sensitivity(design: Design, paired: pd.DataFrame, modes: Sequence[str],
                outcomes: Sequence[Outcome], seed: int = 0) -> tuple[pd.DataFrame, list[str]]:
    """Sobol or Morris indices of every difference (one row per outcome, pair and factor)."""
    from alliancesim.sweeps.analysis import sensitivity_indices

    means = point_differences(paired, modes, outcomes)
    names = [c for c in means.columns if c != "point"]
    indices, _, notes = sensitivity_indices(design, means, names, seed=seed)
    if indices.empty:
        return indices, notes
    parts = indices["outcome"].str.split(SEPARATOR, n=1, expand=True)
    pair = parts[1].str.split("-", n=1, expand=True)
    indices = indices.drop(columns=["combo", "outcome"])
    indices.insert(0, "outcome", parts[0])
    indices.insert(1, "a", pair[0])
    indices.insert(2, "b", pair[1])
    return mark_noise_floor(indices, design.kind), notes


def strength_column(kind: str) -> str:
    """The index that measures a factor's whole influence: Sobol's total order, Morris mu*."""
    return "ST" if kind == "sobol" else "mu_star"


def ranking(indices: pd.DataFrame, outcome: str, kind: str) -> pd.DataFrame:
    """Factors by their mean influence on ``outcome``'s differences over the pairs of modes,
    strongest first (columns ``factor``, ``strength`` and the index per pair)."""
    strength = strength_column(kind)
    table = indices[indices["outcome"] == outcome]
    wide = table.pivot_table(index="factor", columns=["a", "b"], values=strength, sort=False)
    wide.columns = [f"{a}-{b}" for a, b in wide.columns]
    wide.insert(0, "strength", wide.mean(axis=1))
    return wide.sort_values("strength", ascending=False).reset_index()


def noise_shares(paired: pd.DataFrame, modes: Sequence[str],
                 outcomes: Sequence[Outcome]) -> pd.DataFrame:
    """For each difference, the share of the variance between the points' means that is
    replicate noise (the mean squared standard error over the variance of the means)."""
    rows = []
    for outcome in outcomes:
        for a, b in mode_pairs(modes):
            d = paired[column(outcome.name, a)] - paired[column(outcome.name, b)]
            grouped = d.groupby(paired["point"])
            between = float(grouped.mean().var(ddof=1))
            noise = float((grouped.var(ddof=1) / grouped.size()).mean())
            share = noise / between if between > 0 else np.nan
            rows.append({"outcome": outcome.name, "a": a, "b": b,
                         "noise_share": min(share, 1.0) if np.isfinite(share) else np.nan})
    return pd.DataFrame(rows)
