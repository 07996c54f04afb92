"""Over many seeds, the mechanisms move the outcomes they should.

Differences between management modes are outputs of the model, never asserted here (see
tests/test_shared_skill.py for the parity of a manager and members when every asymmetry
between them is switched off)."""

from __future__ import annotations

import numpy as np
from scipy import stats

from alliancesim import simulate

SEEDS = range(80)


def conflict_rate(cultural_diversity: float) -> np.ndarray:
    """Conflicts per member-month while the alliance can have conflicts, one value per seed."""
    rates = []
    for seed in SEEDS:
        steps = simulate({"cultural_diversity": cultural_diversity, "horizon": 48}, seed=seed,
                         record_steps=True).steps
        live = steps[steps["phase"].isin(["founding", "evolving", "transforming"])]
        rates.append(live["conflicts_new"].sum() / max(live["members"].sum(), 1))
    return np.array(rates)


def test_higher_cultural_distance_gives_more_conflicts():
    low, high = conflict_rate(0.2), conflict_rate(2.5)
    assert high.mean() > 1.3 * low.mean()
    assert stats.mannwhitneyu(high, low, alternative="greater").pvalue < 0.001
