"""Which mechanisms drive the differences between management modes.

The four management modes run on common seeds with every mechanism on, and again with each
mechanism switched off in turn (through the parameter definition). A mechanism drives the
gap between two modes by as much as the gap shrinks (or grows) when it is switched off.

    python -m alliancesim.validation.drivers --replicates 150 \\
        --write docs/results/mode_drivers.json

Nothing here chooses a default: it measures the model as it is.
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from alliancesim.params import MANAGEMENT_MODES, MECHANISMS, mechanism_off
from alliancesim.validation.ablation import Runner, compare_runner

ALL_ON = "all mechanisms on"
REFERENCE = "dedicated"
ROOT_SEED = 20261129


def settings() -> list[tuple[str, dict[str, Any]]]:
    """Every mechanism on, then each one off in turn."""
    return [(ALL_ON, {})] + [(name, mechanism_off(name)) for name in MECHANISMS]


def mode_summary(runs: pd.DataFrame) -> dict[str, Any]:
    """Failure share, mean value and their standard errors for one mode's runs, and the
    runs' own values in seed order (``seeds``: failures as a string of 0 and 1, values to
    two decimals), from which the paired standard errors are taken."""
    runs = runs.sort_values("replicate") if "replicate" in runs else runs
    failed = runs["failed"].astype(float).to_numpy()
    value = runs["value_total"].astype(float).to_numpy()
    n = len(runs)
    return {
        "failed": float(failed.mean()),
        "failed_se": float(failed.std(ddof=1) / math.sqrt(n)) if n > 1 else math.nan,
        "value": float(value.mean()),
        "value_se": float(value.std(ddof=1) / math.sqrt(n)) if n > 1 else math.nan,
        "runs": n,
        "seeds": {"failed": "".join(str(int(f)) for f in failed),
                  "value": [round(float(v), 2) for v in value]},
    }


def per_seed(summary: dict[str, Any], outcome: str) -> np.ndarray | None:
    """One mode's values of ``outcome`` in seed order, when the results keep them."""
    seeds = summary.get("seeds")
    if not seeds:
        return None
    values = seeds[outcome]
    return (np.array([float(c) for c in values]) if isinstance(values, str)
            else np.asarray(values, dtype=float))


def paired_gaps(summary: dict[str, dict[str, Any]], mode: str, outcome: str,
                reference: str = REFERENCE) -> np.ndarray | None:
    """``mode`` minus ``reference`` seed by seed (None without the runs' values)."""
    a, b = per_seed(summary[mode], outcome), per_seed(summary[reference], outcome)
    return None if a is None or b is None else a - b


def _se(values: np.ndarray) -> float:
    return float(values.std(ddof=1) / math.sqrt(len(values))) if len(values) > 1 else math.nan


def gap(summary: dict[str, dict[str, Any]], mode: str, outcome: str,
        reference: str = REFERENCE) -> tuple[float, float]:
    """``mode`` minus ``reference`` on ``outcome``, with its standard error: paired (the
    standard error of the seed-by-seed differences) when the results keep the runs' values,
    else as if the two modes' runs were independent (conservative under common seeds)."""
    a, b = summary[mode], summary[reference]
    gaps = paired_gaps(summary, mode, outcome, reference)
    if gaps is not None:
        return float(gaps.mean()), _se(gaps)
    return a[outcome] - b[outcome], math.hypot(a[f"{outcome}_se"], b[f"{outcome}_se"])


def is_paired(results: dict[str, Any]) -> bool:
    """Whether the results keep the runs' values, so that the drivers' standard errors are
    paired by seed."""
    return all("seeds" in summary for row in results["rows"]
               for summary in row["modes"].values())


def measure(replicates: int = 150, seed: int = ROOT_SEED,
            runner: Runner = compare_runner) -> dict[str, Any]:
    """Run every setting under every mode and summarise each (setting, mode)."""
    plan = settings()
    param_sets = [{**params, "management_mode": mode} for _, params in plan
                  for mode in MANAGEMENT_MODES]
    runs = runner(param_sets, replicates, seed)
    rows = []
    for k, (name, params) in enumerate(plan):
        modes = {mode: mode_summary(runs[k * len(MANAGEMENT_MODES) + m])
                 for m, mode in enumerate(MANAGEMENT_MODES)}
        rows.append({"setting": name, "off": params, "modes": modes})
    return {"replicates": replicates, "seed": seed, "reference": REFERENCE, "rows": rows}


def drivers(results: dict[str, Any], mode: str, outcome: str,
            reference: str = REFERENCE) -> pd.DataFrame:
    """For each mechanism, the gap between ``mode`` and ``reference`` with it on and off.

    ``made_by_it`` is the part of the gap the mechanism makes (on minus off); ``z`` is that
    change over its standard error. Every mode and setting runs on the same seeds, so when
    the results keep the runs' values the standard error is paired: that of the seed-by-seed
    change in the gap (``paired`` is True). Older results without them get the standard
    error of independent draws, which is conservative under common seeds.
    """
    rows = {r["setting"]: r["modes"] for r in results["rows"]}
    on, on_se = gap(rows[ALL_ON], mode, outcome, reference)
    on_gaps = paired_gaps(rows[ALL_ON], mode, outcome, reference)
    table = []
    for name in MECHANISMS:
        off, off_se = gap(rows[name], mode, outcome, reference)
        off_gaps = paired_gaps(rows[name], mode, outcome, reference)
        change = on - off
        if on_gaps is not None and off_gaps is not None:
            se, paired = _se(on_gaps - off_gaps), True
        else:
            se, paired = math.hypot(on_se, off_se), False
        table.append({"mechanism": name, "gap_on": on, "gap_off": off, "made_by_it": change,
                      "z": change / se if se else np.nan, "paired": paired})
    return pd.DataFrame(table).sort_values("made_by_it", key=np.abs, ascending=False,
                                           ignore_index=True)


def main(argv: list[str] | None = None) -> None:
    """Measure and write the results file."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--replicates", type=int, default=150)
    parser.add_argument("--seed", type=int, default=ROOT_SEED)
    parser.add_argument("--write", type=Path, default=Path("docs/results/mode_drivers.json"))
    args = parser.parse_args(argv)
    results = measure(args.replicates, args.seed)
    args.write.parent.mkdir(parents=True, exist_ok=True)
    args.write.write_text(json.dumps(results, indent=1) + "\n")
    for mode in ("transversal", "hybrid", "none"):
        print(f"\n{mode} minus {REFERENCE}, failure share:")
        print(drivers(results, mode, "failed").head(8).round(3).to_string(index=False))


if __name__ == "__main__":  # pragma: no cover
    main()
