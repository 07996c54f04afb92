"""Calibrate the defaults by history matching (see alliancesim.validation.calibration).

    python experiments/calibrate.py [--out results/calibration] [--workers N]
                                    [--scheduler tcp://HOST:8786] [--write-defaults]

The shipped calibration is the targets file experiments/calibration.toml, run by the same
machinery as `alliancesim calibrate` (which it calls): its waves run (or resume: finished
runs are kept) once per management mode of the calibration mix, every point is scored, and
the plausible sets, report.md and manifest.json go into --out. On top of that, a
representative member is confirmed on fresh seeds and what breaks each pattern is found
(both into --out too). Only with --write-defaults, the maintainers' explicit step, is
anything written outside --out: the plausible set into src/alliancesim/data/, the
representative into src/alliancesim/params/definitions.py (as calibrated only where the
patterns constrain it), and docs/results/calibration.json and pattern_breaks.csv.
"""

from __future__ import annotations

import argparse
import json
import shutil
import time
from pathlib import Path

import pandas as pd

from alliancesim.params import PARAMETERS_BY_NAME
from alliancesim.validation.breaks import find_breaks
from alliancesim.validation.calibrate_report import PLAUSIBLE_FILE, write_outputs
from alliancesim.validation.calibration import (
    EXPERIMENT,
    OPEN_ASSUMPTIONS,
    by_centrality,
    confirm,
    history_match,
    load_calibration,
    sensitivity,
    spread,
    sweep_seconds,
    write_defaults,
)
from alliancesim.validation.mixture import SENSITIVITY_MIXES

PLAUSIBLE = Path("src") / "alliancesim" / "data" / "plausible_sets.parquet"
RESULTS = Path("docs") / "results"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--experiment", default=str(EXPERIMENT), help="the targets file")
    parser.add_argument("--out", default="results/calibration")
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--scheduler", default=None, help="a Dask scheduler's address")
    parser.add_argument("--confirm-replicates", type=int, default=200,
                        help="runs per mode to confirm the representative (default 200)")
    parser.add_argument("--breaks-replicates", type=int, default=150,
                        help="runs per mode for each setting that may break a pattern")
    parser.add_argument("--write-defaults", action="store_true",
                        help="write the plausible set, the representative and the results "
                        "into the package and docs/ (the maintainers' step)")
    args = parser.parse_args()

    calibration = load_calibration(args.experiment)
    out = Path(args.out)
    start = time.perf_counter()
    match = history_match(calibration, out, workers=args.workers, scheduler=args.scheduler)
    sweep_s = time.perf_counter() - start
    ranges = calibration.ranges
    factors = list(ranges)
    scores, accepted = match.scores, match.accepted
    print(f"{len(match.runs)} runs ({sweep_s:.0f} s this time); {len(accepted)} of "
          f"{len(scores)} points not implausible")
    if accepted.empty:
        write_outputs(calibration, match, out, time.perf_counter() - start)
        raise SystemExit("no design point is consistent with every calibration pattern")

    seed = calibration.seed
    central = by_centrality(accepted, ranges)
    chosen, table = confirm(central, factors, args.confirm_replicates, seed + 1, args.workers,
                            mix=calibration.mix, patterns=calibration.patterns)
    point, wave = chosen.pop("point"), chosen.pop("wave")
    plausible = central.assign(representative=(central["point"] == point)
                               & (central["wave"] == wave))

    table_spread = spread(match.first_wave_accepted, ranges)
    breaks = find_breaks(scores, ranges, chosen, args.breaks_replicates, seed + 2,
                         args.workers, mix=calibration.mix, patterns=calibration.patterns)
    total_s = time.perf_counter() - start
    summary = {
        "experiment": args.experiment, "seed": seed,
        "design": {"kind": calibration.spec.design.kind,
                   "samples": calibration.spec.design.samples}, "waves": match.waves,
        "replicates": calibration.spec.replicates,
        "modes": list(calibration.mix.modes), "mix": calibration.mix.label(),
        "mix_reason": calibration.mix.reason,
        "runs": len(match.runs), "run_seconds_total": float(match.runs["duration_s"].sum()),
        "points": len(scores), "accepted": len(accepted),
        "patterns": [p.key for p in calibration.patterns],
        "sensitivity": sensitivity(match.runs, scores, SENSITIVITY_MIXES,
                                   patterns=calibration.patterns),
        "spread": table_spread.to_dict(orient="records"),
        "open_assumptions": list(OPEN_ASSUMPTIONS),
        "representative": {"point": point, "wave": wave, "distance": float(
            plausible.loc[plausible["representative"], "distance"].iloc[0])},
        "defaults": {f: {"old": PARAMETERS_BY_NAME[f].default, "new": v}
                     for f, v in chosen.items()},
        "confirmation": {"replicates": args.confirm_replicates, "seed": seed + 1,
                         "patterns": table.drop(columns=["description", "source"])
                         .to_dict(orient="records")},
        "breaks": {"replicates": args.breaks_replicates, "seed": seed + 2},
        "sweep_wall_seconds": round(sweep_seconds(out)),
        "analysis_wall_seconds": round(total_s - sweep_s),
    }
    written = write_outputs(calibration, match, out, total_s)
    # The confirmed representative replaces the most central point as the one marked.
    plausible.reset_index(drop=True).to_parquet(written["plausible_sets"], index=False)
    breaks.to_csv(out / "pattern_breaks.csv", index=False)
    (out / "calibration.json").write_text(json.dumps(summary, indent=1, default=float) + "\n")
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        print(table_spread.round(3).to_string(index=False))
        print(breaks.drop(columns=["description"]).to_string(index=False))
    print(f"plausible set: {written['plausible_sets']} ({len(plausible)} points); report: "
          f"{written['report']}; total {total_s:.0f} s")
    if args.write_defaults:
        publish(out, table_spread, chosen)


def publish(out: Path, table_spread: pd.DataFrame, chosen: dict[str, float]) -> None:
    """The maintainers' step: the plausible set into the package, the results into docs/,
    the representative into the parameter definition."""
    PLAUSIBLE.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(out / PLAUSIBLE_FILE, PLAUSIBLE)
    RESULTS.mkdir(parents=True, exist_ok=True)
    for name in ("calibration.json", "pattern_breaks.csv"):
        shutil.copyfile(out / name, RESULTS / name)
    constrained = set(table_spread.loc[table_spread["constrained"], "parameter"])
    for name, (old, new) in write_defaults(chosen, constrained=constrained).items():
        kind = "calibrated" if name in constrained else "plausible, not constrained"
        print(f"{name}: {old} -> {new} ({kind})")


if __name__ == "__main__":
    main()
