"""``alliancesim run``: one alliance, summarised in the terminal and written to files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from alliancesim.model.timeline import SimulationResult, simulate

console = Console()


def print_summary(result: SimulationResult, title: str) -> None:
    """A short table of how the run ended."""
    o = result.outcome
    table = Table(title=title, show_header=False)
    for key in ("outcome", "end_month", "end_reason", "objectives_met", "failed", "renewals",
                "value_total", "members_final", "conflicts_total", "conflicts_escalated",
                "paradoxes_total", "manager_departures"):
        value = o[key]
        table.add_row(key, f"{value:.2f}" if isinstance(value, float) else str(value))
    console.print(table)


def write_run(result: SimulationResult, out: Path) -> list[Path]:
    """Write the per-step table and the event log (CSV) into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    assert result.steps is not None and result.events is not None
    for name, frame in (("steps.csv", result.steps), ("events.csv", result.events)):
        path = out / name
        frame.to_csv(path, index=False)
        written.append(path)
    return written


def run(
    seed: Annotated[int, typer.Option(help="Root seed of the run.")] = 1,
    out: Annotated[Path, typer.Option(help="Folder for the output files.")] = Path("out/run"),
) -> None:
    """Run one alliance on the default parameters and write its tables."""
    result = simulate(seed=seed, record_steps=True, record_events=True)
    print_summary(result, f"Default alliance, seed {seed}")
    for path in write_run(result, out):
        console.print(f"wrote {path}")


def register(app: typer.Typer) -> None:
    """Add the command to the app."""
    app.command("run")(run)
