"""One ecosystem run as the run engine does it: its summary row and the tables it records.

:func:`run_ecosystem_spec` is the ``runner`` of the engine's chunk tasks for ecosystem
sweeps (:class:`~alliancesim.engine.tasks.ChunkTask`): the engine gives it the run's seed
(``SeedSequence(root_seed, spawn_key=(point, replicate))``, as every sweep run), and stores
its outcome row and tables as it stores a single alliance's row and steps. The task's
``base`` holds ``ecosystem``, ``alliance`` and ``partners`` (the parameter values every run
takes) and ``record`` (which tables to keep); a run's values override them, ``alliance.X``
naming single-alliance parameter ``X``.

The summary row answers two questions per run: does a profession emerge (the share of
organizations with a dedicated alliance function at the start, at the end and at its
highest; professionals per 1,000 organizations; their wage), and do organizations with a
function do better (failed shares of ended alliances by management mode and by the lead's
practice; organizations' judged results by practice in the last year).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from alliancesim.ecosystem.parameters import PRACTICES

if TYPE_CHECKING:  # pandas loads with the first run, not with an experiment file's check
    import pandas as pd

    from alliancesim.ecosystem.model import EcosystemModel
    from alliancesim.engine.tasks import ChunkTask, RunSpec

ALLIANCE_PREFIX = "alliance."  # a factor naming a single-alliance parameter
MODES = ("dedicated", "transversal", "none")
# Which tables a run keeps unless the experiment says otherwise.
DEFAULT_RECORD = {"profession": True, "alliances": True, "organizations": False,
                  "professionals": False, "every": 1}
# The summary outcomes, in the order of the row; each is defined in OUTCOME_MEANINGS.
OUTCOME_MEANINGS: dict[str, str] = {
    "share_function_start": "share of organizations with a dedicated function, first year",
    "share_function_end": "share of organizations with a dedicated function, last year",
    "share_function_max": "highest yearly share of organizations with a dedicated function",
    "share_function_change": "share_function_end minus share_function_start",
    "share_trained_start": "share of organizations training their staff, first year",
    "share_trained_end": "share of organizations training their staff, last year",
    "share_none_end": "share of organizations with neither practice, last year",
    "professionals_per_1000_end": "professionals employed per 1,000 organizations, last year",
    "professionals_per_1000_max": "highest yearly professionals per 1,000 organizations",
    "professionals_idle_end": "professionals without a post, last year",
    "wage_end": "professionals' wage (FTE-years), last year",
    "wage_max": "highest yearly wage (FTE-years)",
    "professional_skill_end": "mean skill of employed professionals, last year",
    "staff_skill_end": "mean staff skill of organizations, last year",
    "practice_changes": "changes of practice over the run",
    "hired": "professionals hired over the run",
    "poached": "professionals poached over the run",
    "alliances_formed": "alliances founded over the run",
    "alliances_ended": "alliances that ended before the last month",
    "dedicated_share": "share of founded alliances in the dedicated mode",
    "failed_share": "share of ended alliances that failed",
    **{f"failed_share_{mode}": f"share of ended alliances in the {mode} mode that failed"
       for mode in MODES},
    **{f"failed_share_lead_{practice}": "share of ended alliances whose lead had practice "
       f"'{practice}' when it founded them that failed" for practice in PRACTICES},
    **{f"judged_result_{practice}_end": "mean judged result (success share less weighted "
       f"spending) of organizations with practice '{practice}', last year"
       for practice in PRACTICES},
    "judged_result_gap_end": "judged_result of organizations with a function minus that of "
                             "the others, last year",
}
OUTCOMES = tuple(OUTCOME_MEANINGS)


def _frame(data: Any) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame(data)


def split_values(values: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """A run's values as (ecosystem parameters, single-alliance parameters)."""
    ecosystem = {k: v for k, v in values.items() if not k.startswith(ALLIANCE_PREFIX)}
    alliance = {k.removeprefix(ALLIANCE_PREFIX): v for k, v in values.items()
                if k.startswith(ALLIANCE_PREFIX)}
    return ecosystem, alliance


def run_ecosystem_spec(task: ChunkTask, spec: RunSpec, seed: np.random.SeedSequence
                       ) -> tuple[dict[str, Any], dict[str, pd.DataFrame]]:
    """Run one ecosystem of a sweep: its summary outcomes and the tables it records."""
    from alliancesim.ecosystem.model import EcosystemModel

    base = task.base
    ecosystem, alliance = split_values(spec.values)
    model = EcosystemModel(seed, alliance={**base.get("alliance", {}), **alliance},
                           partners=base.get("partners") or None,
                           **{**base.get("ecosystem", {}), **ecosystem})
    initial = model.orgs.practice.copy()  # the practices of year 1 (the panel has year-ends)
    model.run()
    tables = ecosystem_tables(model, initial)
    record = {**DEFAULT_RECORD, **base.get("record", {})}
    kept = {name: frame for name, frame in tables.items() if record.get(name)}
    if "organizations" in kept:
        kept["organizations"] = thin_years(kept["organizations"], int(record["every"]))
    return summary_outcomes(tables), kept


