"""From the paired runs to the verdict: differences, winners, indices, boxes and the map.

Everything here is a function of the stored runs alone (read in run-id order), so the tables
are the same whichever backend ran them and however often the runs were interrupted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from alliancesim.compare.answers import EQUIVALENT, UNDECIDED
from alliancesim.sweeps.design import DUMMY, Design, Factor
from alliancesim.sweeps.parameter_sets import SET_FACTOR
from alliancesim.verdict.discovery import Box, find_box
from alliancesim.verdict.indices import noise_shares, ranking, sensitivity
from alliancesim.verdict.maps import VerdictMap, verdict_map
from alliancesim.verdict.paired import (
    PairingError,
    categories,
    design_wide,
    differences,
    mode_pairs,
    paired_runs,
    winners,
)
from alliancesim.verdict.spec import VerdictExperiment

RUNS = "runs"  # the per-mode sweep folders live in OUT/runs/<mode>
MAP_RUNS = "map_runs"  # ... and those of the map at the defaults in OUT/map_runs/<mode>


@dataclass
class VerdictAnalysis:
    """The verdict's tables (DataFrames), boxes and map."""

    verdict: VerdictExperiment
    design: Design
    paired: pd.DataFrame
    point_differences: pd.DataFrame
    point_winners: pd.DataFrame
    indices: pd.DataFrame
    ranking: pd.DataFrame
    noise: pd.DataFrame
    boxes: list[Box]
    map: VerdictMap
    runs_failed: int = 0
    notes: list[str] = field(default_factory=list)
    defaults_map: VerdictMap | None = None
    overall: pd.DataFrame = field(default_factory=pd.DataFrame)  # design-wide differences
    adaptive: dict[str, Any] | None = None  # an adaptive verdict's rounds and runs

    @property
    def modes(self) -> list[str]:
        """The modes compared."""
        return list(self.verdict.spec.modes)


def mode_folder(out: Path, mode: str, stage: str = RUNS) -> Path:
    """Where the sweep of ``mode`` keeps its runs (``stage``: RUNS or MAP_RUNS)."""
    return Path(out) / stage / mode


def load_paired(verdict: VerdictExperiment, out: Path,
                stage: str = RUNS) -> tuple[Design, pd.DataFrame, int]:
    """The design, the paired runs of every mode and how many runs failed."""
    from alliancesim.sweeps import load_design, load_results

    folders = {m: mode_folder(out, m, stage) for m in verdict.spec.modes}
    designs = {m: load_design(folder) for m, folder in folders.items()}
    design = next(iter(designs.values()))
    for mode, other in designs.items():
        if not other.points.equals(design.points):
            raise PairingError(f"the design of mode {mode!r} differs from the first mode's: "
                               "the runs are not paired")
    runs = {m: load_results(folder) for m, folder in folders.items()}
    failed = sum(int((r["status"] != "ok").sum()) for r in runs.values())
    first = next(iter(runs.values()))
    inputs = _inputs_of(verdict, design) if stage == RUNS else [f.name for f in design.ranged]
    shared = [c for c in inputs if c in first.columns]
    names = [o.name for o in verdict.outcomes]
    return design, paired_runs(runs, names, shared), failed


def defaults_map(verdict: VerdictExperiment, out: Path) -> tuple[VerdictMap, int]:
    """The map at the defaults, from the map sweeps' runs, and how many of them failed."""
    from alliancesim.verdict.maps import grid_map

    design, paired, failed = load_paired(verdict, out, MAP_RUNS)
    spec = verdict.spec
    return grid_map(paired, design, spec.modes, verdict.outcomes, spec.confidence,
                    verdict.margins), failed


def _inputs_of(verdict: VerdictExperiment, design: Design) -> list[str]:
    """The parameters the design sets at each point: its factors, with a parameter set's
    columns in place of the set's row number."""
    names = [f.name for f in design.ranged if f.name not in (SET_FACTOR, DUMMY)]
    sets = verdict.first.sets()
    return names + (list(sets.columns) if sets is not None else [])


