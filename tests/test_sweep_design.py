"""Designs: how many points each scheme gives, and that they stay within the factors' bounds."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alliancesim.sweeps.design import UNIT_PREFIX, Factor, make_design

RANGED = [
    Factor("cultural_diversity", "float", low=0.5, high=2.5),
    Factor("openness_mean", "float", low=0.1, high=0.9),
    Factor("n_members", "int", low=4, high=12),
]
MODES = Factor("management_mode", "choice", values=("dedicated", "transversal", "hybrid"))


def assert_within_bounds(points, factors):
    for f in factors:
        values = points[f.name]
        if f.ranged:
            assert values.min() >= f.low and values.max() <= f.high, f.name
            if f.kind == "int":
                assert (values == values.round()).all(), f"{f.name} must be whole numbers"
        else:
            assert set(values) == set(f.values)


@pytest.mark.parametrize(
    ("kind", "options", "per_combo"),
    [
        ("random", {"samples": 50}, 50),
        ("lhs", {"samples": 40}, 40),
        ("sobol", {"samples": 64}, 64 * (3 + 2)),
        ("sobol", {"samples": 32, "second_order": True}, 32 * (2 * 3 + 2)),
        ("morris", {"samples": 10, "levels": 4}, 10 * (3 + 1)),
    ],
)
def test_sampled_designs_have_the_scheme_size_within_bounds(kind, options, per_combo):
    design = make_design(kind, RANGED, [MODES], seed=11, **options)
    assert design.n_points == per_combo * len(MODES.values)
    assert list(design.points["point"]) == list(range(design.n_points))
    assert_within_bounds(design.points, design.factors)
    # every combination of crossed values sees the same numeric points
    blocks = [b.drop(columns=["point", "combo", "management_mode"]).reset_index(drop=True)
              for _, b in design.points.groupby("combo")]
    for block in blocks[1:]:
        assert block.equals(blocks[0])


def test_grid_crosses_evenly_spaced_levels_and_listed_values():
    design = make_design("grid", RANGED[:2], [MODES], levels=4)
    assert design.n_points == 4 * 4 * 3
    assert sorted(design.points["cultural_diversity"].unique()) == pytest.approx(
        [0.5, 0.5 + 2 / 3, 0.5 + 4 / 3, 2.5])
    assert_within_bounds(design.points, design.factors)
    combos = design.points[["cultural_diversity", "openness_mean", "management_mode"]]
    assert not combos.duplicated().any()


def test_grid_of_a_narrow_integer_range_keeps_each_integer_once():
    design = make_design("grid", [Factor("shared_max_members", "int", low=3, high=5)],
                         levels=6)
    assert sorted(design.points["shared_max_members"]) == [3, 4, 5]


def test_grid_of_listed_values_only():
    design = make_design("grid", [], [MODES, Factor("n_members", "int", values=(4, 8))])
    assert design.n_points == 6


def test_latin_hypercube_puts_one_point_in_every_stratum():
    n = 20
    design = make_design("lhs", RANGED, samples=n, seed=3)
    for f in RANGED:
        strata = np.floor(design.points[UNIT_PREFIX + f.name] * n).astype(int)
        assert sorted(strata) == list(range(n)), f.name


def test_same_seed_same_points_other_seed_other_points():
    a = make_design("lhs", RANGED, samples=16, seed=5).points
    b = make_design("lhs", RANGED, samples=16, seed=5).points
    c = make_design("lhs", RANGED, samples=16, seed=6).points
    assert a.equals(b)
    assert not a.equals(c)


@settings(max_examples=60, deadline=None)
@given(low=st.integers(0, 50), width=st.integers(1, 30),
       u=st.lists(st.floats(0.0, 1.0), min_size=1, max_size=30))
def test_integer_factors_map_the_unit_interval_onto_every_integer(low, width, u):
    factor = Factor("x", "int", low=low, high=low + width)
    mapped = factor.from_unit(np.array(u))
    assert mapped.min() >= low and mapped.max() <= low + width
    # equal shares: the midpoint of the k-th of (width + 1) slices maps to low + k
    mids = (np.arange(width + 1) + 0.5) / (width + 1)
    assert list(factor.from_unit(mids)) == list(range(low, low + width + 1))


def test_unknown_design_is_refused():
    with pytest.raises(ValueError, match="allowed: grid, random, lhs, sobol, morris"):
        make_design("factorial", RANGED, samples=4)
