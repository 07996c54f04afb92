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
    fitting_governance,
    governance_fit,
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
TRANSFORM_MONTHS = 2
LEGAL_BARRIER = {"contract": 1.0, "association": 0.85, "foundation": 0.7, "joint_venture": 0.5}
FOUNDERS = 2


# --- forming -----------------------------------------------------------------------------
def partner_fit(model: AllianceModel, rows: np.ndarray) -> np.ndarray:
    """Fit of candidates: goal complementarity with the ambition, cultural proximity, repute."""
    pool, s = model.pool, model.state
    ambition = s.ambition.mean(axis=0)
    goal_fit = 1.0 - total_variation(pool.goals[rows], ambition)
    scaled = (pool.culture[rows] - s.culture.mean(axis=0)) ** 2
    proximity = np.exp(-scaled.mean(axis=1) / 500.0)
    return 0.4 * goal_fit + 0.3 * proximity + 0.3 * pool.reputation[rows]


def invite_partners(model: AllianceModel, seats: int) -> None:
    """Invite the best-fitting of a random sample of candidates; some decline."""
    pool = model.pool
    open_rows = np.flatnonzero(pool.available)
    if seats <= 0 or len(open_rows) == 0:
        return
    sample = model.rng.choice(open_rows, size=min(len(open_rows), 3 * seats), replace=False)
    fit = partner_fit(model, sample)
    order = np.argsort(-fit, kind="stable")[:seats]
    chosen, fit = sample[order], fit[order]
    pool.available[chosen] = False
    accept = model.rng.random(len(chosen)) < 0.35 + 0.5 * fit * (0.5 + pool.openness[chosen])
    for row in chosen[~accept]:
        model.log(Event(model.month, "declined", model.phase, actors=(pool.names[row],),
                        detail=SECTOR_LABELS[SECTORS[pool.sector[row]]]))
    model.add_members(chosen[accept])


def forming(model: AllianceModel) -> None:
    """Search for partners and develop the shared dream."""
    n_target = int(model.p["n_members"])
    per_month = max(1, round(float(model.p["search_intensity"]) * n_target))
    invite_partners(model, min(per_month, n_target - len(model.state)))
    model.develop_ambition(float(model.p["influence_rate"]))


def ready_to_found(model: AllianceModel) -> bool:
    """Enough members share a sufficiently aligned ambition."""
    quorum = max(int(model.p["min_members"]), int(np.ceil(0.75 * int(model.p["n_members"]))))
    return len(model.state) >= quorum and model.alignment() >= float(
        model.p["alignment_required"])


# --- founding ----------------------------------------------------------------------------
def founding(model: AllianceModel) -> None:
    """Negotiate governance and legal form: faster with trust and skill, slower with distance."""
    s = model.state
    model.founding_progress += (
        float(model.p["founding_speed"])
        * model.trust_mean()
        * (0.5 + s.mean(s.skill))
        / (1.0 + model.cultural_distance() / 4.0)
    )
    model.develop_ambition(0.5 * float(model.p["influence_rate"]))


def choose_governance(model: AllianceModel) -> None:
    """Pick a governance form (the fitting one more often with skill) and a legal form."""
    n, trust = len(model.state), model.trust_mean()
    if model.rng.random() < 0.3 + 0.7 * model.alliance_skill():
        form = fitting_governance(n, trust)
    else:
        form = GOVERNANCE_FORMS[int(model.rng.integers(len(GOVERNANCE_FORMS)))]
    sectors = {m.sector for m in model.members}
    if sectors == {"business"} and n <= 4:
        legal = "joint_venture"
    elif n <= 5:
        legal = "contract"
    elif sectors & {"ngo", "government"} and model.rng.random() < 0.5:
        legal = "foundation"
    else:
        legal = "association"
    model.governance = form
    model.legal_form = legal
    model.governance_fit = governance_fit(form, n, trust)
    model.exit_barrier = LEGAL_BARRIER[legal]
    legal_text = legal.replace("_", " ")
    model.log(Event(model.month, "governance", model.phase, outcome=form,
                    detail=f"{form.replace('_', ' ')} governance as {_article(legal)} "
                    f"{legal_text} (fit {model.governance_fit:.1f})"))


# --- evolving ----------------------------------------------------------------------------
def create_value(model: AllianceModel) -> None:
    """Joint activities turn committed resources into value."""
    s = model.state
    model.value_now = (
        s.mean(s.resources * s.commitment)
        * model.alignment()
        * (0.6 + 0.4 * model.fit_factor())
        * (1.0 + 0.3 * model.learning_environment())
        * (0.5 if model.stagnating else 1.0)
    )
    model.value_total += model.value_now
    model.value_since_assessment += model.value_now


