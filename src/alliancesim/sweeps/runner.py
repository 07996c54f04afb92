"""Running a sweep: plan the runs not yet done, farm them out, store them as they finish.

Rerunning :func:`run_sweep` on the same results folder resumes: runs already stored are
skipped, the rest run with the same seeds, so the folder ends with exactly the runs of an
uninterrupted sweep. A run that raises is stored as a failed row and the sweep goes on.

Resuming also heals the folder: a damaged part is moved to ``corrupt/`` and its runs run
again, and a missing design file is drawn again from the manifest (the design depends only
on the experiment and the root seed).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import numpy as np

from alliancesim.engine.execute import EngineOptions, RunSummary, execute
from alliancesim.engine.owncode import (
    code_changes,
    imported_code,
    keep_imported_code,
    recorded_code,
)
from alliancesim.engine.provenance import (
    COMMON_SWEEP_SEED_SCHEME,
    SWEEP_SEED_SCHEME,
    provenance,
)
from alliancesim.engine.store import DesignMissing, ResultsError, ResultsStore, now, versions
from alliancesim.engine.tasks import ChunkTask, RunSpec, run_id_of, sweep_spawn_key
from alliancesim.params.declared import parameter_record
from alliancesim.sweeps.design import Design
from alliancesim.sweeps.ecosystem import EcosystemExperiment, load_any_experiment
from alliancesim.sweeps.experiment import Experiment

SEED_SCHEME = SWEEP_SEED_SCHEME
SweepSummary = RunSummary  # what run_sweep returns


def run_sweep(
    experiment: Experiment | EcosystemExperiment | str | Path,
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
    allow_import: bool = False,
    replicate_targets: np.ndarray | None = None,
) -> RunSummary:
    """Run (or resume) a sweep and store its results in ``out``.

    Args:
        experiment: an :class:`Experiment`, an
            :class:`~alliancesim.sweeps.ecosystem.EcosystemExperiment` (whose runs are
            whole ecosystems), or the path of an experiment TOML file of either kind.
        out: results folder (default ``results/<experiment name>``).
        workers: processes that simulate on this machine, this one included (default: all
            cores); 1 runs everything in this process.
        scheduler: address of a Dask scheduler (``tcp://host:8786``): run there.
        backend: ``auto``, ``inprocess``, ``processes`` or ``dask``.
        client: an existing ``dask.distributed.Client`` to use instead of an address.
        progress: show a progress bar (runs done, failures, time left).
        flush_runs: write a Parquet part after this many finished runs...
        flush_seconds: ...or after this many seconds, whichever comes first (what a crash
            can cost at most).
        runs_per_task: runs per chunk sent to a worker (default: chosen from the size).
        verbose: let Dask log its own errors (tracebacks of lost connections) as well.
        allow_import: import the ``model_class`` / ``member_class`` / ``manager_class`` the
            experiment file names (``"package.module:Class"``); without it such a file is
            refused.
        replicate_targets: run only replicates ``0 .. targets[point] - 1`` of each point
            (one entry per design point, at most the experiment's ``replicates``): a round
            of an adaptive design. Run ids and seeds are those of the whole sweep, so later
            rounds add runs and never change earlier ones.

    Returns a :class:`SweepSummary`; ``summary.results()`` gives the runs as a DataFrame.
    Ctrl-C stores every finished run before re-raising ``KeyboardInterrupt``. Worker
    processes import the main script again: call this under ``if __name__ == "__main__":``.
    """
    exp = experiment if isinstance(experiment, Experiment | EcosystemExperiment) else \
        load_any_experiment(experiment, allow_import=allow_import)
    ecosystem = isinstance(exp, EcosystemExperiment)
    if ecosystem:  # whole ecosystems: no classes of one's own, and one run per task
        classes, levels, own = (None, None, None), {}, []
        runs_per_task = runs_per_task or 1  # (a run takes seconds: balance the load)
    else:
        classes = exp.classes(allow_import)
        levels = exp.class_levels(allow_import)
        own = _all_classes(exp, classes, levels)
    store = ResultsStore(out if out is not None else Path("results") / exp.name)
    options = EngineOptions(workers, scheduler, backend, client, progress, flush_runs,
                            flush_seconds, runs_per_task, verbose, caller="run_sweep")
    with ExitStack() as stack:
        store.open_for_writing()
        stack.callback(store.close)
        design, root_seed, manifest, warnings = _prepare(store, exp, own)
        if ecosystem:  # the factors' definitions, for 'analyze' (labels, units)
            manifest.setdefault("factor_parameters",
                                [parameter_record(p) for p in exp.factor_parameters()])
        total = design.n_points * exp.replicates

        def plan(done: np.ndarray, per_task: int) -> Iterator[ChunkTask]:
            return plan_tasks(exp, design, root_seed, wanted(done, replicate_targets),
                              per_task, classes, levels)

        summary = execute(store, manifest, exp.name, total, plan, options, warnings)
    return summary


def _all_classes(exp: Experiment, classes: tuple[type | None, ...],
                 levels: Mapping[str, Mapping[str, type]]) -> list[tuple[str, type | None]]:
    """Every class the runs may use, by role: the experiment's own and every level of its
    class factors (for the record of one's own code)."""
    return [*zip(exp.class_paths(), classes, strict=True),
            *((role, cls) for role, paths in levels.items() for cls in paths.values())]


def _prepare(store: ResultsStore, exp: Experiment | EcosystemExperiment,
             classes: list[tuple[str, type | None]] | None = None
             ) -> tuple[Design, int, dict[str, Any], list[str]]:
    """Start a new results folder, or check that an existing one holds this experiment.
    ``classes`` (role, class) are those the runs use: the code of one's own is recorded
    (and copied into the folder) when it starts, and its changes since are warned of when it
    is resumed."""
    fingerprint = exp.fingerprint()
    if store.exists():
        manifest = store.read_manifest()
        if manifest.get("experiment_fingerprint") != fingerprint:
            raise ResultsError(
                f"{store.root} holds results of a different experiment "
                f"({manifest.get('experiment', {}).get('name', '?')!r} as it was when started); "
                "use another --out folder, or restore the experiment file it was started with")
        warnings = _version_changes(manifest.get("versions", {}), versions())
        warnings += code_changes(recorded_code(manifest), imported_code(classes or []))
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
        return design, root_seed, manifest, warnings
    if store.run_parts():
        raise ResultsError(f"{store.root} has run parts but no manifest; use an empty folder")
    root_seed = exp.seed if exp.seed is not None else int(np.random.SeedSequence().entropy)
    design = exp.make_design(root_seed)
    scheme = seed_scheme(exp)
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
        "common_seeds": exp.design.shares_seeds,
        "dummy_factor": design.has_dummy,
        "seed_scheme": scheme,
        "versions": versions(),
        "recipe": exp.recipe(),
        "declared_parameters": [parameter_record(p) for p in exp.declared],
        "provenance": provenance({"root_seed": root_seed}, scheme, keep_imported_code(
            store.root, classes or [], Path(exp.base_dir))),
        "created": now(),
        "status": "created",
        "sessions": [],
    }
    store.write_manifest(manifest)
    return design, root_seed, manifest, []


def seed_scheme(exp: Experiment | EcosystemExperiment) -> str:
    """The seed scheme of the experiment's runs, in words (for the manifest)."""
    return COMMON_SWEEP_SEED_SCHEME if exp.design.shares_seeds else SWEEP_SEED_SCHEME


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


def _version_changes(before: dict[str, str], current: dict[str, str]) -> list[str]:
    """Warnings for versions that differ from those the sweep started with."""
    return [f"{name} is {current.get(name)} now but was {old} when this sweep started; "
            "runs from both may differ" for name, old in before.items()
            if current.get(name) != old]


def wanted(done: np.ndarray, targets: np.ndarray | None) -> np.ndarray:
    """The done mask with every run beyond its point's target marked done (not wanted)."""
    if targets is None:
        return done
    replicates = len(done) // len(targets)
    beyond = np.arange(replicates)[None, :] >= np.asarray(targets)[:, None]
    return done | beyond.ravel()


def plan_tasks(exp: Experiment | EcosystemExperiment, design: Design, root_seed: int,
               done: np.ndarray, per_task: int,
               classes: tuple[type | None, ...] = (None, None, None),
               levels: Mapping[str, Mapping[str, type]] | None = None
               ) -> Iterator[ChunkTask]:
    """Chunks of the runs not yet done, in design order, generated lazily; ``levels`` are
    the classes of class factors, by field and import path."""
    names = [f.name for f in design.factors]
    common = exp.design.shares_seeds
    base = exp.model_arguments()
    interventions = exp.interventions()
    record = exp.recording()

    runner = exp.task_runner()

    def task(runs: list[RunSpec]) -> ChunkTask:
        return ChunkTask(root_seed, base, tuple(runs), interventions, record, *classes,
                         class_levels=dict(levels or {}), runner=runner)

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
                batch.append(RunSpec(first + replicate, int(point), replicate, point_values,
                                     sweep_spawn_key(int(point), replicate, common)))
                if len(batch) >= per_task:
                    yield task(batch)
                    batch = []
    if batch:
        yield task(batch)


def _plain(value: Any) -> Any:
    """numpy scalars to Python ones (the model validates Python types)."""
    return value.item() if isinstance(value, np.generic) else value
