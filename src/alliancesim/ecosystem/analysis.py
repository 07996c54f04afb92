"""The profession question answered at the population's level, with its noise.

Works on the tables of one ecosystem run or of many (a sweep's reader adds ``run_id``,
``point``, ``replicate`` and the varied parameters' values to every row; a table without them
is one run, one replicate of one condition). Three questions (``docs/ecosystem.md``,
"Reading the answer"):

1. **Does a profession emerge?** The share of organizations keeping a dedicated alliance
   function, its last year against its first, per run; across the replicates of a condition
   the mean change gets a t interval and one of four answers (*emerges*, *recedes*,
   *stable (equivalent within margin)* by two one-sided tests, or *cannot tell*), and across
   the conditions of a sweep a regression says which varied factors move the end share,
   against the replicate noise.
2. **Do organizations with a function have more successful alliances than organizations
   that train everyone?** A linear probability model of each alliance's outcome on its
   lead's practice at the alliance's start, adjusted for the lead's experience, size and
   sector and the start year, with standard errors clustered by organization: per run,
   pooled over replicates, between replicates, and within organization (organization fixed
   effects: only leads that switched practice inform it). Organizations choose their
   practice (after doing badly, or by imitating peers that did well), so the first three
   are associations; the within-organization estimate removes what is fixed about an
   organization, not what made it switch.
3. **Firm-level patterns from the literature**, as out-of-sample checks that can fail:
   diminishing returns to alliance experience and fewer failures between past partners.

Every answer comes from :func:`alliancesim.compare.answers.judge_estimate` (different /
equivalent within a margin / undecided), renamed for the question asked.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from alliancesim.compare.answers import (
    DEFAULT_MARGIN,
    DIFFERENT,
    EQUIVALENT,
    Answer,
    judge_estimate,
    judge_paired,
)
from alliancesim.ecosystem.yearly import YEAR_COUNTS
from alliancesim.engine.store import plain_types

RUN, POINT, REPLICATE = "run_id", "point", "replicate"
KEYS = (RUN, POINT, REPLICATE)
CONFIDENCE = 0.95
FUNCTION, TRAINED, NONE = "function", "trained", "none"
EMERGES, RECEDES, STABLE, CANNOT_TELL = ("emerges", "recedes",
                                          "stable (equivalent within margin)", "cannot tell")
FUNCTION_BETTER, TRAINED_BETTER, EQUIVALENT_ANSWER = ("function better", "trained better",
                                                      "equivalent")
HOLDS, DOES_NOT_HOLD = "holds", "does not hold"
# Bands of prior alliances: experience enters the adjustment as categories, so that no
# shape of its effect is assumed.
EXPERIENCE_BANDS = (-0.5, 0.5, 2.5, 5.5, 10.5, math.inf)
EXPERIENCE_LABELS = ("0", "1-2", "3-5", "6-10", "11+")
# Months after its start within which an alliance's dissolution counts as an early failure
# (an analysis choice, not a model parameter: long enough for most dissolutions, short
# enough to follow up most alliances of a 30-year run).
FOLLOWUP_MONTHS = 60
# Fewer conditions than this: a sweep's factor fit treats runs as independent (HC1) rather
# than clustering by condition, as cluster-robust errors need many clusters.
MIN_CLUSTERS = 10
# Fewer residual degrees of freedom than this: a regression is left out as uninformative.
MIN_RESIDUAL_DF = 10
# Columns the profession table has of itself; any other column constant within a run and
# varying between runs is a factor a sweep varied.
PROFESSION_COLUMNS = frozenset({
    "year", "share_function", "share_trained", "share_none", "professionals_employed",
    "professionals_idle", "professionals_per_1000_orgs", "wage", "professional_skill_mean",
    "professional_employers_mean", "staff_skill_mean", "alliances_live",
    "dedicated_share_live", *YEAR_COUNTS, "failed_share_dedicated",
    "failed_share_transversal", "failed_share_none", "seed_entropy",
    "seed_spawn_key", "status", "name", "scenario"})


# --- run identity ---------------------------------------------------------------------------
def with_run_keys(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with ``run_id``, ``point`` and ``replicate`` columns: kept when there, else
    one run (run 0, point 0, replicate 0); ``run_id`` made from point and replicate when
    only those are given."""
    frame = frame.copy()
    if POINT not in frame:
        frame[POINT] = 0
    if REPLICATE not in frame:
        frame[REPLICATE] = 0
    if RUN not in frame:
        frame[RUN] = frame[POINT].astype(str) + "/" + frame[REPLICATE].astype(str)
    return frame


def combine_runs(results: Sequence[Any], *, points: Sequence[Any] | None = None
                 ) -> dict[str, pd.DataFrame]:
    """The tables of several runs (``EcosystemResult`` objects or mappings of DataFrames) as
    one set with ``run_id``, ``point`` and ``replicate`` columns; ``points`` gives each run's
    condition (default: all one condition, the runs its replicates)."""
    points = list(points) if points is not None else [0] * len(results)
    if len(points) != len(results):
        raise ValueError(f"points: {len(points)} given for {len(results)} runs")
    seen: dict[Any, int] = {}
    combined: dict[str, list[pd.DataFrame]] = {}
    for run, (result, point) in enumerate(zip(results, points, strict=True)):
        replicate = seen.get(point, 0)
        seen[point] = replicate + 1
        for name, table in tables_of(result).items():
            table = table.copy()
            for column, value in ((RUN, run), (POINT, point), (REPLICATE, replicate)):
                if column in table:
                    table = table.drop(columns=column)
                table.insert(0, column, value)
            combined.setdefault(name, []).append(table)
    return {name: pd.concat(frames, ignore_index=True) for name, frames in combined.items()}


