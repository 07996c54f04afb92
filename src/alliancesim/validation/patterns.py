"""The calibration patterns: what alliances in general do, with the uncertainty of each figure.

These are the only patterns the calibration reads. Each has a target t, an observation
standard deviation (how precisely the study pins its figure down) and a discrepancy standard
deviation (how far the model's version of the pattern may sit from the study's). Its band is
t ± 3 sqrt(V_obs + V_disc): where the implausibility of a model value without noise is below
3. Values are measured on the population of :mod:`alliancesim.validation.mixture`: alliances
from their agreement (the start of evolving), with the management modes pooled by a mix's weights.

Two earlier patterns are gone: the ratio of trust lost per escalation to trust gained per
constructive resolution restated an input (``trust_loss_ratio``), and the inverted U could not
fail (see :func:`alliancesim.validation.metrics.is_inverted_u`, now reformulated).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import partial

import numpy as np
import pandas as pd

from alliancesim.validation.metrics import Estimate, is_inverted_u
from alliancesim.validation.mixture import (
    CALIBRATION_MIX,
    MODE_COLUMN,
    Mix,
    age_at_end,
    bootstrap,
    formed,
    median_from_survival,
    run_weights,
    weighted_life_table,
    weighted_survival,
    with_interval,
)

# Half-year intervals: alliances in the model and in the samples end within a few years, and
# a honeymoon of some months is invisible in yearly intervals.
HAZARD_WIDTH = 6  # months per age interval of the dissolution hazard
MIN_AT_RISK = 20  # intervals with fewer alliances at risk are too noisy to count
HORIZON = 120  # the longest age any run can reach (the default horizon)
CUTOFF = 3.0  # Pukelsheim's three-sigma rule


@dataclass(frozen=True)
class Pooled:
    """The arrays every pattern statistic needs, for runs of several modes pooled by a mix."""

    mode: np.ndarray
    weight: np.ndarray
    age: np.ndarray
    ended: np.ndarray
    dissolved: np.ndarray
    completed: np.ndarray
    failed: np.ndarray
    columns: Mapping[str, np.ndarray] = field(default_factory=dict)  # of the outcome record

    @classmethod
    def of(cls, runs: pd.DataFrame, mix: Mix = CALIBRATION_MIX,
           columns: Iterable[str] = ()) -> Pooled:
        """The formed runs of ``runs`` (one mode per row) with their weights in ``mix``, and
        the values of the outcome ``columns`` a pattern on a column reads."""
        runs = formed(runs[runs[MODE_COLUMN].isin(mix.modes)])
        outcome = runs["outcome"].to_numpy()
        values = {c: outcome_column(runs, c) for c in columns}
        return cls(runs[MODE_COLUMN].to_numpy(), run_weights(runs, mix), age_at_end(runs),
                   outcome != "running", outcome == "dissolved", outcome == "completed",
                   runs["failed"].to_numpy(dtype=bool), values)

    def groups(self) -> list[np.ndarray]:
        """Indices of the runs of each mode (a bootstrap resamples within them)."""
        return [np.flatnonzero(self.mode == m) for m in np.unique(self.mode)]

    def share(self, flag: np.ndarray, idx: np.ndarray) -> float:
        """Weighted share of the runs ``idx`` for which ``flag`` holds."""
        w = self.weight[idx]
        return float((w * flag[idx]).sum() / w.sum())

    def survival(self, idx: np.ndarray) -> np.ndarray:
        """Weighted Kaplan-Meier curve of the time to any ending, months 0..HORIZON."""
        return weighted_survival(self.age[idx], self.ended[idx], self.weight[idx], HORIZON)

    def hazard(self, idx: np.ndarray | None = None) -> pd.DataFrame:
        """Weighted life table of dissolution by age (other endings censored)."""
        idx = np.arange(len(self.age)) if idx is None else idx
        return weighted_life_table(self.age[idx], self.dissolved[idx], self.weight[idx],
                                   HAZARD_WIDTH, HORIZON)


Statistic = Callable[[Pooled, np.ndarray], float]


@dataclass(frozen=True)
class Pattern:
    """A pattern: target, the uncertainty around it, where it comes from, how to measure it."""

    key: str
    description: str
    target: float
    sd_obs: float
    sd_disc: float
    unit: str
    source: str
    statistic: Statistic
    uncertainty: str = ""  # where sd_obs and sd_disc come from
    column: str | None = None  # the outcome column a pattern on a column reads

    @property
    def sd(self) -> float:
        """Standard deviation of the target: observation and discrepancy together."""
        return math.sqrt(self.sd_obs ** 2 + self.sd_disc ** 2)

    @property
    def low(self) -> float:
        """Lower end of the band (t - 3 sd, not below 0)."""
        return 1.0 if self.unit == "yes/no" else max(0.0, self.target - CUTOFF * self.sd)

    @property
    def high(self) -> float:
        """Upper end of the band (t + 3 sd, shares not above 1)."""
        if self.unit == "yes/no":
            return 1.0
        top = self.target + CUTOFF * self.sd
        return min(1.0, top) if self.unit == "share" else top

    def band(self) -> str:
        """The band as text."""
        if self.unit == "yes/no":
            return "yes"
        if self.unit == "share":
            return f"{self.low:.0%} – {self.high:.0%}"
        if self.unit == "ratio":
            return f"{self.low:.2f} – {self.high:.2f}"
        return f"{self.low:.0f} – {self.high:.0f} {self.unit}"

    def target_text(self) -> str:
        """The target with its standard deviation."""
        if self.unit == "yes/no":
            return "yes"
        if self.unit == "share":
            return f"{self.target:.0%} ± {self.sd:.1%}"
        if self.unit == "ratio":
            return f"{self.target:.2f} ± {self.sd:.2f}"
        return f"{self.target:.0f} ± {self.sd:.1f} {self.unit}"

    def implausibility(self, value: float, var_model: float) -> float:
        """|value - target| / sqrt(V_obs + V_disc + V_model); infinite for no value."""
        if self.unit == "yes/no":
            return 0.0 if value >= 1 else math.inf
        if not np.isfinite(value):
            return math.inf
        return abs(value - self.target) / math.sqrt(self.sd ** 2 + var_model)

    def inside(self, value: float) -> bool:
        """Whether ``value`` lies in the band."""
        return bool(np.isfinite(value) and self.low <= value <= self.high)


# --- statistics -----------------------------------------------------------------------------
def _failure_share(p: Pooled, idx: np.ndarray) -> float:
    return p.share(p.failed, idx)


def _ended_within_five_years(p: Pooled, idx: np.ndarray) -> float:
    return float(1.0 - p.survival(idx)[60])


def _median_lifetime(p: Pooled, idx: np.ndarray) -> float:
    return median_from_survival(p.survival(idx))


def _inverted_u(p: Pooled, idx: np.ndarray) -> float:
    return float(is_inverted_u(p.hazard(idx), MIN_AT_RISK))


@dataclass(frozen=True)
class StatisticInfo:
    """A statistic a pattern can name (in code or a targets file): its unit and meaning."""

    name: str
    unit: str
    meaning: str
    function: Statistic


# The statistics of the shipped patterns, by the name a targets file gives them. Every one is
# measured on formed alliances (from their agreement), the modes pooled by the mix's weights.
STATISTICS: dict[str, StatisticInfo] = {s.name: s for s in (
    StatisticInfo("failure_share", "share", "share of alliances that failed: dissolved, or "
                  "ended without meeting their objectives", _failure_share),
    StatisticInfo("ended_within_5_years", "share", "share that ended (any way) within 60 "
                  "months of the agreement, from the Kaplan-Meier curve", _ended_within_five_years),
    StatisticInfo("median_lifetime", "months", "median months from the agreement to any "
                  "ending (Kaplan-Meier; none when half never end)", _median_lifetime),
    StatisticInfo("inverted_u_hazard", "yes/no", "whether the half-yearly hazard of "
                  "dissolution by age rises, then falls (target 1: yes)", _inverted_u),
)}
AGGREGATES = ("mean", "share", "quantile")  # how a pattern on an outcome column is summarised


def outcome_column(runs: pd.DataFrame, column: str) -> np.ndarray:
    """An outcome column as numbers; ``completed`` and ``dissolved`` from the outcome."""
    if column in runs.columns:
        return runs[column].to_numpy(dtype=float)
    if column in ("completed", "dissolved"):
        return (runs["outcome"] == column).to_numpy(dtype=float)
    raise KeyError(f"the runs have no outcome column {column!r}")


def column_statistic(column: str, aggregate: str, q: float = 0.5) -> Statistic:
    """The statistic of a pattern on an outcome column: its weighted mean, the weighted
    share of runs where it is not zero (true), or its weighted ``q`` quantile."""
    if aggregate not in AGGREGATES:
        raise ValueError(f"unknown aggregate {aggregate!r}; allowed: {', '.join(AGGREGATES)}")
    return partial(_aggregate, column, aggregate, q)


def _aggregate(column: str, aggregate: str, q: float, p: Pooled, idx: np.ndarray) -> float:
    values, weights = p.columns[column][idx], p.weight[idx]
    finite = np.isfinite(values)  # a run without a value (NaN) is left out
    values, weights = values[finite], weights[finite]
    if weights.sum() <= 0:
        return float("nan")
    if aggregate == "mean":
        return float((weights * values).sum() / weights.sum())
    if aggregate == "share":
        return float((weights * (values != 0)).sum() / weights.sum())
    return weighted_quantile(values, weights, q)


def weighted_quantile(values: np.ndarray, weights: np.ndarray, q: float) -> float:
    """The smallest value whose cumulative weight reaches the share ``q`` of the total."""
    order = np.argsort(values, kind="stable")
    cumulative = np.cumsum(weights[order])
    at = int(np.searchsorted(cumulative, q * cumulative[-1], side="left"))
    return float(values[order][min(at, len(values) - 1)])


PATTERNS: tuple[Pattern, ...] = (
    Pattern("failure_share", "Alliances that fail (dissolve or miss their objectives)",
            0.50, 0.05, 0.044, "share",
            "Bamford et al. 2004 (30–70%); Harrigan 1988 (54.7% of 895); Dyer et al. 2001 "
            "(almost half)", _failure_share,
            "sd 5 points for the spread of published figures around one half, 4.4 for the "
            "model's reading of 'failure'; band 30–70%"),
    Pattern("ended_within_5_years", "Alliances that ended within five years of their agreement",
            0.34, 0.047, 0.034, "share", "Lunnan & Haugland 2008 (34 of 100)",
            _ended_within_five_years,
            "binomial sd of 34 of 100; discrepancy 10% of the target"),
    Pattern("median_lifetime", "Median lifetime from the agreement (Kaplan-Meier, any ending)",
            84.0, 5.0, 8.4, "months", "Bleeke & Ernst 1991 (about seven years)",
            _median_lifetime,
            "sd 5 months for a figure given in whole years from 49 alliances; discrepancy "
            "10% of the target"),
    Pattern("inverted_u_hazard",
            "Hazard of dissolution by age rises from the first half-year with a dissolution, "
            "then falls (liability of adolescence)", 1.0, 0.0, 0.0, "yes/no",
            "Fichman & Levinthal 1991", _inverted_u,
            "a yes/no test on half-years: the first counted at most half the peak, those "
            "after it at most three quarters of it on average"),
)
PATTERNS_BY_KEY = {p.key: p for p in PATTERNS}
CONTINUOUS = tuple(p for p in PATTERNS if p.unit != "yes/no")


def dissolution_hazard(runs: pd.DataFrame, mix: Mix = CALIBRATION_MIX) -> pd.DataFrame:
    """Half-yearly hazard of dissolution by age since the agreement, the modes pooled by ``mix``."""
    return Pooled.of(runs, mix).hazard()


def measure(runs: pd.DataFrame, mix: Mix = CALIBRATION_MIX, replicates: int = 200,
            seed: int = 0, patterns: tuple[Pattern, ...] = PATTERNS
            ) -> dict[str, tuple[Estimate, float]]:
    """Each pattern's value with a 95% interval, and the bootstrap variance of the value.

    The bootstrap resamples runs within each mode; a yes/no pattern is not resampled.
    """
    pooled = Pooled.of(runs, mix, {p.column for p in patterns if p.column})
    every = np.arange(len(pooled.age))
    groups = pooled.groups()
    out = {}
    for p in patterns:
        value = p.statistic(pooled, every)
        if p.unit == "yes/no":
            out[p.key] = (Estimate(value, value, value), 0.0)
            continue
        draws = bootstrap(lambda idx, p=p: p.statistic(pooled, idx), groups, replicates, seed)
        finite = draws[np.isfinite(draws)]
        var = float(finite.var(ddof=1)) if len(finite) > 1 else math.inf
        out[p.key] = (with_interval(value, draws), var)
    return out


def evaluate(runs: pd.DataFrame, mix: Mix = CALIBRATION_MIX, replicates: int = 400,
             seed: int = 0, patterns: tuple[Pattern, ...] = PATTERNS) -> pd.DataFrame:
    """Pattern by pattern: target, band, source, the value with a 95% interval, whether it
    lies in the band, and its implausibility."""
    measured = measure(runs, mix, replicates, seed, patterns)
    rows = []
    for p in patterns:
        est, var = measured[p.key]
        rows.append({
            "pattern": p.key, "description": p.description, "target": p.target_text(),
            "band": p.band(), "source": p.source, "value": est.value, "low": est.low,
            "high": est.high, "inside": p.inside(est.value),
            "implausibility": p.implausibility(est.value, var),
        })
    return pd.DataFrame(rows)
