"""AllianceModel: one alliance and its member organizations, month by month."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from operator import attrgetter
from typing import Any, ClassVar

import mesa
import networkx as nx
import numpy as np
import pandas as pd

from alliancesim.api_checks import (
    check_manager_class,
    check_member_class,
    check_seed,
    check_step_columns,
)
from alliancesim.culture.partners import Partners, as_partners, check_combination
from alliancesim.model import conflicts, kernels, phases, tensions
from alliancesim.model.agents import AllianceManager, MemberOrganization
from alliancesim.model.alliance import AllianceState
from alliancesim.model.conflicts import run_conflicts
from alliancesim.model.draws import UniformBlock
from alliancesim.model.events import Event, events_frame
from alliancesim.model.management import Allocation, Management, WorkDone, allocate
from alliancesim.model.mechanisms import (
    DISENGAGED,
    NEXT_STATE,
    ambition_alignment,
    band_edges,
    converge_ambitions,
    update_trust,
)
from alliancesim.model.organizations import SECTOR_LABELS, CandidatePool, draw_pool
from alliancesim.model.outputs import STEP_COLUMNS, StepCollector, member_panel, trust_edges
from alliancesim.model.state import MemberArrays
from alliancesim.model.tensions import apply_shock, run_paradoxes, run_shocks, run_stagnation
from alliancesim.params import Parameter, ParameterError
from alliancesim.params.declared import declared_parameters
from alliancesim.params.values import make_params

PHASE_BEHAVIOUR = {
    phases.FORMING: phases.forming,
    phases.FOUNDING: phases.founding,
    phases.EVOLVING: phases.evolving,
    phases.TRANSFORMING: phases.transforming,
}
# The counter each conflict outcome adds to.
_CONFLICT_COUNTS = {"constructive": "conflicts_resolved", "compromise": "conflicts_resolved",
                    "latent": "conflicts_latent", "escalated": "conflicts_escalated"}
# Alliance-level state that outside readers (app, tests, reports) may read on the model.
_ALLIANCE_FIELDS = (
    "phase", "months_in_phase", "phase_history", "value_now", "value_total", "tension",
    "identity", "experience", "governance", "legal_form", "governance_fit", "exit_barrier",
    "latent_open", "suppressed_open", "stagnating", "stagnation_months", "renewals",
    "founding_progress", "ambition_target", "transform_reason", "value_target",
)


def _checked_partners(partners: Partners | Mapping[str, Any] | None,
                      country_set: str) -> Partners:
    """The partners' countries, refused when they and ``country_set`` disagree."""
    checked = as_partners(partners)
    problem = check_combination(checked, country_set)
    if problem is not None:
        raise ParameterError("country_set", problem)
    return checked


def _checked_pool(pool: CandidatePool) -> CandidatePool:
    """A pool given from outside, refused when it cannot supply the two founders."""
    if not isinstance(pool, CandidatePool):
        raise TypeError(f"pool must be a CandidatePool, got {type(pool).__name__}")
    if len(pool) < phases.FOUNDERS:
        raise ValueError(f"pool has {len(pool)} candidates; an alliance needs at least "
                         f"{phases.FOUNDERS} founders")
    return pool


def _seed_sequence(rng: Any) -> np.random.SeedSequence:
    """The seed sequence behind ``rng``: an int, a SeedSequence, a Generator or None."""
    check_seed(rng)
    if isinstance(rng, np.random.SeedSequence):
        return rng
    if isinstance(rng, np.random.Generator):
        # A generator handed in is drawn from, so the same generator state gives the same run.
        return np.random.SeedSequence(rng.integers(0, 2**63, size=4).tolist())
    return np.random.SeedSequence(rng)  # an int (or None: fresh entropy)


def _children(seed: np.random.SeedSequence, n: int) -> list[np.random.SeedSequence]:
    """The first ``n`` children of ``seed``, as ``seed.spawn(n)`` gives them to a fresh
    sequence, without spawning from (and so changing) the caller's own object."""
    return [np.random.SeedSequence(seed.entropy, spawn_key=(*seed.spawn_key, k),
                                   pool_size=seed.pool_size) for k in range(n)]


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else float("nan")


def _asks_state_first(member: MemberOrganization) -> bool:
    """Whether ``member`` decides to leave as :class:`MemberOrganization` does: only when
    disengaged (a subclass that decides otherwise is always asked)."""
    cls = type(member)
    return (cls.wants_to_leave is MemberOrganization.wants_to_leave
            and cls.commitment_state is MemberOrganization.commitment_state)


def _read_alliance(name: str) -> property:
    # attrgetter reads model.alliance.<name> in C: these are read every month.
    return property(attrgetter(f"alliance.{name}"),
                    doc=f"The alliance's ``{name}`` (read-only; see ``AllianceState``).")