def tables_of(tables: Any) -> dict[str, pd.DataFrame]:
    """The ``organizations``, ``alliances`` and ``profession`` tables of an
    ``EcosystemResult`` or of a mapping holding them (a sweep reader's output)."""
    names = ("organizations", "alliances", "profession")
    if isinstance(tables, Mapping):
        missing = [n for n in names if n not in tables]
        if missing:
            raise ValueError(f"tables: missing {', '.join(missing)}; expected the tables "
                             f"{', '.join(names)}")
        return {n: plain_types(tables[n], missing_as_float=True) for n in names}
    if all(hasattr(tables, n) for n in names):
        return {n: plain_types(getattr(tables, n), missing_as_float=True) for n in names}
    raise ValueError(f"tables: expected an EcosystemResult or a mapping of the tables "
                     f"{', '.join(names)}, got {type(tables).__name__}")


# --- 1. does a profession emerge? ----------------------------------------------------------
TRAJECTORY_COLUMNS = ("share_function", "share_trained", "share_none",
                      "professionals_per_1000_orgs", "wage")


def trajectories(profession: pd.DataFrame) -> pd.DataFrame:
    """Per run and year: the shares of organizations by practice, professionals employed per
    1,000 organizations and the wage."""
    frame = with_run_keys(profession)
    columns = [c for c in TRAJECTORY_COLUMNS if c in frame]
    return frame[[*KEYS, "year", *columns]].sort_values([POINT, RUN, "year"],
                                                         ignore_index=True)


def trajectory_bands(profession: pd.DataFrame, column: str = "share_function",
                     confidence: float = CONFIDENCE) -> pd.DataFrame:
    """Per condition and year: the mean of ``column`` over the replicates with its t interval
    (replicate noise; no interval from a single run) and the replicates' range."""
    frame = trajectories(profession)
    rows = []
    for (point, year), group in frame.groupby([POINT, "year"], sort=True):
        values = group[column].to_numpy(dtype=float)
        low, high = mean_interval(values, confidence)
        rows.append({POINT: point, "year": int(year), "column": column, "runs": len(values),
                     "mean": float(values.mean()), "ci_low": low, "ci_high": high,
                     "min": float(values.min()), "max": float(values.max())})
    return pd.DataFrame(rows)


