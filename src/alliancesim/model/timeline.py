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
    """What one run produced: its outcome record (a dict), and the tables asked for.

    Attributes:
        outcome: how and when the run ended, objectives met, totals (one value per key).
        steps: one row per month (``record_steps``).
        events: the event log with plain sentences and the actors' member ids
            (``record_events``).
        panel: one row per member organization and month (``record_panel``).
        network: directed trust between active members at the chosen months
            (``network_months``), one row per ordered pair and month.
        seed: the entropy and spawn key of the run's ``SeedSequence``, as strings.
        model: the model itself (``keep_model``).
    """

    outcome: dict[str, Any]
    steps: pd.DataFrame | None = None
    events: pd.DataFrame | None = None
    model: AllianceModel | None = field(default=None, repr=False)
    panel: pd.DataFrame | None = None
    network: pd.DataFrame | None = None
    seed: tuple[str, str] = ("", "")


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
    record_panel: bool = False,
    network_months: Iterable[int] = (),
    keep_model: bool = False,
    model_class: type[AllianceModel] | None = None,
    member_class: type[Any] | None = None,
) -> SimulationResult:
    """Run one alliance with ``params`` and ``seed`` and return its results.

    Interventions are applied at the start of their month, before that month's processes.
    Without ``record_steps`` (or ``keep_model``) no per-step table is kept, which is faster.

    Args:
        record_panel: keep the per-member panel (member x month).
        network_months: months (0 = the founders' start) at which to keep the trust network.
        model_class: an :class:`AllianceModel` subclass to run instead (it takes the same
            keywords); ``member_class``: a :class:`MemberOrganization` subclass for its
            members.
    """
    cls = check_model_class(model_class or AllianceModel)
    extra = {} if member_class is None else {"member_class": member_class}
    model = cls(rng=seed, collect_steps=record_steps or keep_model, record_members=record_panel,
                **extra, **dict(params or {}))
    model.schedule(interventions)
    months = {int(m) for m in network_months}
    edges = [model.trust_edges()] if 0 in months else []
    while model.running:
        model.step()
        if model.month in months:
            edges.append(model.trust_edges())
    return SimulationResult(
        outcome=model.outcome_record(),
        steps=model.step_table() if record_steps else None,
        events=model.event_log() if record_events else None,
        model=model if keep_model else None,
        panel=model.member_table() if record_panel else None,
        network=pd.concat(edges, ignore_index=True) if edges else None,
        seed=(model.seed_entropy, model.seed_spawn_key),
    )


def check_model_class(cls: Any) -> type[AllianceModel]:
    """``cls`` if it is :class:`AllianceModel` or a subclass, else a clear TypeError."""
    if not (isinstance(cls, type) and issubclass(cls, AllianceModel)):
        raise TypeError(f"model_class must be AllianceModel or a subclass of it, got {cls!r}")
    return cls
