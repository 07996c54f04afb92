"""Management modes: who can intervene in conflicts and stagnation, with what skill.

The budget (in FTE) is the same across modes so that comparisons are fair:
- none: nobody is funded; pairs handle their conflicts alone and members learn little;
- dedicated: one professional manager holds the whole budget;
- transversal: the budget is members' own time, so every member can intervene with its own
  (growing) skill and there is no single point of failure;
- hybrid: half the budget to a manager, half spread over the members.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from alliancesim.model.agents import AllianceManager
from alliancesim.model.events import Event

if TYPE_CHECKING:
    from alliancesim.model.model import AllianceModel

# How strongly members learn from experience, by mode: members learn most when they practise
# alliance management themselves and least when a professional does it for them.
LEARNING_FACTOR = {"none": 0.4, "dedicated": 0.25, "transversal": 1.0, "hybrid": 0.6}
MANAGER_SHARE = {"none": 0.0, "dedicated": 1.0, "transversal": 0.0, "hybrid": 0.5}
MANAGER_NAMES = ("Alex", "Sam", "Robin", "Noor", "Kim", "Jesse", "Ari", "Lou", "Mika", "Sasha")


class Management:
    """The alliance's management function: manager, member capacity and this month's budget."""

    def __init__(self, model: AllianceModel) -> None:
        self.model = model
        self.mode = str(model.p["management_mode"])
        budget = float(model.p["management_budget"])
        self.manager_fte = budget * MANAGER_SHARE[self.mode]
        self.member_fte = budget - self.manager_fte if self.mode != "none" else 0.0
        self.manager: AllianceManager | None = None
        self.vacancy_left = 0
        self.hires = 0
        self.departures = 0
        self.manager_left_now = 0
        self.manager_capacity_left = 0.0
        self.member_capacity_left = 0.0
        if self.manager_fte > 0:
            self._hire()

    @property
    def learning_factor(self) -> float:
        """Multiplier on members' learning from experience in this mode."""
        return LEARNING_FACTOR[self.mode]

    @property
    def manager_present(self) -> bool:
        """Whether a dedicated manager is in post right now."""
        return self.manager is not None

    @property
    def capacity(self) -> float:
        """Interventions available per month in total when everyone is in post."""
        per_fte = float(self.model.p["interventions_per_fte"])
        manager = self.manager.capacity if self.manager is not None else 0.0
        return manager + self.member_fte * per_fte

    def _hire(self) -> None:
        rng = self.model.rng
        name = MANAGER_NAMES[int(rng.integers(len(MANAGER_NAMES)))]
        skill = float(np.clip(rng.normal(float(self.model.p["manager_skill"]), 0.05), 0, 1))
        self.manager = AllianceManager(self.model, name, skill, self.manager_fte)
        self.hires += 1
        if self.hires > 1:
            self.model.log(Event(self.model.month, "manager_arrived", self.model.phase,
                                 actors=(name,)))

    def begin_month(self) -> None:
        """Turnover, replacement and a fresh monthly intervention budget."""
        self.manager_left_now = 0
        if self.manager is not None:
            if self.manager.decides_to_leave():
                self._manager_leaves("turnover")
            else:
                self.manager.learn()
        elif self.manager_fte > 0:
            self.vacancy_left -= 1
            if self.vacancy_left <= 0:
                self._hire()
        per_fte = float(self.model.p["interventions_per_fte"])
        self.manager_capacity_left = self.manager.capacity if self.manager else 0.0
        self.member_capacity_left = self.member_fte * per_fte

    def _manager_leaves(self, reason: str) -> None:
        assert self.manager is not None
        name = self.manager.name
        self.manager.remove()
        self.manager = None
        self.departures += 1
        self.manager_left_now += 1
        self.manager_capacity_left = 0.0
        self.vacancy_left = int(self.model.p["manager_vacancy"])
        self.model.log(Event(self.model.month, "manager_left", self.model.phase, actors=(name,),
                             detail=f"{reason}; no manager for {self.vacancy_left} months",
                             outcome=reason))

    def force_departure(self) -> bool:
        """Make the manager leave now (a scenario intervention). False if there is none."""
        if self.manager is None:
            return False
        self._manager_leaves("left the alliance")
        return True

    def replace_now(self) -> bool:
        """Appoint a new manager at once (a scenario intervention). False if not applicable."""
        if self.manager_fte <= 0:
            return False
        if self.manager is not None:
            self._manager_leaves("replaced")
        self._hire()
        self.manager_capacity_left = self.manager.capacity if self.manager else 0.0
        return True

    def intervene(self, pair_skill: float) -> tuple[float, str] | None:
        """Spend one intervention if any is left: the skill brought to it and who brings it.

        The manager is used first; otherwise members' own time (transversal share), where the
        skill is that of the members involved. Returns None when no capacity is left.
        """
        if self.manager is not None and self.manager_capacity_left >= 1.0:
            self.manager_capacity_left -= 1.0
            return self.manager.effective_skill, f"the alliance manager {self.manager.name}"
        if self.member_capacity_left >= 1.0:
            self.member_capacity_left -= 1.0
            return pair_skill, "the members themselves"
        return None

    def alliance_skill(self, member_skill: float) -> float:
        """Skill the alliance brings to alliance-level issues (paradoxes, stagnation)."""
        manager = self.manager.effective_skill if self.manager is not None else 0.0
        if self.mode == "dedicated":
            return max(manager, 0.5 * member_skill)
        if self.mode == "transversal":
            return member_skill
        if self.mode == "hybrid":
            return max(manager, member_skill)
        return 0.5 * member_skill
