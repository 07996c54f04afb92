"""``alliancesim run``: one alliance, summarised in the terminal and written to files."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from alliancesim.cli.console import check_seed, console, fail, prepare_output_folder, warn

if TYPE_CHECKING:  # the model and matplotlib load when a run starts, not for --help
    from alliancesim.model import AllianceModel
    from alliancesim.model.timeline import SimulationResult
    from alliancesim.scenarios import Scenario

SUMMARY_KEYS = ("outcome", "end_month", "end_reason", "objectives_met", "failed", "renewals",
                "value_total", "members_final", "conflicts_total", "conflicts_escalated",
                "paradoxes_total", "manager_departures")


def load_or_fail(name_or_path: str) -> Scenario:
    """Load a scenario file or shipped scenario; a bad one ends the command with status 2."""
    from alliancesim.scenarios import ScenarioError, load_scenario, resolve_scenario_path

    try:
        return load_scenario(resolve_scenario_path(name_or_path))
    except ScenarioError as error:
        fail(str(error))


def print_summary(result: SimulationResult, title: str) -> None:
    """A short table of how the run ended."""
    from rich.table import Table

    o = result.outcome
    table = Table(title=title, show_header=False)
    for key in SUMMARY_KEYS:
        value = o[key]
        table.add_row(key, f"{value:.2f}" if isinstance(value, float) else str(value))
    console.print(table)


def report_culture(model: AllianceModel) -> None:
    """Where the members came from and how far apart their cultures were; a warning when
    some countries lack scores, so that distances used fewer dimensions."""
    from collections import Counter

    from alliancesim.culture import EDITION, country
    from alliancesim.model import MemberOrganization

    members = [a for a in model.agents if isinstance(a, MemberOrganization)]
    countries = Counter(m.country for m in members if m.country)
    o = model.outcome_record()
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


def write_run(result: SimulationResult, out: Path, title: str = "",
              intervention_months: tuple[int, ...] = ()) -> list[Path]:
    """Write the per-step table and the event log (CSV) and a figure (PNG) into ``out``."""
    from alliancesim.compare.figures import run_figure, save

    out.mkdir(parents=True, exist_ok=True)
    written = []
    assert result.steps is not None and result.events is not None
    for name, frame in (("steps.csv", result.steps), ("events.csv", result.events)):
        path = out / name
        frame.to_csv(path, index=False)
        written.append(path)
    written.append(save(run_figure(result.steps, title, intervention_months), out / "run.png"))
    return written


def run(
    scenario: Annotated[str | None, typer.Argument(
        help="Scenario file, or the name of a shipped scenario such as 'dedicated_manager'. "
             "Leave out to run the built-in defaults.", show_default=False)] = None,
    seed: Annotated[int, typer.Option(help="Root seed of the run (0 or more).")] = 1,
    replicate: Annotated[int | None, typer.Option(
        min=0, help="Rerun replicate R of an 'alliancesim compare' made with --seed "
                    "(the seed is child R of SeedSequence(seed)).", show_default=False)] = None,
    out: Annotated[Path, typer.Option(help="Folder for the output files.")] = Path("out/run"),
) -> None:
    """Run one alliance (defaults, or a scenario) and write its tables and a figure."""
    from alliancesim.scenarios import Scenario, ScenarioError, replicate_seed, run_scenario

    check_seed(seed)
    chosen = load_or_fail(scenario) if scenario else Scenario(name="Default alliance")
    prepare_output_folder(out)
    run_seed = seed if replicate is None else replicate_seed(seed, replicate)
    try:
        result = run_scenario(chosen, run_seed, keep_model=True)
    except ScenarioError as error:
        fail(str(error))
    label = f"seed {seed}" + ("" if replicate is None else f", replicate {replicate}")
    title = f"{chosen.name}, {label}"
    print_summary(result, title)
    assert result.model is not None
    report_culture(result.model)
    months = tuple(sorted({i.month for i in chosen.interventions()}))
    try:
        written = write_run(result, out, title, months)
    except OSError as error:
        fail(f"--out {str(out)!r}: cannot write the results ({error})")
    for path in written:
        console.print(f"wrote {path}")


def register(app: typer.Typer) -> None:
    """Add the command to the app."""
    app.command("run")(run)
