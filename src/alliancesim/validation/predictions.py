"""Out-of-sample predictions: published patterns the calibration never reads.

The calibration (:mod:`alliancesim.validation.calibration`) neither imports this module nor
reads these figures, and a test checks it. So these are predictions of the calibrated model:
scored at the defaults and across the plausible set, never used to choose a default.

- **A dedicated alliance function goes with more success.** Dyer, Kale & Singh (2001, MIT
  Sloan Management Review 42(4)), on 1,572 alliances of 200 large firms: firms with a
  dedicated alliance function had a long-term alliance success rate about 25% higher than
  firms without one (Kale, Dyer & Singh 2002, Strategic Management Journal 23(8)). The
  model's nearest reading: the success share (not failed) of alliances where a professional
  holds management time (dedicated, hybrid) over that of alliances where none does
  (transversal, none), each side pooled with the calibration mix's weights. A difference
  between modes may be a prediction; it is never a calibration target.
- **Few terminations are intended.** Makino, Chan, Isobe & Beamish (2007, Strategic
  Management Journal 28(11)): about 10% of international joint venture terminations were
  intended (the venture's purpose achieved), about 90% unintended. The model's reading: among
  formed alliances that ended, the share that completed as planned rather than dissolved.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from alliancesim.validation.metrics import Estimate
from alliancesim.validation.mixture import (
    CALIBRATION_MIX,
    MODE_COLUMN,
    Mix,
    bootstrap,
    formed,
    with_interval,
)
from alliancesim.validation.patterns import Pattern

WITH_MANAGER = ("dedicated", "hybrid")  # a professional holds management time
WITHOUT_MANAGER = ("transversal", "none")


@dataclass(frozen=True)
class Counts:
    """Per-mode counts of formed runs: the runs, failures, completions, dissolutions."""

    n: dict[str, float]
    failed: dict[str, float]
    completed: dict[str, float]
    dissolved: dict[str, float]

    @classmethod
    def of_runs(cls, runs: pd.DataFrame) -> Counts:
        """Counts from a table of runs (one mode per row)."""
        runs = formed(runs)
        groups = runs.groupby(MODE_COLUMN)
        outcome = runs["outcome"]
        return cls(groups.size().to_dict(), groups["failed"].sum().to_dict(),
                   (outcome == "completed").groupby(runs[MODE_COLUMN]).sum().to_dict(),
                   (outcome == "dissolved").groupby(runs[MODE_COLUMN]).sum().to_dict())

    @classmethod
    def of_point(cls, row: pd.Series, modes: tuple[str, ...]) -> Counts:
        """Counts from a row of the plausible set (columns ``n_<mode>`` and so on)."""
        def pick(prefix: str) -> dict[str, float]:
            return {m: float(row[f"{prefix}_{m}"]) for m in modes}
        return cls(pick("n"), pick("failed"), pick("completed"), pick("dissolved"))


def _pooled(counts: Counts, field: dict[str, float], modes: tuple[str, ...],
            mix: Mix, over: dict[str, float] | None = None) -> float:
    """Mix-weighted share of ``field`` among ``over`` (default: all runs) of ``modes``."""
    over = over if over is not None else counts.n
    weights = {m: mix.weights.get(m, 0.0) for m in modes}
    total = sum(weights.values())
    value = 0.0
    for m in modes:
        if over.get(m, 0) <= 0:
            return float("nan")
        value += weights[m] / total * field.get(m, 0) / over[m]
    return value


def success_ratio(counts: Counts, mix: Mix = CALIBRATION_MIX) -> float:
    """Success share with a professional in post over the success share without one."""
    success = {m: counts.n.get(m, 0) - counts.failed.get(m, 0) for m in counts.n}
    with_ = _pooled(counts, success, WITH_MANAGER, mix)
    without = _pooled(counts, success, WITHOUT_MANAGER, mix)
    return with_ / without if without > 0 else float("nan")


def intended_share(counts: Counts, mix: Mix = CALIBRATION_MIX) -> float:
    """Among alliances that ended, the mix-weighted share that completed as planned."""
    modes = tuple(m for m in mix.modes if m in counts.n)
    ended = {m: counts.completed.get(m, 0) + counts.dissolved.get(m, 0) for m in modes}
    weights = {m: mix.weights[m] * ended[m] / counts.n[m] for m in modes if counts.n[m]}
    total = sum(weights.values())
    if total <= 0:
        return float("nan")
    return sum(w * counts.completed[m] / ended[m] for m, w in weights.items() if ended[m]) / total


@dataclass(frozen=True)
class Prediction(Pattern):
    """A published pattern the model is asked to predict: a pattern (target, band, source)
    measured on the outcome counts of each mode instead of on pooled runs."""

    statistic: Callable[[Counts, Mix], float]  # type: ignore[assignment]

    def format(self, value: float) -> str:
        """A value in the prediction's unit."""
        if not np.isfinite(value):
            return "undefined"
        return f"{value:.1%}" if self.unit == "share" else f"{value:.2f}"


