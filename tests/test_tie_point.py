"""The tie point of the professional's premium, and the premium as an open assumption."""

from __future__ import annotations

import math
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from alliancesim.params import PARAMETERS_BY_NAME
from alliancesim.validation.calibration import OPEN_ASSUMPTIONS, spread, write_defaults
from alliancesim.validation.tiepoint import GRID, crossing, summarise

EXPERIMENTS = Path(__file__).resolve().parents[1] / "experiments"


def _runs(p_dedicated: np.ndarray, p_transversal: float, seeds: int, rng: np.random.Generator
          ) -> tuple[np.ndarray, np.ndarray]:
    transversal = (rng.random(seeds) < p_transversal).astype(float)
    dedicated = (rng.random((seeds, len(p_dedicated))) < p_dedicated).astype(float)
    return transversal, dedicated


def test_the_tie_point_is_found_where_the_curves_cross():
    grid = np.array(GRID)
    true_tie = 0.1
    p_dedicated = 1 / (1 + np.exp(-(-4.0 * (grid - true_tie))))  # 0.5 at the tie
    transversal, dedicated = _runs(p_dedicated, 0.5, 3000, np.random.default_rng(1))
    result = summarise(transversal, dedicated, bootstraps=200)
    assert result["tie"] == pytest.approx(true_tie, abs=0.05)
    assert result["low"] < true_tie < result["high"]
    assert result["gaps"][0]["gap"] > 0 > result["gaps"][-1]["gap"]


def test_no_tie_inside_the_range_is_said_so_not_extrapolated():
    grid = np.array(GRID)
    assert crossing(grid, np.full(len(grid), 0.8), 0.3) == math.inf  # manager always worse
    assert crossing(grid, np.full(len(grid), 0.2), 0.3) == -math.inf  # always better


def test_an_inert_premium_gives_no_tie_with_noise_only():
    """Where the premium does nothing, a tie is found only as often as noise crosses."""
    grid = np.array(GRID)
    transversal, dedicated = _runs(np.full(len(grid), 0.7), 0.3, 400, np.random.default_rng(2))
    result = summarise(transversal, dedicated, bootstraps=100)
    assert result["tie"] == math.inf and result["above_range"] > 0.9


def test_the_premium_ranges_include_zero_in_every_shipped_design_and_agree():
    ranges = {}
    for path in sorted(EXPERIMENTS.glob("*.toml")):
        varied = tomllib.loads(path.read_text()).get("vary", {})
        for name in ("manager_skill_premium", "member_skill_mean"):
            spec = varied.get(name)
            if isinstance(spec, dict) and "low" in spec:
                ranges.setdefault(name, set()).add((spec["low"], spec["high"]))
                if name == "manager_skill_premium":
                    assert spec["low"] < 0 < spec["high"], path.name
    definition = PARAMETERS_BY_NAME["manager_skill_premium"]
    assert ranges["manager_skill_premium"] == {(definition.low, definition.high)}
    assert len(ranges["member_skill_mean"]) == 1  # the calibration's and the verdicts' alike


def test_a_small_plausible_set_is_not_called_constrained_by_chance():
    from alliancesim.validation.calibration import uniform_coverage

    rng = np.random.default_rng(4)
    narrow = sum(spread(pd.DataFrame({"x": rng.uniform(0, 1, 17)}), {"x": (0.0, 1.0)})
                 ["constrained"].iloc[0] for _ in range(200))
    assert narrow < 25  # about 5% of uniform samples, not the 40% a fixed threshold gives
    assert uniform_coverage(17) < uniform_coverage(60) < 0.9


def test_only_parameters_the_patterns_constrain_are_written_as_calibrated(tmp_path):
    accepted = pd.DataFrame({"conflict_rate": np.linspace(0.04, 0.05, 30),
                             "member_skill_mean": np.random.default_rng(3).uniform(0.1, 0.7, 30)})
    table = spread(accepted, {"conflict_rate": (0.02, 0.09), "member_skill_mean": (0.1, 0.7)})
    constrained = set(table.loc[table["constrained"], "parameter"])
    assert constrained == {"conflict_rate"}
    source = Path(__file__).resolve().parents[1] / "src/alliancesim/params/definitions.py"
    copy = tmp_path / "definitions.py"
    copy.write_text(source.read_text())
    write_defaults({"conflict_rate": 0.045, "member_skill_mean": 0.4}, copy,
                   constrained=constrained)
    text = copy.read_text()
    entry = text[text.index('_P("member_skill_mean"'):]
    assert "source=PLAUSIBLE_ONLY" in entry[:entry.index("\n    _P(")]
    entry = text[text.index('_P("conflict_rate"'):]
    assert "source=CALIBRATED" in entry[:entry.index("\n    _P(")]


def test_the_premium_is_an_open_assumption_not_a_calibrated_default():
    premium = PARAMETERS_BY_NAME["manager_skill_premium"]
    assert "manager_skill_premium" in OPEN_ASSUMPTIONS
    assert premium.low < 0 < premium.high and premium.source.startswith("assumption")
