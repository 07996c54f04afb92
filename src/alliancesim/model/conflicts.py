"""Pairwise conflicts: how often they arise, how members respond, how they end.

Rate: each pair's monthly hazard rises with cultural distance (Kogut-Singh), goal divergence,
low mutual trust, resource scarcity, accumulated tension and governance misfit. The number
of conflicts in a month is Poisson with the summed hazard; the pairs are drawn in proportion
to their hazard. Mediation is management work: its effect is the skill and time of whoever
did it (see :mod:`alliancesim.model.management`).
"""

from __future__ import annotations

from bisect import bisect_right
from typing import TYPE_CHECKING

import numpy as np

from alliancesim.model.events import CONFLICT_TOPICS, Event
from alliancesim.model.management import WorkDone
from alliancesim.model.mechanisms import update_trust

if TYPE_CHECKING:
    from alliancesim.model.model import AllianceModel

# How well each Thomas-Kilmann style tends to resolve a conflict on its own: integrating
# (collaborating) best, distributive (competing) and avoiding worst. Source: the ordering of
# De Dreu, Evers, Beersma, Kluwer & Nauta (2001) and Thomas (1992); the values are assumed.
STYLE_QUALITY = {
    "collaborating": 0.8,
    "compromising": 0.55,
    "accommodating": 0.5,
    "avoiding": 0.2,
    "competing": 0.15,
}
# Styles that let a conflict go underground rather than escalate (Thomas 1992).
YIELDING_STYLES = frozenset({"avoiding", "accommodating"})


def alliance_drivers(model: AllianceModel) -> dict[str, float]:
    """The alliance-wide multipliers of every pair's conflict hazard."""
    p, a = model.params, model.alliance
    return {
        "scarcity": p.scarcity_conflict_weight * (p.resource_scarcity + a.scarcity_shock),
        "tension": p.tension_conflict_weight * a.tension,
        "misfit": p.misfit_conflict_weight * (1.0 - a.fit),
    }


def _scale(model: AllianceModel, drivers: dict[str, float]) -> float:
    """The alliance-wide factor of every pair's hazard (split over (i, j) and (j, i))."""
    scale = 0.5 * model.params.conflict_rate / max(model.state.size - 1, 1)
    for value in drivers.values():
        scale *= 1.0 + value
    return scale


def pair_hazards(model: AllianceModel, drivers: dict[str, float] | None = None) -> np.ndarray:
    """Monthly conflict hazard of every member pair, as a symmetric matrix.

    Each unordered pair appears twice, so the pair's hazard is split over (i, j) and (j, i);
    the diagonal is zero.
    """
    s, p = model.state, model.params
    scale = _scale(model, alliance_drivers(model) if drivers is None else drivers)
    distrust = 1.0 - 0.5 * (s.trust + s.trust.T)
    static = s.pair_proneness(p.culture_conflict_weight)
    return scale * static * (1.0 + p.distrust_conflict_weight * distrust)


def total_hazard(model: AllianceModel, drivers: dict[str, float]) -> float:
    """The sum of :func:`pair_hazards` without building the matrix.

    The pair proneness is symmetric, so summing it against mean mutual trust equals summing
    it against directed trust: one dot product instead of the matrix.
    """
    s, p = model.state, model.params
    static = s.pair_proneness(p.culture_conflict_weight)
    weight = p.distrust_conflict_weight
    total = (1.0 + weight) * s.pair_proneness_sum - weight * float(np.vdot(static, s.trust))
    return _scale(model, drivers) * total


def draw_pair(model: AllianceModel) -> tuple[int, int]:
    """A pair drawn in proportion to its hazard (:func:`pair_hazards`).

    By thinning: a candidate is drawn in proportion to its proneness (cached), and kept with
    chance (1 + w * distrust) / (1 + w), the share of its hazard that trust leaves.
    """
    i, j, _ = _draw_pair(model)
    return i, j


def _draw_pair(model: AllianceModel) -> tuple[int, int, float]:
    """:func:`draw_pair`, with the pair's summed directed trust (read on the way)."""
    s, p = model.state, model.params
    cumulative = s.pair_proneness_cumulative(p.culture_conflict_weight)
    weight = p.distrust_conflict_weight
    n, total, trust = s.size, cumulative[-1], s.trust
    # Bound methods and plain floats: this loop runs for every conflict.
    random, keep = model.rng.random, 1.0 + weight
    while True:
        i, j = divmod(bisect_right(cumulative, random() * total), n)
        mutual = trust.item(i, j) + trust.item(j, i)
        if random() * keep < 1.0 + weight * (1.0 - 0.5 * mutual):
            return i, j, mutual


def _topic(model: AllianceModel, i: int, j: int, alliance: dict[str, float],
           mutual: float) -> str:
    """What the conflict is about: its largest driver (the first one on a tie); ``mutual``
    is the pair's summed directed trust."""
    s, p = model.state, model.params
    # The drivers in order, culture first; as max() compares, only a larger value takes over.
    best, largest = "culture", p.culture_conflict_weight * s.distance.item(i, j)
    goals = p.goal_conflict_weight * s.goal_gap.item(i, j)
    if goals > largest:
        best, largest = "goals", goals
    distrust = p.distrust_conflict_weight * (1.0 - 0.5 * mutual)
    if distrust > largest:
        best, largest = "trust", distrust
    for name, value in alliance.items():
        if value > largest:
            best, largest = name, value
    return CONFLICT_TOPICS[best]


