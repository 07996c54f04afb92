"""The tie point: the professional's skill premium at which a dedicated manager and
transversal skill fail equally often.

The premium of a hired professional over the members' own starting skill
(``manager_skill_premium``) is an assumption no study measures. Instead of choosing it, the
answer to the central question is given as a condition: on common seeds, the transversal
alliance runs once (the premium does not reach it: nobody is hired), the dedicated one at
each premium of a grid spanning the definition's range. A binomial GLM of the dedicated
failure on the premium gives the premium at which its failure share equals transversal's;
its interval comes from resampling the seeds (each seed keeps all its runs, so the pairing is
kept). Where the two curves do not cross inside the range, that is the answer: a professional
pays off at every premium of the range, or at none.

    python -m alliancesim.validation.tiepoint --replicates 400 \\
        --write docs/results/tie_point.json

runs the tie point at the defaults, across the calibration's plausible sets, and with each
mechanism switched off in turn (how each mechanism moves it).
"""

from __future__ import annotations

import argparse
import json
import math
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from alliancesim.params import MECHANISMS, PARAMETERS_BY_NAME, mechanism_off
from alliancesim.validation.ablation import Runner, compare_runner

PREMIUM = PARAMETERS_BY_NAME["manager_skill_premium"]
# Nine premiums over the definition's whole range (-0.4 to 0.5 in steps of 0.1125).
GRID = tuple(float(x) for x in np.linspace(float(PREMIUM.low or 0), float(PREMIUM.high or 0), 9))
ROOT_SEED = 20261206
PLAUSIBLE = Path(__file__).resolve().parent.parent / "data" / "plausible_sets.parquet"
CONFIDENCE = 0.95
BOOTSTRAPS = 400


def tie_runs(params: Mapping[str, Any], replicates: int, seed: int,
             runner: Runner = compare_runner, grid: Sequence[float] = GRID,
             outcome: str = "failed") -> tuple[np.ndarray, np.ndarray]:
    """Failure (0/1) of the transversal runs (one per seed) and of the dedicated runs (seed
    x premium), all on the same seeds."""
    sets = [{**params, "management_mode": "transversal"}]
    sets += [{**params, "management_mode": "dedicated", PREMIUM.name: g} for g in grid]
    frames = runner(sets, replicates, seed)
    columns = [f.sort_values("replicate")[outcome].astype(float).to_numpy() for f in frames]
    return columns[0], np.column_stack(columns[1:])


def _logistic_fit(grid: np.ndarray, share: np.ndarray) -> tuple[float, float]:
    """Intercept and slope of a binomial GLM of the share failing on the premium (equal
    runs per premium), by Newton's method on the grouped likelihood."""
    a, b = 0.0, 0.0
    x = grid - grid.mean()
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-(a + b * x)))
        w = p * (1.0 - p) + 1e-12
        gradient = np.array([np.sum(share - p), np.sum((share - p) * x)])
        hessian = np.array([[np.sum(w), np.sum(w * x)], [np.sum(w * x), np.sum(w * x * x)]])
        step = np.linalg.solve(hessian + 1e-9 * np.eye(2), gradient)
        a, b = a + step[0], b + step[1]
        if np.max(np.abs(step)) < 1e-10:
            break
    return a - b * grid.mean(), b


def crossing(grid: Sequence[float], dedicated: np.ndarray, transversal: float) -> float:
    """The premium at which the fitted dedicated failure share equals ``transversal``:
    -inf when dedicated fails less at every premium of the grid, +inf when it fails more
    at every one, NaN when the fit is flat."""
    g = np.asarray(grid, dtype=float)
    a, b = _logistic_fit(g, np.clip(dedicated, 1e-6, 1 - 1e-6))
    target = float(np.clip(transversal, 1e-6, 1 - 1e-6))
    fitted = 1.0 / (1.0 + np.exp(-(a + b * g)))
    if np.all(fitted < target):
        return -math.inf
    if np.all(fitted > target):
        return math.inf
    if abs(b) < 1e-12:
        return math.nan
    return float((math.log(target / (1 - target)) - a) / b)


def summarise(transversal: np.ndarray, dedicated: np.ndarray, grid: Sequence[float] = GRID,
              bootstraps: int = BOOTSTRAPS, seed: int = ROOT_SEED) -> dict[str, Any]:
    """The tie point with its bootstrap interval, and the paired gap at every premium."""
    n = len(transversal)
    diff = dedicated - transversal[:, None]
    gaps = [{"premium": g, "dedicated": float(dedicated[:, k].mean()),
             "transversal": float(transversal.mean()), "gap": float(diff[:, k].mean()),
             "gap_se": float(diff[:, k].std(ddof=1) / math.sqrt(n)) if n > 1 else math.nan}
            for k, g in enumerate(grid)]
    tie = crossing(grid, dedicated.mean(axis=0), float(transversal.mean()))
    rng = np.random.default_rng(seed)
    draws = []
    for _ in range(bootstraps):
        rows = rng.integers(0, n, n)
        draws.append(crossing(grid, dedicated[rows].mean(axis=0),
                              float(transversal[rows].mean())))
    values = np.array(draws)
    tail = (1.0 - CONFIDENCE) / 2.0
    known = values[~np.isnan(values)]  # +-inf (no tie in the range) sort to the ends
    low, high = (np.quantile(known, [tail, 1.0 - tail], method="inverted_cdf") if len(known)
                 else (math.nan, math.nan))
    return {"tie": tie, "low": float(low), "high": float(high), "runs_per_arm": n,
            "below_range": float(np.mean(values == -math.inf)),
            "above_range": float(np.mean(values == math.inf)),
            "grid": list(grid), "gaps": gaps}


