"""Comparison statistics: estimates with bootstrap intervals, effect sizes and tests.

Choices (documented in docs/statistics.md, "Comparisons"):

- Every estimate gets a 95% bootstrap confidence interval (``scipy.stats.bootstrap``, BCa).
- Numeric outcomes: effect size Cliff's delta against the reference scenario (the share of
  pairs where the scenario is higher minus the share where it is lower; -1 to 1) and the
  Mann-Whitney U test, of which delta is the rescaled statistic.
- Binary outcomes: risk difference against the reference and Fisher's exact test.
- Time to dissolution: Kaplan-Meier survival (``scipy.stats.ecdf`` on ``CensoredData``);
  dissolution is the event, completion and still running at the horizon are censored at
  their end month. Effect: difference in survival at the last common month; test: log-rank.
- When the scenarios share their seeds (replicate r of every scenario runs on the same
  seed: common random numbers, what ``compare`` does), the runs are paired and the tests
  are paired (:func:`is_paired` checks the seeds): the exact McNemar test for yes/no
  outcomes (``statsmodels``), the Wilcoxon signed-rank test for numbers
  (``scipy.stats.wilcoxon``), and for survival the log-rank test stratified by seed, each
  pair of runs on one seed a stratum (``statsmodels.duration.survdiff``): a paired survival
  comparison. Runs that do not share seeds get the unpaired tests above.
- Every scenario's difference from the reference gets one of three answers
  (:mod:`alliancesim.compare.answers`): different (higher or lower), equivalent within a
  margin (two one-sided tests on the mean paired difference), or undecided with the runs
  estimated to decide it. The margin is ``margin`` (default 5 points) for shares and
  survival, and ``numeric_margin`` (default 0.2) standard deviations of the reference's
  runs for numbers (a small effect in Cohen's terms).
- p-values are not adjusted for the many outcomes and scenarios compared.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats

from alliancesim.compare.answers import DEFAULT_MARGIN, Answer, judge_estimate, judge_paired

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
PAIRED_TEST_NAME = {"binary": "exact McNemar", "numeric": "Wilcoxon signed-rank",
                    "survival": "log-rank stratified by seed"}
SUMMARY_COLUMNS = ("outcome", "label", "kind", "scenario", "n", "estimate", "ci_low", "ci_high",
                   "effect", "effect_measure", "test", "statistic", "p_value", "paired",
                   "answer", "difference", "difference_low", "difference_high", "margin",
                   "more_runs")
NUMERIC_MARGIN = 0.2  # equivalence margin of numeric outcomes, in the reference's SDs


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


# --- paired contrasts (common seeds) ----------------------------------------------------------
def is_paired(outcomes: pd.DataFrame) -> bool:
    """Whether replicate r of every scenario ran on the same seed (common random numbers), so
    that the runs pair up by replicate."""
    if not {"replicate", "seed_entropy", "seed_spawn_key"} <= set(outcomes.columns):
        return False
    keyed = outcomes[["scenario", "replicate", "seed_entropy", "seed_spawn_key"]].astype(str)
    per_replicate = keyed.groupby("replicate")[["seed_entropy", "seed_spawn_key"]].nunique()
    counts = keyed.groupby("scenario", observed=True)["replicate"].apply(frozenset)
    return bool((per_replicate <= 1).all().all()) and counts.nunique() == 1


def pair_up(group: pd.DataFrame, ref: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The runs of a scenario and of the reference on the same replicates, in one order."""
    shared = sorted(set(group["replicate"]) & set(ref["replicate"]))
    a = group.set_index("replicate").loc[shared].reset_index()
    b = ref.set_index("replicate").loc[shared].reset_index()
    return a, b


def mcnemar_exact(x: np.ndarray, y: np.ndarray) -> Contrast:
    """Paired difference in the share of True, with the exact McNemar test (``statsmodels``;
    statistic: the smaller count of discordant pairs)."""
    from statsmodels.stats.contingency_tables import mcnemar

    x, y = np.asarray(x, dtype=bool), np.asarray(y, dtype=bool)
    table = [[int((x & y).sum()), int((x & ~y).sum())],
             [int((~x & y).sum()), int((~x & ~y).sum())]]
    result = mcnemar(table, exact=True)
    return Contrast(float(x.mean() - y.mean()), float(result.statistic), float(result.pvalue))


