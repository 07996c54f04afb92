"""Monthly updates of the members' arrays, as numpy expressions and as compiled loops.

With a handful of members, each numpy operation costs far more in call overhead than in
arithmetic, and a monthly update chains a dozen of them. Each update is written twice here:
as the numpy expressions the model always used (``_numpy_*``) and as a plain loop
(``_loop_*``) doing the same element-wise arithmetic in the same order. When numba is
installed, the loops are compiled (without fast-math, and cached on disk after the first
run) and the model calls them; their results are bit for bit those of the numpy expressions
(tests/test_kernels.py checks it). Without numba, or with the environment variable
``ALLIANCESIM_NUMBA=0``, the model calls the numpy expressions. Reductions (sums, dot
products) stay in numpy either way: their summation order is numpy's own.

The loops are compiled when a process makes its first model (:func:`compile_loops`), so
the command line, and a process that only plans or stores runs, never load numba.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import numpy as np

# Resources count as recovered once every member is within this much of its base level.
RECOVERED = 1e-6


# --- trust built by working together -------------------------------------------------------
def _numpy_build_trust(trust: np.ndarray, proximity: np.ndarray, openness: np.ndarray,
                       commitment: np.ndarray, gain: float, weight: float,
                       clamp: bool) -> None:
    """Trust built by a month of working together, in place (capped steps when ``clamp``)."""
    truster = gain * weight * openness + gain * (1.0 - 0.5 * weight)
    step = truster[:, None] * proximity
    step *= commitment
    if clamp:
        np.minimum(step, 1.0, out=step)
    step *= 1.0 - trust
    trust += step


def _loop_build_trust(trust: np.ndarray, proximity: np.ndarray, openness: np.ndarray,
                      commitment: np.ndarray, gain: float, weight: float,
                      clamp: bool) -> None:
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


# --- openness learnt from other cultures ---------------------------------------------------
def _numpy_open_up(openness: np.ndarray, exposure: np.ndarray, rate: float) -> None:
    """Openness gained from the month's exposure to other cultures, in place."""
    scaled = exposure * rate
    np.minimum(scaled, 1.0, out=scaled)
    openness += scaled * (1.0 - openness)


def _loop_open_up(openness: np.ndarray, exposure: np.ndarray, rate: float) -> None:
    for i in range(openness.shape[0]):
        e = exposure[i] * rate
        if e > 1.0:  # as np.minimum(e, 1.0): NaN is kept
            e = 1.0
        o = openness[i]
        openness[i] = o + e * (1.0 - o)


# --- knowledge of the alliance ------------------------------------------------------------
def _numpy_get_to_know(knowledge: np.ndarray, gain: float) -> None:
    """Each representative closes ``gain`` of the gap to knowing the alliance fully, in
    place."""
    knowledge += gain * (1.0 - knowledge)


def _loop_get_to_know(knowledge: np.ndarray, gain: float) -> None:
    for i in range(knowledge.shape[0]):
        k = knowledge[i]
        knowledge[i] = k + gain * (1.0 - k)


# --- skill: fading and learning ------------------------------------------------------------
def _numpy_fade(skill: np.ndarray, entry: np.ndarray, rate: float) -> None:
    """Skill above the entry level fades at ``rate``, in place."""
    above = skill - entry
    np.maximum(above, 0.0, out=above)
    above *= rate
    skill -= above


def _loop_fade(skill: np.ndarray, entry: np.ndarray, rate: float) -> None:
    for i in range(skill.shape[0]):
        above = skill[i] - entry[i]
        if above < 0.0:  # as np.maximum(above, 0.0): NaN and -0.0 are kept
            above = 0.0
        skill[i] = skill[i] - above * rate


def _numpy_learn(skill: np.ndarray, time: np.ndarray, rate: float) -> None:
    """Learning by doing: each member closes ``rate`` of its skill gap per FTE-month given,
    in place."""
    closed = np.minimum(rate * time, 1.0)
    skill[:] = skill + closed * (1.0 - skill)


def _loop_learn(skill: np.ndarray, time: np.ndarray, rate: float) -> None:
    for i in range(skill.shape[0]):
        closed = rate * time[i]
        if closed > 1.0:  # as np.minimum(closed, 1.0): NaN is kept
            closed = 1.0
        skill[i] = skill[i] + closed * (1.0 - skill[i])


# --- commitment ----------------------------------------------------------------------------
def _numpy_shift_all(values: np.ndarray, delta: float) -> None:
    """``values`` move by the number ``delta``, within [0, 1], in place."""
    np.clip(values + delta, 0.0, 1.0, out=values)


def _numpy_shift_each(values: np.ndarray, delta: np.ndarray) -> None:
    """``values`` move by the array ``delta``, within [0, 1], in place."""
    np.clip(values + delta, 0.0, 1.0, out=values)


def _clip01(value: float) -> float:
    """``np.clip(value, 0.0, 1.0)``, with numpy's order of comparisons (NaN is kept)."""
    if value != value:
        return value
    value = value if value > 0.0 else 0.0
    return value if value < 1.0 else 1.0


def _loop_shift_all(values: np.ndarray, delta: float) -> None:
    for i in range(values.shape[0]):
        values[i] = _clip01(values[i] + delta)


def _loop_shift_each(values: np.ndarray, delta: np.ndarray) -> None:
    for i in range(values.shape[0]):
        values[i] = _clip01(values[i] + delta[i])


