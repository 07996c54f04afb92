"""Calibrate the default parameters against the empirical patterns.

Two stages. First, the Latin-hypercube sweep in ``experiments/calibration.toml`` runs with the
experiment runner (resumable: rerun after an interruption and finished runs are kept) and
every design point is scored against all patterns of ``alliancesim.validation`` at once.
Scores from a few dozen replicates are noisy and the best of many noisy points flatters
itself, so second, the best ``--finalists`` points are rerun with ``--replicates`` fresh,
common seeds each and scored again; the best of those is the calibrated point.

    python experiments/calibrate.py [--out results/calibration] [--workers N]

The chosen point is then rounded and written into ``src/alliancesim/params/definitions.py``
by hand, and ``alliancesim validate`` confirms it with fresh seeds.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import pandas as pd

from alliancesim.compare.runner import run_all
from alliancesim.scenarios import scenario_from_dict
from alliancesim.sweeps import load_experiment, load_results, run_sweep
from alliancesim.validation import PATTERNS, evaluate, score

EXPERIMENT = Path(__file__).with_name("calibration.toml")


def score_points(runs: pd.DataFrame, factors: list[str]) -> pd.DataFrame:
    """One row per design point: its parameter values, overall score and pattern values."""
    rows = []
    for point, group in runs.groupby("point"):
        table = evaluate(group).set_index("pattern")
        row = {"point": point, **group.iloc[0][factors].to_dict(), "score": score(group),
               "off_centre": off_centre(table)}
        row.update({p.key: table.loc[p.key, "value"] for p in PATTERNS})
        rows.append(row)
    ranked = pd.DataFrame(rows).sort_values(["score", "off_centre"])
    return ranked.reset_index(drop=True)


def off_centre(table: pd.DataFrame) -> float:
    """Tie-break among points inside every range: summed distance from the range centres."""
    total = 0.0
    for p in PATTERNS:
        if p.high > p.low:
            total += abs(table.loc[p.key, "value"] - (p.low + p.high) / 2) / (p.high - p.low)
    return total


def rerun_finalists(scores: pd.DataFrame, factors: list[str], finalists: int,
                    replicates: int, seed: int, workers: int | None) -> pd.DataFrame:
    """Rerun the best points with many common seeds and score them again."""
    best = scores.head(finalists)
    scenarios = [
        scenario_from_dict({"name": f"point {int(row.point)}", "description": "finalist",
                            "parameters": {f: float(getattr(row, f)) for f in factors}})
        for row in best.itertuples()
    ]
    outcomes, _ = run_all(scenarios, replicates, seed, workers)
    rows = best.set_index(pd.Index([s.name for s in scenarios]))
    for column in ("point", *factors):
        outcomes[column] = outcomes["scenario"].map(rows[column])
    return score_points(outcomes, factors)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default="results/calibration")
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--finalists", type=int, default=8)
    parser.add_argument("--replicates", type=int, default=400)
    args = parser.parse_args()
    experiment = load_experiment(EXPERIMENT)
    start = time.perf_counter()
    summary = run_sweep(experiment, args.out, workers=args.workers, progress=True)
    elapsed = time.perf_counter() - start
    runs = load_results(args.out, include_failed=False)
    scores = score_points(runs, list(experiment.vary))
    scores.to_csv(Path(args.out) / "scores.csv", index=False)
    print(f"{summary.runs_total} runs ({summary.runs_total - summary.runs_before} new) "
          f"in {elapsed:.0f} s; {len(scores)} design points scored")
    start = time.perf_counter()
    final = rerun_finalists(scores, list(experiment.vary), args.finalists, args.replicates,
                            experiment.seed + 1, args.workers)
    final.to_csv(Path(args.out) / "finalists.csv", index=False)
    print(f"{args.finalists} finalists x {args.replicates} replicates in "
          f"{time.perf_counter() - start:.0f} s")
    with pd.option_context("display.width", 250, "display.max_columns", 20):
        print("stage 1, best points:")
        print(scores.head(args.finalists).round(3).to_string(index=False))
        print("stage 2, finalists rescored:")
        print(final.round(3).to_string(index=False))


if __name__ == "__main__":
    main()
