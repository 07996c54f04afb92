"""The four life-cycle phases, their behaviour and the rules that move between them.

forming -> founding -> evolving -> transforming -> (evolving | completed | dissolved);
forming, founding and evolving can also end in dissolved.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from alliancesim.model.events import Event
from alliancesim.model.mechanisms import (
    GOVERNANCE_FORMS,
    REFERENCE_VARIANCES,
    fitting_governance,
    governance_fit,
    kogut_singh_matrix,
    partial_kogut_singh,
    total_variation,
)
from alliancesim.model.organizations import SECTOR_LABELS, SECTORS

if TYPE_CHECKING:
    from alliancesim.model.model import AllianceModel

FORMING, FOUNDING, EVOLVING, TRANSFORMING = "forming", "founding", "evolving", "transforming"
COMPLETED, DISSOLVED, RUNNING = "completed", "dissolved", "running"
PHASES = (FORMING, FOUNDING, EVOLVING, TRANSFORMING)
ENDINGS = (COMPLETED, DISSOLVED)
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    FORMING: frozenset({FOUNDING, DISSOLVED}),
    FOUNDING: frozenset({EVOLVING, DISSOLVED}),
    EVOLVING: frozenset({TRANSFORMING, DISSOLVED}),
    TRANSFORMING: frozenset({EVOLVING, COMPLETED, DISSOLVED}),
}
# How much each legal form damps a disengaged member's leaving. Source: transaction-cost
# reasoning (Williamson 1991) and Gulati (1995): equity and separate legal entities raise exit
# costs, a plain contract least; the values are assumed. Beyond this the legal form is a label.
LEGAL_BARRIER = {"contract": 1.0, "association": 0.85, "foundation": 0.7, "joint_venture": 0.5}
FOUNDERS = 2  # an alliance starts from two founding organizations
# An alliance is a relationship between organizations: it needs at least two partners.
FEWEST_PARTNERS = 2
# A renewal after the ambition was reached needs a majority of partners for a new round.
MAJORITY = 0.5
AMBITION_REACHED = "ambition reached"


def _column_means(matrix: np.ndarray) -> np.ndarray:
    """``matrix.mean(axis=0)``: the same sums and division, without numpy's Python-level
    wrapper (which also warns on no rows, kept for that case)."""
    rows = len(matrix)
    return np.add.reduce(matrix, axis=0) / rows if rows else matrix.mean(axis=0)


def openness_factor(openness: np.ndarray | float) -> np.ndarray | float:
    """1 at average openness (0.5), from 0.5 (closed) to 1.5 (fully open)."""
    return 0.5 + openness


# --- forming -----------------------------------------------------------------------------
def partner_fit(model: AllianceModel, rows: np.ndarray) -> np.ndarray:
    """Fit of candidates: goal complementarity with the ambition, cultural proximity, repute."""
    pool, s, p = model.pool, model.state, model.params
    ambition = _column_means(s.ambition)
    goal_fit = 1.0 - total_variation(pool.goals[rows], ambition)
    distance = _distance_to_members(model, rows)
    proximity = np.exp(-p.proximity_decay * distance)
    repute = 1.0 - p.fit_goal_weight - p.fit_culture_weight
    return (p.fit_goal_weight * goal_fit + p.fit_culture_weight * proximity
            + repute * pool.reputation[rows])


def _distance_to_members(model: AllianceModel, rows: np.ndarray) -> np.ndarray:
    """Kogut-Singh between candidates and the members' mean culture (each dimension over
    the members scored on it, when countries lack scores)."""
    pool, s = model.pool, model.state
    if pool.complete:
        centre = _column_means(s.culture)[None, :]
        return kogut_singh_matrix(pool.culture[rows], centre, REFERENCE_VARIANCES)[:, 0]
    scored = ~np.isnan(s.culture)
    counts = scored.sum(axis=0)
    totals = np.where(scored, s.culture, 0.0).sum(axis=0)
    centre = np.where(counts > 0, totals / np.maximum(counts, 1), np.nan)[None, :]
    return partial_kogut_singh(pool.culture[rows], centre, REFERENCE_VARIANCES)[0][:, 0]


def invite_partners(model: AllianceModel, seats: int) -> None:
    """Search: screen candidates (more of them when the search is done well), invite the
    best fitting; some decline."""
    pool, p = model.pool, model.params
    open_rows = np.flatnonzero(pool.available)
    if seats <= 0 or len(open_rows) == 0:
        return
    search = model.management.work(p.effort_search * seats * (1.0 + p.search_breadth))
    screened = max(seats, round(seats * (1.0 + p.search_breadth * search.quality)))
    rng = model.recruitment_rng
    sample = open_rows[rng.permutation(len(open_rows))[:screened]]
    fit = model.partner_fit(sample)
    order = np.argsort(-fit, kind="stable")[:seats]
    chosen, fit = sample[order], fit[order]
    pool.available[chosen] = False
    accept = rng.random(len(chosen)) < (
        p.acceptance_base + p.acceptance_fit_weight * fit * openness_factor(pool.openness[chosen]))
    model.partner_fits.extend(fit[accept].tolist())
    if model.record_events:
        for row in chosen[~accept]:
            model.log(Event(model.month, "declined", model.phase, actors=(pool.names[row],),
                            detail=SECTOR_LABELS[SECTORS[pool.sector[row]]],
                            country=pool.country_name(row)))
    model.add_members(chosen[accept])


def forming(model: AllianceModel) -> None:
    """Search for partners and develop the shared dream."""
    p = model.params
    per_month = max(1, round(p.search_intensity * p.n_members))
    invite_partners(model, min(per_month, p.n_members - model.state.size))
    model.develop_ambition(p.influence_rate)


def ready_to_found(model: AllianceModel) -> bool:
    """Enough members share a sufficiently aligned ambition."""
    p = model.params
    quorum = max(FEWEST_PARTNERS, int(np.ceil(p.founding_quorum * p.n_members)))
    return model.state.size >= quorum and model.alignment() >= p.alignment_required


def pooled_ambition(model: AllianceModel) -> float:
    """The objectives the members pool: ``ambition_months`` of their mean expected monthly
    value."""
    s = model.state
    return model.params.ambition_months * s.mean(s.expectations)


def viable(model: AllianceModel, rows: np.ndarray | None = None) -> bool:
    """Whether the members (or those in ``rows``) can still pursue the pooled ambition: at
    least two partners, bringing at least ``viability_share`` of the resources the founders
    pooled (their resources before any shock)."""
    needed = model.params.viability_share * model.alliance.pooled_resources
    if rows is None:  # the members' pooled resources, summed when membership changed
        s = model.state
        return s.size >= FEWEST_PARTNERS and s.base_resources_total >= needed
    base = model.state.base_resources[rows]
    if len(base) < FEWEST_PARTNERS:
        return False
    # np.add.reduce: ndarray.sum's reduction, without its Python-level wrapper.
    return float(np.add.reduce(base)) >= needed


# --- founding ----------------------------------------------------------------------------
def founding(model: AllianceModel) -> None:
    """Negotiate governance and legal form: faster with trust and skilled negotiation work,
    slower with cultural distance."""
    p = model.params
    work = model.management.work(p.effort_negotiation)
    progress = (p.founding_speed * model.trust_mean() * (p.negotiation_unaided + work.quality)
                / (1.0 + p.negotiation_distance_weight * model.cultural_distance()))
    model.alliance.negotiate(progress, work.quality)
    model.develop_ambition(p.influence_rate * p.founding_influence_share)


def choose_legal_form(model: AllianceModel) -> str:
    """The legal construction, from the alliance's size and sectors."""
    p, n = model.params, len(model.state)
    sectors = {m.sector for m in model.members}
    if sectors == {"business"} and n < p.contract_max_members:
        return "joint_venture"
    if n <= p.contract_max_members:
        return "contract"
    if sectors & {"ngo", "government"} and model.rng.random() < p.foundation_share:
        return "foundation"
    return "association"


