"""Paired differences between management modes, their intervals, and who (if anyone) wins.

Run ``(point, replicate)`` of every mode shares its seed and its parameter values, so the
difference between two modes is taken run by run (a paired design: common random numbers
cancel much of the run-to-run noise). For each design point, each pair of modes ``(a, b)``
and each outcome, the mean of the paired differences ``a - b`` gets a t interval over the
replicates (``scipy.stats.t``) and one of three answers (:mod:`alliancesim.compare.answers`):
*different* when its interval excludes zero, *equivalent* when two one-sided tests put it
within the outcome's margin (default 5 points of a share), *undecided* otherwise, with the
runs estimated to decide it. When every paired difference is the same number the t interval
is undefined, and the exact sign test (``scipy.stats.binomtest``) decides instead. A pair
whose difference is not clearly there has **no clear winner**: nothing is ever forced to a
side, and the answer says whether the modes are equivalent or the runs too few to tell.

Across several modes, a mode *wins* when it is clearly better than every other mode; two
modes win together ("dedicated or hybrid") when each is clearly better than every remaining
mode and neither is clearly better than the other. Anything else is "no clear winner".

Pooled over many design points (the cells of a map), the runs of one design row are not
independent of each other, so the interval is clustered by row (:func:`interval_table` with
``cluster``): the CR1 cluster-robust standard error of a mean, as ``statsmodels`` computes it.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from alliancesim.compare.answers import (
    DEFAULT_MARGIN,
    DIFFERENT,
    judge_estimate,
    judge_paired,
)
from alliancesim.verdict.spec import Outcome

NO_WINNER = "no clear winner"
KEYS = ["point", "replicate"]


class PairingError(RuntimeError):
    """The runs of the modes are not paired (different seeds or parameter values)."""


def column(outcome: str, mode: str) -> str:
    """The column of ``outcome`` under ``mode`` in a paired table."""
    return f"{outcome}|{mode}"


def add_outcomes(runs: pd.DataFrame) -> pd.DataFrame:
    """0/1 columns for the yes/no outcomes (``survived``: not dissolved within the horizon)."""
    runs = runs.copy()
    runs["survived"] = (runs["outcome"] != "dissolved").astype(float)
    for name in ("failed", "objectives_met"):
        runs[name] = runs[name].astype(float)
    return runs


def paired_runs(runs: dict[str, pd.DataFrame], outcomes: Sequence[str],
                shared: Sequence[str] = ()) -> pd.DataFrame:
    """One row per (point, replicate) run in every mode, with each outcome per mode.

    Runs that failed in any mode are left out (with their partners). Raises
    :class:`PairingError` when the modes' runs do not share their seeds and the values of
    ``shared`` (the parameters every mode ran with).
    """
    keep = [*KEYS, "seed_spawn_key", "seed_entropy", *shared]
    table: pd.DataFrame | None = None
    for mode, frame in runs.items():
        ok = add_outcomes(frame[frame["status"] == "ok"])
        part = ok[keep + list(outcomes)].rename(columns={o: column(o, mode) for o in outcomes})
        if table is None:
            table = part
            continue
        merged = table.merge(part, on=KEYS, suffixes=("", "|other"))
        _check_pairing(merged, ["seed_spawn_key", "seed_entropy", *shared], mode)
        table = merged.drop(columns=[f"{c}|other" for c in keep if c not in KEYS])
    assert table is not None
    return table.sort_values(KEYS, ignore_index=True)


def _check_pairing(merged: pd.DataFrame, columns: Iterable[str], mode: str) -> None:
    for name in columns:
        mine, other = merged[name], merged[f"{name}|other"]
        same = [a == b for a, b in zip(mine.map(_plain), other.map(_plain), strict=True)]
        if not all(same):
            raise PairingError(f"the runs of mode {mode!r} differ from the first mode's in "
                               f"{name!r}: they are not paired")


def _plain(value: object) -> object:
    return tuple(value) if isinstance(value, (list, np.ndarray)) else value


# --- intervals ----------------------------------------------------------------------------
def interval_table(frame: pd.DataFrame, by: Sequence[str], value: str, confidence: float,
                   cluster: str | None = None, margin: float = DEFAULT_MARGIN) -> pd.DataFrame:
    """Mean of ``value`` per group of ``by``, with its interval and its answer (different,
    equivalent within ``margin``, or undecided, see :mod:`alliancesim.compare.answers`).

    Without ``cluster`` the rows are independent replicates (t interval, TOST). With it, rows
    of one cluster may be correlated, and the interval uses the CR1 cluster-robust standard
    error (``statsmodels``) with a t quantile on clusters - 1 degrees of freedom.
    """
    groups = frame.groupby(list(by), sort=True)[[value, *([cluster] if cluster else [])]]
    rows = []
    for key, group in groups:
        values = group[value].to_numpy(dtype=float)
        clusters = group[cluster].to_numpy() if cluster else None
        rows.append({**dict(zip(by, key if isinstance(key, tuple) else (key,), strict=True)),
                     **judged(values, confidence, margin, clusters)})
    return pd.DataFrame(rows)


def judged(values: np.ndarray, confidence: float, margin: float,
           clusters: np.ndarray | None = None) -> dict[str, Any]:
    """The answer about one sample of paired differences, as a table row (``clear``: the
    answer is *different*)."""
    if clusters is None or len(values) < 2 or np.all(values == values[0]):
        answer = judge_paired(values, margin, confidence)
    else:
        mean, se, df = _clustered_estimate(values, clusters)
        answer = judge_estimate(mean, se, df, len(values), margin, confidence,
                                test="paired t, cluster-robust",
                                spread=float(values.std(ddof=1)))
    row = answer.as_dict()
    return {"n": row["n"], "diff": row["diff"], "low": row["low"], "high": row["high"],
            "p_value": row["p_value"], "clear": answer.answer == DIFFERENT,
            "answer": answer.answer, "p_equivalent": row["p_equivalent"], "margin": margin,
            "more_runs": row["more_runs"]}


def mean_interval(values: np.ndarray, confidence: float,
                  clusters: np.ndarray | None = None) -> dict[str, float | bool | int]:
    """Mean, interval, p-value and clarity of a sample of paired differences."""
    n = len(values)
    mean = float(values.mean()) if n else np.nan
    out: dict[str, float | bool | int] = {"n": n, "diff": mean, "low": np.nan, "high": np.nan,
                                          "p_value": np.nan, "clear": False}
    if n < 2:
        return out
    if np.all(values == values[0]):  # no spread: the t interval is undefined
        p = 1.0 if mean == 0 else float(stats.binomtest(n, n, 0.5).pvalue)
        return {**out, "low": mean, "high": mean, "p_value": p, "clear": p < 1 - confidence}
    if clusters is None:
        result = stats.ttest_1samp(values, 0.0)
        ci = result.confidence_interval(confidence)
        low, high, p = float(ci.low), float(ci.high), float(result.pvalue)
    else:
        low, high, p = _clustered(values, clusters, confidence)
    return {**out, "low": low, "high": high, "p_value": p,
            "clear": bool(low > 0 or high < 0)}


def _clustered_fit(values: np.ndarray, clusters: np.ndarray) -> Any:
    """OLS of the values on a constant with the CR1 cluster-robust covariance (statsmodels;
    two columns of ``clusters``: two-way clustering); None with fewer than two clusters."""
    import statsmodels.api as sm

    groups = np.asarray(clusters)
    columns = groups.reshape(len(values), -1)
    if min(len(np.unique(c)) for c in columns.T) < 2:
        return None  # one cluster: nothing to tell its correlation from the mean by
    codes = np.column_stack([pd.factorize(c)[0] for c in columns.T])
    return sm.OLS(values, np.ones(len(values))).fit(
        cov_type="cluster", cov_kwds={"groups": codes if codes.shape[1] > 1 else codes[:, 0]},
        use_t=True)


def _clustered_estimate(values: np.ndarray, clusters: np.ndarray) -> tuple[float, float, float]:
    """Mean, cluster-robust standard error and degrees of freedom (clusters - 1)."""
    fit = _clustered_fit(values, clusters)
    if fit is None:
        return float(values.mean()), np.nan, np.nan
    return float(fit.params[0]), float(fit.bse[0]), float(fit.df_resid_inference)


def _clustered(values: np.ndarray, clusters: np.ndarray,
               confidence: float) -> tuple[float, float, float]:
    """Interval of a mean with the CR1 cluster-robust standard error (statsmodels OLS on a
    constant) and a t quantile on clusters - 1 degrees of freedom."""
    fit = _clustered_fit(values, clusters)
    if fit is None:
        return np.nan, np.nan, np.nan
    low, high = fit.conf_int(alpha=1 - confidence)[0]
    return float(low), float(high), float(fit.pvalues[0])


# --- differences and winners --------------------------------------------------------------
def mode_pairs(modes: Sequence[str]) -> list[tuple[str, str]]:
    """Every pair of modes, in the order they are listed."""
    return list(itertools.combinations(modes, 2))


def differences(paired: pd.DataFrame, modes: Sequence[str], outcomes: Sequence[Outcome],
                confidence: float, by: Sequence[str] = ("point",),
                cluster: str | None = None,
                margins: Mapping[str, float] | None = None) -> pd.DataFrame:
    """Per group of ``by``, pair of modes and outcome: the mean paired difference ``a - b``,
    its interval, its answer (``answer``: different, equivalent within the outcome's margin
    in ``margins``, or undecided, with ``more_runs`` to decide) and which mode is clearly
    better (``better``: ``a``, ``b`` or :data:`NO_WINNER`)."""
    tables = []
    for outcome in outcomes:
        margin = (margins or {}).get(outcome.name, outcome.default_margin)
        for a, b in mode_pairs(modes):
            frame = paired[[*by, *([cluster] if cluster else [])]].copy()
            frame["d"] = paired[column(outcome.name, a)] - paired[column(outcome.name, b)]
            table = interval_table(frame, by, "d", confidence, cluster, margin)
            table["mean_a"] = paired.groupby(list(by))[column(outcome.name, a)].mean().to_numpy()
            table["mean_b"] = paired.groupby(list(by))[column(outcome.name, b)].mean().to_numpy()
            table.insert(len(by), "outcome", outcome.name)
            table.insert(len(by) + 1, "a", a)
            table.insert(len(by) + 2, "b", b)
            table["better"] = [
                (a if outcome.better(d) else b) if clear else NO_WINNER
                for d, clear in zip(table["diff"], table["clear"], strict=True)]
            tables.append(table)
    return pd.concat(tables, ignore_index=True)


def design_wide(paired: pd.DataFrame, modes: Sequence[str], outcomes: Sequence[Outcome],
                confidence: float, margins: Mapping[str, float] | None = None,
                common_seeds: bool = True) -> pd.DataFrame:
    """The mean paired difference ``a - b`` over every run of the design, per pair and
    outcome, with its interval and answer. The interval is cluster-robust by design point
    (the runs of a point share its parameters) and, when replicate r of every point shares
    its seed, by replicate too (two-way clustering)."""
    rows = []
    clusters = (paired[["point", "replicate"]].to_numpy() if common_seeds
                else paired["point"].to_numpy())
    for outcome in outcomes:
        margin = (margins or {}).get(outcome.name, outcome.default_margin)
        for a, b in mode_pairs(modes):
            d = (paired[column(outcome.name, a)] - paired[column(outcome.name, b)]).to_numpy(
                dtype=float)
            rows.append({"outcome": outcome.name, "a": a, "b": b,
                         **judged(d, confidence, margin, clusters)})
    return pd.DataFrame(rows)


def winner(better: Iterable[tuple[str, str, str]], modes: Sequence[str]) -> str:
    """The winning mode (or two, "x or y") from pairwise verdicts ``(a, b, better)``."""
    beats = {(w, b if w == a else a) for a, b, w in better if w != NO_WINNER}
    unbeaten = [m for m in modes if not any((other, m) in beats for other in modes)]
    rest = [m for m in modes if m not in unbeaten]
    if not unbeaten or not rest:
        return NO_WINNER
    if all((w, r) in beats for w in unbeaten for r in rest):
        return " or ".join(unbeaten)
    return NO_WINNER


def winners(diffs: pd.DataFrame, modes: Sequence[str],
            by: Sequence[str] = ("point",)) -> pd.DataFrame:
    """The winner per group of ``by`` and outcome, from :func:`differences`."""
    rows = []
    for key, group in diffs.groupby([*by, "outcome"], sort=True):
        verdicts = zip(group["a"], group["b"], group["better"], strict=True)
        rows.append({**dict(zip([*by, "outcome"], key, strict=True)),
                     "winner": winner(verdicts, modes)})
    return pd.DataFrame(rows)


def categories(modes: Sequence[str]) -> list[str]:
    """Every verdict a group can get: each mode, each set of modes winning together (short
    of all of them), and no clear winner."""
    sets = [" or ".join(c) for size in range(1, len(modes))
            for c in itertools.combinations(modes, size)]
    return [*sets, NO_WINNER]
