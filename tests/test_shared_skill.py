"""The mechanisms of a shared skill, and the same rules for every holder of management time.

These tests assert mechanisms (what a rule does to whoever it touches) and parity (with every
asymmetry between holders switched off, a manager and the members fare alike), never which
management mode does better.
"""

from __future__ import annotations

import numpy as np
import pytest
from statsmodels.stats.weightstats import ttost_paired

from alliancesim import AllianceModel, simulate
from alliancesim.params import mechanism_off
from conftest import evolving_model


def _even(model: AllianceModel, skill: float = 0.5) -> None:
    """Every member at the same skill, knowing the alliance fully."""
    model.state.skill[:] = skill
    model.state.knowledge[:] = 1.0


def test_a_neutral_third_party_mediates_better_than_the_parties():
    discount = 0.4
    model = evolving_model(seed=2, management_mode="transversal",
                           self_mediation_discount=discount, spare_attention=0.0)
    m = model.management
    m.begin_month()
    _even(model)
    done = m.mediate(0.03, 0, 1)
    parties, others = done.by_members - done.by_others, done.by_others
    assert others > 0 and parties > 0  # everyone with budgeted time took a share
    assert done.quality == pytest.approx(0.5 * (1 - discount) * parties + 0.5 * others)
    assert done.lead not in (0, 1) and done.lead >= 0
    off = evolving_model(seed=2, management_mode="none", spare_attention=0.05,
                         self_mediation_discount=discount)
    off.management.begin_month()
    _even(off)
    alone = off.management.mediate(0.03, 0, 1)
    assert alone.by_others == 0 and alone.quality == pytest.approx(0.5 * (1 - discount))


def test_members_who_do_management_work_gain_commitment_and_openness():
    model = evolving_model(seed=3, management_mode="transversal",
                           participation_commitment=0.5, practice_openness=2.0,
                           peer_learning_rate=0.0, representative_turnover=0.0)
    m, s = model.management, model.state
    m.begin_month()
    m.work(0.2, bridging=True)
    given, bridged = m.given.copy(), m.bridged.copy()
    commitment, openness = s.commitment.copy(), s.openness.copy()
    m.end_month()
    assert np.all(given > 0)
    assert s.commitment == pytest.approx(np.clip(commitment + 0.5 * given, 0, 1))
    assert bridged == pytest.approx(given * s.partner_distance)
    assert s.openness == pytest.approx(openness + np.minimum(2.0 * bridged, 1)
                                       * (1 - openness))


def test_nothing_changes_for_members_who_did_no_work():
    model = evolving_model(seed=3, management_mode="dedicated", participation_commitment=0.5,
                           practice_openness=2.0, peer_learning_rate=3.0)
    m, s = model.management, model.state
    m.begin_month()
    m.work(0.1)  # the manager's time covers it
    before = (s.commitment.copy(), s.openness.copy(), s.skill.copy())
    m.end_month()
    assert m.member_used_now == 0
    for a, b in zip(before, (s.commitment, s.openness, s.skill), strict=True):
        assert np.array_equal(a, b)


def test_skill_spreads_from_the_more_skilled_to_the_less_among_those_who_worked():
    model = evolving_model(seed=4, management_mode="transversal", peer_learning_rate=2.0,
                           skill_learning_rate=0.0, representative_turnover=0.0)
    m, s = model.management, model.state
    s.skill[:] = np.linspace(0.1, 0.9, len(s))
    model.alliance.experience = 1e6  # a fully developed learning environment
    m.begin_month()
    m.work(0.3)
    given, before = m.given.copy(), s.skill.copy()
    level = float(given @ before) / given.sum()
    m.end_month()
    gained = s.skill - before
    low = before < level
    assert np.all(gained[low] > 0) and np.all(gained[~low] == 0)
    rate = 2.0 * model.alliance.learning_environment
    assert gained[low] == pytest.approx(np.minimum(rate * given[low], 1)
                                        * (level - before[low]))


def test_a_manager_learns_by_doing_and_forgets_toward_the_hiring_level():
    model = evolving_model(seed=5, management_mode="dedicated", skill_learning_rate=0.5,
                           manager_turnover=0.0)
    m = model.management
    manager = m.manager
    hired = manager.hired_skill
    m.begin_month()
    before = manager.skill
    done = m.work(0.2)
    assert done.by_manager == pytest.approx(1.0)
    assert manager.skill == pytest.approx(before + 0.5 * 0.2 * (1 - before))
    gained = manager.skill - hired
    assert gained > 0
    m.fade(0.1)
    assert manager.skill - hired == pytest.approx(0.9 * gained)


def test_representatives_turn_over_and_their_successors_start_afresh():
    model = evolving_model(seed=6, management_mode="transversal", representative_turnover=1.0,
                           knowledge_initial=0.2)
    s = model.state
    s.skill[:] = 0.99
    s.knowledge[:] = 1.0
    events, changes = len(model.events), model.management.representative_changes
    model.management.begin_month()
    assert np.array_equal(s.skill, s.skill_entry)
    assert s.knowledge == pytest.approx(0.2 + model.params.knowledge_gain * 0.8)
    changed = [e for e in model.events[events:] if e.kind == "representative_changed"]
    assert len(changed) == len(s) == model.management.representative_changes - changes