def governance_form(model: AllianceModel, fitting: str, quality: float) -> str:
    """The governance form chosen: the ``fitting`` one more often when the deliberation
    was skilled and given time (``quality``), else one drawn at random."""
    p = model.params
    if model.rng.random() < p.governance_insight + (1.0 - p.governance_insight) * quality:
        return fitting
    return GOVERNANCE_FORMS[int(model.rng.integers(len(GOVERNANCE_FORMS)))]


def choose_governance(model: AllianceModel, quality: float) -> None:
    """Pick a governance form (the model's ``choose_governance_form``) and a legal form
    (its ``choose_legal_form``), and set them."""
    p, n, trust = model.params, len(model.state), model.trust_mean()
    fitting = fitting_governance(n, trust, p.shared_max_members, p.shared_min_trust,
                                 p.lead_max_members)
    form = model.choose_governance_form(fitting, quality)
    if form not in GOVERNANCE_FORMS:
        raise ValueError(f"choose_governance_form returned {form!r}; allowed: "
                         f"{', '.join(GOVERNANCE_FORMS)}")
    legal = model.choose_legal_form()
    if legal not in LEGAL_BARRIER:
        raise ValueError(f"choose_legal_form returned {legal!r}; allowed: "
                         f"{', '.join(LEGAL_BARRIER)}")
    fit = governance_fit(form, fitting)
    barrier = 1.0 - p.legal_barrier_weight * (1.0 - LEGAL_BARRIER[legal])
    model.alliance.set_governance(form, legal, fit, barrier)
    model.log(Event(model.month, "governance", model.phase, outcome=form,
                    detail=f"{form.replace('_', ' ')} governance as {_article(legal)} "
                    f"{legal.replace('_', ' ')} (fit {fit:.1f})"))


