"""Running several scenarios with common random numbers on the run engine.

Replicate ``r`` of every scenario runs with ``SeedSequence(seed, spawn_key=(r,))``, child
``r`` of ``SeedSequence(seed)``, so the scenarios differ only by what the scenario files say,
not by luck of the draw. Runs go through the same engine as sweeps
(:mod:`alliancesim.engine`): in this process, in local processes or on a Dask cluster, with
results streamed to Parquet in the output folder, so that a comparison killed midway resumes
when the same command runs again. Each run depends on nothing but its seed and scenario, and
the tables are read back in run order, so every backend gives identical tables.

Over a table of parameter sets (a calibration's plausible sets), replicate ``r`` of every
scenario also takes set ``r mod n``: the scenarios stay paired on seeds and parameters
alike, and the comparison spans the sets. A parameter a scenario sets itself keeps the
scenario's value (it is what the scenario is about).
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from alliancesim.bounds import check_replicates
from alliancesim.engine.classes import ROLES, class_path, classes_by_role, resolve_class
from alliancesim.engine.execute import (
    EngineOptions,
    RunSummary,
    StoppedOnFailure,
    execute,
)
from alliancesim.engine.owncode import (
    code_changes,
    imported_code,
    keep_imported_code,
    recorded_code,
)
from alliancesim.engine.provenance import COMPARE_SEED_SCHEME, provenance
from alliancesim.engine.store import ResultsError, ResultsStore, now, plain_types
from alliancesim.engine.tasks import (
    OK,
    ChunkTask,
    Recording,
    RunSpec,
    recipe_parameters,
    run_id_of,
)
from alliancesim.params.declared import declared_records
from alliancesim.scenarios import Scenario, ScenarioError, scheduled_entries
from alliancesim.sweeps.parameter_sets import SET_FACTOR, ParameterSets

# What the trajectory figures and tables need from each run's per-step table.
TRAJECTORY_COLUMNS = ("month", "phase", "members", "trust_mean", "trust_min", "commitment_mean",
                      "value_total", "skill_mean", "manager_present")
Progress = Callable[[int, int], None]
KINDS = ("compare", "validate", "run")  # what a comparison folder may hold (never a sweep)
NOUNS = {"compare": "comparison", "validate": "validation", "run": "run"}
# What the compare and validate commands write from the runs: removed when --overwrite
# replaces the runs, so that no report describes runs that are no longer there.
REPORT_FILES = ("report.md", "outcomes.csv", "outcomes_partial.csv", "trajectories.parquet",
                "summary.csv", "survival.csv", "phases.csv", "patterns.csv", "predictions.csv",
                "runs.parquet", "verdict.json")


class IncompleteComparison(ScenarioError):
    """A run failed; carries the runs that had finished so they are not lost."""

    def __init__(self, cause: ScenarioError, outcomes: pd.DataFrame,
                 trajectories: pd.DataFrame) -> None:
        super().__init__(cause.source, cause.field, cause.message)
        self.outcomes = outcomes
        self.trajectories = trajectories

    def __reduce__(self) -> Any:  # only ever raised in the parent process
        return (ScenarioError, (self.source, self.field, self.message))


class InterruptedComparison(KeyboardInterrupt):
    """The comparison was interrupted (Ctrl-C); carries the runs that had finished."""

    def __init__(self, outcomes: pd.DataFrame, trajectories: pd.DataFrame) -> None:
        super().__init__("interrupted")
        self.outcomes = outcomes
        self.trajectories = trajectories


@dataclass
class ComparisonRuns:
    """The runs of a comparison as tables, and how they ran."""

    outcomes: pd.DataFrame
    trajectories: pd.DataFrame
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    summary: RunSummary | None = None

    @property
    def workers(self) -> int:
        """Processes (or Dask worker threads) that ran the runs."""
        return self.summary.workers if self.summary is not None else 1


@dataclass(frozen=True)
class _Arm:
    """One scenario as the engine runs it."""

    scenario: Scenario
    params: dict[str, Any]
    entries: tuple[Any, ...]
    record: Recording
    model_class: type | None
    member_class: type | None
    manager_class: type | None = None

    def recipe(self) -> dict[str, Any]:
        """What it takes to rerun one of its runs (for the manifest and replay)."""
        recipe = {"name": self.scenario.name, "source": self.scenario.source,
                  "parameters": recipe_parameters(self.params),
                  "timeline": [asdict(e.intervention) for e in self.entries],
                  "model_class": class_path(self.model_class),
                  "member_class": class_path(self.member_class),
                  "record": asdict(self.record)}
        if self.manager_class is not None:  # only when given: older folders resume
            recipe["manager_class"] = class_path(self.manager_class)
        return recipe


def run_comparison(
    scenarios: Sequence[Scenario],
    replicates: int,
    seed: int,
    *,
    workers: int | None = None,
    progress: Progress | None = None,
    trajectories: bool = True,
    out: str | Path | None = None,
    scheduler: str | None = None,
    client: Any = None,
    backend: str = "auto",
    record: Recording | None = None,
    model_class: str | type | None = None,
    member_class: str | type | None = None,
    manager_class: str | type | None = None,
    allow_import: bool = False,
    kind: str = "compare",
    flush_runs: int = 1000,
    flush_seconds: float = 30.0,
    verbose: bool = False,
    overwrite: bool = False,
    parameter_sets: ParameterSets | None = None,
) -> ComparisonRuns:
    """Run every scenario ``replicates`` times on the run engine and read the runs back.

    With ``out`` the runs stream to that folder and a rerun of the same comparison after a
    crash or Ctrl-C resumes there; a finished one is read back without running anything.
    A folder holding a different comparison (other scenarios, replicates, seed or
    recordings) is refused, and replaced only with ``overwrite``, which deletes its runs
    and reports; one holding a sweep, or a validation for a comparison, is always refused.
    ``record`` adds tables to every run (``panel``, ``events``, ``network``), on top of what
    each scenario file asks for.
    ``model_class``/``member_class``/``manager_class`` replace the classes of every
    scenario. Finished runs
    are written every ``flush_runs`` runs or ``flush_seconds`` seconds.

    ``progress(done, total)`` is called as runs finish. A failing run stops the comparison
    with :class:`IncompleteComparison`, and Ctrl-C with :class:`InterruptedComparison`;
    both hold the runs that had finished (and the folder keeps them).

    With ``parameter_sets`` replicate ``r`` of every scenario takes set ``r mod n`` (the
    parameters a scenario sets itself excepted), and the outcomes say which in
    ``parameter_set``.
    """
    check_replicates("replicates", replicates, max(1, len(scenarios)))  # before allocating
    given = {"model_class": model_class, "member_class": member_class,
             "manager_class": manager_class}
    arms = [_arm(s, trajectories, record, given, allow_import) for s in scenarios]
    options = EngineOptions(workers, scheduler, backend, client, progress or False,
                            flush_runs=flush_runs, flush_seconds=flush_seconds,
                            verbose=verbose, caller="compare_scenarios")
    with ExitStack() as stack:
        folder = Path(out) if out is not None else Path(
            stack.enter_context(tempfile.TemporaryDirectory(prefix="alliancesim-compare-")))
        store = ResultsStore(folder)
        store.open_for_writing(holder=kind)
        stack.callback(store.close)
        manifest, notes = _prepare(store, arms, replicates, seed, kind, overwrite,
                                   parameter_sets)
        total = len(arms) * replicates

        def plan(done: np.ndarray, per_task: int) -> Iterator[ChunkTask]:
            return _plan(arms, replicates, seed, done, per_task, parameter_sets)

        try:
            summary = execute(store, manifest, kind, total, plan, options, notes,
                              stop_on_failure=True)
        except KeyboardInterrupt:
            raise InterruptedComparison(*_read(store, arms, ok_only=True)[:2]) from None
        except StoppedOnFailure as stop:
            raise _incomplete(store, arms, stop.summary) from None
        outcomes, trajectories_frame, tables = _read(store, arms)
    if parameter_sets is not None:
        outcomes[SET_FACTOR] = outcomes["replicate"].astype(int) % len(parameter_sets)
    return ComparisonRuns(outcomes, trajectories_frame, tables, summary)


def _arm(scenario: Scenario, trajectories: bool, record: Recording | None,
         given: dict[str, str | type | None], allow_import: bool) -> _Arm:
    """A scenario with its classes resolved and its recording merged with ``record``."""
    own = scenario.recording()
    extra = record or Recording()
    merged = own.merged(extra)
    steps = trajectories or merged.steps
    columns = None if merged.steps else TRAJECTORY_COLUMNS
    recording = Recording(steps=steps, every=1, columns=columns if steps else None,
                          panel=merged.panel, events=merged.events,
                          network_months=merged.network_months)
    search = Path(scenario.source).parent if Path(scenario.source).is_file() else None

    def chosen(fieldname: str) -> type | None:
        spec = given.get(fieldname)
        if spec is None:  # the file's class, imported only when allowed
            return resolve_class(getattr(scenario, fieldname), fieldname,
                                 source=scenario.source, allow_import=allow_import,
                                 search=search)
        # A class (or path) given in Python is the caller's own choice: no flag needed.
        return resolve_class(spec, fieldname, source="<python>", allow_import=True,
                             search=search)

    return _Arm(scenario, scenario.model_arguments(), scheduled_entries(scenario), recording,
                *(chosen(role) for role in ROLES))


def fingerprint(arms: Sequence[_Arm], replicates: int, seed: int, kind: str,
                sets: ParameterSets | None = None) -> str:
    """A hash of everything that decides which runs exist and what they produce."""
    identity = {"kind": kind, "replicates": replicates, "seed": seed,
                "arms": [arm.recipe() | {"source": None} for arm in arms]}
    if sets is not None:  # only then: the fingerprints of other folders stay as they were
        identity["parameter_sets"] = {"sha256": sets.sha256, "columns": list(sets.columns)}
    text = json.dumps(identity, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _prepare(store: ResultsStore, arms: Sequence[_Arm], replicates: int, seed: int,
             kind: str, overwrite: bool = False, sets: ParameterSets | None = None
             ) -> tuple[dict[str, Any], list[str]]:
    """Resume the same comparison in the folder (unfinished or finished: its stored runs are
    kept), or start a fresh one; a different one is replaced only with ``overwrite``."""
    key = fingerprint(arms, replicates, seed, kind, sets)
    if store.exists():
        old = store.read_manifest()
        _refuse_other_kinds(store, old, kind)
        if old.get("fingerprint") == key:
            stored = len(store.completed_ids())
            if stored >= len(arms) * replicates:
                return old, []
            changed = code_changes(recorded_code(old), imported_code(_arm_classes(arms)))
            return old, [f"resuming the unfinished {NOUNS[kind]} in {store.root}: {stored} of "
                         f"{old.get('runs_total')} runs already stored", *changed]
        if not overwrite:
            raise ResultsError(_different(store, old, arms, replicates, seed, kind))
        store.clear()
        for name in REPORT_FILES:
            (store.root / name).unlink(missing_ok=True)
    elif store.run_parts():
        raise ResultsError(f"{store.root} has run parts but no manifest; use an empty folder")
    manifest = {
        "format": 2,
        "kind": kind,
        "scenarios": [arm.scenario.name for arm in arms],
        "replicates": replicates,
        "root_seed": seed,
        "runs_total": len(arms) * replicates,
        "seed_scheme": COMPARE_SEED_SCHEME,
        "fingerprint": key,
        "recipe": {"scenarios": [arm.recipe() for arm in arms]},
        "declared_parameters": declared_records(
            [(arm.model_class, arm.member_class, arm.manager_class) for arm in arms]),
        "provenance": provenance({"root_seed": seed, "replicates": replicates},
                                 COMPARE_SEED_SCHEME, keep_imported_code(
                                     store.root, _arm_classes(arms), _shared_folder(arms))),
        "created": now(),
        "status": "created",
        "sessions": [],
    }
    if sets is not None:
        manifest["parameter_sets"] = {"file": str(sets.path), "sha256": sets.sha256,
                                      "columns": list(sets.columns), "rows": len(sets),
                                      "replicate_takes": "set replicate mod rows"}
        # What replay needs: the sets, and which of their columns each scenario took.
        manifest["recipe"]["parameter_sets"] = [dict(row) for row in sets.rows]
        manifest["recipe"]["set_columns"] = [
            [c for c in sets.columns if c not in arm.scenario.parameters] for arm in arms]
    store.write_manifest(manifest)
    return manifest, []


def _arm_classes(arms: Sequence[_Arm]) -> list[tuple[str, type | None]]:
    """Every scenario's class of every role, for the record of one's own code."""
    return [pair for arm in arms for pair in classes_by_role(arm).items()]


def _shared_folder(arms: Sequence[_Arm]) -> Path | None:
    """The folder of the scenario files when they all sit in one (else None)."""
    folders = {Path(arm.scenario.source).parent for arm in arms
               if Path(arm.scenario.source).is_file()}
    return folders.pop() if len(folders) == 1 else None


def _plan(arms: Sequence[_Arm], replicates: int, seed: int, done: np.ndarray,
          per_task: int, sets: ParameterSets | None = None) -> Iterator[ChunkTask]:
    """Chunks of the runs not yet done, scenario by scenario, replicate by replicate."""
    for index, arm in enumerate(arms):
        batch: list[RunSpec] = []
        for r in range(replicates):
            run_id = run_id_of(index, r, replicates)
            if done[run_id]:
                continue
            batch.append(RunSpec(run_id, index, r, _set_values(arm, sets, r), (r,)))
            if len(batch) >= per_task:
                yield _task(arm, seed, batch)
                batch = []
        if batch:
            yield _task(arm, seed, batch)


def _set_values(arm: _Arm, sets: ParameterSets | None, replicate: int) -> dict[str, Any]:
    """The values replicate ``replicate`` takes from the parameter sets: set ``replicate mod
    n``, without the parameters the scenario sets itself."""
    if sets is None:
        return {}
    own = arm.scenario.parameters
    return {k: v for k, v in sets.values(replicate % len(sets)).items() if k not in own}


def _task(arm: _Arm, seed: int, runs: list[RunSpec]) -> ChunkTask:
    return ChunkTask(seed, arm.params, tuple(runs), arm.entries, arm.record, arm.model_class,
                     arm.member_class, arm.manager_class)


def _refuse_other_kinds(store: ResultsStore, old: dict[str, Any], kind: str) -> None:
    """A comparison never replaces a sweep, nor a validation a comparison (or the reverse)."""
    if old.get("kind") not in KINDS:
        sweep = old.get("experiment", {}).get("name", "?")
        raise ResultsError(f"{store.root} holds the results of a sweep ({sweep!r}); a "
                           "comparison would overwrite them: use another --out folder")
    if old.get("kind") != kind:
        raise ResultsError(f"{store.root} holds the results of a {old.get('kind')}; "
                           f"a {kind} would overwrite them: use another --out folder")


def _different(store: ResultsStore, old: dict[str, Any], arms: Sequence[_Arm],
               replicates: int, seed: int, kind: str) -> str:
    """Why a different comparison is refused: what differs, and the ways out."""
    now_ = {"scenarios": [arm.scenario.name for arm in arms], "replicates": replicates,
            "seed": seed}
    then = {"scenarios": old.get("scenarios"), "replicates": old.get("replicates"),
            "seed": old.get("root_seed")}
    changed = [f"{key} {then[key]!r} then, {now_[key]!r} now" for key in now_
               if then[key] != now_[key]] or ["the scenario files or recordings changed"]
    stored = len(store.completed_ids())
    return (f"{store.root} holds a different {NOUNS[kind]} ({'; '.join(changed)}) with {stored} "
            f"runs stored; they are kept: use another --out folder, rerun with what it was "
            f"started with, or add --overwrite to delete them and start again")


# --- reading the runs back ----------------------------------------------------------------
def _read(store: ResultsStore, arms: Sequence[_Arm], ok_only: bool = False
          ) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, pd.DataFrame]]:
    """Outcomes, trajectories and the other recorded tables, in run order."""
    names = [arm.scenario.name for arm in arms]
    runs = store.read_runs()
    if not runs.empty and ok_only:
        runs = runs[runs["status"] == OK]
    outcomes = outcome_table(runs, names)
    steps = store.read_table("steps", nullable=False)
    trajectories = trajectory_table(steps, names)
    tables = {name: _with_scenario(store.read_table(name, nullable=False), names)
              for name in ("panel", "events", "network")}
    return outcomes, trajectories, {k: v for k, v in tables.items() if not v.empty}


def outcome_table(runs: pd.DataFrame, names: Sequence[str]) -> pd.DataFrame:
    """One row per run: run id, scenario, replicate, seed and the outcome record."""
    if runs.empty:
        return pd.DataFrame()
    runs = runs[runs["status"] == OK]
    dropped = ["point", "status", "error", "traceback", "duration_s"]
    outcomes = runs.drop(columns=[c for c in dropped if c in runs.columns])
    outcomes = plain_types(outcomes.reset_index(drop=True))
    outcomes.insert(1, "scenario", _scenario_codes(runs["point"], names))
    outcomes["seed_spawn_key"] = [",".join(str(int(k)) for k in key)
                                  for key in outcomes["seed_spawn_key"]]
    outcomes["dissolved"] = outcomes["outcome"] == "dissolved"
    outcomes["completed"] = outcomes["outcome"] == "completed"
    return outcomes


def trajectory_table(steps: pd.DataFrame, names: Sequence[str]) -> pd.DataFrame:
    """One row per run and month: the trajectory columns, scenario and replicate."""
    if steps.empty:
        return pd.DataFrame()
    frame = steps[[c for c in steps.columns if c not in ("run_id", "point", "replicate")]]
    frame = frame.reset_index(drop=True)
    frame["scenario"] = _scenario_codes(steps["point"], names)
    frame["replicate"] = steps["replicate"].to_numpy()
    return frame


def _with_scenario(frame: pd.DataFrame, names: Sequence[str]) -> pd.DataFrame:
    if frame.empty:
        return frame
    frame = frame.reset_index(drop=True)
    frame.insert(1, "scenario", _scenario_codes(frame.pop("point"), names))
    return frame


def _scenario_codes(points: pd.Series, names: Sequence[str]) -> pd.Categorical:
    return pd.Categorical.from_codes(points.to_numpy(dtype=int), categories=list(names),
                                     ordered=True)


def _incomplete(store: ResultsStore, arms: Sequence[_Arm],
                summary: RunSummary) -> IncompleteComparison:
    """The first failure as the scenario error it was (or one naming the run), with the
    finished runs."""
    runs = store.read_runs()
    first = runs[runs["status"] != OK].sort_values("run_id").iloc[0]
    run_id = int(first["run_id"])
    arm = arms[int(first["point"])]
    cause = summary.reported.get(run_id)
    if not isinstance(cause, ScenarioError):
        cause = ScenarioError(
            arm.scenario.source, None,
            f"run {run_id} (replicate {int(first['replicate'])}) failed: {first['error']}; "
            f"its traceback is stored in {store.runs_dir}")
    outcomes, trajectories, _ = _read(store, arms, ok_only=True)
    return IncompleteComparison(cause, outcomes, trajectories)
