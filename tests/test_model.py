"""Model behaviour: running, phases, transitions, management, exits and interventions."""

from __future__ import annotations

import itertools

import mesa
import numpy as np
import pytest

from alliancesim import AllianceModel, Intervention
from alliancesim.model import conflicts
from alliancesim.model.management import WorkDone
from alliancesim.model.outputs import STEP_COLUMNS
from alliancesim.model.phases import ALLOWED_TRANSITIONS
from conftest import evolving_model, run_until


def test_default_model_runs_to_an_ending_and_records_every_month():
    model = AllianceModel(rng=1)
    while model.running:
        model.step()
    steps = model.step_table()
    assert list(steps.columns) == list(STEP_COLUMNS)
    assert steps["month"].tolist() == list(range(model.month + 1))
    record = model.outcome_record()
    assert record["outcome"] in ("completed", "dissolved", "running")
    assert record["end_month"] == model.month
    assert steps["phase"].iloc[-1] == (record["outcome"] if record["ended"] else model.phase)
    assert record["failed"] == (record["outcome"] == "dissolved" or not record["objectives_met"])


def test_stepping_an_ended_model_changes_nothing():
    model = AllianceModel(rng=2, forming_max_months=3, alignment_required=1.0)
    while model.running:
        model.step()
    rows = len(model.step_table())
    model.step()
    assert len(model.step_table()) == rows and not model.running


def test_mesa_batch_run_works_on_the_model_unchanged():
    results = mesa.batch_run(
        AllianceModel,
        parameters={"rng": [1, 2], "n_members": [5, 8]},
        max_steps=24,
        number_processes=1,
        data_collection_period=-1,
        display_progress=False,
    )
    assert len(results) == 4
    assert {r["n_members"] for r in results} == {5, 8}
    assert all("trust_mean" in r and "phase" in r for r in results)


def test_forming_moves_to_founding_once_enough_members_share_the_ambition():
    model = AllianceModel(rng=3, alignment_required=0.5, search_intensity=1.0)
    run_until(model, "founding", limit=10)
    assert len(model.state) >= 6  # the quorum: three quarters of the eight seats
    assert model.phase_history[-1][2] == "a shared ambition took shape"


def test_forming_without_a_shared_ambition_dissolves_at_the_deadline():
    model = AllianceModel(rng=3, alignment_required=1.0, forming_max_months=4)
    while model.running:
        model.step()
    assert model.outcome == "dissolved" and model.month == 4
    assert "forming dragged on" in model.end_reason


def test_failed_negotiations_dissolve_the_alliance_in_founding():
    model = AllianceModel(rng=4, founding_speed=0.02, founding_max_months=3,
                          alignment_required=0.5)
    while model.running:
        model.step()
    assert [p for _, p, _ in model.phase_history] == ["forming", "founding", "dissolved"]
    assert "negotiations" in model.end_reason


def _phases(model):
    return [p for _, p, _ in model.phase_history]


def test_a_reached_ambition_leads_through_transforming_to_completion_or_renewal():
    completed = renewed = 0
    for seed in range(40):
        model = AllianceModel(rng=seed, ambition_months=12.0, renewal_propensity=0.5, horizon=60)
        while model.running:
            model.step()
        history = model.phase_history
        for (_, before, _), (_, after, reason) in itertools.pairwise(history):
            if before == "transforming" and reason.startswith(("renewed with", "ambition")):
                completed += after == "completed"
                renewed += after == "evolving"
    assert completed > 0 and renewed > 0


def test_phases_only_move_along_allowed_transitions():
    for seed in range(30):
        model = AllianceModel(rng=seed, manager_turnover=0.1, shock_rate=0.05)
        while model.running:
            model.step()
        phases = _phases(model)
        for before, after in itertools.pairwise(phases):
            assert after in ALLOWED_TRANSITIONS[before]


def test_conflicts_resolve_better_with_skilled_mediation_given_time():
    model = evolving_model(seed=5)
    i, j = 0, 1
    styles = ("compromising", "competing")

    def resolved_share(quality: float) -> float:
        resolved = 0
        for _ in range(3000):
            outcome = conflicts._outcome(model, i, j, styles, WorkDone(quality, 1.0, 0.0))
            resolved += outcome in ("constructive", "compromise")
        return resolved / 3000

    with_help, without = resolved_share(0.9), resolved_share(0.0)
    assert with_help > without + 0.1


def test_mediation_draws_on_the_time_of_whoever_holds_it():
    model = evolving_model(seed=5, management_mode="dedicated", management_budget=1.0)
    m = model.management
    m.begin_month()
    manager_time, skill = m.manager_time, m.manager.effective_skill
    done = m.mediate(0.2, 0, 1)
    # members hold no budget here, so the manager does all of it, with the manager's skill
    # (as it was: the manager learns from the work)
    assert done.by_manager == pytest.approx(1.0) and done.by_members == 0
    assert m.manager_time == pytest.approx(manager_time - 0.2)
    assert done.quality == pytest.approx(skill)
    m.manager_time = 0.0  # the manager is fully booked: the partners use their own time
    spare_before = m.spare[[0, 1]].sum()
    done = m.mediate(0.01, 0, 1)
    assert done.by_manager == 0 and done.by_members > 0
    assert m.spare[[0, 1]].sum() < spare_before


