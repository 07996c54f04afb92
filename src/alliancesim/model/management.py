"""Management as work done by someone, with a skill, in time paid from a budget.

Every piece of management work (mediating a conflict, working through a paradox, discussing
stagnation, searching partners, negotiating governance, running an assessment, facilitating
a re-evaluation, keeping members in touch) asks for an amount of time. It is done by whoever
holds time this month: a dedicated manager, members' representatives with time set aside,
and, when that runs out, members' spare attention (taken from their joint work). The work's
quality is the effective skill its doers bring (skill discounted by how little they know the
alliance), weighted by the share of the needed time they gave.

The same rules hold for every holder of time: whoever works learns by doing and from those
they work with, forgets what is not used, gets to know the alliance month by month, and may
leave (a manager's post then stays vacant for a while; a member's seat is filled at once by a
colleague who starts afresh). Members who work also gain commitment (ownership through
participation) and openness (practice across cultures). A conflict is mediated better by a
neutral third party (the manager or another member's representative) than by its parties.

Price: a manager's post is paid while it is held, whether its time is used or not; members'
time is paid as it is used (time set aside and not needed goes back to the joint work). The
same hour costs the same in every mode.

The management mode is read in one place only, :func:`budget_holders`: it decides who holds
the budget. Every effect is computed from time and skill, the same way in every mode.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from alliancesim.model import kernels
from alliancesim.model.agents import AllianceManager, MemberOrganization
from alliancesim.model.events import Event
from alliancesim.model.state import without_row
from alliancesim.params import MANAGEMENT_MODES

if TYPE_CHECKING:
    from alliancesim.model.model import AllianceModel

MANAGER_NAMES = ("Alex", "Sam", "Robin", "Noor", "Kim", "Jesse", "Ari", "Lou", "Mika", "Sasha")
# ndarray.sum() without its Python-level wrapper: the same reduction, called directly.
# (Likewise products of vectors use ndarray.dot, the BLAS call of @ without its dispatch.)
_sum = np.add.reduce
# Time below this (FTE-months, about a minute) counts as none; it keeps float dust from
# turning into work.
NO_TIME = 1e-9
# Whose time an allocation divides (the ``holders`` argument of the allocation hook): the
# budgeted time (the manager first, then every member's row), the members' spare attention
# (every member's row), or a conflict's two parties' spare attention (i, then j).
BUDGET, SPARE, PARTIES = "budget", "spare", "parties"
# An allocation rule: a built-in rule's name, or the model's own
# ``allocate_time(need, time, skill, holders)`` when a subclass overrides it.
Allocation = Callable[[float, np.ndarray, np.ndarray, str], np.ndarray]


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


class WorkDone(NamedTuple):
    """What a piece of work got: its quality (0-1) and the shares of its time given by the
    manager and by members (of which ``by_others`` by members who were not a conflict's
    parties; ``lead`` is the row of the one among them who gave most, -1 if none).

    A named tuple (immutable) rather than a frozen dataclass: several are made every month,
    and a tuple is made several times faster."""

    quality: float
    by_manager: float
    by_members: float
    by_others: float = 0.0
    lead: int = -1

    @property
    def by_parties(self) -> float:
        """The share of the time a conflict's own parties gave."""
        return self.by_members - self.by_others

    @property
    def led_by_third_party(self) -> bool:
        """Whether a neutral member gave more of the time than the manager and the parties."""
        return self.by_others > self.by_manager and self.by_others > self.by_parties


NOTHING_DONE = WorkDone(0.0, 0.0, 0.0)
# A WorkDone made from all its fields without the Python-level __new__ a named tuple gets
# (for defaults and keywords): the manager's work is made this way several times a month.
_work_done = tuple.__new__


def allocate(need: float, time: np.ndarray, skill: np.ndarray, rule: str | Allocation,
             total: float | None = None, holders: str = SPARE) -> np.ndarray:
    """Time each holder gives to a task needing ``need``, under the allocation ``rule``.

    ``shared``: everyone with time left gives in proportion to it. ``most_skilled``: the
    most skilled holder gives first, then the next. ``total`` is ``time.sum()`` if known.
    A model's own rule (a callable) is asked for every allocation, ``holders`` telling it
    whose time ``time`` is.
    """
    if not isinstance(rule, str):
        return _own_allocation(rule, need, time, skill, holders)
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


