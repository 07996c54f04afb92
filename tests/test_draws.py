"""A stream's uniform draws taken a block at a time are the draws taken call by call."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from alliancesim.model.draws import UniformBlock


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), sizes=st.lists(st.integers(0, 150), max_size=40),
       block=st.integers(1, 100))
def test_block_draws_equal_call_by_call_draws(seed: int, sizes: list[int], block: int) -> None:
    blocks = UniformBlock(np.random.default_rng(seed), block=block)
    one_by_one = np.random.default_rng(seed)
    for n in sizes:  # sizes above the block and zero included
        taken = blocks.take(n)
        assert isinstance(taken, list) and len(taken) == n
        assert taken == one_by_one.random(n).tolist()
