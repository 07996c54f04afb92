"""Running a sweep: plan the runs not yet done, farm them out, store them as they finish.

Rerunning :func:`run_sweep` on the same results folder resumes: runs already stored are
skipped, the rest run with the same seeds, so the folder ends with exactly the runs of an
uninterrupted sweep. A run that raises is stored as a failed row and the sweep goes on.

Resuming also heals the folder: a damaged part is moved to ``corrupt/`` and its runs run
again, and a missing design file is drawn again from the manifest (the design depends only
on the experiment and the root seed).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from alliancesim.sweeps.backends import Backend, make_backend
from alliancesim.sweeps.design import Design
from alliancesim.sweeps.experiment import Experiment, load_experiment
from alliancesim.sweeps.runs import (
    FAILED,
    ChunkResult,
    ChunkTask,
    RunSpec,
    run_id_of,
)
from alliancesim.sweeps.storage import DesignMissing, ResultsError, ResultsStore, now, versions

SEED_SCHEME = ("run (point, replicate) uses numpy.random.SeedSequence(root_seed, "
               "spawn_key=(point, replicate)) = SeedSequence(root_seed).spawn(points)[point]"
               ".spawn(replicates)[replicate]; run_id = point * replicates + replicate")


@dataclass
class SweepSummary:
    """What a call to :func:`run_sweep` did."""

    out: Path
    experiment: str
    backend: str
    workers: int
    runs_total: int
    runs_before: int
    runs_now: int = 0
    failures_now: int = 0
    failures_before: int = 0
    elapsed_s: float = 0.0
    status: str = "running"
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def runs_stored(self) -> int:
        """Runs in the folder now, from this call and earlier ones."""
        return self.runs_before + self.runs_now

    @property
    def failures_total(self) -> int:
        """Failed runs in the folder now."""
        return self.failures_before + self.failures_now

    def results(self) -> pd.DataFrame:
        """Every stored run as a DataFrame (see :func:`alliancesim.sweeps.load_results`)."""
        return ResultsStore(self.out).read_runs()


@dataclass
class _Plan:
    """The design and seed of a results folder, new or resumed."""

    design: Design
    root_seed: int
    manifest: dict[str, Any]
    warnings: list[str] = field(default_factory=list)


def run_sweep(
    experiment: Experiment | str | Path,
    out: str | Path | None = None,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    backend: str = "auto",
    client: Any = None,
    progress: bool = False,
    flush_runs: int = 1000,
    flush_seconds: float = 30.0,
    runs_per_task: int | None = None,
    verbose: bool = False,
) -> SweepSummary:
    """Run (or resume) a sweep and store its results in ``out``.

    Args:
        experiment: an :class:`Experiment` or the path of an experiment TOML file.
        out: results folder (default ``results/<experiment name>``).
        workers: processes that simulate on this machine, this one included (default: all
            cores); 1 runs everything in this process.
        scheduler: address of a Dask scheduler (``tcp://host:8786``): run there.
        backend: ``auto``, ``inprocess``, ``processes`` or ``dask``.
        client: an existing ``dask.distributed.Client`` to use instead of an address.
        progress: show a progress bar (runs done, failures, time left).
        flush_runs, flush_seconds: write a Parquet part after this many finished runs or
            this many seconds, whichever comes first (what a crash can cost at most).
        runs_per_task: runs per chunk sent to a worker (default: chosen from the size).
        verbose: let Dask log its own errors (tracebacks of lost connections) as well.

    Returns a :class:`SweepSummary`; ``summary.results()`` gives the runs as a DataFrame.
    Ctrl-C stores every finished run before re-raising ``KeyboardInterrupt``.
    """
    exp = experiment if isinstance(experiment, Experiment) else load_experiment(experiment)
    store = ResultsStore(out if out is not None else Path("results") / exp.name)
    with ExitStack() as stack:
        store.open_for_writing()
        stack.callback(store.close)
        plan = _prepare(store, exp)
        plan.warnings.extend(_set_aside_damaged(store))
        done = _done_mask(store, plan.design.n_points * exp.replicates)
        engine = make_backend(backend, workers, scheduler, client, quiet=not verbose)
        stack.callback(engine.close)
        if engine.warning:
            plan.warnings.insert(0, engine.warning)
        summary = SweepSummary(
            out=store.root, experiment=exp.name, backend=engine.name, workers=engine.workers,
            runs_total=len(done), runs_before=int(done.sum()),
            failures_before=_stored_failures(store), warnings=plan.warnings,
        )
        per_task = runs_per_task or _auto_chunk(engine, len(done) - summary.runs_before)
        tasks = plan_tasks(exp, plan.design, plan.root_seed, done, per_task)
        _execute(engine, tasks, store, plan.manifest, summary, progress,
                 flush_runs, flush_seconds)
    return summary


def _prepare(store: ResultsStore, exp: Experiment) -> _Plan:
    """Start a new results folder, or check that an existing one holds this experiment."""
    fingerprint = exp.fingerprint()
    if store.exists():
        manifest = store.read_manifest()
        if manifest.get("experiment_fingerprint") != fingerprint:
            raise ResultsError(
                f"{store.root} holds results of a different experiment "
                f"({manifest.get('experiment', {}).get('name', '?')!r} as it was when started); "
                "use another --out folder, or restore the experiment file it was started with")
        warnings = _version_changes(manifest.get("versions", {}), versions())
        missing_keys = [k for k in ("design", "root_seed") if k not in manifest]
        if missing_keys:
            raise ResultsError(f"{store.manifest_path}: no {' or '.join(missing_keys)} recorded; "
                               "the folder cannot be resumed: use a new --out folder")
        root_seed = int(manifest["root_seed"])
        try:
            design = Design.from_summary(manifest["design"], store.read_design(), root_seed)
        except DesignMissing as missing:
            design = _redraw_design(store, manifest, root_seed, missing)
            warnings.append(f"{missing}; drew it again from the manifest (root seed "
                            f"{root_seed}) and wrote it back")
        return _Plan(design, root_seed, manifest, warnings)
    if store.run_parts():
        raise ResultsError(f"{store.root} has run parts but no manifest; use an empty folder")
    root_seed = exp.seed if exp.seed is not None else int(np.random.SeedSequence().entropy)
    design = exp.make_design(root_seed)
    store.write_design(design.iter_points())
    manifest = {
        "format": 1,
        "experiment": {**exp.model_dump(mode="json"), "file": exp.source},
        "experiment_fingerprint": fingerprint,
        "base_parameters": exp.base_parameters(),
        "interventions": [repr(i) for i in exp.interventions()],
        "design": design.summary(),
        "replicates": exp.replicates,
        "runs_total": design.n_points * exp.replicates,
        "root_seed": root_seed,
        "seed_scheme": SEED_SCHEME,
        "versions": versions(),
        "created": now(),
        "status": "created",
        "sessions": [],
    }
    store.write_manifest(manifest)
    return _Plan(design, root_seed, manifest)


def _redraw_design(store: ResultsStore, manifest: dict[str, Any], root_seed: int,
                   missing: DesignMissing) -> Design:
    """Draw the design again from the manifest (it depends only on the experiment and the
    root seed), check it against the size recorded there, and store it."""
    design = Design.from_summary(manifest["design"], None, root_seed)
    expected = manifest["design"].get("points")
    if expected is not None and design.n_points != expected:
        raise ResultsError(f"{missing}, and the manifest does not give it back ({design.n_points} "
                           f"points drawn, {expected} recorded); use a new --out folder")
    store.write_design(design.iter_points())
    return design


def _set_aside_damaged(store: ResultsStore) -> list[str]:
    """Move damaged parts out of the way; say which, and that their runs run again."""
    return [f"{part.describe()} is damaged: moved to {store.corrupt_dir}; its runs run again"
            for part in store.set_aside_damaged()]


def _version_changes(before: dict[str, str], current: dict[str, str]) -> list[str]:
    """Warnings for versions that differ from those the sweep started with."""
    return [f"{name} is {current.get(name)} now but was {old} when this sweep started; "
            "runs from both may differ" for name, old in before.items()
            if current.get(name) != old]


def _done_mask(store: ResultsStore, total: int) -> np.ndarray:
    """A boolean per run id: already stored?"""
    done = np.zeros(total, dtype=bool)
    ids = store.completed_ids()
    if len(ids) and (ids.max() >= total or ids.min() < 0):
        raise ResultsError(f"{store.root}: stored run ids do not fit the design")
    done[ids] = True
    return done


def _stored_failures(store: ResultsStore) -> int:
    if not store.run_parts():
        return 0
    return int((store.read_runs(columns=["status"])["status"] == FAILED).sum())


def _auto_chunk(engine: Backend, remaining: int) -> int:
    """Runs per task: 1 in-process; otherwise enough per task to hide the overhead, while
    leaving each worker a dozen tasks or more so that the load balances."""
    if engine.name == "inprocess":
        return 1
    return int(np.clip(remaining // (engine.workers * 12), 1, 25))


def plan_tasks(exp: Experiment, design: Design, root_seed: int, done: np.ndarray,
               per_task: int) -> Iterator[ChunkTask]:
    """Chunks of the runs not yet done, in design order, generated lazily."""
    names = [f.name for f in design.factors]
    base = exp.base_parameters()
    interventions = exp.interventions()
    steps_every = exp.record.every if exp.record.steps else None
    columns = tuple(exp.record.columns) if exp.record.columns is not None else None

    def task(runs: list[RunSpec]) -> ChunkTask:
        return ChunkTask(root_seed, base, tuple(runs), interventions, steps_every, columns)

    batch: list[RunSpec] = []
    for block in design.iter_points():
        for point, *values in block[["point", *names]].itertuples(index=False, name=None):
            first = run_id_of(int(point), 0, exp.replicates)
            if done[first:first + exp.replicates].all():
                continue
            point_values = exp.run_values(
                {n: _plain(v) for n, v in zip(names, values, strict=True)})
            for replicate in range(exp.replicates):
                if done[first + replicate]:
                    continue
                batch.append(RunSpec(first + replicate, int(point), replicate, point_values))
                if len(batch) >= per_task:
                    yield task(batch)
                    batch = []
    if batch:
        yield task(batch)


def _plain(value: Any) -> Any:
    """numpy scalars to Python ones (the model validates Python types)."""
    return value.item() if isinstance(value, np.generic) else value


class _Buffer:
    """Finished runs waiting to be written as one part."""

    def __init__(self, store: ResultsStore, flush_runs: int, flush_seconds: float) -> None:
        self.store, self.flush_runs, self.flush_seconds = store, flush_runs, flush_seconds
        self.rows: list[dict[str, Any]] = []
        self.steps: list[pd.DataFrame] = []
        self.last_flush = time.monotonic()

    def add(self, result: ChunkResult) -> None:
        self.rows.extend(result.rows)
        if result.steps is not None:
            self.steps.append(result.steps)
        if (len(self.rows) >= self.flush_runs
                or time.monotonic() - self.last_flush >= self.flush_seconds):
            self.flush()

    def flush(self) -> None:
        if self.rows:
            self.store.write_chunk(self.rows, self.steps)
        self.rows, self.steps = [], []
        self.last_flush = time.monotonic()


def _execute(engine: Backend, tasks: Iterator[ChunkTask], store: ResultsStore,
             manifest: dict[str, Any], summary: SweepSummary, progress: bool,
             flush_runs: int, flush_seconds: float) -> None:
    """Run the tasks, store results as they come, and record the session in the manifest."""
    buffer = _Buffer(store, flush_runs, flush_seconds)
    session = {"started": now(), "backend": engine.name, "workers": engine.workers,
               "runs_before": summary.runs_before, "versions": versions()}
    manifest.setdefault("sessions", []).append(session)
    manifest["status"] = "running"
    store.write_manifest(manifest)
    started = time.monotonic()
    with _progress_bar(progress, summary) as bar:
        try:
            for result in engine.map_unordered(tasks):
                buffer.add(result)
                summary.runs_now += len(result.rows)
                summary.failures_now += result.failures
                summary.errors.extend(r["error"] for r in result.rows if r["status"] == FAILED)
                del summary.errors[20:]  # a sample is enough for the report
                bar.advance(len(result.rows), summary.failures_total)
            summary.status = "complete"
        except KeyboardInterrupt:
            summary.status = "interrupted"
            raise
        except BaseException:
            summary.status = "stopped"
            raise
        finally:
            buffer.flush()
            summary.elapsed_s = time.monotonic() - started
            session.update(ended=now(), status=summary.status, runs=summary.runs_now,
                           failures=summary.failures_now, elapsed_s=round(summary.elapsed_s, 3))
            manifest.update(status=summary.status, runs_stored=summary.runs_stored,
                            failures_stored=summary.failures_total)
            store.write_manifest(manifest)


class _ProgressBar:
    """A Rich progress bar with runs done, failures and time left (or nothing)."""

    def __init__(self, enabled: bool, summary: SweepSummary) -> None:
        self.progress: Progress | None = None
        self.task: TaskID | None = None
        if enabled:
            self.progress = Progress(
                TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                TextColumn("runs"), TextColumn("[red]{task.fields[failures]} failed"),
                TimeElapsedColumn(), TextColumn("left"), TimeRemainingColumn(),
                console=Console(stderr=True),
            )
            self.task = self.progress.add_task(
                summary.experiment, total=summary.runs_total, completed=summary.runs_before,
                failures=summary.failures_before)

    def __enter__(self) -> _ProgressBar:
        if self.progress is not None:
            self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.progress is not None:
            self.progress.stop()

    def advance(self, runs: int, failures: int) -> None:
        if self.progress is not None and self.task is not None:
            self.progress.update(self.task, advance=runs, failures=failures)


def _progress_bar(enabled: bool, summary: SweepSummary) -> _ProgressBar:
    return _ProgressBar(enabled, summary)
