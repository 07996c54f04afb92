"""The population the patterns describe, the mix of management assumed for it, and estimators
that pool runs of several management modes with the mix's weights.

**Population.** The calibration patterns come from samples of alliances that were formed:
strategic alliances and joint ventures of (mostly large) firms, recorded once the partners had
formally agreed to form them (Harrigan 1988; Bleeke & Ernst 1991; Dyer, Kale & Singh 2001;
Lunnan & Haugland 2008). A simulated alliance belongs to that population from the month its
partners agree on governance and legal form and it starts *evolving*; its age is counted from
then. A search that never gets past *forming*, or a negotiation that fails while *founding*,
is an attempt, not an alliance of these samples (and while founding, dissolution is
impossible by construction before ``founding_max_months``).

**Mix.** The patterns describe alliances whatever their management, so the model is
calibrated on a mix of the four management modes, never on one. No source we found gives
how alliances of that population divide between a dedicated manager, members' own time,
both, or nobody with time set aside. Dyer, Kale & Singh (2001) and Kale, Dyer & Singh
(2002, Strategic Management Journal 23(8)) compare firms with and without a dedicated
alliance function among large, alliance-active firms: both kinds are common there, but that
is a firm-level function, not an alliance's own management, and no shares are given for the
alliance level. The mix is therefore an **assumption**: equal weights (the choice that
favours no mode), and :data:`SENSITIVITY_MIXES` vary it (see the calibration report).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from alliancesim.params.definitions import MANAGEMENT_MODES
from alliancesim.validation.metrics import Estimate


@dataclass(frozen=True)
class Mix:
    """Weights of the management modes in a population of alliances, and why."""

    name: str
    weights: dict[str, float]
    reason: str

    def __post_init__(self) -> None:
        if set(self.weights) - set(MANAGEMENT_MODES):
            raise ValueError(f"unknown management modes in mix {self.name!r}")
        if not np.isclose(sum(self.weights.values()), 1.0):
            raise ValueError(f"the weights of mix {self.name!r} must sum to 1")

    @property
    def modes(self) -> tuple[str, ...]:
        """The modes with a positive weight, in the definition's order."""
        return tuple(m for m in MANAGEMENT_MODES if self.weights.get(m, 0.0) > 0)

    def label(self) -> str:
        """The weights as text, e.g. 'none 25%, dedicated 25%, ...'."""
        return ", ".join(f"{m} {self.weights[m]:.0%}" for m in self.modes)


CALIBRATION_MIX = Mix(
    "equal", {m: 0.25 for m in MANAGEMENT_MODES},
    "assumption: no source gives the shares of management modes among alliances; equal "
    "weights favour no mode (Dyer, Kale & Singh 2001 and Kale, Dyer & Singh 2002 find firms "
    "with and without a dedicated alliance function both common among large firms)")
SENSITIVITY_MIXES: tuple[Mix, ...] = (
    Mix("more dedicated", {"none": 0.15, "dedicated": 0.55, "transversal": 0.15,
                           "hybrid": 0.15}, "sensitivity check: a manager in most alliances"),
    Mix("fewer dedicated", {"none": 0.35, "dedicated": 0.10, "transversal": 0.35,
                            "hybrid": 0.20}, "sensitivity check: managers rare"),
)

MODE_COLUMN = "management_mode"


# --- the population -------------------------------------------------------------------------
def formed(runs: pd.DataFrame) -> pd.DataFrame:
    """The runs that are alliances of the population: those that reached an agreement."""
    return runs[runs["months_evolving"] > 0]


def age_at_end(runs: pd.DataFrame) -> np.ndarray:
    """Months from the agreement (the start of evolving) to the end of the run or horizon."""
    return (runs["end_month"] - runs["months_forming"]
            - runs["months_founding"]).to_numpy(dtype=float)


def run_weights(runs: pd.DataFrame, mix: Mix) -> np.ndarray:
    """Each run's weight: its mode's share in the mix over the mode's number of runs."""
    modes = runs[MODE_COLUMN].to_numpy()
    counts = runs[MODE_COLUMN].value_counts()
    missing = [m for m in mix.modes if counts.get(m, 0) == 0]
    if missing:
        raise ValueError(f"no runs of mode(s) {', '.join(missing)} to pool")
    return np.array([mix.weights.get(m, 0.0) / counts[m] for m in modes])


# --- weighted estimators (arrays, so that bootstraps can call them often) -----------------
def weighted_survival(age: np.ndarray, event: np.ndarray, weights: np.ndarray,
                      horizon: int) -> np.ndarray:
    """Kaplan-Meier survival at months 0..horizon with run weights (censoring the rest).

    S[t] is the share still going after month t; a run ending at month t with the event
    leaves the risk set after t, a censored one too (it was at risk through t).
    """
    months = np.clip(age.astype(int), 0, horizon)
    events = np.bincount(months, weights * event, minlength=horizon + 1)
    leaving = np.bincount(months, weights, minlength=horizon + 1)
    at_risk = weights.sum() - np.concatenate([[0.0], np.cumsum(leaving)[:-1]])
    with np.errstate(invalid="ignore", divide="ignore"):
        hazard = np.where(at_risk > 0, events / at_risk, 0.0)
    return np.cumprod(1.0 - hazard)


def median_from_survival(survival: np.ndarray) -> float:
    """The first month at which survival falls to one half (NaN if it never does)."""
    below = np.flatnonzero(survival <= 0.5)
    return float(below[0]) if len(below) else float("nan")


def weighted_life_table(age: np.ndarray, event: np.ndarray, weights: np.ndarray,
                        width: int, horizon: int) -> pd.DataFrame:
    """Hazard per age interval: weighted events / weighted alliances at risk at its start.

    ``at_risk`` counts runs (unweighted), to tell how much data stands behind each row.
    """
    rows = []
    for start in range(0, horizon, width):
        risk = age > start
        inside = risk & (age <= start + width)
        w_risk = float(weights[risk].sum())
        w_events = float(weights[inside & event].sum())
        rows.append({"age_from": start, "age_to": start + width, "at_risk": int(risk.sum()),
                     "events": int((inside & event).sum()),
                     "hazard": w_events / w_risk if w_risk > 0 else float("nan")})
    return pd.DataFrame(rows)


def bootstrap(statistic, groups: list[np.ndarray], replicates: int = 200,
              seed: int = 0) -> np.ndarray:
    """``statistic`` on resamples that draw runs with replacement within each group.

    ``statistic`` takes an array of run indices; ``groups`` lists the indices of each mode,
    so every resample keeps the number of runs per mode (and so the mix's weights).
    """
    rng = np.random.default_rng(seed)
    values = np.empty(replicates)
    for b in range(replicates):
        picked = np.concatenate([rng.choice(g, size=len(g)) for g in groups])
        values[b] = statistic(picked)
    return values


def with_interval(value: float, draws: np.ndarray) -> Estimate:
    """A value with the 95% percentile interval of its bootstrap draws."""
    finite = draws[np.isfinite(draws)]
    if not np.isfinite(value) or len(finite) < len(draws) // 2:
        return Estimate(value, float("nan"), float("nan"))
    low, high = np.percentile(finite, [2.5, 97.5])
    return Estimate(float(value), float(low), float(high))
