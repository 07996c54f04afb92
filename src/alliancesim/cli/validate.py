"""``alliancesim validate``: the defaults against the calibration patterns and the
out-of-sample predictions, and the verdict across the plausible parameter sets."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from alliancesim.cli.console import (
    FORMAT_HELP,
    INTERRUPTED,
    OVERWRITE_HELP,
    FigureFormat,
    SchedulerOption,
    WorkersOption,
    check_replicates_option,
    check_seed,
    console,
    engine_failures_in_one_line,
    fail,
    prepare_output_folder,
    warn,
)

if TYPE_CHECKING:
    from rich.table import Table


def rich_table(display: Any, title: str, flag: str | None = "inside") -> Table:
    """A display table as a Rich table; rows whose ``flag`` column is not 'yes' in red."""
    from rich.table import Table

    table = Table(title=title)
    for column in display.columns:
        table.add_column(column, overflow="fold")
    for row in display.to_dict(orient="records"):
        style = "" if flag is None or row.get(flag, "yes") == "yes" else "bold red"
        table.add_row(*[str(v) for v in row.values()], style=style)
    return table


def verdict_tables(result: dict[str, Any]) -> list[Table]:
    """The verdict's robustness as two Rich tables."""
    import pandas as pd

    def pct(c: dict[str, float]) -> str:
        return f"{c['share']:.0%} [{c['low']:.0%}, {c['high']:.0%}]"

    modes = pd.DataFrame({
        "mode": result["modes"],
        "lowest failure share": [pct(result["lowest_failure"][m]) for m in result["modes"]],
        "highest value created": [pct(result["highest_value"][m]) for m in result["modes"]],
    })
    pairs = pd.DataFrame({
        "comparison": [f"{p['a']} against {p['b']}" for p in result["pairs"]],
        "fails less often": [pct(p["fails_less"]) for p in result["pairs"]],
        "creates more value": [pct(p["creates_more"]) for p in result["pairs"]],
    })
    title = (f"The verdict across {result['points']} plausible parameter sets "
             "(share of them, 95% interval)")
    return [rich_table(modes, title, None), rich_table(pairs, "", None)]


def validate(
    replicates: Annotated[int, typer.Option(
        min=20, help="Runs of the defaults per management mode of the mix.")] = 500,
    seed: Annotated[int, typer.Option(help="Root seed of the runs (0 or more).")]
        = 20261127,
    workers: WorkersOption = None,
    out: Annotated[Path, typer.Option(
        help="Folder for the report and the runs (rerun to resume an interrupted "
             "validation).")] = Path("out/validate"),
    scheduler: SchedulerOption = None,
    figure_format: Annotated[FigureFormat, typer.Option("--format", help=FORMAT_HELP)]
        = FigureFormat.png,
    overwrite: Annotated[bool, typer.Option("--overwrite", help=OVERWRITE_HELP)] = False,
) -> None:
    """Run the defaults under every management mode of the calibration mix (common seeds),
    check them against the calibration patterns and the out-of-sample predictions, and show
    how robust the verdict between modes is across the plausible parameter sets.

    Exit status: 0 done; 2 refused (bad folder or address, a different validation in
    --out); 1 stopped (a lost cluster, a full disk); 130 interrupted (Ctrl-C or SIGTERM):
    finished runs are kept, and rerunning the same command resumes."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    from alliancesim.compare.runner import InterruptedComparison
    from alliancesim.parallel import cap_workers
    from alliancesim.scenarios import ScenarioError
    from alliancesim.validation.mixture import CALIBRATION_MIX
    from alliancesim.validation.run import default_runs

    check_seed(seed)
    check_replicates_option(replicates, len(CALIBRATION_MIX.modes), low=20,
                            what="management modes")
    prepare_output_folder(out)
    count = cap_workers(workers)
    if count.warning:
        warn(count.warning)
    start = time.perf_counter()
    total = replicates * len(CALIBRATION_MIX.modes)
    columns = (TextColumn("running"), BarColumn(), MofNCompleteColumn(), TextColumn("runs"),
               TimeElapsedColumn())
    with engine_failures_in_one_line(refused=(ScenarioError,)):
        try:
            with Progress(*columns, console=console) as bar:
                task = bar.add_task("runs", total=total)
                runs = default_runs(replicates, seed, count.workers,
                                    progress=lambda done, _: bar.update(task, completed=done),
                                    out=out, scheduler=scheduler, overwrite=overwrite)
        except InterruptedComparison:
            fail("interrupted; every finished run is saved: rerun the same command to resume",
                 INTERRUPTED)
        seconds = time.perf_counter() - start
        _report(runs, replicates, seed, seconds, out, figure_format.value)


def _report(runs: Any, replicates: int, seed: int, seconds: float, out: Path,
            figure_format: str) -> None:
    """Check the runs against the patterns and predictions; print and write the report."""
    from alliancesim.validation import predictions as pred
    from alliancesim.validation.calibration import load_plausible_set
    from alliancesim.validation.mixture import CALIBRATION_MIX
    from alliancesim.validation.patterns import evaluate
    from alliancesim.validation.report import display_predictions, display_table, write_report
    from alliancesim.validation.verdict import robustness, sentence

    table = evaluate(runs)
    plausible = load_plausible_set()
    predictions = pred.prediction_table(pred.at_defaults(runs),
                                        pred.over_plausible_set(plausible))
    verdict = robustness(plausible)
    console.print(rich_table(display_table(table),
                             "Calibration patterns (used to choose the defaults)"))
    console.print(rich_table(display_predictions(predictions),
                             "Out-of-sample predictions (never read by the calibration)"))
    for rich in verdict_tables(verdict):
        console.print(rich)
    note = (f"{replicates} runs of the defaults per management mode ({CALIBRATION_MIX.label()}"
            f"; common seeds, root seed {seed}), {seconds:.0f} s.")
    write_report(runs, out, table, predictions, verdict, note, figure_format)
    console.print(f"{int(table['inside'].sum())} of {len(table)} calibration patterns and "
                  f"{int(predictions['inside'].sum())} of {len(predictions)} out-of-sample "
                  f"predictions inside their bands; {sentence(verdict)}. {note} "
                  f"Report: {out / 'report.md'}")


def register(app: typer.Typer) -> None:
    """Add the command to the app."""
    app.command("validate")(validate)