class AllianceModel(mesa.Model):
    """An alliance of organizations moving through forming, founding, evolving, transforming.

    Every keyword parameter is defined in :mod:`alliancesim.params` and has a default, so
    ``AllianceModel()`` runs and ``mesa.batch_run(AllianceModel, ...)`` works unchanged.
    Parameters are read as typed attributes of ``model.params``; the alliance-level state
    lives in ``model.alliance`` (an :class:`~alliancesim.model.alliance.AllianceState`) and
    the members' numeric state in ``model.state``.

    Args:
        rng: seed (an int or a ``numpy.random.SeedSequence``) or generator; all randomness
            in the run flows from it, through independent streams for the model's processes,
            recruitment, management and external shocks.
        scenario: accepted for Mesa's SolaraViz, which passes a ``mesa`` Scenario on Reset;
            only its ``rng`` is used (when ``rng`` is not given).
        collect_steps: record the per-step table (on by default). Runs that only need their
            outcome record switch it off and run faster; the simulation itself is the same.
        record_events: keep the event log (on by default; :attr:`events`,
            :meth:`event_log`). Runs that will not read it switch it off and skip building
            an event for every conflict, paradox and membership change; the simulation
            itself is the same, draw for draw.
        record_members: also record the per-member panel (one row per member and month)
            through the data collector's agent reporters; read it with
            :meth:`member_table` or Mesa's ``get_agent_vars_dataframe()``.
        member_class: the agent class of member organizations for this model (default: the
            class attribute :attr:`member_class`, :class:`MemberOrganization`).
        manager_class: the agent class of the dedicated alliance manager (default: the
            class attribute :attr:`manager_class`, :class:`AllianceManager`).
        partners: the countries of the candidate partners, beyond the ``country_set``
            parameter: a :class:`~alliancesim.culture.Partners` or a mapping with
            ``countries`` (a list in drawing order, founders first) and/or ``country_mix``
            (country = weight), names as in Hofstede's matrix or common aliases.
        pool: candidate organizations given from outside (an ecosystem's population)
            instead of the pool the run draws itself: its first two rows are the founders,
            the others the candidates in the order offered. Their traits (culture, goals,
            skill, openness, resources, reputation) are used as given; ``member_skill_mean``
            then only sets the level a manager is hired at. Without it (the default) the run
            draws its own pool, exactly as before.
        **params: parameter values that differ from the defaults; unknown names, wrong types
            and out-of-range values raise :class:`~alliancesim.params.ParameterError`.

    A subclass changes decisions by overriding the hooks listed in
    :mod:`alliancesim.model.hooks` (each calls the package's own rule by default).
    """

    #: The agent class of member organizations; a subclass of :class:`MemberOrganization`
    #: set here (or passed as ``member_class=``) changes how members decide.
    member_class: type[MemberOrganization] = MemberOrganization
    #: The agent class of the dedicated alliance manager; a subclass of
    #: :class:`AllianceManager` set here (or passed as ``manager_class=``) changes how
    #: managers are hired, use their skill, learn and leave.
    manager_class: type[AllianceManager] = AllianceManager
    #: Parameters this class declares for its own mechanisms (see
    #: :mod:`alliancesim.params.declared`); read as ``model.params.<name>``.
    parameters: ClassVar[tuple[Parameter, ...]] = ()

    def classes_in_use(self) -> tuple[type, ...]:
        """The classes whose declared parameters this model takes: its own, its members'
        and its manager's."""
        return (type(self), self.member_class, self.manager_class)

    def __init__(self, rng: Any = None, scenario: Any = None, *, collect_steps: bool = True,
                 record_events: bool = True, record_members: bool = False,
                 member_class: type[MemberOrganization] | None = None,
                 manager_class: type[AllianceManager] | None = None,
                 partners: Partners | Mapping[str, Any] | None = None,
                 pool: CandidatePool | None = None, **params: Any) -> None:
        # Mesa's SolaraViz hands every new model a bare mesa Scenario on Reset; parameters
        # live in ``params`` here, so only a seed it may carry is taken from it.
        if rng is None and scenario is not None:
            rng = getattr(scenario, "rng", None)
        kernels.compile_loops()  # numba loads with the first model a process makes
        if member_class is not None:
            self.member_class = check_member_class(member_class)
        if manager_class is not None:
            self.manager_class = check_manager_class(manager_class)
        self.params = make_params(params, declared_parameters(*self.classes_in_use()))
        self.partners = _checked_partners(partners, self.params.country_set)
        # One seed, several independent streams: the main one for the model's processes,
        # and one each for recruitment, management (hiring, turnover), external shocks and
        # members' representatives' turnover.
        # Runs that differ only in how they are managed then meet the same candidates,
        # invitations and shocks for as long as their stories allow.
        sequence = _seed_sequence(rng)
        self._remember_seed(sequence, rng)
        seeds = _children(sequence, 5)
        super().__init__(rng=np.random.default_rng(seeds[0]))
        self.recruitment_rng = np.random.default_rng(seeds[1])
        self.management_rng = np.random.default_rng(seeds[2])
        self.shock_rng = np.random.default_rng(seeds[3])
        self.representative_rng = np.random.default_rng(seeds[4])
        self.representative_draws = UniformBlock(self.representative_rng)
        p = self.params
        self.month = 0
        self.alliance = AllianceState(identity=p.identity_initial,
                                      experience_half=p.experience_half)
        self.alliance.enter_phase(0, phases.FORMING, "founders met")
        self.outcome = phases.RUNNING
        self.end_reason = ""
        self.end_month: int | None = None
        self.events: list[Event] = []
        self.record_events = record_events
        self.totals: Counter[str] = Counter()
        self.conflict_outcomes: Counter[str] = Counter()
        self.trust_changes: Counter[str] = Counter()
        self.month_counts: Counter[str] = Counter()
        self.state = MemberArrays(p)
        self._edges = band_edges(p.committed_threshold, p.disengaged_threshold,
                                 p.commitment_hysteresis)
        self._alignment: float | None = None
        self.members: list[MemberOrganization] = []
        self.exited_total = 0
        self.state_changes = 0
        self.member_months = 0
        self.disengaged_months = 0
        self._disengaged = 0  # members in the disengaged state, as of the last reading
        self.partner_fits: list[float] = []
        # The alliance's mean distance integrated over months, closed at membership changes.
        self._distance_area = 0.0
        self._distance_since = 0
        self.renewal_commitments: list[float] = []
        self._timeline: dict[int, list[Any]] = {}
        self.pool = (draw_pool(self.recruitment_rng, self._pool_size(), p, self.partners)
                     if pool is None else _checked_pool(pool))
        self.management = Management(self, self._own_allocation())
        self._recruit_founders()
        self.collect_steps = collect_steps or record_members
        self.record_members = record_members
        self.phase_months: Counter[str] = Counter()
        # Outcome-only runs keep no collector at all (it is also the slowest part of a step).
        self.datacollector: StepCollector | None = (
            StepCollector(record_members) if self.collect_steps else None)
        if self.datacollector is not None:
            self.datacollector.collect(self)

    for _name in _ALLIANCE_FIELDS:
        locals()[_name] = _read_alliance(_name)
    del _name

    def _own_allocation(self) -> Allocation | None:
        """The class's own :meth:`allocate_time`, if it overrides it (else the built-in
        rules run without the call)."""
        if type(self).allocate_time is AllianceModel.allocate_time:
            return None
        return self.allocate_time

    def _remember_seed(self, sequence: np.random.SeedSequence, given: Any) -> None:
        """Keep the seed the run starts from, so that every run can be repeated.

        Without a seed, fresh entropy is drawn from the operating system and kept, so even
        an unseeded run (``mesa.batch_run`` with ``iterations=``) reports the seed it ran
        with. A generator handed in does not tell its seed: nothing is kept then.
        """
        recoverable = not isinstance(given, np.random.Generator)
        self.seed_entropy: str = str(sequence.entropy) if recoverable else ""
        self.seed_spawn_key: str = (",".join(str(k) for k in sequence.spawn_key)
                                    if recoverable else "")

    @property
    def p(self) -> dict[str, Any]:
        """The current parameter values as a plain dict (a copy; change them with
        :meth:`set_parameter`)."""
        return self.params.as_dict()

    # --- set-up ---------------------------------------------------------------------------
    def _pool_size(self) -> int:
        size = int(np.ceil(self.params.candidate_pool * self.params.n_members)) + phases.FOUNDERS
        return max(size, len(self.partners.countries))  # every listed country has a candidate

    def _recruit_founders(self) -> None:
        founders = np.arange(phases.FOUNDERS)
        self.pool.available[founders] = False
        self.add_members(founders)
        self.month_counts.clear()

    # --- the monthly step ---------------------------------------------------------------
    def step(self) -> None:
        """Advance the alliance by one month (nothing happens once it has ended)."""
        self.advance_month()

    def advance_month(self) -> None:
        """One month of the alliance: what :meth:`step` does, without Mesa's step wrapper
        (its event queue and clock), for callers that step alliances themselves (an
        ecosystem). Nothing happens once the alliance has ended."""
        if self.outcome != phases.RUNNING:
            self.running = False
            return
        a, p = self.alliance, self.params
        self.month += 1
        a.tick()
        self.month_counts.clear()
        self.management.begin_month()
        for intervention in self._timeline.pop(self.month, ()):
            intervention.apply(self)
        run_shocks(self)
        PHASE_BEHAVIOUR[a.phase](self)
        working = a.phase != phases.FORMING
        if working:
            self.member_months += self.state.size
            run_conflicts(self)
            run_paradoxes(self)
        if a.phase == phases.EVOLVING:
            run_stagnation(self)
        self.monthly_work()
        if working:
            self._keep_in_touch()
            self._cooperate()
        if a.phase in (phases.EVOLVING, phases.TRANSFORMING):
            phases.create_value(self)
        else:
            a.no_value()
        self.management.end_month()
        a.decay_experience(p.experience_decay)
        self._let_skills_fade()
        self._update_commitment_states()
        self._let_disengaged_leave()
        self._advance_phase()
        if self.outcome != phases.RUNNING or self.month >= p.horizon:
            self.running = False
        self.phase_months[a.phase] += 1
        if self.datacollector is not None:
            self.datacollector.collect(self)

    def members_stay(self, judged: np.ndarray) -> np.ndarray:
        """Who goes on after a re-evaluation: each member's last word
        (:meth:`MemberOrganization.stays_at_reevaluation`) on the model's judgement
        ``judged`` (one bool per member row). A subclass may ask all members at once."""
        return np.array([member.stays_at_reevaluation(bool(keep))
                         for member, keep in zip(self.members, judged, strict=True)],
                        dtype=bool)

    def discusses_stagnation(self, drawn: bool) -> bool:
        """Whether a stagnating alliance puts its stagnation on the table this month;
        ``drawn`` is the model's own draw (its chance grows with the quality of the work
        done on it and the alliance's learning environment). A subclass may decide
        otherwise."""
        return drawn

    def schedule(self, interventions: Iterable[Any]) -> None:
        """Queue interventions (objects with ``month`` and ``apply(model)``) for later months."""
        for item in interventions:
            if item.month <= self.month:
                raise ValueError(f"intervention at month {item.month} is not in the future "
                                 f"(the model is at month {self.month})")
            self._timeline.setdefault(item.month, []).append(item)

    def upkeep_effort(self) -> float:
        """Time (FTE-months) needed this month to keep the members in touch.

        Every pair needs upkeep under shared governance (and before governance is chosen);
        under a lead or administrative organization each member keeps one tie to the hub.
        Distant cultures take more upkeep, and newcomers extra.
        """
        p, s = self.params, self.state
        n = s.size
        brokered = self.alliance.governance not in (None, "shared")
        ties = max(n - 1, 0) if brokered else n * (n - 1) / 2
        newcomers = s.newcomers(self.month, p.newcomer_months)
        return (p.effort_contact * ties * (1.0 + p.contact_distance_weight * s.distance_mean)
                + p.effort_newcomer * newcomers)

    def _keep_in_touch(self) -> None:
        """Routine upkeep gets the time urgent work left over this month."""
        self.alliance.set_upkeep(self.management.work(self.upkeep_effort()).quality)

    def _cooperate(self) -> None:
        """Working together builds trust, faster with openness, commitment, proximity and
        upkeep; it also opens members up to the cultures they work with."""
        s, p = self.state, self.params
        upkeep = 1.0 - p.contact_trust_weight * (1.0 - self.alliance.upkeep)
        gain = p.trust_gain * p.cooperation_signal * upkeep
        if gain > 0.0:
            weight = p.openness_trust_weight
            # Never past full trust in one month: the step is capped when it could pass 1.
            kernels.build_trust(s.trust, s.proximity, s.openness, s.commitment, gain, weight,
                                gain * (1.0 + 0.5 * p.openness_trust_weight) > 1.0)
            # Self-trust is 1, so the diagonal's gap (1 - trust) is 0 and it stays 1.
        if p.openness_learning > 0.0 and s.size > 1:
            # Mean over partners; ndarray.dot is the BLAS call of @ without its dispatch
            # (the same numbers, cheaper for a handful of members).
            exposure = (s.distance * s.trust).dot(s.partner_weights)
            kernels.open_up(s.openness, exposure, p.openness_learning)

    def _let_skills_fade(self) -> None:
        self.management.fade(self.params.skill_fade)

    def _update_commitment_states(self) -> None:
        s = self.state
        if s.commitment_moved:  # states only change when commitment does
            # commitment_states, with the changes and the disengaged counted on the way.
            states = np.empty_like(s.cstate)
            changed, self._disengaged = kernels.next_states(
                s.cstate, s.commitment, self._edges, NEXT_STATE, DISENGAGED, states)
            s.cstate = states
            self.state_changes += changed
            s.commitment_moved = False
        if self.alliance.phase != phases.FORMING:
            self.disengaged_months += self._disengaged

    def _let_disengaged_leave(self) -> None:
        if self.alliance.phase == phases.FORMING or not self._disengaged:
            return
        for member in list(self.members):
            if _asks_state_first(member) and self.state.cstate[member.slot] != DISENGAGED:
                continue  # wants_to_leave would say no without drawing: skip the call
            if member.wants_to_leave():
                self.remove_member(member, "commitment had drained away")
                self.totals["disengaged_exits"] += 1

    def _advance_phase(self) -> None:
        transition = phases.next_phase(self)
        if transition is not None:
            phases.enter(self, *transition)

    def set_phase(self, phase: str, reason: str) -> None:
        """Record a phase change (use :func:`phases.enter`, which checks it is allowed)."""
        self.alliance.enter_phase(self.month, phase, reason)
        if phase in phases.ENDINGS:
            self.outcome = phase
            self.end_reason = reason
            self.end_month = self.month
            self.log(Event(self.month, "ended", phase, outcome=phase, detail=reason))
        else:
            self.log(Event(self.month, "phase", phase, outcome=phase, detail=reason))

    # --- membership -------------------------------------------------------------------------
    def add_members(self, rows: Iterable[int]) -> list[MemberOrganization]:
        """Turn candidate pool ``rows`` into members; returns the new agents."""
        rows = np.asarray(list(rows), dtype=int)
        if len(rows) == 0:
            return []
        self._close_distance_segment()
        first = len(self.state)
        self.state.add(self.pool, rows, self.month, self.params.trust_initial,
                       self.params.commitment_initial, self.params.knowledge_initial)
        self.management.members_joined(len(rows))
        new = []
        for offset, row in enumerate(rows):
            agent = self.member_class(self, self.pool.names[row], int(self.pool.sector[row]),
                                      first + offset, self.pool.country_name(row))
            new.append(agent)
            if self.record_events:
                self.log(Event(self.month, "joined", self.phase, actors=(agent.name,),
                               detail=SECTOR_LABELS[agent.sector], country=agent.country))
        self.members.extend(new)
        self._alignment = None
        self.month_counts["entries"] += len(new)
        self.alliance.mark_change(self.month)
        return new

    def remove_member(self, member: MemberOrganization, reason: str) -> None:
        """The member leaves: its row is dropped and its agent frozen."""
        slot = member.slot
        if slot is None:
            raise ValueError(f"{member.name} has already left")
        self._close_distance_segment()
        member.freeze(self.month, reason)
        self.state.remove(slot)
        self.management.member_left(slot)
        del self.members[slot]
        for later in self.members[slot:]:
            later.slot = int(later.slot) - 1  # type: ignore[arg-type]
        self.exited_total += 1
        self._alignment = None
        self.month_counts["exits"] += 1
        self.alliance.change_identity(-self.params.identity_loss_exit)
        self.alliance.mark_change(self.month)
        self.log(Event(self.month, "exit", self.phase, actors=(member.name,), detail=reason))

    def member(self, name: str) -> MemberOrganization:
        """The active member called ``name``."""
        for m in self.members:
            if m.name == name:
                return m
        names = ", ".join(m.name for m in self.members)
        raise KeyError(f"no active member called {name!r}; members are: {names}")

    # --- hooks: decisions a subclass may take its own way (see alliancesim.model.hooks) -
    def mediate_conflict(self, i: int, j: int, styles: tuple[str, str]) -> WorkDone:
        """Mediation of a conflict between the members in rows ``i`` and ``j``, who
        responded with ``styles``: management work of ``effort_conflict`` FTE-months by
        whoever holds time (:meth:`Management.mediate`)."""
        return self.management.mediate(self.params.effort_conflict, i, j)

    def conflict_outcome(self, i: int, j: int, styles: tuple[str, str],
                         work: WorkDone) -> str:
        """How the conflict between rows ``i`` and ``j`` ends, given their ``styles`` and
        the mediation ``work``: one of ``CONFLICT_OUTCOMES`` (constructive, compromise,
        latent, escalated), drawn by :func:`~alliancesim.model.conflicts.conflict_outcome`."""
        return conflicts.conflict_outcome(self, i, j, styles, work)

    def respond_to_paradox(self, tension: str, category: str, intensity: float,
                           work: WorkDone) -> str:
        """The alliance's response to a paradox (``tension``, ``category``, ``intensity``)
        after the ``work`` put into it: both_and, either_or or suppressed, drawn by
        :func:`~alliancesim.model.tensions.respond_to_paradox`."""
        return tensions.respond_to_paradox(self, work.quality)

    def partner_fit(self, rows: np.ndarray) -> np.ndarray:
        """How well the candidates in pool ``rows`` fit the alliance (higher is better):
        the best fitting are invited. :func:`~alliancesim.model.phases.partner_fit`."""
        return phases.partner_fit(self, rows)

    def choose_governance_form(self, fitting: str, quality: float) -> str:
        """The governance form agreed, given the ``fitting`` one (Provan & Kenis) and the
        ``quality`` of the negotiation or renewal work: one of ``GOVERNANCE_FORMS``.
        :func:`~alliancesim.model.phases.governance_form`."""
        return phases.governance_form(self, fitting, quality)

    def choose_legal_form(self) -> str:
        """The legal construction chosen with the governance form: contract, association,
        foundation or joint_venture. :func:`~alliancesim.model.phases.choose_legal_form`."""
        return phases.choose_legal_form(self)

    def monthly_work(self) -> None:
        """Work of a subclass's own, every month: called after conflicts, paradoxes and
        stagnation and before routine upkeep (which gets the time left). Ask for its time
        with ``self.management.request(effort)`` to have it paid as built-in work is.
        Does nothing here."""

    def allocate_time(self, need: float, time: np.ndarray, skill: np.ndarray,
                      holders: str) -> np.ndarray:
        """Time each holder gives to work needing ``need`` FTE-months, from the ``time``
        each has left and its effective ``skill``: ``holders`` says whose time it is
        (``"budget"``: the manager first (0 when there is none), then every member's
        row; ``"spare"``: every
        member's spare attention; ``"parties"``: a conflict's two parties' spare
        attention). Each gives between 0 and its time, together at most ``need``.

        The parameter ``work_allocation`` names the rule; when a subclass does not
        override this method, the built-in rules run without calling it.
        """
        return allocate(need, time, skill, self.params.work_allocation)

    # --- mechanisms used by the processes ---------------------------------------------------
    def signal_pair_trust(self, i: int, j: int, signal: float) -> None:
        """Send the same trust signal both ways between members in rows ``i`` and ``j``."""
        t, p = self.state.trust, self.params
        # Plain floats: the same arithmetic as numpy scalars, without their overhead.
        t[i, j] = update_trust(t.item(i, j), signal, p.trust_gain, p.trust_loss_ratio)
        t[j, i] = update_trust(t.item(j, i), signal, p.trust_gain, p.trust_loss_ratio)

    def develop_ambition(self, rate: float) -> None:
        """Trust-weighted convergence of the members' ambitions (at most all the way to the
        partners' view in one go, which keeps ambitions weights on the goals)."""
        self.state.ambition = converge_ambitions(self.state.ambition, self.state.trust,
                                                 min(rate, 1.0))
        self._alignment = None

    def log(self, event: Event) -> None:
        """Append an event to the log (unless the model keeps none: ``record_events``).
        Where events come often, callers ask :attr:`record_events` before building one."""
        if self.record_events:
            self.events.append(event)

    def count_conflict(self, outcome: str, trust_change: float = 0.0) -> None:
        """Count a conflict by how it ended, and the pair's mean trust change it caused."""
        key = _CONFLICT_COUNTS[outcome]
        # counter.get(k, 0) + ..., not counter[k] += ...: the same sums, without a call of
        # Counter.__missing__ for every key not yet counted this month (and written out for
        # both counters: this runs for every conflict).
        month, totals = self.month_counts, self.totals
        month["conflicts_new"] = month.get("conflicts_new", 0) + 1
        month[key] = month.get(key, 0) + 1
        totals["conflicts_new"] = totals.get("conflicts_new", 0) + 1
        totals[key] = totals.get(key, 0) + 1
        outcomes, changes = self.conflict_outcomes, self.trust_changes
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
        changes[outcome] = changes.get(outcome, 0) + trust_change

    def count_paradox(self, category: str, response: str) -> None:
        """Count a paradox event by category and response."""
        keys = ("paradoxes_new", f"paradox_{category}", f"paradox_{response}")
        for counter in (self.month_counts, self.totals):
            for key in keys:  # as in count_conflict: no Counter.__missing__ calls
                counter[key] = counter.get(key, 0) + 1

    # --- derived alliance-level quantities --------------------------------------------------
    def trust_mean(self) -> float:
        """Mean directed trust over distinct member pairs."""
        return self.state.mean_offdiagonal(self.state.trust)

    def commitment_mean(self) -> float:
        """Mean commitment of active members."""
        return self.state.mean(self.state.commitment)

    def cultural_distance(self) -> float:
        """Mean pairwise Kogut-Singh distance between active members."""
        return self.state.distance_mean

    def _close_distance_segment(self) -> None:
        """Add the months since the last membership change at the distance they had."""
        self._distance_area += self.state.distance_mean * (self.month - self._distance_since)
        self._distance_since = self.month

    def cultural_distance_over_time(self) -> float:
        """The alliance's mean Kogut-Singh distance averaged over its months so far."""
        months = self.month
        if months == 0:
            return self.state.distance_mean
        area = self._distance_area + self.state.distance_mean * (months - self._distance_since)
        return area / months

    def alignment(self) -> float:
        """How closely members' ambitions agree, in [0, 1]."""
        if self._alignment is None:
            self._alignment = ambition_alignment(self.state.ambition)
        return self._alignment

    def sector_diversity(self) -> float:
        """Share of the four sectors beyond the first that are represented (0-1)."""
        return self.state.sector_diversity

    def pair_weight(self) -> float:
        """How much one pair's conflict weighs on the alliance: 1 up to the reference size.

        Tension, identity and spill-over are alliance-level; in a large network one pair's
        quarrel touches a smaller share of it, so its effect is scaled by reference size /
        members.
        """
        return min(1.0, self.params.reference_size / max(self.state.size, 1))

    def objectives(self) -> float:
        """The joint value the alliance aims at: the ambition its founders pooled, or, before
        they have, the ambition the members would pool now."""
        target = self.alliance.value_target
        return target if np.isfinite(target) else phases.pooled_ambition(self)

    def learning_environment(self) -> float:
        """How much accumulated experience supports learning, in [0, 1)."""
        return self.alliance.learning_environment

    def fit_factor(self) -> float:
        """Governance fit, neutral (1) before a governance form is chosen."""
        return self.alliance.fit

    # --- scenario interventions -------------------------------------------------------------
    def add_partner(self) -> MemberOrganization | None:
        """A new partner (the best-fitting available candidate) joins now."""
        rows = np.flatnonzero(self.pool.available)
        if len(rows) == 0:
            return None
        best = rows[int(np.argmax(self.partner_fit(rows)))]
        self.pool.available[best] = False
        agent = self.add_members([best])[0]
        self._intervened(f"{agent.name} was brought in as a new partner")
        return agent

    def remove_partner(self, name: str | None = None) -> MemberOrganization:
        """A partner (by name, or the largest contributor) leaves now."""
        if name is None:
            member = self.members[int(np.argmax(self.state.resources))]
        else:
            member = self.member(name)
        self.remove_member(member, "withdrew (scheduled)")
        self._intervened(f"{member.name} withdrew from the alliance")
        return member

    def manager_leaves(self) -> bool:
        """The dedicated manager leaves now; the post is vacant until a replacement."""
        done = self.management.force_departure()
        if done:
            self._intervened("the alliance manager left")
        return done

    def replace_manager(self) -> bool:
        """A (new) dedicated manager is appointed now."""
        done = self.management.replace_now()
        if done:
            self._intervened("a new alliance manager was appointed")
        return done

    def shock(self, severity: float) -> None:
        """An external shock of the given severity (0-1) hits now."""
        apply_shock(self, float(np.clip(severity, 0.0, 1.0)), "scheduled")

    def train_members(self, amount: float) -> None:
        """A training programme closes ``amount`` of the skill gap of every member's
        representative and of the manager, and a share of it (``training_openness_share``)
        of members' openness gap; the trainees' time is paid from this month's joint work."""
        s, amount = self.state, float(np.clip(amount, 0.0, 1.0))
        time = self.management.train(amount)
        s.openness += self.params.training_openness_share * amount * (1.0 - s.openness)
        self._intervened(f"a training programme raised skill by {amount:.0%} of the gap, "
                         f"taking {time:.2f} FTE-months of its trainees' time")

    def set_parameter(self, name: str, value: Any) -> None:
        """Change a parameter from now on (validated against its definition)."""
        self.params.change(name, value)
        self._intervened(f"{name} set to {self.params[name]}")

    def _intervened(self, text: str) -> None:
        self.log(Event(self.month, "intervention", self.phase, detail=text))

    # --- outputs ----------------------------------------------------------------------------
    def step_table(self, columns: Iterable[str] | None = None) -> pd.DataFrame:
        """The per-step table, one row per month (month 0 is the founders' start); only
        ``columns`` of :data:`STEP_COLUMNS` when given (building fewer columns is faster)."""
        if self.datacollector is None:
            raise ValueError("this model was made with collect_steps=False, so it kept no "
                             "per-step table; make it with collect_steps=True")
        names = list(STEP_COLUMNS) if columns is None else check_step_columns(columns)
        assert names is not None
        variables = self.datacollector.model_vars
        return pd.DataFrame({name: variables[name] for name in names}, columns=names)

    def event_log(self) -> pd.DataFrame:
        """The event log, with a plain ``sentence`` and a line of ``theory`` per row, and the
        stable ids (``unique_id``) of the organizations and managers it names."""
        ids = {agent.name: agent.unique_id for agent in self.agents if hasattr(agent, "name")}
        return events_frame(self.events, ids)

    def member_table(self) -> pd.DataFrame:
        """The per-member panel: one row per member organization and month, exited members
        included (``member`` is False). Needs ``record_members=True``."""
        if not self.record_members:
            raise ValueError("this model was made without record_members=True, so it kept no "
                             "per-member panel; make it with record_members=True")
        assert self.datacollector is not None  # record_members keeps the collector
        return member_panel(self.datacollector)

    def trust_edges(self) -> pd.DataFrame:
        """The trust network now: one row per ordered pair of active members (member ids,
        names and the directed trust)."""
        return trust_edges(self)

    def outcome_record(self) -> dict[str, Any]:
        """How the run ended, when, whether it met its objectives, and totals."""
        a, m, s = self.alliance, self.management, self.state
        objectives_met = a.value_total >= a.value_target
        return {
            "outcome": self.outcome,
            "end_month": self.end_month if self.end_month is not None else self.month,
            "ended": self.outcome != phases.RUNNING,
            "end_reason": self.end_reason,
            "objectives_met": objectives_met,
            "failed": self.outcome == phases.DISSOLVED or not objectives_met,
            "renewals": a.renewals,
            "value_target": a.value_target if np.isfinite(a.value_target) else float("nan"),
            "value_total": a.value_total,
            "management_cost_total": a.management_cost_total,
            "management_time_used": m.used_total,
            "manager_work_share": m.manager_work_total / m.used_total if m.used_total else 0.0,
            "members_final": len(s),
            "member_months": self.member_months,
            "trust_mean_final": self.trust_mean(),
            "commitment_mean_final": self.commitment_mean(),
            "skill_mean_final": s.mean(s.skill),
            "openness_mean_final": s.mean(s.openness),
            "expectations_mean_final": s.mean(s.expectations),
            "alignment_final": self.alignment(),
            "cultural_distance_final": self.cultural_distance(),
            "cultural_distance_mean": self.cultural_distance_over_time(),
            "culture_dimensions_min": s.dimensions_min,
            "identity_final": a.identity,
            "governance": a.governance or "",
            "legal_form": a.legal_form or "",
            **{f"months_{p}": self.phase_months[p] for p in phases.PHASES},
            "conflicts_total": self.totals["conflicts_new"],
            "conflicts_resolved": self.totals["conflicts_resolved"],
            "conflicts_escalated": self.totals["conflicts_escalated"],
            "conflicts_latent": self.totals["conflicts_latent"],
            "trust_rise_per_constructive": self._mean_trust_change("constructive"),
            "trust_fall_per_escalation": -self._mean_trust_change("escalated"),
            "constructive_total": self.conflict_outcomes["constructive"],
            "paradoxes_total": self.totals["paradoxes_new"],
            "paradoxes_both_and": self.totals["paradox_both_and"],
            "shocks_total": self.totals["shocks"],
            "exits_total": self.exited_total,
            "disengaged_months": self.disengaged_months,
            "disengaged_exits": self.totals["disengaged_exits"],
            "partner_fit_mean": _mean(self.partner_fits),
            "commitment_after_renewal": _mean(self.renewal_commitments),
            "commitment_state_changes": self.state_changes,
            "manager_departures": m.departures,
            "manager_vacancy_months": m.vacancy_months,
            "representative_changes": m.representative_changes,
            "third_party_mediations": self.totals["third_party_mediations"],
        }

    def _mean_trust_change(self, outcome: str) -> float:
        """Mean change of a pair's trust per conflict with this outcome (NaN if none)."""
        count = self.conflict_outcomes[outcome]
        return self.trust_changes[outcome] / count if count else float("nan")

    def trust_graph(self) -> nx.DiGraph:
        """The members as a directed graph with trust on the edges (for drawing)."""
        g = nx.DiGraph()
        for m in self.members:
            g.add_node(m.name, sector=m.sector, country=m.country, commitment=m.commitment,
                       state=m.commitment_state, resources=m.resources)
        t, d = self.state.trust, self.state.distance
        for a in self.members:
            for b in self.members:
                if a is not b:
                    g.add_edge(a.name, b.name, trust=float(t[a.slot, b.slot]),
                               distance=float(d[a.slot, b.slot]))
        return g
