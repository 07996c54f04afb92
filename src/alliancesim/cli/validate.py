"""``alliancesim validate``: the defaults against the empirical patterns, with a report."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from alliancesim.cli.console import (
    FORMAT_HELP,
    INTERRUPTED,
    RUNTIME_ERROR,
    FigureFormat,
    check_seed,
    console,
    fail,
    prepare_output_folder,
    warn,
)

if TYPE_CHECKING:
    from rich.table import Table


def pattern_table(display: object) -> Table:
    """The pattern-by-pattern verdict as a Rich table."""
    from rich.table import Table

    table = Table(title="Default parameters against empirical patterns")
    for column in display.columns:  # type: ignore[attr-defined]
        table.add_column(column, overflow="fold")
    for row in display.itertuples(index=False):  # type: ignore[attr-defined]
        style = "" if row.inside == "yes" else "bold red"
        table.add_row(*[str(v) for v in row], style=style)
    return table


def validate(
    replicates: Annotated[int, typer.Option(min=20, help="Runs of the defaults.")] = 1000,
    seed: Annotated[int, typer.Option(help="Root seed of the runs (0 or more).")]
        = 20261127,
    workers: Annotated[int | None, typer.Option(
        min=1, help="Processes to use (default: all cores; at most the cores available).",
        show_default=False)] = None,
    out: Annotated[Path, typer.Option(
        help="Folder for the report and the runs (rerun to resume an interrupted "
             "validation).")] = Path("out/validate"),
    scheduler: Annotated[str | None, typer.Option(
        help="Dask scheduler address, e.g. tcp://10.0.0.5:8786: run there.",
        show_default=False)] = None,
    figure_format: Annotated[FigureFormat, typer.Option("--format", help=FORMAT_HELP)]
        = FigureFormat.png,
) -> None:
    """Run the defaults over many seeds and check them against the empirical patterns."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    from alliancesim.compare.runner import InterruptedComparison
    from alliancesim.engine.backends import BackendError, SchedulerError
    from alliancesim.engine.store import ResultsError
    from alliancesim.parallel import cap_workers
    from alliancesim.scenarios import ScenarioError
    from alliancesim.validation import evaluate
    from alliancesim.validation.report import display_table, write_report
    from alliancesim.validation.run import default_runs

    check_seed(seed)
    prepare_output_folder(out)
    count = cap_workers(workers)
    if count.warning:
        warn(count.warning)
    workers = count.workers
    start = time.perf_counter()
    columns = (TextColumn("running"), BarColumn(), MofNCompleteColumn(), TextColumn("runs"),
               TimeElapsedColumn())
    try:
        with Progress(*columns, console=console) as bar:
            task = bar.add_task("runs", total=replicates)
            runs = default_runs(replicates, seed, workers,
                                progress=lambda done, total: bar.update(task, completed=done),
                                out=out, scheduler=scheduler)
    except InterruptedComparison:
        fail("interrupted; every finished run is saved: rerun the same command to resume",
             INTERRUPTED)
    except (ResultsError, SchedulerError, ScenarioError) as error:
        fail(str(error))
    except BackendError as error:
        fail(str(error), RUNTIME_ERROR)
    seconds = time.perf_counter() - start
    table = evaluate(runs)
    console.print(pattern_table(display_table(table)))
    note = (f"{replicates} runs of the default parameters (root seed {seed}), "
            f"{seconds:.0f} s.")
    write_report(runs, out, note, figure_format.value)
    inside = int(table["inside"].sum())
    console.print(f"{inside} of {len(table)} patterns inside their target; {note} "
                  f"Report: {out / 'report.md'}")


def register(app: typer.Typer) -> None:
    """Add the command to the app."""
    app.command("validate")(validate)