def _own_allocation(rule: Allocation, need: float, time: np.ndarray, skill: np.ndarray,
                    holders: str) -> np.ndarray:
    """A model's own allocation, checked: a holder gives between none and all of its time,
    and the holders together no more than the work needs."""
    taken = np.asarray(rule(need, time, skill, holders), dtype=float)
    if taken.shape != time.shape:
        raise ValueError(f"allocate_time returned {taken.shape[0] if taken.ndim else 'a'} "
                         f"value(s) for {len(time)} holders; allowed: one time per holder")
    slack = NO_TIME * (1.0 + need)
    if (not np.isfinite(taken).all() or (taken < -slack).any()
            or (taken > time + slack).any() or float(_sum(taken)) > need + slack):
        raise ValueError(f"allocate_time gave {taken.tolist()} from holders' time "
                         f"{time.tolist()} for a need of {need}; allowed: each between 0 and "
                         "the holder's time, together at most the need")
    return np.clip(taken, 0.0, time)


class Management:
    """The alliance's management time this month: who holds it, who used it, what it cost.

    Work asks for time with :meth:`request` (built-in work calls :meth:`work` and
    :meth:`mediate`, which it wraps): the time comes from whoever holds it and is paid as
    built-in work is (:attr:`paid_fte`), so a model's own work costs what the same hours of
    built-in work cost.
    """

    def __init__(self, model: AllianceModel, allocation: Allocation | None = None) -> None:
        self.model = model
        # The model's own allocation rule when its class overrides ``allocate_time``
        # (None: the parameter ``work_allocation`` names a built-in rule).
        self.allocation = allocation
        # Between begin_month and end_month: work asked for now is paid this month.
        self.month_open = False
        p = model.params
        self.mode = p.management_mode
        self.manager_fte, self.member_fte = budget_holders(
            p.management_mode, p.management_budget, p.hybrid_manager_share)
        self.manager: AllianceManager | None = None
        self.manager_names: list[str] = []
        self.vacancy_left = 0
        self.hires = 0
        self.departures = 0
        self.vacancy_months = 0
        self.manager_left_now = 0
        self.manager_time = 0.0
        self.funded = np.empty(0)
        self.spare = np.empty(0)
        self.funded_left = 0.0  # totals of the arrays above, kept to spare summing them
        self._spare_filled = 0.0  # the spare attention per member the array was last filled with
        self.spare_left = 0.0
        # What each member gave this month, and that time weighted by the cultural distance
        # it bridged (conflict and paradox work): read at the month's end.
        self.given = np.empty(0)
        self.bridged = np.empty(0)
        self.used_now = 0.0
        self.spare_used_now = 0.0
        self.member_used_now = 0.0
        self.manager_used_now = 0.0
        self.training_now = 0.0
        self.used_total = 0.0
        self.manager_work_total = 0.0
        self.member_work_total = 0.0
        self.representative_changes = 0
        # Each member's knowledge discount, (1 - weight + weight * knowledge): it changes
        # only when knowledge does (monthly, at turnover, with membership), so it is kept.
        self._factor: np.ndarray | None = None
        self._factor_weight = 0.0
        # Read each month only when the member class sets its own time (a hook subclasses use).
        self._members_set_time = (model.member_class.management_time_factor
                                  is not MemberOrganization.management_time_factor)
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
        """Time paid for this month: a manager's post while it is held (used or not), the
        members' time as they used it (budgeted and spare alike), and training time.

        A post is a salary; members' representatives who have no alliance work this month
        do their organization's own work, so their unused time costs the alliance nothing.
        """
        post = self.manager.fte if self.manager is not None else 0.0
        return post + self.member_used_now + self.training_now

    def _member_shares(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        p = self.model.params
        funded = np.full(n, self.member_fte / n if n else 0.0)
        spare = np.full(n, p.spare_attention * p.member_time)
        return funded, spare

    def begin_month(self) -> None:
        """Turnover, replacement, knowledge of the alliance and this month's fresh time."""
        self.manager_left_now = 0
        self.month_open = True
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
        self._representatives_turn_over()
        state, p = self.model.state, self.model.params
        n = state.size
        state.get_to_know(p.knowledge_gain)
        self._factor = None
        if len(self.funded) == n:  # refill in place: cheaper than new arrays every month
            self._refill(n, p.spare_attention * p.member_time)
        else:
            self.funded, self.spare = self._member_shares(n)
            self.given, self.bridged = np.zeros(n), np.zeros(n)
            self._spare_filled = p.spare_attention * p.member_time
        self.funded_left = self.member_fte if n else 0.0
        if self._members_set_time and n:
            self._members_set_their_time()
        self.spare_left = n * p.spare_attention * p.member_time
        self.used_now = 0.0
        self.spare_used_now = 0.0
        self.member_used_now = 0.0
        self.manager_used_now = 0.0
        self.training_now = 0.0

    def _refill(self, n: int, spare: float) -> None:
        """This month's fresh time, in the arrays of last month. An array last month's work
        left as it was filled is not filled again: with a manager alone, members' time is
        rarely touched."""
        if self.member_fte > 0.0 or self._members_set_time:  # else every share stays 0
            self.funded.fill(self.member_fte / n if n else 0.0)
        if self.spare_used_now > 0.0 or spare != self._spare_filled:
            self.spare.fill(spare)
            self._spare_filled = spare
        if self.member_used_now > 0.0:  # members gave time: what they gave is counted again
            self.given.fill(0.0)
            self.bridged.fill(0.0)

    def _members_set_their_time(self) -> None:
        """Members whose class sets its own share of the budget
        (:meth:`MemberOrganization.management_time_factor`) take that multiple of it; an
        equal share for all is left as it is, to the last digit."""
        factors = np.array([m.management_time_factor() for m in self.model.members])
        if np.all(factors == 1.0):
            return
        self.funded *= np.clip(factors, 0.0, None)
        self.funded_left = float(_sum(self.funded))

    def _representatives_turn_over(self) -> None:
        """Members' representatives are replaced by colleagues at the turnover rate."""
        model = self.model
        rate, n = model.params.representative_turnover, model.state.size
        if rate <= 0.0 or n == 0:
            return
        draws = model.representative_draws.take(n)
        if min(draws) >= rate:  # the usual month: nobody is replaced
            return
        leaving = np.flatnonzero(np.less(draws, rate))
        model.state.replace_representatives(leaving, model.params.knowledge_initial)
        self.representative_changes += len(leaving)
        if model.record_events:
            for row in leaving.tolist():
                model.log(Event(model.month, "representative_changed", model.phase,
                                actors=(model.members[row].name,)))

    def members_joined(self, k: int) -> None:
        """Newcomers bring their spare attention; their share of the budget starts next month."""
        _, spare = self._member_shares(k)
        self.funded = np.concatenate([self.funded, np.zeros(k)])
        self.spare = np.concatenate([self.spare, spare])
        self.given = np.concatenate([self.given, np.zeros(k)])
        self.bridged = np.concatenate([self.bridged, np.zeros(k)])
        self.spare_left += float(spare.sum())
        self._factor = None

    def member_left(self, slot: int) -> None:
        """A leaver's unused time leaves with it."""
        self.funded_left = max(0.0, self.funded_left - float(self.funded[slot]))
        self.spare_left = max(0.0, self.spare_left - float(self.spare[slot]))
        self.funded = without_row(self.funded, slot)
        self.spare = without_row(self.spare, slot)
        self.given = without_row(self.given, slot)
        self.bridged = without_row(self.bridged, slot)
        self._factor = None

    # --- the manager ----------------------------------------------------------------------
    def _hire(self) -> None:
        model = self.model
        rng = model.management_rng
        name = MANAGER_NAMES[int(rng.integers(len(MANAGER_NAMES)))]
        if self.departures and name == self.manager_names[-1]:
            name = MANAGER_NAMES[(MANAGER_NAMES.index(name) + 1) % len(MANAGER_NAMES)]
        self.manager = model.manager_class.hire(model, name, self.manager_fte)
        self.manager_time = self.manager.fte
        self.manager_names.append(name)
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

    def train(self, amount: float) -> float:
        """A training programme closing ``amount`` of every holder's skill gap (members'
        representatives and the manager); its trainees' time is paid this month. Returns
        that time (FTE-months)."""
        s, p = self.model.state, self.model.params
        s.skill += amount * (1.0 - s.skill)
        trainees = len(s)
        if self.manager is not None:
            self.manager.train(amount)
            trainees += 1
        time = p.training_time * amount * trainees
        self.training_now += time
        return time

    # --- doing work -----------------------------------------------------------------------
    def _skills(self) -> tuple[float, np.ndarray]:
        """Effective skill of the manager (0 if none) and of each member this moment."""
        return self._manager_skill(), self._member_skills()

    def _manager_skill(self) -> float:
        """Effective skill of the manager this moment (0 if none)."""
        return self.manager.effective_skill if self.manager is not None else 0.0

    def _member_skills(self) -> np.ndarray:
        """Effective skill of each member this moment (read only when members give time:
        most work in a month with a manager is done by the manager alone)."""
        weight = self.model.params.knowledge_weight
        if weight == 0.0:
            return self.model.state.skill
        if self._factor is None or self._factor_weight != weight:
            self._factor = self.model.state.knowledge_factor(weight)
            self._factor_weight = weight
        return self.model.state.skill * self._factor

    def _manager_alone(self, effort: float) -> WorkDone | None:
        """The work, when only the manager holds budgeted time, and enough of it: the
        manager does it all (what the general rule of :meth:`work` and :meth:`mediate`
        gives then, without building the members' arrays). None otherwise."""
        if effort > 0.0 and self.funded_left <= NO_TIME and self.manager_time >= effort:
            manager_skill = self.manager.effective_skill if self.manager is not None else 0.0
            self.manager_time -= effort
            self._manager_worked(effort)
            return _work_done(WorkDone, (effort * manager_skill / effort, effort / effort,
                                         0.0, 0.0, -1))
        return None

    def work(self, effort: float, bridging: bool = False) -> WorkDone:
        """Do a piece of alliance-wide work needing ``effort`` FTE-months.

        Budgeted time is used first (the manager's and the members' set-aside time, divided
        by the allocation rule), then the members' spare attention. The quality is the
        effective skill of those who gave time, weighted by their share of ``effort``; they
        learn from the time they gave. ``bridging`` work (paradoxes) spans the members'
        cultures: each member bridges its mean distance to its partners.
        """
        alone = self._manager_alone(effort)
        if alone is not None:
            return alone
        manager_skill = self._manager_skill()
        if effort <= 0.0:
            return self._effortless(manager_skill, self._member_skills(), None)
        rule = self.allocation or self.model.params.work_allocation
        skill = None  # the members' skills, read once members give time
        if self.funded_left > NO_TIME:
            skill = self._member_skills()
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
            if skill is None:
                skill = self._member_skills()
            spare = allocate(effort - given, self.spare, skill, rule, self.spare_left, SPARE)
            self.spare -= spare
            used = float(_sum(spare))
            self.spare_left = max(0.0, self.spare_left - used)
            self.spare_used_now += used
            members = spare if members is None else members + spare
        self._manager_worked(by_manager)
        if members is None or skill is None:
            return WorkDone(by_manager * manager_skill / effort, by_manager / effort, 0.0)
        by_members = float(_sum(members))
        quality = (by_manager * manager_skill + float(members.dot(skill))) / effort
        if by_members > 0.0:
            self._members_worked(members, by_members,
                                 self.model.state.partner_distance if bridging else None)
        return WorkDone(quality, by_manager / effort, by_members / effort)

    def request(self, effort: float, *, parties: tuple[int, int] | None = None,
                bridging: bool = False) -> WorkDone:
        """Ask for ``effort`` FTE-months of management work now, as built-in work does.

        The public way for a model's own work (a hook, a subclass's ``step``) to use
        management time: the time comes from whoever holds it this month (the manager, the
        members' budgeted time, then their spare attention), is paid as built-in work is
        (:attr:`paid_fte`), and those who gave it learn by doing. ``parties`` (two member
        rows) makes it the mediation of their conflict (:meth:`mediate`, which bridges
        their cultural distance); ``bridging`` work spans all members' cultures
        (:meth:`work`). Returns the :class:`WorkDone`: its quality (0-1) and who gave the
        time. Time already used this month is gone: work asked for late in the month gets
        what earlier work left.

        Ask during the month (from a hook, or the model's ``monthly_work``): once the
        month's value is created its time has been paid, so a request after
        ``super().step()`` is refused rather than left unpaid.
        """
        if not self.month_open:
            raise RuntimeError("request: asked for management time outside a month's work "
                               "(its time is paid when the month's value is created); "
                               "allowed: from a hook or the model's monthly_work()")
        if isinstance(effort, bool) or not isinstance(effort, numbers.Real) \
                or not math.isfinite(effort) or effort < 0.0:
            raise ValueError(f"request: effort={effort!r}; allowed: a number of FTE-months, "
                             "0 or more")
        if parties is None:
            return self.work(float(effort), bridging)
        i, j = parties
        n = len(self.model.state)
        if not (0 <= i < n and 0 <= j < n and i != j):
            raise ValueError(f"request: parties={parties!r}; allowed: two different member "
                             f"rows from 0 to {n - 1}")
        return self.mediate(float(effort), int(i), int(j))

    def mediate(self, effort: float, i: int, j: int) -> WorkDone:
        """Mediate a conflict between the members in rows ``i`` and ``j``.

        Anyone with budgeted time can mediate: the manager, the parties' representatives, or
        other members' representatives (neutral third parties); the parties alone then add
        their spare attention. The parties' skill counts less (``self_mediation_discount``):
        they mediate their own quarrel.
        """
        alone = self._manager_alone(effort)
        if alone is not None:
            return alone
        p = self.model.params
        manager_skill, skill = self._skills()
        partial = skill.copy()
        partial[i] *= 1.0 - p.self_mediation_discount
        partial[j] *= 1.0 - p.self_mediation_discount
        if effort <= 0.0:
            return self._effortless(manager_skill, partial, [i, j])
        rule = self.allocation or p.work_allocation
        if self.funded_left > NO_TIME:
            by_manager, members = _split(effort, self.manager_time, manager_skill, self.funded,
                                         partial, rule)
            self.funded -= members
            self.funded_left = max(0.0, self.funded_left - float(_sum(members)))
        else:
            by_manager, members = min(self.manager_time, effort), np.zeros(len(skill))
        self.manager_time -= by_manager
        need = effort - by_manager - float(_sum(members))
        if need > NO_TIME:
            extra = _split_few(need, [float(self.spare[i]), float(self.spare[j])],
                               [float(partial[i]), float(partial[j])], rule)
            for row, time in ((i, extra[0]), (j, extra[1])):
                self.spare[row] -= time
                members[row] += time
            self.spare_used_now += extra[0] + extra[1]
            self.spare_left = max(0.0, self.spare_left - extra[0] - extra[1])
        self._manager_worked(by_manager)
        by_members = float(_sum(members))
        quality = (by_manager * manager_skill + float(members.dot(partial))) / effort
        if by_members <= 0.0:
            return WorkDone(quality, by_manager / effort, 0.0)
        by_others = by_members - float(members[i]) - float(members[j])
        lead = -1
        if by_others > NO_TIME:
            others = members.copy()
            others[[i, j]] = 0.0
            lead = int(np.argmax(others))
        distance = float(self.model.state.distance[i, j])
        self._members_worked(members, by_members, distance)
        return WorkDone(quality, by_manager / effort, by_members / effort,
                        by_others / effort, lead)

    def _effortless(self, manager_skill: float, skill: np.ndarray,
                    rows: list[int] | None) -> WorkDone:
        """Work that takes no time is done as well as those who hold time could do it."""
        index: slice | list[int] = slice(None) if rows is None else rows
        time = self.funded[index] + self.spare[index]
        total = self.manager_time + float(time.sum())
        if total <= NO_TIME:
            return NOTHING_DONE
        members = float(time.dot(skill[index]))
        share = self.manager_time / total
        return WorkDone((self.manager_time * manager_skill + members) / total, share, 1 - share)

    def _manager_worked(self, time: float) -> None:
        if time <= 0.0:
            return
        self.used_now += time
        self.used_total += time
        self.manager_used_now += time
        self.manager_work_total += time
        assert self.manager is not None
        self.manager.learn_by_doing(time)

    def _members_worked(self, time: np.ndarray, total: float,
                        distance: np.ndarray | float | None) -> None:
        """Account members' time and let them learn by doing from it."""
        self.used_now += total
        self.used_total += total
        self.member_used_now += total
        self.member_work_total += total
        self.given += time
        if distance is not None:
            self.bridged += time * distance
        rate = self.model.params.skill_learning_rate
        if rate > 0.0:
            kernels.learn(self.model.state.skill, time, rate)

    # --- the month's end -----------------------------------------------------------------
    def end_month(self) -> None:
        """What this month's work did to those who did it: members gained commitment
        (participation) and openness (practice across cultures), and everyone who worked
        learned from the more skilled among those they worked with."""
        self.month_open = False
        p, s = self.model.params, self.model.state
        if self.member_used_now <= 0.0:
            return
        if p.participation_commitment > 0.0:
            s.shift_commitment(p.participation_commitment * self.given)
        if p.practice_openness > 0.0:
            gain = np.minimum(p.practice_openness * self.bridged, 1.0)
            s.openness += gain * (1.0 - s.openness)
        rate = p.peer_learning_rate * self.model.alliance.learning_environment
        if rate > 0.0:
            self._learn_from_peers(rate)

    def _learn_from_peers(self, rate: float) -> None:
        """Each holder who worked closes a share ``rate * time`` of its gap to the mean skill
        of everyone who worked this month, weighted by time (a manager among them)."""
        s, manager = self.model.state, self.manager
        manager_time = self.manager_used_now if manager is not None else 0.0
        total = float(_sum(self.given)) + manager_time  # members still in the alliance
        if total <= NO_TIME:
            return
        level = (float(self.given.dot(s.skill))
                 + (manager_time * manager.skill if manager is not None else 0.0)) / total
        closed = np.minimum(rate * self.given, 1.0) * np.maximum(level - s.skill, 0.0)
        s.skill += closed
        if manager is not None:
            manager.learn_from_peers(level, manager_time, rate)

    def fade(self, rate: float) -> None:
        """Unused skill fades for every holder: members toward their entry skill, a manager
        toward the skill it was hired with."""
        if rate <= 0.0:
            return
        self.model.state.fade_skills(rate)
        if self.manager is not None:
            self.manager.fade(rate)


def _split(need: float, manager_time: float, manager_skill: float, member_time: np.ndarray,
           member_skill: np.ndarray, rule: str | Allocation) -> tuple[float, np.ndarray]:
    """Budgeted time the manager and each member give to a task needing ``need``."""
    if not isinstance(rule, str):
        taken = _own_allocation(rule, need, np.concatenate(([manager_time], member_time)),
                                np.concatenate(([manager_skill], member_skill)), BUDGET)
        return float(taken[0]), taken[1:]
    total = manager_time + float(_sum(member_time))
    if total <= need:
        return manager_time, member_time.copy()
    if rule == "shared":
        ratio = need / total
        return manager_time * ratio, member_time * ratio
    taken = allocate(need, np.concatenate(([manager_time], member_time)),
                     np.concatenate(([manager_skill], member_skill)), rule)
    return float(taken[0]), taken[1:]


def _split_few(need: float, times: list[float], skills: list[float],
               rule: str | Allocation) -> list[float]:
    """:func:`allocate` for a few holders given as lists (a conflict's parties)."""
    if not isinstance(rule, str):
        taken = _own_allocation(rule, need, np.array(times), np.array(skills), PARTIES)
        return [float(t) for t in taken]
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
