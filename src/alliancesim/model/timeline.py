"""Scheduled interventions and the one-call way to run a simulation.

A timeline is a list of :class:`Intervention` objects, each applied at the start of the given
month, before that month's processes run. Scenario files (``alliancesim.scenarios``) and experiment
runners both run simulations through :func:`simulate`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from alliancesim.model.model import AllianceModel

INTERVENTION_KINDS: dict[str, str] = {
    "partner_joins": "a new partner (the best-fitting candidate) joins",
    "partner_leaves": "a partner leaves (by name, or the largest contributor)",
    "manager_leaves": "the dedicated manager leaves; capacity is gone until a replacement",
    "manager_replaced": "a new dedicated manager is appointed at once",
    "shock": "an external shock of the given severity (0-1)",
    "set_parameter": "a parameter takes a new value from this month on",
    "training": "a training programme closes a share of every member's skill gap",
}


@dataclass(frozen=True)
class Intervention:
    """Something that happens at a given month: see :data:`INTERVENTION_KINDS`."""

    month: int
    kind: str
    partner: str | None = None
    severity: float = 0.5
    parameter: str | None = None
    value: Any = None
    amount: float = 0.2

    def apply(self, model: AllianceModel) -> None:
        """Carry out the intervention on ``model`` now."""
        if self.kind == "partner_joins":
            model.add_partner()
        elif self.kind == "partner_leaves":
            if model.members:
                model.remove_partner(self.partner)
        elif self.kind == "manager_leaves":
            model.manager_leaves()
        elif self.kind == "manager_replaced":
            model.replace_manager()
        elif self.kind == "shock":
            model.shock(self.severity)
        elif self.kind == "set_parameter":
            assert self.parameter is not None
            model.set_parameter(self.parameter, self.value)
        elif self.kind == "training":
            model.train_members(self.amount)
        else:
            raise ValueError(f"unknown intervention kind {self.kind!r}; allowed: "
                             + ", ".join(INTERVENTION_KINDS))


@dataclass
class SimulationResult:
    """What one run produced: its outcome record, and optionally its tables."""

    outcome: dict[str, Any]
    steps: pd.DataFrame | None = None
    events: pd.DataFrame | None = None
    model: AllianceModel | None = field(default=None, repr=False)


def run_model(model: AllianceModel, interventions: Iterable[Intervention] = ()) -> AllianceModel:
    """Step ``model`` until it ends or reaches its horizon, applying the timeline."""
    model.schedule(interventions)
    while model.running:
        model.step()
    return model


def simulate(
    params: Mapping[str, Any] | None = None,
    seed: int | np.random.SeedSequence | None = None,
    interventions: Iterable[Intervention] = (),
    *,
    record_steps: bool = False,
    record_events: bool = False,
    keep_model: bool = False,
) -> SimulationResult:
    """Run one alliance with ``params`` and ``seed`` and return its results.

    Interventions are applied at the start of their month, before that month's processes.
    Without ``record_steps`` (or ``keep_model``) no per-step table is kept, which is faster.
    """
    model = AllianceModel(rng=seed, collect_steps=record_steps or keep_model,
                          **dict(params or {}))
    run_model(model, interventions)
    return SimulationResult(
        outcome=model.outcome_record(),
        steps=model.step_table() if record_steps else None,
        events=model.event_log() if record_events else None,
        model=model if keep_model else None,
    )
