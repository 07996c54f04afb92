"""The noise floor of a sweep's analysis: an inert factor comes out as inert.

Under transversal management there is no manager, so ``manager_skill_premium`` does nothing: the
indices must show it as indistinguishable from the dummy factor, in the table and (hatched)
in the figure, and the analysis reports each outcome's replicate noise share.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from alliancesim.figstyle import factor_label
from alliancesim.sweeps import analyze, experiment_from_dict, run_sweep
from alliancesim.sweeps.design import DUMMY
from alliancesim.sweeps.figures import morris_figure, sobol_figure
from alliancesim.sweeps.noise import mark_noise_floor, noise_shares

INERT = {
    "name": "inert",
    "seed": 5,
    "replicates": 3,
    "horizon": 120,
    "parameters": {"management_mode": "transversal"},
    "vary": {"manager_skill_premium": {}, "conflict_rate": {"low": 0.0, "high": 0.3}},
    "design": {"kind": "sobol", "samples": 8},
    "analysis": {"outcomes": ["failed", "value_total"]},
}


def _sweep(tmp_path, common: bool):
    spec = {**INERT, "design": {**INERT["design"], "common_seeds": common}}
    run_sweep(experiment_from_dict(spec), tmp_path / "runs", backend="inprocess")
    return analyze(tmp_path / "runs", tmp_path / "analysis")


def _hatched_bars(figure, label: str) -> list[bool]:
    """Whether each bar drawn on the row of ``label`` is hatched."""
    ax = figure.axes[0]
    row = [t.get_text() for t in ax.get_yticklabels()].index(label)
    bars = [p for p in ax.patches if abs(p.get_y() + p.get_height() / 2 - row) < 0.5]
    return [bool(p.get_hatch()) for p in bars]


@pytest.mark.parametrize("common", [True, False], ids=["common seeds", "own seeds"])
def test_an_inert_factor_is_indistinguishable_from_noise_in_table_and_figure(tmp_path, common):
    report = _sweep(tmp_path, common)
    rows = report.indices.set_index(["outcome", "factor"])
    for outcome in ("failed", "value_total"):
        inert = rows.loc[(outcome, "manager_skill_premium")]
        assert not inert["ST_distinct"] and not inert["S1_distinct"]
        assert "not distinguishable from noise" in inert["reason"]
        assert (outcome, DUMMY) in rows.index
    # the conflict rate moves value created above the noise floor, visibly so on common seeds
    # (on their own seeds 3 replicates leave too much noise at this size to tell)
    assert rows.loc[("value_total", "conflict_rate"), "ST_distinct"] == common
    on_disk = pd.read_csv(tmp_path / "analysis" / "indices.csv")
    assert not on_disk.loc[on_disk["factor"] == "manager_skill_premium", "ST_distinct"].any()
    figure = sobol_figure(report.indices, "value_total", report.noise)
    assert all(_hatched_bars(figure, factor_label("manager_skill_premium")))
    assert any(_hatched_bars(figure, factor_label("conflict_rate"))) != common
    assert (tmp_path / "analysis" / "sobol_value_total.png").stat().st_size > 1000
    assert any("not distinguishable from noise" in note for note in report.notes)


def test_analyze_reports_the_replicate_noise_share_of_each_outcome(tmp_path):
    report = _sweep(tmp_path, common=False)
    noise = report.noise.set_index("outcome")
    assert set(noise.index) == {"failed", "value_total"}
    assert ((noise["noise_share_runs"] > 0) & (noise["noise_share_runs"] <= 1)).all()
    assert (tmp_path / "analysis" / "noise.csv").is_file()


def test_noise_shares_separate_replicate_noise_from_point_effects():
    rng = np.random.default_rng(1)
    points = np.repeat(np.arange(200), 10)
    effect = np.repeat(rng.normal(0, 1, 200), 10)
    runs = pd.DataFrame({"point": points, "y": effect + rng.normal(0, 1, len(points))})
    shares = noise_shares(runs, ["y"]).iloc[0]
    assert shares["noise_share_runs"] == pytest.approx(0.5, abs=0.08)
    # the means of 10 replicates keep a tenth of the noise: 0.1 / (1 + 0.1)
    assert shares["noise_share_means"] == pytest.approx(0.09, abs=0.04)


def test_a_morris_index_within_the_dummys_interval_is_marked_and_drawn_hollow():
    indices = pd.DataFrame({
        "combo": "all", "outcome": "y", "factor": ["a", "b", DUMMY],
        "mu": [0.5, 0.05, 0.04], "mu_star": [0.5, 0.06, 0.05], "sigma": [0.1, 0.05, 0.05],
        "mu_star_conf": [0.05, 0.03, 0.03]})
    marked = mark_noise_floor(indices, "morris").set_index("factor")
    assert marked.loc["a", "mu_star_distinct"] and not marked.loc["b", "mu_star_distinct"]
    assert marked.loc["b", "mu_star_floor"] == pytest.approx(0.08)
    figure = morris_figure(marked.reset_index(), "y")
    faces = [line.get_markerfacecolor() for line in figure.axes[0].lines
             if line.get_marker() == "o"]
    assert "none" in faces