def _numpy_next_states(previous: np.ndarray, commitment: np.ndarray, edges: np.ndarray,
                       table: np.ndarray, disengaged_state: int,
                       out: np.ndarray) -> tuple[int, int]:
    """The commitment states after this month (``table`` by previous state and band),
    written into ``out``; how many changed and how many are in ``disengaged_state``."""
    band = np.searchsorted(edges, commitment, side="right")
    out[:] = table[np.asarray(previous), band]
    return (int(np.count_nonzero(previous != out)),
            int(np.count_nonzero(out == disengaged_state)))


def _loop_next_states(previous: np.ndarray, commitment: np.ndarray, edges: np.ndarray,
                      table: np.ndarray, disengaged_state: int,
                      out: np.ndarray) -> tuple[int, int]:
    # ``edges`` are sorted (the parameters' constraints ensure it), so a member's band is the
    # number of edges not above its commitment (all four for NaN, as numpy sorts NaN last).
    # The states go into an array made by the caller: an array made here would have to be
    # handed back to Python, which costs more than the loop.
    changed = disengaged = 0
    for i in range(previous.shape[0]):
        value, band = commitment[i], 0
        for edge in edges:
            if not value < edge:
                band += 1
        state = table[previous[i], band]
        out[i] = state
        changed += state != previous[i]
        disengaged += state == disengaged_state
    return changed, disengaged


# --- resources -----------------------------------------------------------------------------
def _numpy_recover(resources: np.ndarray, base: np.ndarray, rate: float) -> bool:
    """Lost resources return at ``rate``, in place; whether they count as back (a NaN gap
    never is)."""
    gap = base - resources
    resources += rate * gap
    return float(gap.max(initial=0.0)) < RECOVERED


def _loop_recover(resources: np.ndarray, base: np.ndarray, rate: float) -> bool:
    largest = 0.0
    for i in range(resources.shape[0]):
        gap = base[i] - resources[i]
        resources[i] = resources[i] + rate * gap
        if gap != gap or gap > largest:  # as np.max: a NaN wins
            largest = gap
    return largest < RECOVERED


# --- ambitions -----------------------------------------------------------------------------
def _numpy_pool_ambitions(ambitions: np.ndarray, weighted: np.ndarray, trust: np.ndarray,
                          totals: np.ndarray, rate: float, out: np.ndarray) -> None:
    """The ambitions after a round of pooling, written into ``out``, from
    ``weighted = trust @ ambitions`` and the trust ``totals`` each member places in the
    others (a member trusting nobody keeps its ambition)."""
    own = trust.diagonal()[:, None]
    column = totals[:, None]
    pooled = np.divide(weighted - own * ambitions, column, out=ambitions.copy(),
                       where=column > 0)
    np.add((1.0 - rate) * ambitions, rate * pooled, out=out)


def _loop_pool_ambitions(ambitions: np.ndarray, weighted: np.ndarray, trust: np.ndarray,
                         totals: np.ndarray, rate: float, out: np.ndarray) -> None:
    n, k = ambitions.shape
    keep = 1.0 - rate
    for i in range(n):
        own, total = trust[i, i], totals[i]
        for j in range(k):
            value = ambitions[i, j]
            pooled = (weighted[i, j] - own * value) / total if total > 0 else value
            out[i, j] = keep * value + rate * pooled


# --- pairwise trust, for the step table ----------------------------------------------------
def _numpy_min_offdiagonal(matrix: np.ndarray, pairs: np.ndarray) -> float:
    """The smallest entry off the diagonal (NaN if any is NaN); ``pairs`` is True off the
    diagonal."""
    return float(np.min(matrix, where=pairs, initial=np.inf))


def _loop_min_offdiagonal(matrix: np.ndarray, pairs: np.ndarray) -> float:
    # A minimum does not depend on the order the entries are read in; the loop knows where
    # the diagonal is without ``pairs``.
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


def _numba_jit() -> Callable[..., Any] | None:
    """numba's ``njit`` when numba is installed and not switched off, else None."""
    if os.environ.get("ALLIANCESIM_NUMBA", "1") == "0":
        return None
    try:
        from numba import njit
    except ImportError:
        return None
    return njit


# The monthly updates by name: their loops, and the numpy forms used until (and unless) the
# loops are compiled.
_LOOPS: dict[str, Callable[..., Any]] = {
    "build_trust": _loop_build_trust, "open_up": _loop_open_up,
    "get_to_know": _loop_get_to_know, "fade": _loop_fade,
    "learn": _loop_learn, "shift_all": _loop_shift_all, "shift_each": _loop_shift_each,
    "next_states": _loop_next_states, "recover": _loop_recover,
    "pool_ambitions": _loop_pool_ambitions, "min_offdiagonal": _loop_min_offdiagonal,
}
build_trust = _numpy_build_trust
open_up = _numpy_open_up
get_to_know = _numpy_get_to_know
fade = _numpy_fade
learn = _numpy_learn
shift_all = _numpy_shift_all
shift_each = _numpy_shift_each
next_states = _numpy_next_states
recover = _numpy_recover
pool_ambitions = _numpy_pool_ambitions
min_offdiagonal = _numpy_min_offdiagonal
COMPILED = False  # whether the names above are the compiled loops
_tried = False


def compile_loops() -> bool:
    """Put the compiled loops in place of the numpy forms, once per process, the first time
    a model is made (so that a process that only plans or stores runs, like a sweep's
    coordinator, never loads numba). Returns whether the loops are compiled."""
    global _tried, _clip01, COMPILED
    if _tried:
        return COMPILED
    _tried = True
    njit = _numba_jit()
    if njit is None:
        return False
    _clip01 = njit(cache=True)(_clip01)  # called from the loops: in place before they compile
    globals().update({name: njit(cache=True)(loop) for name, loop in _LOOPS.items()})
    COMPILED = True
    return True