def analyse(verdict: VerdictExperiment, out: Path) -> VerdictAnalysis:
    """Read the runs of a verdict's folder and compute every table of the verdict."""
    spec = verdict.spec
    design, paired, failed = load_paired(verdict, out)
    diffs = differences(paired, spec.modes, verdict.outcomes, spec.confidence,
                        margins=verdict.margins)
    overall = design_wide(paired, spec.modes, verdict.outcomes, spec.confidence,
                          verdict.margins, verdict.first.design.shares_seeds)
    point_winners = winners(diffs, spec.modes)
    indices, notes = sensitivity(design, paired, spec.modes, verdict.outcomes)
    ranked = ranking(indices, spec.decide_by, design.kind) if not indices.empty else (
        pd.DataFrame({"factor": [f.name for f in design.ranged], "strength": np.nan}))
    x, y = map_factors(design, ranked)
    vmap = verdict_map(paired, design, x, y, spec.modes, verdict.outcomes, spec.confidence,
                       spec.map_bins, verdict.margins)
    boxes = discover(verdict, design, paired, point_winners, diffs)
    if failed:
        notes.append(f"{failed} runs failed and are left out with their partners in the other "
                     "modes")
    return VerdictAnalysis(verdict, design, paired, diffs, point_winners, indices, ranked,
                           noise_shares(paired, spec.modes, verdict.outcomes), boxes, vmap,
                           failed, notes, overall=overall)


def map_factors(design: Design, ranked: pd.DataFrame) -> tuple[Factor, Factor]:
    """The two most influential factors (a parameter set's row number is no axis)."""
    by_name = {f.name: f for f in design.ranged}
    names = [n for n in ranked["factor"] if n in by_name and n not in (SET_FACTOR, DUMMY)]
    names += [n for n in by_name if n not in names and n not in (SET_FACTOR, DUMMY)]
    if len(names) < 2:
        raise ValueError("a map needs two factors besides the parameter set")
    return by_name[names[0]], by_name[names[1]]


def box_inputs(verdict: VerdictExperiment, design: Design,
               paired: pd.DataFrame) -> pd.DataFrame:
    """One row per design point with the parameters it set (PRIM's inputs)."""
    columns = _inputs_of(verdict, design)
    points = design.points.set_index("point")
    frame = points[[c for c in columns if c in points.columns]]
    extra = [c for c in columns if c not in points.columns]
    if extra:  # a parameter set's values: the same in every run of a point
        frame = frame.join(paired.groupby("point")[extra].first())
    return frame.sort_index()


def discover(verdict: VerdictExperiment, design: Design, paired: pd.DataFrame,
             point_winners: pd.DataFrame, diffs: pd.DataFrame) -> list[Box]:
    """PRIM boxes of where each mode wins, and where each mode beats each other one, by the
    deciding outcome."""
    spec = verdict.spec
    x = box_inputs(verdict, design, paired)
    decided = point_winners[point_winners["outcome"] == spec.decide_by].set_index("point")
    won = decided["winner"].reindex(x.index)
    boxes = [find_box(x, (won == mode).to_numpy(), f"{mode} wins",
                      max_dims=spec.prim_max_dims) for mode in spec.modes]
    pairwise = diffs[diffs["outcome"] == spec.decide_by]
    for a, b in mode_pairs(spec.modes):
        better = pairwise[(pairwise["a"] == a) & (pairwise["b"] == b)].set_index("point")
        better = better["better"].reindex(x.index)
        for first, second in ((a, b), (b, a)):
            boxes.append(find_box(x, (better == first).to_numpy(), f"{first} beats {second}",
                                  max_dims=spec.prim_max_dims))
    return boxes


def shares(table: pd.DataFrame, column: str, levels: list[str]) -> dict[str, dict[str, Any]]:
    """Count and share of rows at each level of ``column``."""
    counts = table[column].value_counts()
    total = len(table)
    return {level: {"count": int(counts.get(level, 0)),
                    "share": float(counts.get(level, 0)) / total if total else np.nan}
            for level in levels}


def answer_shares(diffs: pd.DataFrame) -> pd.DataFrame:
    """Per outcome and pair of modes: the share of design points where ``a`` is clearly
    better, ``b`` is, the two are equivalent within the margin, or it is undecided, and the
    median of the further runs per mode the undecided points are estimated to need."""
    rows = []
    for (outcome, a, b), group in diffs.groupby(["outcome", "a", "b"], sort=False):
        n = len(group)
        undecided = group[group["answer"] == UNDECIDED]
        rows.append({"outcome": outcome, "a": a, "b": b, "points": n,
                     "a_better": float((group["better"] == a).sum()) / n,
                     "b_better": float((group["better"] == b).sum()) / n,
                     "equivalent": float((group["answer"] == EQUIVALENT).sum()) / n,
                     "undecided": float(len(undecided)) / n,
                     "margin": float(group["margin"].iloc[0]),
                     "median_more_runs": float(np.median(undecided["more_runs"]))
                     if len(undecided) else 0.0})
    return pd.DataFrame(rows)


def winner_shares(analysis: VerdictAnalysis) -> dict[str, dict[str, dict[str, Any]]]:
    """Per outcome: how many design points each verdict category gets."""
    levels = categories(analysis.modes)
    return {name: shares(group, "winner", levels)
            for name, group in analysis.point_winners.groupby("outcome", sort=False)}
