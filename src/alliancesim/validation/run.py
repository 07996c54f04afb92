"""Running the defaults over many seeds for validation."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from alliancesim.compare.runner import Progress, run_comparison
from alliancesim.scenarios import scenario_from_dict

DEFAULTS = {"name": "Defaults", "description": "The built-in default parameters."}


def default_runs(replicates: int, seed: int, workers: int | None = None,
                 progress: Progress | None = None, *, out: str | Path | None = None,
                 scheduler: str | None = None) -> pd.DataFrame:
    """One outcome row per run of the default alliance, seeds spawned from ``seed``.

    With ``out`` the runs stream to that folder (its ``runs/`` parts and ``manifest.json``),
    and a validation stopped midway resumes there.
    """
    runs = run_comparison([scenario_from_dict(DEFAULTS, "defaults")], replicates, seed,
                          workers=workers, progress=progress, trajectories=False, out=out,
                          scheduler=scheduler, kind="validate")
    return runs.outcomes
