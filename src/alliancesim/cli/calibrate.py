"""``alliancesim calibrate``: history matching against a researcher's own targets file.

The sweep machinery and pandas are imported inside the command, so that ``--help`` and the
message about a broken targets file come back at once.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from alliancesim.cli.console import (
    RUNTIME_ERROR,
    SchedulerOption,
    WorkersOption,
    console,
    engine_failures_in_one_line,
    fail,
    prepare_output_folder,
    warn,
)


def calibrate(
    targets: Annotated[Path, typer.Argument(
        help="Targets file: patterns with targets and variances, the parameters to search "
             "([vary]), the design and the mix of management modes (docs/calibrate.md).",
        show_default=False)],
    out: Annotated[Path | None, typer.Option(
        help="Output folder (default results/<name>): runs, plausible sets, report. Rerun "
             "to resume.")] = None,
    workers: WorkersOption = None,
    scheduler: SchedulerOption = None,
    progress: Annotated[bool, typer.Option(help="Show a progress bar per sweep.")] = True,
) -> None:
    """Calibrate by history matching: find the parameter sets whose runs are not
    implausible against every pattern of a targets file.

    Each wave runs a Latin hypercube over the searched ranges once per management mode of
    the file's population (resumable sweeps in OUT/runs), scores every point, and writes
    into OUT the plausible sets (plausible_sets.parquet, which a verdict file reads under
    [parameter_sets] and compare reads with --parameter-sets), report.md and manifest.json.
    Nothing is written into the installed package. Exit status: 0 done; 1 no point is
    plausible (the report says how close the closest came) or the work stopped; 2 refused
    (bad file, folder or address); 130 interrupted (finished runs are kept).
    """
    from alliancesim.sweeps.experiment import ExperimentError
    from alliancesim.validation.targets import load_targets

    if workers is not None and scheduler is not None:
        fail("give either --workers (processes on this machine) or --scheduler (a Dask "
             "cluster), not both")
    try:  # before the runner loads: a broken file is reported at once
        calibration = load_targets(targets)
    except ExperimentError as exc:
        fail(str(exc))
    folder = prepare_output_folder(out if out is not None else Path("results") /
                                   calibration.name)
    if workers is not None:
        from alliancesim.parallel import cap_workers

        count = cap_workers(workers)
        if count.warning:
            warn(count.warning)
        workers = count.workers
    from alliancesim.validation.calibrate_report import write_outputs
    from alliancesim.validation.calibration import CalibrationRunsFailed, history_match

    start = time.perf_counter()
    with engine_failures_in_one_line(stopped=(CalibrationRunsFailed,)):
        match = history_match(calibration, folder, workers=workers, scheduler=scheduler,
                              progress=progress)
    written = write_outputs(calibration, match, folder, time.perf_counter() - start)
    for note in match.notes:
        console.print(f"[yellow]note:[/] {note}", highlight=False)
    console.print(f"{len(match.accepted)} of {len(match.scores)} points not implausible "
                  f"({len(match.runs):,} runs); report: {written['report']}", highlight=False)
    if "plausible_sets" not in written:
        fail("no design point is consistent with every pattern; see the report for the "
             "closest one, then widen [vary] or check the targets", RUNTIME_ERROR)
    console.print(f"plausible sets: {written['plausible_sets']} (for verdict files: "
                  f"{written['parameter_sets']})", highlight=False)


def register(app: typer.Typer) -> None:
    """Add the command to the app."""
    app.command("calibrate")(calibrate)
