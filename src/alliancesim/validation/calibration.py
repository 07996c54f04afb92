"""History matching of the defaults against the calibration patterns.

One command reruns (or resumes) the whole calibration::

    python experiments/calibrate.py [--out results/calibration] [--workers N]
                                    [--scheduler tcp://HOST:8786]

1. **Runs.** A space-filling design (``experiments/calibration.toml``: a Latin hypercube over
   the calibrated parameters and their ranges) runs through the sweep runner once per
   management mode of the calibration mix, on common seeds: one results folder per mode, the
   same design and root seed, so run ``(point, replicate)`` has the same seed in every mode.
   Each sweep resumes where it stopped and runs on Dask when a scheduler is given.
2. **Implausibility.** At each design point the modes are pooled with the mix's weights and
   every calibration pattern z is compared with its target t:

       I = |z - t| / sqrt(V_obs + V_disc + V_model)

   with V_obs the observation variance of the published figure, V_disc the discrepancy
   variance (how far the model's definition of the pattern may sit from the study's) and
   V_model the variance of the point's estimate (a bootstrap over its runs, within modes).
   A point is *not implausible* when the largest I is below 3 (Pukelsheim's three-sigma rule,
   as in Vernon, Goldstein & Bower 2010) and its hazard of dissolution is an inverted U.
3. **The plausible set** is every point not implausible; it is written with its per-mode
   outcome counts (the verdict across plausible worlds is computed from them) to
   ``src/alliancesim/data/plausible_sets.parquet``.
4. **The defaults** are a representative member of the set: the accepted points in order of
   their distance from the set's centre (normalised coordinates), each rerun with fresh
   common seeds and more replicates until one meets every calibration pattern.

Only :mod:`alliancesim.validation.patterns` is read here; the out-of-sample predictions
(:mod:`alliancesim.validation.predictions`) never are.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from alliancesim.tomlfile import read_toml
from alliancesim.validation.mixture import CALIBRATION_MIX, MODE_COLUMN, Mix

EXPERIMENT = Path("experiments") / "calibration.toml"


def read_experiment_file(path: str | Path = EXPERIMENT) -> dict[str, Any]:
    """The calibration's experiment file as a mapping."""
    return read_toml(path)


def mode_experiments(path: str | Path = EXPERIMENT, mix: Mix = CALIBRATION_MIX) -> dict:
    """One sweep per mode of ``mix``: the same design and seeds, the mode fixed."""
    from alliancesim.sweeps import experiment_from_dict

    data = read_experiment_file(path)
    experiments = {}
    for mode in mix.modes:
        spec = {**data, "name": f"{data['name']}-{mode}",
                "parameters": {**data.get("parameters", {}), MODE_COLUMN: mode}}
        experiments[mode] = experiment_from_dict(spec, source=str(path),
                                                 base_dir=Path(path).parent)
    return experiments


def calibrated_factors(path: str | Path = EXPERIMENT) -> dict[str, tuple[float, float]]:
    """The calibrated parameters and their ranges, as the experiment file gives them."""
    vary = read_experiment_file(path)["vary"]
    return {name: (float(spec["low"]), float(spec["high"])) for name, spec in vary.items()}


def run_calibration_sweeps(out: str | Path, path: str | Path = EXPERIMENT, *,
                           workers: int | None = None, scheduler: str | None = None,
                           progress: bool = True) -> pd.DataFrame:
    """Run (or resume) every mode's sweep into ``out/<mode>`` and return all runs.

    The result has one row per run, with ``management_mode``, ``point`` and ``replicate``.
    """
    from alliancesim.sweeps import load_results, run_sweep

    frames = []
    for mode, experiment in mode_experiments(path).items():
        folder = Path(out) / mode
        summary = run_sweep(experiment, folder, workers=workers, scheduler=scheduler,
                            progress=progress)
        if summary.failures_total:
            raise RuntimeError(f"{summary.failures_total} calibration runs failed in {folder}")
        runs = load_results(folder, include_failed=False)
        runs[MODE_COLUMN] = mode
        frames.append(runs)
    return pd.concat(frames, ignore_index=True)


# --- scoring the design points --------------------------------------------------------------
def mode_counts(runs: pd.DataFrame) -> dict[str, float]:
    """Per mode: formed runs, failures, completions, dissolutions, mean and sd of value.

    Kept with every accepted point, so that anything about the modes (the verdict across
    plausible worlds, predictions) can be computed from the plausible set later.
    """
    from alliancesim.validation.mixture import formed

    row: dict[str, float] = {}
    for mode, group in formed(runs).groupby(MODE_COLUMN):
        value = group["value_total"].to_numpy(dtype=float)
        row.update({
            f"n_{mode}": len(group), f"failed_{mode}": int(group["failed"].sum()),
            f"completed_{mode}": int((group["outcome"] == "completed").sum()),
            f"dissolved_{mode}": int((group["outcome"] == "dissolved").sum()),
            f"value_{mode}": float(value.mean()),
            f"value_sd_{mode}": float(value.std(ddof=1)) if len(value) > 1 else 0.0,
        })
    return row


