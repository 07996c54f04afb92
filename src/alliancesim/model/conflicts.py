"""Pairwise conflicts: how often they arise, how members respond, how they end.

Rate: each pair's monthly hazard rises with cultural distance (Kogut-Singh), goal divergence,
low mutual trust, resource scarcity and accumulated tension. The number of conflicts in a
month is Poisson with the summed hazard; the pairs are drawn in proportion to their hazard.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from alliancesim.model.events import CONFLICT_TOPICS, Event
from alliancesim.model.mechanisms import update_trust

if TYPE_CHECKING:
    from alliancesim.model.model import AllianceModel

MODE_QUALITY = {
    "collaborating": 0.8,
    "compromising": 0.55,
    "accommodating": 0.5,
    "avoiding": 0.2,
    "competing": 0.15,
}


def pair_hazards(model: AllianceModel) -> np.ndarray:
    """Monthly conflict hazard of every member pair, as a symmetric matrix.

    Each unordered pair appears twice, so the pair's hazard is split over (i, j) and (j, i);
    the diagonal is zero.
    """
    s, p = model.state, model.p
    scale = (
        0.5 * float(p["conflict_rate"]) / max(len(s) - 1, 1)
        * (1.0 + float(p["resource_scarcity"]) + model.scarcity_shock)
        * (1.0 + 0.1 * model.tension)
        * (1.5 - 0.5 * model.fit_factor())
    )
    weight = float(p["culture_conflict_weight"])
    mutual_trust = 0.5 * (s.trust + s.trust.T)
    hazard = s.conflict_proneness * (1.0 + weight * 0.5 * s.distance) * (1.5 - mutual_trust)
    return scale * hazard


def _topic(model: AllianceModel, i: int, j: int) -> str:
    s = model.state
    drivers = {
        "culture": s.distance[i, j] / 2.0,
        "goals": 2.0 * float(s.goal_gap[i, j]),
        "trust": 1.0 - 0.5 * (s.trust[i, j] + s.trust[j, i]),
        "scarcity": float(model.p["resource_scarcity"]) + model.scarcity_shock,
        "tension": 0.1 * model.tension,
    }
    return CONFLICT_TOPICS[max(drivers, key=drivers.__getitem__)]


def _outcome(model: AllianceModel, i: int, j: int, modes: tuple[str, str]) -> tuple[str, str]:
    """Draw how the conflict ends and who handled it."""
    s, rng = model.state, model.rng
    quality = 0.5 * (MODE_QUALITY[modes[0]] + MODE_QUALITY[modes[1]])
    pair_skill = 0.5 * (s.skill[i] + s.skill[j])
    help_ = model.management.intervene(pair_skill)
    if help_ is None:
        # Without support a pair relies on its own, partly practised, skill.
        skill, handler = 0.5 * pair_skill, ""
    else:
        skill, handler = help_
    quality += (1.0 - quality) * 0.8 * skill
    quality *= (0.6 + 0.4 * 0.5 * (s.trust[i, j] + s.trust[j, i]))
    quality *= (0.7 + 0.3 * 0.5 * (s.openness[i] + s.openness[j]))
    u = rng.random()
    if u < 0.6 * quality:
        outcome = "constructive"
    elif u < quality:
        outcome = "compromise"
    elif "avoiding" in modes or "accommodating" in modes:
        outcome = "latent"
    else:
        outcome = "escalated"
    return outcome, handler


def _apply(model: AllianceModel, i: int, j: int, outcome: str) -> None:
    s, p = model.state, model.p
    gain, ratio = float(p["trust_gain"]), float(p["trust_loss_ratio"])
    both = [i, j]
    # A pair's conflict weighs on the whole alliance less the more members it has.
    weight = model.pair_weight()
    if outcome == "constructive":
        model.signal_pair_trust(i, j, 1.0)
        model.gain_experience(1.0, both)
        model.identity = min(1.0, model.identity + 0.02 * weight)
        model.tension = max(0.0, model.tension - 0.5 * weight)
    elif outcome == "compromise":
        model.signal_pair_trust(i, j, 0.4)
        model.gain_experience(0.5, both)
        model.tension = max(0.0, model.tension - 0.2 * weight)
    elif outcome == "latent":
        model.latent_open += 1
        model.tension += 0.5 * weight
    else:
        model.signal_pair_trust(i, j, -1.0)
        for k in both:
            s.commitment[k] = max(0.0, s.commitment[k] - 0.05)
        # Escalation spills over: bystanders trust both parties a little less.
        bystanders = s.is_pair[i] & s.is_pair[j]
        for k in both:
            s.trust[bystanders, k] = update_trust(s.trust[bystanders, k], -0.2 * weight, gain,
                                                  ratio)
        model.tension += 1.0 * weight
        model.identity = max(0.0, model.identity - 0.03 * weight)


def run_conflicts(model: AllianceModel) -> None:
    """Draw this month's conflicts, let the parties respond and apply the outcomes."""
    s = model.state
    if len(s) < 2:
        return
    hazard = pair_hazards(model)
    total = float(hazard.sum())
    count = int(model.rng.poisson(total)) if total > 0 else 0
    if count == 0:
        return
    cumulative = np.cumsum(hazard.ravel())
    picks = np.searchsorted(cumulative, model.rng.random(count) * cumulative[-1], side="right")
    members = model.members
    for pick in picks:
        i, j = divmod(int(pick), len(s))
        a, b = members[i], members[j]
        topic = _topic(model, i, j)
        modes = (a.choose_conflict_mode(b), b.choose_conflict_mode(a))
        outcome, handler = _outcome(model, i, j, modes)
        before = s.trust[i, j] + s.trust[j, i]
        _apply(model, i, j, outcome)
        change = float(s.trust[i, j] + s.trust[j, i] - before) / 2.0
        model.count_conflict(outcome, change)
        model.log(Event(model.month, "conflict", model.phase, actors=(a.name, b.name),
                        topic=topic, modes=modes, outcome=outcome, handler=handler,
                        trust_change=change))
