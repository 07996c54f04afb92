"""Reading scenario files (TOML) and turning validation failures into one clear message."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from alliancesim.bounds import shortened
from alliancesim.params import INTERVENTION_KINDS, suggest
from alliancesim.scenarios.errors import ScenarioError
from alliancesim.scenarios.schema import ENTRY_BY_KIND, FIELD_ERROR, Scenario, ScenarioRecord
from alliancesim.tomlfile import TomlFileError, read_toml

SCENARIOS_ENV = "ALLIANCESIM_SCENARIOS"
KINDS_ALLOWED = ", ".join(INTERVENTION_KINDS)
# pydantic's wording speaks Python; scenario authors write TOML.
PLAIN_MESSAGES = {
    "tuple_type": "must be an array of [[timeline]] tables",
    "dict_type": "must be a table",
    "model_attributes_type": "must be a table",
    "model_type": "must be a table",
    "string_type": "must be text",
    "int_type": "must be a whole number",
    "float_type": "must be a number",
}


def load_scenario(path: str | Path, *, allow_import: bool = False) -> Scenario:
    """Read and check one scenario file.

    With ``allow_import``, the classes the file names (``model_class``, ``member_class``,
    ...) are imported first, looked for next to the file too, so that the parameters they
    declare can be set in it; without, a file never runs code by itself.

    Raises:
        ScenarioError: the file is missing, is not valid TOML, or breaks the schema; the
            message names the file, the field and what is allowed.
    """
    path = Path(path)
    source = str(path)
    try:
        data = read_toml(path)
    except TomlFileError as error:
        reason = _not_found(path) if error.missing else error.reason
        raise ScenarioError(source, None, reason) from None
    return scenario_from_dict(data, source, allow_import=allow_import, search=path.parent)


def _not_found(path: Path) -> str:
    shipped = ", ".join(p.stem for p in shipped_scenarios())
    if path.suffix or not shipped:
        return "file not found"
    return (f"file not found, and no shipped scenario has that name; allowed: a scenario "
            f"file or one of {shipped}")


def scenario_from_dict(data: Mapping[str, Any], source: str = "<scenario>", *,
                       allow_import: bool = False, search: Path | None = None) -> Scenario:
    """Check a scenario given as a dict (the parsed TOML) and return it (``allow_import``
    and ``search`` as for :func:`load_scenario`).

    Raises:
        ScenarioError: naming ``source``, the offending field and what is allowed.
    """
    context = declaration_context(data, source, allow_import=allow_import, search=search)
    try:
        scenario = Scenario.model_validate(dict(data), context=context)
    except ValidationError as error:
        raise translate_errors(error, source) from None
    return scenario.with_source(source)


def declaration_context(data: Mapping[str, Any], source: str, *, allow_import: bool,
                        search: Path | None = None) -> dict[str, Any]:
    """What validating a file needs to know of the classes it names: their import paths
    and, when importing is allowed, the parameters they declare."""
    from alliancesim.engine.classes import ROLES, ClassImportError, check_import_path
    from alliancesim.params.declared import DeclarationError, declared_for

    named = {role: data[role] for role in ROLES
             if isinstance(data.get(role), str) and check_import_path(data[role]) is None}
    if not named:
        return {}
    if not allow_import:
        return {"named": tuple(named.values())}
    try:
        classes = {role: resolve_named(path, role, source, search)
                   for role, path in named.items()}
        declared = declared_for(**classes)
    except ClassImportError as error:
        raise ScenarioError(source, error.field, error.message) from None
    except DeclarationError as error:
        raise ScenarioError(source, "parameters", str(error)) from None
    return {"named": tuple(named.values()), "declared": {p.name: p for p in declared}}


def resolve_named(path: str, role: str, source: str, search: Path | None) -> type:
    """The class a file names for ``role``, imported (the caller has the user's opt-in)."""
    from alliancesim.engine.classes import resolve_class

    cls = resolve_class(path, role, source=source, allow_import=True, search=search)
    assert cls is not None
    return cls


def load_scenarios(paths: Iterable[str | Path], *, allow_import: bool = False
                   ) -> list[Scenario]:
    """Load several scenarios (each resolved with :func:`resolve_scenario_path`)."""
    return [load_scenario(resolve_scenario_path(p), allow_import=allow_import) for p in paths]


def scenarios_folder() -> Path:
    """Where shipped scenarios live: ``$ALLIANCESIM_SCENARIOS``, else ``./scenarios``, else the
    ``scenarios/`` folder of the source checkout this package runs from."""
    configured = os.environ.get(SCENARIOS_ENV)
    if configured:
        return Path(configured)
    here = Path("scenarios")
    if here.is_dir():
        return here
    return Path(__file__).resolve().parents[3] / "scenarios"


def shipped_scenarios(folder: Path | None = None) -> list[Path]:
    """The scenario files in ``folder`` (default :func:`scenarios_folder`), sorted by name."""
    folder = scenarios_folder() if folder is None else folder
    return sorted(folder.glob("*.toml")) if folder.is_dir() else []


def resolve_scenario_path(name_or_path: str | Path) -> Path:
    """A path as given if it exists, else a shipped scenario of that name (``dedicated_manager``
    finds ``scenarios/dedicated_manager.toml``); a missing name is left for the loader to
    report."""
    path = Path(name_or_path)
    if path.exists() or path.suffix:
        return path
    shipped = scenarios_folder() / f"{path.name}.toml"
    return shipped if shipped.is_file() else path


# --- turning pydantic errors into one message -------------------------------------------------
def translate_errors(error: ValidationError, source: str) -> ScenarioError:
    """The first problem pydantic found, as a :class:`ScenarioError` with file, field and
    allowed values (further problems are counted, so fixing one at a time is enough)."""
    problems = error.errors()
    first = problems[0]
    field, message = _describe(first)
    if len(problems) > 1:
        message += f" ({len(problems) - 1} more problem(s) in this file)"
    return ScenarioError(source, field or None, message)


def _describe(problem: ErrorDetails) -> tuple[str, str]:
    """(field path, message) for one pydantic error."""
    loc, model = _walk(problem["loc"])
    path = _path(loc)
    kind, ctx = problem["type"], problem.get("ctx") or {}
    if kind == FIELD_ERROR:
        return _join(path, str(ctx["field"])), str(ctx["message"])
    if kind == "extra_forbidden":
        return path, _unknown_field(str(loc[-1]), model)
    if kind == "union_tag_invalid":
        tag = str(ctx.get("tag"))
        return _join(path, "kind"), (
            f"unknown intervention kind {tag!r}.{suggest(tag, list(INTERVENTION_KINDS))} "
            f"Allowed: {KINDS_ALLOWED}"
        )
    if kind == "union_tag_not_found":
        return _join(path, "kind"), f"a timeline entry needs a kind; allowed: {KINDS_ALLOWED}"
    if kind == "missing":
        return path, f"is required; allowed: {_allowed(model, loc[-1])}"
    got = _shown(problem.get("input"))
    what = PLAIN_MESSAGES.get(kind) or _lower_first(problem["msg"])
    return path, f"{what}, got {got}; allowed: {_allowed(model, loc[-1] if loc else None)}"


def _walk(loc: tuple[int | str, ...]) -> tuple[tuple[int | str, ...], type[BaseModel]]:
    """Drop pydantic's union tags from ``loc`` and find the model class the last key is in."""
    model: type[BaseModel] = Scenario
    kept: list[int | str] = []
    if loc[:1] == ("record",) and len(loc) > 1:
        return loc, ScenarioRecord
    for index, part in enumerate(loc):
        after_entry = index > 0 and isinstance(loc[index - 1], int) and kept[:1] == ["timeline"]
        if after_entry and isinstance(part, str) and part in ENTRY_BY_KIND:
            model = ENTRY_BY_KIND[part]
            continue
        kept.append(part)
    return tuple(kept), model


def _path(loc: tuple[int | str, ...]) -> str:
    """``('timeline', 1, 'severity')`` -> ``timeline[2].severity`` (entries count from 1)."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part + 1}]"
        else:
            text = _join(text, part)
    return text


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path and name else path or name


def _unknown_field(name: str, model: type[BaseModel]) -> str:
    name = shortened(name)
    known = list(model.model_fields)
    if model is ScenarioRecord:
        return (f"unknown field {name!r} in the [record] table.{suggest(name, known)} "
                f"Allowed fields: {', '.join(known)}")
    what = "timeline entry" if model is not Scenario else "scenario"
    kind = model.model_fields["kind"].annotation if "kind" in model.model_fields else None
    label = f"{what} of kind {kind.__args__[0]!r}" if kind is not None else what  # type: ignore[union-attr]
    owners = [k for k, cls in ENTRY_BY_KIND.items() if name in cls.model_fields]
    hint = (f" {name!r} belongs to kind {owners[0]!r}." if owners and what != "scenario"
            else suggest(name, known))
    return f"unknown field {name!r} in a {label}.{hint} Allowed fields: {', '.join(known)}"


def _allowed(model: type[BaseModel], name: int | str | None) -> str:
    if name is None:
        return "a TOML document with the fields " + ", ".join(Scenario.model_fields)
    if isinstance(name, int) and model is ScenarioRecord:
        return "whole numbers of months, 0 or more"
    if isinstance(name, int):
        return "a [[timeline]] table with a month, a kind and that kind's fields"
    info = model.model_fields.get(str(name))
    if info is None or not info.description:
        return "see the scenario format in docs/files.md"
    return info.description


def _shown(value: Any) -> str:
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{type(value).__name__} {text}"


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]
