"""Kogut & Singh's (1988) cultural distance index on Hofstede's dimensions, as published.

For countries j and k the index is

    CD_jk = (1 / n) * sum_i (I_ij - I_ik)^2 / V_i

where I_ij is country j's score on dimension i and V_i is the variance of dimension i across
countries. Kogut & Singh used Hofstede's four original dimensions (n = 4); with the current
matrix we use all six by default, and ``dimensions=ORIGINAL_DIMENSIONS`` gives the 1988 index.

Variances. V_i is taken across the 101 *countries* of the matrix (its regional aggregates and
sub-national groups are left out, so no culture is counted twice), each dimension over the
countries that have a score on it. We use the sample variance (``ddof=1``): the matrix's
countries are a sample (about half) of the world's national cultures, so we estimate the
variance of the population of cultures with the unbiased estimator, which is also what
statistics packages report by default. ``ddof=0`` gives the population variance of the matrix
itself, which makes dimension i's term larger by n_i / (n_i - 1) (n_i = 69, 92 or 93
countries), so no distance changes by more than 1.5 %.

Missing dimensions. The matrix leaves many countries without some scores (32 countries have
only long-term orientation and/or indulgence). We do not impute them: a pair's index is the
mean, over the dimensions *both* countries have, of the variance-scaled squared difference.
Because the index is already a mean over dimensions, it keeps its scale however many
dimensions enter, and when both countries have every selected dimension it is exactly Kogut
& Singh's formula. How many dimensions entered is returned beside every value
(``n_dimensions``) so outputs can say so; a pair with fewer shared dimensions than
``min_dimensions`` (at least one) has no index (NaN).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from typing import NamedTuple

import numpy as np

from alliancesim.culture.countries import DIMENSIONS, country, load_matrix

ORIGINAL_DIMENSIONS = ("pdi", "idv", "mas", "uai")
# The mean index between two different countries drawn at random from the matrix. With V_i
# the sample variance over the n_i countries scored on dimension i, the sum over ordered pairs
# of distinct countries of (I_ij - I_ik)^2 is 2 n_i (n_i - 1) V_i, so every dimension's term
# averages exactly 2 over pairs, and so does the index. It is what we know of a pair whose
# countries share no scored dimension (alliancesim's model uses it for such pairs).
RANDOM_PAIR_DISTANCE = 2.0


class Distance(NamedTuple):
    """A Kogut-Singh index and the number of dimensions it was computed over."""

    value: float
    n_dimensions: int


class DistanceMatrix(NamedTuple):
    """Indices between profiles (NaN where too few dimensions were shared) and their counts."""

    values: np.ndarray
    n_dimensions: np.ndarray


@functools.cache
def _variances(ddof: int, kinds: frozenset[str]) -> np.ndarray:
    matrix = load_matrix()
    scores = matrix.scores[matrix.rows_of_kind(kinds)]
    variances = np.nanvar(scores, axis=0, ddof=ddof)
    variances.setflags(write=False)  # cached and shared
    return variances


def dimension_variances(ddof: int = 1, kinds: Iterable[str] = ("country",)) -> np.ndarray:
    """Variance of each of the six dimensions across the matrix's entries of ``kinds``.

    Each dimension uses the entries that have a score on it. ``ddof=1`` (default) is the sample
    variance, ``ddof=0`` the population variance. The array is shared and read-only.
    """
    wanted = frozenset([kinds] if isinstance(kinds, str) else kinds)
    return _variances(ddof, wanted)


@functools.cache
def _means(kinds: frozenset[str]) -> np.ndarray:
    matrix = load_matrix()
    means = np.nanmean(matrix.scores[matrix.rows_of_kind(kinds)], axis=0)
    means.setflags(write=False)  # cached and shared
    return means


def dimension_means(kinds: Iterable[str] = ("country",)) -> np.ndarray:
    """Mean of each of the six dimensions across the matrix's entries of ``kinds``, each over
    the entries that have a score on it. The array is shared and read-only."""
    wanted = frozenset([kinds] if isinstance(kinds, str) else kinds)
    return _means(wanted)


def dimension_mask(dimensions: Sequence[str] | None = None) -> np.ndarray:
    """Boolean mask over ``DIMENSIONS`` selecting ``dimensions`` (all six when None)."""
    if dimensions is None:
        return np.ones(len(DIMENSIONS), dtype=bool)
    unknown = set(dimensions) - set(DIMENSIONS)
    if unknown or not dimensions:
        raise ValueError(f"dimensions must be a non-empty subset of {DIMENSIONS}, got {dimensions}")
    return np.array([d in dimensions for d in DIMENSIONS])


def _as_profiles(values: np.ndarray, name: str) -> np.ndarray:
    array = np.asarray(values, dtype=float)
    if array.ndim == 1:
        array = array[None, :]
    if array.ndim != 2 or array.shape[1] != len(DIMENSIONS):
        raise ValueError(f"{name} needs {len(DIMENSIONS)} scores per profile, got {array.shape}")
    return array


def _checked_variances(variances: np.ndarray | None) -> np.ndarray:
    if variances is None:
        return dimension_variances()
    v = np.asarray(variances, dtype=float)
    if v.shape != (len(DIMENSIONS),) or np.any(v <= 0):
        raise ValueError(f"variances must be {len(DIMENSIONS)} positive numbers, got {v}")
    return v


def kogut_singh_matrix(
    rows: np.ndarray,
    cols: np.ndarray | None = None,
    variances: np.ndarray | None = None,
    dimensions: Sequence[str] | None = None,
    min_dimensions: int = 1,
) -> DistanceMatrix:
    """Index between every profile in ``rows`` and every profile in ``cols`` (default ``rows``).

    Profiles are arrays of six scores in ``DIMENSIONS`` order with NaN for missing ones.
    Works one dimension at a time, so memory stays O(rows * cols).
    """
    if min_dimensions < 1:
        raise ValueError("min_dimensions must be at least 1")
    x = _as_profiles(rows, "rows")
    y = x if cols is None else _as_profiles(cols, "cols")
    v = _checked_variances(variances)
    total = np.zeros((x.shape[0], y.shape[0]))
    count = np.zeros((x.shape[0], y.shape[0]), dtype=int)
    for i in np.flatnonzero(dimension_mask(dimensions)):
        scaled = (x[:, i, None] - y[None, :, i]) ** 2 / v[i]
        shared = ~np.isnan(scaled)  # NaN wherever either profile lacks dimension i
        total += np.where(shared, scaled, 0.0)
        count += shared
    with np.errstate(invalid="ignore", divide="ignore"):
        values = np.where(count >= min_dimensions, total / count, np.nan)
    return DistanceMatrix(values, count)


def kogut_singh(
    a: np.ndarray,
    b: np.ndarray,
    variances: np.ndarray | None = None,
    dimensions: Sequence[str] | None = None,
    min_dimensions: int = 1,
) -> Distance:
    """Index between two profiles over the dimensions both have (see the module docstring)."""
    result = kogut_singh_matrix(a, b, variances, dimensions, min_dimensions)
    if result.values.shape != (1, 1):
        raise ValueError("kogut_singh compares two single profiles; use kogut_singh_matrix")
    return Distance(float(result.values[0, 0]), int(result.n_dimensions[0, 0]))


def country_distance(
    a: str,
    b: str,
    variances: np.ndarray | None = None,
    dimensions: Sequence[str] | None = None,
    min_dimensions: int = 1,
) -> Distance:
    """Index between two matrix entries given by name, code or alias."""
    return kogut_singh(country(a).scores, country(b).scores, variances, dimensions, min_dimensions)
