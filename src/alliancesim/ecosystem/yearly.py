"""What organizations carry from an alliance, and what they do once a year: forget, lose
people, train, hire on the labour market, and decide how to manage their alliances.

The same rules hold for both kinds of holder of management time: an organization's staff
and its professionals keep the same share of what they learned (more under codified
practice), with the same diminishing returns to experience, forget at the same rate when
unused, leave at the same default rate and are trained at the same price per person.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from alliancesim.ecosystem.parameters import PRACTICES
from alliancesim.ecosystem.population import FUNCTION, NONE, TRAINED, appoint
from alliancesim.model.organizations import draw_pool

if TYPE_CHECKING:
    from alliancesim.ecosystem.model import EcosystemModel, LiveAlliance
    from alliancesim.model.model import AllianceModel

# What the profession table counts each year (zero when nothing happened).
YEAR_COUNTS = {"hired": 0, "poached": 0, "unfilled": 0, "demand": 0, "professionals_left": 0,
               "practice_changes": 0, "ended_dedicated": 0, "failed_dedicated": 0,
               "ended_transversal": 0, "failed_transversal": 0, "ended_none": 0,
               "failed_none": 0, "managers_changed": 0, "organizations_replaced": 0}


# --- what an ended alliance leaves its members --------------------------------------------
def retention(model: EcosystemModel, org: int) -> float:
    """Share of newly gained skill an organization keeps: experience alone, more when its
    practice is codified (a dedicated function or a training programme)."""
    p = model.params
    codified = model.orgs.practice[org] != NONE
    return min(1.0, p.experience_retention + (p.codification_retention if codified else 0.0))


def diminishing(experience: float, half: float) -> float:
    """The weight of one more alliance's lesson after ``experience`` alliances."""
    return 1.0 / (1.0 + experience / half)


def carry_back(model: EcosystemModel, live: LiveAlliance, record: dict[str, Any],
               founded: bool) -> None:
    """The members carry skill, trust and reputation from the alliance that just ended; the
    professional who managed it carries skill and experience."""
    p, orgs = model.params, model.orgs
    if record["ended"] or record["closed_at_term"]:  # not those cut off by the horizon
        counts = model.year_counts
        counts[f"ended_{live.mode}"] += 1
        counts[f"failed_{live.mode}"] += int(record["failed"])
    if founded:
        _keep_skill(model, live)
        _remember_ties(model, live)
        success = 0.0 if record["failed"] else 1.0
        ever = np.array([o for o in live.ever if o not in live.departed], dtype=int)
        orgs.reputation[ever] += p.reputation_rate * (success - orgs.reputation[ever])
        orgs.experience[ever] += 1.0
        year = min(model.year, p.years)
        model.results_sum[year, ever] += success
        model.results_n[year, ever] += 1.0
    if live.professional >= 0:
        professional_keeps(model, live.professional, live)


def professional_keeps(model: EcosystemModel, k: int, live: LiveAlliance) -> None:
    """Professional ``k``, leaving the management of ``live`` (at its end or handing it
    over), keeps a share of what it learned there by the rule organizations follow (the
    retention of its employer now, or experience alone without one), and counts it as an
    alliance managed."""
    p, people = model.params, model.people
    manager = live.model.management.manager
    if manager is None:
        return
    employer = int(people.employer[k])
    keep = retention(model, employer) if employer >= 0 else p.experience_retention
    gained = max(manager.skill - manager.hired_skill, 0.0)
    weight = diminishing(float(people.experience[k]), p.experience_half_alliances)
    people.skill[k] = min(1.0, people.skill[k] + keep * weight * gained)
    people.experience[k] += 1.0


def keep_gain(model: EcosystemModel, org: int, gained: float) -> None:
    """Organization ``org`` keeps its share of the skill ``gained`` by its people in an
    alliance: its retention, weighted by the diminishing returns to its experience."""
    p, orgs = model.params, model.orgs
    weight = diminishing(float(orgs.experience[org]), p.experience_half_alliances)
    orgs.staff_skill[org] = min(1.0, orgs.staff_skill[org]
                                + retention(model, org) * weight * max(gained, 0.0))


