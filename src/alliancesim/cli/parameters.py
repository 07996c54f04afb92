"""``alliancesim parameters``: every parameter a run takes, with its meaning, unit, range
and source, including those that the classes a scenario names declare."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from alliancesim.cli.console import ALLOW_IMPORT_HELP, console, fail

if TYPE_CHECKING:
    from alliancesim.params import Parameter


def parameters(
    scenario: Annotated[str | None, typer.Argument(
        help="A scenario file: also list the parameters that the classes it names declare "
             "(with --allow-import).", show_default=False)] = None,
    model_class: Annotated[str | None, typer.Option(
        help="An AllianceModel subclass as 'package.module:Class': also list the parameters "
             "it (and its member class) declares (with --allow-import).",
        show_default=False)] = None,
    mechanism: Annotated[str | None, typer.Option(
        help="Only the parameters of this mechanism.", show_default=False)] = None,
    allow_import: Annotated[bool, typer.Option("--allow-import", help=ALLOW_IMPORT_HELP)]
        = False,
) -> None:
    """List the model's parameters: name, label, unit, default, allowed values, mechanism
    and source; with a scenario or --model-class, those its classes declare as well."""
    from alliancesim.params import PARAMETERS

    declared = _declared(scenario, model_class, allow_import)
    rows = [(p, "alliancesim") for p in PARAMETERS] + [(p, owner) for p, owner in declared]
    if mechanism is not None:
        known = sorted({p.mechanism for p, _ in rows if p.mechanism})
        if mechanism not in known:
            fail(f"--mechanism: unknown mechanism {mechanism!r}; allowed: {', '.join(known)}")
        rows = [(p, owner) for p, owner in rows if p.mechanism == mechanism]
    _print(rows)


def _declared(scenario: str | None, model_class: str | None,
              allow_import: bool) -> list[tuple[Parameter, str]]:
    """The declared parameters of the classes named, each with the class path naming it."""
    from alliancesim.engine.classes import ClassImportError, resolve_class
    from alliancesim.params.declared import DeclarationError, declared_for

    if scenario is not None:
        from alliancesim.cli.run import load_or_fail

        loaded = load_or_fail(scenario, allow_import)
        owner = (loaded.model_class or loaded.member_class or loaded.manager_class
                 or scenario)
        return [(p, owner) for p in loaded.declared]
    if model_class is None:
        return []
    try:
        cls = resolve_class(model_class, "model_class", source="--model-class",
                            allow_import=allow_import, search=Path.cwd())
        return [(p, model_class) for p in declared_for(cls)]
    except (ClassImportError, DeclarationError) as error:
        fail(str(error))


def _print(rows: list[tuple[Parameter, str]]) -> None:
    from rich.table import Table

    table = Table(title="Parameters", show_lines=False)
    for column in ("name", "label", "unit", "default", "allowed", "mechanism (off)",
                   "source", "defined by"):
        table.add_column(column, overflow="fold")
    for p, owner in rows:
        off = f" ({p.off})" if p.off is not None else ""
        table.add_row(p.name, p.title, p.unit, str(p.default), p.allowed(),
                      (p.mechanism + off) if p.mechanism else "", p.source, owner)
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add the command to the app."""
    app.command("parameters")(parameters)
