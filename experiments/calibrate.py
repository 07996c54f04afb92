"""Calibrate the defaults by history matching (see alliancesim.validation.calibration).

    python experiments/calibrate.py [--out results/calibration] [--workers N]
                                    [--scheduler tcp://HOST:8786] [--write-defaults]

Runs (or resumes: finished runs are kept) the design once per management mode of the
calibration mix, scores every point, writes the plausible set to
src/alliancesim/data/plausible_sets.parquet, confirms a representative member on fresh seeds,
finds what breaks each pattern and writes docs/results/calibration.json and
docs/results/pattern_breaks.csv. With --write-defaults the representative is written into
src/alliancesim/params/definitions.py.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import pandas as pd

from alliancesim.params import PARAMETERS_BY_NAME
from alliancesim.validation.breaks import find_breaks
from alliancesim.validation.calibration import (
    EXPERIMENT,
    OPEN_ASSUMPTIONS,
    by_centrality,
    calibrated_factors,
    confirm,
    read_experiment_file,
    run_calibration_sweeps,
    score_points,
    sensitivity,
    spread,
    sweep_seconds,
    write_defaults,
)
from alliancesim.validation.mixture import CALIBRATION_MIX, SENSITIVITY_MIXES
from alliancesim.validation.patterns import PATTERNS

PLAUSIBLE = Path("src") / "alliancesim" / "data" / "plausible_sets.parquet"
RESULTS = Path("docs") / "results"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--experiment", default=str(EXPERIMENT))
    parser.add_argument("--out", default="results/calibration")
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--scheduler", default=None, help="a Dask scheduler's address")
    parser.add_argument("--confirm-replicates", type=int, default=200,
                        help="runs per mode to confirm the representative (default 200)")
    parser.add_argument("--breaks-replicates", type=int, default=150,
                        help="runs per mode for each setting that may break a pattern")
    parser.add_argument("--write-defaults", action="store_true",
                        help="write the representative into the parameter definition")
    args = parser.parse_args()

    start = time.perf_counter()
    runs = run_calibration_sweeps(args.out, args.experiment, workers=args.workers,
                                  scheduler=args.scheduler)
    sweep_s = time.perf_counter() - start
    ranges = calibrated_factors(args.experiment)
    factors = list(ranges)
    scores = score_points(runs, factors)
    scores.to_parquet(Path(args.out) / "scores.parquet", index=False)
    accepted = scores[scores["accepted"]]
    print(f"{len(runs)} runs ({sweep_s:.0f} s this time); {len(accepted)} of {len(scores)} "
          "points not implausible")
    if accepted.empty:
        raise SystemExit("no design point is consistent with every calibration pattern")

    seed = int(read_experiment_file(args.experiment)["seed"])
    central = by_centrality(accepted, ranges)
    chosen, table = confirm(central, factors, args.confirm_replicates, seed + 1, args.workers)
    point = chosen.pop("point")
    plausible = central.assign(representative=central["point"] == point)
    PLAUSIBLE.parent.mkdir(parents=True, exist_ok=True)
    plausible.reset_index(drop=True).to_parquet(PLAUSIBLE, index=False)

    table_spread = spread(accepted, ranges)
    breaks = find_breaks(scores, ranges, chosen, args.breaks_replicates, seed + 2,
                         args.workers)
    breaks.to_csv(RESULTS / "pattern_breaks.csv", index=False)
    total_s = time.perf_counter() - start
    summary = {
        "experiment": args.experiment, "seed": seed,
        "design": read_experiment_file(args.experiment)["design"],
        "replicates": int(read_experiment_file(args.experiment)["replicates"]),
        "modes": list(CALIBRATION_MIX.modes), "mix": CALIBRATION_MIX.label(),
        "mix_reason": CALIBRATION_MIX.reason,
        "runs": len(runs), "run_seconds_total": float(runs["duration_s"].sum()),
        "points": len(scores), "accepted": len(accepted),
        "patterns": [p.key for p in PATTERNS],
        "sensitivity": sensitivity(runs, scores, SENSITIVITY_MIXES),
        "spread": table_spread.to_dict(orient="records"),
        "open_assumptions": list(OPEN_ASSUMPTIONS),
        "representative": {"point": point, "distance": float(
            central.loc[central["point"] == point, "distance"].iloc[0])},
        "defaults": {f: {"old": PARAMETERS_BY_NAME[f].default, "new": v}
                     for f, v in chosen.items()},
        "confirmation": {"replicates": args.confirm_replicates, "seed": seed + 1,
                         "patterns": table.drop(columns=["description", "source"])
                         .to_dict(orient="records")},
        "breaks": {"replicates": args.breaks_replicates, "seed": seed + 2},
        "sweep_wall_seconds": round(sweep_seconds(args.out, args.experiment)),
        "analysis_wall_seconds": round(total_s - sweep_s),
    }
    (RESULTS / "calibration.json").write_text(json.dumps(summary, indent=1, default=float)
                                               + "\n")
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        print(table_spread.round(3).to_string(index=False))
        print(breaks.drop(columns=["description"]).to_string(index=False))
    print(f"plausible set: {PLAUSIBLE} ({len(plausible)} points); total {total_s:.0f} s")
    if args.write_defaults:
        constrained = set(table_spread.loc[table_spread["constrained"], "parameter"])
        for name, (old, new) in write_defaults(chosen, constrained=constrained).items():
            kind = "calibrated" if name in constrained else "plausible, not constrained"
            print(f"{name}: {old} -> {new} ({kind})")


if __name__ == "__main__":
    main()
