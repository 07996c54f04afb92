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
# # One alliance, its events, and the story of one member
#
# This tutorial runs a single alliance with everything recorded: the month-by-month table,
# the event log, the **per-member panel** (one row per member and month) and the **trust
# network** at a few months. Then it follows one organization through the alliance's life.
#
# Everything here runs in a second or two. Open this file in Jupyter (with jupytext), in
# VS Code, or run it as a script.

# %%
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # figures are saved to files; nothing needs a screen

from matplotlib.figure import Figure

from alliancesim import simulate
from alliancesim.network import trust_network, write_graphml
from alliancesim.plots import run_figure, save_figure

OUT = Path("tutorial_output")
OUT.mkdir(exist_ok=True)

# %% [markdown]
# ## One run, everything recorded
#
# `simulate` takes parameter values that differ from the defaults and a seed. The same seed
# gives the same alliance, on any machine.

# %%
result = simulate({"n_members": 8, "management_mode": "hybrid"}, seed=3,
                  record_steps=True, record_events=True, record_panel=True,
                  network_months=[0, 12, 36])
outcome = result.outcome
print(f"{outcome['outcome']} at month {outcome['end_month']} ({outcome['end_reason']}); "
      f"value created {outcome['value_total']:.1f}, objectives met: {outcome['objectives_met']}")
print("seed of this run:", result.seed)

# %% [markdown]
# The outcome record is a dict; the tables are DataFrames. The month-by-month table shows
# the life cycle:

# %%
steps = result.steps
print(steps[["month", "phase", "members", "trust_mean", "commitment_mean",
             "value_total"]].iloc[::12].to_string(index=False))
save_figure(run_figure(steps, "One alliance, seed 3"), OUT / "one_alliance", "png")

# %% [markdown]
# ## The event log
#
# Each event is a sentence, a line of theory where there is one, and the **stable ids** of
# the organizations it names (`actor_ids`, Mesa's `unique_id`), which are the ids of the
# panel and the trust network too.

# %%
events = result.events
print(events[["month", "kind", "actor_ids", "sentence"]].head(10).to_string(index=False))

# %% [markdown]
# ## The story of one member
#
# Which organization was in the most conflicts? Its id leads into the panel.

# %%
conflicts = events[events["kind"] == "conflict"]
ids = conflicts["actor_ids"].str.split("; ").explode().astype(int)
member_id = int(ids.value_counts().idxmax())
panel = result.panel
story = panel[panel["member_id"] == member_id]
name = story["name"].iloc[0]
print(f"{name} (id {member_id}, {story['sector'].iloc[0]}) was in "
      f"{int((ids == member_id).sum())} of {len(conflicts)} conflicts")
print(story[["month", "member", "commitment", "commitment_state", "trust_given",
             "trust_received", "skill"]].iloc[::6].to_string(index=False))

# %% [markdown]
# Its conflicts, in the log's own words:

# %%
mine = conflicts[conflicts["actor_ids"].str.split("; ").apply(lambda a: str(member_id) in a)]
for sentence in mine["sentence"].head(5):
    print(sentence)

# %% [markdown]
# Commitment and trust of this member against the alliance's average:

# %%
figure = Figure(figsize=(7, 3.5), layout="constrained")
ax = figure.subplots()
ax.plot(story["month"], story["commitment"], label=f"{name}: commitment")
ax.plot(story["month"], story["trust_received"], label=f"{name}: trust received")
ax.plot(steps["month"], steps["commitment_mean"], ls="--", label="all members: commitment")
ax.set(xlabel="Month", ylabel="0-1", ylim=(0, 1.02))
ax.legend(fontsize="small")
save_figure(figure, OUT / "one_member", "png")

# %% [markdown]
# ## The trust network
#
# The network was kept at months 0, 12 and 36 as an edge list: who trusts whom, how much.
# One month becomes a `networkx` graph (with the panel's attributes on the nodes) or a
# GraphML file for Gephi, Cytoscape or igraph.

# %%
graph = trust_network(result.network, 36, panel)
received = {graph.nodes[n]["name"]: round(d, 2)
            for n, d in graph.in_degree(weight="trust")}
print("trust received at month 36 (sum over partners):", received)
print("wrote", write_graphml(result.network, 36, OUT / "network_month_36.graphml", panel))
