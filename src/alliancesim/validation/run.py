"""Running the defaults over many seeds for validation."""

from __future__ import annotations

import pandas as pd

from alliancesim.compare.runner import Progress, run_all
from alliancesim.scenarios import scenario_from_dict

DEFAULTS = {"name": "Defaults", "description": "The built-in default parameters."}


def default_runs(replicates: int, seed: int, workers: int | None = None,
                 progress: Progress | None = None) -> pd.DataFrame:
    """One outcome row per run of the default alliance, seeds spawned from ``seed``."""
    outcomes, _ = run_all([scenario_from_dict(DEFAULTS, "defaults")], replicates, seed,
                          workers, progress)
    return outcomes
