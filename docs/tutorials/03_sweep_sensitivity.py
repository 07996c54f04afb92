# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # A sweep, its sensitivity indices and a figure for a paper
#
# Which assumptions decide whether transversal management creates value? A Morris
# screening varies several parameters at once along trajectories and measures the
# *elementary effect* of each: **mu\*** (how much a factor moves the outcome) and
# **sigma** (how much that effect depends on where the others are: non-linearity or
# interaction). The sweep here is tiny, to run in seconds; the shipped
# `experiments/morris_screening.toml` is a full one.

# %%
import shutil
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

from alliancesim import plots
from alliancesim.sweeps import analyze, experiment_from_dict, run_sweep

OUT = Path("tutorial_output")
RESULTS = OUT / "morris"
shutil.rmtree(RESULTS, ignore_errors=True)  # a fresh sweep each time this runs

# %% [markdown]
# ## The experiment
#
# The same fields as an experiment TOML file. Four factors over ranges narrowed from their
# definitions, six Morris trajectories on four levels, two replicates per point, five years.

# %%
experiment = experiment_from_dict({
    "name": "morris_tutorial",
    "seed": 11,
    "replicates": 2,
    "horizon": 60,
    "parameters": {"management_mode": "transversal", "n_members": 6},
    "vary": {
        "skill_learning_rate": {"low": 0.0, "high": 0.2},
        "member_skill_mean": {},
        "cultural_diversity": {"low": 0.0, "high": 2.0},
        "trust_loss_ratio": {},
    },
    "design": {"kind": "morris", "samples": 6, "levels": 4},
})
print(f"{experiment.n_points()} design points x {experiment.replicates} replicates = "
      f"{experiment.n_runs()} runs")

# %% [markdown]
# ## Running it
#
# `run_sweep` streams the runs to Parquet in the results folder and can resume after an
# interruption. `workers=1` runs here; from a script, more workers need the
# `if __name__ == "__main__":` guard.

# %%
summary = run_sweep(experiment, RESULTS, workers=1)
print(summary.runs_stored, "runs stored,", summary.failures_total, "failed")

# %% [markdown]
# ## Sensitivity indices
#
# `analyze` computes the Morris indices on the mean outcome of each design point and writes
# tables and figures (here as SVG); the notes say what it could not do.

# %%
report = analyze(RESULTS, OUT / "morris_analysis", ["value_total", "failed"],
                 figure_format="svg", max_heatmaps=2)
table = report.indices[report.indices["outcome"] == "value_total"]
print(table[["factor", "mu_star", "mu_star_conf", "sigma"]].round(2).to_string(index=False))
for note in report.notes:
    print("note:", note)

# %% [markdown]
# ## A figure for a paper
#
# The mu\*-sigma plot labels each factor with its name from the parameter definition; the
# lines sigma/mu\* = 0.1, 0.5 and 1 separate near-linear effects from non-linear or
# interacting ones. The figure is a matplotlib `Figure`: adjust it, then save it as PDF.

# %%
figure = plots.morris_figure(report.indices, "value_total")
figure.suptitle("What decides the value transversal management creates (Morris screening)")
print("wrote", plots.save_figure(figure, OUT / "morris_value_total", "pdf"))