PREDICTIONS: tuple[Prediction, ...] = (
    Prediction("dedicated_function_success",
               "Success with a professional in post (dedicated, hybrid) over success without "
               "(transversal, none)", 1.25, 0.056, 0.05, "ratio",
               "Dyer, Kale & Singh 2001; Kale, Dyer & Singh 2002 (about 25% higher success "
               "with a dedicated alliance function)", success_ratio,
               "sd 0.056: binomial error of two success shares near 63% and 50% in two "
               "halves of 1,572 alliances (an even split assumed); discrepancy 0.05 for "
               "reading a firm's alliance function as an alliance's own manager"),
    Prediction("intended_terminations",
               "Share of endings that were intended (completed as planned, not dissolved)",
               0.10, 0.02, 0.03, "share",
               "Makino, Chan, Isobe & Beamish 2007 (about 10% of IJV terminations intended)",
               intended_share,
               "sd 2 points for a share given as 'approximately 10%'; discrepancy 3 points "
               "for joint ventures against alliances in general"),
)


def at_defaults(runs: pd.DataFrame, mix: Mix = CALIBRATION_MIX, replicates: int = 400,
                seed: int = 0) -> dict[str, Estimate]:
    """Each prediction on runs of the defaults, with a bootstrap 95% interval (runs
    resampled within modes)."""
    runs = formed(runs).reset_index(drop=True)
    groups = [np.flatnonzero(runs[MODE_COLUMN].to_numpy() == m) for m in mix.modes]
    out = {}
    for p in PREDICTIONS:
        value = p.statistic(Counts.of_runs(runs), mix)
        draws = bootstrap(lambda idx, p=p: p.statistic(Counts.of_runs(runs.iloc[idx]), mix),
                          groups, replicates, seed)
        out[p.key] = with_interval(value, draws)
    return out


def over_plausible_set(points: pd.DataFrame, mix: Mix = CALIBRATION_MIX) -> dict[str, dict]:
    """Each prediction at every plausible point: the median and 95% range across points
    and the share of points whose value lies in the band."""
    out = {}
    for p in PREDICTIONS:
        values = np.array([p.statistic(Counts.of_point(row, mix.modes), mix)
                           for _, row in points.iterrows()])
        finite = values[np.isfinite(values)]
        low, mid, high = (np.percentile(finite, [2.5, 50, 97.5]) if len(finite)
                          else (np.nan,) * 3)
        out[p.key] = {"median": float(mid), "low": float(low), "high": float(high),
                      "inside_share": float(np.mean([p.inside(v) for v in values])),
                      "points": len(values)}
    return out


def prediction_table(defaults: dict[str, Estimate], plausible: dict[str, dict]) -> pd.DataFrame:
    """One row per prediction: target, band, source, value at the defaults (95% CI) and
    inside or not, and across the plausible set (median, 95% range, share inside)."""
    rows = []
    for p in PREDICTIONS:
        est, over = defaults[p.key], plausible.get(p.key)
        rows.append({
            "prediction": p.key, "description": p.description, "target": p.target,
            "band": p.band(), "source": p.source, "value": est.value, "low": est.low,
            "high": est.high, "inside": p.inside(est.value),
            **({f"set_{k}": v for k, v in over.items()} if over else {}),
        })
    return pd.DataFrame(rows)