def _keep_skill(model: EcosystemModel, live: LiveAlliance) -> None:
    """Each member still in at the end keeps a share of what its representative learned
    (members who left earlier kept theirs when they left: :func:`keep_leavers_skill`)."""
    alliance = live.model
    state = alliance.state
    for row, member in enumerate(alliance.members):
        org = int(live.orgs[live.row_of[member.name]])
        keep_gain(model, org, float(state.skill[row] - state.skill_entry[row]))


def keep_leavers_skill(model: EcosystemModel, live: LiveAlliance,
                       leavers: dict[int, Any]) -> None:
    """Members that leave a founded alliance early keep a share of what their
    representative learned by the rule members still in at the end follow: the skill the
    representative left with, less the skill the member joined with."""
    alliance = live.model
    if not alliance.alliance.governance:  # not founded: nobody keeps anything, as at its end
        return
    entry = alliance.pool.skill
    for org, member in leavers.items():
        keep_gain(model, org, member.skill - float(entry[live.row_of[member.name]]))


def _remember_ties(model: EcosystemModel, live: LiveAlliance) -> None:
    """The trust between the members still in at the end is remembered as their tie."""
    alliance = live.model
    orgs = [int(live.orgs[live.row_of[m.name]]) for m in alliance.members]
    trust = alliance.state.trust
    for i, a in enumerate(orgs):
        for j, b in enumerate(orgs):
            if i != j:
                model.ties.remember(a, b, float(trust[i, j]), model.month)


# --- the year's end -------------------------------------------------------------------------
def year_end(model: EcosystemModel) -> None:
    """Forgetting, turnover, training, decisions, the labour market, and the year's record."""
    for live in model.live:
        model.orgs.worked[list(live.current)] = True
    _renew_population(model)
    _forget_and_lose_people(model)
    _train(model)
    _decide(model)
    staff_functions(model)
    _reassign_managers(model)
    _record_year(model)
    model.orgs.worked[:] = False
    model.people.worked[:] = model.people.load > 0
    model.orgs.spend[:] = 0.0


def apply_change(live: LiveAlliance, action: str, argument: Any = None) -> None:
    """Make a change to an alliance between its months (a professional taking it over or
    leaving it, a member leaving the population, candidates withdrawn), and keep it in the
    alliance's spec so that a replay makes the same change at the same month."""
    make_change(live.model, action, argument)
    if live.spec is not None:
        live.spec.setdefault("interventions", []).append((live.model.month, action, argument))


def make_change(alliance: AllianceModel, action: str, argument: Any = None) -> None:
    """One change the ecosystem makes to an alliance (see :func:`apply_change`)."""
    if action == "replace_manager":
        appoint(alliance, argument)  # the new manager is this professional, as skilled
        alliance.replace_manager()
    elif action == "manager_leaves":
        alliance.manager_leaves()
    elif action == "remove_partner":
        alliance.remove_partner(argument)
    elif action == "withdraw_candidates":
        alliance.pool.available[argument] = False
    else:
        raise ValueError(f"unknown change {action!r}")


def replay_changes(alliance: AllianceModel, changes: list[tuple[int, str, Any]]) -> None:
    """Make the changes of a spec's ``interventions`` due at the alliance's current month
    (for a replay of an ecosystem's alliance on its own)."""
    for month, action, argument in changes:
        if month == alliance.month:
            make_change(alliance, action, argument)


def _renew_population(model: EcosystemModel) -> None:
    """Organizations leave the population with chance ``organization_turnover``: they leave
    their alliances (which lose a member, and the candidates they were), their
    professionals go to the labour market, ties to them are forgotten, and a newcomer drawn
    as the first organizations were takes each one's place, with its results unjudged."""
    p, orgs, people = model.params, model.orgs, model.people
    if p.organization_turnover <= 0.0:
        return  # nothing drawn: runs without turnover are those of before
    leaving = np.flatnonzero(model.rng.random(len(orgs)) < p.organization_turnover)
    if not len(leaving):
        return
    gone = set(leaving.tolist())
    for live in model.live:
        _lose_members(model, live, gone)
    people.employer[np.isin(people.employer, leaving)] = -1
    model.ties.forget(gone)
    newcomers = draw_pool(model.rng, len(leaving), model.alliance_params, model.partners)
    practice = model.initial_practices(len(leaving))
    orgs.replace(leaving, newcomers, practice, model.year)
    for table in (model.results_sum, model.results_n, model.spend_history):
        table[:, leaving] = 0.0
    model.year_counts["organizations_replaced"] = len(leaving)


