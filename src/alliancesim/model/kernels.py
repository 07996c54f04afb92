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

# Resources count as recovered once every member is within this much of its base level.
RECOVERED = 1e-6


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


@njit(cache=True)
def _clip01(value: float) -> float:
    """``np.clip(value, 0.0, 1.0)``, with numpy's order of comparisons (NaN is kept)."""
    if value != value:
        return value
    value = value if value > 0.0 else 0.0
    return value if value < 1.0 else 1.0


@njit(cache=True)
def shift_all(values: np.ndarray, delta: float) -> None:
    """``np.clip(values + delta, 0.0, 1.0, out=values)`` for a number ``delta``."""
    for i in range(values.shape[0]):
        values[i] = _clip01(values[i] + delta)


@njit(cache=True)
def shift_each(values: np.ndarray, delta: np.ndarray) -> None:
    """``np.clip(values + delta, 0.0, 1.0, out=values)`` for an array ``delta``."""
    for i in range(values.shape[0]):
        values[i] = _clip01(values[i] + delta[i])


@njit(cache=True)
def next_states(previous: np.ndarray, commitment: np.ndarray, edges: np.ndarray,
                table: np.ndarray, disengaged_state: int) -> tuple[np.ndarray, int, int]:
    """The commitment states after this month, how many changed and how many are in
    ``disengaged_state``::

        band = np.searchsorted(edges, commitment, side="right")
        states = table[previous, band]

    ``edges`` are sorted (the parameters' constraints ensure it), so a member's band is the
    number of edges not above its commitment (all four for NaN, as numpy sorts NaN last).
    """
    n = previous.shape[0]
    states = np.empty(n, dtype=np.int64)
    changed = disengaged = 0
    for i in range(n):
        value, band = commitment[i], 0
        for edge in edges:
            if not value < edge:
                band += 1
        state = table[previous[i], band]
        states[i] = state
        changed += state != previous[i]
        disengaged += state == disengaged_state
    return states, changed, disengaged


@njit(cache=True)
def recover(resources: np.ndarray, base: np.ndarray, rate: float) -> bool:
    """Lost resources return at ``rate``, in place; whether they count as back::

        gap = base - resources
        resources += rate * gap
        return float(gap.max(initial=0.0)) < RECOVERED

    (a NaN gap is never back).
    """
    largest = 0.0
    for i in range(resources.shape[0]):
        gap = base[i] - resources[i]
        resources[i] = resources[i] + rate * gap
        if gap != gap or gap > largest:  # np.max: a NaN wins
            largest = gap
    return largest < RECOVERED


@njit(cache=True)
def learn(skill: np.ndarray, time: np.ndarray, rate: float) -> None:
    """Learning by doing, in place::

        closed = np.minimum(rate * time, 1.0)
        skill[:] = skill + closed * (1.0 - skill)
    """
    for i in range(skill.shape[0]):
        closed = rate * time[i]
        if closed > 1.0:  # as np.minimum(closed, 1.0): NaN is kept
            closed = 1.0
        skill[i] = skill[i] + closed * (1.0 - skill[i])


@njit(cache=True)
def pool_ambitions(ambitions: np.ndarray, weighted: np.ndarray, trust: np.ndarray,
                   totals: np.ndarray, rate: float) -> np.ndarray:
    """The ambitions after a round of pooling, from ``weighted = trust @ ambitions`` and the
    trust ``totals`` each member places in the others::

        own = np.diagonal(trust)[:, None]
        pooled = np.divide(weighted - own * ambitions, totals[:, None],
                           out=ambitions.copy(), where=totals[:, None] > 0)
        return (1.0 - rate) * ambitions + rate * pooled
    """
    n, k = ambitions.shape
    result = np.empty((n, k))
    keep = 1.0 - rate
    for i in range(n):
        own, total = trust[i, i], totals[i]
        for j in range(k):
            value = ambitions[i, j]
            pooled = (weighted[i, j] - own * value) / total if total > 0 else value
            result[i, j] = keep * value + rate * pooled
    return result
