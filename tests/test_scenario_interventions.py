"""Each kind of timeline entry changes a scenario's run as intended, at the month given.

Every test runs the same scenario with and without the entry under the same seed: the two
runs must agree month for month before the entry's month, and differ as the entry says from
that month on. Seeds and months are picked from the runs themselves, never hard-coded.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from alliancesim import AllianceModel
from alliancesim.scenarios import ScenarioError, run_scenario, scenario_from_dict
from alliancesim.scenarios.running import replicate_seed

# Natural entries, exits and shocks are switched off where they would blur the comparison.
QUIET = {"entry_rate": 0.0, "exit_rate": 0.0, "shock_rate": 0.0, "manager_turnover": 0.0}


def scenario(params: dict[str, Any], *entries: dict[str, Any]):
    return scenario_from_dict({"name": "test", "parameters": params, "timeline": list(entries)})


def runs(params: dict[str, Any], entry: dict[str, Any], seed: int, **keep: bool):
    """(without, with) the entry, same seed."""
    return (run_scenario(scenario(params), seed, **keep),
            run_scenario(scenario(params, entry), seed, **keep))


def evolving_case(params: dict[str, Any], length: int = 12) -> tuple[int, int]:
    """A seed and a month at which the base run has been evolving for a month and keeps
    running for at least ``length`` more months."""
    for seed in range(200):
        steps = run_scenario(scenario(params), seed).steps
        assert steps is not None
        evolving = steps.index[steps["phase"] == "evolving"]
        if len(evolving) and len(steps) > evolving[0] + 2 + length:
            return seed, int(steps["month"][evolving[0] + 1]) + 1
    pytest.fail("no seed keeps the alliance evolving long enough")


def model_before(params: dict[str, Any], seed: int, month: int) -> AllianceModel:
    """The model as it stands at the start of ``month`` (after month - 1)."""
    model = AllianceModel(rng=seed, **params)
    for _ in range(month - 1):
        model.step()
    return model


def assert_same_before(base: pd.DataFrame, changed: pd.DataFrame, month: int) -> None:
    pd.testing.assert_frame_equal(base[base["month"] < month], changed[changed["month"] < month])


def at(steps: pd.DataFrame, month: int, column: str) -> Any:
    return steps.loc[steps["month"] == month, column].item()


def test_partner_joins_adds_one_member_that_month():
    seed, month = evolving_case(QUIET)
    base, changed = runs(QUIET, {"month": month, "kind": "partner_joins"}, seed)
    assert_same_before(base.steps, changed.steps, month)
    assert at(base.steps, month, "entries") == 0
    assert at(changed.steps, month, "entries") == 1
    assert at(changed.steps, month, "members") == at(base.steps, month - 1, "members") + 1
    joined = changed.events[(changed.events["month"] == month)
                            & (changed.events["kind"] == "joined")]
    assert len(joined) == 1


def test_partner_leaves_removes_the_largest_contributor_that_month():
    seed, month = evolving_case(QUIET)
    before = model_before(QUIET, seed, month)
    largest = max(before.members, key=lambda m: m.resources).name
    base, changed = runs(QUIET, {"month": month, "kind": "partner_leaves"}, seed,
                         keep_model=True)
    assert_same_before(base.steps, changed.steps, month)
    assert at(base.steps, month, "exits") == 0
    assert at(changed.steps, month, "exits") == 1
    left = [m for m in changed.model.agents if getattr(m, "exit_month", None) == month]
    assert [m.name for m in left] == [largest]


def test_partner_leaves_by_name_removes_that_partner():
    seed, month = evolving_case(QUIET)
    before = model_before(QUIET, seed, month)
    smallest = min(before.members, key=lambda m: m.resources).name
    _, changed = runs(QUIET, {"month": month, "kind": "partner_leaves", "partner": smallest},
                      seed, keep_model=True)
    left = [m.name for m in changed.model.agents if getattr(m, "exit_month", None) == month]
    assert left == [smallest]


def test_a_named_partner_who_is_not_a_member_is_a_scenario_error():
    seed, month = evolving_case(QUIET)
    entry = {"month": month, "kind": "partner_leaves", "partner": "Nobody Ltd"}
    with pytest.raises(ScenarioError) as caught:
        run_scenario(scenario(QUIET, entry), seed)
    assert caught.value.field == "timeline[1].partner"
    assert "Nobody Ltd" in str(caught.value) and f"month {month}" in str(caught.value)


def test_manager_leaves_removes_the_manager_for_the_vacancy_then_a_successor_comes():
    params = {**QUIET, "management_mode": "dedicated", "manager_vacancy": 4}
    seed, month = evolving_case(params, length=8)
    base, changed = runs(params, {"month": month, "kind": "manager_leaves"}, seed)
    assert_same_before(base.steps, changed.steps, month)
    assert base.steps["manager_present"].all()
    present = changed.steps.set_index("month")["manager_present"]
    assert not present[month:month + 3].any()
    assert present[month + 4]
    assert changed.outcome["manager_departures"] == base.outcome["manager_departures"] + 1


def test_manager_replaced_ends_a_vacancy_at_once():
    params = {**QUIET, "management_mode": "dedicated", "manager_vacancy": 36}
    seed, month = evolving_case(params, length=8)
    leaves = {"month": month, "kind": "manager_leaves"}
    vacant = run_scenario(scenario(params, leaves), seed)
    replaced = run_scenario(
        scenario(params, leaves, {"month": month + 3, "kind": "manager_replaced"}), seed)
    assert_same_before(vacant.steps, replaced.steps, month + 3)
    present = replaced.steps.set_index("month")["manager_present"]
    assert not present[month:month + 2].any()
    assert present[month + 3:month + 6].all()
    assert not vacant.steps.set_index("month")["manager_present"][month:month + 6].any()


def test_shock_hits_in_its_month_with_its_severity():
    seed, month = evolving_case(QUIET)
    base, changed = runs(QUIET, {"month": month, "kind": "shock", "severity": 0.8}, seed)
    assert_same_before(base.steps, changed.steps, month)
    assert base.steps["shocks"].sum() == 0
    assert changed.steps.set_index("month")["shocks"].to_dict() == {
        m: int(m == month) for m in changed.steps["month"]}
    shock = changed.events[changed.events["kind"] == "shock"]
    assert shock["month"].tolist() == [month]
    assert shock["severity"].tolist() == [0.8]


def test_set_parameter_takes_effect_from_its_month():
    seed, month = evolving_case(QUIET, length=24)
    base, changed = runs(
        QUIET, {"month": month, "kind": "set_parameter", "parameter": "conflict_rate",
                "value": 0.0}, seed)
    assert_same_before(base.steps, changed.steps, month)
    later = base.steps["month"].between(month, month + 24)
    assert base.steps.loc[later, "conflicts_new"].sum() > 0  # the case is informative
    assert changed.steps.loc[changed.steps["month"] >= month, "conflicts_new"].sum() == 0
    noted = changed.events[changed.events["kind"] == "intervention"]
    assert noted["month"].tolist() == [month]


def test_training_closes_the_given_share_of_the_skill_gap_that_month():
    quiet = {**QUIET, "skill_fade": 0.0}  # so that nothing but learning moves skill after it
    seed, month = evolving_case(quiet)
    base, changed = runs(quiet, {"month": month, "kind": "training", "amount": 0.5}, seed)
    assert_same_before(base.steps, changed.steps, month)
    skill_before = at(base.steps, month - 1, "skill_mean")
    trained = skill_before + 0.5 * (1.0 - skill_before)  # mean of s + a(1 - s) over members
    # learning during the month can only add to the trained skill
    assert at(changed.steps, month, "skill_mean") >= trained - 1e-12
    assert at(base.steps, month, "skill_mean") < trained


def test_the_same_seed_gives_the_same_run_and_replicate_seeds_are_spawned_children():
    import numpy as np

    s = scenario(QUIET, {"month": 20, "kind": "shock"})
    a, b = run_scenario(s, 7), run_scenario(s, 7)
    pd.testing.assert_frame_equal(a.steps, b.steps)
    pd.testing.assert_frame_equal(a.events, b.events)
    child = np.random.SeedSequence(7).spawn(4)[3]
    assert replicate_seed(7, 3).generate_state(4).tolist() == child.generate_state(4).tolist()
