"""History matching against calibration patterns: the shipped calibration and a user's.

A calibration is a targets file (:mod:`alliancesim.validation.targets`):
``experiments/calibration.toml`` for the shipped defaults, any file for
``alliancesim calibrate`` (docs/calibrate.md). Both run through :func:`history_match`::

    alliancesim calibrate TARGETS.toml --out DIR [--workers N] [--scheduler ADDR]
    python experiments/calibrate.py [--out results/calibration] [--write-defaults]

1. **Runs.** A Latin hypercube over the searched parameters and their ranges runs through the
   sweep runner once per management mode of the file's population, on common seeds: one
   results folder per mode (``DIR/runs/wave-<k>/<mode>``), the same design and root seed, so
   run ``(point, replicate)`` has the same seed in every mode. Each sweep resumes where it
   stopped and runs on Dask when a scheduler is given. Later waves search the box the
   previous wave's plausible points span (:func:`refocused`).
2. **Implausibility.** At each design point the modes are pooled with the mix's weights and
   every pattern z is compared with its target t:

       I = |z - t| / sqrt(V_obs + V_disc + V_model)

   with V_obs the observation variance of the target, V_disc the discrepancy variance (how
   far the model's definition of the pattern may sit from the study's) and V_model the
   variance of the point's estimate (a bootstrap over its runs, within modes). A point is
   *not implausible* when every I is below the cutoff (3: Pukelsheim's three-sigma rule, as
   in Vernon, Goldstein & Bower 2010) and every yes/no pattern holds (for the shipped
   patterns: the hazard of dissolution is an inverted U).
3. **The plausible set** is every point not implausible, with its per-mode outcome counts
   (the verdict across plausible worlds is computed from them); it goes into the output
   folder (:mod:`alliancesim.validation.calibrate_report`).
4. **The defaults** (shipped calibration only, ``experiments/calibrate.py``): a representative
   member of the set, the accepted points in order of their distance from the set's centre
   (normalised coordinates), each rerun with fresh common seeds and more replicates until one
   meets every calibration pattern; written into the package only with ``--write-defaults``.

Only the patterns of the targets file are read here (for the shipped file, those of
:mod:`alliancesim.validation.patterns`); the out-of-sample predictions
(:mod:`alliancesim.validation.predictions`) never are.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from alliancesim.tomlfile import read_toml
from alliancesim.validation.mixture import CALIBRATION_MIX, MODE_COLUMN, Mix
from alliancesim.validation.patterns import CUTOFF, PATTERNS, Pattern

if TYPE_CHECKING:
    from alliancesim.validation.targets import Calibration

EXPERIMENT = Path("experiments") / "calibration.toml"  # the shipped targets file


def read_experiment_file(path: str | Path = EXPERIMENT) -> dict[str, Any]:
    """The calibration's targets file as a mapping."""
    return read_toml(path)


def load_calibration(path: str | Path = EXPERIMENT) -> Calibration:
    """The calibration a targets file describes (the shipped one by default)."""
    from alliancesim.validation.targets import load_targets

    return load_targets(path)


def mode_experiments(path: str | Path = EXPERIMENT) -> dict:
    """One sweep per mode of the file's mix: the same design and seeds, the mode fixed."""
    return load_calibration(path).mode_experiments()


def calibrated_factors(path: str | Path = EXPERIMENT) -> dict[str, tuple[float, float]]:
    """The calibrated parameters and their ranges, as the targets file gives them."""
    return dict(load_calibration(path).ranges)


# --- running the waves ----------------------------------------------------------------------
@dataclass
class HistoryMatch:
    """What the waves of a history matching found: every run, every point's scores (with
    its ``wave``), and per wave the ranges searched and how many points passed."""

    runs: pd.DataFrame
    scores: pd.DataFrame
    waves: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def accepted(self) -> pd.DataFrame:
        """The points not implausible, from every wave."""
        return self.scores[self.scores["accepted"]]

    @property
    def first_wave_accepted(self) -> pd.DataFrame:
        """The points of the first wave not implausible: a uniform design over the file's
        ranges, so the only ones the test of whether a parameter is constrained may read."""
        return self.accepted[self.accepted["wave"] == 1]


