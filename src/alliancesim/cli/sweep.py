"""``alliancesim sweep`` and ``alliancesim analyze``: parameter sweeps and their analysis.

The sweep machinery (pandas, pyarrow, Dask) and the analysis stack (matplotlib, SciPy, SALib)
are imported inside the commands, so that ``--help`` and a message about a broken experiment
file do not wait for them.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from alliancesim.cli.console import (
    ALLOW_IMPORT_HELP,
    FAILED_RUNS,
    FORMAT_HELP,
    FigureFormat,
    FlushRunsOption,
    FlushSecondsOption,
    SchedulerOption,
    VerboseOption,
    WorkersOption,
    console,
    engine_failures_in_one_line,
    fail,
    warn,
)

if TYPE_CHECKING:
    from alliancesim.sweeps.analysis import Analysis
    from alliancesim.sweeps.runner import SweepSummary


class BackendName(StrEnum):
    """Where the runs execute."""

    auto = "auto"
    inprocess = "inprocess"
    processes = "processes"
    dask = "dask"


def sweep(
    experiment: Annotated[Path, typer.Argument(help="Experiment TOML file (see experiments/).")],
    workers: WorkersOption = None,
    scheduler: SchedulerOption = None,
    out: Annotated[Path | None, typer.Option(
        help="Results folder (default results/<experiment name>). Rerun to resume.")] = None,
    backend: Annotated[BackendName, typer.Option(
        help="auto: dask with --scheduler, inprocess with --workers 1, else processes.")]
        = BackendName.auto,
    progress: Annotated[bool, typer.Option(help="Show a progress bar.")] = True,
    flush_runs: FlushRunsOption = 1000,
    flush_seconds: FlushSecondsOption = 30.0,
    verbose: VerboseOption = False,
    allow_import: Annotated[bool, typer.Option("--allow-import", help=ALLOW_IMPORT_HELP)]
        = False,
) -> None:
    """Run (or resume) a parameter sweep; results go to Parquet files as runs finish.

    Its runs are single alliances, or whole ecosystems when the file says
    kind = "ecosystem" (see docs/ecosystem.md).

    Exit status: 0 all runs done and ok; 3 done, but some runs failed (stored with their
    error); 2 refused (bad file, folder or address); 1 stopped (cluster lost, disk full);
    130 interrupted. Finished runs are always kept: rerun the same command to resume.
    """
    from alliancesim.sweeps.ecosystem import load_any_experiment
    from alliancesim.sweeps.experiment import ExperimentError

    if backend is BackendName.dask and scheduler is None:
        fail("--backend dask needs --scheduler ADDRESS (a running 'dask scheduler', like "
             "tcp://10.0.0.5:8786); to use the cores of this machine, use --backend processes")
    try:  # before the runner (pandas, Mesa) loads: a broken file is reported at once
        loaded = load_any_experiment(experiment, allow_import=allow_import)
    except ExperimentError as exc:
        fail(str(exc))
    from alliancesim.parallel import cap_workers
    from alliancesim.sweeps.runner import run_sweep

    if scheduler is None and workers is not None:  # say so now, not after the sweep
        count = cap_workers(workers)
        if count.warning:
            warn(count.warning)
        workers = count.workers

    with engine_failures_in_one_line():
        summary = run_sweep(loaded, out, workers=workers, scheduler=scheduler,
                            backend=backend.value, progress=progress, flush_runs=flush_runs,
                            flush_seconds=flush_seconds, verbose=verbose,
                            allow_import=allow_import)
    print_sweep_summary(summary)
    if summary.failures_total:
        raise typer.Exit(FAILED_RUNS)


def print_sweep_summary(summary: SweepSummary) -> None:
    """A short table of what the sweep did, its warnings, and where failed runs are."""
    from rich.table import Table

    table = Table(title=f"Sweep {summary.experiment!r}: {summary.status}", show_header=False)
    rate = summary.runs_now / summary.elapsed_s if summary.elapsed_s > 0 else 0.0
    for key, value in (
        ("results", str(summary.out)),
        ("backend", f"{summary.backend} ({summary.workers} workers)"),
        ("runs stored / total", f"{summary.runs_stored} / {summary.runs_total}"),
        ("already done before", str(summary.runs_before)),
        ("run now", f"{summary.runs_now} in {summary.elapsed_s:.1f} s ({rate:.0f} runs/s)"),
        ("failures (now / stored)", f"{summary.failures_now} / {summary.failures_total}"),
    ):
        table.add_row(key, value)
    console.print(table)
    for warning in summary.warnings:
        warn(warning)
    for error in dict.fromkeys(summary.errors):
        console.print(f"[yellow]failed run:[/] {error}", highlight=False)
    if summary.failures_total:
        warn(f"{summary.failures_total} of {summary.runs_stored} runs failed; each keeps its "
             f"parameters, seed, error and traceback in {summary.out / 'runs'} "
             "(status == 'failed'; alliancesim.sweeps.load_results reads them)")


def analyze_command(
    results: Annotated[Path, typer.Argument(help="Results folder written by 'sweep'.")],
    out: Annotated[Path | None, typer.Option(
        help="Folder for tables and figures (default RESULTS/analysis).")] = None,
    outcome: Annotated[list[str] | None, typer.Option(
        "--outcome", "-o", help="Outcome column to analyse (repeatable; default from the "
        "experiment's [analysis] table).")] = None,
    plots: Annotated[bool, typer.Option(help="Draw effect plots and heatmaps.")] = True,
    figure_format: Annotated[FigureFormat, typer.Option("--format", help=FORMAT_HELP)]
        = FigureFormat.png,
    heatmaps: Annotated[int, typer.Option(
        min=0, help="Heatmaps drawn per outcome, for the first N factor pairs.")] = 6,
    discover: Annotated[str | None, typer.Option(
        help="Scenario discovery instead (EMA Workbench PRIM, CART, feature scoring): where "
             "the points' mean OUTCOME lies above --threshold.", show_default=False)] = None,
    threshold: Annotated[float | None, typer.Option(
        help="With --discover: the level a point's mean outcome must exceed (default: the "
             "median of the points' means).", show_default=False)] = None,
    below: Annotated[bool, typer.Option(
        "--below", help="With --discover: cases lie at or below the threshold.")] = False,
    resamples: Annotated[int, typer.Option(
        min=0, help="With --discover: PRIM boxes on random halves of the points to check "
             "the box against.")] = 10,
    max_dims: Annotated[int, typer.Option(
        min=1, help="With --discover: most factors the PRIM box restricts.")] = 3,
) -> None:
    """Sensitivity indices (Sobol/Morris designs), effect plots and heatmaps of a sweep,
    or with --discover scenario discovery (PRIM, CART, feature scoring) on any outcome."""
    if not (results / "manifest.json").is_file():  # before SciPy and matplotlib load
        fail(f"{results}: not a results folder (no manifest.json); allowed: a folder "
             "written by 'alliancesim sweep'")
    if discover is not None:
        _discover(results, out, discover, threshold, not below, resamples, max_dims)
        return
    from alliancesim.engine.store import ResultsError
    from alliancesim.sweeps.analysis import AnalysisError, analyze

    try:
        report = analyze(results, out, outcome or None, plots=plots,
                         figure_format=figure_format.value, max_heatmaps=heatmaps)
    except (ResultsError, AnalysisError) as exc:
        fail(str(exc))
    print_analysis(report)
    _profession(results, out)


def _profession(results: Path, out: Path | None) -> None:
    """For an ecosystem sweep, the profession report too, and its answers across the
    design's conditions."""
    from alliancesim.cli.ecosystem import print_profession_answers
    from alliancesim.sweeps.analysis import load_manifest
    from alliancesim.sweeps.ecosystem import ACROSS_CONDITIONS, KIND, profession_report

    if load_manifest(results).get("experiment", {}).get("kind") != KIND:
        return
    folder = (out if out is not None else results / "analysis") / "profession"
    analyses = profession_report(results, folder)
    console.print("across the design's conditions (differences between them counted as "
                  "noise):", highlight=False)
    print_profession_answers(analyses[ACROSS_CONDITIONS], folder / ACROSS_CONDITIONS,
                             replicated=True)


