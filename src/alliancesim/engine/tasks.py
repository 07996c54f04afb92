"""What a worker does: run a chunk of seeded simulations and return their rows and tables.

Everything here is picklable and importable by name, so the same function runs in-process, in
a local process pool and on Dask workers, and gives the same rows on all three.

Seeds: a run's seed is ``SeedSequence(root_seed, spawn_key=run.spawn_key)``. It depends only
on the root seed and the run's identity, never on the backend or on which runs were already
done. Sweeps give run ``(point, replicate)`` the key ``(point, replicate)``, which is
``SeedSequence(root_seed).spawn(points)[point].spawn(replicates)[replicate]``, or with common
seeds (``[design] common_seeds``) the key ``(replicate,)`` at every point; comparisons
give replicate ``r`` of every scenario the key ``(r,)`` (common random numbers).
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

RUN_COLUMNS = ("run_id", "point", "replicate", "status", "error", "traceback",
               "seed_entropy", "seed_spawn_key", "duration_s")
OK, FAILED = "ok", "failed"
# The tables a run can record besides its row, each stored in a folder of that name: those
# of a single alliance, and those of an ecosystem (alliancesim.ecosystem.runs).
ALLIANCE_TABLES = ("steps", "panel", "events", "network")
ECOSYSTEM_TABLES = ("profession", "alliances", "organizations", "professionals")
TABLES = (*ALLIANCE_TABLES, *ECOSYSTEM_TABLES)


def run_id_of(point: int, replicate: int, replicates: int) -> int:
    """The stable id of a run: its position in (point, replicate) order."""
    return point * replicates + replicate


def recipe_parameters(params: Mapping[str, Any]) -> dict[str, Any]:
    """Model arguments as a manifest keeps them for replay: the partners' countries as the
    table a scenario file would write (the model takes that mapping back)."""
    return {name: value.as_dict() if hasattr(value, "as_dict") else value
            for name, value in params.items()}


def sweep_spawn_key(point: int, replicate: int, common: bool = False) -> tuple[int, ...]:
    """The spawn key of sweep run ``(point, replicate)``: ``(point, replicate)``, or
    ``(replicate,)`` when replicates share their seed across points (common random
    numbers)."""
    return (replicate,) if common else (point, replicate)


def run_seed(root_seed: int, point: int, replicate: int,
             common: bool = False) -> np.random.SeedSequence:
    """The seed of sweep run ``(point, replicate)``: a spawned child of the root seed."""
    return np.random.SeedSequence(root_seed, spawn_key=sweep_spawn_key(point, replicate, common))


@dataclass(frozen=True)
class Recording:
    """What each run records besides its outcome row (always recorded).

    Attributes:
        steps: the per-month table, every ``every``-th month and the last, only ``columns``
            (``month`` always) when given.
        panel: the per-member panel (member x month), thinned like the steps.
        events: the event log, with the actors' member ids.
        network_months: months at which to keep the trust network as an edge list.
    """

    steps: bool = False
    every: int = 1
    columns: tuple[str, ...] | None = None
    panel: bool = False
    events: bool = False
    network_months: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        # The same bounds as files and flags: months from 0 to the longest horizon.
        from alliancesim.bounds import MAX_MONTH, check_count, check_months

        object.__setattr__(self, "network_months",
                           check_months("network_months", self.network_months))
        check_count("every", self.every, MAX_MONTH)

    @property
    def anything(self) -> bool:
        """Whether any table is recorded."""
        return self.steps or self.panel or self.events or bool(self.network_months)

    def merged(self, other: Recording) -> Recording:
        """Everything either recording asks for (steps options from ``self`` when set)."""
        base = self if self.steps else other
        return Recording(
            steps=self.steps or other.steps, every=base.every, columns=base.columns,
            panel=self.panel or other.panel, events=self.events or other.events,
            network_months=tuple(sorted({*self.network_months, *other.network_months})))


@dataclass(frozen=True)
class RunSpec:
    """One run to do: its identity, seed key and the values of the varied parameters."""

    run_id: int
    point: int
    replicate: int
    values: Mapping[str, Any]
    spawn_key: tuple[int, ...] = ()


@dataclass(frozen=True)
class ChunkTask:
    """A batch of runs sharing the base parameters, timeline, recording and classes."""

    root_seed: int
    base: Mapping[str, Any]
    runs: tuple[RunSpec, ...]
    interventions: tuple[Any, ...] = ()  # Intervention-like: .month and .apply(model)
    record: Recording = field(default_factory=Recording)
    model_class: type | None = None
    member_class: type | None = None
    manager_class: type | None = None
    # Classes varied as factors: by field, the class of each import path a run may name.
    class_levels: Mapping[str, Mapping[str, type]] = field(default_factory=dict)
    # Another kind of run than one alliance (an ecosystem): a module-level function (so that
    # it pickles by name) ``runner(task, spec, seed) -> (outcome, tables)``; None runs
    # ``simulate`` on ``base`` with the timeline, recording and classes above.
    runner: Callable[[ChunkTask, RunSpec, np.random.SeedSequence],
                     tuple[Mapping[str, Any], dict[str, pd.DataFrame]]] | None = None

    def classes_of(self, values: Mapping[str, Any]) -> dict[str, type | None]:
        """The classes one run uses: the task's, or those its values name as a factor."""
        chosen: dict[str, type | None] = {"model_class": self.model_class,
                                          "member_class": self.member_class,
                                          "manager_class": self.manager_class}
        for role, levels in self.class_levels.items():
            chosen[role] = levels[str(values[role])]
        return chosen


