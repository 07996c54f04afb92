"""Ecosystem scenario files (TOML) and :func:`run_ecosystem`.

A file has a top-level ``seed``, an ``[ecosystem]`` table of ecosystem parameters, an
optional ``[alliance]`` table of single-alliance parameters that every alliance takes, and an
optional ``[partners]`` table (``countries`` / ``country_mix``) for the organizations'
countries. Anything else is refused with the file, the field and what is allowed.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from alliancesim.culture.partners import PartnersError
from alliancesim.ecosystem.model import EcosystemModel
from alliancesim.ecosystem.outputs import EcosystemResult, collect
from alliancesim.params import ParameterError

TOP_LEVEL = ("name", "description", "seed", "ecosystem", "alliance", "partners")


class EcosystemScenarioError(ValueError):
    """A scenario file that cannot be used: names the file and the field."""


@dataclass
class EcosystemScenario:
    """A checked ecosystem scenario."""

    name: str = "ecosystem"
    description: str = ""
    seed: int = 0
    ecosystem: dict[str, Any] = field(default_factory=dict)
    alliance: dict[str, Any] = field(default_factory=dict)
    partners: dict[str, Any] = field(default_factory=dict)


def load_ecosystem_scenario(path: str | Path) -> EcosystemScenario:
    """Read and check an ecosystem scenario file."""
    source = Path(path)
    try:
        data = tomllib.loads(source.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise EcosystemScenarioError(f"{source}: no such file") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise EcosystemScenarioError(f"{source}: not a valid TOML file: {error}") from None
    return scenario_from_dict(data, str(source))


def scenario_from_dict(data: Mapping[str, Any], source: str = "scenario") -> EcosystemScenario:
    """Check a scenario given as a dict (a parsed file); errors name ``source``."""
    unknown = sorted(set(data) - set(TOP_LEVEL))
    if unknown:
        raise EcosystemScenarioError(f"{source}: unknown field {unknown[0]!r}; allowed: "
                                     f"{', '.join(TOP_LEVEL)}")
    seed = data.get("seed", 0)
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise EcosystemScenarioError(f"{source}: seed must be a whole number >= 0, got "
                                     f"{seed!r}")
    tables = {}
    for name in ("ecosystem", "alliance", "partners"):
        table = data.get(name, {})
        if not isinstance(table, Mapping):
            raise EcosystemScenarioError(f"{source}: {name} must be a table ([{name}]), got "
                                         f"{type(table).__name__}")
        tables[name] = dict(table)
    for name in ("name", "description"):
        if not isinstance(data.get(name, ""), str):
            raise EcosystemScenarioError(f"{source}: {name} must be text")
    scenario = EcosystemScenario(str(data.get("name", Path(source).stem)),
                                 str(data.get("description", "")), seed, **tables)
    check(scenario, source)
    return scenario


def check(scenario: EcosystemScenario, source: str) -> None:
    """Make (without running) the model the scenario describes, to check every value."""
    try:
        EcosystemModel(scenario.seed, alliance=scenario.alliance,
                       partners=scenario.partners or None, _check_only=True,
                       **scenario.ecosystem)
    except ParameterError as error:
        table = "ecosystem" if "ecosystem parameter" in str(error) or error.name in \
            scenario.ecosystem else "alliance"
        raise EcosystemScenarioError(f"{source}: {table}.{error.name}: {error}") from None
    except PartnersError as error:
        raise EcosystemScenarioError(f"{source}: partners.{error.field}: "
                                     f"{error.message}") from None


def run_ecosystem(scenario: str | Path | Mapping[str, Any] | EcosystemScenario | None = None,
                  *, seed: int | None = None, out: str | Path | None = None,
                  alliance: Mapping[str, Any] | None = None,
                  **params: Any) -> EcosystemResult:
    """Run an ecosystem to its end and return its tables (written into ``out`` if given).

    ``scenario`` is a file, a dict shaped like one, or a checked scenario; ``seed``,
    ``alliance`` values and ecosystem ``params`` given here override it.
    """
    if scenario is None:
        chosen = EcosystemScenario()
    elif isinstance(scenario, EcosystemScenario):
        chosen = scenario
    elif isinstance(scenario, Mapping):
        chosen = scenario_from_dict(scenario)
    else:
        chosen = load_ecosystem_scenario(scenario)
    model = EcosystemModel(chosen.seed if seed is None else seed,
                           alliance={**chosen.alliance, **(alliance or {})},
                           partners=chosen.partners or None,
                           **{**chosen.ecosystem, **params})
    result = collect(model.run())
    if out is not None:
        result.write(out)
    return result