def _lose_members(model: EcosystemModel, live: LiveAlliance, gone: set[int]) -> None:
    """Members of ``live`` in ``gone`` leave it, and candidates in ``gone`` are withdrawn;
    they are no longer credited with its end."""
    rows = np.flatnonzero(np.isin(live.orgs, list(gone)))
    if not len(rows):
        return
    apply_change(live, "withdraw_candidates", rows.tolist())
    members = sorted(gone & live.current)
    for org in members:
        apply_change(live, "remove_partner", live.agents[org].name)
    live.departed |= gone & set(live.ever)
    if live.function in gone:
        live.function = -1  # its professional's function has gone with it
    if members:
        model._membership_changed(live)


def _fade_toward(skill: np.ndarray, base: np.ndarray, rate: float,
                 where: np.ndarray | None = None) -> None:
    """Skill above ``base`` loses a share ``rate`` (only in ``where`` if given)."""
    if rate <= 0.0:
        return
    excess = np.maximum(skill - base, 0.0) * rate
    if where is not None:
        excess = excess * where
    skill -= excess


def _forget_and_lose_people(model: EcosystemModel) -> None:
    """Unused skill fades; trained staff leave, taking their skill; professionals leave
    their organization for the labour market, taking theirs."""
    p, orgs, people = model.params, model.orgs, model.people
    _fade_toward(orgs.staff_skill, orgs.base_skill, p.forgetting, ~orgs.worked)
    _fade_toward(orgs.staff_skill, orgs.base_skill, p.staff_turnover)
    _fade_toward(people.skill, people.entry_skill, p.forgetting, ~people.worked)
    employed = np.flatnonzero(people.employer >= 0)
    if p.professional_turnover > 0.0 and len(employed):
        leaving = employed[model.rng.random(len(employed)) < p.professional_turnover]
        people.employer[leaving] = -1
        model.year_counts["professionals_left"] = len(leaving)


def _train(model: EcosystemModel) -> None:
    """Organizations that train their staff train everyone in alliance work; those with a
    function train its professionals: the same effect and price per person."""
    p, orgs, people = model.params, model.orgs, model.people
    trained = orgs.practice == TRAINED
    staff = staff_count(model)
    if p.training_effect > 0.0:
        orgs.staff_skill[trained] += p.training_effect * (1.0 - orgs.staff_skill[trained])
        employed = people.employer >= 0
        people.skill[employed] += p.training_effect * (1.0 - people.skill[employed])
    orgs.spend += np.where(trained, p.training_price * staff, 0.0)
    orgs.spend += people.counts(len(orgs)) * p.training_price
    orgs.spend += professionals_cost(model)


def professionals_cost(model: EcosystemModel) -> np.ndarray:
    """What each organization pays for its professionals beyond what its alliances pay.

    An alliance pays for its management time at the same price in every mode (a manager's
    post while held, members' time as used), and that price is the base wage's. So an
    organization bears, for each professional, the wage of the time not held in posts
    (idle time) and the market's premium over the base wage (negative below it) for the
    time that is; its staff's time in alliances costs it nothing more, as the alliances pay.
    """
    p, people = model.params, model.people
    employed = np.flatnonzero(people.employer >= 0)
    busy = np.minimum(people.load[employed] / p.alliances_per_professional, 1.0)
    cost = (1.0 - busy) * model.wage + busy * (model.wage - p.wage_base)
    return np.bincount(people.employer[employed], weights=cost, minlength=len(model.orgs))


def staff_count(model: EcosystemModel) -> np.ndarray:
    """People each organization has in alliance work."""
    return np.maximum(1.0, np.round(model.params.staff_per_size * model.orgs.size))