def _discover(results: Path, out: Path | None, outcome: str, threshold: float | None,
              above: bool, resamples: int, max_dims: int) -> None:
    """Run scenario discovery and print what it found."""
    from alliancesim.engine.store import ResultsError
    from alliancesim.sweeps.analysis import AnalysisError
    from alliancesim.sweeps.discovery import DiscoveryError, discover, discovery_lines

    try:
        found = discover(results, outcome, threshold=threshold, above=above, out=out,
                         max_dims=max_dims, resamples=resamples)
    except (ResultsError, AnalysisError, DiscoveryError) as exc:
        fail(str(exc))
    for line in discovery_lines(found):
        console.print(line, highlight=False)
    console.print(f"wrote {len(found.files)} files in {found.files[0].parent}: "
                  f"{', '.join(p.name for p in found.files)}", highlight=False)


def print_analysis(report: Analysis) -> None:
    """Indices (if any), notes and the files written."""
    from rich.table import Table

    ok = int((report.runs["status"] == "ok").sum())
    console.print(f"{len(report.runs)} runs ({ok} ok), {len(report.point_means)} design points")
    if not report.noise.empty:
        table = Table(title="Replicate noise: its share of the variance")
        for column in ("combo", "outcome", "replicates", "of the runs", "of the point means"):
            table.add_column(column)
        for row in report.noise.itertuples(index=False):
            table.add_row(row.combo, row.outcome, f"{row.replicates:.0f}",
                          _share(row.noise_share_runs), _share(row.noise_share_means))
        console.print(table)
    if not report.indices.empty:
        shown = [c for c in report.indices.columns
                 if not c.endswith(("_floor", "_distinct")) and c != "reason"]
        judged = [c for c in report.indices.columns if c.endswith("_distinct")]
        table = Table(title="Sensitivity indices (~: not distinguishable from noise, "
                      "the dummy factor's interval; reasons in indices.csv)")
        for column in [*shown, "vs noise"] if judged else shown:
            table.add_column(column)
        for row in report.indices.to_dict(orient="records"):
            cells = [f"{row[c]:.3f}" if isinstance(row[c], float) else str(row[c])
                     for c in shown]
            if judged:
                cells.append(" ".join(("" if row[c] else "~") + c.removesuffix("_distinct")
                                      for c in judged))
            table.add_row(*cells)
        console.print(table)
    for note in report.notes:
        console.print(f"[yellow]note:[/] {note}", highlight=False)
    folders = dict.fromkeys(path.parent for path in report.files)
    for folder in folders:
        names = [p.name for p in report.files if p.parent == folder]
        console.print(f"wrote {len(names)} files in {folder}: {', '.join(names)}",
                      highlight=False)


def _share(value: float) -> str:
    return f"{value:.0%}" if value == value else "n/a"  # NaN: one replicate per point


def register(app: typer.Typer) -> None:
    """Add the commands to the app."""
    app.command("sweep")(sweep)
    app.command("analyze")(analyze_command)
