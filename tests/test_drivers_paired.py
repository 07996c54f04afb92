"""The drivers' and price blocks' standard errors are paired by seed when the results keep
the runs' values (every mode and setting runs on the same seeds)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from alliancesim.params import MANAGEMENT_MODES, MECHANISMS
from alliancesim.report.blocks import management_price_table
from alliancesim.validation.drivers import ALL_ON, drivers, gap, is_paired, mode_summary

N = 200


def _runs(fate: np.ndarray, threshold: float) -> pd.DataFrame:
    return pd.DataFrame({"replicate": np.arange(N), "failed": fate < threshold,
                         "value_total": 50 + 10 * fate})


def _results() -> dict:
    """Every mode fails where a seed's fate is low; transversal at 10 points more of the
    seeds, except with learning by doing off. Common seeds: one fate per seed."""
    fate = np.random.default_rng(3).random(N)
    rows = []
    for setting in (ALL_ON, *MECHANISMS):
        extra = 0.0 if setting == "learning_by_doing" else 0.1
        modes = {m: mode_summary(_runs(fate, 0.4 + (extra if m == "transversal" else 0)))
                 for m in MANAGEMENT_MODES}
        rows.append({"setting": setting, "off": {}, "modes": modes})
    return {"replicates": N, "seed": 1, "reference": "dedicated", "rows": rows}


def test_paired_standard_errors_are_those_of_the_seed_by_seed_differences():
    results = _results()
    assert is_paired(results)
    on = results["rows"][0]["modes"]
    difference, se = gap(on, "transversal", "failed")
    independent = np.hypot(on["transversal"]["failed_se"], on["dedicated"]["failed_se"])
    assert difference == pytest.approx(on["transversal"]["failed"] - on["dedicated"]["failed"])
    assert se < independent / 2  # common seeds: most of the noise cancels
    table = drivers(results, "transversal", "failed").set_index("mechanism")
    assert table["paired"].all()
    assert table.loc["learning_by_doing", "z"] > 4  # unpaired it would be about 1.4


def test_results_without_the_runs_values_fall_back_and_say_so(tmp_path: Path):
    folder = tmp_path / "docs" / "results"
    folder.mkdir(parents=True)
    paired = _results()
    (folder / "mode_drivers.json").write_text(json.dumps(paired))
    assert "The standard errors are paired" in management_price_table(tmp_path)
    for row in paired["rows"]:
        for summary in row["modes"].values():
            del summary["seeds"]
    assert not is_paired(paired)
    assert not drivers(paired, "transversal", "failed")["paired"].any()
    (folder / "mode_drivers.json").write_text(json.dumps(paired))
    assert "treats the runs as independent" in management_price_table(tmp_path)
