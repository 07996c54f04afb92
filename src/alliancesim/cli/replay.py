"""``alliancesim replay``: rerun one run of any results folder and write its full tables.

A class of one's own that the run imported (``--allow-import``) is imported again only with
``--allow-import``: from the Python path, else from the folder the run found its module in
(recorded in the manifest, so no ``PYTHONPATH`` is needed), or, with
``--use-recorded-code``, from the copy saved in the results folder. A module that differs
from the one the run used (another SHA-256) is reported in one warning line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from alliancesim.cli.console import (
    ALLOW_IMPORT_HELP,
    FORMAT_HELP,
    FigureFormat,
    console,
    fail,
    parse_months,
    warn,
)


def replay(
    results: Annotated[Path, typer.Argument(
        help="A folder written by run, compare, validate or sweep.", show_default=False)],
    run_id: Annotated[int, typer.Option("--run-id", min=0, help="The run to rerun (its "
                                        "run_id column).", show_default=False)],
    out: Annotated[Path | None, typer.Option(
        help="Folder for the tables (default RESULTS/replay-N).", show_default=False)] = None,
    network_months: Annotated[str | None, typer.Option(
        help="Keep the trust network at these months, comma-separated (default: the months "
             "the run recorded).", show_default=False)] = None,
    graphml: Annotated[int | None, typer.Option(
        help="Also write the trust network of this month as GraphML.", show_default=False)]
        = None,
    allow_import: Annotated[bool, typer.Option("--allow-import", help=ALLOW_IMPORT_HELP)]
        = False,
    use_recorded_code: Annotated[bool, typer.Option(
        "--use-recorded-code", help="With --allow-import: import the model or member "
        "class's module from the copy saved in RESULTS/imported_code, not from where the "
        "run found it.")] = False,
    figure_format: Annotated[FigureFormat, typer.Option("--format", help=FORMAT_HELP)]
        = FigureFormat.png,
) -> None:
    """Rerun one run of a results folder from its recorded parameters, timeline and seed,
    and write its per-month table, event log, per-member panel and trust network."""
    if not (results / "manifest.json").is_file():  # before the model loads
        fail(f"{results}: not a results folder (no manifest.json); allowed: a folder written "
             "by 'alliancesim run', 'compare', 'validate' or 'sweep'")
    if use_recorded_code and not allow_import:
        fail("--use-recorded-code imports the saved copy of a module, which runs its code: "
             "give --allow-import as well")
    months = parse_months(network_months)
    if graphml is not None:
        months = tuple(sorted({*months, graphml}))
    from alliancesim.cli.run import print_summary, write_run
    from alliancesim.engine.classes import ClassImportError
    from alliancesim.engine.store import ResultsError
    from alliancesim.scenarios import ScenarioError
    from alliancesim.single import RunFailed
    from alliancesim.single import replay as rerun

    target = out if out is not None else results / f"replay-{run_id}"
    try:
        result = rerun(results, run_id, target, allow_import=allow_import,
                       network_months=months if network_months or graphml is not None
                       else None, use_recorded_code=use_recorded_code)
    except (ResultsError, ClassImportError, ScenarioError, RunFailed) as error:
        fail(str(error))
    for line in result.code_differences:
        warn(line)
    print_summary(result, f"run {run_id} of {results}, replayed")
    if result.matches:
        console.print("the replay reproduced the stored outcome exactly")
    else:
        warn("the replay differs from the stored run (another version of alliancesim or of "
             "its dependencies?): " + "; ".join(result.differences[:5]))
    try:
        written = write_run(result, target, f"run {run_id}, replayed", (),
                            figure_format.value, graphml)
    except OSError as error:
        fail(f"--out {str(target)!r}: cannot write the tables ({error})")
    for path in written:
        console.print(f"wrote {path}")


def register(app: typer.Typer) -> None:
    """Add the command to the app."""
    app.command("replay")(replay)
