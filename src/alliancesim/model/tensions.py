"""Alliance-level tensions: paradoxes, stagnation and external shocks."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from alliancesim.model.events import PARADOX_TENSIONS, Event

if TYPE_CHECKING:
    from alliancesim.model.model import AllianceModel

TENSIONS = tuple(PARADOX_TENSIONS)
# A Kogut-Singh distance of 2 (about the distance between two countries drawn at random from
# Hofstede's matrix, whose mean pairwise index is close to 2) counts as one unit of
# plurality, as does a full spread over the four sectors.
PLURAL_DISTANCE = 2.0
SHOCK_KINDS = ("funding cut", "market downturn", "policy change", "public scandal")


# --- paradoxes ---------------------------------------------------------------------------
def _salience_conditions(model: AllianceModel) -> dict[str, float]:
    """The conditions that make paradoxes salient at all (Smith & Lewis 2011): plurality,
    change and scarcity."""
    p, a = model.params, model.alliance
    return {
        "plurality": model.cultural_distance() / PLURAL_DISTANCE + model.sector_diversity(),
        "change": 1.0 if model.month - a.last_change <= p.change_salience_months else 0.0,
        "scarcity": p.scarcity_conflict_weight * (p.resource_scarcity + a.scarcity_shock),
    }


def _conditions(model: AllianceModel, salience: dict[str, float]) -> dict[str, float]:
    """All conditions that decide which tension and category a paradox takes, about 0-1."""
    a, s = model.alliance, model.state
    expected = s.mean(s.expectations)
    return {
        **salience,
        "divergence": 1.0 - model.alignment(),
        "shortfall": max(0.0, 1.0 - a.value_now / expected) if expected > 0 else 0.0,
        "misfit": 1.0 - a.fit,
        "detachment": 1.0 - a.identity,
        "inexperience": 1.0 - a.learning_environment,
    }


# Which conditions make each Das & Teng (2000) tension, and each Smith & Lewis (2011)
# category, salient: competitors with diverging goals under scarcity feel cooperation versus
# competition; change and misfit strain rigidity versus flexibility; shortfalls and scarcity
# pit quick results against the long term. Performing paradoxes grow from plural goals and
# unmet outcomes, organizing ones from structures that do not fit a changing alliance,
# belonging ones from plural identities with little shared identity, learning ones from
# change met with little experience.
TENSION_DRIVERS = {
    "cooperation_vs_competition": ("divergence", "scarcity"),
    "rigidity_vs_flexibility": ("change", "misfit"),
    "short_vs_long_term": ("shortfall", "scarcity"),
}
CATEGORY_DRIVERS = {
    "performing": ("divergence", "shortfall"),
    "organizing": ("misfit", "change"),
    "belonging": ("detachment", "plurality"),
    "learning": ("change", "inexperience"),
}


def paradox_rate(model: AllianceModel, conditions: dict[str, float]) -> float:
    """Monthly paradox rate: salient with plurality, change and scarcity (Smith & Lewis)."""
    return (model.params.paradox_rate * (1.0 + conditions["plurality"])
            * (1.0 + conditions["change"]) * (1.0 + conditions["scarcity"]))


def _salience(drivers: tuple[str, ...], conditions: dict[str, float]) -> float:
    return 1.0 + sum(conditions[d] for d in drivers)


def draw_paradox(model: AllianceModel, conditions: dict[str, float]) -> tuple[str, str, float]:
    """Which tension arises, as which category, and how intense it is (1 = average).

    A tension is drawn in proportion to how salient its drivers make it; its intensity is
    its salience relative to the mean of the three; the category is drawn from the two the
    tension can take, in proportion to their salience.
    """
    salience = [_salience(TENSION_DRIVERS[t], conditions) for t in TENSIONS]
    k = _draw(model, salience)
    tension = TENSIONS[k]
    options = PARADOX_TENSIONS[tension]
    category = options[_draw(model, [_salience(CATEGORY_DRIVERS[c], conditions)
                                     for c in options])]
    return tension, category, salience[k] * len(salience) / sum(salience)


def _draw(model: AllianceModel, weights: list[float]) -> int:
    """An index drawn in proportion to ``weights``."""
    u = model.rng.random() * sum(weights)
    for k, weight in enumerate(weights):
        u -= weight
        if u < 0.0:
            return k
    return len(weights) - 1


# How an alliance can respond to a paradox.
PARADOX_RESPONSES = ("both_and", "either_or", "suppressed")
_RESPONSE_SET = frozenset(PARADOX_RESPONSES)


def respond_to_paradox(model: AllianceModel, work_quality: float) -> str:
    """Both/and needs the work of skilled people with time, experience and openness;
    otherwise the alliance chooses a pole, or suppresses the tension (more readily when
    its shared identity is weak)."""
    p, s, a = model.params, model.state, model.alliance
    both_and = (p.paradox_skill_weight * work_quality
                + p.paradox_learning_weight * a.learning_environment
                + p.paradox_openness_weight * s.mean(s.openness))
    u = model.rng.random()
    if u < both_and:
        return "both_and"
    if u < both_and + (1.0 - both_and) * p.suppression_share * (1.0 - a.identity):
        return "suppressed"
    return "either_or"


def touch_category(model: AllianceModel, category: str, amount: float) -> None:
    """Strengthen (amount > 0) or weaken the state a paradox category is about.

    Performing: members' commitment to the joint outcomes; organizing: the fit of the
    governance; belonging: the collective identity; learning: the shared experience (by a
    share of itself).
    """
    a, s = model.alliance, model.state
    if category == "performing":
        s.shift_commitment(amount)
    elif category == "organizing":
        a.change_fit(amount)
    elif category == "belonging":
        a.change_identity(amount)
    else:
        a.scale_experience(1.0 + amount)


def apply_response(model: AllianceModel, category: str, response: str,
                   intensity: float) -> None:
    """What the response does: relief and growth, or tension now and damage later."""
    p, a = model.params, model.alliance
    effect = p.paradox_effect * intensity
    if response == "both_and":
        a.add_tension(-p.paradox_relief * intensity)
        a.add_experience(intensity)
        a.change_identity(effect)
        touch_category(model, category, effect)
    elif response == "either_or":
        a.add_tension(p.paradox_either_or_tension * intensity)
        touch_category(model, category, -effect)
    else:
        a.suppress()
        a.add_tension(p.paradox_suppressed_tension * intensity)


def run_paradoxes(model: AllianceModel) -> None:
    """Draw this month's paradox events and apply the alliance's response."""
    salience = _salience_conditions(model)
    count = int(model.rng.poisson(paradox_rate(model, salience)))
    if count == 0:
        return
    conditions = _conditions(model, salience)
    for _ in range(count):
        tension, category, intensity = draw_paradox(model, conditions)
        help_ = model.management.work(model.params.effort_paradox * intensity, bridging=True)
        response = model.respond_to_paradox(tension, category, intensity, help_)
        if response not in _RESPONSE_SET:
            raise ValueError(f"respond_to_paradox returned {response!r}; allowed: "
                             f"{', '.join(PARADOX_RESPONSES)}")
        apply_response(model, category, response, intensity)
        model.count_paradox(category, response)
        if model.record_events:
            model.log(Event(model.month, "paradox", model.phase, tension=tension,
                            category=category, response=response, severity=intensity))


# --- stagnation --------------------------------------------------------------------------
def stagnation_pressure(model: AllianceModel) -> bool:
    """Progress stalls: value falls well short of expectations or latent issues pile up."""
    p, a, s = model.params, model.alliance, model.state
    latent = a.latent_open * model.pair_weight() + a.suppressed_open
    if latent >= p.stagnation_latent_limit:
        return True
    return a.value_now < p.stagnation_value_share * s.mean(s.expectations)


def run_stagnation(model: AllianceModel) -> None:
    """Stagnation is overcome only if someone spots and discusses it; else commitment decays."""
    p, a, s = model.params, model.alliance, model.state
    if not a.stagnating:
        if not stagnation_pressure(model):
            return
        a.start_stagnation()
    help_ = model.management.work(p.effort_stagnation)
    learning = 1.0 - p.stagnation_learning_weight + p.stagnation_learning_weight \
        * a.learning_environment
    drawn = model.rng.random() < p.stagnation_discussion * help_.quality * learning
    if model.discusses_stagnation(drawn):
        a.end_stagnation()
        a.clear_open_issues()
        a.add_tension(-p.stagnation_relief)
        a.add_experience(1.0)
        s.shift_commitment(p.stagnation_recommitment)
        model.log(Event(model.month, "stagnation", model.phase, outcome="discussed",
                        detail="it was spotted and discussed, open issues were put on the "
                               "table and work picked up again"))
        return
    a.stagnate_another_month()
    s.shift_commitment(-p.stagnation_commitment_loss)
    if a.stagnation_months == 1:
        model.log(Event(model.month, "stagnation", model.phase, outcome="undiscussed",
                        detail="nobody put it on the table, and commitment is eroding"))


# --- shocks ------------------------------------------------------------------------------
def run_shocks(model: AllianceModel) -> None:
    """External shocks: resources shrink, scarcity and tension rise; big ones force change."""
    p, s = model.params, model.state
    model.alliance.recover_scarcity(p.scarcity_recovery)
    if s.resources_short:
        s.recover_resources(p.resource_recovery)
    rng = model.shock_rng
    for _ in range(int(rng.poisson(p.shock_rate))):
        severity = float(np.clip(rng.normal(p.shock_severity, p.shock_severity_sd),
                                 SHOCK_SEVERITY_RANGE[0], SHOCK_SEVERITY_RANGE[1]))
        apply_shock(model, severity, "external")


# A shock is at least felt and at most total.
SHOCK_SEVERITY_RANGE = (0.05, 1.0)


def apply_shock(model: AllianceModel, severity: float, source: str) -> None:
    """Apply one shock of the given severity (also used by scenario interventions)."""
    p, s = model.params, model.state
    s.lose_resources(p.shock_resource_loss * severity)
    major = severity >= p.major_shock_severity
    model.alliance.hit_by_shock(model.month, severity, p.shock_tension * severity, major)
    kind = SHOCK_KINDS[int(model.shock_rng.integers(len(SHOCK_KINDS)))]
    model.month_counts["shocks"] += 1
    model.totals["shocks"] += 1
    model.log(Event(model.month, "shock", model.phase, severity=severity,
                    detail=f"{kind}, {source}", outcome="major" if major else "minor"))
