"""Comparison statistics: estimates with bootstrap intervals, effect sizes and tests.

Choices (documented in README, "Scenarios and comparisons"):

- Every estimate gets a 95% bootstrap confidence interval (``scipy.stats.bootstrap``, BCa).
- Numeric outcomes: effect size Cliff's delta against the reference scenario (the share of
  pairs where the scenario is higher minus the share where it is lower; -1 to 1) and the
  Mann-Whitney U test, of which delta is the rescaled statistic.
- Binary outcomes: risk difference against the reference and Fisher's exact test.
- Time to dissolution: Kaplan-Meier survival (``scipy.stats.ecdf`` on ``CensoredData``);
  dissolution is the event, completion and still running at the horizon are censored at
  their end month. Effect: difference in survival at the last common month; test: log-rank.
- The tests treat the scenarios' runs as independent samples although replicate r of each
  scenario shares its seed (common random numbers). Sharing seeds makes runs positively
  correlated, which makes these unpaired tests conservative, never anti-conservative, and
  they stay valid however far the scenarios' random streams drift apart.
- p-values are not adjusted for the many outcomes and scenarios compared.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats

Kind = Literal["binary", "numeric", "survival"]
CONFIDENCE = 0.95


@dataclass(frozen=True)
class OutcomeSpec:
    """An outcome the comparison reports: its column, a label and how it is analysed."""

    column: str
    label: str
    kind: Kind


SURVIVAL = "survival"
OUTCOMES: tuple[OutcomeSpec, ...] = (
    OutcomeSpec("failed", "Failed", "binary"),
    OutcomeSpec("dissolved", "Dissolved", "binary"),
    OutcomeSpec("objectives_met", "Objectives met", "binary"),
    OutcomeSpec(SURVIVAL, "Survival (KM)", "survival"),
    OutcomeSpec("value_total", "Value created", "numeric"),
    OutcomeSpec("management_cost_total", "Value paid for management", "numeric"),
    OutcomeSpec("trust_mean_final", "Final trust", "numeric"),
    OutcomeSpec("commitment_mean_final", "Final commitment", "numeric"),
    OutcomeSpec("skill_mean_final", "Final member skill", "numeric"),
    OutcomeSpec("conflicts_escalated", "Escalated conflicts", "numeric"),
    OutcomeSpec("exits_total", "Members that left", "numeric"),
)
EFFECT_MEASURE = {"binary": "risk difference", "numeric": "Cliff's delta",
                  "survival": "survival difference"}
TEST_NAME = {"binary": "Fisher's exact", "numeric": "Mann-Whitney U", "survival": "log-rank"}
SUMMARY_COLUMNS = ("outcome", "label", "kind", "scenario", "n", "estimate", "ci_low", "ci_high",
                   "effect", "effect_measure", "test", "statistic", "p_value")


@dataclass(frozen=True)
class Contrast:
    """A scenario against the reference: effect size, test statistic and p-value."""

    effect: float
    statistic: float
    p_value: float


# --- single-sample estimates ------------------------------------------------------------------
def bootstrap_mean_ci(values: np.ndarray, rng: np.random.Generator,
                      n_resamples: int = 2000, confidence: float = CONFIDENCE
                      ) -> tuple[float, float]:
    """A bootstrap confidence interval of the mean (BCa, percentile if BCa is undefined)."""
    values = np.asarray(values, dtype=float)
    if len(values) < 2 or np.all(values == values[0]):
        # Every resample has the same mean: the interval collapses to the point.
        value = float(values[0]) if len(values) else float("nan")
        return value, value
    for method in ("BCa", "percentile"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", stats.DegenerateDataWarning)
            result = stats.bootstrap((values,), np.mean, n_resamples=n_resamples,
                                     confidence_level=confidence, method=method, rng=rng)
        low, high = result.confidence_interval
        if np.isfinite(low) and np.isfinite(high):
            break
    return float(low), float(high)


def survival_data(outcomes: pd.DataFrame) -> stats.CensoredData:
    """Time to dissolution: dissolved runs are events at their end month; completed and
    still-running ones are right-censored at theirs."""
    times = outcomes["end_month"].to_numpy(dtype=float)
    event = (outcomes["outcome"] == "dissolved").to_numpy()
    return stats.CensoredData(uncensored=times[event], right=times[~event])


def kaplan_meier(outcomes: pd.DataFrame, months: np.ndarray,
                 confidence: float = CONFIDENCE) -> pd.DataFrame:
    """Kaplan-Meier survival (not yet dissolved) at each of ``months``, with a Greenwood
    log-log confidence band (NaN where it is undefined, e.g. before the first dissolution)."""
    curve = stats.ecdf(survival_data(outcomes)).sf
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        band = curve.confidence_interval(confidence, method="log-log")
        low, high = band.low.evaluate(months), band.high.evaluate(months)
    ends = outcomes["end_month"].to_numpy()
    return pd.DataFrame({
        "month": months,
        "survival": curve.evaluate(months),
        "ci_low": low,
        "ci_high": high,
        "at_risk": [(ends >= m).sum() for m in months],
    })


# --- contrasts against the reference ------------------------------------------------------
def cliffs_delta(x: np.ndarray, y: np.ndarray) -> Contrast:
    """Cliff's delta of ``x`` over ``y`` (P(X > Y) - P(X < Y)) and the Mann-Whitney U test."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if np.all(np.concatenate([x, y]) == x[0]):
        return Contrast(0.0, float(len(x) * len(y)) / 2.0, 1.0)  # no ranks to compare
    result = stats.mannwhitneyu(x, y, alternative="two-sided")
    delta = 2.0 * float(result.statistic) / (len(x) * len(y)) - 1.0
    return Contrast(delta, float(result.statistic), float(result.pvalue))