def assess_relationships(model: AllianceModel) -> None:
    """Members weigh efficiency and equity (Ring & Van de Ven 1994) and update commitment."""
    s = model.state
    months = int(model.p["assessment_interval"])
    recent = model.value_since_assessment / months
    model.value_since_assessment = 0.0
    ambition = s.ambition.mean(axis=0)
    returns = recent * (1.0 - total_variation(s.goals, ambition))
    efficiency = returns / s.expectations
    n = len(s)
    equity = (s.trust.sum(axis=1) - 1.0) / max(n - 1, 1)
    satisfaction = (0.6 * np.tanh(efficiency - 1.0) + 0.4 * (2.0 * equity - 1.0)
                    + 0.2 * (model.identity - 0.3))
    noise = model.rng.normal(0.0, 0.03, n)
    s.commitment[:] = np.clip(
        s.commitment + float(model.p["commitment_sensitivity"]) * satisfaction + noise, 0, 1)


def evolving(model: AllianceModel) -> None:
    """Joint work, periodic assessment and occasional newcomers."""
    create_value(model)
    if model.months_in_phase % int(model.p["assessment_interval"]) == 0:
        assess_relationships(model)
        # Assessments are also when partners revisit the shared ambition together.
        model.develop_ambition(float(model.p["influence_rate"]))
    if model.rng.random() < float(model.p["entry_rate"]):
        invite_partners(model, 1)


def transformation_reason(model: AllianceModel) -> str | None:
    """Why an evolving alliance must re-evaluate itself now, if it must."""
    if model.value_total >= model.ambition_target:
        return "ambition reached"
    if model.major_shock:
        return "major shock"
    if model.stagnation_months >= int(model.p["stagnation_limit"]):
        return "prolonged stagnation"
    if model.tension >= float(model.p["tension_limit"]):
        return "unresolved tension"
    return None


# --- transforming ------------------------------------------------------------------------
def transforming(model: AllianceModel) -> None:
    """Re-evaluate and readjust (Doz 1996): misfits leave in the first month."""
    create_value(model)
    if model.months_in_phase == 1:
        for member in list(model.members):
            if member.commitment < 0.4 and len(model.state) > 1:
                model.remove_member(member, "left during the re-evaluation")


def renewal_chance(model: AllianceModel) -> float:
    """Chance that a troubled alliance renews rather than dissolves."""
    return (model.commitment_mean() * (0.4 + 0.6 * model.alliance_skill())
            * (0.5 + 0.5 * model.identity) * 1.6)


def renew(model: AllianceModel) -> None:
    """Renewal: revisit the ambition, recruit, refit governance and clear old tension."""
    if model.transform_reason == "ambition reached":
        model.ambition_target = model.value_total + float(model.p["value_target"])
    invite_partners(model, int(model.p["n_members"]) - len(model.state))
    choose_governance(model)
    model.tension *= 0.5
    model.stagnating = False
    model.stagnation_months = 0
    model.latent_open = 0
    model.suppressed_open = 0


# --- transitions -------------------------------------------------------------------------
def next_phase(model: AllianceModel) -> tuple[str, str] | None:
    """The transition due this month, as (new phase, reason), or None to stay."""
    phase, p, n = model.phase, model.p, len(model.state)
    if phase != FORMING and n < int(p["min_members"]):
        return DISSOLVED, "too few members left"
    if phase == FORMING:
        if ready_to_found(model):
            return FOUNDING, "a shared ambition took shape"
        if model.months_in_phase >= int(p["forming_max_months"]):
            return DISSOLVED, "forming dragged on without a shared ambition"
    elif phase == FOUNDING:
        if model.founding_progress >= 1.0:
            return EVOLVING, "governance agreed"
        if model.months_in_phase >= int(p["founding_max_months"]):
            return DISSOLVED, "negotiations on governance failed"
    elif phase == EVOLVING:
        reason = transformation_reason(model)
        if reason:
            return TRANSFORMING, reason
    elif phase == TRANSFORMING and model.months_in_phase >= TRANSFORM_MONTHS:
        return decide_transformation(model)
    return None


def decide_transformation(model: AllianceModel) -> tuple[str, str]:
    """Renewed, completed or dissolved at the end of a transformation."""
    if model.transform_reason == "ambition reached":
        if model.rng.random() < float(model.p["renewal_propensity"]):
            return EVOLVING, "renewed with a new ambition"
        return COMPLETED, "ambition fulfilled, ended as planned"
    if model.rng.random() < renewal_chance(model):
        return EVOLVING, f"renewed after {model.transform_reason}"
    return DISSOLVED, f"could not recover from {model.transform_reason}"


def enter(model: AllianceModel, phase: str, reason: str) -> None:
    """Carry out a transition (checked against :data:`ALLOWED_TRANSITIONS`)."""
    if phase not in ALLOWED_TRANSITIONS[model.phase]:
        raise RuntimeError(f"illegal transition {model.phase} -> {phase}")
    previous = model.phase
    if phase == EVOLVING and previous == FOUNDING:
        choose_governance(model)
    if phase == EVOLVING and previous == TRANSFORMING:
        renew(model)
    if phase == TRANSFORMING:
        model.transform_reason = reason
        model.major_shock = False
    model.set_phase(phase, reason)


def _article(word: str) -> str:
    return "an" if word[0] in "aeiou" else "a"
