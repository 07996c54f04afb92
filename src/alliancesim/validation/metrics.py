"""Estimators for the empirical patterns, on a table of run outcomes (one row per run).

The table needs the columns of :meth:`AllianceModel.outcome_record`: ``outcome``
(completed / dissolved / running), ``end_month``, ``failed`` and the trust-change columns.
Runs still going at the horizon are right-censored.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats


@dataclass(frozen=True)
class Estimate:
    """A point estimate with a 95% confidence interval."""

    value: float
    low: float
    high: float


def proportion(successes: int, trials: int) -> Estimate:
    """A share with its Wilson 95% interval."""
    if trials == 0:
        return Estimate(float("nan"), float("nan"), float("nan"))
    ci = stats.binomtest(successes, trials).proportion_ci(0.95, method="wilson")
    return Estimate(successes / trials, float(ci.low), float(ci.high))


def failure_share(runs: pd.DataFrame) -> Estimate:
    """Share of alliances that failed: dissolved, or missed their objectives."""
    return proportion(int(runs["failed"].sum()), len(runs))


def hazard_by_age(end_month: np.ndarray, event: np.ndarray, width: int = 12,
                  horizon: int | None = None) -> pd.DataFrame:
    """Life-table hazard: events in each age interval / alliances at risk at its start.

    ``event`` marks runs that ended by the event of interest at ``end_month``; other runs
    are censored there (still running, or ended another way).
    """
    end_month = np.asarray(end_month, dtype=float)
    event = np.asarray(event, dtype=bool)
    last = int(horizon if horizon is not None else end_month.max())
    rows = []
    for start in range(0, last, width):
        stop = start + width
        at_risk = int((end_month > start).sum())
        events = int(((end_month > start) & (end_month <= stop) & event).sum())
        share = proportion(events, at_risk)
        rows.append({"age_from": start, "age_to": stop, "at_risk": at_risk, "events": events,
                     "hazard": share.value, "low": share.low, "high": share.high})
    return pd.DataFrame(rows)


RISE_SHARE = 0.5  # the first counted interval must be at most this share of the peak
FALL_SHARE = 0.75  # the intervals after the peak must average at most this share of it


def is_inverted_u(hazard: pd.DataFrame, min_at_risk: int = 30) -> bool:
    """Low at first, rising to a peak, then falling: the liability of adolescence.

    Intervals with fewer than ``min_at_risk`` alliances at risk are ignored, and so are the
    leading intervals in which not one alliance dissolved: there dissolution is impossible by
    construction (or never happens), and a stretch of zeros is not the rising side of a hump.
    From the first interval with a dissolution on, the peak must lie strictly inside, the
    first interval must be at most half the peak, and the intervals after the peak must
    average at most three quarters of it. A flat, rising-only or falling hazard fails.
    """
    rows = hazard.loc[hazard["at_risk"] >= min_at_risk]
    seen = np.flatnonzero(rows["events"].to_numpy() > 0)
    if not len(seen):
        return False
    h = rows["hazard"].to_numpy()[seen[0]:]
    if len(h) < 3:
        return False
    peak = int(np.argmax(h))
    return bool(0 < peak < len(h) - 1 and h[0] <= RISE_SHARE * h[peak]
                and h[peak + 1:].mean() <= FALL_SHARE * h[peak])


def _band(sf: Any) -> Any:
    # The Greenwood band is undefined where the survival estimate reaches 0 or 1; scipy warns
    # there and returns NaN, which the callers treat as "no bound".
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return sf.confidence_interval(0.95)


def survival(end_month: np.ndarray, ended: np.ndarray) -> stats._survival.ECDFResult:
    """Kaplan-Meier estimate of the time to an ending (``ended``), censoring the rest."""
    end_month = np.asarray(end_month, dtype=float)
    ended = np.asarray(ended, dtype=bool)
    data = stats.CensoredData(uncensored=end_month[ended], right=end_month[~ended])
    return stats.ecdf(data)


def _first_time_below(times: np.ndarray, probabilities: np.ndarray, level: float) -> float:
    below = np.flatnonzero(probabilities <= level)
    return float(times[below[0]]) if len(below) else float("nan")


def median_lifetime(end_month: np.ndarray, ended: np.ndarray) -> Estimate:
    """Kaplan-Meier median time to an ending, with the interval from the survival band.

    NaN when fewer than half the alliances have ended by the horizon.
    """
    sf = survival(end_month, ended).sf
    band = _band(sf)
    times = sf.quantiles
    return Estimate(
        _first_time_below(times, sf.probabilities, 0.5),
        _first_time_below(times, band.low.probabilities, 0.5),
        _first_time_below(times, band.high.probabilities, 0.5),
    )


def share_ended_within(end_month: np.ndarray, ended: np.ndarray, months: int) -> Estimate:
    """Kaplan-Meier share of alliances that ended within ``months`` (1 - S(months))."""
    sf = survival(end_month, ended).sf
    band = _band(sf)
    at = float(months)
    return Estimate(1.0 - float(sf.evaluate(at)), 1.0 - float(band.high.evaluate(at)),
                    1.0 - float(band.low.evaluate(at)))
