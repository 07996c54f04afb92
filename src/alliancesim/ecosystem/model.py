"""EcosystemModel: a population of organizations forming, living through and ending
alliances with each other over decades, one month per step.

Every alliance is an :class:`~alliancesim.model.model.AllianceModel` (the single-alliance
model itself, not a copy) whose founders and candidates are organizations of the population
(its ``pool`` option), stepped month by month by the ecosystem, each on its own random
stream spawned from the ecosystem's seed. When it ends, its members carry what their people
learned, the trust they built and the reputation it earned into their next alliances; once a
year organizations train, lose and hire people and decide how to manage alliances.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import mesa
import numpy as np

from alliancesim.culture.partners import Partners, as_partners, check_combination
from alliancesim.ecosystem import yearly
from alliancesim.ecosystem.parameters import EcosystemParams, make_ecosystem_params
from alliancesim.ecosystem.population import (
    FUNCTION,
    NONE,
    TRAINED,
    Organization,
    Organizations,
    People,
    ProfessionalManager,
    Ties,
    appoint,
)
from alliancesim.model.mechanisms import (
    REFERENCE_VARIANCES,
    kogut_singh_matrix,
    partial_kogut_singh,
    total_variation,
)
from alliancesim.model.model import AllianceModel
from alliancesim.model.organizations import draw_pool
from alliancesim.params import ParameterError
from alliancesim.params.values import make_params

# Alliance parameters the ecosystem sets for each alliance itself.
SET_PER_ALLIANCE = ("n_members", "management_mode", "horizon",
                    "manager_skill_premium", "manager_skill_sd")


@dataclass
class LiveAlliance:
    """An alliance in progress: its model and which organizations are in it."""

    number: int
    model: AllianceModel
    orgs: np.ndarray  # organization index of each row of the alliance's pool
    row_of: dict[str, int]  # pool row of each member name
    lead: int
    start_month: int
    mode: str
    professional: int  # index of the professional managing it, -1 if none
    first_professional: int = -1  # the professional who managed it at the start
    function: int = -1  # the organization whose function supplies its professional
    current: set[int] = field(default_factory=set)  # organizations in it now
    agents: dict[int, Any] = field(default_factory=dict)  # their member agents, by organization
    departed: set[int] = field(default_factory=set)  # members that left the population
    ever: list[int] = field(default_factory=list)  # organizations ever in it, by entry
    spec: dict[str, Any] | None = None  # what made it (kept for replays on request)


def _advance(alliance: AllianceModel) -> None:
    """One month of an alliance: :meth:`AllianceModel.advance_month`, the month ``step``
    runs, without Mesa's step wrapper (an alliance schedules no events, and the wrapper's
    event queue costs about a tenth of a month's time), keeping Mesa's clock in step."""
    alliance.time += 1
    alliance.steps += 1
    alliance.advance_month()


def _child(seed: np.random.SeedSequence, *key: int) -> np.random.SeedSequence:
    """The child of ``seed`` at ``key``, without spawning from (changing) ``seed``."""
    return np.random.SeedSequence(seed.entropy, spawn_key=(*seed.spawn_key, *key),
                                  pool_size=seed.pool_size)


class EcosystemModel(mesa.Model):
    """A population of organizations with alliance portfolios, month by month.

    Args:
        rng: the seed (an int or a ``numpy.random.SeedSequence``); the population, every
            alliance and every yearly decision draw from streams spawned from it.
        alliance: parameter values of the single-alliance model that every alliance takes
            (beyond its defaults); the ecosystem sets ``n_members``, ``management_mode``,
            ``horizon`` and the manager's skill of each alliance itself.
        partners: the countries of the organizations (as ``AllianceModel``'s option).
        keep_alliance_specs: keep each alliance's pool, parameters and seed (for replays).
        **params: ecosystem parameters (see
            :data:`~alliancesim.ecosystem.parameters.ECOSYSTEM_PARAMETERS`).
    """

    def __init__(self, rng: Any = 0, *, alliance: Mapping[str, Any] | None = None,
                 partners: Partners | Mapping[str, Any] | None = None,
                 keep_alliance_specs: bool = False, _check_only: bool = False,
                 **params: Any) -> None:
        self.params: EcosystemParams = make_ecosystem_params(params)
        self.alliance_values = _checked_alliance_values(alliance)
        self.alliance_params = make_params(self.alliance_values)
        self.partners = as_partners(partners)
        problem = check_combination(self.partners, self.alliance_params.country_set)
        if problem is not None:
            raise ParameterError("country_set", problem)
        if _check_only:  # a scenario file's values are checked without drawing anything
            return
        seed = rng if isinstance(rng, np.random.SeedSequence) else np.random.SeedSequence(rng)
        self.seed = seed
        super().__init__(rng=np.random.default_rng(_child(seed, 0)))
        self.keep_alliance_specs = keep_alliance_specs
        p = self.params
        self.month = 0
        self.months = 12 * p.years
        traits = draw_pool(np.random.default_rng(_child(seed, 1)), p.n_organizations,
                           self.alliance_params, self.partners)
        self.orgs = Organizations(traits, self.initial_practices(p.n_organizations))
        self.organizations = [Organization(self, k) for k in range(p.n_organizations)]
        self.people = People()
        self.ties = Ties(self.alliance_params.trust_initial, p.tie_decay)
        self.wage = p.wage_base
        self.live: list[LiveAlliance] = []
        self.records: list[dict[str, Any]] = []
        self.specs: list[dict[str, Any]] = []
        self.founded = 0
        years = p.years + 1
        self.results_sum = np.zeros((years, p.n_organizations))
        self.results_n = np.zeros((years, p.n_organizations))
        self.spend_history = np.zeros((years, p.n_organizations))
        self.panel: list[dict[str, np.ndarray]] = []
        self.profession: list[dict[str, float]] = []
        self.year_counts: dict[str, int] = dict(yearly.YEAR_COUNTS)
        self.professional_entry_skill = float(np.clip(
            self.orgs.base_skill.mean() + p.professional_skill_premium, 0.0, 1.0))
        # The functions that exist at the start are staffed: one professional each.
        for org in np.flatnonzero(self.orgs.practice == FUNCTION).tolist():
            self.people.add(org, self.professional_entry_skill)

    def initial_practices(self, n: int) -> np.ndarray:
        """Practices of ``n`` organizations drawn by the initial shares (at the start, and
        for newcomers to the population)."""
        p = self.params
        draws = self.rng.random(n)
        practice = np.full(n, NONE)
        practice[draws < p.initial_function_share + p.initial_trained_share] = TRAINED
        practice[draws < p.initial_function_share] = FUNCTION
        return practice

    # --- the monthly step -----------------------------------------------------------------
    def step(self) -> None:
        """One month: new alliances are founded, every live alliance takes its month, and
        at a year's end organizations learn, train, hire and decide."""
        if self.month >= self.months:
            self.running = False
            return
        self.month += 1
        self._found_alliances()
        still = []
        for live in self.live:
            _advance(live.model)
            if live.model.month_counts.get("entries", 0) or \
                    live.model.month_counts.get("exits", 0):
                self._membership_changed(live)
            if live.model.running:
                still.append(live)
            else:
                self._close(live)
        self.live = still
        if self.month % 12 == 0:
            yearly.year_end(self)
        if self.month >= self.months:
            for live in self.live:
                self._close(live)
            self.live = []
            self.running = False

    def run(self) -> EcosystemModel:
        """Step to the end of the last year; returns the model."""
        while self.running:
            self.step()
        return self

    @property
    def year(self) -> int:
        """The current year (1 during the first twelve months)."""
        return (self.month - 1) // 12 + 1 if self.month else 0

    # --- founding alliances -----------------------------------------------------------------
    def _found_alliances(self) -> None:
        p, orgs = self.params, self.orgs
        if p.alliance_rate <= 0.0:
            return
        draws = self.rng.random(len(orgs))
        leads = np.flatnonzero((draws < p.alliance_rate) & (orgs.portfolio < p.max_portfolio))
        for lead in leads.tolist():
            if orgs.portfolio[lead] < p.max_portfolio:
                self._found(lead)

    def _found(self, lead: int) -> None:
        p, ap = self.params, self.alliance_params
        size = 2 + int(self.rng.poisson(p.alliance_size_mean - 2.0))
        wanted = math.ceil(ap.candidate_pool * size) + 1  # partners besides the lead
        candidates = self._candidates(lead)
        if len(candidates) == 0:
            return
        ranked = candidates[np.argsort(-self._partner_scores(lead, candidates),
                                       kind="stable")][:wanted]
        rows = np.concatenate(([lead], ranked))
        mode, professional = self._management(rows[:2])
        values = {**self.alliance_values, "n_members": size, "management_mode": mode,
                  "horizon": p.alliance_term}
        if professional >= 0:  # the manager is the organization's professional, as skilled
            values.update(member_skill_mean=float(self.people.skill[professional]),
                          manager_skill_premium=0.0, manager_skill_sd=0.0)
            self.people.load[professional] += 1
            self.people.worked[professional] = True
        seed = _child(self.seed, 2, self.founded)
        pool = self.orgs.pool(rows)
        appointed = values["member_skill_mean"] if professional >= 0 else None
        spec = ({"pool": copy.deepcopy(pool), "params": dict(values), "seed": seed,
                 "manager_class": ProfessionalManager, "appointed_skill": appointed}
                if self.keep_alliance_specs else None)
        model = AllianceModel(rng=seed, collect_steps=False, record_events=False, pool=pool,
                              manager_class=ProfessionalManager, **values)
        if appointed is not None:  # a vacancy it leaves is filled at the professional's level
            appoint(model, appointed)
        live = LiveAlliance(self.founded, model, rows, {n: k for k, n in enumerate(pool.names)},
                            lead, self.month, mode, professional, professional, spec=spec,
                            function=int(self.people.employer[professional])
                            if professional >= 0 else -1)
        self.founded += 1
        self._membership_changed(live)
        self.live.append(live)

    def _candidates(self, lead: int) -> np.ndarray:
        """Organizations with room in their portfolio that the lead screens, itself left out:
        a random sample, and (when prior ties count) its past partners, whom it knows."""
        p, n = self.params, len(self.orgs)
        k = min(p.candidate_sample + 1, n)
        sample = self.rng.choice(n, size=k, replace=False)[:p.candidate_sample + 1]
        if p.tie_weight > 0.0:
            known = self.ties.partners(lead)
            if len(known):
                sample = np.concatenate((known, sample[~np.isin(sample, known)]))
        keep = (sample != lead) & (self.orgs.portfolio[sample] < p.max_portfolio)
        return sample[keep]

    def _partner_scores(self, lead: int, candidates: np.ndarray) -> np.ndarray:
        """How attractive each candidate looks to the lead: complementary goals and sector,
        trust left from past alliances, reputation, cultural distance, and a Gumbel-spread
        unobserved part (so the choice is a logit choice)."""
        p, t = self.params, self.orgs.traits
        different_sector = (t.sector[candidates] != t.sector[lead]).astype(float)
        goals_apart = total_variation(t.goals[candidates], t.goals[lead])
        complementarity = 0.5 * different_sector + 0.5 * goals_apart
        score = p.complementarity_weight * complementarity \
            + p.reputation_weight * self.orgs.reputation[candidates]
        if p.tie_weight > 0.0:
            score += p.tie_weight * self.ties.excess(lead, candidates, self.month)
        if p.distance_weight > 0.0:
            score -= p.distance_weight * self._distances(lead, candidates)
        if p.choice_noise > 0.0:
            score += p.choice_noise * self.rng.gumbel(size=len(candidates))
        return score

    def _distances(self, lead: int, candidates: np.ndarray) -> np.ndarray:
        """Kogut-Singh distance between the lead and each candidate."""
        t = self.orgs.traits
        if t.complete:
            return kogut_singh_matrix(t.culture[candidates], t.culture[[lead]],
                                      REFERENCE_VARIANCES)[:, 0]
        distance = partial_kogut_singh(t.culture[candidates], t.culture[[lead]],
                                       REFERENCE_VARIANCES)[0][:, 0]
        return np.nan_to_num(distance, nan=0.0)

    def _management(self, founders: np.ndarray) -> tuple[str, int]:
        """The alliance's management mode, from its founders' practices by ``mode_rule``,
        and the professional who manages it in the dedicated mode (-1 otherwise).

        A deciding founder with a dedicated function and a professional in post makes the
        mode dedicated; otherwise the members' own people hold the management time
        (transversal), unless nobody has trained them and ``untrained_mode`` is 'none'.
        """
        p, practice = self.params, self.orgs.practice
        deciding = founders[:1] if p.mode_rule == "lead" else founders
        with_function = [org for org in deciding.tolist() if practice[org] == FUNCTION]
        enough = (len(with_function) >= 1 if p.mode_rule != "majority"
                  else 2 * len(with_function) >= len(deciding))
        if enough:
            for org in with_function:
                staff = self.people.of(org)
                if len(staff):
                    return "dedicated", int(staff[np.argmin(self.people.load[staff])])
        trained = bool(np.any(self.orgs.practice[deciding] == TRAINED))
        return ("transversal" if trained or p.untrained_mode == "transversal" else "none"), -1

    # --- membership -------------------------------------------------------------------------
    def _membership_changed(self, live: LiveAlliance) -> None:
        """Bring the organizations' portfolios up to date with who is in the alliance now,
        let members that left keep what their people learned, and give newcomers the trust
        their past ties with the members left."""
        model = live.model
        members = {int(live.orgs[live.row_of[m.name]]): m for m in model.members}
        now = set(members)
        joined, left = now - live.current, live.current - now
        for org in joined:
            self.orgs.portfolio[org] += 1
            live.ever.append(org)
        for org in left:
            self.orgs.portfolio[org] -= 1
            self.orgs.worked[org] = True
        if left:
            yearly.keep_leavers_skill(self, live, {org: live.agents[org] for org in left})
        live.current = now
        live.agents = members
        if joined and self.params.tie_trust_carry > 0.0:
            self._carry_trust(live, joined)

    def _carry_trust(self, live: LiveAlliance, joined: set[int]) -> None:
        """Pairs with a past tie start from the initial trust moved a share
        ``tie_trust_carry`` of the way toward the trust the tie left (Gulati 1995)."""
        model, carry = live.model, self.params.tie_trust_carry
        orgs = [int(live.orgs[live.row_of[m.name]]) for m in model.members]
        trust = model.state.trust
        initial = model.params.trust_initial
        for i, a in enumerate(orgs):
            for j, b in enumerate(orgs):
                if i == j or (a not in joined and b not in joined):
                    continue
                past = self.ties.trust(a, b, self.month)
                if past is not None:
                    trust[i, j] = initial + carry * (past - initial)

    # --- an alliance ends -------------------------------------------------------------------
    def _close(self, live: LiveAlliance) -> None:
        """Record the alliance and let its members carry what it left them."""
        model = live.model
        record = model.outcome_record()
        at_term = not record["ended"] and model.month >= model.params.horizon
        record.update(alliance_id=live.number, start_month=live.start_month,
                      close_month=self.month, closed_at_term=at_term, lead=live.lead,
                      mode=live.mode,
                      first_professional=live.first_professional,
                      professional=live.professional,
                      founder_ids=";".join(str(int(o)) for o in live.orgs[:2]),
                      member_ids_ever=";".join(str(o) for o in live.ever),
                      member_ids_final=";".join(str(o) for o in sorted(live.current)))
        self.records.append(record)
        if live.spec is not None:
            self.specs.append({**live.spec, "months": model.month,
                               "alliance_id": live.number})
        founded = bool(record["governance"])  # past forming: the partners worked together
        yearly.carry_back(self, live, record, founded)
        for org in live.current:
            self.orgs.portfolio[org] -= 1
            self.orgs.worked[org] = True
        live.current = set()
        if live.professional >= 0:
            self.people.load[live.professional] -= 1


def _checked_alliance_values(values: Mapping[str, Any] | None) -> dict[str, Any]:
    """The single-alliance parameter values every alliance takes, checked (the ones the
    ecosystem sets per alliance are refused with the reason)."""
    values = dict(values or {})
    for name in SET_PER_ALLIANCE:
        if name in values:
            raise ParameterError(name, f"alliance parameter {name!r} is set by the ecosystem "
                                       "for each alliance; leave it out of the alliance table")
    make_params(values)  # every name, type and range checked here, once
    return values
