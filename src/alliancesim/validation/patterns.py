"""The empirical patterns the defaults should reproduce, and how a set of runs scores on them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from alliancesim.validation.metrics import (
    Estimate,
    failure_share,
    hazard_by_age,
    is_inverted_u,
    median_lifetime,
    share_ended_within,
    trust_asymmetry,
)

HAZARD_WIDTH = 12  # months per age interval of the dissolution hazard


@dataclass(frozen=True)
class Pattern:
    """A pattern: its target range (inclusive), where it comes from, and how to measure it."""

    key: str
    description: str
    low: float
    high: float
    unit: str
    source: str
    measure: Callable[[pd.DataFrame], Estimate]

    def target(self) -> str:
        """The target range as text."""
        if self.unit == "yes/no":
            return "yes"
        if self.unit == "share":
            return f"{self.low:.0%} – {self.high:.0%}"
        return f"{self.low:g} – {self.high:g} {self.unit}"


def _ended(runs: pd.DataFrame) -> np.ndarray:
    return (runs["outcome"] != "running").to_numpy()


def dissolution_hazard(runs: pd.DataFrame) -> pd.DataFrame:
    """Yearly hazard of dissolution; other endings are censored."""
    return hazard_by_age(runs["end_month"], (runs["outcome"] == "dissolved").to_numpy(),
                         HAZARD_WIDTH, horizon=int(runs["end_month"].max()))


def _inverted_u(runs: pd.DataFrame) -> Estimate:
    flag = float(is_inverted_u(dissolution_hazard(runs)))
    return Estimate(flag, flag, flag)


def _median_lifetime(runs: pd.DataFrame) -> Estimate:
    return median_lifetime(runs["end_month"], _ended(runs))


def _ended_within_five_years(runs: pd.DataFrame) -> Estimate:
    return share_ended_within(runs["end_month"], _ended(runs), 60)


def _trust_asymmetry(runs: pd.DataFrame) -> Estimate:
    return trust_asymmetry(runs["trust_rise_per_constructive"],
                           runs["trust_fall_per_escalation"])


PATTERNS: tuple[Pattern, ...] = (
    Pattern("failure_share", "Alliances that fail (dissolve or miss their objectives)",
            0.30, 0.70, "share",
            "Bamford et al. 2004; Harrigan 1988 (54.7%); Dyer et al. 2001 (about half)",
            failure_share),
    Pattern("inverted_u_hazard",
            "Hazard of dissolution by age is an inverted U (liability of adolescence)",
            1.0, 1.0, "yes/no", "Fichman & Levinthal 1991", _inverted_u),
    Pattern("ended_within_5_years", "Alliances that ended within five years",
            0.25, 0.45, "share", "Lunnan & Haugland 2008 (34 of 100)",
            _ended_within_five_years),
    Pattern("median_lifetime", "Median lifetime (Kaplan-Meier, any ending)",
            66.0, 102.0, "months", "Bleeke & Ernst 1991 (about seven years)", _median_lifetime),
    Pattern("trust_asymmetry",
            "Trust lost per escalation / trust gained per constructive resolution",
            2.0, 10.0, "ratio", "Slovic 1993 (asymmetry principle; 3:1 in coopetition models)",
            _trust_asymmetry),
)


def evaluate(runs: pd.DataFrame) -> pd.DataFrame:
    """Pattern by pattern: target, source, the runs' value with a 95% interval, and a verdict."""
    rows = []
    for p in PATTERNS:
        est = p.measure(runs)
        rows.append({
            "pattern": p.key, "description": p.description, "target": p.target(),
            "source": p.source, "value": est.value, "low": est.low, "high": est.high,
            "inside": bool(p.low <= est.value <= p.high) if np.isfinite(est.value) else False,
        })
    return pd.DataFrame(rows)


def score(runs: pd.DataFrame) -> float:
    """Distance from all targets at once (0 when every pattern is inside its range).

    Each pattern adds its distance outside the target range divided by the range's width
    (a missing inverted U adds 1), so patterns on different scales weigh alike.
    """
    total = 0.0
    for p in PATTERNS:
        value = p.measure(runs).value
        width = max(p.high - p.low, 1.0 if p.unit == "yes/no" else 1e-9)
        if not np.isfinite(value):
            total += 2.0
        elif value < p.low:
            total += (p.low - value) / width
        elif value > p.high:
            total += (value - p.high) / width
    return total