def judged_results(model: EcosystemModel) -> tuple[np.ndarray, np.ndarray]:
    """Each organization's judged result over its memory (share of its alliances that
    succeeded, less the weighted spending per unit of size) and whether it has any."""
    p, year = model.params, model.year
    first = max(1, year - p.memory_years + 1)
    n = model.results_n[first:year + 1].sum(axis=0)
    success = np.divide(model.results_sum[first:year + 1].sum(axis=0), n,
                        out=np.zeros_like(n), where=n > 0)
    spend = model.spend_history[first:year + 1].mean(axis=0) / model.orgs.size
    return success - p.cost_weight * spend, n > 0


def _decide(model: EcosystemModel) -> None:
    """Each organization with results imitates a better-doing peer of its sector (with
    ``imitation_rate``) or, below its aspiration, tries another practice (``switch_rate``)."""
    p, orgs, rng = model.params, model.orgs, model.rng
    model.spend_history[model.year] = orgs.spend
    judged, known = judged_results(model)
    sectors = orgs.traits.sector
    by_sector = {s: np.flatnonzero(known & (sectors == s)) for s in np.unique(sectors)}
    imitate = rng.random(len(orgs)) < p.imitation_rate
    search = rng.random(len(orgs)) < p.switch_rate
    changed = 0
    for org in np.flatnonzero(known).tolist():
        new = int(orgs.practice[org])
        peers = by_sector[sectors[org]]
        if imitate[org] and len(peers):
            sample = peers[rng.integers(len(peers), size=p.peer_sample)]
            best = int(sample[np.argmax(judged[sample])])
            if judged[best] > judged[org]:
                new = int(orgs.practice[best])
        if new == orgs.practice[org] and search[org] and judged[org] < p.aspiration:
            others = [k for k in range(len(PRACTICES)) if k != orgs.practice[org]]
            new = others[int(rng.integers(len(others)))]
        if new != orgs.practice[org]:
            orgs.practice[org] = new
            orgs.practice_since[org] = model.year
            changed += 1
    model.year_counts["practice_changes"] = changed


def posts_needed(model: EcosystemModel) -> np.ndarray:
    """Professionals each organization with a function needs: one per
    ``alliances_per_professional`` dedicated alliances its function manages now (those it
    leads, or under ``mode_rule`` any_member or majority those it made dedicated), at
    least one."""
    p, orgs = model.params, model.orgs
    led = np.zeros(len(orgs))
    for live in model.live:
        if live.mode == "dedicated" and live.function >= 0:
            led[live.function] += 1
    need = np.ceil(led / p.alliances_per_professional)
    return np.where(orgs.practice == FUNCTION, np.maximum(need, 1), 0).astype(int)


def staff_functions(model: EcosystemModel) -> None:
    """The labour market: posts are filled from professionals without one (most skilled
    first), then by newcomers (more at a higher wage), then by poaching; the wage moves
    with the posts left unfilled and the professionals left idle; idle ones may leave."""
    p, people, rng = model.params, model.people, model.rng
    employed = np.flatnonzero(people.employer >= 0)
    closed = model.orgs.practice[people.employer[employed]] != FUNCTION
    people.employer[employed[closed]] = -1  # a function closed: its people are free
    need = posts_needed(model)
    have = people.counts(len(model.orgs))
    open_posts = np.flatnonzero(need > have)
    rng.shuffle(open_posts)
    demand = int(need.sum())
    entry = min(1.0, p.profession_entry_rate * (model.wage / p.wage_base) ** p.supply_elasticity)
    unfilled = hired = poached = 0
    moved: set[int] = set()  # poached this year: not poached again the same year
    for org in open_posts.tolist():
        for _ in range(int(need[org] - have[org])):
            idle = people.idle()
            if len(idle):
                people.hire(int(idle[np.argmax(people.skill[idle])]), org)
                hired += 1
            elif rng.random() < entry:
                people.add(org, model.professional_entry_skill)
                hired += 1
            elif rng.random() < p.poaching_rate and _poach(model, org, moved):
                poached += 1
            else:
                unfilled += 1
    idle_now = people.idle()
    if p.wage_elasticity > 0.0 and demand:
        change = p.wage_elasticity * (unfilled - len(idle_now)) / demand
        model.wage = float(np.clip(model.wage * (1.0 + change), 0.1 * p.wage_base,
                                   10.0 * p.wage_base))
    leaving = idle_now[rng.random(len(idle_now)) < p.leave_profession]
    people.active[leaving] = False
    people.employer[leaving] = -2
    model.year_counts.update(hired=hired, poached=poached, unfilled=unfilled, demand=demand)


