"""What a calibration writes into its output folder (never into the installed package).

* ``plausible_sets.parquet``: the points not implausible, one per row, most central first
  (``representative`` marks the first): every searched parameter, every pattern's value,
  variance and implausibility, the outcome counts per mode. ``verdict`` reads it under
  ``[parameter_sets]`` and ``compare --parameter-sets`` reads it too.
* ``parameter_sets.toml``: the ``[parameter_sets]`` table that names it, to paste.
* ``scores.parquet``: every design point of every wave, plausible or not.
* ``report.md``: per pattern its target, the simulated values and implausibilities; per
  parameter its plausible range and whether the patterns constrain it.
* ``manifest.json``: the targets file (and its SHA-256), design, waves, counts and times.
"""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path
from typing import Any

import pandas as pd

from alliancesim.validation.calibration import HistoryMatch, by_centrality, spread
from alliancesim.validation.patterns import Pattern
from alliancesim.validation.targets import Calibration

PLAUSIBLE_FILE = "plausible_sets.parquet"
MIN_POINTS_TO_TELL = 3  # fewer first-wave plausible points cannot show a parameter constrained


def plausible_table(calibration: Calibration, match: HistoryMatch) -> pd.DataFrame:
    """The plausible points, nearest the set's centre first, the first as representative."""
    accepted = match.accepted
    if accepted.empty:
        return accepted
    central = by_centrality(accepted, calibration.ranges).reset_index(drop=True)
    return central.assign(representative=central.index == 0)


def parameter_table(calibration: Calibration, match: HistoryMatch) -> pd.DataFrame:
    """Per searched parameter: its range, the plausible set's spread (every wave) and
    whether the first wave's plausible points show it constrained (None: too few)."""
    accepted, first = match.accepted, match.first_wave_accepted
    table = spread(accepted, calibration.ranges) if len(accepted) else pd.DataFrame(
        {"parameter": list(calibration.ranges)})
    if len(first) >= MIN_POINTS_TO_TELL:
        tested = spread(first, calibration.ranges).set_index("parameter")["constrained"]
        table["constrained"] = [bool(tested[p]) for p in table["parameter"]]
    else:
        table["constrained"] = None
    return table