def wilcoxon_paired(x: np.ndarray, y: np.ndarray) -> Contrast:
    """Cliff's delta of ``x`` over ``y`` (as unpaired) with the Wilcoxon signed-rank test of
    the paired differences (``scipy.stats.wilcoxon``; p = 1 when every pair is equal)."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    delta = cliffs_delta(x, y).effect
    if np.all(x == y):
        return Contrast(delta, 0.0, 1.0)
    result = stats.wilcoxon(x, y, zero_method="wilcox")
    return Contrast(delta, float(result.statistic), float(result.pvalue))


def survival_contrast_paired(x: pd.DataFrame, y: pd.DataFrame, month: int) -> Contrast:
    """Difference in Kaplan-Meier survival at ``month`` and the log-rank test stratified by
    seed (each pair of runs on one seed a stratum; ``statsmodels.duration.survdiff``)."""
    from statsmodels.duration.survfunc import survdiff

    effect = survival_contrast(x, y, month).effect
    both = pd.concat([x.assign(_group=0), y.assign(_group=1)], ignore_index=True)
    status = (both["outcome"] == "dissolved").to_numpy(dtype=int)
    if not status.any():
        return Contrast(effect, float("nan"), float("nan"))
    try:
        with np.errstate(invalid="ignore", divide="ignore"):
            statistic, p = survdiff(both["end_month"].to_numpy(dtype=float), status,
                                    both["_group"].to_numpy(),
                                    strata=both["replicate"].to_numpy())
    except np.linalg.LinAlgError:  # no pair tells the curves apart: no variance to test
        same = (x["end_month"].to_numpy() == y["end_month"].to_numpy()) & (
            (x["outcome"] == "dissolved").to_numpy() == (y["outcome"] == "dissolved").to_numpy())
        return Contrast(effect, 0.0 if same.all() else float("nan"),
                        1.0 if same.all() else float("nan"))
    return Contrast(effect, float(statistic), float(p))


def survived_by(runs: pd.DataFrame, month: int) -> np.ndarray:
    """1 for a run not dissolved by ``month``, else 0."""
    dissolved = (runs["outcome"] == "dissolved") & (runs["end_month"] <= month)
    return (~dissolved).to_numpy(dtype=float)


def answer_of(spec: OutcomeSpec, group: pd.DataFrame, ref: pd.DataFrame, month: int,
              contrast: Contrast | None, paired: bool, margin: float,
              numeric_margin: float) -> Answer:
    """The three-way answer about a scenario against the reference: on the paired
    differences when the runs share seeds, else on the difference of the means (Welch)."""
    if spec.kind == "survival":
        values = [survived_by(runs, month) for runs in (group, ref)]
        size = margin
    else:
        values = [runs[spec.column].to_numpy(dtype=float) for runs in (group, ref)]
        reference_sd = float(np.nanstd(values[1], ddof=1)) if len(values[1]) > 1 else 0.0
        size = margin if spec.kind == "binary" else numeric_margin * reference_sd
    size = size if size > 0 else margin
    test = (PAIRED_TEST_NAME if paired else TEST_NAME)[spec.kind]
    p = contrast.p_value if contrast is not None and np.isfinite(contrast.p_value) else None
    if paired:
        a, b = pair_up(group, ref)
        if spec.kind == "survival":
            d = survived_by(a, month) - survived_by(b, month)
        else:
            d = a[spec.column].to_numpy(dtype=float) - b[spec.column].to_numpy(dtype=float)
        return judge_paired(d, size, p_value=p, test=test)
    x, y = (v[~np.isnan(v)] for v in values)
    if len(x) < 2 or len(y) < 2:
        return judge_paired(np.array([]), size, test=test)
    va, vb = x.var(ddof=1) / len(x), y.var(ddof=1) / len(y)
    se = math.sqrt(va + vb)
    df = (va + vb) ** 2 / (va**2 / (len(x) - 1) + vb**2 / (len(y) - 1)) if se > 0 else 1.0
    return judge_estimate(float(x.mean() - y.mean()), se, df, min(len(x), len(y)), size,
                          p_value=p, test=test, spread=se * math.sqrt(min(len(x), len(y))))


# --- the summary table --------------------------------------------------------------------
def summarize(
    outcomes: pd.DataFrame,
    *,
    reference: str | None = None,
    outcome_specs: Sequence[OutcomeSpec] = OUTCOMES,
    seed: int = 0,
    n_resamples: int = 2000,
    survival_month: int | None = None,
    margin: float = DEFAULT_MARGIN,
    numeric_margin: float = NUMERIC_MARGIN,
) -> pd.DataFrame:
    """Per outcome and scenario: n, estimate, 95% CI, effect, test and answer against
    ``reference``.

    Args:
        outcomes: one row per run with a ``scenario`` column and the outcome columns.
        reference: the scenario the others are compared with (default: the first).
        seed: seeds the bootstrap, so the same runs always give the same table.
        survival_month: where survival is read off (default: the latest end month).
        margin: equivalence margin of yes/no outcomes and survival (a share).
        numeric_margin: equivalence margin of numeric outcomes, in standard deviations of
            the reference's runs.

    The tests are paired when the scenarios' runs share their seeds (:func:`is_paired`);
    the ``test`` column names the one used.
    """
    names = _scenario_names(outcomes)
    reference = names[0] if reference is None else reference
    if reference not in names:
        raise ValueError(f"reference scenario {reference!r} not among {names}")
    month = int(outcomes["end_month"].max()) if survival_month is None else survival_month
    groups = {name: outcomes[outcomes["scenario"] == name] for name in names}
    paired = is_paired(outcomes)
    rows = []
    for spec in outcome_specs:
        for index, name in enumerate(names):
            # A fresh stream per scenario: the same values always get the same interval.
            rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(index,)))
            rows.append(_summary_row(spec, name, groups[name], groups[reference],
                                     name == reference, rng, n_resamples, month,
                                     _Judging(paired, margin, numeric_margin)))
    table = pd.DataFrame(rows, columns=list(SUMMARY_COLUMNS))
    table["scenario"] = pd.Categorical(table["scenario"], categories=names, ordered=True)
    return table


@dataclass(frozen=True)
class _Judging:
    """How differences are tested and judged: paired or not, and the margins."""

    paired: bool
    margin: float
    numeric_margin: float


def _contrast(spec: OutcomeSpec, group: pd.DataFrame, ref: pd.DataFrame, month: int,
              paired: bool) -> Contrast | None:
    """The effect and test of a scenario against the reference (paired when it can be)."""
    if spec.kind == "survival":
        if paired:
            return survival_contrast_paired(*pair_up(group, ref), month)
        return survival_contrast(group, ref, month)
    if paired:
        a, b = pair_up(group, ref)
        both = ~(a[spec.column].isna() | b[spec.column].isna()).to_numpy()
        x, y = a[spec.column].to_numpy()[both], b[spec.column].to_numpy()[both]
        if not len(x):
            return None
        return (mcnemar_exact if spec.kind == "binary" else wilcoxon_paired)(x, y)
    values, reference = _defined(group[spec.column]), _defined(ref[spec.column])
    if not (len(values) and len(reference)):
        return None
    return (risk_difference if spec.kind == "binary" else cliffs_delta)(values, reference)


def _summary_row(spec: OutcomeSpec, name: str, group: pd.DataFrame, ref: pd.DataFrame,
                 is_reference: bool, rng: np.random.Generator, n_resamples: int,
                 month: int, judging: _Judging | None = None) -> dict[str, Any]:
    nan = float("nan")
    judging = judging or _Judging(False, DEFAULT_MARGIN, NUMERIC_MARGIN)
    if spec.kind == "survival":
        curve = kaplan_meier(group, np.array([month])).iloc[0]
        n, estimate, low, high = len(group), curve["survival"], curve["ci_low"], curve["ci_high"]
    else:
        # Runs where an outcome is undefined (NaN) are left out of that outcome only.
        values = _defined(group[spec.column])
        n, estimate = len(values), float(values.mean()) if len(values) else nan
        low, high = bootstrap_mean_ci(values, rng, n_resamples)
    contrast = None if is_reference else _contrast(spec, group, ref, month, judging.paired)
    answer = None if is_reference else answer_of(spec, group, ref, month, contrast,
                                                 judging.paired, judging.margin,
                                                 judging.numeric_margin)
    return {
        "outcome": spec.column, "label": spec.label, "kind": spec.kind, "scenario": name,
        "n": n, "estimate": float(estimate), "ci_low": float(low),
        "ci_high": float(high),
        "effect": contrast.effect if contrast else nan,
        "effect_measure": EFFECT_MEASURE[spec.kind],
        "test": (PAIRED_TEST_NAME if judging.paired else TEST_NAME)[spec.kind],
        "statistic": contrast.statistic if contrast else nan,
        "p_value": contrast.p_value if contrast else nan,
        "paired": judging.paired,
        "answer": answer.answer if answer else "",
        "difference": answer.diff if answer else nan,
        "difference_low": answer.low if answer else nan,
        "difference_high": answer.high if answer else nan,
        "margin": answer.margin if answer else nan,
        "more_runs": answer.more_runs if answer else nan,
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