@dataclass
class ChunkResult:
    """The rows of a finished chunk: one per run, plus the tables recorded (by name).

    ``errors`` keeps the exceptions of failed runs that carry their own file and field
    (scenario errors), by run id, so that a caller can report them as they were raised.
    """

    rows: list[dict[str, Any]]
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    errors: dict[int, Exception] = field(default_factory=dict)

    @property
    def failures(self) -> int:
        """How many runs in the chunk raised."""
        return sum(1 for row in self.rows if row["status"] == FAILED)

    @property
    def steps(self) -> pd.DataFrame | None:
        """The step rows of the chunk, if recorded."""
        return self.tables.get("steps")


def run_chunk(task: ChunkTask) -> ChunkResult:
    """Run every simulation of ``task``; a run that raises becomes a failed row."""
    rows: list[dict[str, Any]] = []
    collected: dict[str, list[tuple[RunSpec, pd.DataFrame]]] = {}
    errors: dict[int, Exception] = {}
    for spec in task.runs:
        row, tables, error = run_one(task, spec)
        rows.append(row)
        for name, frame in tables.items():
            collected.setdefault(name, []).append((spec, frame))
        if error is not None:
            errors[spec.run_id] = error
    return ChunkResult(rows, {name: _headed(parts) for name, parts in collected.items()},
                       errors)


def _headed(parts: list[tuple[RunSpec, pd.DataFrame]]) -> pd.DataFrame:
    """The runs' tables as one, each row headed by its run's id, point and replicate (added
    once per chunk, not once per run: it is the costly part for short runs)."""
    frame = pd.concat([table for _, table in parts], ignore_index=True)
    lengths = [len(table) for _, table in parts]
    for name in ("replicate", "point", "run_id"):
        frame.insert(0, name, np.repeat([getattr(spec, name) for spec, _ in parts], lengths))
    return frame


def run_one(task: ChunkTask, spec: RunSpec
            ) -> tuple[dict[str, Any], dict[str, pd.DataFrame], Exception | None]:
    """One seeded simulation: its outcome row (or failure row), the tables it recorded, and
    the error to report when it failed with a scenario error."""
    from alliancesim.model.timeline import simulate

    row: dict[str, Any] = {
        "run_id": spec.run_id,
        "point": spec.point,
        "replicate": spec.replicate,
        **spec.values,
        "seed_entropy": str(task.root_seed),
        "seed_spawn_key": list(spec.spawn_key),
    }
    seed = np.random.SeedSequence(task.root_seed, spawn_key=spec.spawn_key)
    started = time.perf_counter()
    try:
        if task.runner is not None:
            outcome, tables = task.runner(task, spec, seed)
        else:
            params = {k: v for k, v in {**task.base, **spec.values}.items()
                      if k not in task.class_levels}
            record = task.record
            result = simulate(
                params, seed, task.interventions, record_steps=record.steps,
                record_events=record.events, record_panel=record.panel,
                network_months=record.network_months, **task.classes_of(spec.values),
                step_columns=_with_month(record.columns))
            outcome, tables = result.outcome, _tables(result, record)
    except Exception as exc:  # any failure of one run is recorded, never fatal
        row.update(status=FAILED, error=f"{type(exc).__name__}: {exc}",
                   traceback=traceback.format_exc(),
                   duration_s=time.perf_counter() - started)
        return row, {}, exc if _reportable(exc) else None
    row.update(status=OK, error="", traceback="", duration_s=time.perf_counter() - started)
    row.update(outcome)
    return row, tables, None


def _reportable(exc: Exception) -> bool:
    """Whether ``exc`` names its own file and field (and pickles with them)."""
    from alliancesim.scenarios.errors import ScenarioError

    return isinstance(exc, ScenarioError)


def _tables(result: Any, record: Recording) -> dict[str, pd.DataFrame]:
    """The recorded tables of one run."""
    tables: dict[str, pd.DataFrame] = {}
    if record.steps and result.steps is not None:
        tables["steps"] = thin_steps(result.steps, record.every, record.columns)
    if record.panel and result.panel is not None:
        tables["panel"] = thin_steps(result.panel, record.every, None)
    if record.events and result.events is not None:
        tables["events"] = result.events
    if record.network_months and result.network is not None:
        tables["network"] = result.network
    return tables


def _with_month(columns: Iterable[str] | None) -> list[str] | None:
    """``columns`` with ``month`` first (None: every column)."""
    if columns is None:
        return None
    return ["month", *(c for c in columns if c != "month")]


def thin_steps(steps: pd.DataFrame, every: int, columns: Iterable[str] | None) -> pd.DataFrame:
    """Keep every ``every``-th month and the last one, and only ``columns`` (month always)."""
    wanted = _with_month(columns)
    if wanted is not None and list(steps.columns) != wanted:
        steps = steps[wanted]
    if every <= 1 or steps.empty:
        return steps
    months = steps["month"].to_numpy()
    return steps.loc[(months % every == 0) | (months == months.max())].reset_index(drop=True)