def risk_difference(x: np.ndarray, y: np.ndarray) -> Contrast:
    """Difference in the share of True between ``x`` and ``y``, with Fisher's exact test
    (statistic: the sample odds ratio)."""
    x, y = np.asarray(x, dtype=bool), np.asarray(y, dtype=bool)
    table = [[int(x.sum()), int((~x).sum())], [int(y.sum()), int((~y).sum())]]
    result = stats.fisher_exact(table)
    return Contrast(float(x.mean() - y.mean()), float(result.statistic), float(result.pvalue))


def survival_contrast(x: pd.DataFrame, y: pd.DataFrame, month: int) -> Contrast:
    """Difference in Kaplan-Meier survival at ``month`` and the log-rank test over the whole
    curves (NaN when neither group has a dissolution)."""
    at = np.array([month])
    effect = float(kaplan_meier(x, at)["survival"].iloc[0]
                   - kaplan_meier(y, at)["survival"].iloc[0])
    if not (x["outcome"] == "dissolved").any() and not (y["outcome"] == "dissolved").any():
        return Contrast(effect, float("nan"), float("nan"))
    # With no variance in the events (every run at risk ends in the same month) the test is
    # undefined: scipy divides by zero and returns NaN, which is what we report.
    with np.errstate(invalid="ignore", divide="ignore"):
        result = stats.logrank(survival_data(x), survival_data(y))
    return Contrast(effect, float(result.statistic), float(result.pvalue))


# --- the summary table --------------------------------------------------------------------
def summarize(
    outcomes: pd.DataFrame,
    *,
    reference: str | None = None,
    outcome_specs: Sequence[OutcomeSpec] = OUTCOMES,
    seed: int = 0,
    n_resamples: int = 2000,
    survival_month: int | None = None,
) -> pd.DataFrame:
    """Per outcome and scenario: n, estimate, 95% CI, effect and test against ``reference``.

    Args:
        outcomes: one row per run with a ``scenario`` column and the outcome columns.
        reference: the scenario the others are compared with (default: the first).
        seed: seeds the bootstrap, so the same runs always give the same table.
        survival_month: where survival is read off (default: the latest end month).
    """
    names = _scenario_names(outcomes)
    reference = names[0] if reference is None else reference
    if reference not in names:
        raise ValueError(f"reference scenario {reference!r} not among {names}")
    month = int(outcomes["end_month"].max()) if survival_month is None else survival_month
    groups = {name: outcomes[outcomes["scenario"] == name] for name in names}
    rows = []
    for spec in outcome_specs:
        for index, name in enumerate(names):
            # A fresh stream per scenario: the same values always get the same interval.
            rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(index,)))
            rows.append(_summary_row(spec, name, groups[name], groups[reference],
                                     name == reference, rng, n_resamples, month))
    table = pd.DataFrame(rows, columns=list(SUMMARY_COLUMNS))
    table["scenario"] = pd.Categorical(table["scenario"], categories=names, ordered=True)
    return table