def mean_interval(values: np.ndarray, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """A t interval of the mean of ``values`` (NaN with fewer than two; the point itself
    when they do not vary)."""
    values = np.asarray(values, dtype=float)
    values = values[~np.isnan(values)]
    if len(values) < 2:
        return math.nan, math.nan
    se = float(values.std(ddof=1)) / math.sqrt(len(values))
    if se == 0:
        return float(values.mean()), float(values.mean())
    low, high = stats.t.interval(confidence, len(values) - 1, loc=values.mean(), scale=se)
    return float(low), float(high)


def emergence_per_run(profession: pd.DataFrame) -> pd.DataFrame:
    """Per run: the share of organizations with a function in its first and last recorded
    year (each at the year's end, after that year's decisions), the change, and the
    profession's size (professionals per 1,000 organizations) and wage at both ends."""
    frame = trajectories(profession)
    rows = []
    for run, group in frame.groupby(RUN, sort=False):
        first, last = group.iloc[0], group.iloc[-1]
        rows.append({RUN: run, POINT: group[POINT].iloc[0],
                     REPLICATE: group[REPLICATE].iloc[0],
                     "first_year": int(first["year"]), "last_year": int(last["year"]),
                     "share_start": float(first["share_function"]),
                     "share_end": float(last["share_function"]),
                     "change": float(last["share_function"] - first["share_function"]),
                     "professionals_start": float(first.get("professionals_per_1000_orgs",
                                                            math.nan)),
                     "professionals_end": float(last.get("professionals_per_1000_orgs",
                                                         math.nan)),
                     "wage_end": float(last.get("wage", math.nan))})
    return pd.DataFrame(rows)


def emergence_answers(profession: pd.DataFrame, *, margin: float = DEFAULT_MARGIN,
                      confidence: float = CONFIDENCE) -> pd.DataFrame:
    """Per condition: does a profession emerge? The mean change in the share of organizations
    with a function (last year minus first) over the replicates, its t interval, and the
    answer: *emerges* or *recedes* when the interval excludes no change, *stable
    (equivalent within margin)* when two one-sided tests put the change within ``margin``
    (a share), *cannot tell* otherwise (with the replicates estimated to decide it). One run
    alone has no replicate noise to judge against: *cannot tell*."""
    runs = emergence_per_run(profession)
    rows = []
    for point, group in runs.groupby(POINT, sort=True):
        # Rounded so that changes equal but for floating-point noise count as equal (and
        # their spread as none, which the exact sign test then judges).
        answer = judge_paired(group["change"].round(12).to_numpy(dtype=float), margin,
                              confidence, test="one-sample t of last minus first year")
        rows.append({POINT: point, "runs": len(group),
                     "first_year": int(group["first_year"].min()),
                     "last_year": int(group["last_year"].max()),
                     "share_start": float(group["share_start"].mean()),
                     "share_end": float(group["share_end"].mean()),
                     "change": answer.diff, "ci_low": answer.low, "ci_high": answer.high,
                     "p_value": answer.p_value, "p_equivalent": answer.p_equivalent,
                     "margin": margin, "more_runs": answer.more_runs,
                     "professionals_end": float(group["professionals_end"].mean()),
                     "wage_end": float(group["wage_end"].mean()),
                     "answer": _emergence_word(answer)})
    return pd.DataFrame(rows)


def _emergence_word(answer: Answer) -> str:
    if answer.answer == DIFFERENT:
        return EMERGES if answer.diff > 0 else RECEDES
    return STABLE if answer.answer == EQUIVALENT else CANNOT_TELL


def sweep_factors(frame: pd.DataFrame) -> list[str]:
    """Columns of a profession table that a sweep varied: constant within every condition
    (so not a seed or a run's own label), different between conditions, not one of the
    table's own columns or the run keys."""
    frame = with_run_keys(frame)
    factors = []
    for column in frame.columns:
        if column in PROFESSION_COLUMNS or column in KEYS:
            continue
        per_point = frame.groupby(POINT)[column].nunique(dropna=False)
        if (per_point <= 1).all() and frame[column].nunique(dropna=False) > 1:
            factors.append(column)
    return factors


def emergence_factors(profession: pd.DataFrame, factors: Sequence[str] | None = None,
                      confidence: float = CONFIDENCE) -> pd.DataFrame:
    """Which varied factors move the share of organizations with a function in the last year.

    An ordinary least squares fit of each run's end share on the factors (numbers scaled so
    that a coefficient is the change over the factor's whole swept range; anything else as
    categories against its first level), with standard errors clustered by condition (the
    replicates of one condition share its values; with fewer than ``MIN_CLUSTERS``
    conditions, heteroskedasticity-robust HC1 errors treating runs as independent). A factor
    *moves the end share* when its interval excludes zero. The last row, ``replicate
    noise``, is the standard deviation of the end share between replicates of one condition
    (pooled over conditions): a factor's effect smaller than that is within what reruns of
    one condition already give.
    Empty when nothing was varied."""
    factors = list(sweep_factors(profession) if factors is None else factors)
    ends = emergence_per_run(profession)
    frame = with_run_keys(profession).groupby(RUN, sort=False).first()
    ends = ends.join(frame[factors], on=RUN) if factors else ends
    if not factors or ends[POINT].nunique() < 2:
        return pd.DataFrame(columns=["factor", "term", "effect", "ci_low", "ci_high",
                                     "p_value", "answer", "runs", "conditions"])
    import statsmodels.formula.api as smf

    data, terms = _scaled_factors(ends, factors)
    rhs = " + ".join(terms.values())
    model = smf.ols(f"share_end ~ {rhs}", data=data)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if data[POINT].nunique() >= MIN_CLUSTERS:
            fit = _fit(model, data[POINT])
        else:  # too few conditions to cluster on: runs as independent, robust to spread
            fit = model.fit(cov_type="HC1", use_t=True)
    rows = []
    for name, term in terms.items():
        for coef in [c for c in fit.params.index if c == term or c.startswith(f"{term}[")]:
            low, high = fit.conf_int(1 - confidence).loc[coef]
            p = float(fit.pvalues[coef])
            rows.append({"factor": name, "term": coef.replace(term, name),
                         "effect": float(fit.params[coef]),
                         "ci_low": float(low), "ci_high": float(high), "p_value": p,
                         "answer": "moves the end share" if p < 1 - confidence
                         else "no clear effect", "runs": len(data),
                         "conditions": data[POINT].nunique()})
    noise = _replicate_sd(ends)
    rows.append({"factor": "replicate noise", "term": "sd between replicates",
                 "effect": noise, "ci_low": math.nan, "ci_high": math.nan,
                 "p_value": math.nan, "answer": "noise", "runs": len(data),
                 "conditions": data[POINT].nunique()})
    return pd.DataFrame(rows)


def _scaled_factors(ends: pd.DataFrame, factors: Sequence[str]
                    ) -> tuple[pd.DataFrame, dict[str, str]]:
    data, terms = ends.copy(), {}
    for k, name in enumerate(factors):
        column = f"factor_{k}"
        values = data[name]
        if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            span = float(values.max() - values.min()) or 1.0
            data[column] = (values.astype(float) - float(values.min())) / span
            terms[name] = column
        else:
            data[column] = values.astype(str)
            terms[name] = f"C({column})"
    return data, terms


def _replicate_sd(ends: pd.DataFrame) -> float:
    grouped = ends.groupby(POINT)["share_end"]
    dof = int((grouped.size() - 1).clip(lower=0).sum())
    if dof == 0:
        return math.nan
    return float(math.sqrt(float((grouped.var(ddof=1).fillna(0.0)
                                  * (grouped.size() - 1)).sum()) / dof))


# --- 2. which practice leads to more successful alliances? -----------------------------------
def alliance_practice_table(alliances: pd.DataFrame, organizations: pd.DataFrame,
                            followup_months: int = FOLLOWUP_MONTHS) -> pd.DataFrame:
    """One row per alliance: its lead's practice when the alliance started (the practice
    the lead kept through the year before: practices change only at a year's end; alliances
    of the first year are left out, as the panel starts after the first year's decisions),
    the lead's prior alliances (its alliances past forming that had closed before this one
    started), size and sector, the start year, the outcomes, and whether the two founders
    had been in an alliance together before (a repeated tie).

    Two kinds of outcome, as alliances still running at the end are censored:
    ``dissolved_early`` (dissolved within ``followup_months`` of its start), defined for the
    alliances started at least that long before the run's end (``followed_up``) whether or
    not they ended, which censoring cannot bias; and the record's ``failed`` and
    ``objectives_met``, defined for alliances that ended (``ended``), among which quick
    dissolutions are over-represented, more so the later they started."""
    alliances = with_run_keys(alliances)
    organizations = with_run_keys(organizations)
    if alliances.empty:
        return pd.DataFrame()
    alliances = alliances.assign(start_year=(alliances["start_month"] - 1) // 12 + 1)
    pieces = [_run_alliances(group, organizations[organizations[RUN] == run],
                             followup_months)
              for run, group in alliances.groupby(RUN, sort=False)]
    table = pd.concat(pieces, ignore_index=True)
    return table[table["lead_practice"].notna()].reset_index(drop=True)


def _run_alliances(alliances: pd.DataFrame, panel: pd.DataFrame, followup_months: int
                   ) -> pd.DataFrame:
    frame = alliances[[*KEYS, "alliance_id", "start_month", "close_month", "start_year",
                       "lead", "mode", "founder_ids", "ended", "failed",
                       "objectives_met"]].copy()
    frame["ended"] = frame["ended"].astype(bool)
    frame["failed"] = frame["failed"].astype(float)
    frame["objectives_met"] = frame["objectives_met"].astype(float)
    last_month = 12 * int(panel["year"].max())
    frame["followed_up"] = frame["start_month"] + followup_months <= last_month
    dissolved = (alliances["outcome"] == "dissolved") & (
        alliances["end_month"] <= followup_months)
    frame["dissolved_early"] = np.where(frame["followed_up"], dissolved.astype(float),
                                        np.nan)
    frame["lead_prior_alliances"] = _prior_alliances(alliances)
    frame["repeated_tie"] = _repeated_ties(alliances).astype(float)
    if "lead_practice" in alliances:  # a sweep's table: taken from the full panel, which
        # a sweep may keep only every few years
        frame["lead_practice"] = alliances["lead_practice"].to_numpy()
    else:
        before = panel[["year", "organization", "practice"]].assign(year=panel["year"] + 1)
        frame = frame.merge(before.rename(columns={"year": "start_year", "organization": "lead",
                                                   "practice": "lead_practice"}),
                            on=["start_year", "lead"], how="left")
    traits = panel.groupby("organization")[["size", "sector"]].first()
    frame = frame.join(traits.rename(columns=lambda c: f"lead_{c}"), on="lead")
    frame["experience_band"] = pd.cut(frame["lead_prior_alliances"], EXPERIENCE_BANDS,
                                      labels=EXPERIENCE_LABELS).astype(str)
    return frame


def _founded(alliances: pd.DataFrame) -> pd.Series:
    """Alliances past forming (their partners worked together): what counts as experience
    and as a tie in the model."""
    governance = alliances["governance"]
    return governance.notna() & ~governance.astype(str).str.strip().isin(["", "nan", "None"])


def _memberships(alliances: pd.DataFrame) -> pd.DataFrame:
    """One row per alliance past forming and organization ever in it, with its close month."""
    done = alliances[_founded(alliances)]
    members = done["member_ids_ever"].astype(str).str.split(";")
    rows = pd.DataFrame({"alliance_id": done["alliance_id"].to_numpy(),
                         "close_month": done["close_month"].to_numpy(),
                         "organization": members.to_numpy()}).explode("organization")
    rows = rows[rows["organization"].astype(str).str.strip() != ""]
    return rows.assign(organization=rows["organization"].astype(int))


def _prior_alliances(alliances: pd.DataFrame) -> np.ndarray:
    """For each alliance, its lead's alliances past forming that closed before it started
    (what the model counts as experience by then)."""
    closes = _memberships(alliances).groupby("organization")["close_month"].apply(
        lambda months: np.sort(months.to_numpy()))
    return np.array([np.searchsorted(closes[lead], start, side="left") if lead in closes
                     else 0 for lead, start in zip(alliances["lead"], alliances["start_month"],
                                                    strict=True)], dtype=float)


def _repeated_ties(alliances: pd.DataFrame) -> np.ndarray:
    """Whether an alliance's two founders were together in an alliance past forming that
    closed before it started."""
    done = alliances[_founded(alliances)]
    first_close: dict[tuple[int, int], int] = {}
    for members, close in zip(done["member_ids_ever"].astype(str), done["close_month"],
                              strict=True):
        orgs = sorted(int(o) for o in members.split(";") if o.strip())
        for i, a in enumerate(orgs):
            for b in orgs[i + 1:]:
                first_close[(a, b)] = min(first_close.get((a, b), close), int(close))
    repeated = []
    for founders, start in zip(alliances["founder_ids"], alliances["start_month"],
                               strict=True):
        pair = sorted(int(o) for o in str(founders).split(";") if o.strip())
        key = (pair[0], pair[-1]) if len(pair) == 2 else None
        repeated.append(key is not None and first_close.get(key, math.inf) < start)
    return np.array(repeated, dtype=bool)


@dataclass(frozen=True)
class Estimate:
    """One regression coefficient with its cluster-robust standard error."""

    effect: float
    se: float
    df: float
    n: int
    clusters: int
    switchers: int = -1  # within-organization fits: organizations that switched practice

    @property
    def usable(self) -> bool:
        """Whether the coefficient and a positive standard error were estimated."""
        return bool(np.isfinite(self.effect) and np.isfinite(self.se) and self.se > 0)


NO_ESTIMATE = Estimate(math.nan, math.nan, math.nan, 0, 0)


def cluster_estimate(data: pd.DataFrame, formula: str, term: str, cluster: pd.Series
                     ) -> Estimate:
    """The coefficient of ``term`` in an OLS fit of ``formula`` (a linear probability model
    for a yes/no outcome) with CR1 standard errors clustered by ``cluster`` and a t
    distribution on clusters - 1 degrees of freedom. No estimate (NaN) when the term cannot
    be estimated (it does not vary, or too few clusters)."""
    import statsmodels.formula.api as smf

    groups = pd.factorize(cluster)[0]
    clusters = len(np.unique(groups))
    outcome = formula.split("~")[0].strip()
    if len(data) < 5 or clusters < 3 or data[outcome].nunique() < 2:
        return NO_ESTIMATE  # an outcome that never varies says nothing about any term
    try:
        fit = _fit(smf.ols(formula, data=data), cluster)
    except (ValueError, np.linalg.LinAlgError, ZeroDivisionError):
        return NO_ESTIMATE  # (as many coefficients as rows: the clustered errors divide by 0)
    if fit.df_resid < MIN_RESIDUAL_DF:
        return NO_ESTIMATE  # nearly as many coefficients as alliances: nothing to learn
    if term not in fit.params.index or not identified(fit.model.exog,
                                                      fit.model.exog_names.index(term)):
        return NO_ESTIMATE
    return Estimate(float(fit.params[term]), float(fit.bse[term]), float(clusters - 1),
                    len(data), clusters)


def identified(exog: np.ndarray, column: int) -> bool:
    """Whether column ``column`` of a design matrix is identified: dropping it lowers the
    rank (otherwise other columns, or a lack of variation, make its coefficient arbitrary)."""
    exog = np.asarray(exog, dtype=float)
    norms = np.linalg.norm(exog, axis=0)
    if norms[column] == 0:
        return False
    scaled = exog / np.where(norms > 0, norms, 1.0)
    gram = scaled.T @ scaled  # same rank as the design, and small (columns x columns)
    rank = np.linalg.matrix_rank(gram, hermitian=True)
    kept = np.delete(np.delete(gram, column, axis=0), column, axis=1)
    return bool(np.linalg.matrix_rank(kept, hermitian=True) < rank)


def _fit(model: Any, cluster: pd.Series) -> Any:
    groups = pd.factorize(pd.Series(np.asarray(cluster)))[0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # singular designs and few clusters are reported
        return model.fit(cov_type="cluster", cov_kwds={"groups": groups}, use_t=True)


@dataclass(frozen=True)
class Question:
    """An effect to estimate: the outcome, the term and which sign is 'better'."""

    outcome: str
    rhs: str  # right-hand side of the formula, without the run fixed effect
    term: str
    better_when: int  # +1: a larger outcome is better (objectives met); -1: failure
    within_rhs: str = ""  # right-hand side of the within-organization fit ("" = none)
    labels: tuple[str, str, str] = (FUNCTION_BETTER, TRAINED_BETTER, EQUIVALENT_ANSWER)
    name: str = field(default="")
    sample: str = ""  # a yes/no column choosing the rows the outcome is defined for


PRACTICE_RHS = ("is_function + is_none + C(experience_band) + lead_size + C(lead_sector)"
                " + C(start_year)")
PRACTICE_WITHIN_RHS = "is_function + is_none + C(experience_band) + C(start_year)"


def practice_questions() -> list[Question]:
    """Function-led against trained-led alliances: dissolution within the follow-up (the
    headline: no censoring), failure and objectives met among ended alliances."""
    return [Question("dissolved_early", PRACTICE_RHS, "is_function", -1, PRACTICE_WITHIN_RHS,
                     name="dissolved within follow-up", sample="followed_up"),
            Question("failed", PRACTICE_RHS, "is_function", -1, PRACTICE_WITHIN_RHS,
                     name="failed (ended alliances)", sample="ended"),
            Question("objectives_met", PRACTICE_RHS, "is_function", +1, PRACTICE_WITHIN_RHS,
                     name="objectives met (ended alliances)", sample="ended")]


def practice_effects(table: pd.DataFrame, *, margin: float = DEFAULT_MARGIN,
                     confidence: float = CONFIDENCE,
                     questions: Sequence[Question] | None = None) -> pd.DataFrame:
    """Alliances led by an organization with a function against those led by one that
    trains its staff (:func:`alliance_practice_table`), adjusted for the lead's experience
    band, size and sector and the start year; per condition and outcome, one row per
    estimate: each run (clustered by lead), ``pooled`` (all replicates, run fixed effects,
    clustered by run and lead), ``between replicates`` (the mean of the runs' estimates with
    a t interval over replicates), and ``within organization`` (lead fixed effects: only
    leads that led alliances under both practices inform it). The ``answer`` row judges the
    pooled estimate with the wider of the pooled and the between-replicate intervals.
    """
    table = _with_practice_dummies(table)
    rows = []
    for question in questions or practice_questions():
        rows_of = table[table[question.sample].astype(bool)] if question.sample else table
        for point, group in rows_of.groupby(POINT, sort=True):
            rows.extend(_question_rows(group, question, point, margin, confidence))
    return pd.DataFrame(rows)


def _with_practice_dummies(table: pd.DataFrame) -> pd.DataFrame:
    practice = table["lead_practice"].astype(str)
    return table.assign(is_function=(practice == FUNCTION).astype(float),
                        is_none=(practice == NONE).astype(float))


def _question_rows(group: pd.DataFrame, q: Question, point: Any, margin: float,
                   confidence: float) -> list[dict[str, Any]]:
    formula = f"{q.outcome} ~ {q.rhs}"
    per_run = []
    rows = []
    for run, runs in group.groupby(RUN, sort=True):
        estimate = cluster_estimate(runs, formula, q.term, runs["lead"])
        per_run.append(estimate)
        rows.append(_row(q, point, f"run {run}", estimate, margin, confidence))
    cluster = group[RUN].astype(str) + ":" + group["lead"].astype(str)
    pooled_formula = formula + (f" + C({RUN})" if group[RUN].nunique() > 1 else "")
    pooled = cluster_estimate(group, pooled_formula, q.term, cluster)
    rows.append(_row(q, point, "pooled", pooled, margin, confidence))
    between = _between(per_run)
    rows.append(_row(q, point, "between replicates", between, margin, confidence))
    within = _within_estimate(group, q) if q.within_rhs else NO_ESTIMATE
    rows.append(_row(q, point, "within organization", within, margin, confidence))
    judged = pooled
    if between.usable and pooled.usable and _half_width(between) > _half_width(pooled):
        judged = Estimate(pooled.effect, between.se, between.df, pooled.n, pooled.clusters)
    rows.append(_row(q, point, "answer", judged, margin, confidence))
    return rows


def _half_width(e: Estimate, confidence: float = CONFIDENCE) -> float:
    return float(stats.t.ppf(1 - (1 - confidence) / 2, e.df)) * e.se


def _between(per_run: Sequence[Estimate]) -> Estimate:
    """The mean of the runs' estimates, its standard error from their spread."""
    effects = np.array([e.effect for e in per_run if e.usable])
    if len(effects) < 2:
        return NO_ESTIMATE
    return Estimate(float(effects.mean()), float(effects.std(ddof=1) / math.sqrt(len(effects))),
                    float(len(effects) - 1), len(effects), len(effects))


def _within_estimate(group: pd.DataFrame, q: Question) -> Estimate:
    """The practice's coefficient with lead fixed effects (each organization compared with
    itself under another practice); only leads that switched practice inform it."""
    org = group[RUN].astype(str) + ":" + group["lead"].astype(str)
    switchers = _switchers(group, org)
    if not switchers:
        return NO_ESTIMATE
    e = within_estimate(group, f"{q.outcome} ~ {q.within_rhs}", q.term, org)
    return Estimate(e.effect, e.se, e.df, e.n, e.clusters, switchers) if e.usable else e


def within_estimate(data: pd.DataFrame, formula: str, term: str, entity: pd.Series
                    ) -> Estimate:
    """The coefficient of ``term`` with ``entity`` fixed effects: the outcome and the
    regressors of ``formula`` demeaned within entity, OLS, standard errors clustered by
    entity (which absorbs the fixed effects' degrees of freedom). No estimate when the term
    does not vary within any entity."""
    import patsy
    import statsmodels.api as sm

    try:
        y, x = patsy.dmatrices(formula, data, return_type="dataframe")
    except patsy.PatsyError:
        return NO_ESTIMATE
    keys = entity.loc[y.index]
    y_within = y - y.groupby(keys).transform("mean")
    x_within = (x - x.groupby(keys).transform("mean")).drop(columns="Intercept")
    x_within = x_within.loc[:, x_within.abs().sum() > 1e-12]
    if term not in x_within or y_within.abs().to_numpy().max() < 1e-12 or not identified(
            x_within.to_numpy(), list(x_within.columns).index(term)):
        return NO_ESTIMATE
    try:
        fit = _fit(sm.OLS(y_within.iloc[:, 0], x_within), keys)
    except (ValueError, np.linalg.LinAlgError):
        return NO_ESTIMATE
    clusters = int(keys.nunique())
    return Estimate(float(fit.params[term]), float(fit.bse[term]), float(clusters - 1),
                    len(y), clusters)


def _switchers(group: pd.DataFrame, keys: pd.Series) -> int:
    """Leads that led alliances under more than one practice (who inform the within
    estimate)."""
    return int((group.loc[keys.index, "lead_practice"].groupby(keys).nunique() > 1).sum())


def _row(q: Question, point: Any, estimate_name: str, e: Estimate, margin: float,
         confidence: float) -> dict[str, Any]:
    answer = judge_estimate(e.effect, e.se, e.df, e.n, margin, confidence) if e.usable \
        else None
    return {POINT: point, "outcome": q.outcome, "question": q.name, "estimate": estimate_name,
            "effect": e.effect, "ci_low": answer.low if answer else math.nan,
            "ci_high": answer.high if answer else math.nan,
            "p_value": answer.p_value if answer else math.nan,
            "p_equivalent": answer.p_equivalent if answer else math.nan,
            "n": e.n, "clusters": e.clusters,
            "switchers": e.switchers if e.switchers >= 0 else math.nan, "margin": margin,
            "answer": _better_word(answer, q)}


def _better_word(answer: Answer | None, q: Question) -> str:
    if answer is None:
        return CANNOT_TELL
    if answer.answer == DIFFERENT:
        return q.labels[0] if np.sign(answer.diff) == q.better_when else q.labels[1]
    return q.labels[2] if answer.answer == EQUIVALENT else CANNOT_TELL


def portfolio_effects(organizations: pd.DataFrame, *, margin: float = DEFAULT_MARGIN,
                      confidence: float = CONFIDENCE) -> pd.DataFrame:
    """Each organization-year's judged portfolio result (the share of its alliances of the
    last ``memory_years`` that did not fail, less its weighted spending) by its practice
    that year: organizations with a function against those that train their staff,
    adjusted for experience band and year, estimated as :func:`practice_effects` does
    (clustered by organization; the within-organization estimate compares organizations
    with themselves before and after a switch). A larger result is better."""
    panel = with_run_keys(organizations)
    panel = panel[panel["judged_result"].notna()].copy()
    panel["lead"] = panel["organization"]
    panel["lead_practice"] = panel["practice"]
    panel["lead_size"], panel["lead_sector"] = panel["size"], panel["sector"]
    panel["start_year"] = panel["year"]
    panel["experience_band"] = pd.cut(panel["experience"], EXPERIENCE_BANDS,
                                      labels=EXPERIENCE_LABELS).astype(str)
    question = Question("judged_result", PRACTICE_RHS, "is_function", +1,
                        PRACTICE_WITHIN_RHS, name="judged portfolio result")
    return practice_effects(panel, margin=margin, confidence=confidence,
                            questions=[question])


def portfolio_by_practice(organizations: pd.DataFrame,
                          confidence: float = CONFIDENCE) -> pd.DataFrame:
    """Per condition and practice: the mean judged portfolio result over organization-years
    with results, per run and then over the replicates with a t interval (descriptive: not
    adjusted for anything)."""
    panel = with_run_keys(organizations)
    panel = panel[panel["judged_result"].notna()]
    per_run = panel.groupby([POINT, RUN, "practice"])["judged_result"].agg(["mean", "size"])
    rows = []
    for (point, practice), group in per_run.reset_index().groupby([POINT, "practice"]):
        low, high = mean_interval(group["mean"].to_numpy())
        rows.append({POINT: point, "practice": practice, "runs": len(group),
                     "organization_years": int(group["size"].sum()),
                     "judged_result": float(group["mean"].mean()),
                     "ci_low": low, "ci_high": high})
    return pd.DataFrame(rows)


def failure_by_practice_and_experience(table: pd.DataFrame,
                                       confidence: float = CONFIDENCE) -> pd.DataFrame:
    """Share of followed-up alliances dissolved early by the lead's practice and experience band,
    pooled over runs, with a Wilson interval (descriptive: it ignores that one
    organization's alliances are alike)."""
    from statsmodels.stats.proportion import proportion_confint

    rows = []
    for (point, practice, band), group in _followed_up(table).groupby(
            [POINT, "lead_practice", "experience_band"], sort=True):
        failed = int(group["dissolved_early"].sum())
        low, high = proportion_confint(failed, len(group), 1 - confidence, method="wilson")
        rows.append({POINT: point, "practice": practice, "experience_band": band,
                     "alliances": len(group), "failed_share": failed / len(group),
                     "ci_low": float(low), "ci_high": float(high)})
    frame = pd.DataFrame(rows)
    if not frame.empty:
        order = {label: k for k, label in enumerate(EXPERIENCE_LABELS)}
        frame = frame.sort_values([POINT, "practice", "experience_band"],
                                  key=lambda s: s.map(order) if s.name == "experience_band"
                                  else s, ignore_index=True)
    return frame


# --- 3. patterns from the literature, as checks that can fail ---------------------------------
PATTERN_CONTROLS = "lead_size + C(lead_sector) + C(start_year)"


def experience_curve(table: pd.DataFrame, *, confidence: float = CONFIDENCE) -> pd.DataFrame:
    """Diminishing returns to alliance experience (Anand & Khanna 2000; Hoang & Rothaermel
    2005): the chance an alliance does not fail rises with its lead's prior alliances at a
    decreasing rate (success: not dissolved within the follow-up, among the alliances
    followed up that long). A quadratic linear probability model in prior alliances (with size,
    sector, start year and run fixed effects, clustered by run and lead), per condition:
    *holds* when the first alliance's slope is clearly positive and the curvature clearly
    negative, *does not hold* when either clearly has the other sign, *cannot tell*
    otherwise. Rows: slope and curvature across organizations, then the same within
    organization (lead fixed effects, start-year dummies: each organization against its own
    earlier alliances), a second estimate that removes a confound of the first: an
    organization whose alliances dissolve quickly has more of them closed, so more
    "experience", at any date (though the second has its own: the count is built from the
    organization's own past closings, a lagged outcome). The ``overall`` row holds or does
    not hold only when both estimates say so, and is *cannot tell* when they disagree."""
    rows = []
    for point, group in _followed_up(table).groupby(POINT, sort=True):
        data = group.assign(success=1.0 - group["dissolved_early"],
                            prior=group["lead_prior_alliances"],
                            prior_sq=group["lead_prior_alliances"] ** 2)
        rhs = f"prior + prior_sq + {PATTERN_CONTROLS}" + (
            f" + C({RUN})" if data[RUN].nunique() > 1 else "")
        cluster = data[RUN].astype(str) + ":" + data["lead"].astype(str)
        across = [cluster_estimate(data, f"success ~ {rhs}", term, cluster)
                  for term in ("prior", "prior_sq")]
        within_rhs = "prior + prior_sq + C(start_year)"
        within = [within_estimate(data, f"success ~ {within_rhs}", term, cluster)
                  for term in ("prior", "prior_sq")]
        both = []
        for suffix, (slope, curve) in (("", across), (WITHIN_SUFFIX, within)):
            both.append(_curve_rows(point, suffix, slope, curve, confidence))
            rows.extend(both[-1])
        words = {part[0]["answer"] for part in both}
        rows.append({POINT: point, "check": "diminishing returns to experience",
                     "term": "overall", "effect": math.nan, "ci_low": math.nan,
                     "ci_high": math.nan, "n": both[0][0]["n"],
                     "clusters": both[0][0]["clusters"],
                     "answer": words.pop() if len(words) == 1 else CANNOT_TELL})
    return pd.DataFrame(rows)


WITHIN_SUFFIX = " (within organization)"


def _curve_rows(point: Any, suffix: str, slope: Estimate, curve: Estimate,
                confidence: float) -> list[dict[str, Any]]:
    """The slope and curvature rows of one experience-curve fit, with their answer."""
    (s_low, s_high), (c_low, c_high) = (_interval(e, confidence) for e in (slope, curve))
    if s_low > 0 and c_high < 0:
        word = HOLDS
    elif s_high < 0 or c_low > 0:
        word = DOES_NOT_HOLD
    else:
        word = CANNOT_TELL
    return [{POINT: point, "check": "diminishing returns to experience", "term": name + suffix,
             "effect": e.effect, "ci_low": low, "ci_high": high, "n": e.n,
             "clusters": e.clusters, "answer": word}
            for name, e, (low, high) in (("slope at no experience", slope, (s_low, s_high)),
                                         ("curvature", curve, (c_low, c_high)))]


def _followed_up(table: pd.DataFrame) -> pd.DataFrame:
    """The alliances followed up long enough for their early dissolution to be known."""
    return table[table["followed_up"].astype(bool)]


def _interval(e: Estimate, confidence: float) -> tuple[float, float]:
    if not e.usable:
        return math.nan, math.nan
    half = float(stats.t.ppf(1 - (1 - confidence) / 2, e.df)) * e.se
    return e.effect - half, e.effect + half


def repeated_tie_effect(table: pd.DataFrame, *, margin: float = DEFAULT_MARGIN,
                        confidence: float = CONFIDENCE) -> pd.DataFrame:
    """The value of repeated ties (Gulati 1995): alliances whose founders had been partners
    before fail less. A linear probability model of early dissolution (among the alliances
    followed up that long) on the repeated tie, the lead's
    experience band, size, sector, start year and run, clustered by run and lead: *holds*
    when the effect is clearly negative, *does not hold* when it is clearly positive or
    equivalent to none within ``margin``, *cannot tell* otherwise."""
    rows = []
    for point, group in _followed_up(table).groupby(POINT, sort=True):
        rhs = f"repeated_tie + C(experience_band) + {PATTERN_CONTROLS}" + (
            f" + C({RUN})" if group[RUN].nunique() > 1 else "")
        cluster = group[RUN].astype(str) + ":" + group["lead"].astype(str)
        e = cluster_estimate(group, f"dissolved_early ~ {rhs}", "repeated_tie", cluster)
        answer = judge_estimate(e.effect, e.se, e.df, e.n, margin, confidence) \
            if e.usable else None
        if answer is None or answer.answer not in (DIFFERENT, EQUIVALENT):
            word = CANNOT_TELL
        else:
            word = HOLDS if answer.answer == DIFFERENT and answer.diff < 0 else DOES_NOT_HOLD
        rows.append({POINT: point, "check": "repeated ties fail less", "term": "repeated tie",
                     "effect": e.effect, "ci_low": answer.low if answer else math.nan,
                     "ci_high": answer.high if answer else math.nan, "n": e.n,
                     "clusters": e.clusters,
                     "repeated_share": float(group["repeated_tie"].mean()),
                     "answer": word})
    return pd.DataFrame(rows)


def success_by_experience(table: pd.DataFrame, confidence: float = CONFIDENCE
                          ) -> pd.DataFrame:
    """Share of followed-up alliances not dissolved early by the lead's prior alliances (capped at
    15), pooled over runs, with a Wilson interval (for the figure)."""
    from statsmodels.stats.proportion import proportion_confint

    table = _followed_up(table)
    capped = table.assign(prior=table["lead_prior_alliances"].clip(upper=15))
    rows = []
    for (point, prior), group in capped.groupby([POINT, "prior"], sort=True):
        ok = int((group["dissolved_early"] == 0).sum())
        low, high = proportion_confint(ok, len(group), 1 - confidence, method="wilson")
        rows.append({POINT: point, "prior_alliances": int(prior), "alliances": len(group),
                     "success_share": ok / len(group), "ci_low": float(low),
                     "ci_high": float(high)})
    return pd.DataFrame(rows)


# --- everything at once ------------------------------------------------------------------------
@dataclass
class ProfessionAnalysis:
    """Every table of the profession question's answer (each a DataFrame with a ``point``
    column for the condition)."""

    runs: pd.DataFrame  # run keys and sizes
    trajectory: pd.DataFrame  # share with a function, professionals, wage: mean and band
    emergence_runs: pd.DataFrame  # per run: first and last share
    emergence: pd.DataFrame  # per condition: the answer
    factors: pd.DataFrame  # per varied factor: its effect on the end share
    practice: pd.DataFrame  # function vs trained: alliance outcomes
    portfolio: pd.DataFrame  # function vs trained: judged portfolio result
    portfolio_means: pd.DataFrame  # judged result by practice, descriptive
    failure_by_experience: pd.DataFrame  # failed share by practice and experience
    patterns: pd.DataFrame  # the literature checks
    success_by_experience: pd.DataFrame  # for the pattern figure
    settings: pd.DataFrame  # confidence, margin, runs, organizations, years

    def tables(self) -> dict[str, pd.DataFrame]:
        """The tables by file stem."""
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


def analyze_profession(tables: Any, *, margin: float = DEFAULT_MARGIN,
                       confidence: float = CONFIDENCE,
                       factors: Sequence[str] | None = None,
                       followup_months: int = FOLLOWUP_MONTHS) -> ProfessionAnalysis:
    """The whole answer from the tables of one run or many (an ``EcosystemResult``, a mapping
    of ``organizations``, ``alliances`` and ``profession``, or a sweep reader's output with
    ``run_id``, ``point``, ``replicate`` and the varied parameters on every row).
    ``followup_months``: how long after its start an alliance's dissolution counts as early
    (the headline outcome)."""
    found = tables_of(tables)
    profession = with_run_keys(found["profession"])
    organizations = with_run_keys(found["organizations"])
    table = alliance_practice_table(found["alliances"], organizations, followup_months)
    bands = pd.concat([trajectory_bands(profession, column, confidence)
                       for column in ("share_function", "share_trained", "share_none",
                                      "professionals_per_1000_orgs", "wage")
                       if column in profession], ignore_index=True)
    empty = table.empty
    patterns = pd.DataFrame() if empty else pd.concat(
        [experience_curve(table, confidence=confidence),
         repeated_tie_effect(table, margin=margin, confidence=confidence)],
        ignore_index=True)
    return ProfessionAnalysis(
        runs=_run_sizes(profession, organizations, found["alliances"], table),
        trajectory=bands,
        emergence_runs=emergence_per_run(profession),
        emergence=emergence_answers(profession, margin=margin, confidence=confidence),
        factors=emergence_factors(profession, factors, confidence),
        practice=pd.DataFrame() if empty else practice_effects(
            table, margin=margin, confidence=confidence),
        portfolio=portfolio_effects(organizations, margin=margin, confidence=confidence),
        portfolio_means=portfolio_by_practice(organizations, confidence),
        failure_by_experience=pd.DataFrame() if empty else
        failure_by_practice_and_experience(table, confidence),
        patterns=patterns,
        success_by_experience=pd.DataFrame() if empty else
        success_by_experience(table, confidence),
        settings=pd.DataFrame([{"confidence": confidence, "margin": margin,
                                "runs": profession[RUN].nunique(),
                                "conditions": profession[POINT].nunique(),
                                "organizations": int(organizations.groupby(RUN)[
                                    "organization"].nunique().max()),
                                "years": int(profession["year"].max()),
                                "followup_years": followup_months / 12}]),
    )


def _run_sizes(profession: pd.DataFrame, organizations: pd.DataFrame,
               alliances: pd.DataFrame, table: pd.DataFrame) -> pd.DataFrame:
    runs = profession.groupby(RUN).agg(point=(POINT, "first"), replicate=(REPLICATE, "first"),
                                       years=("year", "max"))
    runs["organizations"] = organizations.groupby(RUN)["organization"].nunique()
    runs["alliances"] = with_run_keys(alliances).groupby(RUN).size()
    runs["alliances_analysed"] = table.groupby(RUN).size() if len(table) else 0
    return runs.fillna(0).reset_index()
