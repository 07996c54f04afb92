"""``alliancesim compare``: several scenarios, common random numbers, statistics, a report."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from alliancesim.cli.console import (
    ALLOW_IMPORT_HELP,
    FORMAT_HELP,
    INTERRUPTED,
    MONTHS_HELP,
    OVERWRITE_HELP,
    RUNTIME_ERROR,
    FigureFormat,
    FlushRunsOption,
    FlushSecondsOption,
    SchedulerOption,
    VerboseOption,
    WorkersOption,
    check_months_within,
    check_replicates_option,
    check_seed,
    console,
    engine_failures_in_one_line,
    fail,
    parse_months,
    prepare_output_folder,
    warn,
)
from alliancesim.cli.run import load_or_fail

if TYPE_CHECKING:  # pandas, SciPy and matplotlib load when a comparison starts
    from rich.table import Table

    from alliancesim.compare import Comparison, IncompleteComparison
    from alliancesim.compare.runner import InterruptedComparison
    from alliancesim.sweeps.parameter_sets import ParameterSets

DEFAULT_REPLICATES = 200  # as alliancesim.compare.DEFAULT_REPLICATES (a test checks)
DEFAULT_SEED = 1


def summary_table(comparison: Comparison) -> Table:
    """The result table for the terminal, one block of rows per outcome."""
    from rich.table import Table

    from alliancesim.compare import format_summary
    from alliancesim.compare.report import SUMMARY_HEADERS, _note_of

    table = Table(title=f"{comparison.replicates} runs per scenario, seed {comparison.seed}; "
                        f"reference: {comparison.reference}",
                  caption=_note_of(comparison.summary()), caption_justify="left")
    for index, header in enumerate(SUMMARY_HEADERS):
        table.add_column(header, overflow="fold", no_wrap=2 <= index <= 4)
    shown = format_summary(comparison.summary())
    for index, row in enumerate(shown.itertuples(index=False)):
        last_of_outcome = index + 1 == len(shown) or shown.iloc[index + 1, 0] != ""
        table.add_row(*row, end_section=last_of_outcome)
    return table


def _save_partial(error: IncompleteComparison | InterruptedComparison, out: Path) -> None:
    """Keep the runs that finished before a run failed."""
    if error.outcomes.empty:
        return
    path = out / "outcomes_partial.csv"
    error.outcomes.to_csv(path, index=False)
    console.print(f"kept the {len(error.outcomes)} finished runs in {path}")


def compare(
    scenarios: Annotated[list[str], typer.Argument(
        help="Scenario files or names of shipped scenarios; the first is the reference.",
        show_default=False)],
    replicates: Annotated[int, typer.Option(
        min=2, help="Runs per scenario (replicate r of every scenario shares its seed).")]
        = DEFAULT_REPLICATES,
    seed: Annotated[int, typer.Option(
        help="Root seed (0 or more): the same seed gives the same report.")]
        = DEFAULT_SEED,
    workers: WorkersOption = None,
    out: Annotated[Path, typer.Option(
        help="Folder for the report and the runs (rerun the same command to resume an "
             "interrupted comparison).")] = Path("out/compare"),
    scheduler: SchedulerOption = None,
    panel: Annotated[bool, typer.Option(
        "--panel", help="Also keep every run's per-member panel (in panel/).")] = False,
    events: Annotated[bool, typer.Option(
        "--events", help="Also keep every run's event log (in events/).")] = False,
    network_months: Annotated[str | None, typer.Option(help=MONTHS_HELP, show_default=False)]
        = None,
    allow_import: Annotated[bool, typer.Option("--allow-import", help=ALLOW_IMPORT_HELP)]
        = False,
    figure_format: Annotated[FigureFormat, typer.Option("--format", help=FORMAT_HELP)]
        = FigureFormat.png,
    verbose: VerboseOption = False,
    flush_runs: FlushRunsOption = 1000,
    flush_seconds: FlushSecondsOption = 30.0,
    overwrite: Annotated[bool, typer.Option("--overwrite", help=OVERWRITE_HELP)] = False,
    margin: Annotated[float, typer.Option(
        min=0.001, max=0.999,
        help="Equivalence margin of shares and survival (0.05: two scenarios within 5 "
             "points of each other are equivalent).")] = 0.05,
    parameter_sets: Annotated[Path | None, typer.Option(
        "--parameter-sets", help="A table of parameter sets (a calibration's "
        "plausible_sets.parquet): replicate r of every scenario takes set r mod n, so the "
        "scenarios stay paired and the comparison spans the sets; a parameter a scenario "
        "sets itself keeps its value.", show_default=False)] = None,
) -> None:
    """Compare scenarios: run each with the same seeds, then report statistics and figures.

    Rerunning the same command resumes an interrupted comparison (options that do not
    change the runs, like --format, may differ). Exit status: 0 done; 2 refused (bad file,
    folder or address, a different comparison in --out, a failed run); 1 stopped (a lost
    cluster, a full disk); 130 interrupted (Ctrl-C or SIGTERM): finished runs are kept."""
    check_seed(seed)
    # Read before pandas and SciPy load: a broken file is reported at once.
    loaded = [load_or_fail(name, allow_import) for name in scenarios]
    check_replicates_option(replicates, len(loaded), low=2)
    months = parse_months(network_months)
    sets = load_parameter_sets(parameter_sets) if parameter_sets is not None else None
    for scenario in loaded:
        check_months_within(months, scenario.horizon, where=f" of {scenario.name!r}")
        for idle in scenario.idle_entries():
            warn(idle)
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    from alliancesim.compare import (
        IncompleteComparison,
        check_unique_names,
        compare_scenarios,
        write_raw_tables,
        write_report,
    )
    from alliancesim.compare.runner import InterruptedComparison
    from alliancesim.engine.tasks import Recording
    from alliancesim.parallel import cap_workers
    from alliancesim.scenarios import ScenarioError

    try:
        check_unique_names(loaded)
    except ScenarioError as error:
        fail(str(error))
    prepare_output_folder(out)
    if scheduler is None:
        count = cap_workers(workers)
        if count.warning:
            warn(count.warning)
        workers = count.workers
    columns = (TextColumn("running"), BarColumn(), MofNCompleteColumn(), TextColumn("runs"),
               TimeElapsedColumn())
    record = Recording(panel=panel, events=events, network_months=months)
    with engine_failures_in_one_line(refused=(ScenarioError,)):
        try:
            with Progress(*columns, console=console) as bar:
                task = bar.add_task("runs", total=len(loaded) * replicates)
                comparison = compare_scenarios(
                    loaded, replicates, seed, workers,
                    progress=lambda done, total: bar.update(task, completed=done, total=total),
                    out=out, scheduler=scheduler, record=record, allow_import=allow_import,
                    verbose=verbose, flush_runs=flush_runs, flush_seconds=flush_seconds,
                    overwrite=overwrite, parameter_sets=sets)
        except IncompleteComparison as error:
            _save_partial(error, out)
            fail(str(error))
        except InterruptedComparison as interrupted:
            _save_partial(interrupted, out)
            fail("interrupted; every finished run is saved: rerun the same command to resume",
                 INTERRUPTED)
    comparison.margin = margin
    for note in comparison.notes:
        if not note.startswith("asked for"):  # the worker cap was announced before the runs
            warn(note)
    try:
        write_raw_tables(comparison, out)  # before anything else can go wrong
        (out / "outcomes_partial.csv").unlink(missing_ok=True)  # outcomes.csv has them all
    except OSError as error:
        fail(f"--out {str(out)!r}: cannot write the runs ({error}); they are stored in "
             f"{out / 'runs'}", RUNTIME_ERROR)
    console.print(summary_table(comparison))
    try:
        written = write_report(comparison, out, figure_format.value)
    except OSError as error:
        fail(f"--out {str(out)!r}: cannot write the report ({error}); the runs are in "
             f"{out / 'outcomes.csv'} and {out / 'trajectories.parquet'}", RUNTIME_ERROR)
    where = ("process(es)" if comparison.backend != "dask"
             else f"Dask worker(s) at {scheduler}")
    console.print(f"{len(loaded) * replicates} runs in {comparison.seconds:.1f} s on "
                  f"{comparison.workers} {where}; report: {out / 'report.md'} "
                  f"({len(written)} files)")
    if sets is not None:
        console.print(f"replicate r of every scenario took parameter set r mod {len(sets)} of "
                      f"{sets.path} (column parameter_set of outcomes.csv)", highlight=False)


def load_parameter_sets(path: Path) -> ParameterSets:
    """The table ``--parameter-sets`` names, every column naming a parameter; a bad one ends
    the command in one line."""
    from alliancesim.sweeps.parameter_sets import read_parameter_sets

    def refuse(field: str, message: str) -> Exception:
        fail(f"--parameter-sets: {message}")

    return read_parameter_sets(path.name, path.parent, None, (), refuse)


def register(app: typer.Typer) -> None:
    """Add the command to the app."""
    app.command("compare")(compare)
