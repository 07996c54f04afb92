"""How the results depend on the number of partners.

Most alliances are dyads; the defaults seek eight partners. Every management mode runs at
each size of a ladder from two partners up, on common seeds, and the failure share of each
mode is reported with its interval, with the paired gap between a dedicated manager and
transversal skill.

    python -m alliancesim.validation.size --replicates 200 --write docs/results/size.json
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path
from typing import Any

import numpy as np

from alliancesim.params import MANAGEMENT_MODES
from alliancesim.validation.ablation import Runner, compare_runner

SIZES = (2, 3, 4, 6, 8, 12, 16)
ROOT_SEED = 20261207


def _share(values: np.ndarray) -> dict[str, float]:
    """A share with its Wilson 95% interval."""
    n, k = len(values), float(values.sum())
    p, z = k / n, 1.959963984540054
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return {"share": p, "low": centre - half, "high": centre + half}


def measure(replicates: int = 200, seed: int = ROOT_SEED, runner: Runner = compare_runner,
            sizes: tuple[int, ...] = SIZES) -> dict[str, Any]:
    """Failure by size and mode, and the paired dedicated-minus-transversal gap."""
    sets = [{"n_members": n, "management_mode": mode} for n in sizes
            for mode in MANAGEMENT_MODES]
    frames = runner(sets, replicates, seed)
    rows = []
    for k, n in enumerate(sizes):
        failed = {mode: frames[k * len(MANAGEMENT_MODES) + m].sort_values("replicate")
                  ["failed"].astype(float).to_numpy()
                  for m, mode in enumerate(MANAGEMENT_MODES)}
        diff = failed["dedicated"] - failed["transversal"]
        rows.append({"n_members": n, "modes": {m: _share(v) for m, v in failed.items()},
                     "gap": float(diff.mean()),
                     "gap_se": float(diff.std(ddof=1) / math.sqrt(len(diff)))})
    return {"replicates": replicates, "seed": seed, "rows": rows}


def main(argv: list[str] | None = None) -> None:
    """Measure and write the results file."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--replicates", type=int, default=200)
    parser.add_argument("--seed", type=int, default=ROOT_SEED)
    parser.add_argument("--write", type=Path, default=Path("docs/results/size.json"))
    args = parser.parse_args(argv)
    results = measure(args.replicates, args.seed)
    args.write.parent.mkdir(parents=True, exist_ok=True)
    args.write.write_text(json.dumps(results, indent=1) + "\n")
    for row in results["rows"]:
        shares = "  ".join(f"{m} {v['share']:.0%}" for m, v in row["modes"].items())
        print(f"{row['n_members']:3d} partners: {shares}  gap {row['gap']:+.0%}")


if __name__ == "__main__":  # pragma: no cover
    main()
