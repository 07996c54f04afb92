"""The adaptive verdict: runs go where they decide something.

A fixed verdict runs every design point the same number of times, so most runs go to points
already decided and too few to the close ones. The adaptive verdict starts every point with
a few replicates per mode (``[verdict] start_replicates``), then in rounds gives more
replicates (``growth`` times as many) only to the points still *undecided* on the deciding
outcome: a point is decided when a mode (or two, tied) is clearly better than every other,
or when every pair of modes is clearly different or equivalent within the margin
(:mod:`alliancesim.compare.answers`). It stops when every point is decided or has reached
``max_replicates``.

Each round is an ordinary resumable sweep per mode (the same folders as a fixed verdict of
``max_replicates`` replicates: run ``(point, replicate)`` keeps its id and seed whatever the
round), run on any backend. The targets of every round are written to ``adaptive.json``
before the round runs, and each round's decisions are a function of the stored runs only,
so an interrupted verdict resumes where it stopped and the decisions do not depend on the
number of workers or the scheduler.

Repeated looks at the same points make "decided" a little easier to reach by chance than a
single look at the final replicates would (the usual price of sequential testing); the
report states the confidence of each look, not an adjusted one.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from alliancesim.compare.answers import UNDECIDED
from alliancesim.engine.store import ResultsError
from alliancesim.verdict.analysis import RUNS, load_paired
from alliancesim.verdict.paired import NO_WINNER, differences, winners
from alliancesim.verdict.spec import VerdictExperiment, verdict_from_dict

STATE = "adaptive.json"
FORMAT = 1


@dataclass
class AdaptiveState:
    """The rounds of an adaptive verdict: each round's replicates per point, and what was
    decided after it."""

    start: int
    cap: int
    growth: int
    rounds: list[dict[str, Any]] = field(default_factory=list)

    @property
    def targets(self) -> np.ndarray:
        """The replicates per point of the last round."""
        return np.asarray(self.rounds[-1]["targets"], dtype=int)

    def as_dict(self) -> dict[str, Any]:
        """The state as ``adaptive.json`` keeps it."""
        return {"format": FORMAT, "start": self.start, "cap": self.cap, "growth": self.growth,
                "rounds": self.rounds}


def capped_verdict(verdict: VerdictExperiment) -> VerdictExperiment:
    """The verdict with ``max_replicates`` replicates per point: the sweeps whose runs the
    rounds fill in (the same ids and seeds in every round)."""
    data = {**verdict.data, "replicates": verdict.spec.max_replicates,
            "verdict": verdict.spec.model_dump()}
    return verdict_from_dict(data, source=verdict.source, base_dir=verdict.base_dir,
                             allow_import=verdict.allow_import)


def load_state(out: Path, verdict: VerdictExperiment, n_points: int) -> AdaptiveState:
    """The rounds so far, or a first round of ``start_replicates`` at every point."""
    spec = verdict.spec
    path = Path(out) / STATE
    if path.is_file():
        data = json.loads(path.read_text())
        state = AdaptiveState(data["start"], data["cap"], data["growth"], data["rounds"])
        if (state.start, state.cap, state.growth) != (spec.start_replicates,
                                                       spec.max_replicates, spec.growth):
            raise ResultsError(f"{path} was started with start_replicates = {state.start}, "
                             f"max_replicates = {state.cap}, growth = {state.growth}; restore "
                             "them in the experiment file or use another --out folder")
        return state
    state = AdaptiveState(spec.start_replicates, spec.max_replicates, spec.growth)
    state.rounds.append({"targets": [min(state.start, state.cap)] * n_points,
                         "status": "planned"})
    return state


def save_state(out: Path, state: AdaptiveState) -> None:
    """Write ``adaptive.json`` (through a temporary file: never half written)."""
    path = Path(out) / STATE
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(state.as_dict(), indent=1) + "\n")
    temporary.replace(path)


def point_decisions(verdict: VerdictExperiment, paired: pd.DataFrame) -> pd.Series:
    """Per design point: decided or not, on the deciding outcome. A point is decided when
    the verdict's question has its answer there: a mode (or two, tied) is clearly better
    than every other, or every pair of modes is clearly different or equivalent. More runs
    on a pair the answer does not hinge on (the two modes behind a clear winner) are not
    spent."""
    spec = verdict.spec
    diffs = differences(paired, spec.modes, [verdict.decider], spec.confidence,
                        margins=verdict.margins)
    settled = diffs.groupby("point")["answer"].agg(lambda a: bool((a != UNDECIDED).all()))
    won = winners(diffs, spec.modes).set_index("point")["winner"] != NO_WINNER
    return settled | won.reindex(settled.index, fill_value=False)


def next_targets(targets: np.ndarray, decided: np.ndarray, cap: int,
                 growth: int) -> np.ndarray:
    """More replicates (``growth`` times as many, at most ``cap``) at the undecided points."""
    grown = np.minimum(targets * growth, cap)
    return np.where(decided, targets, grown)


def run_adaptive(verdict: VerdictExperiment, out: Path, **options: Any) -> AdaptiveState:
    """Run (or resume) the rounds of an adaptive verdict into ``out``; ``options`` go to
    :func:`alliancesim.sweeps.run_sweep`. Returns the rounds, each with its targets, runs
    and decisions."""
    from alliancesim.verdict.run import run_sweeps

    capped = capped_verdict(verdict)
    n_points = capped.first.n_points()
    state = load_state(out, verdict, n_points)
    while True:
        current = state.rounds[-1]
        save_state(out, state)  # the targets are on disk before their runs start
        run_sweeps(capped.sweeps, out, RUNS, replicate_targets=state.targets, **options)
        _, paired, _ = load_paired(capped, out)
        targets = state.targets
        paired = paired[paired["replicate"].to_numpy() < targets[paired["point"].to_numpy()]]
        decided = point_decisions(verdict, paired).reindex(range(n_points), fill_value=False)
        current.update(status="done", runs=int(targets.sum()) * len(verdict.spec.modes),
                       decided=int(decided.sum()), points=n_points,
                       decided_points=[int(p) for p in np.flatnonzero(decided.to_numpy())])
        following = next_targets(targets, decided.to_numpy(), state.cap, state.growth)
        if np.array_equal(following, targets):
            current["final"] = True
            save_state(out, state)
            return state
        state.rounds.append({"targets": following.tolist(), "status": "planned"})


def spending(state: AdaptiveState, modes: int) -> dict[str, Any]:
    """Runs spent against a fixed design reaching the same decisions: one that gives every
    point as many replicates as the most the adaptive design needed to decide a point."""
    final = state.rounds[-1]
    targets = state.targets
    decided = np.zeros(len(targets), dtype=bool)
    decided[final.get("decided_points", [])] = True
    most = int(targets[decided].max()) if decided.any() else state.cap
    return {"rounds": len(state.rounds), "points": len(targets),
            "decided": int(decided.sum()), "decided_share": float(decided.mean()),
            "runs": int(targets.sum()) * modes,
            "fixed_runs": len(targets) * most * modes, "fixed_replicates": most,
            "replicates": {str(k): int(v) for k, v in
                           zip(*np.unique(targets, return_counts=True), strict=True)},
            "undecided_at_cap": int(((targets >= state.cap) & ~decided).sum())}


def spending_lines(summary: dict[str, Any], modes: int) -> list[str]:
    """The report's section on the adaptive rounds."""
    saved = 1 - summary["runs"] / summary["fixed_runs"] if summary["fixed_runs"] else math.nan
    counts = ", ".join(f"{n} points at {k}" for k, n in summary["replicates"].items())
    return [
        "## Adaptive rounds", "",
        f"{summary['rounds']} rounds: {summary['decided']:,} of {summary['points']:,} design "
        f"points decided ({summary['decided_share']:.0%}: a mode, or two tied, clearly ahead "
        "of the rest, or every pair of modes clearly different or equivalent, on the deciding "
        f"outcome); {summary['undecided_at_cap']} "
        f"points reached the cap undecided. Replicates per mode: {counts}. "
        f"{summary['runs']:,} runs ({modes} modes), against {summary['fixed_runs']:,} for a "
        f"fixed design giving every point the {summary['fixed_replicates']} replicates the "
        f"adaptive design needed at most to decide a point ({saved:.0%} fewer).", "",
    ]
