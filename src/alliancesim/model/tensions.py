"""Alliance-level tensions: paradoxes, stagnation and external shocks."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from alliancesim.model.events import PARADOX_TENSIONS, Event

if TYPE_CHECKING:
    from alliancesim.model.model import AllianceModel

TENSIONS = tuple(PARADOX_TENSIONS)


def paradox_rate(model: AllianceModel) -> float:
    """Monthly paradox rate: salient with plurality, change and scarcity (Smith & Lewis 2011)."""
    plurality = model.cultural_distance() / 2.0 + model.sector_diversity()
    change = 1.0 if model.month - model.last_change <= 3 else 0.0
    scarcity = float(model.p["resource_scarcity"]) + model.scarcity_shock
    return float(model.p["paradox_rate"]) * (1.0 + plurality) * (1.0 + change) * (1.0 + scarcity)


def respond_to_paradox(model: AllianceModel, skill: float) -> str:
    """Both/and needs skill, experience and openness; otherwise choose a pole or suppress."""
    s = model.state
    both_and = 0.5 * skill + 0.3 * model.learning_environment() + 0.2 * s.mean(s.openness)
    u = model.rng.random()
    if u < both_and:
        return "both_and"
    if u < both_and + (1.0 - both_and) * 0.5 * (1.0 - model.identity):
        return "suppressed"
    return "either_or"


def run_paradoxes(model: AllianceModel) -> None:
    """Draw this month's paradox events and apply the alliance's response."""
    count = int(model.rng.poisson(paradox_rate(model)))
    for _ in range(count):
        tension = TENSIONS[int(model.rng.integers(len(TENSIONS)))]
        categories = PARADOX_TENSIONS[tension]
        category = categories[int(model.rng.integers(len(categories)))]
        response = respond_to_paradox(model, model.alliance_skill())
        if response == "both_and":
            model.identity = min(1.0, model.identity + 0.05)
            model.gain_experience(1.0)
            model.tension = max(0.0, model.tension - 1.0)
        elif response == "either_or":
            model.tension += 0.7
        else:
            model.suppressed_open += 1
            model.tension += 0.5
        model.count_paradox(category, response)
        model.log(Event(model.month, "paradox", model.phase, tension=tension,
                        category=category, response=response))


def stagnation_pressure(model: AllianceModel) -> bool:
    """Progress stalls: value falls well short of expectations or latent issues pile up."""
    latent = model.latent_open * model.pair_weight() + model.suppressed_open
    expected = model.state.mean(model.state.expectations)
    return latent >= 3 or model.value_now < 0.5 * expected


def run_stagnation(model: AllianceModel) -> None:
    """Stagnation is overcome only if it is identified and discussed; else commitment decays."""
    if not model.stagnating and not stagnation_pressure(model):
        return
    if not model.stagnating:
        model.stagnating = True
        model.stagnation_months = 0
    skill = model.alliance_skill()
    help_ = model.management.intervene(model.state.mean(model.state.skill))
    if help_ is not None:
        skill = max(skill, help_[0])
    p_discuss = skill * (0.4 + 0.6 * model.learning_environment())
    if model.rng.random() < p_discuss:
        model.stagnating = False
        model.stagnation_months = 0
        model.latent_open = 0
        model.suppressed_open = 0
        model.tension = max(0.0, model.tension - 1.0)
        model.gain_experience(1.0)
        model.log(Event(model.month, "stagnation", model.phase, outcome="discussed",
                        detail="it was identified and discussed, and work picked up again"))
        return
    model.stagnation_months += 1
    s = model.state
    s.commitment[:] = np.clip(s.commitment - 0.02, 0.0, 1.0)
    if model.stagnation_months == 1:
        model.log(Event(model.month, "stagnation", model.phase, outcome="undiscussed",
                        detail="nobody put it on the table, and commitment is eroding"))


def run_shocks(model: AllianceModel) -> None:
    """External shocks: resources shrink, scarcity and tension rise; big ones force change."""
    model.scarcity_shock *= 0.9
    s = model.state
    s.resources += 0.05 * (s.base_resources - s.resources)
    for _ in range(int(model.rng.poisson(float(model.p["shock_rate"])))):
        apply_shock(model, float(np.clip(model.rng.normal(float(model.p["shock_severity"]),
                                                          0.15), 0.05, 1.0)), "external")


SHOCK_KINDS = ("funding cut", "market downturn", "policy change", "public scandal")


def apply_shock(model: AllianceModel, severity: float, source: str) -> None:
    """Apply one shock of the given severity (also used by scenario interventions)."""
    s = model.state
    s.resources *= 1.0 - 0.5 * severity
    model.scarcity_shock += severity
    model.tension += 2.0 * severity
    model.last_change = model.month
    if severity >= 0.5:
        model.major_shock = True
    kind = SHOCK_KINDS[int(model.rng.integers(len(SHOCK_KINDS)))]
    model.month_counts["shocks"] += 1
    model.totals["shocks"] += 1
    model.log(Event(model.month, "shock", model.phase, severity=severity,
                    detail=f"{kind}, {source}", outcome="major" if severity >= 0.5 else "minor"))