def wave_folder(out: str | Path, wave: int) -> Path:
    """Where the sweeps of wave ``wave`` are stored (one folder per mode inside)."""
    return Path(out) / "runs" / f"wave-{wave}"


def run_wave(calibration: Calibration, out: str | Path, wave: int,
             ranges: dict[str, tuple[float, float]], *, workers: int | None = None,
             scheduler: str | None = None, progress: bool = True) -> pd.DataFrame:
    """Run (or resume) every mode's sweep of one wave into its folder and return its runs
    (one row per run, with ``management_mode``, ``point`` and ``replicate``)."""
    from alliancesim.sweeps import load_results, run_sweep

    frames = []
    for mode, experiment in calibration.mode_experiments(wave, ranges).items():
        folder = wave_folder(out, wave) / mode
        summary = run_sweep(experiment, folder, workers=workers, scheduler=scheduler,
                            progress=progress)
        if summary.failures_total:
            raise CalibrationRunsFailed(
                f"{summary.failures_total} calibration runs failed; each keeps its "
                f"parameters, seed, error and traceback in {folder} (status == 'failed')")
        runs = load_results(folder, include_failed=False)
        runs[MODE_COLUMN] = mode
        frames.append(runs)
    return pd.concat(frames, ignore_index=True)


def refocused(accepted: pd.DataFrame, ranges: dict[str, tuple[float, float]],
              widen: float = 0.1) -> dict[str, tuple[float, float]]:
    """The box the accepted points span, widened by ``widen`` of its width on each side
    (they are a sample of the region, not its edge) and kept inside ``ranges``."""
    box = {}
    for name, (low, high) in ranges.items():
        lo, hi = float(accepted[name].min()), float(accepted[name].max())
        pad = widen * (hi - lo)
        box[name] = (max(low, lo - pad), min(high, hi + pad))
    return box


def history_match(calibration: Calibration, out: str | Path, *, workers: int | None = None,
                  scheduler: str | None = None, progress: bool = True) -> HistoryMatch:
    """Run the calibration's waves (each resumable in ``out/runs/wave-<k>``) and score them.

    Wave 1 is a Latin hypercube over the file's ranges; each later wave one over the box
    the previous wave's plausible points span (:func:`refocused`), with fresh seeds. Waves
    stop early when fewer than two points of a wave are plausible.
    """
    factors = list(calibration.ranges)
    ranges = dict(calibration.ranges)
    match = HistoryMatch(pd.DataFrame(), pd.DataFrame())
    run_frames, score_frames = [], []
    for wave in range(1, calibration.spec.design.waves + 1):
        start = time.perf_counter()
        runs = run_wave(calibration, out, wave, ranges, workers=workers, scheduler=scheduler,
                        progress=progress).assign(wave=wave)
        scores = score_points(runs, factors, calibration.mix, patterns=calibration.patterns,
                              cutoff=calibration.cutoff).assign(wave=wave)
        run_frames.append(runs)
        score_frames.append(scores)
        accepted = scores[scores["accepted"]]
        match.waves.append({"wave": wave, "seed": calibration.wave_seed(wave),
                            "ranges": {k: list(v) for k, v in ranges.items()},
                            "points": len(scores), "accepted": len(accepted),
                            "runs": len(runs), "seconds": round(time.perf_counter() - start)})
        if wave < calibration.spec.design.waves:
            if len(accepted) < 2:
                match.notes.append(f"wave {wave} left {len(accepted)} plausible point(s): "
                                   "too few to refocus on, so no further wave was run")
                break
            ranges = refocused(accepted, calibration.ranges)
    match.runs = pd.concat(run_frames, ignore_index=True)
    match.scores = pd.concat(score_frames, ignore_index=True)
    return match


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
                replicates: int = 100, seed: int = 0, *,
                patterns: tuple[Pattern, ...] = PATTERNS,
                cutoff: float = CUTOFF) -> dict[str, float]:
    """One point's pattern values, their model variances and implausibilities, and verdict:
    accepted when every implausibility is below ``cutoff``."""
    from alliancesim.validation.mixture import formed
    from alliancesim.validation.patterns import measure

    if not set(mix.modes) <= set(formed(runs)[MODE_COLUMN]):
        return unmeasured(patterns)
    measured = measure(runs, mix, replicates, seed, patterns)
    row: dict[str, float] = {}
    for p in patterns:
        est, var = measured[p.key]
        row[p.key] = est.value
        row[f"var_{p.key}"] = var
        row[f"I_{p.key}"] = p.implausibility(est.value, var)
    continuous = [row[f"I_{p.key}"] for p in patterns if p.unit != "yes/no"]
    row["I_max"] = max(continuous) if continuous else 0.0
    row["accepted"] = bool(all(row[f"I_{p.key}"] < cutoff for p in patterns))
    return row