def test_knowledge_of_the_alliance_discounts_every_holder_alike():
    model = evolving_model(seed=7, management_mode="hybrid", knowledge_weight=0.5,
                           manager_turnover=0.0)
    m, s = model.management, model.state
    m.begin_month()
    s.knowledge[:] = 0.2
    m.manager.knowledge = 0.2
    manager, members = m._skills()  # what every piece of work uses
    assert manager == pytest.approx(m.manager.skill * 0.6)
    assert members == pytest.approx(s.skill * 0.6)


def test_training_takes_its_trainees_time_and_the_time_is_paid():
    model = evolving_model(seed=8, management_mode="dedicated", training_time=0.5)
    m = model.management
    m.begin_month()
    skill, manager = model.state.skill.copy(), m.manager.skill
    paid = m.paid_fte
    model.train_members(0.4)
    trainees = len(model.state) + 1
    assert m.training_now == pytest.approx(0.5 * 0.4 * trainees)
    assert m.paid_fte == pytest.approx(paid + 0.5 * 0.4 * trainees)
    assert model.state.skill == pytest.approx(skill + 0.4 * (1 - skill))
    assert m.manager.skill == pytest.approx(manager + 0.4 * (1 - manager))


@pytest.mark.parametrize("mode", ["none", "dedicated", "transversal", "hybrid"])
def test_a_post_is_paid_while_held_and_members_time_as_they_use_it(mode: str):
    model = AllianceModel(rng=3, management_mode=mode, management_budget=1.5, horizon=60)
    unused_and_unpaid = 0
    while model.running:
        model.step()
        m = model.management
        post = m.manager.fte if m.manager is not None else 0.0
        assert m.paid_fte == pytest.approx(post + m.member_used_now)
        # (a member who left this month took its row, not the time it was paid for)
        assert float(m.given.sum()) <= m.member_used_now + 1e-12
        if m.funded_left > 1e-6:  # members' budgeted time left over this month ...
            unused_and_unpaid += 1
            assert m.paid_fte - post < m.member_fte + m.spare_used_now  # ... is not paid
    steps = model.step_table()
    assert model.outcome_record()["management_cost_total"] == pytest.approx(
        steps["management_cost"].sum())
    if mode in ("transversal", "hybrid"):
        assert unused_and_unpaid > 0


def test_a_two_partner_alliance_runs_and_ends_when_one_partner_is_left():
    model = AllianceModel(rng=1, n_members=2, horizon=120)
    while model.running and model.phase != "evolving":
        model.step()
    assert model.phase == "evolving" and len(model.members) == 2
    model.remove_partner()
    model.step()
    assert model.outcome == "dissolved"
    assert model.end_reason == "too few partners left to pursue the ambition"


def test_the_objectives_are_the_ambition_the_founders_pool():
    targets = []
    for expectation in (0.3, 0.6):
        model = evolving_model(seed=9, expectation_mean=expectation, expectation_spread=0.0,
                               ambition_months=100.0)
        targets.append(model.value_target)
        expected = 100.0 * float(np.mean(model.state.expectations))
        if not model.exited_total and model.alliance.renewals == 0:
            assert model.value_target == pytest.approx(expected)
    assert targets[1] == pytest.approx(2 * targets[0])


def test_losing_partners_ends_an_alliance_only_below_the_viable_share_of_resources():
    model = evolving_model(seed=10, n_members=8, viability_share=0.5)
    pooled = model.alliance.pooled_resources
    while model.state.base_resources.sum() - model.state.base_resources.min() >= 0.5 * pooled:
        model.remove_partner(model.members[int(np.argmin(model.state.base_resources))].name)
        model.step()
        assert model.outcome == "running" or model.phase == "transforming" or \
            model.end_reason != "too few partners left to pursue the ambition"
    model.remove_partner(model.members[int(np.argmin(model.state.base_resources))].name)
    model.step()
    assert model.end_reason == "too few partners left to pursue the ambition"


# Every asymmetry between a manager and members' representatives switched off: the price
# (a post paid whether used), neutrality, participation, practice, peer learning, learning
# by doing (a single holder concentrates it), fading, turnover; the premium at zero.
PARITY = {"manager_skill_premium": 0.0, "manager_skill_sd": 0.0,
          **mechanism_off("management_cost"), **mechanism_off("neutral_mediation"),
          **mechanism_off("participation_ownership"), **mechanism_off("practice_openness"),
          **mechanism_off("peer_learning"), **mechanism_off("learning_by_doing"),
          **mechanism_off("skill_fade"), **mechanism_off("manager_turnover"),
          **mechanism_off("representative_turnover")}


@pytest.mark.slow
def test_with_equal_skill_knowledge_and_turnover_a_manager_and_members_fail_alike():
    seeds = range(400)
    failed = {mode: np.array([simulate({**PARITY, "management_mode": mode}, seed=s)
                              .outcome["failed"] for s in seeds], dtype=float)
              for mode in ("dedicated", "transversal")}
    # Equivalent within 10 points of failure share (paired two one-sided tests).
    p_value = ttost_paired(failed["dedicated"], failed["transversal"], -0.10, 0.10)[0]
    assert p_value < 0.05
