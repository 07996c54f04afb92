"""The noise floor of a sweep's effects: replicate noise and the dummy factor.

A stochastic model's outcome varies between replicates of one design point as well as
between points. Two measures of that noise sit beside every index :func:`analyze` reports:

* the **replicate noise share** of each outcome (:func:`noise_shares`): the within-point
  variance over the variance of all runs, and the variance the replicate means still carry
  (within-point variance over replicates) over the variance of the point means, which is the
  share of what the indices decompose that no factor explains;
* the **dummy factor** of Sobol and Morris designs (:data:`~alliancesim.sweeps.design.DUMMY`):
  a factor the design samples and the model ignores, so its index is what noise and
  estimation error alone give. An index whose interval reaches the dummy's is marked as not
  distinguishable from noise (:func:`mark_noise_floor`), in the tables and in the figures.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from alliancesim.sweeps.design import DUMMY

# Index columns judged against the dummy's, per design kind (value column, interval column).
JUDGED = {"sobol": (("S1", "S1_conf"), ("ST", "ST_conf")),
          "morris": (("mu_star", "mu_star_conf"),)}


def noise_shares(runs: pd.DataFrame, outcomes: list[str],
                 combos: pd.Series | None = None) -> pd.DataFrame:
    """Per crossed combination and outcome: how much of the variance is replicate noise.

    ``runs`` holds the successful runs with a ``point`` column; ``combos`` maps each point to
    its combination label (one ``all`` without one). Columns: ``replicates`` (mean per
    point), ``noise_share_runs`` (within-point variance / variance of the runs) and
    ``noise_share_means`` (mean squared standard error of the point means / variance of the
    point means, at most 1): the part of the variance between points that replicates alone
    would give.
    """
    label = (runs["point"].map(combos) if combos is not None
             else pd.Series("all", index=runs.index))
    rows = []
    for combo, block in runs.groupby(label, sort=False):
        for outcome in outcomes:
            rows.append({"combo": combo, "outcome": outcome,
                         **_shares(block[outcome].astype(float), block["point"])})
    return pd.DataFrame(rows)


def _shares(values: pd.Series, points: pd.Series) -> dict[str, float]:
    """The two noise shares of one outcome over one block of runs."""
    grouped = values.groupby(points)
    sizes = grouped.size()
    within = grouped.var(ddof=1)[sizes > 1]
    total = float(values.var(ddof=1))
    between = float(grouped.mean().var(ddof=1))
    nan = float("nan")
    if within.empty:  # one replicate per point: the noise cannot be told from the effects
        return {"replicates": float(sizes.mean()), "noise_share_runs": nan,
                "noise_share_means": nan}
    noise_var = float(within.mean())
    noise_of_means = float((within / sizes[sizes > 1]).mean())
    return {"replicates": float(sizes.mean()),
            "noise_share_runs": min(noise_var / total, 1.0) if total > 0 else nan,
            "noise_share_means": min(noise_of_means / between, 1.0) if between > 0 else nan}


def mark_noise_floor(indices: pd.DataFrame, kind: str) -> pd.DataFrame:
    """``indices`` with, for each judged index, whether it stands out from noise.

    Adds ``<index>_floor`` (the upper end of the dummy factor's interval in the same
    combination and outcome; 0 without a dummy), ``<index>_distinct`` (the index's lower
    end lies above that floor) and ``reason`` (why an index is not distinguishable, or is
    suspect: a Sobol index above 1 or below 0 is an estimation error).
    """
    if indices.empty or kind not in JUDGED:
        return indices
    table = indices.copy()
    keys = [c for c in ("combo", "outcome", "a", "b") if c in table.columns]
    reasons = [[] for _ in range(len(table))]
    for value, conf in JUDGED[kind]:
        floor = _dummy_floor(table, keys, value, conf)
        low = table[value] - table[conf].fillna(0)
        distinct = (low > floor) & (table["factor"] != DUMMY)
        table[f"{value}_floor"] = floor
        table[f"{value}_distinct"] = distinct
        has_dummy = (table.groupby(keys)["factor"].transform(lambda f: (f == DUMMY).any())
                     if keys else pd.Series((table["factor"] == DUMMY).any(), table.index))
        for i, (v, lo, fl, ok, dummy, name) in enumerate(zip(
                table[value], low, floor, distinct, has_dummy, table["factor"], strict=True)):
            reasons[i] += _reasons(value, v, lo, fl, bool(ok), bool(dummy), name, kind)
    table["reason"] = ["; ".join(r) for r in reasons]
    return table


def _dummy_floor(table: pd.DataFrame, keys: list[str], value: str, conf: str) -> pd.Series:
    """The upper end of the dummy's interval for each row's combination (0 without one)."""
    dummy = table[table["factor"] == DUMMY]
    upper = (dummy[value] + dummy[conf].fillna(0)).clip(lower=0)
    if dummy.empty:
        return pd.Series(0.0, index=table.index)
    if not keys:
        return pd.Series(float(upper.iloc[0]), index=table.index)
    by_key = pd.Series(upper.to_numpy(), index=pd.MultiIndex.from_frame(dummy[keys]))
    wanted = pd.MultiIndex.from_frame(table[keys])
    return pd.Series(by_key.reindex(wanted).fillna(0.0).to_numpy(), index=table.index)


def _reasons(name: str, value: float, low: float, floor: float, distinct: bool,
             dummy: bool, factor: str, kind: str) -> list[str]:
    """Why one index is not distinguishable from noise (or is suspect)."""
    if factor == DUMMY:
        return [f"{name}: the dummy factor, the noise floor of the others"]
    out = []
    if not np.isfinite(value):
        return [f"{name}: undefined (a constant outcome)"]
    if not distinct:
        out.append(f"{name}: its interval (down to {low:.3f}) reaches the dummy factor's "
                   f"(up to {floor:.3f}): not distinguishable from noise" if dummy else
                   f"{name}: its interval (down to {low:.3f}) reaches 0 (no dummy factor in "
                   "this design to compare with)")
    if kind == "sobol" and value > 1:
        out.append(f"{name} = {value:.2f} is above 1, which a share of variance cannot be: "
                   "an estimation error; increase design.samples or replicates")
    if kind == "sobol" and value < 0:
        out.append(f"{name} = {value:.2f} is below 0: an estimation error")
    return out


def noise_notes(noise: pd.DataFrame) -> list[str]:
    """One line per outcome whose point means are mostly replicate noise."""
    return [f"{r.combo}, {r.outcome}: {r.noise_share_means:.0%} of the variance between the "
            f"design points' means is replicate noise ({r.replicates:.0f} replicates per "
            "point); indices decompose it as if it were an effect, so compare them with the "
            "dummy factor's" for r in noise.itertuples()
            if np.isfinite(r.noise_share_means) and r.noise_share_means >= 0.25]
