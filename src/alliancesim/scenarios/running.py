"""Running a scenario: its parameters and timeline through :func:`simulate`, seeded reproducibly."""

from __future__ import annotations

from dataclasses import dataclass
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
) -> SimulationResult:
    """Run ``scenario`` once with ``seed``: its parameters, then its timeline month by month.

    Returns the :class:`~alliancesim.model.timeline.SimulationResult` (outcome record and, by
    default, the per-step table and the event log as DataFrames).
    """
    from alliancesim.model.timeline import simulate

    return simulate(
        scenario.model_arguments(), seed, scheduled_entries(scenario),  # type: ignore[arg-type]
        record_steps=record_steps, record_events=record_events, keep_model=keep_model,
    )