def tie_point(params: Mapping[str, Any] | None = None, replicates: int = 400,
              seed: int = ROOT_SEED, runner: Runner = compare_runner,
              grid: Sequence[float] = GRID) -> dict[str, Any]:
    """The tie point (with its interval) at ``params`` (the defaults when None)."""
    transversal, dedicated = tie_runs(params or {}, replicates, seed, runner, grid)
    return summarise(transversal, dedicated, grid, seed=seed)


def across_sets(sets: pd.DataFrame, replicates: int, seed: int,
                runner: Runner = compare_runner, grid: Sequence[float] = GRID
                ) -> dict[str, Any]:
    """The tie point pooled over plausible parameter sets (each set weighted equally, the
    seeds resampled within sets), and the spread of each set's own tie point."""
    columns = [c for c in sets.columns if c in PARAMETERS_BY_NAME and c != PREMIUM.name]
    transversal, dedicated, own = [], [], []
    for _, row in sets.iterrows():
        params = {c: _plain(row[c]) for c in columns}
        t, d = tie_runs(params, replicates, seed, runner, grid)
        transversal.append(t)
        dedicated.append(d)
        own.append(crossing(grid, d.mean(axis=0), float(t.mean())))
    pooled = summarise(np.concatenate(transversal), np.vstack(dedicated), grid, seed=seed)
    values = np.array(own)
    inside = values[np.isfinite(values)]
    return {**pooled, "sets": len(sets), "runs_per_set": replicates,
            "set_ties": [None if not np.isfinite(v) else float(v) for v in values],
            "sets_below_range": int(np.sum(values == -math.inf)),
            "sets_above_range": int(np.sum(values == math.inf)),
            "sets_inside": len(inside),
            "set_tie_median": float(np.median(inside)) if len(inside) else math.nan}


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def by_mechanism(replicates: int, seed: int, runner: Runner = compare_runner,
                 grid: Sequence[float] = GRID) -> list[dict[str, Any]]:
    """The tie point with each mechanism switched off in turn (the premium's own mechanism
    has none)."""
    rows = []
    for name in MECHANISMS:
        result = tie_point(mechanism_off(name), replicates, seed, runner, grid)
        rows.append({"mechanism": name, **{k: result[k] for k in
                                           ("tie", "low", "high", "below_range",
                                            "above_range")},
                     "gap_at_zero": _gap_at(result, 0.0)})
    return rows


def _gap_at(result: Mapping[str, Any], premium: float) -> dict[str, float]:
    """The paired gap (dedicated minus transversal failure) at the grid premium nearest
    ``premium``."""
    nearest = min(result["gaps"], key=lambda g: abs(g["premium"] - premium))
    return {"premium": nearest["premium"], "gap": nearest["gap"], "se": nearest["gap_se"]}


def describe(result: Mapping[str, Any]) -> str:
    """The tie point in plain words, e.g. 'a premium of 0.21 (0.12 to 0.30)'."""
    tie, grid = result["tie"], result.get("grid", GRID)
    if tie == -math.inf:
        return (f"no tie inside the range: a dedicated manager fails less often even at a "
                f"premium of {grid[0]:+.2f}")
    if tie == math.inf:
        return (f"no tie inside the range: a dedicated manager fails more often even at a "
                f"premium of {grid[-1]:+.2f}")
    return (f"a premium of {tie:+.2f} ({_bound(result['low'], grid)} to "
            f"{_bound(result['high'], grid)}, {CONFIDENCE:.0%} interval)")


def _bound(value: float, grid: Sequence[float]) -> str:
    if value == -math.inf:
        return f"below {grid[0]:+.2f}"
    if value == math.inf:
        return f"beyond {grid[-1]:+.2f}"
    return f"{value:+.2f}"


def main(argv: list[str] | None = None) -> None:
    """Measure the tie point at the defaults, across the plausible sets and by mechanism."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--replicates", type=int, default=400,
                        help="seeds at the defaults (per premium and mode)")
    parser.add_argument("--set-replicates", type=int, default=60,
                        help="seeds per plausible set")
    parser.add_argument("--mechanism-replicates", type=int, default=150,
                        help="seeds per mechanism switched off")
    parser.add_argument("--seed", type=int, default=ROOT_SEED)
    parser.add_argument("--plausible", type=Path, default=None,
                        help="plausible sets (parquet; default: the shipped ones)")
    parser.add_argument("--write", type=Path, default=Path("docs/results/tie_point.json"))
    args = parser.parse_args(argv)
    start = time.perf_counter()
    defaults = tie_point(None, args.replicates, args.seed)
    print(f"at the defaults: {describe(defaults)}")
    sets = pd.read_parquet(args.plausible or PLAUSIBLE)
    plausible = across_sets(sets, args.set_replicates, args.seed)
    print(f"across {plausible['sets']} plausible sets: {describe(plausible)}")
    mechanisms = by_mechanism(args.mechanism_replicates, args.seed)
    seconds = time.perf_counter() - start
    args.write.parent.mkdir(parents=True, exist_ok=True)
    args.write.write_text(json.dumps({
        "seed": args.seed, "grid": list(GRID), "defaults": defaults, "plausible": plausible,
        "mechanism_replicates": args.mechanism_replicates, "mechanisms": mechanisms,
        "seconds": round(seconds)}, indent=1, default=float) + "\n")
    for row in mechanisms:
        print(f"{row['mechanism']:26} {describe(row)}")


if __name__ == "__main__":  # pragma: no cover
    main()
