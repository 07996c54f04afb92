"""What a worker does: run a chunk of seeded simulations and return their rows.

Everything here is picklable and importable by name, so the same function runs in-process, in
a local process pool and on Dask workers, and gives the same rows on all three.

Seeds: run ``(point, replicate)`` gets ``SeedSequence(root_seed, spawn_key=(point,
replicate))``, which is exactly ``SeedSequence(root_seed).spawn(n_points)[point]
.spawn(replicates)[replicate]``. It depends only on the root seed and the run's identity, never
on the backend or on which runs were already done.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from alliancesim.model.timeline import simulate

RUN_COLUMNS = ("run_id", "point", "replicate", "status", "error", "traceback",
               "seed_entropy", "seed_spawn_key", "duration_s")
OK, FAILED = "ok", "failed"


def run_id_of(point: int, replicate: int, replicates: int) -> int:
    """The stable id of a run: its position in (point, replicate) order."""
    return point * replicates + replicate


def run_seed(root_seed: int, point: int, replicate: int) -> np.random.SeedSequence:
    """The seed of run ``(point, replicate)``: a spawned child of the root seed."""
    return np.random.SeedSequence(root_seed, spawn_key=(point, replicate))


@dataclass(frozen=True)
class RunSpec:
    """One run to do: its identity and the values of the varied parameters."""

    run_id: int
    point: int
    replicate: int
    values: Mapping[str, Any]


@dataclass(frozen=True)
class ChunkTask:
    """A batch of runs sharing the base parameters, timeline and recording options."""

    root_seed: int
    base: Mapping[str, Any]
    runs: tuple[RunSpec, ...]
    interventions: tuple[Any, ...] = ()  # Intervention-like: .month and .apply(model)
    steps_every: int | None = None
    step_columns: tuple[str, ...] | None = None


@dataclass
class ChunkResult:
    """The rows of a finished chunk: one per run, plus the thinned step tables if recorded."""

    rows: list[dict[str, Any]]
    steps: pd.DataFrame | None = None

    @property
    def failures(self) -> int:
        """How many runs in the chunk raised."""
        return sum(1 for row in self.rows if row["status"] == FAILED)


def run_chunk(task: ChunkTask) -> ChunkResult:
    """Run every simulation of ``task``; a run that raises becomes a failed row."""
    rows: list[dict[str, Any]] = []
    steps: list[pd.DataFrame] = []
    for spec in task.runs:
        row, step_table = run_one(task, spec)
        rows.append(row)
        if step_table is not None:
            steps.append(step_table)
    return ChunkResult(rows, pd.concat(steps, ignore_index=True) if steps else None)


def run_one(task: ChunkTask, spec: RunSpec) -> tuple[dict[str, Any], pd.DataFrame | None]:
    """One seeded simulation: its outcome row (or failure row) and optional step table."""
    row: dict[str, Any] = {
        "run_id": spec.run_id,
        "point": spec.point,
        "replicate": spec.replicate,
        **spec.values,
        "seed_entropy": str(task.root_seed),
        "seed_spawn_key": [spec.point, spec.replicate],
    }
    params = {**task.base, **spec.values}
    started = time.perf_counter()
    try:
        result = simulate(params, run_seed(task.root_seed, spec.point, spec.replicate),
                          task.interventions, record_steps=task.steps_every is not None)
    except Exception as exc:  # any failure of one run is recorded, never fatal
        row.update(status=FAILED, error=f"{type(exc).__name__}: {exc}",
                   traceback=traceback.format_exc(),
                   duration_s=time.perf_counter() - started)
        return row, None
    row.update(status=OK, error="", traceback="", duration_s=time.perf_counter() - started)
    row.update(result.outcome)
    steps = None
    if result.steps is not None and task.steps_every is not None:
        steps = thin_steps(result.steps, task.steps_every, task.step_columns)
        steps.insert(0, "replicate", spec.replicate)
        steps.insert(0, "point", spec.point)
        steps.insert(0, "run_id", spec.run_id)
    return row, steps


def thin_steps(steps: pd.DataFrame, every: int, columns: Iterable[str] | None) -> pd.DataFrame:
    """Keep every ``every``-th month and the last one, and only ``columns`` (month always)."""
    months = steps["month"].to_numpy()
    keep = (months % every == 0) | (months == months.max())
    selected = steps.loc[keep]
    if columns is not None:
        wanted = ["month", *(c for c in columns if c != "month")]
        selected = selected[wanted]
    return selected.reset_index(drop=True)
