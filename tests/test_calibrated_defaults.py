"""The calibrated defaults meet every calibration pattern on fresh seeds."""

from __future__ import annotations

import pytest

from alliancesim.validation.patterns import evaluate
from alliancesim.validation.run import default_runs


@pytest.mark.slow
def test_defaults_meet_every_calibration_pattern():
    # 150 runs per mode of the mix, seeds the calibration never used.
    table = evaluate(default_runs(150, seed=777, workers=2), replicates=200)
    outside = table.loc[~table["inside"], ["pattern", "value", "band"]]
    assert outside.empty, outside.to_string()
