"""Management as work: who holds the time, who does the work, what it costs."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alliancesim import AllianceModel
from alliancesim.model.management import _split_few, allocate, budget_holders
from alliancesim.params import MANAGEMENT_MODES
from conftest import evolving_model

MODEL = Path(__file__).parents[1] / "src" / "alliancesim" / "model"


def test_the_mode_only_decides_who_holds_the_budget():
    for budget in (0.0, 0.5, 2.0):
        held = {mode: budget_holders(mode, budget, 0.3) for mode in MANAGEMENT_MODES}
        assert held["none"] == (0.0, 0.0)
        assert held["dedicated"] == (budget, 0.0)
        assert held["transversal"] == (0.0, budget)
        assert held["hybrid"] == pytest.approx((0.3 * budget, 0.7 * budget))
    with pytest.raises(ValueError, match="allowed: none, dedicated, transversal, hybrid"):
        budget_holders("dedicated manager", 1.0, 0.5)


def test_no_effect_in_the_model_reads_the_management_mode():
    """The mode's name and its values appear in the model only where the budget is held."""
    places = []
    for path in sorted(MODEL.glob("*.py")):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            named = isinstance(node, ast.Attribute) and node.attr in ("management_mode", "mode")
            valued = isinstance(node, ast.Constant) and node.value in MANAGEMENT_MODES
            if named or valued:
                places.append(path.name)
    assert set(places) == {"management.py"}
    source = (MODEL / "management.py").read_text()
    tree = ast.parse(source)
    holders = next(n for n in tree.body if isinstance(n, ast.FunctionDef)
                   and n.name == "budget_holders")
    outside = [n for n in ast.walk(tree) if isinstance(n, ast.Constant)
               and n.value in MANAGEMENT_MODES and not holders.lineno <= n.lineno
               <= holders.end_lineno]
    assert outside == []


def test_the_price_of_management_is_taken_from_the_value_created():
    runs = {}
    for price in (0.0, 1.0):
        model = AllianceModel(rng=4, management_price=price, horizon=48, shock_rate=0.0)
        while model.running:
            model.step()
        runs[price] = model.step_table()
    free, priced = runs[0.0], runs[1.0]
    assert free["management_cost"].sum() == 0.0
    working = priced["value"] > 0
    assert (priced.loc[working, "management_cost"] > 0).all()


TIMES = st.lists(st.floats(0.0, 0.5), min_size=3, max_size=3)
SKILLS = st.lists(st.floats(0.0, 1.0), min_size=3, max_size=3)


@settings(max_examples=200, deadline=None)
@given(need=st.floats(0.0, 1.0), times=TIMES, skills=SKILLS,
       rule=st.sampled_from(["shared", "most_skilled"]))
def test_few_holders_share_work_exactly_as_the_array_version(need, times, skills, rule):
    few = _split_few(need, times, skills, rule)
    arrays = allocate(need, np.array(times), np.array(skills), rule)
    assert few == pytest.approx(arrays.tolist(), abs=1e-12)
    assert sum(few) == pytest.approx(min(need, sum(times)), abs=1e-9)
    assert all(0.0 <= t <= time + 1e-12 for t, time in zip(few, times, strict=True))


def test_the_most_skilled_take_the_work_first_under_that_rule():
    taken = allocate(0.3, np.array([0.2, 0.2, 0.2]), np.array([0.1, 0.9, 0.5]),
                     "most_skilled")
    assert taken.tolist() == pytest.approx([0.0, 0.2, 0.1])


def test_members_learn_in_proportion_to_the_work_they_do():
    model = evolving_model(seed=2, management_mode="transversal", skill_learning_rate=0.5)
    m, s = model.management, model.state
    m.begin_month()
    before = s.skill.copy()
    done = m.mediate(0.05, 0, 1)  # the parties and neutral members share the budgeted time
    gained = s.skill - before
    assert np.all(gained > 0)
    assert gained == pytest.approx(0.5 * m.given * (1 - before))
    assert done.by_manager == 0 and done.by_others > 0


def test_without_time_set_aside_members_work_in_their_spare_attention():
    model = evolving_model(seed=2, management_mode="none", spare_attention=0.02)
    m = model.management
    m.begin_month()
    spare = m.spare_left
    done = m.work(0.01)
    assert done.by_members == pytest.approx(1.0) and m.spare_used_now == pytest.approx(0.01)
    assert m.spare_left == pytest.approx(spare - 0.01)
    big = m.work(10.0)  # far more than is left: what is left is used, and quality falls
    assert big.by_members == pytest.approx((spare - 0.01) / 10.0)
    assert big.quality < done.quality