# How a conflict can end.
CONFLICT_OUTCOMES = ("constructive", "compromise", "latent", "escalated")
_OUTCOME_SET = frozenset(CONFLICT_OUTCOMES)


def conflict_outcome(model: AllianceModel, i: int, j: int, styles: tuple[str, str],
                     help_: WorkDone) -> str:
    """Draw how the conflict ends, given the mediation work it received."""
    s, p = model.state, model.params
    quality = 0.5 * (STYLE_QUALITY[styles[0]] + STYLE_QUALITY[styles[1]])
    quality += (1.0 - quality) * p.mediation_strength * help_.quality
    trust = 0.5 * (s.trust.item(i, j) + s.trust.item(j, i))
    openness = 0.5 * (s.openness.item(i) + s.openness.item(j))
    quality *= 1.0 - p.trust_resolution_weight * (1.0 - trust)
    quality *= 1.0 - p.openness_resolution_weight * (1.0 - openness)
    u = model.rng.random()
    if u < p.constructive_share * quality:
        return "constructive"
    if u < quality:
        return "compromise"
    if styles[0] in YIELDING_STYLES or styles[1] in YIELDING_STYLES:
        return "latent"
    return "escalated"


_outcome = conflict_outcome  # the name it had before it was public


def _apply(model: AllianceModel, i: int, j: int, outcome: str, weight: float) -> None:
    """What the outcome does; ``weight`` is :meth:`AllianceModel.pair_weight` (a pair's
    conflict weighs on the whole alliance less the more members it has)."""
    s, p, a = model.state, model.params, model.alliance
    if outcome == "constructive":
        model.signal_pair_trust(i, j, 1.0)
        a.add_experience(1.0)
        a.change_identity(p.identity_gain_constructive * weight)
        a.add_tension(-p.tension_relief_constructive * weight)
    elif outcome == "compromise":
        model.signal_pair_trust(i, j, p.compromise_signal)
        a.add_experience(p.compromise_signal)
        a.add_tension(-p.tension_relief_compromise * weight)
    elif outcome == "latent":
        a.leave_latent()
        a.add_tension(p.tension_latent * weight)
    else:
        model.signal_pair_trust(i, j, -1.0)
        s.shift_commitment(-p.escalation_commitment_loss, [i, j])
        # Escalation spills over: bystanders trust both parties a little less. A negative
        # signal scales trust down (update_trust), so each party's column is scaled, and
        # the parties' own entries are put back.
        if p.spillover_signal > 0.0:
            kept = float(update_trust(1.0, -p.spillover_signal * weight, p.trust_gain,
                                      p.trust_loss_ratio))
            for k in (i, j):
                column = s.trust[:, k]
                own = column[i], column[j]
                column *= kept
                column[i], column[j] = own
        a.add_tension(p.tension_escalation * weight)
        a.change_identity(-p.identity_loss_escalation * weight)


def handler_text(model: AllianceModel, help_: WorkDone) -> str:
    """Who mediated, for the event log: whoever gave most of the time, or '' if nobody."""
    if help_.by_manager <= 0.0 and help_.by_members <= 0.0:
        return ""
    manager = model.management.manager
    if manager is not None and help_.by_manager >= max(help_.by_parties, help_.by_others):
        return f"the alliance manager {manager.name}"
    if help_.lead >= 0 and help_.led_by_third_party:
        return f"a third partner, {model.members[help_.lead].name}"
    return "the two partners themselves"


def run_conflicts(model: AllianceModel) -> None:
    """Draw this month's conflicts, let the parties respond, mediate and apply outcomes."""
    s = model.state
    n = s.size
    if n < 2:
        return
    drivers = alliance_drivers(model)
    total = total_hazard(model, drivers)
    rng = model.rng
    count = int(rng.poisson(total)) if total > 0 else 0
    # A month is the model's time scale: at most one new conflict per pair and month, so
    # that extreme drivers saturate instead of flooding the alliance with conflicts.
    count = min(count, n * (n - 1) // 2)
    if count == 0:
        return
    members, trust = model.members, s.trust
    weight = model.pair_weight()  # membership does not change while conflicts play out
    for _ in range(count):
        i, j, mutual = _draw_pair(model)
        a, b = members[i], members[j]
        # What it is about is read before the hooks act, though only the event log keeps it.
        topic = _topic(model, i, j, drivers, mutual) if model.record_events else ""
        first, second, third, fourth = rng.standard_normal(4).tolist()
        styles = (a.choose_conflict_mode(b, (first, second)),
                  b.choose_conflict_mode(a, (third, fourth)))
        help_ = model.mediate_conflict(i, j, styles)
        if help_.led_by_third_party:
            model.totals["third_party_mediations"] += 1
        outcome = model.conflict_outcome(i, j, styles, help_)
        if outcome not in _OUTCOME_SET:
            raise ValueError(f"conflict_outcome returned {outcome!r}; allowed: "
                             f"{', '.join(CONFLICT_OUTCOMES)}")
        before = trust.item(i, j) + trust.item(j, i)  # after the hooks, which may act
        _apply(model, i, j, outcome, weight)
        change = (trust.item(i, j) + trust.item(j, i) - before) / 2.0
        model.count_conflict(outcome, change)
        if model.record_events:
            model.log(Event(model.month, "conflict", model.alliance.phase,
                            actors=(a.name, b.name), topic=topic, modes=styles,
                            outcome=outcome, handler=handler_text(model, help_),
                            trust_change=change))
