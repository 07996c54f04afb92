"""``alliancesim verdict``: under which conditions is management best as a profession, a
shared skill, or both?

The sweep machinery and the analysis stack (pandas, SciPy, SALib, the EMA Workbench) are
imported inside the command, so that ``--help`` and the message about a broken experiment
file do not wait for them.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from alliancesim.cli.console import (
    ALLOW_IMPORT_HELP,
    FAILED_RUNS,
    FlushRunsOption,
    FlushSecondsOption,
    SchedulerOption,
    VerboseOption,
    WorkersOption,
    console,
    engine_failures_in_one_line,
    fail,
    prepare_output_folder,
    warn,
)

if TYPE_CHECKING:
    from alliancesim.verdict.run import VerdictResult
    from alliancesim.verdict.spec import VerdictExperiment

EXPERIMENTS_ENV = "ALLIANCESIM_EXPERIMENTS"


def default_experiment() -> Path:
    """The shipped ``experiments/verdict.toml``: in ``$ALLIANCESIM_EXPERIMENTS``, else
    ``./experiments``, else the source checkout this package runs from."""
    import os

    from alliancesim.verdict.spec import DEFAULT_FILE

    configured = os.environ.get(EXPERIMENTS_ENV)
    candidates = [Path(configured) / DEFAULT_FILE.name] if configured else []
    candidates += [DEFAULT_FILE, Path(__file__).resolve().parents[3] / DEFAULT_FILE]
    for path in candidates:
        if path.is_file():
            return path
    fail(f"no experiment given and no {DEFAULT_FILE} found here or in the source checkout; "
         "allowed: the path of a verdict experiment file (see experiments/verdict.toml)")


def verdict(
    experiment: Annotated[Path | None, typer.Argument(
        help="Verdict experiment file (default: experiments/verdict.toml).")] = None,
    workers: WorkersOption = None,
    scheduler: SchedulerOption = None,
    out: Annotated[Path | None, typer.Option(
        help="Report folder (default results/<experiment name>). Rerun to resume.")] = None,
    progress: Annotated[bool, typer.Option(help="Show a progress bar per mode.")] = True,
    flush_runs: FlushRunsOption = 1000,
    flush_seconds: FlushSecondsOption = 30.0,
    verbose: VerboseOption = False,
    allow_import: Annotated[bool, typer.Option("--allow-import", help=ALLOW_IMPORT_HELP)]
        = False,
    adaptive: Annotated[bool, typer.Option(
        "--adaptive", help="Run in rounds: start_replicates per point, then more only at "
        "the points still undecided, up to max_replicates ([verdict] table).")] = False,
) -> None:
    """Compare the management modes paired over a global design of conditions and
    assumptions: who wins where, what decides it, maps and PRIM boxes, in a report.

    Every mode runs the same design with the same seeds (one resumable sweep per mode, in
    OUT/runs/<mode>); the report (report.md, tables, figures, verdict.json) is written from
    the stored runs. Exit status: 0 done; 3 done, but some runs failed; 2 refused (bad file,
    folder or address); 1 stopped (cluster lost, disk full); 130 interrupted. Finished runs
    are always kept: rerun the same command to resume.
    """
    from alliancesim.sweeps.experiment import ExperimentError
    from alliancesim.verdict.spec import load_verdict

    if workers is not None and scheduler is not None:
        fail("give either --workers (processes on this machine) or --scheduler (a Dask "
             "cluster), not both")
    path = experiment if experiment is not None else default_experiment()
    try:  # before the runner (pandas, Mesa) loads: a broken file is reported at once
        loaded = load_verdict(path, allow_import=allow_import)
    except ExperimentError as exc:
        fail(str(exc))
    folder = prepare_output_folder(out if out is not None else Path("results") / loaded.name)
    options = {"workers": _capped(workers), "scheduler": scheduler, "progress": progress,
               "flush_runs": flush_runs, "flush_seconds": flush_seconds, "verbose": verbose,
               "allow_import": allow_import, "adaptive": adaptive}
    result = _run(loaded, folder, options)
    print_verdict(result)
    if result.failures:
        raise typer.Exit(FAILED_RUNS)


def _capped(workers: int | None) -> int | None:
    """Workers capped at the cores, saying so now rather than after the runs."""
    if workers is None:
        return None
    from alliancesim.parallel import cap_workers

    count = cap_workers(workers)
    if count.warning:
        warn(count.warning)
    return count.workers


def _run(loaded: VerdictExperiment, folder: Path, options: dict) -> VerdictResult:
    """Run the sweeps and the analysis, turning every known failure into one line."""
    from alliancesim.verdict.paired import PairingError
    from alliancesim.verdict.run import run_verdict

    with engine_failures_in_one_line(stopped=(PairingError,)):
        return run_verdict(loaded, folder, **options)


def print_verdict(result: VerdictResult) -> None:
    """The answer paragraph, the sweeps' sizes and where the report is."""
    assert result.analysis is not None and result.report is not None
    import json

    summary = json.loads((result.out / "verdict.json").read_text())
    console.print(summary["answer"], highlight=False)
    for mode, sweep in result.sweeps.items():
        rate = sweep.runs_now / sweep.elapsed_s if sweep.elapsed_s > 0 else 0.0
        console.print(f"{mode}: {sweep.runs_stored} of {sweep.runs_total} runs stored, "
                      f"{sweep.runs_now} run now in {sweep.elapsed_s:.1f} s ({rate:.0f} runs/s, "
                      f"{sweep.backend}, {sweep.workers} workers)", highlight=False)
        for warning in sweep.warnings:
            warn(warning)
    if result.adaptive:
        a = result.adaptive
        console.print(f"adaptive: {a['decided']:,} of {a['points']:,} points decided "
                      f"({a['decided_share']:.0%}) in {a['rounds']} rounds, {a['runs']:,} runs "
                      f"(a fixed design reaching the same decisions: {a['fixed_runs']:,})",
                      highlight=False)
        if a.get("metamodel"):
            m = a["metamodel"]
            coverage = ", ".join(
                f"{pair} {c['coverage']:.0%}{'' if c['passed'] else ' (failed: not used)'}"
                for pair, c in m["checks"].items() if c is not None)
            console.print(f"  decided by their own runs: {m['decided_own']:,}; by the "
                          f"metamodel: {m['decided_metamodel']:,} (held-out coverage: "
                          f"{coverage or 'too few points'})", highlight=False)
    for note in result.analysis.notes:
        console.print(f"[yellow]note:[/] {note}", highlight=False)
    if result.failures:
        warn(f"{result.failures} runs failed; each keeps its parameters, seed, error and "
             f"traceback in {result.out / 'runs'} (status == 'failed')")
    console.print(f"report: {result.report}", highlight=False)


def register(app: typer.Typer) -> None:
    """Add the command to the app."""
    app.command("verdict")(verdict)
