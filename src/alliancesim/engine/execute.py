"""The one run engine: farm chunks of seeded runs out to a backend and store them as they
finish, so that a rerun of the same command resumes where the last one stopped.

Sweeps, comparisons, validation and single runs all describe their runs as chunk tasks and
hand them to :func:`execute`; only what the runs are differs. Results go to a
:class:`~alliancesim.engine.store.ResultsStore` in Parquet parts every ``flush_runs`` runs
or ``flush_seconds`` seconds, so a crash costs at most that much work.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from alliancesim.engine.backends import Backend, make_backend
from alliancesim.engine.store import ResultsError, ResultsStore, now
from alliancesim.engine.tasks import FAILED, ChunkResult, ChunkTask

ProgressCallback = Callable[[int, int], None]  # (runs stored, runs in all)
TaskPlanner = Callable[[np.ndarray, int], Iterator[ChunkTask]]  # (done mask, runs per task)


@dataclass
class RunSummary:
    """What a call to the engine did (returned by ``run_sweep``; inside comparisons)."""

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
    reported: dict[int, Exception] = field(default_factory=dict, repr=False)

    @property
    def name(self) -> str:
        """The name of what ran (the experiment, or the comparison)."""
        return self.experiment

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


@dataclass(frozen=True)
class EngineOptions:
    """Where and how the runs execute (see :func:`alliancesim.sweeps.run_sweep`)."""

    workers: int | None = None
    scheduler: str | None = None
    backend: str = "auto"
    client: Any = None
    progress: bool | ProgressCallback = False
    flush_runs: int = 1000
    flush_seconds: float = 30.0
    runs_per_task: int | None = None
    verbose: bool = False
    caller: str = "this"


class StoppedOnFailure(RuntimeError):
    """A run failed and the caller asked to stop at the first failure (its row is stored)."""

    def __init__(self, summary: RunSummary) -> None:
        super().__init__(summary.errors[0] if summary.errors else "a run failed")
        self.summary = summary


def execute(store: ResultsStore, manifest: dict[str, Any], name: str, total: int,
            plan: TaskPlanner, options: EngineOptions, warnings: list[str] | None = None,
            stop_on_failure: bool = False) -> RunSummary:
    """Run every run of ``plan`` not yet in ``store`` and store the results as they come.

    ``store`` must be open for writing and ``manifest`` already describe the runs; run ids
    go from 0 to ``total - 1``. Damaged parts are set aside first (their runs run again).
    The manifest records each session and the status at the end. Ctrl-C (or any error)
    stores every finished run before it propagates.
    """
    notes = [*(warnings or []), *store.notes]
    notes += [f"{part.describe()} is damaged: moved to {store.corrupt_dir}; its runs run again"
              for part in store.set_aside_damaged()]
    notes += [f"{part.describe()} does not belong to this folder: moved to "
              f"{store.rejected_dir}; its runs are not counted"
              for part in store.set_aside_foreign()]
    done = done_mask(store, total)
    engine = make_backend(options.backend, options.workers, options.scheduler, options.client,
                          quiet=not options.verbose, caller=options.caller)
    try:
        if engine.warning:
            notes.insert(0, engine.warning)
        summary = RunSummary(
            out=store.root, experiment=name, backend=engine.name, workers=engine.workers,
            runs_total=total, runs_before=int(done.sum()),
            failures_before=stored_failures(store), warnings=notes)
        per_task = options.runs_per_task or auto_chunk(engine, total - summary.runs_before)
        _run(engine, plan(done, per_task), store, manifest, summary, options, stop_on_failure)
    finally:
        engine.close()
    return summary


def done_mask(store: ResultsStore, total: int) -> np.ndarray:
    """A boolean per run id: already stored?"""
    done = np.zeros(total, dtype=bool)
    ids = store.completed_ids()
    if len(ids) and (ids.max() >= total or ids.min() < 0):
        raise ResultsError(f"{store.root}: stored run ids do not fit the runs planned")
    done[ids] = True
    return done


def stored_failures(store: ResultsStore) -> int:
    """Failed runs already in the folder."""
    if not store.run_parts():
        return 0
    return int((store.read_runs(columns=["status"])["status"] == FAILED).sum())


def auto_chunk(engine: Backend, remaining: int) -> int:
    """Runs per task: in-process, a few (a hundred tasks or more keep the progress moving);
    otherwise enough per task to hide the overhead, while leaving each worker a dozen tasks
    or more so that the load balances."""
    if engine.name == "inprocess":
        return int(np.clip(remaining // 100, 1, 10))
    return int(np.clip(remaining // (engine.workers * 12), 1, 25))


class _Buffer:
    """Finished runs waiting to be written as one part."""

    def __init__(self, store: ResultsStore, flush_runs: int, flush_seconds: float) -> None:
        self.store, self.flush_runs, self.flush_seconds = store, flush_runs, flush_seconds
        self.rows: list[dict[str, Any]] = []
        self.tables: dict[str, list[pd.DataFrame]] = {}
        self.stored = 0  # runs written to the store
        self.last_flush = time.monotonic()

    def add(self, result: ChunkResult) -> None:
        self.rows.extend(result.rows)
        for name, frame in result.tables.items():
            self.tables.setdefault(name, []).append(frame)
        if (len(self.rows) >= self.flush_runs
                or time.monotonic() - self.last_flush >= self.flush_seconds):
            self.flush()

    def flush(self) -> None:
        if self.rows:
            self.store.write_chunk(self.rows, tables=self.tables)
            self.stored += len(self.rows)
        self.rows, self.tables = [], {}
        self.last_flush = time.monotonic()


def _run(engine: Backend, tasks: Iterator[ChunkTask], store: ResultsStore,
         manifest: dict[str, Any], summary: RunSummary, options: EngineOptions,
         stop_on_failure: bool) -> None:
    """Run the tasks, store results as they come, and record the session in the manifest."""
    from alliancesim.engine.store import versions

    buffer = _Buffer(store, options.flush_runs, options.flush_seconds)
    session = {"started": now(), "backend": engine.name, "workers": engine.workers,
               "runs_before": summary.runs_before, "versions": versions()}
    manifest.setdefault("sessions", []).append(session)
    started = time.monotonic()
    try:  # from the moment the manifest says "running", it will also say how it ended
        manifest["status"] = "running"
        store.write_manifest(manifest)
        with _reporter(options.progress, summary) as advance:
            for result in engine.map_unordered(tasks):
                buffer.add(result)
                _count(summary, result)
                advance(len(result.rows), summary)
                if stop_on_failure and result.failures:
                    raise StoppedOnFailure(summary)
        summary.status = "complete"
    except KeyboardInterrupt:
        summary.status = "interrupted"
        raise
    except BaseException:
        summary.status = "stopped"
        raise
    finally:
        try:
            buffer.flush()
        except BaseException:
            summary.status = "stopped"
            raise
        finally:  # the manifest says how it ended, even when the last write failed
            summary.runs_now = buffer.stored
            _record_session(store, manifest, session, summary, started)


def _record_session(store: ResultsStore, manifest: dict[str, Any], session: dict[str, Any],
                    summary: RunSummary, started: float) -> None:
    """Write how the session ended (status, runs written) into the manifest."""
    summary.elapsed_s = time.monotonic() - started
    session.update(ended=now(), status=summary.status, runs=summary.runs_now,
                   failures=summary.failures_now, elapsed_s=round(summary.elapsed_s, 3))
    manifest.update(status=summary.status, runs_stored=summary.runs_stored,
                    failures_stored=summary.failures_total)
    store.write_manifest(manifest)


def _count(summary: RunSummary, result: ChunkResult) -> None:
    summary.runs_now += len(result.rows)
    summary.failures_now += result.failures
    summary.errors.extend(r["error"] for r in result.rows if r["status"] == FAILED)
    del summary.errors[20:]  # a sample is enough for the report
    for run_id, error in result.errors.items():
        if len(summary.reported) < 20:
            summary.reported.setdefault(run_id, error)


Advance = Callable[[int, RunSummary], None]


def _reporter(progress: bool | ProgressCallback, summary: RunSummary
              ) -> AbstractContextManager[Advance]:
    """How finished runs are shown: a Rich progress bar, a callback, or not at all."""
    if progress is True:
        return _ProgressBar(summary)
    if callable(progress):
        callback = progress
        return nullcontext(lambda runs, s: callback(s.runs_stored, s.runs_total))
    return nullcontext(lambda runs, s: None)


class _ProgressBar:
    """A Rich progress bar with runs done, failures and time left."""

    def __init__(self, summary: RunSummary) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self.progress = Progress(
            TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
            TextColumn("runs"), TextColumn("[red]{task.fields[failures]} failed"),
            TimeElapsedColumn(), TextColumn("left"), TimeRemainingColumn(),
            console=Console(stderr=True),
        )
        self.task = self.progress.add_task(
            summary.experiment, total=summary.runs_total, completed=summary.runs_before,
            failures=summary.failures_before)

    def __enter__(self) -> Advance:
        self.progress.start()
        return self.advance

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def advance(self, runs: int, summary: RunSummary) -> None:
        self.progress.update(self.task, advance=runs, failures=summary.failures_total)
