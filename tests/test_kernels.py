"""The compiled monthly updates give bit for bit what the numpy expressions they replace give."""

from __future__ import annotations

import numpy as np
import pytest

from alliancesim.model import kernels


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    return a.tobytes() == b.tobytes()


def _arrays(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    return {"trust": rng.random((n, n)), "proximity": rng.random((n, n)),
            "openness": rng.random(n), "commitment": rng.random(n)}


@pytest.mark.parametrize("n", [1, 2, 7, 8, 9, 33])
def test_build_trust_matches_numpy(n: int) -> None:
    rng = np.random.default_rng(n)
    for _ in range(50):
        a = _arrays(rng, n)
        gain, weight = float(rng.uniform(0.0, 3.0)), float(rng.random())
        clamp = gain * (1.0 + 0.5 * weight) > 1.0
        expected = a["trust"].copy()
        truster = gain * weight * a["openness"] + gain * (1.0 - 0.5 * weight)
        step = truster[:, None] * a["proximity"]
        step *= a["commitment"]
        if clamp:
            np.minimum(step, 1.0, out=step)
        step *= 1.0 - expected
        expected += step
        kernels.build_trust(a["trust"], a["proximity"], a["openness"], a["commitment"],
                            gain, weight, clamp)
        assert _same(a["trust"], expected)


@pytest.mark.parametrize("n", [1, 2, 8, 33])
def test_open_up_matches_numpy(n: int) -> None:
    rng = np.random.default_rng(n)
    for _ in range(50):
        openness, exposure = rng.random(n), rng.uniform(0.0, 3.0, n)
        exposure[0] = np.nan if n > 2 else exposure[0]
        rate = float(rng.uniform(0.0, 2.0))
        expected, scaled = openness.copy(), exposure * rate
        np.minimum(scaled, 1.0, out=scaled)
        expected += scaled * (1.0 - expected)
        kernels.open_up(openness, exposure, rate)
        assert _same(openness, expected)


@pytest.mark.parametrize("n", [1, 2, 8, 33])
def test_fade_matches_numpy(n: int) -> None:
    rng = np.random.default_rng(n)
    for _ in range(50):
        skill, entry = rng.random(n), rng.random(n)
        entry[: n // 2] = skill[: n // 2]  # some members exactly at their entry level
        rate = float(rng.random())
        expected = skill.copy()
        above = expected - entry
        np.maximum(above, 0.0, out=above)
        above *= rate
        expected -= above
        kernels.fade(skill, entry, rate)
        assert _same(skill, expected)


@pytest.mark.parametrize("n", [2, 3, 8, 20])
def test_min_offdiagonal_matches_numpy(n: int) -> None:
    rng = np.random.default_rng(n)
    pairs = ~np.eye(n, dtype=bool)
    for trial in range(50):
        matrix = rng.random((n, n))
        np.fill_diagonal(matrix, 0.0)  # the diagonal is never read
        if trial % 10 == 0:
            matrix[0, 1] = np.nan
        expected = float(np.min(matrix, where=pairs, initial=np.inf))
        assert np.array_equal(kernels.min_offdiagonal(matrix), expected, equal_nan=True)


@pytest.mark.parametrize("n", [1, 2, 8, 33])
def test_shifts_clip_as_numpy(n: int) -> None:
    rng = np.random.default_rng(n)
    for trial in range(50):
        values = rng.uniform(-0.2, 1.2, n)
        values[0] = [np.nan, -0.0, 0.0, 1.0, 0.5][trial % 5]
        delta = rng.uniform(-0.5, 0.5, n)
        expected = values.copy()
        np.clip(expected + delta, 0.0, 1.0, out=expected)
        shifted = values.copy()
        kernels.shift_each(shifted, delta)
        assert _same(shifted, expected)
        expected = values.copy()
        np.clip(expected + delta[-1], 0.0, 1.0, out=expected)
        shifted = values.copy()
        kernels.shift_all(shifted, float(delta[-1]))
        assert _same(shifted, expected)


@pytest.mark.parametrize("hysteresis", [0.0, 0.05, 0.1])
def test_next_states_match_numpy(hysteresis: float) -> None:
    from alliancesim.model.mechanisms import _NEXT_STATE, band_edges, commitment_states

    rng = np.random.default_rng(7)
    edges = band_edges(0.6, 0.3, hysteresis)
    for _ in range(200):
        n = int(rng.integers(1, 20))
        previous = rng.integers(0, 3, n)
        commitment = rng.random(n)
        commitment[0] = rng.choice([np.nan, *edges])  # on an edge, or NaN
        expected = commitment_states(previous, commitment, edges)
        states, changed, disengaged = kernels.next_states(previous, commitment, edges,
                                                          _NEXT_STATE, 2)
        assert states.dtype == expected.dtype and np.array_equal(states, expected)
        assert changed == np.count_nonzero(previous != expected)
        assert disengaged == np.count_nonzero(expected == 2)


@pytest.mark.parametrize("n", [1, 2, 8, 33])
def test_recover_matches_numpy(n: int) -> None:
    rng = np.random.default_rng(n)
    for trial in range(50):
        base = rng.lognormal(0.0, 0.5, n)
        resources = base * (1.0 - rng.random(n) * [0.5, 1e-9][trial % 2])
        rate = float(rng.random())
        expected = resources.copy()
        gap = base - expected
        expected += rate * gap
        back = float(gap.max(initial=0.0)) < kernels.RECOVERED
        assert kernels.recover(resources, base, rate) == back
        assert _same(resources, expected)


@pytest.mark.parametrize("n", [1, 2, 8, 33])
def test_learn_matches_numpy(n: int) -> None:
    rng = np.random.default_rng(n)
    for _ in range(50):
        skill, time = rng.random(n), rng.uniform(0.0, 6.0, n)
        rate = float(rng.random())
        closed = np.minimum(rate * time, 1.0)
        expected = skill + closed * (1.0 - skill)
        kernels.learn(skill, time, rate)
        assert _same(skill, expected)


@pytest.mark.parametrize("n", [1, 2, 8, 33])
def test_pool_ambitions_matches_numpy(n: int) -> None:
    rng = np.random.default_rng(n)
    for trial in range(50):
        ambitions, trust = rng.dirichlet([2.0, 2.0, 2.0], n), rng.random((n, n))
        np.fill_diagonal(trust, 1.0)
        if trial % 5 == 0:
            trust[0] = 0.0  # a member who trusts nobody keeps its ambition
        rate = float(rng.random())
        own = np.diagonal(trust)[:, None]
        totals = trust.sum(axis=1, keepdims=True) - own
        pooled = np.divide(trust @ ambitions - own * ambitions, totals, out=ambitions.copy(),
                           where=totals > 0)
        expected = (1.0 - rate) * ambitions + rate * pooled
        result = kernels.pool_ambitions(ambitions, trust @ ambitions, trust, totals[:, 0], rate)
        assert _same(result, expected)