# --- evolving ----------------------------------------------------------------------------
def create_value(model: AllianceModel) -> None:
    """Joint work turns committed resources into value; management time is paid from it."""
    s, p, a = model.state, model.params, model.alliance
    gross = (
        s.mean(s.resources * s.commitment)
        * model.alignment()
        * (1.0 - p.fit_value_weight * (1.0 - a.fit))
        * (1.0 + p.learning_value_weight * a.learning_environment)
        * (1.0 - p.stagnation_value_loss * a.stagnating)
        * (1.0 - p.coordination_value_weight * (1.0 - a.upkeep))
    )
    capacity = s.size * p.member_time
    cost_share = p.management_price * model.management.paid_fte / capacity if capacity else 0.0
    a.add_value(gross, cost_share)


def returns_per_member(model: AllianceModel, value_per_month: float) -> np.ndarray:
    """Value each member gets from ``value_per_month``: less the further its goals lie from
    the shared ambition."""
    s = model.state
    return value_per_month * (1.0 - total_variation(s.goals, _column_means(s.ambition)))


def assess_relationships(model: AllianceModel) -> None:
    """Members weigh efficiency and equity (Ring & Van de Ven 1994) and update commitment;
    a well-run assessment also realigns ambitions and expectations."""
    s, p, a = model.state, model.params, model.alliance
    work = model.management.work(p.effort_assessment * len(s))
    returns = returns_per_member(model, a.close_assessment() / p.assessment_interval)
    efficiency = returns / s.expectations
    equity = (np.add.reduce(s.trust, axis=1) - 1.0) / max(len(s) - 1, 1)
    satisfaction = (p.efficiency_weight * np.tanh(efficiency - 1.0)
                    + p.equity_weight * (2.0 * equity - 1.0)
                    + p.identity_weight * (a.identity - p.identity_neutral))
    noise = model.rng.normal(0.0, p.assessment_noise, len(s))
    s.shift_commitment(p.commitment_sensitivity * satisfaction + noise)
    adapt = p.expectation_adaptation * work.quality
    s.expectations[:] = np.maximum(s.expectations + adapt * (returns - s.expectations),
                                   MIN_EXPECTATION)
    # Assessments are also when partners revisit the shared ambition together.
    model.develop_ambition(p.influence_rate * (1.0 + p.assessment_alignment * work.quality))


# Expectations stay positive so that efficiency (value against expectation) stays finite.
MIN_EXPECTATION = 0.01


def evolving(model: AllianceModel) -> None:
    """Periodic assessment and occasional newcomers (joint work is valued at month end)."""
    if model.alliance.months_in_phase % model.params.assessment_interval == 0:
        assess_relationships(model)
    if model.recruitment_rng.random() < model.params.entry_rate:
        invite_partners(model, 1)


def transformation_reason(model: AllianceModel) -> str | None:
    """Why an evolving alliance must re-evaluate itself now, if it must."""
    p, a = model.params, model.alliance
    if a.value_total >= a.ambition_target:
        return AMBITION_REACHED
    if a.major_shock:
        return "major shock"
    if a.stagnation_months >= p.stagnation_limit:
        return "prolonged stagnation"
    if a.tension >= p.tension_limit:
        return "unresolved tension"
    return None


# --- transforming ------------------------------------------------------------------------
def transforming(model: AllianceModel) -> None:
    """Re-evaluate and readjust (Doz 1996): when the re-evaluation is done, every partner
    weighs what the alliance delivered and still promises, and decides whether to go on."""
    if model.alliance.months_in_phase >= model.params.transform_months:
        model.alliance.decide(*reevaluate(model))


