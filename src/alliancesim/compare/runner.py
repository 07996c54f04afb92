"""Running several scenarios with common random numbers, in parallel, reproducibly.

Replicate ``r`` of every scenario runs with child ``r`` of ``SeedSequence(seed)``, so the
scenarios differ only by what the scenario files say, not by luck of the draw. Each run
depends on nothing but its task, and results are put back in (scenario, replicate) order, so
one worker and many workers give identical tables.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from alliancesim.model.timeline import simulate
from alliancesim.parallel import available_cores, cap_workers, quiet_context
from alliancesim.scenarios import Scenario, ScenarioError, replicate_seeds, scheduled_entries
from alliancesim.scenarios.running import ScheduledEntry

# What the trajectory figures and tables need from each run's per-step table.
TRAJECTORY_COLUMNS = ("month", "phase", "members", "trust_mean", "trust_min", "commitment_mean",
                      "value_total", "skill_mean", "manager_present")
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class RunTask:
    """One run: which scenario and replicate, and everything needed to run it."""

    scenario: int
    replicate: int
    params: dict[str, Any]
    entries: tuple[ScheduledEntry, ...]
    seed: np.random.SeedSequence
    trajectories: bool = True


@dataclass
class RunRecord:
    """What one run sends back: its outcome row and its trajectory columns."""

    outcome: dict[str, Any]
    trajectory: dict[str, list[Any]]


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


def run_task(task: RunTask) -> RunRecord:
    """Run one task and keep its outcome record and (if asked) its trajectory."""
    result = simulate(task.params, task.seed, task.entries,  # type: ignore[arg-type]
                      record_steps=task.trajectories)
    outcome = {
        "scenario": task.scenario,
        "replicate": task.replicate,
        "seed_entropy": str(task.seed.entropy),
        "seed_spawn_key": ",".join(str(k) for k in task.seed.spawn_key),
        **result.outcome,
    }
    steps = result.steps
    if steps is None:
        return RunRecord(outcome, {})
    trajectory = {name: steps[name].tolist() for name in TRAJECTORY_COLUMNS}
    trajectory["scenario"] = [task.scenario] * len(steps)
    trajectory["replicate"] = [task.replicate] * len(steps)
    return RunRecord(outcome, trajectory)


def run_chunk(tasks: Sequence[RunTask]) -> list[RunRecord]:
    """Run several tasks in one worker call (fewer, larger messages between processes)."""
    return [run_task(task) for task in tasks]


def build_tasks(scenarios: Sequence[Scenario], replicates: int, seed: int,
                trajectories: bool = True) -> list[RunTask]:
    """Every (scenario, replicate) run, replicate r of each scenario sharing seed child r."""
    seeds = replicate_seeds(seed, replicates)
    tasks = []
    for index, scenario in enumerate(scenarios):
        params, entries = scenario.model_arguments(), scheduled_entries(scenario)
        tasks.extend(RunTask(index, r, params, entries, seeds[r], trajectories)
                     for r in range(replicates))
    return tasks


def default_workers() -> int:
    """The cores this process may use."""
    return available_cores()


def run_all(
    scenarios: Sequence[Scenario],
    replicates: int,
    seed: int,
    workers: int | None = None,
    progress: Progress | None = None,
    trajectories: bool = True,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run every scenario ``replicates`` times; return (outcomes, trajectories) DataFrames.

    Without ``trajectories`` the runs keep only their outcome (faster, less memory) and the
    trajectory table is empty.

    ``progress(done, total)`` is called as runs finish. A run that fails with a
    :class:`ScenarioError` stops the comparison with :class:`IncompleteComparison`, and
    Ctrl-C with :class:`InterruptedComparison`; both hold the runs that had finished.
    """
    tasks = build_tasks(scenarios, replicates, seed, trajectories)
    workers = cap_workers(workers).workers  # never more processes than cores
    records: list[RunRecord] = []
    try:
        if workers == 1:
            _run_serial(tasks, records, progress)
        else:
            _run_parallel(tasks, workers, records, progress)
    except ScenarioError as error:
        raise IncompleteComparison(error, *_tables(records, scenarios)) from None
    except KeyboardInterrupt:
        raise InterruptedComparison(*_tables(records, scenarios)) from None
    return _tables(records, scenarios)


def _run_serial(tasks: list[RunTask], records: list[RunRecord], progress: Progress | None) -> None:
    for done, task in enumerate(tasks, start=1):
        records.append(run_task(task))
        if progress is not None:
            progress(done, len(tasks))


def _run_parallel(tasks: list[RunTask], workers: int, records: list[RunRecord],
                  progress: Progress | None) -> None:
    # forkserver: workers start from a clean process, never a fork of one whose threads (the
    # progress bar's) might hold a lock; the package is imported once, in the server.
    context = quiet_context("forkserver")
    context.set_forkserver_preload(["alliancesim.compare.runner"])
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context)
    pending: set[Future[list[RunRecord]]] = set()
    try:
        pending = {pool.submit(run_chunk, chunk) for chunk in _chunks(tasks, workers)}
        while pending:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            _keep_finished(finished, records)
            for future in finished:
                if future.exception() is not None:
                    raise future.exception()  # type: ignore[misc]
            if progress is not None:
                progress(len(records), len(tasks))
    except BaseException:
        _keep_finished(pending, records)
        raise
    finally:
        # On failure or Ctrl-C, drop the queued chunks instead of running them all first.
        pool.shutdown(wait=True, cancel_futures=True)


def _keep_finished(futures: set[Future[list[RunRecord]]], records: list[RunRecord]) -> None:
    """Collect the runs of every chunk that has finished without an error."""
    for future in futures:
        if future.done() and not future.cancelled() and future.exception() is None:
            records.extend(future.result())


def _chunks(tasks: list[RunTask], workers: int) -> list[list[RunTask]]:
    # About eight chunks per worker keeps every core busy to the end and the bar moving.
    size = max(1, min(25, len(tasks) // (workers * 8)))
    return [tasks[i:i + size] for i in range(0, len(tasks), size)]


def _tables(records: list[RunRecord], scenarios: Sequence[Scenario]
            ) -> tuple[pd.DataFrame, pd.DataFrame]:
    names = [s.name for s in scenarios]
    records = sorted(records, key=lambda rec: (rec.outcome["scenario"], rec.outcome["replicate"]))
    outcomes = pd.DataFrame([rec.outcome for rec in records])
    columns: dict[str, list[Any]] = {}
    for rec in records:
        for name, values in rec.trajectory.items():
            columns.setdefault(name, []).extend(values)
    trajectories = pd.DataFrame(columns)
    for frame in (outcomes, trajectories):
        if not frame.empty:
            frame["scenario"] = pd.Categorical.from_codes(frame["scenario"], categories=names,
                                                          ordered=True)
    if not outcomes.empty:
        outcomes["dissolved"] = outcomes["outcome"] == "dissolved"
        outcomes["completed"] = outcomes["outcome"] == "completed"
    return outcomes, trajectories
