"""The adaptive verdict: runs go where they decide something.

A fixed verdict runs every design point the same number of times, so most runs go to points
already decided and too few to the close ones. The adaptive verdict starts every point with
a few replicates per mode (``[verdict] start_replicates``), then in rounds gives more
replicates (``growth`` times as many) only to the points still *undecided* on the deciding
outcome: a point is decided when a mode (or two, tied) is clearly better than every other,
or when every pair of modes is clearly different or equivalent within the margin
(:mod:`alliancesim.compare.answers`). It stops when every point is decided or has reached
``max_replicates``, or once ``stop_share`` of the points is decided.

With ``[verdict] metamodel`` (the default), a point its own runs leave open may be decided by
a metamodel over the design (:mod:`alliancesim.verdict.metamodel`): per pair of modes, a
Gaussian process of the mean paired difference on the factors, whose posterior at the point
combines its own runs with its neighbours'. It is used only when its leave-one-out check of
predictive coverage passes; each round records, per pair, that coverage and whether the
model was used, and how many points each source decided (``adaptive.json``); the last
round's answer per point and pair, with its source, is in ``adaptive_answers.csv``. The
undecided points, by either source, get the next round's replicates.

Each round is an ordinary resumable sweep per mode (the same folders as a fixed verdict of
``max_replicates`` replicates: run ``(point, replicate)`` keeps its id and seed whatever the
round), run on any backend. The targets of every round are written to ``adaptive.json``
before the round runs, and each round's decisions are a function of the stored runs only,
so an interrupted verdict resumes where it stopped and the decisions do not depend on the
number of workers or the scheduler (the metamodel's fit has no random restarts and a fixed
subsample: a function of the stored runs alone).

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

from alliancesim.compare.answers import DIFFERENT, UNDECIDED
from alliancesim.engine.store import ResultsError
from alliancesim.sweeps.design import Design
from alliancesim.verdict.analysis import RUNS, box_inputs, load_paired
from alliancesim.verdict.metamodel import design_matrix, disagreements, pair_answers
from alliancesim.verdict.paired import NO_WINNER, column, differences, winners
from alliancesim.verdict.spec import VerdictExperiment, verdict_from_dict

STATE = "adaptive.json"
ANSWERS = "adaptive_answers.csv"  # the last round's answer per point and pair of modes
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
    """Per design point: decided or not from its own runs, on the deciding outcome. A point
    is decided when the verdict's question has its answer there: a mode (or two, tied) is
    clearly better than every other, or every pair of modes is clearly different or
    equivalent. More runs on a pair the answer does not hinge on (the two modes behind a
    clear winner) are not spent."""
    spec = verdict.spec
    diffs = differences(paired, spec.modes, [verdict.decider], spec.confidence,
                        margins=verdict.margins)
    return decided_points(diffs, spec.modes)


def decided_points(diffs: pd.DataFrame, modes: list[str]) -> pd.Series:
    """Per point of a table of pairwise answers (``point``, ``outcome``, ``a``, ``b``,
    ``answer``, ``better``): whether a mode (or two) wins or every pair is decided."""
    settled = diffs.groupby("point")["answer"].agg(lambda a: bool((a != UNDECIDED).all()))
    won = winners(diffs, modes).set_index("point")["winner"] != NO_WINNER
    return settled | won.reindex(settled.index, fill_value=False)


def round_decisions(verdict: VerdictExperiment, design: Design, paired: pd.DataFrame,
                    n_points: int) -> tuple[np.ndarray, dict[str, Any], pd.DataFrame]:
    """Which points a round decided, how (own runs, metamodel), and the per-pair answers.

    Without ``[verdict] metamodel`` only the points' own runs decide. With it, each pair of
    modes gets a metamodel (:mod:`alliancesim.verdict.metamodel`) whose answers decide the
    points their own runs leave open, when its cross-validation check passes."""
    spec = verdict.spec
    outcome = verdict.decider
    diffs = differences(paired, spec.modes, [outcome], spec.confidence,
                        margins=verdict.margins)
    own = decided_points(diffs, spec.modes).reindex(range(n_points), fill_value=False)
    if not spec.metamodel:
        return own.to_numpy(), {}, diffs
    x = pd.DataFrame(design_matrix(box_inputs(verdict, design, paired)), index=range(n_points))
    tables, checks = [], {}
    for (a, b), group in diffs.groupby(["a", "b"], sort=False):
        values = paired[column(outcome.name, a)] - paired[column(outcome.name, b)]
        table, verdict_check = pair_answers(group, x, values, paired["point"],
                                            verdict.margins[outcome.name], spec.confidence)
        table.insert(1, "outcome", outcome.name)
        table.insert(2, "a", a)
        table.insert(3, "b", b)
        table["better"] = [(a if outcome.better(d) else b) if answer == DIFFERENT
                           else NO_WINNER
                           for d, answer in zip(table["diff"], table["answer"], strict=True)]
        tables.append(table)
        checks[f"{a} - {b}"] = None if verdict_check is None else verdict_check.as_dict()
    combined = pd.concat(tables, ignore_index=True)
    decided = decided_points(combined, spec.modes).reindex(range(n_points), fill_value=False)
    info = {"checks": checks,
            "used": any(c is not None and c["passed"] for c in checks.values()),
            "decided_own": int(own.sum()),
            "decided_metamodel": int((decided & ~own).sum()),
            "disagreements": sum(disagreements(t) for t in tables)}
    return decided.to_numpy(), info, combined


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
        design, paired, _ = load_paired(capped, out)
        targets = state.targets
        paired = paired[paired["replicate"].to_numpy() < targets[paired["point"].to_numpy()]]
        decided, metamodel, answers = round_decisions(capped, design, paired, n_points)
        current.update(status="done", runs=int(targets.sum()) * len(verdict.spec.modes),
                       decided=int(decided.sum()), points=n_points,
                       decided_points=[int(p) for p in np.flatnonzero(decided)])
        if metamodel:
            current["metamodel"] = metamodel
        answers.to_csv(Path(out) / ANSWERS, index=False)
        following = next_targets(targets, decided, state.cap, state.growth)
        if np.array_equal(following, targets) or decided.mean() >= verdict.spec.stop_share:
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
            "undecided_at_cap": int(((targets >= state.cap) & ~decided).sum()),
            "metamodel": final.get("metamodel")}


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
        *metamodel_lines(summary.get("metamodel")),
    ]


def metamodel_lines(metamodel: dict[str, Any] | None) -> list[str]:
    """Which decisions came from the metamodel and which from the points' own runs, beside
    the cross-validation coverage each pair's metamodel reached."""
    if not metamodel:
        return []
    checks = []
    for pair, check in metamodel["checks"].items():
        if check is None:
            checks.append(f"{pair}: too few points for a metamodel")
            continue
        verdict = "passed: used" if check["passed"] else (
            "failed: not used, its points decided by their own runs alone")
        checks.append(f"{pair}: {check['coverage']:.1%} of {check['points']:,} held-out "
                      f"points inside their {check['nominal']:.0%} predictive intervals "
                      f"(at least {check['floor']:.1%} needed; {verdict})")
    return [
        "### Metamodel", "",
        f"Decided by their own runs: {metamodel['decided_own']:,} points; by the metamodel "
        f"(a Gaussian process of the paired difference on the factors, combined with the "
        f"point's own runs): {metamodel['decided_metamodel']:,} more. Answers (a point and "
        f"a pair of modes) the own runs and the metamodel decided differently: "
        f"{metamodel['disagreements']} (the own runs' answer stands). Leave-one-out check "
        "of each pair's metamodel, on the deciding outcome:", "",
        *[f"- {line}" for line in checks], "",
        "The metamodel's answers are calibrated over the points, as a Bayesian model's are, "
        "not at each point separately; the per-point tables below use each point's own runs; "
        f"every point's answer and its source are in `{ANSWERS}`.", "",
    ]