def _summary_row(spec: OutcomeSpec, name: str, group: pd.DataFrame, ref: pd.DataFrame,
                 is_reference: bool, rng: np.random.Generator, n_resamples: int,
                 month: int) -> dict[str, Any]:
    nan = float("nan")
    if spec.kind == "survival":
        curve = kaplan_meier(group, np.array([month])).iloc[0]
        n, estimate, low, high = len(group), curve["survival"], curve["ci_low"], curve["ci_high"]
        contrast = None if is_reference else survival_contrast(group, ref, month)
    else:
        # Runs where an outcome is undefined (NaN) are left out of that outcome only.
        values, reference = _defined(group[spec.column]), _defined(ref[spec.column])
        n, estimate = len(values), float(values.mean()) if len(values) else nan
        low, high = bootstrap_mean_ci(values, rng, n_resamples)
        compare = risk_difference if spec.kind == "binary" else cliffs_delta
        usable = len(values) > 0 and len(reference) > 0
        contrast = compare(values, reference) if usable and not is_reference else None
    return {
        "outcome": spec.column, "label": spec.label, "kind": spec.kind, "scenario": name,
        "n": n, "estimate": float(estimate), "ci_low": float(low),
        "ci_high": float(high),
        "effect": contrast.effect if contrast else nan,
        "effect_measure": EFFECT_MEASURE[spec.kind],
        "test": TEST_NAME[spec.kind],
        "statistic": contrast.statistic if contrast else nan,
        "p_value": contrast.p_value if contrast else nan,
    }


def _defined(column: pd.Series) -> np.ndarray:
    values = column.to_numpy(dtype=float)
    return values[~np.isnan(values)]


def survival_curves(outcomes: pd.DataFrame, months: np.ndarray | None = None) -> pd.DataFrame:
    """Kaplan-Meier curves of every scenario, one row per scenario and month."""
    if months is None:
        months = np.arange(0, int(outcomes["end_month"].max()) + 1)
    frames = []
    for name in _scenario_names(outcomes):
        curve = kaplan_meier(outcomes[outcomes["scenario"] == name], months)
        curve.insert(0, "scenario", name)
        frames.append(curve)
    return pd.concat(frames, ignore_index=True)


def phase_durations(outcomes: pd.DataFrame) -> pd.DataFrame:
    """Mean months spent in each phase per scenario (one column per phase)."""
    columns = [c for c in outcomes.columns if c.startswith("months_")]
    grouped = outcomes.groupby("scenario", observed=True)[columns]
    return grouped.mean().rename(columns=lambda c: c.removeprefix("months_"))


def trajectory_bands(trajectories: pd.DataFrame, column: str,
                     quantiles: tuple[float, float] = (0.25, 0.75)) -> pd.DataFrame:
    """Per scenario and month: mean of ``column`` over the alliances still running, the
    ``quantiles`` band between alliances, and how many alliances are still running."""
    grouped = trajectories.groupby(["scenario", "month"], observed=True)[column]
    frame = pd.DataFrame({
        "mean": grouped.mean(),
        "low": grouped.quantile(quantiles[0]),
        "high": grouped.quantile(quantiles[1]),
        "running": grouped.size(),
    })
    return frame.reset_index()


def _scenario_names(outcomes: pd.DataFrame) -> list[str]:
    column = outcomes["scenario"]
    if isinstance(column.dtype, pd.CategoricalDtype):
        return [str(c) for c in column.cat.categories if (column == c).any()]
    return list(dict.fromkeys(column.astype(str)))
