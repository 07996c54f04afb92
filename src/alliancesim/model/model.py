"""AllianceModel: one alliance and its member organizations, month by month."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

import mesa
import networkx as nx
import numpy as np
import pandas as pd

from alliancesim.model import phases
from alliancesim.model.agents import MemberOrganization
from alliancesim.model.conflicts import run_conflicts
from alliancesim.model.events import Event, events_frame
from alliancesim.model.management import Management
from alliancesim.model.mechanisms import (
    ambition_alignment,
    commitment_states,
    converge_ambitions,
    update_trust,
)
from alliancesim.model.organizations import SECTOR_LABELS, draw_pool
from alliancesim.model.outputs import STEP_COLUMNS, StepCollector
from alliancesim.model.state import MemberArrays
from alliancesim.model.tensions import apply_shock, run_paradoxes, run_shocks, run_stagnation
from alliancesim.params import (
    PARAMETERS_BY_NAME,
    ParameterError,
    check_changeable,
    coerce_value,
    suggest,
    validate_parameters,
)

REFERENCE_SIZE = 8
# Strength of the monthly trust signal from working together (before openness and proximity).
COOPERATION_SIGNAL = 0.4
PHASE_BEHAVIOUR = {
    phases.FORMING: phases.forming,
    phases.FOUNDING: phases.founding,
    phases.EVOLVING: phases.evolving,
    phases.TRANSFORMING: phases.transforming,
}


class AllianceModel(mesa.Model):
    """An alliance of organizations moving through forming, founding, evolving, transforming.

    Every keyword parameter is defined in :mod:`alliancesim.params` and has a default, so
    ``AllianceModel()`` runs and ``mesa.batch_run(AllianceModel, ...)`` works unchanged.

    Args:
        rng: seed (an int or a ``numpy.random.SeedSequence``) or generator; all randomness
            in the run flows from it.
        scenario: accepted for Mesa's SolaraViz, which passes a ``mesa`` Scenario on Reset;
            only its ``rng`` is used (when ``rng`` is not given).
        collect_steps: record the per-step table (on by default). Runs that only need their
            outcome record switch it off and run faster; the simulation itself is the same.
        **params: parameter values that differ from the defaults; unknown names, wrong types
            and out-of-range values raise :class:`~alliancesim.params.ParameterError`.
    """

    def __init__(self, rng: Any = None, scenario: Any = None, *, collect_steps: bool = True,
                 **params: Any) -> None:
        # Mesa's SolaraViz hands every new model a bare mesa Scenario on Reset; parameters
        # live in ``params`` here, so only a seed it may carry is taken from it.
        if rng is None and scenario is not None:
            rng = getattr(scenario, "rng", None)
        self.p: dict[str, Any] = validate_parameters(params)
        if rng is not None and not isinstance(rng, np.random.Generator):
            # An int n and SeedSequence(n) then give the same run: Mesa treats ints and
            # generators differently when it seeds its own stdlib Random.
            rng = np.random.default_rng(rng)
        super().__init__(rng=rng)
        self.month = 0
        self.phase = phases.FORMING
        self.months_in_phase = 0
        self.phase_history: list[tuple[int, str, str]] = [(0, phases.FORMING, "founders met")]
        self.outcome = phases.RUNNING
        self.end_reason = ""
        self.end_month: int | None = None
        self.events: list[Event] = []
        self.totals: Counter[str] = Counter()
        self.conflict_outcomes: Counter[str] = Counter()
        self.trust_changes: Counter[str] = Counter()
        self.month_counts: Counter[str] = Counter()
        self.state = MemberArrays()
        self._alignment: float | None = None
        self.members: list[MemberOrganization] = []
        self.exited_total = 0
        # alliance-level state
        self.value_now = 0.0
        self.value_total = 0.0
        self.value_since_assessment = 0.0
        self.ambition_target = float(self.p["value_target"])
        self.founding_progress = 0.0
        self.governance: str | None = None
        self.legal_form: str | None = None
        self.governance_fit: float | None = None
        self.exit_barrier = 1.0
        self.identity = 0.1
        self.experience = 0.0
        self.tension = 0.0
        self.latent_open = 0
        self.suppressed_open = 0
        self.stagnating = False
        self.stagnation_months = 0
        self.scarcity_shock = 0.0
        self.major_shock = False
        self.last_change = 0
        self.transform_reason = ""
        self.renewals = 0
        self._timeline: dict[int, list[Any]] = {}
        self.pool = draw_pool(self.rng, self._pool_size(), self.p)
        self.management = Management(self)
        self._recruit_founders()
        self.collect_steps = collect_steps
        self.phase_months: Counter[str] = Counter()
        self.datacollector = StepCollector()
        self.datacollector.collect(self)

    # --- set-up ---------------------------------------------------------------------------
    def _pool_size(self) -> int:
        n = int(self.p["n_members"])
        return int(np.ceil(float(self.p["candidate_pool"]) * n)) + phases.FOUNDERS

    def _recruit_founders(self) -> None:
        founders = np.arange(phases.FOUNDERS)
        self.pool.available[founders] = False
        self.add_members(founders)
        self.month_counts.clear()

    # --- the monthly step ---------------------------------------------------------------
    def step(self) -> None:
        """Advance the alliance by one month (nothing happens once it has ended)."""
        if self.outcome != phases.RUNNING:
            self.running = False
            return
        self.month += 1
        self.months_in_phase += 1
        self.month_counts.clear()
        self.management.begin_month()
        for intervention in self._timeline.pop(self.month, ()):
            intervention.apply(self)
        run_shocks(self)
        PHASE_BEHAVIOUR[self.phase](self)
        if self.phase != phases.FORMING:
            run_conflicts(self)
            run_paradoxes(self)
            self._cooperate()
        if self.phase == phases.EVOLVING:
            run_stagnation(self)
        self.experience *= 1.0 - float(self.p["experience_decay"])
        self._update_commitment_states()
        self._let_disengaged_leave()
        self._advance_phase()
        if self.outcome != phases.RUNNING or self.month >= int(self.p["horizon"]):
            self.running = False
        self.phase_months[self.phase] += 1
        if self.collect_steps:
            self.datacollector.collect(self)

    def schedule(self, interventions: Iterable[Any]) -> None:
        """Queue interventions (objects with ``month`` and ``apply(model)``) for later months."""
        for item in interventions:
            if item.month <= self.month:
                raise ValueError(f"intervention at month {item.month} is not in the future "
                                 f"(the model is at month {self.month})")
            self._timeline.setdefault(item.month, []).append(item)

    def _cooperate(self) -> None:
        """Working together builds trust, faster with openness, commitment and proximity."""
        s = self.state
        signal = (COOPERATION_SIGNAL * (0.5 + s.openness)[:, None] * s.proximity
                  * s.commitment[None, :])
        s.trust += float(self.p["trust_gain"]) * signal * (1.0 - s.trust)
        np.fill_diagonal(s.trust, 1.0)

    def _update_commitment_states(self) -> None:
        self.state.cstate = commitment_states(self.state.cstate, self.state.commitment)

    def _let_disengaged_leave(self) -> None:
        if self.phase == phases.FORMING:
            return
        for member in list(self.members):
            if member.wants_to_leave():
                self.remove_member(member, "commitment had drained away")

    def _advance_phase(self) -> None:
        transition = phases.next_phase(self)
        if transition is not None:
            phases.enter(self, *transition)

    def set_phase(self, phase: str, reason: str) -> None:
        """Record a phase change (use :func:`phases.enter`, which checks it is allowed)."""
        if phase == phases.EVOLVING and self.phase == phases.TRANSFORMING:
            self.renewals += 1
        self.phase = phase
        self.months_in_phase = 0
        self.last_change = self.month
        self.phase_history.append((self.month, phase, reason))
        self.value_since_assessment = 0.0
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
        first = len(self.state)
        self.state.add(self.pool, rows, self.month, float(self.p["trust_initial"]),
                       float(self.p["commitment_initial"]))
        new = []
        for offset, row in enumerate(rows):
            agent = MemberOrganization(self, self.pool.names[row], int(self.pool.sector[row]),
                                       first + offset)
            new.append(agent)
            self.log(Event(self.month, "joined", self.phase, actors=(agent.name,),
                           detail=SECTOR_LABELS[agent.sector]))
        self.members.extend(new)
        self._alignment = None
        self.month_counts["entries"] += len(new)
        self.last_change = self.month
        return new

    def remove_member(self, member: MemberOrganization, reason: str) -> None:
        """The member leaves: its row is dropped and its agent frozen."""
        slot = member.slot
        if slot is None:
            raise ValueError(f"{member.name} has already left")
        member.freeze(self.month, reason)
        self.state.remove(slot)
        del self.members[slot]
        for later in self.members[slot:]:
            later.slot = int(later.slot) - 1  # type: ignore[arg-type]
        self.exited_total += 1
        self._alignment = None
        self.month_counts["exits"] += 1
        self.identity = max(0.0, self.identity - 0.02)
        self.last_change = self.month
        self.log(Event(self.month, "exit", self.phase, actors=(member.name,), detail=reason))

    def member(self, name: str) -> MemberOrganization:
        """The active member called ``name``."""
        for m in self.members:
            if m.name == name:
                return m
        names = ", ".join(m.name for m in self.members)
        raise KeyError(f"no active member called {name!r}; members are: {names}")

    # --- mechanisms used by the processes ---------------------------------------------------
    def signal_pair_trust(self, i: int, j: int, signal: float) -> None:
        """Send the same trust signal both ways between members in rows ``i`` and ``j``."""
        t, gain, ratio = self.state.trust, float(self.p["trust_gain"]), float(
            self.p["trust_loss_ratio"])
        t[i, j] = update_trust(t[i, j], signal, gain, ratio)
        t[j, i] = update_trust(t[j, i], signal, gain, ratio)

    def gain_experience(self, amount: float, rows: np.ndarray | list[int] | None = None) -> None:
        """Experience accumulates; the members involved (all when ``rows`` is None) learn,
        more so when they practise management themselves."""
        self.experience += amount
        rate = float(self.p["skill_learning_rate"]) * self.management.learning_factor * amount
        s = self.state.skill
        if rows is None:
            s += rate * (1.0 - s)
        else:
            for row in rows:  # a conflict's pair: plain indexing beats fancy indexing
                s[row] += rate * (1.0 - s[row])

    def develop_ambition(self, rate: float) -> None:
        """Trust-weighted convergence of the members' ambitions."""
        self.state.ambition = converge_ambitions(self.state.ambition, self.state.trust, rate)
        self._alignment = None

    def log(self, event: Event) -> None:
        """Append an event to the log."""
        self.events.append(event)

    def count_conflict(self, outcome: str, trust_change: float = 0.0) -> None:
        """Count a conflict by how it ended, and the pair's mean trust change it caused."""
        key = {"constructive": "conflicts_resolved", "compromise": "conflicts_resolved",
               "latent": "conflicts_latent", "escalated": "conflicts_escalated"}[outcome]
        for counter in (self.month_counts, self.totals):
            counter["conflicts_new"] += 1
            counter[key] += 1
        self.conflict_outcomes[outcome] += 1
        self.trust_changes[outcome] += trust_change

    def count_paradox(self, category: str, response: str) -> None:
        """Count a paradox event by category and response."""
        for counter in (self.month_counts, self.totals):
            counter["paradoxes_new"] += 1
            counter[f"paradox_{category}"] += 1
            counter[f"paradox_{response}"] += 1

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
        quarrel touches a smaller share of it, so its effect is scaled by 8 / members.
        """
        return min(1.0, REFERENCE_SIZE / max(len(self.state), 1))

    def learning_environment(self) -> float:
        """How much accumulated experience supports learning, in [0, 1)."""
        return self.experience / (self.experience + 5.0)

    def alliance_skill(self) -> float:
        """Skill the alliance brings to alliance-level issues, given its management mode."""
        skill = self.state.mean(self.state.skill)
        return self.management.alliance_skill(skill)

    def fit_factor(self) -> float:
        """Governance fit, neutral (1) before a governance form is chosen."""
        return 1.0 if self.governance_fit is None else self.governance_fit

    # --- scenario interventions -------------------------------------------------------------
    def add_partner(self) -> MemberOrganization | None:
        """A new partner (the best-fitting available candidate) joins now."""
        rows = np.flatnonzero(self.pool.available)
        if len(rows) == 0:
            return None
        best = rows[int(np.argmax(phases.partner_fit(self, rows)))]
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
        """The dedicated manager leaves now; capacity is gone until a replacement."""
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
        """A training programme closes ``amount`` of every member's skill gap."""
        s = self.state.skill
        s += float(np.clip(amount, 0.0, 1.0)) * (1.0 - s)
        self._intervened(f"a training programme raised members' skill by {amount:.0%} of the gap")

    def set_parameter(self, name: str, value: Any) -> None:
        """Change a parameter from now on (validated against its definition)."""
        if name not in PARAMETERS_BY_NAME:
            raise ParameterError(name, f"unknown parameter {name!r}.{suggest(name)}")
        check_changeable(PARAMETERS_BY_NAME[name])
        self.p[name] = coerce_value(PARAMETERS_BY_NAME[name], value)
        self._intervened(f"{name} set to {self.p[name]}")

    def _intervened(self, text: str) -> None:
        self.log(Event(self.month, "intervention", self.phase, detail=text))

    # --- outputs ----------------------------------------------------------------------------
    def step_table(self) -> pd.DataFrame:
        """The per-step table, one row per month (month 0 is the founders' start)."""
        if not self.collect_steps:
            raise ValueError("this model was made with collect_steps=False, so it kept no "
                             "per-step table; make it with collect_steps=True")
        return pd.DataFrame(self.datacollector.model_vars, columns=list(STEP_COLUMNS))

    def event_log(self) -> pd.DataFrame:
        """The event log, with a plain ``sentence`` and a line of ``theory`` per row."""
        return events_frame(self.events)

    def outcome_record(self) -> dict[str, Any]:
        """How the run ended, when, whether it met its objectives, and totals."""
        objectives_met = self.value_total >= float(self.p["value_target"])
        return {
            "outcome": self.outcome,
            "end_month": self.end_month if self.end_month is not None else self.month,
            "ended": self.outcome != phases.RUNNING,
            "end_reason": self.end_reason,
            "objectives_met": objectives_met,
            "failed": self.outcome == phases.DISSOLVED or not objectives_met,
            "renewals": self.renewals,
            "value_total": self.value_total,
            "members_final": len(self.state),
            "trust_mean_final": self.trust_mean(),
            "commitment_mean_final": self.commitment_mean(),
            "skill_mean_final": self.state.mean(self.state.skill),
            "identity_final": self.identity,
            "governance": self.governance or "",
            "legal_form": self.legal_form or "",
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
            "manager_departures": self.management.departures,
        }

    def _mean_trust_change(self, outcome: str) -> float:
        """Mean change of a pair's trust per conflict with this outcome (NaN if none)."""
        count = self.conflict_outcomes[outcome]
        return self.trust_changes[outcome] / count if count else float("nan")

    def trust_graph(self) -> nx.DiGraph:
        """The members as a directed graph with trust on the edges (for drawing)."""
        g = nx.DiGraph()
        for m in self.members:
            g.add_node(m.name, sector=m.sector, commitment=m.commitment,
                       state=m.commitment_state, resources=m.resources)
        t = self.state.trust
        for a in self.members:
            for b in self.members:
                if a is not b:
                    g.add_edge(a.name, b.name, trust=float(t[a.slot, b.slot]))
        return g
