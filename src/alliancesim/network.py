"""The trust network of a recorded run as a graph: one month of its edge list, for networkx
and for GraphML (Gephi, Cytoscape, igraph, R).

Edge lists come from ``simulate(..., network_months=...)``, the ``network`` table of a
results folder (``load_table(folder, "network")``) or ``alliancesim replay``. Nodes are the
members' stable ids (Mesa's ``unique_id``) with their names; the per-member panel of the same
month, when given, adds each member's sector, commitment and state.
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pandas as pd

# Panel columns carried onto the nodes (GraphML takes plain strings and numbers).
NODE_ATTRIBUTES = ("sector", "commitment", "commitment_state", "skill", "openness",
                   "resources", "trust_given", "trust_received")


def trust_network(edges: pd.DataFrame, month: int,
                  panel: pd.DataFrame | None = None) -> nx.DiGraph:
    """The directed trust network of ``month`` (edges carry ``trust``).

    ``edges`` holds one run's edge list (columns ``month``, ``source_id``, ``target_id``,
    ``source``, ``target``, ``trust``); ``panel`` optionally that run's per-member panel.
    """
    if "run_id" in edges.columns and edges["run_id"].nunique() > 1:
        raise ValueError("the edge list holds several runs; select one run_id first")
    chosen = edges[edges["month"] == month]
    if chosen.empty:
        recorded = sorted(int(m) for m in edges["month"].unique())
        raise ValueError(f"no trust network recorded at month {month}; recorded months: "
                         f"{', '.join(map(str, recorded)) or 'none'}")
    graph = nx.DiGraph(month=int(month))
    for row in chosen.itertuples(index=False):
        graph.add_node(int(row.source_id), name=str(row.source))
        graph.add_node(int(row.target_id), name=str(row.target))
        graph.add_edge(int(row.source_id), int(row.target_id), trust=float(row.trust))
    if panel is not None:
        _add_member_attributes(graph, panel[panel["month"] == month])
    return graph


def _add_member_attributes(graph: nx.DiGraph, panel: pd.DataFrame) -> None:
    for row in panel.to_dict("records"):
        node = int(row["member_id"])
        if node in graph:
            graph.nodes[node].update({k: _plain(row[k]) for k in NODE_ATTRIBUTES if k in row})


def _plain(value: object) -> str | float | int | bool:
    if isinstance(value, bool | int | float | str):
        return value
    item = getattr(value, "item", None)
    return item() if callable(item) else str(value)


def write_graphml(edges: pd.DataFrame, month: int, path: str | Path,
                  panel: pd.DataFrame | None = None) -> Path:
    """Write the trust network of ``month`` as GraphML to ``path``; returns the path."""
    path = Path(path)
    nx.write_graphml(trust_network(edges, month, panel), path)
    return path
