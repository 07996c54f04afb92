"""The scenario picker's source: the scenario files of the project's ``scenarios/`` folder.

Files are read with the project's scenario loader (:mod:`alliancesim.scenarios`), so the
picker offers exactly what ``alliancesim run SCENARIO`` accepts. A broken file never stops the
app: it is listed with the loader's message (file, field, allowed values) instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from alliancesim.culture import Partners, as_partners
from alliancesim.scenarios import (
    Scenario,
    ScenarioError,
    load_scenario,
    scenarios_folder,
    scheduled_entries,
    shipped_scenarios,
)
from alliancesim.scenarios.running import ScheduledEntry


@dataclass(frozen=True)
class ScenarioChoice:
    """A scenario as the picker offers it: full parameters, the timeline and the seed its
    story happens on, or an error."""

    name: str
    description: str
    params: dict[str, Any]
    timeline: tuple[ScheduledEntry, ...] = ()
    path: Path | None = None
    error: str = ""
    teaching_seed: int | None = None
    partners: Partners = field(default_factory=Partners)


def list_scenarios(folder: Path | None = None) -> list[ScenarioChoice]:
    """Every scenario file in ``folder`` (default: the project's scenarios folder), by name."""
    folder = scenarios_folder() if folder is None else folder
    choices = [load_choice(path) for path in shipped_scenarios(folder)]
    return sorted(choices, key=lambda c: c.name.lower())


def own_class_refusal(scenario: Scenario) -> str:
    """Why the app will not open a scenario that names its own model, member or manager class
    ('' if it names none): the app never imports code a file names, and running the
    package's model instead would show something the file did not ask for."""
    from alliancesim.engine.classes import ROLES

    for name in ROLES:
        named = getattr(scenario, name)
        if named:
            return (f"{scenario.source}: field {name!r}: names the class {named!r}; the app "
                    "runs alliancesim's own model only and never imports a file's class: "
                    f"run it with 'alliancesim run {scenario.source} --allow-import'")
    return ""


def load_choice(path: Path) -> ScenarioChoice:
    """One scenario file as a picker entry; a file that does not load carries its error."""
    try:
        scenario = load_scenario(path)
    except ScenarioError as error:
        return ScenarioChoice(path.stem, "", {}, path=path, error=str(error))
    refusal = own_class_refusal(scenario)
    if refusal:
        return ScenarioChoice(scenario.name, "", {}, path=path, error=refusal)
    return ScenarioChoice(scenario.name, " ".join(scenario.description.split()),
                          scenario.params(), scheduled_entries(scenario), path,
                          teaching_seed=scenario.teaching_seed,
                          partners=as_partners(scenario.partners))
