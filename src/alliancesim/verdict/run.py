"""Running a verdict: one sweep per management mode on the sweep runner, then the analysis.

Each mode's sweep is an ordinary resumable sweep (Parquet parts, manifest) in
``OUT/runs/<mode>``, run on whichever backend is asked for; rerunning the same command resumes
every sweep where it stopped and redoes the analysis from the stored runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from alliancesim.verdict.analysis import MAP_RUNS, mode_folder
from alliancesim.verdict.spec import VerdictExperiment, load_verdict

if TYPE_CHECKING:
    from alliancesim.sweeps.runner import SweepSummary
    from alliancesim.verdict.analysis import VerdictAnalysis


@dataclass
class VerdictResult:
    """What :func:`run_verdict` did: the sweeps, the analysis and the report."""

    out: Path
    verdict: VerdictExperiment
    sweeps: dict[str, SweepSummary] = field(default_factory=dict)
    map_sweeps: dict[str, SweepSummary] = field(default_factory=dict)
    analysis: VerdictAnalysis | None = None
    report: Path | None = None
    adaptive: dict[str, Any] | None = None  # rounds, decisions and runs of an adaptive one

    @property
    def failures(self) -> int:
        """Failed runs stored, over every mode and both stages."""
        summaries = [*self.sweeps.values(), *self.map_sweeps.values()]
        return sum(s.failures_total for s in summaries)


def default_out(verdict: VerdictExperiment) -> Path:
    """``results/<name>``."""
    return Path("results") / verdict.name


def run_sweeps(sweeps: dict[str, Any], out: Path, stage: str,
               **options: Any) -> dict[str, SweepSummary]:
    """Run (or resume) every mode's sweep into ``out/<stage>/<mode>``; ``options`` go to
    :func:`alliancesim.sweeps.run_sweep` (workers, scheduler, client, progress, ...)."""
    from alliancesim.sweeps import run_sweep

    return {mode: run_sweep(experiment, mode_folder(out, mode, stage), **options)
            for mode, experiment in sweeps.items()}


def run_verdict(experiment: VerdictExperiment | str | Path, out: str | Path | None = None,
                *, adaptive: bool = False, **options: Any) -> VerdictResult:
    """Run (or resume) a verdict and write its report to ``out`` (default
    ``results/<name>``).

    ``options`` are those of :func:`alliancesim.sweeps.run_sweep`: ``workers``,
    ``scheduler``, ``backend``, ``client``, ``progress``, ``flush_runs``, ``flush_seconds``,
    ``verbose``. With ``adaptive`` the runs go in rounds to the points still undecided
    (:mod:`alliancesim.verdict.adaptive`). Returns a :class:`VerdictResult` with the analysis
    (its tables as DataFrames) and the report's path.
    """
    from alliancesim.verdict.analysis import RUNS, analyse, defaults_map
    from alliancesim.verdict.report import write_report

    verdict = (experiment if isinstance(experiment, VerdictExperiment)
               else load_verdict(experiment, allow_import=bool(options.get("allow_import"))))
    folder = Path(out) if out is not None else default_out(verdict)
    result = VerdictResult(folder, verdict)
    spent = None
    if adaptive:
        from alliancesim.verdict.adaptive import capped_verdict, run_adaptive, spending

        state = run_adaptive(verdict, folder, **options)
        verdict = capped_verdict(verdict)
        result.verdict = verdict
        spent = spending(state, len(verdict.spec.modes))
        result.adaptive = spent
    else:
        result.sweeps = run_sweeps(verdict.sweeps, folder, RUNS, **options)
    analysis = analyse(verdict, folder)
    analysis.adaptive = spent
    if verdict.spec.map_replicates:  # the map at the defaults, over the two top factors
        axes = (analysis.map.x.factor.name, analysis.map.y.factor.name)
        result.map_sweeps = run_sweeps(verdict.map_sweeps(*axes), folder, MAP_RUNS,
                                       **options)
        analysis.defaults_map, failed = defaults_map(verdict, folder)
        analysis.runs_failed += failed
    result.analysis, result.report = analysis, write_report(analysis, folder)
    return result
