"""Figures for papers: labels and units from the parameter definition, shares as
percentages, shared scales, n and pooling stated, PNG at 300 dpi or PDF/SVG, a Morris
mu*-sigma plot, and Sobol indices that cannot be told from zero flagged."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.ticker import PercentFormatter
from PIL import Image

from alliancesim import plots
from alliancesim.params import PARAMETERS_BY_NAME
from alliancesim.sweeps import analyze, experiment_from_dict, run_sweep
from alliancesim.sweeps.analysis import effect_table, heatmap_table

SPEC = {"name": "fig", "seed": 4, "replicates": 2, "horizon": 36,
        "vary": {"cultural_diversity": {"low": 0.0, "high": 3.0},
                 "openness_mean": {"low": 0.2, "high": 0.8},
                 "management_mode": ["dedicated", "transversal"]},
        "design": {"kind": "lhs", "samples": 12}}


@pytest.fixture(scope="module")
def sweep(tmp_path_factory):
    out = tmp_path_factory.mktemp("fig")
    run_sweep(experiment_from_dict(SPEC), out / "runs", backend="inprocess")
    return out


def texts(figure) -> str:
    return " ".join(t.get_text() for t in figure.findobj(lambda o: hasattr(o, "get_text")))


def test_axis_labels_and_units_come_from_the_parameter_definition():
    param = PARAMETERS_BY_NAME["openness_mean"]
    assert plots.factor_label("openness_mean") == f"{param.title} ({param.unit})"
    assert plots.factor_label("management_mode") == PARAMETERS_BY_NAME[
        "management_mode"].title  # no unit: none is shown
    assert plots.outcome_label("failed") == "Failed (% of runs)"
    assert plots.outcome_label("value_total") == "Value created (value units)"
    assert plots.outcome_label("my_flag", pd.Series([0, 1, 1])) == "My flag (% of runs)"


def test_effect_panels_share_a_percentage_scale_and_state_n_and_pooling(sweep):
    from alliancesim.sweeps import load_design, load_results

    runs = load_results(sweep / "runs")
    design = load_design(sweep / "runs")
    effects = pd.concat([effect_table(runs, f, "failed") for f in design.factors])
    counts = plots.SweepCounts(len(runs), 24, 2)
    figure = plots.effects_figure(effects, design, "failed", counts, runs["failed"])
    axes = [ax for ax in figure.axes if ax.get_visible()]
    assert len({ax.get_ylim() for ax in axes}) == 1  # one scale for every panel
    assert all(isinstance(ax.yaxis.get_major_formatter(), PercentFormatter) for ax in axes)
    assert [ax.get_xlabel() for ax in axes] == [plots.factor_label(f.name)
                                               for f in design.factors]
    words = texts(figure)
    assert "n = 48 runs (24 design points x 2 replicates)" in words
    assert "pools the runs over the other factors" in words


def test_heatmaps_of_an_outcome_share_one_colour_scale_and_show_runs_per_cell(sweep):
    out = sweep / "analysis"
    analyze(sweep / "runs", out, ["value_total"])
    from alliancesim.sweeps import load_design, load_results

    runs, design = load_results(sweep / "runs"), load_design(sweep / "runs")
    a, b, c = design.factors
    cells = [heatmap_table(runs, x, y, "value_total") for x, y in ((a, b), (a, c))]
    low = min(np.nanmin(m.to_numpy(float)) for m, _ in cells)
    high = max(np.nanmax(m.to_numpy(float)) for m, _ in cells)
    figures = [plots.heatmap_figure(m, n, x, y, "value_total", vmin=low, vmax=high)
               for (m, n), (x, y) in zip(cells, ((a, b), (a, c)), strict=True)]
    scales = {f.axes[0].images[0].get_clim() for f in figures}
    assert scales == {(low, high)}
    for (_, n), figure in zip(cells, figures, strict=True):
        assert int(n.to_numpy().sum()) == len(runs)  # every run sits in one cell
        assert "runs per cell" in texts(figure)
    names = sorted(p.name for p in out.glob("heatmap_*"))
    assert len(names) == 3 and all(name.endswith(".png") for name in names)


def test_pngs_are_300_dpi_and_pdf_and_svg_are_written_on_request(sweep, tmp_path):
    analyze(sweep / "runs", tmp_path / "png", ["failed"], max_heatmaps=1)
    image = Image.open(next((tmp_path / "png").glob("effects_failed.png")))
    assert round(image.info["dpi"][0]) == 300
    for fmt, magic in (("pdf", b"%PDF"), ("svg", b"<?xml")):
        report = analyze(sweep / "runs", tmp_path / fmt, ["failed"], figure_format=fmt,
                         max_heatmaps=1)
        figures = [p for p in report.files if p.suffix == f".{fmt}"]
        assert figures and all(p.read_bytes().startswith(magic) for p in figures)
        assert "heatmaps drawn for the first 1 of 3 factor pairs" in " ".join(report.notes)


MORRIS = {"name": "m", "seed": 2, "replicates": 1, "horizon": 24,
          "vary": {"trust_initial": {}, "cultural_diversity": {}, "n_members": {}},
          "design": {"kind": "morris", "samples": 4, "levels": 4}}


def test_a_morris_sweep_gets_a_mu_star_sigma_plot(tmp_path):
    run_sweep(experiment_from_dict(MORRIS), tmp_path / "runs", backend="inprocess")
    report = analyze(tmp_path / "runs", tmp_path / "a", ["value_total"])
    assert (tmp_path / "a" / "morris_value_total.png").is_file()
    figure = plots.morris_figure(report.indices, "value_total")
    ax = figure.axes[0]
    assert ax.get_xlabel().startswith("mu*") and ax.get_ylabel().startswith("sigma")
    labels = {t.get_text() for t in ax.texts}
    # the dummy factor (a noise reference the design adds) is drawn beside the factors
    assert labels == {PARAMETERS_BY_NAME[n].title for n in MORRIS["vary"]} | {"dummy factor"}


def test_sobol_indices_that_are_negative_or_cross_zero_are_warned_about_and_hatched():
    indices = pd.DataFrame({
        "combo": "all", "outcome": "failed", "factor": ["trust_initial", "n_members", "horizon"],
        "S1": [0.5, -0.03, 0.02], "S1_conf": [0.1, 0.02, 0.05],
        "ST": [0.6, 0.01, 0.3], "ST_conf": [0.1, 0.005, 0.05]})
    problems = plots.sobol_problems(indices)
    assert len(problems) == 2
    assert "n_members: S1 = -0.030 is negative" in problems[0]
    assert "horizon: the 95% interval of S1 (-0.030 to 0.070) crosses zero" in problems[1]
    figure = plots.sobol_figure(indices, "failed")
    hatched = [bar for bar in figure.axes[0].patches if bar.get_hatch()]
    assert len(hatched) == 2  # the two doubtful S1 bars, no other


def test_comparison_figures_state_n_and_draw_survival_as_a_percentage():
    curves = pd.DataFrame({"scenario": ["A"] * 3, "month": [0, 1, 2],
                           "survival": [1.0, 0.8, 0.6], "ci_low": [1.0, 0.7, 0.5],
                           "ci_high": [1.0, 0.9, 0.7]})
    figure = plots.survival_figure(curves, runs=50)
    assert isinstance(figure.axes[0].yaxis.get_major_formatter(), PercentFormatter)
    assert "n = 50 runs per scenario" in texts(figure)
