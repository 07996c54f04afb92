"""Uniform draws of a random stream that draws nothing else, taken a block at a time."""

from __future__ import annotations

import numpy as np


class UniformBlock:
    """The uniform draws of ``rng``, ``n`` at a time, exactly as ``rng.random(n)`` gives
    them call after call: numpy fills a block with the same doubles in the same order, so
    the numbers are bit for bit the same, and one call a block replaces one call a month.
    Only the generator's own state runs up to a block ahead, so it suits a stream nothing
    else draws from (the turnover of members' representatives)."""

    __slots__ = ("_block", "_draws", "_next", "_rng")

    def __init__(self, rng: np.random.Generator, block: int = 64) -> None:
        self._rng, self._block = rng, block
        self._draws: list[float] = []
        self._next = 0

    def take(self, n: int) -> list[float]:
        """The next ``n`` draws, as plain floats."""
        end = self._next + n
        if end > len(self._draws):
            self._draws = (self._draws[self._next:]
                           + self._rng.random(max(self._block, n)).tolist())
            self._next, end = 0, n
        taken = self._draws[self._next:end]
        self._next = end
        return taken
