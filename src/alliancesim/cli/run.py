"""``alliancesim run``: one alliance, summarised in the terminal and written to files."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from alliancesim.cli.console import (
    ALLOW_IMPORT_HELP,
    FORMAT_HELP,
    MONTHS_HELP,
    FigureFormat,
    check_months_within,
    check_seed,
    console,
    fail,
    parse_months,
    prepare_output_folder,
    warn,
)

if TYPE_CHECKING:  # the model and matplotlib load when a run starts, not for --help
    import pandas as pd

    from alliancesim.scenarios import Scenario

SUMMARY_KEYS = ("outcome", "end_month", "end_reason", "objectives_met", "failed", "renewals",
                "value_total", "members_final", "conflicts_total", "conflicts_escalated",
                "paradoxes_total", "manager_departures")


def load_or_fail(name_or_path: str, allow_import: bool = False) -> Scenario:
    """Load a scenario file or shipped scenario (importing the classes it names only with
    ``allow_import``); a bad one ends the command with status 2."""
    from alliancesim.scenarios import ScenarioError, load_scenario, resolve_scenario_path

    try:
        return load_scenario(resolve_scenario_path(name_or_path), allow_import=allow_import)
    except ScenarioError as error:
        fail(str(error))


def print_summary(result: Any, title: str) -> None:
    """A short table of how the run ended (``result.outcome``)."""
    from rich.table import Table

    o = result.outcome
    table = Table(title=title, show_header=False)
    for key in SUMMARY_KEYS:
        value = o[key]
        table.add_row(key, f"{value:.2f}" if isinstance(value, float) else str(value))
    console.print(table)


def report_culture(outcome: dict[str, Any], events: pd.DataFrame) -> None:
    """Where the members came from and how far apart their cultures were; a warning when
    some countries lack scores, so that distances used fewer dimensions."""
    from collections import Counter

    from alliancesim.culture import EDITION, country

    joined = events.loc[events["kind"] == "joined", "country"]
    countries = Counter(c for c in joined if c)
    o = outcome
    if countries:
        console.print("members' countries: " + ", ".join(
            f"{name} ({count})" for name, count in countries.most_common()))
    basis = (f"Hofstede's country scores, {EDITION} edition" if countries
             else "synthetic national cultures")
    console.print(f"cultural distance between members (Kogut-Singh, {basis}; variances "
                  f"across the matrix's countries): mean {o['cultural_distance_mean']:.2f} "
                  f"over the run, {o['cultural_distance_final']:.2f} at the end")
    thin = [country(name) for name in sorted(countries) if country(name).missing]
    if thin:
        lacking = "; ".join(f"{c.name} has no {', '.join(c.missing)}" for c in thin)
        warn(f"some members' countries lack scores in Hofstede's matrix ({lacking}): each "
             "pair's distance is the mean over the dimensions both have (fewest for any pair "
             f"in this run: {o['culture_dimensions_min']}); a pair sharing none counts as 2, "
             "the mean distance between two countries")


def write_run(result: Any, out: Path, title: str = "",
              intervention_months: tuple[int, ...] = (), figure_format: str = "png",
              graphml_month: int | None = None) -> list[Path]:
    """Write the per-step table and the event log (CSV), the per-member panel (CSV) and the
    trust network (Parquet edge list; one month as GraphML) when recorded, and a figure."""
    from alliancesim.compare.figures import run_figure, save

    out.mkdir(parents=True, exist_ok=True)
    written = []
    assert result.steps is not None and result.events is not None
    tables = {"steps.csv": result.steps, "events.csv": result.events,
              "panel.csv": getattr(result, "panel", None)}
    for name, frame in tables.items():
        if frame is not None:
            frame.to_csv(out / name, index=False)
            written.append(out / name)
    network = getattr(result, "network", None)
    if network is not None:
        network.to_parquet(out / "network.parquet", index=False)
        written.append(out / "network.parquet")
    if graphml_month is not None:
        written.append(_graphml(network, getattr(result, "panel", None), graphml_month, out))
    written.append(save(run_figure(result.steps, title, intervention_months), out / "run",
                        figure_format))
    return written


def _graphml(network: Any, panel: Any, month: int, out: Path) -> Path:
    from alliancesim.network import write_graphml

    if network is None:
        fail(f"--graphml {month}: no trust network was recorded; allowed: one of the months "
             "given to --network-months")
    try:
        return write_graphml(network, month, out / f"network_month_{month}.graphml", panel)
    except ValueError as error:
        fail(f"--graphml {month}: {error}")


def resolve_classes(scenario: Scenario, allow_import: bool) -> dict[str, Any]:
    """The model, member and manager classes a scenario names, by field (imported only
    when allowed)."""
    from alliancesim.engine.classes import ROLES, ClassImportError, resolve_class

    source = Path(scenario.source)
    search = source.parent if source.is_file() else None
    try:
        return {name: resolve_class(getattr(scenario, name), name, source=scenario.source,
                                    allow_import=allow_import, search=search)
                for name in ROLES}
    except ClassImportError as error:
        fail(str(error))


def _folder_of(source: str) -> Path | None:
    """The folder of a scenario file (None for the defaults or a file-less scenario)."""
    path = Path(source)
    return path.parent if path.is_file() else None


def run(
    scenario: Annotated[str | None, typer.Argument(
        help="Scenario file, or the name of a shipped scenario such as 'dedicated_manager'. "
             "Leave out to run the built-in defaults.", show_default=False)] = None,
    seed: Annotated[int, typer.Option(help="Root seed of the run (0 or more).")] = 1,
    replicate: Annotated[int | None, typer.Option(
        min=0, help="Rerun replicate R of an 'alliancesim compare' made with --seed "
                    "(the seed is child R of SeedSequence(seed)).", show_default=False)] = None,
    out: Annotated[Path, typer.Option(help="Folder for the output files.")] = Path("out/run"),
    panel: Annotated[bool, typer.Option(
        "--panel", help="Also keep the per-member panel (member x month) in panel.csv.")]
        = False,
    network_months: Annotated[str | None, typer.Option(help=MONTHS_HELP, show_default=False)]
        = None,
    graphml: Annotated[int | None, typer.Option(
        help="Also write the trust network of this month (one of --network-months) as "
             "GraphML.", show_default=False)] = None,
    allow_import: Annotated[bool, typer.Option("--allow-import", help=ALLOW_IMPORT_HELP)]
        = False,
    figure_format: Annotated[FigureFormat, typer.Option("--format", help=FORMAT_HELP)]
        = FigureFormat.png,
) -> None:
    """Run one alliance (defaults, or a scenario) and write its tables and a figure."""
    from alliancesim.scenarios import Scenario, ScenarioError, scheduled_entries

    check_seed(seed)
    chosen = load_or_fail(scenario, allow_import) if scenario else Scenario(name="Default alliance")
    months = parse_months(network_months)
    if graphml is not None and graphml not in months:
        months = tuple(sorted({*months, graphml}))
    check_months_within(months, chosen.horizon, "--network-months/--graphml")
    for idle in chosen.idle_entries():
        warn(idle)
    classes = resolve_classes(chosen, allow_import)
    prepare_output_folder(out)
    from alliancesim.engine.store import ResultsError
    from alliancesim.engine.tasks import Recording
    from alliancesim.single import RunFailed, run_into

    own = chosen.recording()
    record = Recording(panel=panel or own.panel,
                       network_months=tuple(sorted({*months, *own.network_months})))
    key = () if replicate is None else (replicate,)
    try:
        result = run_into(out, chosen.model_arguments(), seed, key, scheduled_entries(chosen),
                          record=record, **classes,
                          about={"scenario": chosen.name, "scenario_file": chosen.source,
                                 "replicate": replicate},
                          scenario_folder=_folder_of(chosen.source))
    except (ScenarioError, ResultsError, RunFailed) as error:
        fail(str(error))
    label = f"seed {seed}" + ("" if replicate is None else f", replicate {replicate}")
    title = f"{chosen.name}, {label}"
    print_summary(result, title)
    report_culture(result.outcome, result.events)
    intervention_months = tuple(sorted({i.month for i in chosen.interventions()}))
    try:
        written = write_run(result, out, title, intervention_months, figure_format.value,
                            graphml)
    except OSError as error:
        fail(f"--out {str(out)!r}: cannot write the results ({error})")
    for path in written:
        console.print(f"wrote {path}")
    console.print(f"wrote {out / 'manifest.json'} (seed, versions, command line)")


def register(app: typer.Typer) -> None:
    """Add the command to the app."""
    app.command("run")(run)
