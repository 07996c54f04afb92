"""The pure mechanisms, checked against hand-computed cases."""

import numpy as np
import pytest

from alliancesim.model.mechanisms import (
    AMBIVALENT,
    COMMITTED,
    DISENGAGED,
    EXITED,
    ambition_alignment,
    band_edges,
    commitment_states,
    converge_ambitions,
    fitting_governance,
    governance_fit,
    kogut_singh,
    kogut_singh_matrix,
    population_variances,
    update_trust,
)


def test_kogut_singh_matches_hand_computation():
    a = np.array([40.0, 60.0, 50.0, 70.0, 30.0, 55.0])
    b = np.array([60.0, 30.0, 50.0, 40.0, 50.0, 45.0])
    variances = np.array([400.0, 900.0, 100.0, 225.0, 400.0, 100.0])
    # (20^2/400 + 30^2/900 + 0 + 30^2/225 + 20^2/400 + 10^2/100) / 6 = (1+1+0+4+1+1)/6
    assert kogut_singh(a, b, variances) == pytest.approx(8.0 / 6.0)


def test_kogut_singh_uses_population_variance_when_given():
    profiles = np.array([[10.0, 20.0], [30.0, 20.0], [20.0, 50.0]])
    v = population_variances(profiles)
    assert v == pytest.approx([200.0 / 3.0, 200.0])
    # pair 0-1: (20^2 / (200/3) + 0) / 2 = 3
    assert kogut_singh(profiles[0], profiles[1], v) == pytest.approx(3.0)


def test_kogut_singh_matrix_agrees_with_pairwise_index():
    rng = np.random.default_rng(7)
    profiles = rng.uniform(0, 100, (6, 6))
    variances = rng.uniform(100, 600, 6)
    matrix = kogut_singh_matrix(profiles, profiles, variances)
    for i in range(6):
        for j in range(6):
            assert matrix[i, j] == pytest.approx(kogut_singh(profiles[i], profiles[j], variances))
    assert np.allclose(np.diag(matrix), 0.0, atol=1e-9)


def test_negative_signal_moves_trust_more_than_positive_one():
    gain, ratio = 0.1, 3.0
    up = update_trust(0.5, 1.0, gain, ratio) - 0.5
    down = 0.5 - update_trust(0.5, -1.0, gain, ratio)
    assert up == pytest.approx(0.05)
    assert down == pytest.approx(0.15)
    assert down / up == pytest.approx(ratio)


def test_trust_builds_slowly_toward_one_and_never_leaves_the_unit_interval():
    t = np.linspace(0, 1, 11)
    for signal in (1.0, -1.0, 2.0, -2.0):
        out = update_trust(t, signal, 0.5, 10.0)
        assert np.all((out >= 0) & (out <= 1))
    assert update_trust(1.0, 1.0, 0.2, 3.0) == 1.0
    assert update_trust(0.0, -1.0, 0.2, 3.0) == 0.0


EDGES = band_edges(committed_at=0.6, disengaged_below=0.3, hysteresis=0.05)


def test_commitment_states_have_hysteresis():
    prev = np.array([COMMITTED, COMMITTED, AMBIVALENT, AMBIVALENT, DISENGAGED, DISENGAGED, EXITED])
    c = np.array([0.58, 0.54, 0.62, 0.66, 0.32, 0.36, 0.9])
    assert commitment_states(prev, c, EDGES).tolist() == [
        COMMITTED,  # just below 0.6 but within the band: stays committed
        AMBIVALENT,  # fell through the band
        AMBIVALENT,  # just above 0.6: not yet committed
        COMMITTED,
        DISENGAGED,  # just above 0.3 but within the band: stays disengaged
        AMBIVALENT,
        EXITED,  # exit is final
    ]


def test_jitter_around_a_threshold_does_not_flip_the_state():
    state = np.array([AMBIVALENT])
    for value in (0.61, 0.59, 0.62, 0.58, 0.63):
        state = commitment_states(state, np.array([value]), EDGES)
        assert state[0] == AMBIVALENT


def test_ambitions_converge_under_trust_weighted_pooling():
    ambitions = np.array([[0.8, 0.1, 0.1], [0.1, 0.8, 0.1], [0.1, 0.1, 0.8]])
    trust = np.full((3, 3), 0.5)
    np.fill_diagonal(trust, 1.0)
    before = ambition_alignment(ambitions)
    after = converge_ambitions(ambitions, trust, 0.5)
    assert ambition_alignment(after) > before
    assert np.allclose(after.sum(axis=1), 1.0)
    # with equal trust each member moves halfway to the mean of the other two
    assert after[0] == pytest.approx(0.5 * ambitions[0] + 0.5 * ambitions[1:].mean(axis=0))


def test_jitter_is_read_as_changes_once_hysteresis_is_switched_off():
    edges = band_edges(committed_at=0.6, disengaged_below=0.3, hysteresis=0.0)
    state = np.array([AMBIVALENT])
    states = []
    for value in (0.61, 0.59, 0.62, 0.58):
        state = commitment_states(state, np.array([value]), edges)
        states.append(int(state[0]))
    assert states == [COMMITTED, AMBIVALENT, COMMITTED, AMBIVALENT]


def test_governance_fit_follows_provan_and_kenis():
    def fitting(members: int, trust: float) -> str:
        return fitting_governance(members, trust, shared_max_members=6, shared_min_trust=0.55,
                                  lead_max_members=15)

    assert fitting(4, 0.8) == "shared"
    assert fitting(4, 0.3) == "lead_organization"
    assert fitting(10, 0.8) == "lead_organization"
    assert fitting(40, 0.8) == "network_administrative_organization"
    assert governance_fit("shared", fitting(4, 0.8)) == 1.0
    assert governance_fit("lead_organization", fitting(4, 0.8)) == 0.5
    assert governance_fit("network_administrative_organization", fitting(4, 0.8)) == 0.0
