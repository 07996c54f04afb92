"""``alliancesim ecosystem``: a population of organizations with alliance portfolios over
decades, from a scenario file, into a folder of tables and a figure."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated, Any

import typer

from alliancesim.cli.console import check_seed, console, fail


def ecosystem(
    scenario: Annotated[Path, typer.Argument(
        help="An ecosystem scenario file (TOML: seed, [ecosystem], [alliance], [partners]).",
        show_default=False)],
    out: Annotated[Path, typer.Option(
        help="Folder for the tables and the figure; the profession report goes into its "
             "report/ folder.")] = Path("out/ecosystem"),
    seed: Annotated[int | None, typer.Option(
        help="Seed of the run (0 or more), instead of the file's.", show_default=False)]
        = None,
) -> None:
    """Run a population of organizations forming and ending alliances over decades; write
    the organization panel, the alliance table, the network by year, the profession's
    indicators and a figure into --out, and the profession report (answers with their
    intervals, CSVs, figures) into --out/report."""
    from alliancesim.ecosystem.scenario import (
        EcosystemScenarioError,
        load_ecosystem_scenario,
        run_ecosystem,
    )

    if seed is not None:
        check_seed(seed)
    try:
        chosen = load_ecosystem_scenario(scenario)
    except EcosystemScenarioError as error:
        fail(str(error))
    started = time.perf_counter()
    result = run_ecosystem(chosen, seed=seed, out=out)
    last = result.profession.iloc[-1] if len(result.profession) else None
    console.print(f"{len(result.model.orgs):,} organizations, {len(result.alliances):,} "
                  f"alliances over {result.model.params.years} years in "
                  f"{time.perf_counter() - started:.1f} s")
    if last is not None:
        console.print(f"last year: {last['share_function']:.1%} of organizations keep a "
                      f"dedicated function, {int(last['professionals_employed'])} "
                      f"professionals at a wage of {last['wage']:.2f} FTE-years")
    _report(result, out / "report")
    console.print(f"written to {out}")


def _report(result: object, folder: Path) -> None:
    """Write the profession report of one run and print its two answers."""
    from alliancesim.ecosystem.analysis import analyze_profession
    from alliancesim.ecosystem.profession_report import write_analysis

    analysis = analyze_profession(result)
    write_analysis(analysis, folder)
    print_profession_answers(analysis, folder, replicated=False)


def print_profession_answers(analysis: Any, folder: Path, *, replicated: bool) -> None:
    """Print the two answers of a profession analysis and where its report is."""
    emergence = analysis.emergence
    if len(emergence):
        row = emergence.iloc[0]
        noise = (f"{row['change']:+.3f} ({row['ci_low']:+.3f} to {row['ci_high']:+.3f}) "
                 f"over {int(row['runs'])} runs" if replicated
                 else "one run: no replicate noise measured")
        console.print(f"a profession: {row['answer']} (change in the share with a "
                      f"function: {noise})" if replicated else
                      f"a profession: {row['answer']} ({noise})", highlight=False)
    practice = analysis.practice
    if len(practice):
        headline = practice[(practice["outcome"] == "dissolved_early")
                            & (practice["estimate"] == "answer")]
        if len(headline):
            row = headline.iloc[0]
            console.print(f"function- against trained-led alliances, early dissolution: "
                          f"{row['effect']:+.3f} ({row['ci_low']:+.3f} to "
                          f"{row['ci_high']:+.3f}): {row['answer']}")
    console.print(f"report: {folder / 'report.md'}")


def register(app: typer.Typer) -> None:
    """Add the command to the ``alliancesim`` app."""
    app.command()(ecosystem)