def _reassign_managers(model: EcosystemModel) -> None:
    """Dedicated alliances whose professional no longer works for the organization whose
    function supplied it (it left, was poached, or the function closed) get another of that
    function's professionals with time to spare, appointed at once and hired at that
    professional's own skill; without one, the post falls vacant and the alliance's own
    mechanics (its vacancy, then a hire at the level of the professional last appointed)
    take over. The professional who left keeps what it learned in the alliance so far
    (:func:`professional_keeps`)."""
    p, people = model.params, model.people
    for live in model.live:
        old = live.professional
        if old < 0 or people.employer[old] == live.function:
            continue
        people.load[old] -= 1
        professional_keeps(model, old, live)
        staff = people.of(live.function) if live.function >= 0 else np.empty(0, dtype=int)
        free = staff[people.load[staff] < p.alliances_per_professional]
        if len(free):
            new = int(free[np.argmin(people.load[free])])
            people.load[new] += 1
            people.worked[new] = True
            live.professional = new
            apply_change(live, "replace_manager", float(people.skill[new]))
        else:
            live.professional = -1
            apply_change(live, "manager_leaves")
        model.year_counts["managers_changed"] += 1


def _poach(model: EcosystemModel, org: int, moved: set[int]) -> bool:
    """Hire a random professional away from another organization (which is left with an
    open post until next year); one not already poached this year."""
    people = model.people
    others = np.flatnonzero((people.employer >= 0) & (people.employer != org))
    if moved:
        others = others[~np.isin(others, list(moved))]
    if not len(others):
        return False
    person = int(others[int(model.rng.integers(len(others)))])
    people.hire(person, org)
    moved.add(person)
    return True


def _record_year(model: EcosystemModel) -> None:
    """One panel row per organization, and the profession's indicators, for this year."""
    orgs, people, year = model.orgs, model.people, model.year
    judged, known = judged_results(model)
    counts = people.counts(len(orgs))
    model.panel.append({
        "year": np.full(len(orgs), year), "organization": np.arange(len(orgs)),
        "entered": orgs.entered.copy(), "practice": orgs.practice.copy(),
        "professionals": counts,
        "staff_skill": orgs.staff_skill.copy(), "experience": orgs.experience.copy(),
        "reputation": orgs.reputation.copy(), "portfolio": orgs.portfolio.copy(),
        "spend": orgs.spend.copy(), "judged_result": np.where(known, judged, np.nan),
    })
    employed = people.employer >= 0
    idle = people.idle()
    n = len(orgs)
    model.profession.append({
        "year": year,
        "share_function": float(np.mean(orgs.practice == FUNCTION)),
        "share_trained": float(np.mean(orgs.practice == TRAINED)),
        "share_none": float(np.mean(orgs.practice == NONE)),
        "professionals_employed": int(employed.sum()),
        "professionals_idle": len(idle),
        "professionals_per_1000_orgs": 1000.0 * float(employed.sum()) / n,
        "wage": model.wage,
        "professional_skill_mean": float(people.skill[employed].mean()) if employed.any()
        else math.nan,
        "professional_employers_mean": float(people.employers[employed].mean())
        if employed.any() else math.nan,
        "staff_skill_mean": float(orgs.staff_skill.mean()),
        "alliances_live": len(model.live),
        "dedicated_share_live": (sum(live.mode == "dedicated" for live in model.live)
                                 / len(model.live)) if model.live else math.nan,
        **{k: float(v) for k, v in model.year_counts.items()},
        **{f"failed_share_{mode}": (model.year_counts[f"failed_{mode}"]
                                    / model.year_counts[f"ended_{mode}"])
           if model.year_counts[f"ended_{mode}"] else math.nan
           for mode in ("dedicated", "transversal", "none")},
    })
    model.year_counts = dict(YEAR_COUNTS)
