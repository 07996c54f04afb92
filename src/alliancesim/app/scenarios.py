"""The scenario picker's source: scenario files in the project's ``scenarios/`` folder.

A scenario file is TOML with a ``name``, a ``description``, a ``[parameters]`` table of values
that differ from the defaults and a ``[[timeline]]`` of interventions. When the project's
scenario package (``alliancesim.scenarios``) provides a loader, the picker uses it; until
then the file is read here with :mod:`tomllib` and checked against the single parameter
definition. A broken file never stops the app: it is listed with its error instead.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from alliancesim.model.timeline import INTERVENTION_KINDS, Intervention
from alliancesim.params import ParameterError, validate_parameters

SCENARIOS_ENV = "ALLIANCESIM_SCENARIOS"
INTERVENTION_FIELDS = tuple(f.name for f in fields(Intervention))


class ScenarioFileError(ValueError):
    """A scenario file that cannot be used, with the file and field named in the message."""


@dataclass(frozen=True)
class ScenarioChoice:
    """A scenario as the picker offers it."""

    name: str
    description: str
    params: dict[str, Any]
    timeline: tuple[Intervention, ...] = ()
    path: Path | None = None
    error: str = ""
    overrides: dict[str, Any] = field(default_factory=dict)


def scenarios_folder() -> Path:
    """Where the picker looks: ``$ALLIANCESIM_SCENARIOS``, else ``./scenarios``, else the
    ``scenarios/`` folder of the source checkout this package was installed from."""
    configured = os.environ.get(SCENARIOS_ENV)
    if configured:
        return Path(configured)
    here = Path.cwd() / "scenarios"
    if here.is_dir():
        return here
    return Path(__file__).resolve().parents[3] / "scenarios"


def list_scenarios(folder: Path | None = None) -> list[ScenarioChoice]:
    """Every ``*.toml`` scenario in ``folder``, sorted by name; broken ones carry an error."""
    folder = scenarios_folder() if folder is None else folder
    if not folder.is_dir():
        return []
    choices = []
    for path in sorted(folder.glob("*.toml")):
        try:
            choices.append(load_scenario(path))
        except ScenarioFileError as error:
            choices.append(ScenarioChoice(path.stem, "", {}, path=path, error=str(error)))
    return sorted(choices, key=lambda c: c.name.lower())


def load_scenario(path: Path) -> ScenarioChoice:
    """One scenario file, checked against the parameter definition and intervention kinds."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ScenarioFileError(f"{path.name}: cannot be read as TOML ({error})") from error
    overrides = data.get("parameters", {})
    if not isinstance(overrides, dict):
        raise ScenarioFileError(f"{path.name}: [parameters] must be a table of name = value")
    try:
        params = validate_parameters(overrides)
    except ParameterError as error:
        raise ScenarioFileError(f"{path.name}: [parameters] {error}") from error
    timeline = tuple(_intervention(path, i, entry)
                     for i, entry in enumerate(data.get("timeline", []), start=1))
    return ScenarioChoice(str(data.get("name", path.stem)), str(data.get("description", "")),
                          params, timeline, path, overrides=dict(overrides))


def _intervention(path: Path, index: int, entry: Any) -> Intervention:
    where = f"{path.name}: [[timeline]] entry {index}"
    if not isinstance(entry, dict):
        raise ScenarioFileError(f"{where} must be a table")
    unknown = sorted(set(entry) - set(INTERVENTION_FIELDS))
    if unknown:
        raise ScenarioFileError(f"{where}: unknown field {unknown[0]!r}; allowed: "
                                + ", ".join(INTERVENTION_FIELDS))
    kind = entry.get("kind")
    if kind not in INTERVENTION_KINDS:
        raise ScenarioFileError(f"{where}: kind {kind!r} is not one of "
                                + ", ".join(INTERVENTION_KINDS))
    month = entry.get("month")
    if isinstance(month, bool) or not isinstance(month, int) or month < 1:
        raise ScenarioFileError(f"{where}: month must be a whole number of 1 or more, "
                                f"got {month!r}")
    return Intervention(**entry)
