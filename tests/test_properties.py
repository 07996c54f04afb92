"""Property-based tests over random parameters and seeds."""

from __future__ import annotations

import itertools
from collections import Counter

import numpy as np
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from alliancesim import AllianceModel
from alliancesim.model.agents import MemberOrganization
from alliancesim.model.phases import ALLOWED_TRANSITIONS
from alliancesim.params import PARAMETERS, ParameterError, validate_parameters

# Keep runs small so many examples fit in a few seconds; every other range is the full one.
NARROWED = {"n_members": (2, 14), "horizon": (12, 48)}


def _strategy(param):
    if param.kind == "choice":
        return st.sampled_from(param.choices)
    low, high = NARROWED.get(param.name, (param.low, param.high))
    if param.kind == "int":
        return st.integers(int(low), int(high))
    return st.floats(float(low), float(high), allow_nan=False)


PARAMS = st.fixed_dictionaries({}, optional={p.name: _strategy(p) for p in PARAMETERS})
SEEDS = st.integers(0, 2**32 - 1)
SETTINGS = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


def run_checked(seed: int, params: dict) -> AllianceModel:
    """Run a model, checking the state invariants after every month."""
    try:
        validate_parameters(params)
    except ParameterError:
        assume(False)  # a combination the parameter constraints refuse
    model = AllianceModel(rng=seed, **params)
    while model.running:
        model.step()
        s = model.state
        assert np.all((s.trust >= 0) & (s.trust <= 1))
        assert np.all((s.commitment >= 0) & (s.commitment <= 1))
        assert np.all((s.skill >= 0) & (s.skill <= 1))
        assert np.all((s.openness >= 0) & (s.openness <= 1))
        a = model.alliance
        assert 0 <= a.identity <= 1 and a.tension >= 0 and 0 <= a.upkeep <= 1
        assert a.governance_fit is None or 0 <= a.governance_fit <= 1
        assert a.management_cost_now >= 0 and a.value_now >= 0
        assert len(s) == len(model.members)
    return model


@SETTINGS
@given(seed=SEEDS, params=PARAMS)
def test_state_stays_in_bounds_and_phases_follow_the_rules(seed, params):
    model = run_checked(seed, params)
    phases = [p for _, p, _ in model.phase_history]
    for before, after in itertools.pairwise(phases):
        assert after in ALLOWED_TRANSITIONS[before]
    assert model.month <= model.p["horizon"]


@SETTINGS
@given(seed=SEEDS, params=PARAMS)
def test_step_counters_agree_with_the_event_log(seed, params):
    model = run_checked(seed, params)
    steps = model.step_table().set_index("month")
    kinds = Counter((e.month, e.kind) for e in model.events)
    outcomes = Counter((e.month, e.outcome) for e in model.events if e.kind == "conflict")
    responses = Counter((e.month, e.response) for e in model.events if e.kind == "paradox")
    for month, row in steps.iloc[1:].iterrows():
        assert row["conflicts_new"] == kinds[month, "conflict"]
        assert row["conflicts_resolved"] == (outcomes[month, "constructive"]
                                             + outcomes[month, "compromise"])
        assert row["conflicts_escalated"] == outcomes[month, "escalated"]
        assert row["conflicts_latent"] == outcomes[month, "latent"]
        assert row["paradoxes_new"] == kinds[month, "paradox"]
        assert row["paradox_both_and"] == responses[month, "both_and"]
        assert row["shocks"] == kinds[month, "shock"]
        assert row["entries"] == kinds[month, "joined"]
        assert row["exits"] == kinds[month, "exit"]
    assert steps["exited"].iloc[-1] == sum(n for (_, k), n in kinds.items() if k == "exit")


@SETTINGS
@given(seed=SEEDS, params=PARAMS)
def test_exited_members_never_act_again(seed, params):
    params = {**params, "exit_rate": 1.0, "commitment_sensitivity": 1.0}
    model = run_checked(seed, params)
    for agent in model.agents_by_type.get(MemberOrganization, []):
        if agent.active:
            assert agent in model.members
            continue
        assert agent not in model.members and agent.slot is None
        later = [e for e in model.events
                 if e.month > agent.exit_month and agent.name in e.actors]
        assert later == []
