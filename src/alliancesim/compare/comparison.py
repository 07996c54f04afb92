"""Comparing scenarios from Python: run them with common random numbers, get DataFrames back.

Example::

    from alliancesim.compare import compare_scenarios
    result = compare_scenarios(["dedicated_manager", "transversal_skill"], replicates=50)
    result.summary()    # per outcome and scenario: estimate, CI, effect, test
    result.outcomes     # one row per run, with its seed
    result.survival()   # Kaplan-Meier curves
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from alliancesim.compare import statistics
from alliancesim.compare.runner import Progress, run_comparison
from alliancesim.engine.tasks import Recording
from alliancesim.parallel import cap_workers
from alliancesim.scenarios import Scenario, ScenarioError, load_scenarios

DEFAULT_REPLICATES = 200
DEFAULT_SEED = 1


@dataclass
class Comparison:
    """The runs of a comparison and the statistics drawn from them.

    Attributes:
        scenarios: the scenarios in order; the first is the reference for effects and tests.
        replicates, seed: replicate r of every scenario ran with child r of
            ``SeedSequence(seed)`` (recorded per run in ``outcomes``).
        outcomes: one row per run: run id, scenario, replicate, seed, and the model's
            outcome record.
        trajectories: one row per run and month with the trajectory columns.
        seconds, workers: wall time of the runs and the processes (or Dask workers) used.
        tables: the recorded tables asked for (``panel``, ``events``, ``network``), each
            with the run id and scenario of every row.
        out: the folder the runs were streamed to (None: a temporary one, removed).
        backend: where the runs ran (``inprocess``, ``processes`` or ``dask``).
        notes: what the engine had to say (a resumed comparison, parts set aside, a cap on
            the workers).
    """

    scenarios: list[Scenario]
    replicates: int
    seed: int
    outcomes: pd.DataFrame
    trajectories: pd.DataFrame
    seconds: float = float("nan")
    workers: int = 1
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    out: Path | None = None
    backend: str = "inprocess"
    notes: list[str] = field(default_factory=list)
    margin: float = statistics.DEFAULT_MARGIN  # equivalence margin of shares and survival
    _summaries: dict[tuple[int, float], pd.DataFrame] = field(default_factory=dict,
                                                              repr=False)

    @property
    def names(self) -> list[str]:
        """Scenario names in order."""
        return [s.name for s in self.scenarios]

    @property
    def reference(self) -> str:
        """The scenario the others are compared with."""
        return self.names[0]

    @property
    def survival_month(self) -> int:
        """The last month every scenario covers: where survival is read off and compared."""
        return min(s.horizon for s in self.scenarios)

    def summary(self, n_resamples: int = 2000) -> pd.DataFrame:
        """Per outcome and scenario: estimate, 95% bootstrap CI, effect size against the
        reference, the p-value of a test suited to the outcome (paired, as the runs share
        seeds) and the answer: different, equivalent within ``margin``, or undecided (see
        :mod:`alliancesim.compare.statistics`). The bootstrap is seeded from ``seed``."""
        key = (n_resamples, self.margin)
        if key not in self._summaries:
            self._summaries[key] = statistics.summarize(
                self.outcomes, reference=self.reference, seed=self.seed,
                n_resamples=n_resamples, survival_month=self.survival_month,
                margin=self.margin)
        return self._summaries[key]

    def survival(self) -> pd.DataFrame:
        """Kaplan-Meier curves of time to dissolution, one row per scenario and month."""
        last = max(s.horizon for s in self.scenarios)
        return statistics.survival_curves(self.outcomes, np.arange(0, last + 1))

    def phase_durations(self) -> pd.DataFrame:
        """Mean months in each phase, one row per scenario."""
        return statistics.phase_durations(self.outcomes)


def compare_scenarios(
    scenarios: Sequence[Scenario | str | Path],
    replicates: int = DEFAULT_REPLICATES,
    seed: int = DEFAULT_SEED,
    workers: int | None = None,
    progress: Progress | None = None,
    *,
    out: str | Path | None = None,
    scheduler: str | None = None,
    client: Any = None,
    record: Recording | None = None,
    model_class: str | type | None = None,
    member_class: str | type | None = None,
    manager_class: str | type | None = None,
    allow_import: bool = False,
    verbose: bool = False,
    flush_runs: int = 1000,
    flush_seconds: float = 30.0,
    overwrite: bool = False,
    parameter_sets: Any = None,
) -> Comparison:
    """Run every scenario ``replicates`` times with common random numbers and collect the runs.

    Worker processes import the main script again: from a script, call this under
    ``if __name__ == "__main__":`` (or pass ``workers=1``); a script without that guard is
    refused at once with a message saying so.

    Args:
        scenarios: :class:`Scenario` objects, files, or names of shipped scenarios; the
            first is the reference.
        replicates: runs per scenario (at least 2, for intervals and tests).
        seed: root seed; the same seed gives the same tables, whatever ``workers`` is.
        workers: processes to use (default: every core this process may use); more than
            the cores available are capped at them, with a warning.
        progress: called as ``progress(done, total)`` while runs finish.
        out: a folder to stream the runs to; rerunning the same comparison there after a
            crash resumes it. Without it the runs go to a temporary folder.
        scheduler: run on the Dask cluster with this scheduler address.
        client: run on the Dask cluster of this ``dask.distributed.Client``.
        record: tables to record for every run (``Recording(panel=True, events=True,
            network_months=(12, 24))``), besides what each scenario file asks for.
        model_class: an ``AllianceModel`` subclass (or an import path) for every scenario,
            instead of what the files name.
        member_class: a ``MemberOrganization`` subclass (or an import path), likewise.
        manager_class: an ``AllianceManager`` subclass (or an import path), likewise.
        allow_import: import the classes scenario files name as ``"package.module:Class"``.
        verbose: let Dask log its own errors (tracebacks of lost connections) as well.
        flush_runs: write finished runs to ``out`` after this many runs...
        flush_seconds: ...or this many seconds, whichever comes first (what a crash can
            cost at most).
        overwrite: replace a different comparison already stored in ``out`` (its runs and
            reports are deleted); without it such a folder is refused with
            :class:`~alliancesim.engine.store.ResultsError`. The same comparison is always
            resumed, never run again.
        parameter_sets: a :class:`~alliancesim.sweeps.parameter_sets.ParameterSets` (a
            calibration's plausible sets): replicate ``r`` of every scenario takes set
            ``r mod n``, except the parameters a scenario sets itself.

    Raises:
        ScenarioError: a scenario file is invalid, two scenarios share a name, or a run
            failed (then as ``IncompleteComparison`` with the finished runs).
    """
    if replicates < 2:
        raise ValueError(f"replicates must be at least 2 for intervals and tests, got {replicates}")
    loaded = [s if isinstance(s, Scenario) else
              load_scenarios([s], allow_import=allow_import)[0] for s in scenarios]
    if not loaded:
        raise ValueError("compare needs at least one scenario")
    check_unique_names(loaded)
    if scheduler is None and client is None:
        count = cap_workers(workers)
        if count.warning:
            warnings.warn(count.warning, stacklevel=2)
        workers = count.workers
    start = time.perf_counter()
    runs = run_comparison(loaded, replicates, seed, workers=workers, progress=progress,
                          out=out, scheduler=scheduler, client=client, record=record,
                          model_class=model_class, member_class=member_class,
                          manager_class=manager_class,
                          allow_import=allow_import, verbose=verbose,
                          flush_runs=flush_runs, flush_seconds=flush_seconds,
                          overwrite=overwrite, parameter_sets=parameter_sets)
    summary = runs.summary
    return Comparison(loaded, replicates, seed, runs.outcomes, runs.trajectories,
                      time.perf_counter() - start, runs.workers, runs.tables,
                      Path(out) if out is not None else None,
                      summary.backend if summary is not None else "inprocess",
                      list(summary.warnings) if summary is not None else [])


def check_unique_names(scenarios: Sequence[Scenario]) -> None:
    """Raise :class:`ScenarioError` if two scenarios share a name (tables key on names)."""
    seen: dict[str, Scenario] = {}
    for scenario in scenarios:
        if scenario.name in seen:
            raise ScenarioError(
                scenario.source, "name",
                f"{scenario.name!r} is also the name of {seen[scenario.name].source}; "
                "allowed: a name no other compared scenario has",
            )
        seen[scenario.name] = scenario