def score_point(runs: pd.DataFrame, mix: Mix = CALIBRATION_MIX,
                replicates: int = 100, seed: int = 0) -> dict[str, float]:
    """One point's pattern values, their model variances and implausibilities, and verdict."""
    from alliancesim.validation.patterns import CONTINUOUS, PATTERNS, measure

    measured = measure(runs, mix, replicates, seed)
    row: dict[str, float] = {}
    for p in PATTERNS:
        est, var = measured[p.key]
        row[p.key] = est.value
        row[f"var_{p.key}"] = var
        row[f"I_{p.key}"] = p.implausibility(est.value, var)
    row["I_max"] = max(row[f"I_{p.key}"] for p in CONTINUOUS)
    row["accepted"] = bool(all(row[f"I_{p.key}"] < CUTOFF_I for p in PATTERNS))
    return row


CUTOFF_I = 3.0  # Pukelsheim's three-sigma rule (alliancesim.validation.patterns.CUTOFF)


def score_points(runs: pd.DataFrame, factors: list[str], mix: Mix = CALIBRATION_MIX,
                 replicates: int = 100, seed: int = 0) -> pd.DataFrame:
    """One row per design point: parameter values, pattern scores, verdict, mode counts."""
    rows = []
    for point, group in runs.groupby("point", sort=True):
        row = {"point": int(point), **{f: float(group[f].iloc[0]) for f in factors}}
        row.update(score_point(group, mix, replicates, seed))
        row.update(mode_counts(group))
        rows.append(row)
    return pd.DataFrame(rows)


def sensitivity(runs: pd.DataFrame, scores: pd.DataFrame, mixes: tuple[Mix, ...],
                replicates: int = 60) -> list[dict[str, Any]]:
    """For each alternative mix: how many points it accepts and how many of them the
    calibration mix accepts too (the same runs, weighted differently)."""
    accepted = set(scores.loc[scores["accepted"], "point"])
    out = []
    for mix in mixes:
        mine = {int(point) for point, group in runs.groupby("point")
                if score_point(group, mix, replicates)["accepted"]}
        out.append({"mix": mix.name, "weights": mix.label(), "reason": mix.reason,
                    "accepted": len(mine), "also_in_plausible_set": len(mine & accepted)})
    return out


# --- the plausible set and its representative ------------------------------------------------
def normalised(points: pd.DataFrame, ranges: dict[str, tuple[float, float]]) -> pd.DataFrame:
    """Parameter values mapped onto [0, 1] by their calibration ranges."""
    return pd.DataFrame({f: (points[f] - lo) / (hi - lo) for f, (lo, hi) in ranges.items()})


def by_centrality(accepted: pd.DataFrame,
                  ranges: dict[str, tuple[float, float]]) -> pd.DataFrame:
    """The accepted points, nearest to the set's centre (mean in normalised coordinates)
    first, with that distance as ``distance``."""
    unit = normalised(accepted, ranges)
    distance = ((unit - unit.mean()) ** 2).sum(axis=1) ** 0.5
    return accepted.assign(distance=distance.to_numpy()).sort_values("distance")


def rounded(values: dict[str, float], digits: int = 3) -> dict[str, float]:
    """Values to ``digits`` significant figures, as they are written into the definition."""
    return {k: float(f"{v:.{digits}g}") for k, v in values.items()}


# A searched parameter counts as constrained by the patterns when the central 90% of the
# accepted points is narrower than it is for all but this share of as many points drawn
# uniformly over the searched range: a small plausible set is narrow by chance alone.
CONSTRAINED_LEVEL = 0.05


def uniform_coverage(points: int, level: float = CONSTRAINED_LEVEL, draws: int = 20_000,
                     seed: int = 0) -> float:
    """The ``level`` quantile of the share of a range that the central 90% of ``points``
    uniform draws covers (simulated with a fixed seed, so the same on every machine)."""
    u = np.random.default_rng(seed).random((draws, max(points, 2)))
    low, high = np.quantile(u, [0.05, 0.95], axis=1)
    return float(np.quantile(high - low, level))


# Searched to show whether the patterns constrain them, but never written into the defaults:
# assumptions that decide the answer, reported as its conditions (the tie point).
OPEN_ASSUMPTIONS = ("manager_skill_premium",)


