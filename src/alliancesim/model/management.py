"""Management as work done by someone, with a skill, in time paid from a budget.

Every piece of management work (mediating a conflict, working through a paradox, discussing
stagnation, searching partners, negotiating governance, running an assessment, facilitating
a re-evaluation, keeping members in touch) asks for an amount of time. It is done by whoever
holds time this month: a dedicated manager, members' representatives with time set aside,
and, when that runs out, members' spare attention (taken from their joint work). The work's
quality is the skill its doers bring, weighted by the share of the needed time they gave.
Members who do work learn from it; a manager's effect grows with knowledge of the alliance.

The management mode is read in one place only, :func:`budget_holders`: it decides who holds
the budget. Every effect is computed from time and skill, the same way in every mode.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from alliancesim.model import kernels
from alliancesim.model.agents import AllianceManager
from alliancesim.model.events import Event
from alliancesim.params import MANAGEMENT_MODES

if TYPE_CHECKING:
    from alliancesim.model.model import AllianceModel

MANAGER_NAMES = ("Alex", "Sam", "Robin", "Noor", "Kim", "Jesse", "Ari", "Lou", "Mika", "Sasha")
# ndarray.sum() without its Python-level wrapper: the same reduction, called directly.
_sum = np.add.reduce
# Time below this (FTE-months, about a minute) counts as none; it keeps float dust from
# turning into work.
NO_TIME = 1e-9


def budget_holders(mode: str, budget: float, hybrid_manager_share: float) -> tuple[float, float]:
    """Who holds the management budget: (manager's FTE, members' FTE in all).

    This is the only place where the management mode matters: without management nobody
    has time set aside; a dedicated manager holds all of it; in the transversal mode the
    members hold it; in the hybrid mode it is split.
    """
    if mode == "none":
        return 0.0, 0.0
    if mode == "dedicated":
        return budget, 0.0
    if mode == "transversal":
        return 0.0, budget
    if mode == "hybrid":
        return budget * hybrid_manager_share, budget * (1.0 - hybrid_manager_share)
    raise ValueError(f"unknown management mode {mode!r}; allowed: {', '.join(MANAGEMENT_MODES)}")


@dataclass(frozen=True, slots=True)
class WorkDone:
    """What a piece of work got: its quality (0-1) and the share of it the manager did."""

    quality: float
    by_manager: float
    by_members: float


NOTHING_DONE = WorkDone(0.0, 0.0, 0.0)


def allocate(need: float, time: np.ndarray, skill: np.ndarray, rule: str,
             total: float | None = None) -> np.ndarray:
    """Time each holder gives to a task needing ``need``, under the allocation ``rule``.

    ``shared``: everyone with time left gives in proportion to it. ``most_skilled``: the
    most skilled holder gives first, then the next. ``total`` is ``time.sum()`` if known.
    """
    total = float(_sum(time)) if total is None else total
    if total <= need:
        return time.copy()
    if rule == "shared":
        return time * (need / total)
    taken = np.zeros_like(time)
    for k in np.argsort(-skill, kind="stable"):
        give = min(float(time[k]), need)
        taken[k] = give
        need -= give
        if need <= NO_TIME:
            break
    return taken


class Management:
    """The alliance's management time this month: who holds it, who used it, what it cost."""

    def __init__(self, model: AllianceModel) -> None:
        self.model = model
        p = model.params
        self.mode = p.management_mode
        self.manager_fte, self.member_fte = budget_holders(
            p.management_mode, p.management_budget, p.hybrid_manager_share)
        self.manager: AllianceManager | None = None
        self.vacancy_left = 0
        self.hires = 0
        self.departures = 0
        self.vacancy_months = 0
        self.manager_left_now = 0
        self.manager_time = 0.0
        self.funded = np.empty(0)
        self.spare = np.empty(0)
        self.funded_left = 0.0  # totals of the arrays above, kept to spare summing them
        self.spare_left = 0.0
        self.used_now = 0.0
        self.spare_used_now = 0.0
        self.used_total = 0.0
        self.manager_work_total = 0.0
        self.member_work_total = 0.0
        if self.manager_fte > 0:
            self._hire()

    # --- who holds time -------------------------------------------------------------------
    @property
    def manager_present(self) -> bool:
        """Whether a dedicated manager is in post right now."""
        return self.manager is not None

    @property
    def time_in_post(self) -> float:
        """Management time (FTE) held this month by those in post."""
        manager = self.manager.fte if self.manager is not None else 0.0
        return manager + self.member_fte

    @property
    def paid_fte(self) -> float:
        """Time paid for this month: the budget set aside plus members' spare attention used.

        The budget is paid whether or not it is used, and in a vacancy too (the post stays
        funded), so equal budgets cost the same in every mode.
        """
        return self.manager_fte + self.member_fte + self.spare_used_now

    def _member_shares(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        p = self.model.params
        funded = np.full(n, self.member_fte / n if n else 0.0)
        spare = np.full(n, p.spare_attention * p.member_time)
        return funded, spare

    def begin_month(self) -> None:
        """Turnover, replacement and this month's fresh time."""
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
        if self.manager is None and self.manager_fte > 0:
            self.vacancy_months += 1
        self.manager_time = self.manager.fte if self.manager is not None else 0.0
        n, p = len(self.model.state), self.model.params
        if len(self.funded) == n:  # refill in place: cheaper than new arrays every month
            self.funded.fill(self.member_fte / n if n else 0.0)
            self.spare.fill(p.spare_attention * p.member_time)
        else:
            self.funded, self.spare = self._member_shares(n)
        self.funded_left = self.member_fte if n else 0.0
        self.spare_left = n * p.spare_attention * p.member_time
        self.used_now = 0.0
        self.spare_used_now = 0.0

    def members_joined(self, k: int) -> None:
        """Newcomers bring their spare attention; their share of the budget starts next month."""
        _, spare = self._member_shares(k)
        self.funded = np.concatenate([self.funded, np.zeros(k)])
        self.spare = np.concatenate([self.spare, spare])
        self.spare_left += float(spare.sum())

    def member_left(self, slot: int) -> None:
        """A leaver's unused time leaves with it."""
        self.funded_left = max(0.0, self.funded_left - float(self.funded[slot]))
        self.spare_left = max(0.0, self.spare_left - float(self.spare[slot]))
        self.funded = np.delete(self.funded, slot)
        self.spare = np.delete(self.spare, slot)

    # --- the manager ----------------------------------------------------------------------
    def _hire(self) -> None:
        model, p = self.model, self.model.params
        rng = model.management_rng
        name = MANAGER_NAMES[int(rng.integers(len(MANAGER_NAMES)))]
        skill = float(np.clip(rng.normal(p.manager_skill, p.manager_skill_sd), 0.0, 1.0))
        self.manager = AllianceManager(model, name, skill, self.manager_fte)
        self.manager_time = self.manager.fte
        self.hires += 1
        if self.hires > 1:
            model.log(Event(model.month, "manager_arrived", model.phase, actors=(name,)))

    def _manager_leaves(self, reason: str) -> None:
        assert self.manager is not None
        name = self.manager.name
        self.manager.remove()
        self.manager = None
        self.departures += 1
        self.manager_left_now += 1
        self.manager_time = 0.0
        self.vacancy_left = self.model.params.manager_vacancy
        self.model.log(Event(self.model.month, "manager_left", self.model.phase,
                             actors=(name,), outcome=reason,
                             detail=f"{reason}; the post is vacant for up to "
                                    f"{self.vacancy_left} months"))

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
        return True

    # --- doing work -----------------------------------------------------------------------
    def work(self, effort: float, rows: list[int] | None = None) -> WorkDone:
        """Do a piece of work needing ``effort`` FTE-months, among the members in ``rows``
        (all members when None) and the manager.

        Budgeted time is used first (the manager's and the members' set-aside time, divided
        by the allocation rule), then the members' spare attention. The quality is the skill
        of those who gave time, weighted by their share of ``effort``; members learn from
        the time they gave.
        """
        manager_skill = self.manager.effective_skill if self.manager is not None else 0.0
        if effort <= 0.0:
            return self._effortless(manager_skill, rows)
        if rows is not None:
            return self._work_among(effort, rows, manager_skill)
        skill = self.model.state.skill
        rule = self.model.params.work_allocation
        if self.funded_left > NO_TIME:
            by_manager, funded = _split(effort, self.manager_time, manager_skill, self.funded,
                                        skill, rule)
            self.funded -= funded
            funded_total = float(_sum(funded))
            self.funded_left = max(0.0, self.funded_left - funded_total)
        else:  # nobody but (perhaps) the manager holds budgeted time
            by_manager, funded = min(self.manager_time, effort), None
        self.manager_time -= by_manager
        given = by_manager if funded is None else by_manager + funded_total
        members = funded
        if effort - given > NO_TIME and self.spare_left > NO_TIME:
            spare = allocate(effort - given, self.spare, skill, rule, self.spare_left)
            self.spare -= spare
            used = float(_sum(spare))
            self.spare_left = max(0.0, self.spare_left - used)
            self.spare_used_now += used
            members = spare if members is None else members + spare
        if members is None:
            self._account(by_manager, 0.0)
            return WorkDone(by_manager * manager_skill / effort, by_manager / effort, 0.0)
        by_members = float(_sum(members))
        quality = (by_manager * manager_skill + float(members @ skill)) / effort
        self._account(by_manager, by_members)
        if by_members > 0.0:
            self._learn(slice(None), members, skill)
        return WorkDone(quality, by_manager / effort, by_members / effort)

    def _work_among(self, effort: float, rows: list[int], manager_skill: float) -> WorkDone:
        """:meth:`work` for a few members (a conflict's pair), in plain Python: the same
        rule, without the cost of small arrays."""
        if self.funded_left <= NO_TIME and self.manager_time >= effort:
            # Only the manager holds budgeted time, and enough of it: the manager does it.
            self.manager_time -= effort
            self._account(effort, 0.0)
            return WorkDone(manager_skill, 1.0, 0.0)
        funded, spare, skill = self.funded, self.spare, self.model.state.skill
        rule = self.model.params.work_allocation
        skills = [float(skill[r]) for r in rows]
        taken = _split_few(effort, [self.manager_time, *(float(funded[r]) for r in rows)],
                           [manager_skill, *skills], rule)
        by_manager, given = taken[0], taken[1:]
        need = effort - sum(taken)
        if need > NO_TIME:
            extra = _split_few(need, [float(spare[r]) for r in rows], skills, rule)
            for r, time in zip(rows, extra, strict=True):
                spare[r] -= time
            self.spare_used_now += sum(extra)
            self.spare_left = max(0.0, self.spare_left - sum(extra))
        else:
            extra = [0.0] * len(rows)
        self.manager_time -= by_manager
        rate = self.model.params.skill_learning_rate
        quality = by_manager * manager_skill
        by_members = 0.0
        self.funded_left = max(0.0, self.funded_left - sum(given))
        for r, own, time, s in zip(rows, given, extra, skills, strict=True):
            funded[r] -= own
            total = own + time
            quality += total * s
            by_members += total
            if rate > 0.0 and total > 0.0:
                skill[r] = s + min(rate * total, 1.0) * (1.0 - s)
        self._account(by_manager, by_members)
        return WorkDone(quality / effort, by_manager / effort, by_members / effort)

    def _effortless(self, manager_skill: float, rows: list[int] | None) -> WorkDone:
        """Work that takes no time is done as well as those who hold time could do it."""
        index: slice | list[int] = slice(None) if rows is None else rows
        time = self.funded[index] + self.spare[index]
        total = self.manager_time + float(time.sum())
        if total <= NO_TIME:
            return NOTHING_DONE
        members = float(time @ self.model.state.skill[index])
        share = self.manager_time / total
        return WorkDone((self.manager_time * manager_skill + members) / total, share, 1 - share)

    def _account(self, by_manager: float, by_members: float) -> None:
        self.used_now += by_manager + by_members
        self.used_total += by_manager + by_members
        self.manager_work_total += by_manager
        self.member_work_total += by_members

    def _learn(self, index: slice | list[int], time: np.ndarray, skill: np.ndarray) -> None:
        """Learning by doing: each member closes a share of its skill gap per FTE-month."""
        rate = self.model.params.skill_learning_rate
        if rate <= 0.0:
            return
        if index == slice(None) and skill is self.model.state.skill:
            kernels.learn(skill, time, rate)  # the same arithmetic, compiled
        else:
            closed = np.minimum(rate * time, 1.0)
            self.model.state.skill[index] = skill + closed * (1.0 - skill)


def _split(need: float, manager_time: float, manager_skill: float, member_time: np.ndarray,
           member_skill: np.ndarray, rule: str) -> tuple[float, np.ndarray]:
    """Budgeted time the manager and each member give to a task needing ``need``."""
    total = manager_time + float(_sum(member_time))
    if total <= need:
        return manager_time, member_time.copy()
    if rule == "shared":
        ratio = need / total
        return manager_time * ratio, member_time * ratio
    taken = allocate(need, np.concatenate(([manager_time], member_time)),
                     np.concatenate(([manager_skill], member_skill)), rule)
    return float(taken[0]), taken[1:]


def _split_few(need: float, times: list[float], skills: list[float], rule: str) -> list[float]:
    """:func:`allocate` for a few holders given as lists."""
    total = sum(times)
    if total <= need:
        return list(times)
    if rule == "shared":
        return [t * need / total for t in times]
    taken = [0.0] * len(times)
    for k in sorted(range(len(times)), key=lambda k: -skills[k]):
        taken[k] = min(times[k], need)
        need -= taken[k]
        if need <= NO_TIME:
            break
    return taken
