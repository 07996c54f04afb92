"""Three answers, not two: is a paired difference clearly there, equivalent to none, or open?

A test that finds no difference has not shown that there is none: with few runs it says
nothing either way. So a paired difference ``a - b`` (runs on common seeds, taken run by
run) gets one of three answers (:func:`judge_paired`):

* **different** (``a`` above or below ``b``): the test of no difference rejects it at the
  stated confidence (the interval of the mean difference excludes zero);
* **equivalent** within a stated margin: two one-sided tests (TOST, ``statsmodels``) show
  the mean difference lies inside ``(-margin, +margin)``; a difference smaller than the
  margin counts as equivalent even when it is detectably not zero, because the margin is
  the size that matters;
* **undecided**: neither; with an estimate of how many more paired runs would decide it,
  were the difference and its spread what they are now (a plug-in estimate, not a power
  calculation: it can be far off when the runs are few).

Shared by ``verdict`` (each design point, each pair of modes) and ``compare`` (each
scenario against the reference). The default margin is 5 points of a share (0.05).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from scipy import stats

DIFFERENT, EQUIVALENT, UNDECIDED = "different", "equivalent", "undecided"
ANSWERS = (DIFFERENT, EQUIVALENT, UNDECIDED)
DEFAULT_MARGIN = 0.05  # 5 points of a share (failure, survival)


@dataclass(frozen=True)
class Answer:
    """The answer about one paired difference ``a - b``, and what it rests on."""

    answer: str  # one of ANSWERS
    n: int  # paired runs (or clusters' runs) used
    diff: float  # mean paired difference a - b
    low: float  # its interval at the stated confidence
    high: float
    p_value: float  # test of no difference (named in ``test``)
    p_equivalent: float  # TOST: the larger of the two one-sided p-values
    margin: float
    more_runs: float  # further paired runs estimated to decide it (0 when decided)
    test: str = "paired t"

    @property
    def direction(self) -> int:
        """+1 when ``a`` is clearly above ``b``, -1 clearly below, 0 otherwise."""
        return int(np.sign(self.diff)) if self.answer == DIFFERENT else 0

    def as_dict(self) -> dict[str, Any]:
        """The fields as a plain mapping (a table row)."""
        return asdict(self)


def judge_paired(differences: np.ndarray, margin: float = DEFAULT_MARGIN,
                 confidence: float = 0.95, *, p_value: float | None = None,
                 test: str = "paired t") -> Answer:
    """Judge a sample of paired differences (one per pair of runs on a common seed).

    ``p_value`` (with the name of its ``test``) replaces the paired t test's for the
    question "different?" when a better test fits the data (exact McNemar for yes/no
    outcomes, Wilcoxon signed-rank for skewed numbers); the interval stays the paired t
    interval of the mean difference. Equivalence is always TOST on the mean difference.
    """
    d = np.asarray(differences, dtype=float)
    d = d[~np.isnan(d)]
    n = len(d)
    if n < 2:
        return Answer(UNDECIDED, n, float(d.mean()) if n else math.nan, math.nan, math.nan,
                      math.nan, math.nan, margin, math.inf, test)
    mean = float(d.mean())
    if np.all(d == d[0]):  # no spread: t intervals are undefined, the sign test decides
        return _without_spread(mean, n, margin, confidence, test if p_value is not None
                               else "exact sign")
    se = float(d.std(ddof=1)) / math.sqrt(n)
    return judge_estimate(mean, se, n - 1, n, margin, confidence, p_value=p_value, test=test,
                          spread=float(d.std(ddof=1)))


def judge_estimate(mean: float, se: float, df: float, n: int, margin: float,
                   confidence: float = 0.95, *, p_value: float | None = None,
                   test: str = "paired t", spread: float | None = None) -> Answer:
    """Judge a mean difference given its standard error on ``df`` degrees of freedom (a
    cluster-robust one, say): the same rules as :func:`judge_paired`, with the t test and
    TOST computed from the estimate. ``spread`` (the standard deviation of one paired
    difference; default ``se * sqrt(n)``) sizes the runs still needed."""
    alpha = 1 - confidence
    if not (se > 0 and np.isfinite(se)):
        return Answer(UNDECIDED, n, mean, math.nan, math.nan, math.nan, math.nan, margin,
                      math.inf, test)
    half = float(stats.t.ppf(1 - alpha / 2, df)) * se
    p_diff = float(2 * stats.t.sf(abs(mean) / se, df)) if p_value is None else p_value
    p_equiv = tost_p(mean, se, df, margin)
    if p_equiv < alpha:
        answer = EQUIVALENT
    elif p_diff < alpha:
        answer = DIFFERENT
    else:
        answer = UNDECIDED
    sd = spread if spread is not None else se * math.sqrt(n)
    more = 0.0 if answer != UNDECIDED else runs_to_decide(mean, sd, n, margin, confidence)
    return Answer(answer, n, mean, mean - half, mean + half, p_diff, p_equiv, margin, more, test)


def tost_p(mean: float, se: float, df: float, margin: float) -> float:
    """Two one-sided tests of ``-margin < mean < margin``: the larger p-value (as
    ``statsmodels.stats.weightstats.ttost_mean`` computes it, from an estimate)."""
    if margin <= 0:
        return 1.0
    p_above_low = float(stats.t.sf((mean + margin) / se, df))
    p_below_high = float(stats.t.cdf((mean - margin) / se, df))
    return max(p_above_low, p_below_high)


def runs_to_decide(mean: float, sd: float, n: int, margin: float,
                   confidence: float = 0.95) -> float:
    """Further paired runs after which the current mean difference, with the current
    spread, would be decided: its interval clear of zero, or its equivalence interval
    inside the margin, whichever comes first (normal quantiles; at least one run)."""
    alpha = 1 - confidence
    needed = []
    if mean != 0:
        needed.append((stats.norm.ppf(1 - alpha / 2) * sd / abs(mean)) ** 2)
    if abs(mean) < margin:
        needed.append((stats.norm.ppf(1 - alpha) * sd / (margin - abs(mean))) ** 2)
    if not needed:
        return math.inf
    return float(max(math.ceil(min(needed)) - n, 1))


def _without_spread(mean: float, n: int, margin: float, confidence: float,
                    test: str) -> Answer:
    """Every paired difference is the same number.

    A constant gap of at least the margin is judged by the exact sign test. A constant gap
    inside the margin (every pair equal, usually) is equivalent only once the runs are
    enough to bound how often a pair could differ: with none of ``n`` pairs differing, the
    exact one-sided bound on that share is ``1 - alpha ** (1 / n)`` (the "rule of three"),
    and a yes/no difference is at most that share; it must lie within the margin.
    """
    alpha = 1 - confidence
    if abs(mean) < margin:
        needed = math.ceil(math.log(alpha) / math.log(1 - min(margin, 0.999)))
        bound = 1 - alpha ** (1 / n)
        if bound < margin:
            return Answer(EQUIVALENT, n, mean, mean, mean, 1.0 if mean == 0 else math.nan,
                          bound, margin, 0.0, test)
        return Answer(UNDECIDED, n, mean, mean, mean, 1.0 if mean == 0 else math.nan, 1.0,
                      margin, float(max(needed - n, 1)), test)
    p = float(stats.binomtest(n, n, 0.5).pvalue)
    answer = DIFFERENT if p < alpha else UNDECIDED
    more = 0.0 if answer == DIFFERENT else float(
        max(math.ceil(math.log2(1 / alpha)) + 1 - n, 1))
    return Answer(answer, n, mean, mean, mean, p, 1.0, margin, more, test)
