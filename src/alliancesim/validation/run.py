"""Running a parameter set once per management mode of a mix, on common seeds."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from alliancesim.compare.runner import Progress, run_all
from alliancesim.scenarios import scenario_from_dict
from alliancesim.validation.mixture import CALIBRATION_MIX, MODE_COLUMN, Mix


def mix_runs(replicates: int, seed: int, parameters: Mapping[str, Any] | None = None,
             mix: Mix = CALIBRATION_MIX, workers: int | None = None,
             progress: Progress | None = None) -> pd.DataFrame:
    """One outcome row per run: ``replicates`` runs of every mode of ``mix``.

    Replicate r of every mode uses the same seed (child r of ``SeedSequence(seed)``), so the
    modes differ only by who holds the management time. ``parameters`` overrides the defaults.
    """
    scenarios = [
        scenario_from_dict({"name": mode, "description": f"{mode} management",
                            "parameters": {**(parameters or {}), MODE_COLUMN: mode}}, mode)
        for mode in mix.modes
    ]
    outcomes, _ = run_all(scenarios, replicates, seed, workers, progress, trajectories=False)
    outcomes[MODE_COLUMN] = outcomes["scenario"].astype(str)
    return outcomes


def default_runs(replicates: int, seed: int, workers: int | None = None,
                 progress: Progress | None = None) -> pd.DataFrame:
    """The defaults under every mode of the calibration mix (see :func:`mix_runs`)."""
    return mix_runs(replicates, seed, workers=workers, progress=progress)