def write_outputs(calibration: Calibration, match: HistoryMatch, out: str | Path,
                  seconds: float, extra: dict[str, Any] | None = None) -> dict[str, Path]:
    """Write the plausible sets, scores, report and manifest into ``out``; return them."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = {"scores": out / "scores.parquet"}
    match.scores.to_parquet(written["scores"], index=False)
    plausible = plausible_table(calibration, match)
    for stale in (PLAUSIBLE_FILE, "parameter_sets.toml"):  # of an earlier scoring, if any
        (out / stale).unlink(missing_ok=True)
    if not plausible.empty:
        written["plausible_sets"] = out / PLAUSIBLE_FILE
        plausible.to_parquet(written["plausible_sets"], index=False)
        written["parameter_sets"] = out / "parameter_sets.toml"
        written["parameter_sets"].write_text(parameter_sets_snippet(written["plausible_sets"]))
    parameters = parameter_table(calibration, match)
    written["report"] = out / "report.md"
    written["report"].write_text(report_text(calibration, match, plausible, parameters,
                                             seconds))
    written["manifest"] = out / "manifest.json"
    manifest = manifest_of(calibration, match, parameters, seconds, written) | (extra or {})
    written["manifest"].write_text(json.dumps(manifest, indent=1, default=_plain) + "\n")
    return written


def parameter_sets_snippet(path: Path) -> str:
    """The ``[parameter_sets]`` table of a verdict experiment file that reads ``path``."""
    return ("# Paste into a verdict experiment file to draw its parameters from the plausible\n"
            "# sets (every column naming a parameter the file does not fix or vary itself):\n"
            f"[parameter_sets]\nfile = {json.dumps(str(path.resolve()))}\n")


def manifest_of(calibration: Calibration, match: HistoryMatch, parameters: pd.DataFrame,
                seconds: float, written: dict[str, Path]) -> dict[str, Any]:
    """What was asked, what ran and what came out, as plain values."""
    from alliancesim import __version__

    source = Path(calibration.source)
    spec = calibration.spec
    return {
        "kind": "calibration", "name": calibration.name, "alliancesim": __version__,
        "targets_file": str(source.resolve()),
        "targets_sha256": hashlib.sha256(source.read_bytes()).hexdigest(),
        "seed": spec.seed, "replicates": spec.replicates,
        "design": spec.design.model_dump(), "mix": calibration.mix.weights,
        "patterns": [_pattern_record(p) for p in calibration.patterns],
        "ranges": {k: list(v) for k, v in calibration.ranges.items()},
        "waves": match.waves, "points": len(match.scores), "accepted": len(match.accepted),
        "runs": len(match.runs), "seconds": round(seconds, 1),
        "constrained": {r.parameter: r.constrained for r in parameters.itertuples()},
        "notes": match.notes,
        "outputs": {k: p.name for k, p in written.items()},
    }


def _pattern_record(p: Pattern) -> dict[str, Any]:
    return {"name": p.key, "description": p.description, "target": p.target,
            "variance": float(f"{p.sd_obs ** 2:.12g}"),
            "discrepancy_variance": float(f"{p.sd_disc ** 2:.12g}"),
            "unit": p.unit, "source": p.source}


def _plain(value: Any) -> Any:
    """numpy scalars and paths as JSON values."""
    return value.item() if hasattr(value, "item") else str(value)


# --- report.md ------------------------------------------------------------------------------
def report_text(calibration: Calibration, match: HistoryMatch, plausible: pd.DataFrame,
                parameters: pd.DataFrame, seconds: float) -> str:
    """The calibration report as Markdown."""
    spec = calibration.spec
    lines = [f"# Calibration: {calibration.name}", ""]
    if spec.description:
        lines += [spec.description, ""]
    waves = "; ".join(f"wave {w['wave']}: {w['accepted']} of {w['points']} points"
                      for w in match.waves)
    lines += [
        f"Targets file `{calibration.source}`, root seed {spec.seed}. Each design point ran "
        f"{spec.replicates} times per management mode on common seeds, the modes pooled as "
        f"{calibration.mix.label()} ({calibration.mix.reason}). A point is ruled out when a "
        f"pattern's implausibility |simulated - target| / sqrt(V_obs + V_disc + V_model) "
        f"reaches {calibration.cutoff:g}.", "",
        f"**{len(match.accepted)} of {len(match.scores)} points are not implausible** "
        f"({waves}; {len(match.runs):,} runs, {seconds:.0f} s).", ""]
    lines += _pattern_section(calibration, match, plausible)
    lines += _parameter_section(parameters, len(match.first_wave_accepted))
    if not plausible.empty:
        lines += ["## Using the plausible sets", "",
                  "`plausible_sets.parquet` holds one set per row; `parameter_sets.toml` is "
                  "the table a verdict experiment file needs to draw its parameters from "
                  "them, and `alliancesim compare --parameter-sets plausible_sets.parquet` "
                  "runs scenarios over them.", ""]
    if match.notes:
        lines += ["## Notes", "", *[f"- {n}" for n in match.notes], ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def _pattern_section(calibration: Calibration, match: HistoryMatch,
                     plausible: pd.DataFrame) -> list[str]:
    scores = match.scores
    if plausible.empty:
        point = scores.loc[closest(scores, calibration)]
        where = (f"No point passes every pattern; the values are those of the closest point, "
                 "the one failing the fewest patterns "
                 f"(wave {int(point['wave'])}, point {int(point['point'])}).")
    else:
        point = plausible.iloc[0]
        where = ("Values at the representative point (the plausible point nearest the "
                 "set's centre), and their range over the plausible set.")
    lines = ["## Patterns", "", where + " Simulated values are observed over a point's runs "
             "(no emulator); V_model is their bootstrap variance.", "",
             "| pattern | measures | target ± sd | source | points passing | simulated | "
             "implausibility | plausible set |", "|---|---|---|---|---|---|---|---|"]
    for p in calibration.patterns:
        passing = int((scores[f"I_{p.key}"] < calibration.cutoff).sum())
        over = ("" if plausible.empty else
                f"{_value(plausible[p.key].min(), p)} – {_value(plausible[p.key].max(), p)}")
        lines.append(f"| {p.key} | {p.description} | {_target(p)} | {p.source} | "
                     f"{passing} of {len(scores)} | {_value(point[p.key], p)} | "
                     f"{_implausibility(point[f'I_{p.key}'])} | {over} |")
    return [*lines, ""]


def closest(scores: pd.DataFrame, calibration: Calibration) -> Any:
    """The index of the point that fails the fewest patterns, and of those the one whose
    largest finite implausibility is smallest."""
    implausibility = scores[[f"I_{p.key}" for p in calibration.patterns]]
    failing = (implausibility >= calibration.cutoff).sum(axis=1)
    finite = implausibility.where(implausibility.abs() != float("inf")).max(axis=1)
    order = pd.DataFrame({"failing": failing, "worst": finite.fillna(0.0)})
    return order.sort_values(["failing", "worst"], kind="stable").index[0]


def _parameter_section(parameters: pd.DataFrame, first_wave: int) -> list[str]:
    lines = ["## Parameters", "",
             "A parameter counts as **constrained** when the central 90% of the first wave's "
             "plausible points covers less of its searched range than as many uniform draws "
             "would in 95% of cases (later waves search a refocused box, so they are not "
             "read for this). Only a constrained parameter may be called calibrated; the "
             f"others are merely plausible. First-wave plausible points: {first_wave}.", "",
             "| parameter | searched | plausible min – max | central 90% | median | "
             "constrained |", "|---|---|---|---|---|---|"]
    for row in parameters.to_dict(orient="records"):
        verdict = ("too few points to tell" if row["constrained"] is None
                   else "yes" if row["constrained"] else "no")
        if "min" in row:
            lines.append(f"| {row['parameter']} | {row['range_low']:.4g} – "
                         f"{row['range_high']:.4g} | {row['min']:.4g} – {row['max']:.4g} | "
                         f"{row['p05']:.4g} – {row['p95']:.4g} | {row['median']:.4g} | "
                         f"{verdict} |")
        else:
            lines.append(f"| {row['parameter']} | | none plausible | | | {verdict} |")
    return [*lines, ""]


def _target(p: Pattern) -> str:
    if p.unit == "yes/no":
        return "yes"
    return f"{_value(p.target, p)} ± {_value(p.sd, p)}"


def _value(value: float, p: Pattern) -> str:
    if p.unit == "yes/no":
        return "yes" if value >= 1 else "no"
    if not math.isfinite(value):
        return "none"
    return f"{value:.3g}" + (f" {p.unit}" if p.unit == "months" else "")


def _implausibility(value: float) -> str:
    return f"{value:.2f}" if math.isfinite(value) else "ruled out"
