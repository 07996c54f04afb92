"""Scheduled interventions and the one-call way to run a simulation.

A timeline is a list of :class:`Intervention` objects, each applied at the start of the given
month, before that month's processes run. Scenario files (``alliancesim.scenarios``) and experiment
runners both run simulations through :func:`simulate`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from alliancesim.api_checks import check_intervention, check_step_columns
from alliancesim.bounds import check_months
from alliancesim.model.model import AllianceModel
from alliancesim.params import INTERVENTION_KINDS


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

    def __post_init__(self) -> None:
        # Checked like a scenario file's timeline entry, so Python and files agree.
        check_intervention(self)

    def apply(self, model: AllianceModel) -> None:
        """Carry out the intervention on ``model`` now."""
        action = _ACTIONS.get(self.kind)
        if action is None:
            raise ValueError(f"unknown intervention kind {self.kind!r}; allowed: "
                             + ", ".join(INTERVENTION_KINDS))
        action(self, model)


def _partner_leaves(entry: Intervention, model: AllianceModel) -> None:
    if model.members:
        model.remove_partner(entry.partner)


def _set_parameter(entry: Intervention, model: AllianceModel) -> None:
    assert entry.parameter is not None
    model.set_parameter(entry.parameter, entry.value)


_ACTIONS: dict[str, Callable[[Intervention, AllianceModel], Any]] = {
    "partner_joins": lambda entry, model: model.add_partner(),
    "partner_leaves": _partner_leaves,
    "manager_leaves": lambda entry, model: model.manager_leaves(),
    "manager_replaced": lambda entry, model: model.replace_manager(),
    "shock": lambda entry, model: model.shock(entry.severity),
    "set_parameter": _set_parameter,
    "training": lambda entry, model: model.train_members(entry.amount),
}
if set(_ACTIONS) != set(INTERVENTION_KINDS):  # the kinds are defined in alliancesim.params
    raise ImportError(f"timeline actions {sorted(_ACTIONS)} do not match the intervention "
                      f"kinds {sorted(INTERVENTION_KINDS)}")


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
    manager_class: type[Any] | None = None,
    step_columns: Iterable[str] | None = None,
) -> SimulationResult:
    """Run one alliance with ``params`` and ``seed`` and return its results.

    ``params`` are model parameters by name, and may also hold ``partners``, the partners'
    countries (see :class:`AllianceModel`).

    Interventions are applied at the start of their month, before that month's processes.
    Without ``record_steps`` (or ``keep_model``) no per-step table is kept, which is faster.

    Args:
        record_panel: keep the per-member panel (member x month).
        network_months: months (0 = the founders' start) at which to keep the trust network.
        model_class: an :class:`AllianceModel` subclass to run instead (it takes the same
            keywords); ``member_class``: a :class:`MemberOrganization` subclass for its
            members; ``manager_class``: an :class:`AllianceManager` subclass for its
            dedicated managers.
        step_columns: keep only these columns of the per-step table (``month`` first).
    """
    cls = check_model_class(model_class or AllianceModel)
    check_step_columns(step_columns)  # before the run, not after it
    extra = {name: given for name, given in (("member_class", member_class),
                                             ("manager_class", manager_class))
             if given is not None}
    model = cls(rng=seed, collect_steps=record_steps or keep_model,
                record_events=record_events or keep_model, record_members=record_panel,
                **extra, **dict(params or {}))
    model.schedule(interventions)
    months = set(check_months("network_months", network_months,
                              horizon=int(model.params.horizon)))
    edges = [model.trust_edges()] if 0 in months else []
    while model.running:
        model.step()
        if model.month in months:
            edges.append(model.trust_edges())
    return SimulationResult(
        outcome=model.outcome_record(),
        steps=model.step_table(step_columns) if record_steps else None,
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
