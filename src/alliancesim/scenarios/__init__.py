"""Scenario files: a named situation (parameter overrides and a timeline of interventions).

Example::

    from alliancesim.scenarios import load_scenario, run_scenario
    scenario = load_scenario("scenarios/transversal_skill.toml")
    result = run_scenario(scenario, seed=1)
    result.steps      # per-month table (DataFrame)
    result.events     # event log with plain sentences (DataFrame)
"""

from alliancesim.scenarios.errors import ScenarioError
from alliancesim.scenarios.loading import (
    load_scenario,
    load_scenarios,
    resolve_scenario_path,
    scenario_from_dict,
    scenarios_folder,
    shipped_scenarios,
)
from alliancesim.scenarios.running import (
    replicate_seed,
    replicate_seeds,
    run_scenario,
    scheduled_entries,
)
from alliancesim.scenarios.schema import ENTRY_BY_KIND, Scenario, TimelineEntry

__all__ = [
    "ENTRY_BY_KIND",
    "Scenario",
    "ScenarioError",
    "TimelineEntry",
    "load_scenario",
    "load_scenarios",
    "replicate_seed",
    "replicate_seeds",
    "resolve_scenario_path",
    "run_scenario",
    "scenario_from_dict",
    "scenarios_folder",
    "scheduled_entries",
    "shipped_scenarios",
]
