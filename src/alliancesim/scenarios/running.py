"""Running a scenario: its parameters and timeline through :func:`simulate`, seeded reproducibly."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from alliancesim.scenarios.errors import ScenarioError
from alliancesim.scenarios.schema import Scenario

if TYPE_CHECKING:  # the model is imported when a scenario runs, not when one is read
    from alliancesim.model import AllianceModel
    from alliancesim.model.timeline import Intervention, SimulationResult

Seed = int | np.random.SeedSequence | None


def replicate_seeds(seed: int, replicates: int) -> list[np.random.SeedSequence]:
    """The independent seeds of ``replicates`` runs: the children of ``SeedSequence(seed)``.

    Replicate ``r`` of every scenario in a comparison uses child ``r`` (common random numbers).
    """
    return np.random.SeedSequence(seed).spawn(replicates)


def replicate_seed(seed: int, replicate: int) -> np.random.SeedSequence:
    """Child ``replicate`` of ``SeedSequence(seed)``, without spawning the ones before it."""
    return np.random.SeedSequence(seed, spawn_key=(replicate,))


@dataclass(frozen=True)
class ScheduledEntry:
    """A timeline entry on its way into the model, remembering which entry of which file it
    is, so that a failure at run time (a named partner who is not a member) names both."""

    intervention: Intervention
    number: int
    source: str

    @property
    def month(self) -> int:
        """The month the intervention happens, as :meth:`AllianceModel.schedule` expects."""
        return self.intervention.month

    def apply(self, model: AllianceModel) -> None:
        """Apply the intervention; a missing partner becomes a :class:`ScenarioError`."""
        try:
            self.intervention.apply(model)
        except KeyError as error:
            raise ScenarioError(
                self.source, f"timeline[{self.number}].partner",
                f"{error.args[0]} (at month {self.month}); partner names depend on the seed, "
                "so leave 'partner' out to remove the largest contributor",
            ) from None


def scheduled_entries(scenario: Scenario) -> tuple[ScheduledEntry, ...]:
    """The scenario's timeline, ready for :func:`simulate`."""
    return tuple(ScheduledEntry(item, number, scenario.source)
                 for number, item in enumerate(scenario.interventions(), start=1))


def run_scenario(
    scenario: Scenario,
    seed: Seed = None,
    *,
    record_steps: bool = True,
    record_events: bool = True,
    keep_model: bool = False,
    record_panel: bool | None = None,
    network_months: tuple[int, ...] | None = None,
    model_class: type | None = None,
    member_class: type | None = None,
    manager_class: type | None = None,
    allow_import: bool = False,
) -> SimulationResult:
    """Run ``scenario`` once with ``seed``: its parameters, then its timeline month by month.

    Returns the :class:`~alliancesim.model.timeline.SimulationResult` (outcome record and, by
    default, the per-step table and the event log as DataFrames). The per-member panel and
    the trust network are kept as the scenario's ``[record]`` table says, unless
    ``record_panel`` / ``network_months`` say otherwise. The model, member and manager
    classes are ``model_class`` / ``member_class`` / ``manager_class`` when given, else those
    the file names, imported only with ``allow_import``.
    """
    from alliancesim.engine.classes import ROLES, resolve_class
    from alliancesim.model.timeline import simulate

    own = scenario.recording()
    source = Path(scenario.source)
    search = source.parent if source.is_file() else None
    given = {"model_class": model_class, "member_class": member_class,
             "manager_class": manager_class}
    classes = {name: given[name] if given[name] is not None else resolve_class(
        getattr(scenario, name), name, source=scenario.source, allow_import=allow_import,
        search=search) for name in ROLES}
    return simulate(
        scenario.model_arguments(), seed, scheduled_entries(scenario),  # type: ignore[arg-type]
        record_steps=record_steps, record_events=record_events, keep_model=keep_model,
        record_panel=own.panel if record_panel is None else record_panel,
        network_months=own.network_months if network_months is None else network_months,
        **classes,
    )