def ecosystem_tables(model: EcosystemModel, initial: np.ndarray) -> dict[str, pd.DataFrame]:
    """The tables of a finished run, with the columns of ``EcosystemResult``'s; the
    alliances also get ``lead_practice``, the lead's practice when it founded them."""
    from alliancesim.ecosystem.outputs import (
        alliance_table,
        organization_panel,
        profession_table,
    )

    organizations = organization_panel(model)
    alliances = alliance_table(model)
    if len(alliances):
        alliances.insert(alliances.columns.get_loc("mode") + 1, "lead_practice",
                         lead_practices(alliances, organizations, initial))
    return {"profession": profession_table(model), "alliances": alliances,
            "organizations": organizations,
            "professionals": _frame(model.people.table())}


def lead_practices(alliances: pd.DataFrame, organizations: pd.DataFrame,
                   initial: np.ndarray) -> np.ndarray:
    """The practice each alliance's lead had when it founded it: practices change only at a
    year's end, so that of the year before the founding year's panel row (the start's in
    the first year)."""
    years = int(organizations["year"].max()) if len(organizations) else 0
    by_year = np.empty((years + 1, len(initial)), dtype=object)
    by_year[0] = np.asarray(PRACTICES, dtype=object)[initial]
    for year, rows in organizations.groupby("year"):
        by_year[int(year), rows["organization"].to_numpy()] = rows["practice"].to_numpy()
    founded_in = (alliances["start_month"].to_numpy() - 1) // 12 + 1
    return by_year[founded_in - 1, alliances["lead"].to_numpy()]


def thin_years(panel: pd.DataFrame, every: int) -> pd.DataFrame:
    """Keep the first year, every ``every``-th year and the last one."""
    if every <= 1 or panel.empty:
        return panel
    years = panel["year"].to_numpy()
    keep = (years % every == 0) | (years == years.min()) | (years == years.max())
    return panel.loc[keep].reset_index(drop=True)


def summary_outcomes(tables: Mapping[str, pd.DataFrame]) -> dict[str, Any]:
    """The run's summary row (:data:`OUTCOME_MEANINGS`), from its whole tables."""
    return {**_profession_outcomes(tables["profession"]),
            **_alliance_outcomes(tables["alliances"]),
            **_organization_outcomes(tables["organizations"])}


def _profession_outcomes(prof: pd.DataFrame) -> dict[str, Any]:
    if prof.empty:
        return {}
    first, last = prof.iloc[0], prof.iloc[-1]
    return {
        "share_function_start": float(first["share_function"]),
        "share_function_end": float(last["share_function"]),
        "share_function_max": float(prof["share_function"].max()),
        "share_function_change": float(last["share_function"] - first["share_function"]),
        "share_trained_start": float(first["share_trained"]),
        "share_trained_end": float(last["share_trained"]),
        "share_none_end": float(last["share_none"]),
        "professionals_per_1000_end": float(last["professionals_per_1000_orgs"]),
        "professionals_per_1000_max": float(prof["professionals_per_1000_orgs"].max()),
        "professionals_idle_end": int(last["professionals_idle"]),
        "wage_end": float(last["wage"]),
        "wage_max": float(prof["wage"].max()),
        "professional_skill_end": float(last["professional_skill_mean"]),
        "staff_skill_end": float(last["staff_skill_mean"]),
        "practice_changes": int(prof["practice_changes"].sum()),
        "hired": int(prof["hired"].sum()),
        "poached": int(prof["poached"].sum()),
    }


def _share(flags: pd.Series) -> float:
    """The share of true values; NaN without any (no alliance of that kind ended)."""
    return float(flags.mean()) if len(flags) else math.nan


def _alliance_outcomes(alliances: pd.DataFrame) -> dict[str, Any]:
    """Counts and failed shares; only ended alliances count as failed or not (those still
    running at the end have no result yet)."""
    if alliances.empty:
        ended = _frame({"failed": [], "mode": [], "lead_practice": []})
        formed, dedicated = 0, math.nan
    else:
        ended = alliances[alliances["ended"].astype(bool)]
        formed, dedicated = len(alliances), float((alliances["mode"] == "dedicated").mean())
    failed = ended["failed"].astype(bool)
    return {
        "alliances_formed": formed,
        "alliances_ended": len(ended),
        "dedicated_share": dedicated,
        "failed_share": _share(failed),
        **{f"failed_share_{mode}": _share(failed[ended["mode"] == mode]) for mode in MODES},
        **{f"failed_share_lead_{practice}": _share(failed[ended["lead_practice"] == practice])
           for practice in PRACTICES},
    }


def _organization_outcomes(panel: pd.DataFrame) -> dict[str, Any]:
    """Mean judged results by practice in the last year (organizations without results
    yet left out), and the function's gap to the others."""
    if panel.empty:
        return {}
    last = panel[panel["year"] == panel["year"].max()]
    judged = last.dropna(subset=["judged_result"])
    by_practice = judged.groupby("practice")["judged_result"].mean()
    others = judged.loc[judged["practice"] != "function", "judged_result"]
    function = float(by_practice.get("function", math.nan))
    return {
        **{f"judged_result_{practice}_end": float(by_practice.get(practice, math.nan))
           for practice in PRACTICES},
        "judged_result_gap_end": function - float(others.mean()) if len(others)
        else math.nan,
    }
