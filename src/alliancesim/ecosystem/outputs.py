"""What an ecosystem run leaves: the organization panel, the alliance table, the alliance
network by year, the profession's indicators, a figure, and files holding them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from alliancesim.ecosystem.parameters import PRACTICES
from alliancesim.model.organizations import SECTORS

if TYPE_CHECKING:
    from alliancesim.ecosystem.model import EcosystemModel

FILES = {"organizations": "organizations.csv", "alliances": "alliances.csv",
         "network": "network.csv", "profession": "profession.csv",
         "professionals": "professionals.csv"}
FIGURE = "profession.png"


@dataclass
class EcosystemResult:
    """The tables of one ecosystem run (and the model, for anything else)."""

    model: EcosystemModel
    organizations: pd.DataFrame  # organization x year
    alliances: pd.DataFrame  # one outcome record per alliance, with its members
    network: pd.DataFrame  # year, organization pair, alliances they shared that year
    profession: pd.DataFrame  # one row per year
    professionals: pd.DataFrame  # one row per professional, at the end

    def write(self, out: str | Path) -> list[Path]:
        """Write every table as CSV, the figure and a summary into directory ``out``."""
        folder = Path(out)
        folder.mkdir(parents=True, exist_ok=True)
        written = []
        for name, file in FILES.items():
            path = folder / file
            getattr(self, name).to_csv(path, index=False)
            written.append(path)
        shape = folder / "network_summary.csv"
        network_summary(self.network, len(self.model.orgs)).to_csv(shape, index=False)
        written.append(shape)
        written.append(profession_figure(self.profession, folder / FIGURE))
        summary = folder / "summary.json"
        summary.write_text(json.dumps(summarize(self), indent=2) + "\n")
        written.append(summary)
        return written


def organization_panel(model: EcosystemModel) -> pd.DataFrame:
    """One row per organization and year, with its fixed traits."""
    if not model.panel:
        return pd.DataFrame()
    frame = pd.DataFrame({key: np.concatenate([year[key] for year in model.panel])
                          for key in model.panel[0]})
    t = model.orgs.traits
    index = frame["organization"].to_numpy()
    frame.insert(2, "name", np.asarray(t.names, dtype=object)[index])
    frame.insert(3, "sector", np.asarray(SECTORS, dtype=object)[t.sector[index]])
    countries = np.asarray([t.country_name(k) for k in range(len(t))], dtype=object)
    frame.insert(4, "country", countries[index])
    frame.insert(5, "size", t.resources[index])
    _name_former_organizations(frame, model)
    frame["practice"] = np.asarray(PRACTICES, dtype=object)[frame["practice"].to_numpy()]
    return frame


def _name_former_organizations(frame: pd.DataFrame, model: EcosystemModel) -> None:
    """Rows of organizations that later left the population take their own fixed traits,
    not those of the newcomer that took their place (``organization_turnover``)."""
    if not model.orgs.former:
        return
    former = pd.DataFrame(model.orgs.former, columns=["organization", "entered", "name",
                                                      "sector", "country", "size"])
    former["sector"] = np.asarray(SECTORS, dtype=object)[former["sector"].to_numpy()]
    # A left join keeps the panel's order; (organization, entered) names one occupant.
    merged = frame[["organization", "entered"]].merge(former, how="left",
                                                      on=["organization", "entered"])
    theirs = merged["name"].notna().to_numpy()
    for column in ("name", "sector", "country", "size"):
        frame.loc[theirs, column] = merged.loc[theirs, column].to_numpy()


def alliance_table(model: EcosystemModel) -> pd.DataFrame:
    """Every alliance's outcome record (as ``AllianceModel.outcome_record`` gives it) with
    when it started and was closed, its lead, mode and members."""
    frame = pd.DataFrame(model.records)
    if frame.empty:
        return frame
    first = ["alliance_id", "start_month", "close_month", "closed_at_term", "lead", "mode",
             "first_professional", "professional",
             "founder_ids", "member_ids_ever", "member_ids_final"]
    return frame[first + [c for c in frame.columns if c not in first]].sort_values(
        "alliance_id", ignore_index=True)


def network_by_year(alliances: pd.DataFrame) -> pd.DataFrame:
    """The alliance network year by year: each pair of organizations that were members of
    the same alliance in a year (its whole life, members who ever joined), with how many
    alliances they shared."""
    columns = ["year", "organization_a", "organization_b", "alliances"]
    if alliances.empty:
        return pd.DataFrame(columns=columns)
    rows: list[tuple[int, int, int]] = []
    for start, close, members in zip(alliances["start_month"], alliances["close_month"],
                                     alliances["member_ids_ever"], strict=True):
        orgs = sorted(int(m) for m in str(members).split(";") if m)
        years = range((int(start) - 1) // 12 + 1, (int(close) - 1) // 12 + 2)
        pairs = [(a, b) for i, a in enumerate(orgs) for b in orgs[i + 1:]]
        rows.extend((year, a, b) for year in years for a, b in pairs)
    edges = pd.DataFrame(rows, columns=columns[:3])
    return edges.groupby(columns[:3], as_index=False).size().rename(
        columns={"size": "alliances"})


def network_summary(network: pd.DataFrame, organizations: int) -> pd.DataFrame:
    """The alliance network's shape year by year: ties, the share of organizations with at
    least one, mean degree, average clustering (over tied organizations) and the share of
    all organizations in the largest connected component."""
    import networkx as nx

    rows = []
    for year, edges in network.groupby("year"):
        graph = nx.Graph()
        graph.add_edges_from(zip(edges["organization_a"], edges["organization_b"],
                                 strict=True))
        largest = max((len(c) for c in nx.connected_components(graph)), default=0)
        rows.append({"year": int(year), "ties": graph.number_of_edges(),
                     "tied_share": graph.number_of_nodes() / organizations,
                     "mean_degree": 2.0 * graph.number_of_edges() / organizations,
                     "clustering": nx.average_clustering(graph) if len(graph) else 0.0,
                     "largest_component_share": largest / organizations})
    return pd.DataFrame(rows, columns=["year", "ties", "tied_share", "mean_degree",
                                       "clustering", "largest_component_share"])


def profession_table(model: EcosystemModel) -> pd.DataFrame:
    """The profession's indicators, one row per year."""
    return pd.DataFrame(model.profession)