def test_manager_departure_removes_the_managers_time_until_a_replacement_arrives():
    model = AllianceModel(rng=6, management_mode="dedicated", manager_turnover=0.0,
                          manager_vacancy=3, horizon=30)
    model.schedule([Intervention(5, "manager_leaves")])
    while model.running and model.month < 10:
        model.step()
    steps = model.step_table().set_index("month")
    assert steps.loc[4, "manager_present"] and steps.loc[4, "management_time"] > 0
    for month in (5, 6, 7):
        assert not steps.loc[month, "manager_present"]
        assert steps.loc[month, "management_time"] == 0
    assert steps.loc[8, "manager_present"]
    kinds = [e.kind for e in model.events if e.month in (5, 8)]
    assert "manager_left" in kinds and "manager_arrived" in kinds


def test_transversal_mode_has_no_manager_and_keeps_its_time():
    model = AllianceModel(rng=6, management_mode="transversal", horizon=40)
    while model.running:
        model.step()
    steps = model.step_table()
    assert not steps["manager_present"].any()
    assert (steps["management_time"] > 0).all()


def test_a_member_whose_commitment_collapses_leaves_and_never_acts_again():
    # whatever legal form was chosen, leaving is certain here
    model = evolving_model(seed=7, exit_rate=1.0, legal_barrier_weight=0.0)
    leaver = model.members[0]
    model.state.commitment[leaver.slot] = 0.0
    model.state.cstate[leaver.slot] = 2  # already disengaged
    model.step()
    assert not leaver.active and leaver.commitment_state == "exited"
    assert leaver not in model.members and leaver.exit_month == model.month
    assert any(e.kind == "exit" and e.actors == (leaver.name,) for e in model.events)
    frozen = leaver.commitment
    while model.running:
        model.step()
    assert leaver.commitment == frozen
    later = [e for e in model.events if e.month > leaver.exit_month and leaver.name in e.actors]
    assert later == []


def test_remaining_members_keep_their_own_trust_after_someone_leaves():
    model = evolving_model(seed=8)
    a, b, c = model.members[:3]
    ab, ca = a.trust_toward(b), c.trust_toward(a)
    model.remove_member(b, "test")
    assert c.trust_toward(a) == ca
    assert [m.slot for m in model.members] == list(range(len(model.members)))
    assert len(model.state.trust) == len(model.members)
    assert ab >= 0


def test_interventions_happen_in_the_month_they_are_scheduled():
    model = AllianceModel(rng=9, horizon=40, shock_rate=0.0)
    model.schedule([
        Intervention(12, "partner_joins"),
        Intervention(14, "shock", severity=0.4),
        Intervention(16, "training", amount=0.5),
        Intervention(18, "set_parameter", parameter="conflict_rate", value=0.3),
    ])
    skills = {}
    while model.running and model.month < 20:
        if model.month in (15, 16):
            skills[model.month] = float(np.mean(model.state.skill))
        model.step()
    steps = model.step_table().set_index("month")
    assert steps.loc[12, "entries"] >= 1
    assert steps.loc[14, "shocks"] == 1 and steps.loc[13, "shocks"] == 0
    assert skills[16] > skills[15]
    assert model.p["conflict_rate"] == 0.3
    months = sorted(e.month for e in model.events if e.kind == "intervention")
    assert months[:1] == [12] and 16 in months and 18 in months


def test_trust_graph_mirrors_member_state():
    model = evolving_model(seed=10)
    graph = model.trust_graph()
    assert set(graph.nodes) == {m.name for m in model.members}
    a, b = model.members[:2]
    assert graph.edges[a.name, b.name]["trust"] == a.trust_toward(b)
    assert graph.nodes[a.name]["state"] == a.commitment_state


def test_mesa_solara_viz_can_rebuild_the_model_on_reset():
    from mesa.visualization.solara_viz import _build_model_init_kwargs

    model = AllianceModel(rng=4, n_members=6)
    kwargs = _build_model_init_kwargs(model, {"rng": 5, "n_members": 10},
                                      add_scenario_when_empty=True,
                                      require_model_accepts_scenario=True)
    rebuilt = type(model)(**kwargs)
    assert rebuilt.p["n_members"] == 10
    twin = AllianceModel(rng=5, n_members=10)
    for _ in range(24):
        rebuilt.step()
        twin.step()
    assert rebuilt.step_table().equals(twin.step_table())


def test_conflicting_pairs_are_drawn_in_proportion_to_their_hazard():
    from scipy import stats

    model = evolving_model(seed=12, cultural_diversity=2.0)
    hazard = conflicts.pair_hazards(model)
    expected = hazard / hazard.sum()
    counts = np.zeros_like(hazard)
    draws = 20000
    for _ in range(draws):
        i, j = conflicts.draw_pair(model)
        counts[i, j] += 1
    cells = expected > 0
    assert counts[~cells].sum() == 0  # never a member with itself
    assert conflicts.total_hazard(model, conflicts.alliance_drivers(model)) == pytest.approx(
        hazard.sum())
    _, p_value = stats.chisquare(counts[cells], draws * expected[cells])
    assert p_value > 0.001


def test_rows_and_pairs_are_dropped_as_np_delete_drops_them():
    from alliancesim.model.state import without_pair, without_row

    rng = np.random.default_rng(0)
    for n in range(1, 9):
        for slot in range(n):
            for values in (rng.random(n), rng.integers(0, 3, n), rng.random((n, 6))):
                dropped = without_row(values, slot)
                expected = np.delete(values, slot, axis=0)
                assert dropped.dtype == expected.dtype and dropped.shape == expected.shape
                assert dropped.tobytes() == expected.tobytes()
            matrix = rng.random((n, n))
            dropped = without_pair(matrix, slot)
            expected = np.delete(np.delete(matrix, slot, axis=0), slot, axis=1)
            assert dropped.flags.c_contiguous and dropped.tobytes() == expected.tobytes()