def spread(accepted: pd.DataFrame, ranges: dict[str, tuple[float, float]]) -> pd.DataFrame:
    """Per calibrated parameter: its range, and the accepted set's quantiles, how much of
    the range its central 90% covers, and whether that is narrower than uniform draws of as
    many points would be by chance (:func:`uniform_coverage`): constrained."""
    rows = []
    chance = uniform_coverage(len(accepted))
    for f, (lo, hi) in ranges.items():
        q = accepted[f].quantile([0.0, 0.05, 0.5, 0.95, 1.0]).to_numpy()
        coverage = (q[3] - q[1]) / (hi - lo)
        rows.append({"parameter": f, "range_low": lo, "range_high": hi, "min": q[0],
                     "p05": q[1], "median": q[2], "p95": q[3], "max": q[4],
                     "coverage_90": coverage, "uniform_coverage": chance,
                     "constrained": bool(coverage < chance)})
    return pd.DataFrame(rows)


# --- confirming the representative and writing it into the definition ------------------------
DEFINITIONS = Path("src") / "alliancesim" / "params" / "definitions.py"


def confirm(candidates: pd.DataFrame, factors: list[str], replicates: int, seed: int,
            workers: int | None = None, tries: int = 8) -> tuple[dict[str, float], pd.DataFrame]:
    """The first candidate (rounded as it will be written, the open assumptions at their
    defaults) whose fresh runs meet every calibration pattern, and its pattern table.
    Raises if none of ``tries`` does."""
    from alliancesim.validation.patterns import evaluate
    from alliancesim.validation.run import mix_runs

    written = [f for f in factors if f not in OPEN_ASSUMPTIONS]
    for _, row in candidates.head(tries).iterrows():
        values = rounded({f: float(row[f]) for f in written})
        table = evaluate(mix_runs(replicates, seed, values, workers=workers))
        print(f"point {int(row['point'])}: {int(table['inside'].sum())} of {len(table)} "
              "patterns inside")
        if table["inside"].all():
            return values | {"point": int(row["point"])}, table
    raise RuntimeError(f"none of the {tries} most central plausible points met every pattern "
                       "on fresh seeds")


def write_defaults(values: dict[str, float], path: Path = DEFINITIONS, *,
                   constrained: set[str] | None = None) -> dict[str, tuple]:
    """Write ``values`` as the defaults of their parameters in the definition file, with
    ``CALIBRATED`` as their source where the patterns constrain them (``constrained``; all
    when None) and ``PLAUSIBLE_ONLY`` elsewhere; return {name: (old, new)}."""
    import re

    from alliancesim.params import PARAMETERS_BY_NAME

    text = path.read_text()
    changes = {}
    for name, value in values.items():
        start = text.index(f'_P("{name}", ')
        ends = [i for i in (text.find("\n    _P(", start), text.find("\n    # ---", start),
                            text.find("\n)", start)) if i >= 0]
        end = min(ends)
        entry = text[start:end]
        param = PARAMETERS_BY_NAME[name]
        new_value = round(value) if param.kind == "int" else value
        entry = re.sub(rf'^(_P\("{name}", "\w+", )[^,]+,', rf"\g<1>{new_value!r},", entry)
        source = ("CALIBRATED" if constrained is None or name in constrained
                  else "PLAUSIBLE_ONLY")
        if "source=" in entry:
            entry = re.sub(r'source=("[^"]*"(\s*"[^"]*")*|CALIBRATED|PLAUSIBLE_ONLY)',
                           f"source={source}", entry)
        else:
            entry = entry.replace("group=", f"source={source}, group=", 1)
        text = text[:start] + entry + text[end:]
        changes[name] = (param.default, new_value)
    path.write_text(text)
    return changes


def plausible_set_path() -> Path:
    """Where the package keeps the plausible set the calibration wrote."""
    from importlib.resources import files

    return Path(str(files("alliancesim") / "data" / "plausible_sets.parquet"))


def load_plausible_set() -> pd.DataFrame:
    """The accepted points of the calibration: parameter values, pattern scores, per-mode
    outcome counts, distance from the set's centre and which one is the representative."""
    return pd.read_parquet(plausible_set_path())


def sweep_seconds(out: str | Path, path: str | Path = EXPERIMENT) -> float:
    """Wall time the calibration's sweeps took, summed over every session that ran them."""
    import json

    total = 0.0
    for mode in mode_experiments(path):
        manifest = json.loads((Path(out) / mode / "manifest.json").read_text())
        total += sum(float(s.get("elapsed_s", 0.0)) for s in manifest.get("sessions", []))
    return total