def reevaluation_scores(model: AllianceModel) -> np.ndarray:
    """Each partner's judgement of the alliance, in about [0, 1]: its commitment and, with
    weight ``reevaluation_weight``, what the round delivered against its expectations and
    whether the rest of the ambition is within reach."""
    s, p, a = model.state, model.params, model.alliance
    rate = a.value_since_renewal / max(a.months_since_renewal, 1)
    delivered = 0.5 * (1.0 + np.tanh(returns_per_member(model, rate) / s.expectations - 1.0))
    reached = a.transform_reason == AMBITION_REACHED
    remaining = pooled_ambition(model) if reached else a.ambition_target - a.value_total
    promise = min(1.0, rate * p.promise_months / remaining) if remaining > 0 else 1.0
    judgement = 0.5 * (delivered + promise)
    noise = model.rng.normal(0.0, p.reevaluation_noise, len(s))
    return (1.0 - p.reevaluation_weight) * s.commitment + p.reevaluation_weight * judgement \
        + noise


def reevaluate(model: AllianceModel) -> tuple[str, str]:
    """The partners' re-evaluation: renewed (leavers go), completed or dissolved."""
    s, p, a = model.state, model.params, model.alliance
    work = model.management.work(p.effort_renewal * len(s))
    stay = reevaluation_scores(model) >= p.stay_threshold
    reason = a.transform_reason
    if reason == AMBITION_REACHED:
        stay &= model.rng.random(len(s)) < p.renewal_propensity
        stay = model.members_stay(stay)
        go_on = viable(model, stay) and stay.mean() > MAJORITY
        decision = (EVOLVING, "renewed with a new ambition") if go_on else (
            COMPLETED, "ambition fulfilled, ended as planned")
    else:
        stay = model.members_stay(stay)
        go_on = viable(model, stay)
        decision = (EVOLVING, f"renewed after {reason}") if go_on else (
            DISSOLVED, f"could not recover from {reason}")
    model.log(Event(model.month, "reevaluation", model.phase, outcome=decision[0],
                    detail=f"{int(stay.sum())} of {len(s)} partners chose to go on"))
    if go_on:
        leavers = [m for m, keep in zip(model.members, stay, strict=True) if not keep]
        for member in leavers:
            model.remove_member(member, "left at the re-evaluation")
        s.shift_commitment(p.renewal_facilitation * work.quality)
        model.renewal_commitments.append(s.mean(s.commitment))
        model.develop_ambition(p.influence_rate * (1.0 + p.assessment_alignment * work.quality))
        a.note_facilitation(work.quality)
    return decision


def renew(model: AllianceModel) -> None:
    """Renewal: a new round with a revisited ambition, new partners, refitted governance and
    old tension partly cleared."""
    p, a = model.params, model.alliance
    if a.transform_reason == AMBITION_REACHED:
        a.raise_ambition(pooled_ambition(model))
    a.start_round()
    invite_partners(model, p.n_members - len(model.state))
    choose_governance(model, a.renewal_quality)
    a.scale_tension(1.0 - p.renewal_tension_relief)
    a.end_stagnation()
    a.clear_open_issues()


# --- transitions -------------------------------------------------------------------------
def next_phase(model: AllianceModel) -> tuple[str, str] | None:
    """The transition due this month, as (new phase, reason), or None to stay."""
    p, a = model.params, model.alliance
    phase = a.phase
    if phase != FORMING and not viable(model):
        return DISSOLVED, "too few partners left to pursue the ambition"
    if phase == FORMING:
        if ready_to_found(model):
            return FOUNDING, "a shared ambition took shape"
        if a.months_in_phase >= p.forming_max_months:
            return DISSOLVED, "forming dragged on without a shared ambition"
    elif phase == FOUNDING:
        if a.founding_progress >= 1.0:
            return EVOLVING, "governance agreed"
        if a.months_in_phase >= p.founding_max_months:
            return DISSOLVED, "negotiations on governance failed"
    elif phase == EVOLVING:
        reason = transformation_reason(model)
        if reason:
            return TRANSFORMING, reason
    elif phase == TRANSFORMING:
        return a.decision
    return None


def enter(model: AllianceModel, phase: str, reason: str) -> None:
    """Carry out a transition (checked against :data:`ALLOWED_TRANSITIONS`)."""
    previous = model.alliance.phase
    if phase not in ALLOWED_TRANSITIONS[previous]:
        raise RuntimeError(f"illegal transition {previous} -> {phase}")
    if phase == FOUNDING:
        model.alliance.pool_ambition(pooled_ambition(model),
                                     float(model.state.base_resources.sum()))
    if phase == EVOLVING and previous == FOUNDING:
        choose_governance(model, model.alliance.negotiation_quality)
    if phase == EVOLVING and previous == TRANSFORMING:
        renew(model)
    if phase == TRANSFORMING:
        model.alliance.begin_transformation(reason)
    model.set_phase(phase, reason)


def _article(word: str) -> str:
    return "an" if word[0] in "aeiou" else "a"
