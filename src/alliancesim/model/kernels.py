"""Compiled loops for the monthly updates of the members' arrays.

With a handful of members, each numpy operation costs far more in call overhead than in
arithmetic, and a monthly update chains a dozen of them. These loops (compiled by numba, and
cached on disk after the first run) do the same element-wise arithmetic, in the same order
and without fast-math, so their results are bit for bit those of the numpy expressions they
replace (quoted in each docstring). Reductions (sums, dot products) stay in numpy: their
summation order is numpy's own.

Only the model imports this module, so the command line starts without loading numba.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def build_trust(trust: np.ndarray, proximity: np.ndarray, openness: np.ndarray,
                commitment: np.ndarray, gain: float, weight: float, clamp: bool) -> None:
    """Trust built by a month of working together, in place::

        truster = gain * weight * openness + gain * (1.0 - 0.5 * weight)
        step = truster[:, None] * proximity
        step *= commitment
        if clamp:
            np.minimum(step, 1.0, out=step)
        step *= 1.0 - trust
        trust += step
    """
    scaled, base = gain * weight, gain * (1.0 - 0.5 * weight)
    n = trust.shape[0]
    for i in range(n):
        truster = scaled * openness[i] + base
        for j in range(n):
            step = truster * proximity[i, j] * commitment[j]
            if clamp and step > 1.0:  # as np.minimum(step, 1.0): NaN is kept
                step = 1.0
            t = trust[i, j]
            trust[i, j] = t + step * (1.0 - t)


@njit(cache=True)
def open_up(openness: np.ndarray, exposure: np.ndarray, rate: float) -> None:
    """Openness gained from the month's exposure to other cultures, in place::

        exposure *= rate
        np.minimum(exposure, 1.0, out=exposure)
        openness += exposure * (1.0 - openness)
    """
    for i in range(openness.shape[0]):
        e = exposure[i] * rate
        if e > 1.0:  # as np.minimum(e, 1.0): NaN is kept
            e = 1.0
        o = openness[i]
        openness[i] = o + e * (1.0 - o)


@njit(cache=True)
def fade(skill: np.ndarray, entry: np.ndarray, rate: float) -> None:
    """Skill above the entry level fades, in place::

        above = skill - entry
        np.maximum(above, 0.0, out=above)
        above *= rate
        skill -= above
    """
    for i in range(skill.shape[0]):
        above = skill[i] - entry[i]
        if above < 0.0:  # np.maximum keeps NaN and -0.0, as this test does
            above = 0.0
        skill[i] = skill[i] - above * rate


@njit(cache=True)
def min_offdiagonal(matrix: np.ndarray) -> float:
    """The smallest entry off the diagonal (NaN if any is NaN), as
    ``np.min(matrix, where=~np.eye(n, dtype=bool), initial=np.inf)``: a minimum does not
    depend on the order the entries are read in."""
    smallest = np.inf
    n = matrix.shape[0]
    for i in range(n):
        for j in range(n):
            if i != j:
                value = matrix[i, j]
                if value != value:
                    return value
                if value < smallest:
                    smallest = value
    return smallest
