"""Running a parameter set once per management mode of a mix, on common seeds."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from alliancesim.compare.runner import Progress, run_comparison
from alliancesim.scenarios import scenario_from_dict
from alliancesim.validation.mixture import CALIBRATION_MIX, MODE_COLUMN, Mix


def mix_runs(replicates: int, seed: int, parameters: Mapping[str, Any] | None = None,
             mix: Mix = CALIBRATION_MIX, workers: int | None = None,
             progress: Progress | None = None, *, out: str | Path | None = None,
             scheduler: str | None = None, overwrite: bool = False) -> pd.DataFrame:
    """One outcome row per run: ``replicates`` runs of every mode of ``mix``.

    Replicate r of every mode uses the same seed (child r of ``SeedSequence(seed)``), so the
    modes differ only by who holds the management time. ``parameters`` overrides the defaults.
    With ``out`` the runs stream to that folder (its ``runs/`` parts and ``manifest.json``),
    and a validation stopped midway resumes there; ``scheduler`` runs them on Dask. A folder
    holding a different validation is refused unless ``overwrite`` (which deletes it).
    """
    scenarios = [
        scenario_from_dict({"name": mode, "description": f"{mode} management",
                            "parameters": {**(parameters or {}), MODE_COLUMN: mode}}, mode)
        for mode in mix.modes
    ]
    outcomes = run_comparison(scenarios, replicates, seed, workers=workers, progress=progress,
                              trajectories=False, out=out, scheduler=scheduler,
                              kind="validate", overwrite=overwrite).outcomes
    outcomes[MODE_COLUMN] = outcomes["scenario"].astype(str)
    return outcomes


def default_runs(replicates: int, seed: int, workers: int | None = None,
                 progress: Progress | None = None, *, out: str | Path | None = None,
                 scheduler: str | None = None, overwrite: bool = False) -> pd.DataFrame:
    """The defaults under every mode of the calibration mix (see :func:`mix_runs`)."""
    return mix_runs(replicates, seed, workers=workers, progress=progress, out=out,
                    scheduler=scheduler, overwrite=overwrite)