def collect(model: EcosystemModel) -> EcosystemResult:
    """Every output table of a finished (or stopped) run."""
    alliances = alliance_table(model)
    return EcosystemResult(model, organization_panel(model), alliances,
                           network_by_year(alliances), profession_table(model),
                           pd.DataFrame(model.people.table()))


def summarize(result: EcosystemResult) -> dict[str, Any]:
    """A few headline figures of the run (for the summary file and the command line)."""
    prof, al = result.profession, result.alliances
    last = prof.iloc[-1] if len(prof) else {}
    return {
        "seed_entropy": str(result.model.seed.entropy),
        "organizations": len(result.model.orgs),
        "years": int(result.model.params.years),
        "alliances": len(al),
        "alliances_failed_share": float(al["failed"].mean()) if len(al) else None,
        "share_function_first_year": float(prof["share_function"].iloc[0]) if len(prof)
        else None,
        "share_function_last_year": float(last["share_function"]) if len(prof) else None,
        "professionals_last_year": int(last["professionals_employed"]) if len(prof) else None,
        "wage_last_year": float(last["wage"]) if len(prof) else None,
        "network_edges_last_year": int((result.network["year"] == prof["year"].max()).sum())
        if len(prof) and len(result.network) else 0,
    }


def profession_figure(profession: pd.DataFrame, path: str | Path) -> Path:
    """Shares of organizations by practice, and professionals and their wage, by year."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    for column, label in (("share_function", "dedicated function"),
                          ("share_trained", "trained staff"), ("share_none", "neither")):
        if column in profession:
            left.plot(profession["year"], profession[column], label=label)
    left.set(xlabel="year", ylabel="share of organizations", ylim=(0, 1),
             title="How organizations manage alliances")
    left.legend()
    if "professionals_per_1000_orgs" in profession:
        right.plot(profession["year"], profession["professionals_per_1000_orgs"],
                   color="tab:purple")
        twin = right.twinx()
        twin.plot(profession["year"], profession["wage"], color="tab:gray", linestyle="--")
        twin.set_ylabel("wage (FTE-years, dashed)")
    right.set(xlabel="year", ylabel="professionals per 1,000 organizations",
              title="The profession")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return Path(path)
