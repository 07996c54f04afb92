"""The metamodel over a verdict's design: its check passes on a smooth surface and fails on
one it cannot represent, its answers are used only when the check passes, and a fit is a
function of the data alone."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from alliancesim.compare.answers import DIFFERENT, EQUIVALENT, UNDECIDED, judge_paired
from alliancesim.verdict.metamodel import (
    METAMODEL,
    OWN,
    check,
    design_matrix,
    fit,
    pair_answers,
    point_means,
)

POINTS, FACTORS, REPLICATES, MARGIN = 300, 4, 8, 0.05


def _runs(truth: np.ndarray, seed: int) -> tuple[pd.Series, pd.Series]:
    """Replicate paired differences around each point's true difference (noise sd 0.5, as
    a yes/no outcome's)."""
    rng = np.random.default_rng(seed)
    values = truth[:, None] + rng.normal(0.0, 0.5, (len(truth), REPLICATES))
    return (pd.Series(values.ravel()),
            pd.Series(np.repeat(np.arange(len(truth)), REPLICATES)))


def _factors(seed: int = 1) -> np.ndarray:
    return np.random.default_rng(seed).random((POINTS, FACTORS))


def _smooth(x: np.ndarray) -> np.ndarray:
    return 0.25 * np.sin(3 * x[:, 0]) + 0.1 * x[:, 1] - 0.05


def _own(values: pd.Series, points: pd.Series) -> pd.DataFrame:
    rows = []
    for point, group in values.groupby(points.to_numpy()):
        answer = judge_paired(group.to_numpy(), MARGIN)
        rows.append({"point": point, "answer": answer.answer, "diff": answer.diff,
                     "low": answer.low, "high": answer.high})
    return pd.DataFrame(rows)


def _wrong(table: pd.DataFrame, truth: np.ndarray) -> float:
    """Share of points given a wrong decided answer."""
    sign = np.sign(table["diff"].to_numpy(dtype=float))
    different = (table["answer"] == DIFFERENT).to_numpy() & (sign != np.sign(truth))
    equivalent = (table["answer"] == EQUIVALENT).to_numpy() & (np.abs(truth) >= MARGIN)
    return float((different | equivalent).mean())


def test_a_smooth_surface_passes_the_check_and_decides_more_points_correctly():
    x = _factors()
    truth = _smooth(x)
    values, points = _runs(truth, seed=2)
    own = _own(values, points)
    table, result = pair_answers(own, pd.DataFrame(x), values, points, MARGIN, 0.95)
    assert result is not None and result.passed, result
    own_share = float((own["answer"] != UNDECIDED).mean())
    share = float((table["answer"] != UNDECIDED).mean())
    assert share > own_share + 0.2  # neighbours decide what a point's 8 runs cannot
    assert (table["source"] == METAMODEL).sum() > 0
    assert _wrong(table, truth) <= 0.05


def test_a_surface_with_jumps_fails_the_check_and_the_points_keep_their_own_answers():
    x = _factors()
    truth = _smooth(x)
    rng = np.random.default_rng(3)
    jumps = rng.random(POINTS) < 0.2  # a fifth of the points far off any smooth surface
    truth[jumps] += rng.choice([-3.0, 3.0], int(jumps.sum()))
    values, points = _runs(truth, seed=4)
    own = _own(values, points)
    table, result = pair_answers(own, pd.DataFrame(x), values, points, MARGIN, 0.95)
    assert result is not None and not result.passed, result
    assert result.coverage < result.floor
    assert (table["source"] == OWN).all()
    assert table["answer"].tolist() == own["answer"].tolist()


def test_the_check_measures_coverage_against_the_confidence():
    x = _factors()
    values, points = _runs(_smooth(x), seed=5)
    model = fit(x, point_means(values, points))
    loose, strict = check(model, 0.8), check(model, 0.99)
    assert loose.coverage < strict.coverage  # wider intervals cover more held-out points
    assert loose.floor < loose.nominal and 0 < loose.coverage <= 1


def test_too_few_points_give_no_metamodel():
    x = _factors()[:10]
    values, points = _runs(_smooth(x), seed=6)
    own = _own(values, points)
    table, result = pair_answers(own, pd.DataFrame(x), values, points, MARGIN, 0.95)
    assert result is None and (table["source"] == OWN).all()


def test_a_fit_is_a_function_of_the_data_alone():
    x = _factors()
    values, points = _runs(_smooth(x), seed=7)
    first = fit(x, point_means(values, points)).posterior()
    second = fit(x, point_means(values, points)).posterior()
    for a, b in zip(first, second, strict=True):
        assert np.array_equal(a, b)


def test_a_point_whose_runs_all_agree_is_not_taken_as_noiseless():
    values = pd.Series([0.0] * 4 + [1.0, -1.0, 0.0, 1.0])
    points = pd.Series([0] * 4 + [1] * 4)
    means = point_means(values, points)
    assert means.variance[0] > 0
    assert means.n.tolist() == [4, 4]


def test_the_design_matrix_scales_numbers_and_one_hots_listed_values():
    inputs = pd.DataFrame({"size": [3, 8, 13], "sector": ["mixed", "business", "mixed"],
                           "flag": [True, False, True]})
    matrix = design_matrix(inputs)
    assert matrix.shape == (3, 1 + 2 + 2)
    assert matrix[:, 0].tolist() == pytest.approx([0.0, 0.5, 1.0])
    assert matrix[:, 1:3].sum(axis=1).tolist() == [1.0, 1.0, 1.0]
