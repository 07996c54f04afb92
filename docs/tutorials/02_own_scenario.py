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
# # Your own scenario against the baseline, with your own statistics
#
# A scenario is a set of parameter values and a timeline of events. Here we write one,
# compare it with the shipped `baseline` on **common random numbers** (replicate *r* of
# both scenarios starts from the same seed), and then go beyond the built-in report: since
# the runs are paired, we test the paired differences.

# %%
import numpy as np
from scipy import stats

from alliancesim.compare import compare_scenarios
from alliancesim.scenarios import (
    load_scenario,
    replicate_seed,
    resolve_scenario_path,
    run_scenario,
    scenario_from_dict,
)

# %% [markdown]
# ## The scenario
#
# Members manage the alliance themselves (transversal skill) and get a training course in
# month 6. The same could be a TOML file; as a dict it is checked against the same schema
# and parameter definition.

# %%
mine = scenario_from_dict({
    "name": "Trained members",
    "description": "Transversal management, with a training course in month 6.",
    "parameters": {"management_mode": "transversal"},
    "timeline": [{"month": 6, "kind": "training", "amount": 0.4}],
})
print(mine.parameters, [(e.month, e.kind) for e in mine.timeline])

# %% [markdown]
# ## The comparison
#
# 40 replicates each keep this tutorial fast (a paper would use hundreds). `workers=1` runs
# in this process; more workers give the same tables.

# %%
comparison = compare_scenarios(["baseline", mine], replicates=40, seed=7, workers=1)
summary = comparison.summary(n_resamples=500)
print(summary[["label", "scenario", "estimate", "ci_low", "ci_high", "effect",
               "p_value"]].round(3).to_string(index=False))

# %% [markdown]
# ## Statistics of your own: paired differences
#
# The built-in tests treat the scenarios as independent samples, which is conservative.
# Because replicate *r* of both scenarios shares its seed, the runs come in pairs, and a
# paired analysis is sharper: the difference in value created within each pair, its mean
# with a bootstrap interval, and the Wilcoxon signed-rank test.

# %%
outcomes = comparison.outcomes
wide = outcomes.pivot(index="replicate", columns="scenario", values="value_total")
difference = (wide["Trained members"] - wide["Baseline"]).to_numpy()
interval = stats.bootstrap((difference,), np.mean, n_resamples=2000,
                           rng=np.random.default_rng(1)).confidence_interval
test = stats.wilcoxon(difference)
print(f"value created, trained minus baseline: mean {difference.mean():.1f} "
      f"[{interval.low:.1f}, {interval.high:.1f}], Wilcoxon p = {test.pvalue:.3f}")

# %% [markdown]
# For a yes/no outcome the pairs that disagree carry the information (McNemar's exact
# test: among discordant pairs, each direction is equally likely if nothing differs).

# %%
failed = outcomes.pivot(index="replicate", columns="scenario", values="failed")
only_mine = int((failed["Trained members"] & ~failed["Baseline"]).sum())
only_base = int((~failed["Trained members"] & failed["Baseline"]).sum())
mcnemar = stats.binomtest(only_mine, only_mine + only_base) if only_mine + only_base else None
print(f"failed only with training: {only_mine}; only in the baseline: {only_base}; "
      f"McNemar exact p = {mcnemar.pvalue:.3f}" if mcnemar else "no discordant pairs")

# %% [markdown]
# Every run keeps its seed, so any pair can be looked at closely, for instance the pair
# where training made the biggest difference:

# %%
replicate = int(np.argmax(np.abs(difference)))
for scenario in (load_scenario(resolve_scenario_path("baseline")), mine):
    run = run_scenario(scenario, replicate_seed(7, replicate))  # a fresh seed for each run
    print(f"{scenario.name}: {run.outcome['outcome']} at month {run.outcome['end_month']}, "
          f"value {run.outcome['value_total']:.1f}")