def unmeasured(patterns: tuple[Pattern, ...]) -> dict[str, float]:
    """The scores of a point where some mode of the mix formed no alliance: nothing to
    measure the patterns on, so the point is ruled out."""
    row: dict[str, float] = {}
    for p in patterns:
        row.update({p.key: float("nan"), f"var_{p.key}": float("nan"),
                    f"I_{p.key}": float("inf")})
    return row | {"I_max": float("inf"), "accepted": False}


class CalibrationRunsFailed(RuntimeError):
    """Some runs of a calibration's sweep failed (each is stored with its error)."""


CUTOFF_I = CUTOFF  # Pukelsheim's three-sigma rule (alliancesim.validation.patterns.CUTOFF)


def score_points(runs: pd.DataFrame, factors: list[str], mix: Mix = CALIBRATION_MIX,
                 replicates: int = 100, seed: int = 0, *,
                 patterns: tuple[Pattern, ...] = PATTERNS,
                 cutoff: float = CUTOFF) -> pd.DataFrame:
    """One row per design point: parameter values, pattern scores, verdict, mode counts."""
    rows = []
    for point, group in runs.groupby("point", sort=True):
        row = {"point": int(point), **{f: float(group[f].iloc[0]) for f in factors}}
        row.update(score_point(group, mix, replicates, seed, patterns=patterns,
                               cutoff=cutoff))
        row.update(mode_counts(group))
        rows.append(row)
    return pd.DataFrame(rows)


def sensitivity(runs: pd.DataFrame, scores: pd.DataFrame, mixes: tuple[Mix, ...],
                replicates: int = 60, patterns: tuple[Pattern, ...] = PATTERNS
                ) -> list[dict[str, Any]]:
    """For each alternative mix: how many points it accepts and how many of them the
    calibration mix accepts too (the same runs, weighted differently)."""
    accepted = set(scores.loc[scores["accepted"], "point"])
    out = []
    for mix in mixes:
        mine = {int(point) for point, group in runs.groupby("point")
                if score_point(group, mix, replicates, patterns=patterns)["accepted"]}
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
            workers: int | None = None, tries: int = 8, *, mix: Mix = CALIBRATION_MIX,
            patterns: tuple[Pattern, ...] = PATTERNS
            ) -> tuple[dict[str, float], pd.DataFrame]:
    """The first candidate (rounded as it will be written, the open assumptions at their
    defaults) whose fresh runs meet every calibration pattern (with its ``point`` and
    ``wave``), and its pattern table. Raises if none of ``tries`` does."""
    from alliancesim.validation.patterns import evaluate
    from alliancesim.validation.run import mix_runs

    written = [f for f in factors if f not in OPEN_ASSUMPTIONS]
    for _, row in candidates.head(tries).iterrows():
        values = rounded({f: float(row[f]) for f in written})
        runs = mix_runs(replicates, seed, values, mix, workers=workers)
        table = evaluate(runs, mix, patterns=patterns)
        print(f"point {int(row['point'])}: {int(table['inside'].sum())} of {len(table)} "
              "patterns inside")
        if table["inside"].all():
            return values | {"point": int(row["point"]), "wave": int(row.get("wave", 1))}, table
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


def sweep_seconds(out: str | Path) -> float:
    """Wall time the calibration's sweeps took, summed over every wave and every session
    that ran them."""
    import json

    total = 0.0
    for manifest in sorted((Path(out) / "runs").glob("wave-*/*/manifest.json")):
        sessions = json.loads(manifest.read_text()).get("sessions", [])
        total += sum(float(s.get("elapsed_s", 0.0)) for s in sessions)
    return total
