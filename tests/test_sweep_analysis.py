"""Analysis: known Sobol and Morris indices of test functions, and the analysis of a sweep."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from SALib.test_functions import Ishigami
from typer.testing import CliRunner

from alliancesim.cli.main import app
from alliancesim.sweeps import analyze, experiment_from_dict, load_results, make_design, run_sweep
from alliancesim.sweeps.analysis import effect_table, mean_interval, sensitivity_indices
from alliancesim.sweeps.design import Factor

X = [Factor(f"x{i}", "float", low=-np.pi, high=np.pi) for i in (1, 2, 3)]


def ishigami_indices(a: float, b: float = 0.1) -> dict[str, list[float]]:
    """Analytic first- and total-order Sobol indices of the Ishigami function."""
    v1 = b * np.pi**4 / 5 + b**2 * np.pi**8 / 50 + 0.5
    v2 = a**2 / 8
    v13 = b**2 * np.pi**8 * (1 / 18 - 1 / 50)
    v = v1 + v2 + v13
    return {"S1": [v1 / v, v2 / v, 0.0], "ST": [(v1 + v13) / v, v2 / v, v13 / v]}


def evaluate(design, function) -> pd.DataFrame:
    """One row per design point with its output ``y`` (what point_means gives for a sweep)."""
    means = design.points[["point", "combo", "sample"]].copy()
    means["y"] = function(design.points)
    return means


def test_sobol_indices_of_the_ishigami_function_match_the_analytic_values():
    design = make_design("sobol", X, samples=1024, seed=1)
    means = evaluate(design, lambda p: Ishigami.evaluate(p[["x1", "x2", "x3"]].to_numpy()))
    indices, _, notes = sensitivity_indices(design, means, ["y"])
    assert not notes
    expected = ishigami_indices(7.0)
    assert indices["S1"].to_numpy() == pytest.approx(expected["S1"], abs=0.04)
    assert indices["ST"].to_numpy() == pytest.approx(expected["ST"], abs=0.04)
    assert expected["S1"][:2] == pytest.approx([0.3139, 0.4424], abs=1e-4)


def test_indices_are_computed_within_each_crossed_combination():
    a = Factor("a", "float", values=(7.0, 2.0))
    design = make_design("sobol", X, [a], samples=1024, seed=2)

    def ishigami(points: pd.DataFrame) -> np.ndarray:
        x1, x2, x3 = (points[f"x{i}"].to_numpy() for i in (1, 2, 3))
        return np.sin(x1) + points["a"] * np.sin(x2) ** 2 + 0.1 * x3**4 * np.sin(x1)

    indices, _, _ = sensitivity_indices(design, evaluate(design, ishigami), ["y"])
    for value in (7.0, 2.0):
        block = indices[indices["combo"] == f"a={value}"]
        assert block["ST"].to_numpy() == pytest.approx(ishigami_indices(value)["ST"], abs=0.04)


def test_morris_elementary_effects_of_a_linear_function_are_its_slopes_times_ranges():
    factors = [Factor("x1", "float", low=0, high=2), Factor("x2", "float", low=0, high=1),
               Factor("x3", "float", low=5, high=9)]
    design = make_design("morris", factors, samples=12, levels=4, seed=3)
    means = evaluate(design, lambda p: 10 * p["x1"] - 1 * p["x2"] + 0 * p["x3"])
    indices, _, _ = sensitivity_indices(design, means, ["y"])
    assert indices["mu_star"].to_numpy() == pytest.approx([20.0, 1.0, 0.0])
    assert indices["mu"].to_numpy() == pytest.approx([20.0, -1.0, 0.0])


def test_designs_without_indices_say_so():
    design = make_design("lhs", X, samples=8)
    indices, _, notes = sensitivity_indices(design, evaluate(design, lambda p: p["x1"]), ["y"])
    assert indices.empty and "plots only" in notes[0]


def test_mean_interval_narrows_with_more_data_and_covers_the_mean():
    rng = np.random.default_rng(0)
    small, large = rng.normal(5, 1, 30), rng.normal(5, 1, 3000)
    for values in (small, large):
        mean, low, high = mean_interval(values)
        assert low < mean < high and low < 5 < high
    assert np.diff(mean_interval(large)[1:]) < np.diff(mean_interval(small)[1:])
    assert mean_interval(np.array([1.0]))[0] == 1.0
    assert np.isnan(mean_interval(np.array([1.0]))[1])


def test_effect_table_bins_a_finely_sampled_factor():
    factor = Factor("x", "float", low=0, high=1)
    runs = pd.DataFrame({"x": np.linspace(0, 1, 200), "y": np.linspace(0, 1, 200)})
    table = effect_table(runs, factor, "y")
    assert len(table) == 10 and table["n"].sum() == 200
    assert table["mean"].is_monotonic_increasing


SOBOL_SWEEP = {
    "name": "sobol_small",
    "seed": 3,
    "replicates": 2,
    "horizon": 24,
    "vary": {"cultural_diversity": {}, "openness_mean": {"low": 0.2, "high": 0.8},
             "management_mode": ["dedicated", "transversal"]},
    "design": {"kind": "sobol", "samples": 8},
    "analysis": {"outcomes": ["failed", "value_total"]},
}


@pytest.fixture(scope="module")
def sobol_results(tmp_path_factory):
    out = tmp_path_factory.mktemp("sobol")
    run_sweep(experiment_from_dict(SOBOL_SWEEP), out, backend="inprocess")
    return out


def test_analyze_returns_indices_effects_and_writes_figures(sobol_results, tmp_path):
    report = analyze(sobol_results, tmp_path)
    # Saltelli's N (d + 2) points per mode, the dummy factor among the d = 3 factors
    assert len(report.runs) == 8 * 5 * 2 * 2
    assert len(report.point_means) == 8 * 5 * 2
    assert set(report.indices["combo"]) == {"management_mode=dedicated",
                                            "management_mode=transversal"}
    assert set(report.indices["outcome"]) == {"failed", "value_total"}
    assert len(report.indices) == 2 * 2 * 3
    names = {p.name for p in report.files}
    assert {"indices.csv", "effects.csv", "point_means.csv", "effects_failed.png",
            "heatmap_value_total__cultural_diversity__openness_mean.png"} <= names
    assert all(p.stat().st_size > 1000 for p in report.files if p.suffix == ".png")
    assert pd.read_csv(tmp_path / "indices.csv").shape == report.indices.shape


def test_analyze_from_the_command_line(sobol_results, tmp_path):
    runner = CliRunner()
    ok = runner.invoke(app, ["analyze", str(sobol_results), "--out", str(tmp_path),
                             "--outcome", "end_month", "--no-plots"])
    assert ok.exit_code == 0, ok.output
    assert "Sensitivity indices" in ok.output
    bad = runner.invoke(app, ["analyze", str(sobol_results), "--outcome", "end_mnth"])
    assert bad.exit_code == 2 and "Did you mean 'end_month'?" in bad.output
    missing = runner.invoke(app, ["analyze", str(tmp_path / "nothing")])
    assert missing.exit_code == 2 and "not a results folder" in missing.output


def test_points_without_a_successful_run_skip_their_indices_with_a_note(tmp_path):
    # every run still going at month 20 fails (a timeline entry that raises)
    absent = Path(__file__).parent / "data" / "absent_partner.toml"
    # each point its own seed, so that some runs end before month 20 and others do not
    spec = {**SOBOL_SWEEP, "replicates": 1, "scenario": str(absent),
            "design": {**SOBOL_SWEEP["design"], "common_seeds": False},
            "vary": {"n_members": {"low": 3, "high": 12},
                     "openness_mean": {"low": 0.2, "high": 0.8}}}
    run_sweep(experiment_from_dict(spec), tmp_path / "results", backend="inprocess")
    assert (load_results(tmp_path / "results")["status"] == "failed").any()
    report = analyze(tmp_path / "results", tmp_path / "analysis", plots=False)
    assert report.indices.empty
    assert any("no successful run" in note for note in report.notes)
    assert any("failed runs left out" in note for note in report.notes)
