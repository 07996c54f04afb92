"""Scenario discovery on any sweep: PRIM (quasi-p values and resampling beside coverage and
density), CART and feature scoring from the EMA Workbench, from `alliancesim analyze`."""

from __future__ import annotations

import pandas as pd
import pytest
from typer.testing import CliRunner

from alliancesim.cli.main import app
from alliancesim.sweeps import experiment_from_dict, run_sweep
from alliancesim.sweeps.design import DUMMY

SWEEP = {
    "name": "discover",
    "seed": 5,
    "replicates": 2,
    "horizon": 120,
    "parameters": {"management_mode": "transversal"},  # manager_skill_premium does nothing here
    "vary": {"manager_skill_premium": {}, "n_members": {"low": 3, "high": 12}},
    "design": {"kind": "sobol", "samples": 16},
}


@pytest.fixture(scope="module")
def sweep(tmp_path_factory):
    folder = tmp_path_factory.mktemp("discover") / "runs"
    run_sweep(experiment_from_dict(SWEEP), folder, backend="inprocess")
    return folder


def test_analyze_discovers_where_value_runs_high_with_its_noise_beside_it(sweep, tmp_path):
    result = CliRunner().invoke(app, ["analyze", str(sweep), "--discover", "value_total",
                                      "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "PRIM box" in result.output and "coverage" in result.output
    assert "quasi-p" in result.output and "CART" in result.output
    box = pd.read_csv(tmp_path / "discovery_value_total_prim_box.csv")
    assert {"factor", "qp", "resampled", "noise", "coverage", "density"} <= set(box.columns)
    members = box[box["factor"] == "n_members"].iloc[0]
    assert members["qp"] < 0.05 and members["resampled"] >= 50 and not members["noise"]
    # the inert factor and the dummy never count as findings
    assert box.loc[box["factor"].isin(["manager_skill_premium", DUMMY]), "noise"].all() or not (
        box["factor"].isin(["manager_skill_premium", DUMMY]).any())
    scores = pd.read_csv(tmp_path / "discovery_value_total_feature_scores.csv")
    assert scores.iloc[0]["factor"] == "n_members" and scores.iloc[0]["above_dummy"]
    assert not scores.loc[scores["factor"] == "manager_skill_premium", "above_dummy"].any()
    cart = pd.read_csv(tmp_path / "discovery_value_total_cart.csv")
    assert {"coverage", "density", "mass", "limits"} <= set(cart.columns)


def test_a_threshold_no_point_reaches_is_refused_in_one_line(sweep, tmp_path):
    result = CliRunner().invoke(app, ["analyze", str(sweep), "--discover", "failed",
                                      "--threshold", "2", "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "allowed: a --threshold between the points' means" in result.output
    bad = CliRunner().invoke(app, ["analyze", str(sweep), "--discover", "valu_total"])
    assert bad.exit_code == 2 and "Did you mean 'value_total'?" in bad.output
