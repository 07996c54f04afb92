"""The compiled monthly updates give bit for bit what the numpy expressions give."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from alliancesim.model import kernels
from alliancesim.model.mechanisms import NEXT_STATE, band_edges

pytestmark = pytest.mark.skipif(not kernels.compile_loops(), reason="numba is not in use")


def _same(a: Any, b: Any) -> bool:
    """Equal to the last bit (arrays: same dtype and bytes; numbers: same value or both NaN)."""
    if isinstance(a, tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, np.ndarray):
        return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()
    return np.array_equal(np.float64(a), np.float64(b), equal_nan=True) and (
        np.signbit(np.float64(a)) == np.signbit(np.float64(b)))


def _both(name: str, *args: Any) -> None:
    """Run the numpy and the compiled version of kernel ``name`` on copies of ``args`` and
    check that they return and leave behind the same values."""
    numpy_version: Callable[..., Any] = getattr(kernels, f"_numpy_{name}")
    compiled: Callable[..., Any] = getattr(kernels, name)
    first = [a.copy() if isinstance(a, np.ndarray) else a for a in args]
    second = [a.copy() if isinstance(a, np.ndarray) else a for a in args]
    assert _same(numpy_version(*first), compiled(*second))
    for x, y in zip(first, second, strict=True):
        if isinstance(x, np.ndarray):
            assert _same(x, y)


SIZES = [1, 2, 7, 8, 9, 33]


@pytest.mark.parametrize("n", SIZES)
def test_build_trust(n: int) -> None:
    rng = np.random.default_rng(n)
    for _ in range(40):
        gain, weight = float(rng.uniform(0.0, 3.0)), float(rng.random())
        _both("build_trust", rng.random((n, n)), rng.random((n, n)), rng.random(n),
              rng.random(n), gain, weight, gain * (1.0 + 0.5 * weight) > 1.0)


@pytest.mark.parametrize("n", SIZES)
def test_open_up_fade_and_learn(n: int) -> None:
    rng = np.random.default_rng(n)
    for _ in range(40):
        exposure = rng.uniform(0.0, 3.0, n)
        exposure[0] = np.nan if n > 2 else exposure[0]
        _both("open_up", rng.random(n), exposure, float(rng.uniform(0.0, 2.0)))
        skill, entry = rng.random(n), rng.random(n)
        entry[: n // 2] = skill[: n // 2]  # some members exactly at their entry level
        _both("fade", skill, entry, float(rng.random()))
        _both("learn", rng.random(n), rng.uniform(0.0, 6.0, n), float(rng.random()))
        _both("get_to_know", rng.random(n), float(rng.random()))


@pytest.mark.parametrize("n", SIZES)
def test_shifts(n: int) -> None:
    rng = np.random.default_rng(n)
    for trial in range(40):
        values = rng.uniform(-0.2, 1.2, n)
        values[0] = [np.nan, -0.0, 0.0, 1.0, 0.5][trial % 5]
        delta = rng.uniform(-0.5, 0.5, n)
        _both("shift_each", values, delta)
        _both("shift_all", values, float(delta[-1]))


@pytest.mark.parametrize("hysteresis", [0.0, 0.05, 0.1])
def test_next_states(hysteresis: float) -> None:
    rng = np.random.default_rng(7)
    edges = band_edges(0.6, 0.3, hysteresis)
    for _ in range(200):
        n = int(rng.integers(1, 20))
        commitment = rng.random(n)
        commitment[0] = rng.choice([np.nan, *edges])  # on an edge, or NaN
        _both("next_states", rng.integers(0, 3, n), commitment, edges, NEXT_STATE, 2,
              np.zeros(n, dtype=np.int64))


@pytest.mark.parametrize("n", SIZES)
def test_recover(n: int) -> None:
    rng = np.random.default_rng(n)
    for trial in range(40):
        base = rng.lognormal(0.0, 0.5, n)
        resources = base * (1.0 - rng.random(n) * [0.5, 1e-9][trial % 2])
        _both("recover", resources, base, float(rng.random()))


@pytest.mark.parametrize("n", SIZES)
def test_pool_ambitions(n: int) -> None:
    rng = np.random.default_rng(n)
    for trial in range(40):
        ambitions, trust = rng.dirichlet([2.0, 2.0, 2.0], n), rng.random((n, n))
        np.fill_diagonal(trust, 1.0)
        if trial % 5 == 0:
            trust[0] = 0.0  # a member who trusts nobody keeps its ambition
        totals = trust.sum(axis=1) - trust.diagonal()
        _both("pool_ambitions", ambitions, trust @ ambitions, trust, totals,
              float(rng.random()), np.zeros_like(ambitions))


@pytest.mark.parametrize("n", [2, 3, 8, 20])
def test_min_offdiagonal(n: int) -> None:
    rng = np.random.default_rng(n)
    for trial in range(40):
        matrix = rng.random((n, n))
        np.fill_diagonal(matrix, 0.0)  # the diagonal is never read
        if trial % 10 == 0:
            matrix[0, 1] = np.nan
        _both("min_offdiagonal", matrix, ~np.eye(n, dtype=bool))


def test_runs_are_the_same_without_numba() -> None:
    """A few whole runs, with the compiled loops here and with numpy in a fresh process."""
    import json
    import os
    import subprocess
    import sys

    script = (
        "import json; from alliancesim import simulate\n"
        "runs = [simulate({'management_mode': mode}, seed=seed, record_steps=True)\n"
        "        for mode in ('dedicated', 'transversal') for seed in range(6)]\n"
        "print(json.dumps([[r.outcome, r.steps.to_dict('list')] for r in runs]))\n"
    )
    outputs = []
    for switch in ("1", "0"):
        env = {**os.environ, "ALLIANCESIM_NUMBA": switch}
        done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                              text=True, check=True)
        outputs.append(done.stdout)  # JSON keeps every float exactly (NaN as NaN)
    assert json.loads(outputs[0]) and outputs[0] == outputs[1]
