"""Analysing a results folder: one DataFrame, sensitivity indices, effect plots and heatmaps.

Sobol indices (Saltelli scheme) and Morris elementary effects come from SALib and need the
matching design; they are computed on the mean outcome of each design point over its
replicates, separately for each combination of crossed values. Every design gets plots of each
outcome against each factor (mean with a 95% confidence band) and heatmaps of factor pairs.
"""

from __future__ import annotations

import itertools
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from SALib.analyze import morris as morris_analyze
from SALib.analyze import sobol as sobol_analyze
from scipy import stats

from alliancesim.bounds import shown
from alliancesim.engine.store import DesignMissing, ResultsError, ResultsStore
from alliancesim.engine.tasks import OK
from alliancesim.folders import unwritable
from alliancesim.params import suggest
from alliancesim.sweeps.design import DUMMY, UNIT_PREFIX, Design, Factor
from alliancesim.sweeps.figures import SweepCounts
from alliancesim.sweeps.noise import mark_noise_floor, noise_notes, noise_shares

DEFAULT_OUTCOMES = ("failed", "objectives_met", "value_total", "end_month")
MAX_BINS = 10          # numeric factors with more distinct values are binned
HEATMAP_BINS = 10      # at most, in heatmaps, where two factors share the runs
BOOTSTRAP_MAX_N = 2000  # above this a normal interval is as good and much cheaper
MAX_HEATMAPS = 6       # factor pairs drawn per outcome unless asked for more


class AnalysisError(ValueError):
    """The results cannot be analysed as asked (unknown outcome, empty folder)."""


@dataclass
class Analysis:
    """Everything :func:`analyze` found, as DataFrames, plus the files it wrote."""

    runs: pd.DataFrame
    point_means: pd.DataFrame
    indices: pd.DataFrame
    second_order: pd.DataFrame
    effects: pd.DataFrame
    files: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    noise: pd.DataFrame = field(default_factory=pd.DataFrame)


# --- loading ------------------------------------------------------------------------------
def load_results(path: str | Path, *, include_failed: bool = True) -> pd.DataFrame:
    """Every run of a results folder as one DataFrame, sorted by run id."""
    store = _store(path)
    runs = store.read_runs()
    if not include_failed and len(runs):
        runs = runs[runs["status"] == OK].reset_index(drop=True)
    return runs


def load_steps(path: str | Path) -> pd.DataFrame:
    """The per-step rows of a results folder (empty when the experiment did not record them)."""
    return _store(path).read_steps()


def load_table(path: str | Path, name: str) -> pd.DataFrame:
    """A recorded table of a results folder (``steps``, ``panel``, ``events`` or ``network``),
    every row headed by its ``run_id``; empty when the runs did not record it."""
    from alliancesim.engine.tasks import TABLES

    if name not in TABLES:
        raise AnalysisError(f"unknown table {name!r}; allowed: {', '.join(TABLES)}")
    return _store(path).read_table(name)


def load_manifest(path: str | Path) -> dict[str, Any]:
    """The manifest of a results folder."""
    return _store(path).read_manifest()


def load_design(path: str | Path) -> Design:
    """The design a results folder was run with (drawn again from the manifest when its
    design file is missing: it depends only on the experiment and the root seed)."""
    return _design_of(_store(path))[0]


def _design_of(store: ResultsStore) -> tuple[Design, str | None]:
    """The design of a results folder, and a note if it had to be drawn again."""
    manifest = sweep_manifest(store)
    try:
        try:
            design = Design.from_summary(manifest["design"], store.read_design())
            return _check_design(design, store), None
        except DesignMissing as missing:
            design = Design.from_summary(manifest["design"], None, int(manifest["root_seed"]))
            return (_check_design(design, store),
                    f"{missing}; drew it again from the manifest for this analysis")
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        if isinstance(error, ResultsError | AnalysisError):
            raise
        raise AnalysisError(f"{store.manifest_path}: field 'design' cannot be read "
                            f"({type(error).__name__}: {shown(error.args[0] if error.args else '')}"
                            "); allowed: the manifest as 'alliancesim sweep' wrote it") from None


# What each kind of results folder is, and where its own results are.
FOLDER_KINDS = {
    "compare": ("a comparison written by 'alliancesim compare'", "its report is report.md"),
    "validate": ("a validation written by 'alliancesim validate'", "its report is report.md"),
    "run": ("a single run written by 'alliancesim run'",
            "'alliancesim replay' reruns it with its full tables"),
    "replay": ("a replayed run written by 'alliancesim replay'",
               "its tables are in the folder"),
}


def sweep_manifest(store: ResultsStore) -> dict[str, Any]:
    """The manifest of a sweep's results folder; :class:`AnalysisError` naming what the
    folder holds instead (a comparison, a run) or what is wrong with the manifest."""
    manifest = store.read_manifest()
    source = store.manifest_path
    if not isinstance(manifest, dict):
        raise AnalysisError(f"{source}: not a results manifest (a JSON "
                            f"{type(manifest).__name__}, not an object); allowed: the "
                            "manifest.json 'alliancesim sweep' writes")
    kind = manifest.get("kind", "sweep")
    if kind != "sweep":
        what, where = FOLDER_KINDS.get(str(kind), (f"results of kind {shown(kind)}", ""))
        raise AnalysisError(f"{store.root} holds {what}, not a sweep; 'alliancesim analyze' "
                            f"reads the folders of 'alliancesim sweep'" +
                            (f" ({where})" if where else ""))
    for name in ("design", "experiment"):
        if not isinstance(manifest.get(name), dict):
            raise AnalysisError(f"{source}: field {name!r} is missing or not an object; "
                                "allowed: the manifest as 'alliancesim sweep' wrote it")
    _register_declared(manifest, source)
    return manifest


def _register_declared(manifest: dict[str, Any], source: Path) -> None:
    """Learn the definitions of the parameters the sweep's classes declared (labels and
    units for tables and figures) from the manifest: no code is imported to analyse."""
    from alliancesim.params.declared import register_records

    # The definitions of an ecosystem sweep's factors (ecosystem parameters, and
    # 'alliance.x' for single-alliance ones) are registered the same way.
    records = [*manifest.get("declared_parameters", []),
               *manifest.get("factor_parameters", [])]
    try:
        register_records(records)
    except (TypeError, ValueError) as error:
        raise AnalysisError(f"{source}: field 'declared_parameters' cannot be read ({error}); "
                            "allowed: the manifest as 'alliancesim sweep' wrote it") from None


def _check_design(design: Design, store: ResultsStore) -> Design:
    """A design read from a manifest names a known kind and known parameters only."""
    from alliancesim.engine.classes import ROLES
    from alliancesim.params.declared import lookup
    from alliancesim.sweeps.design import DESIGN_KINDS, DUMMY
    from alliancesim.sweeps.parameter_sets import SET_FACTOR

    if design.kind not in DESIGN_KINDS:
        raise AnalysisError(f"{store.manifest_path}: field 'design.kind': unknown design "
                            f"{shown(design.kind)}; allowed: {', '.join(DESIGN_KINDS)}")
    for factor in design.factors:
        if lookup(factor.name) is None and factor.name not in (SET_FACTOR, DUMMY, *ROLES):
            raise AnalysisError(f"{store.manifest_path}: field 'design': unknown factor "
                                f"{shown(factor.name)}; allowed: names of parameters (built "
                                "in, or declared in the manifest's 'declared_parameters'), "
                                f"classes, {SET_FACTOR!r} and {DUMMY!r}")
    return design


def _store(path: str | Path) -> ResultsStore:
    store = ResultsStore(path)
    if not store.exists():
        raise ResultsError(f"{path}: not a results folder (no manifest.json)")
    return store


# --- outcomes -----------------------------------------------------------------------------
def add_derived_outcomes(runs: pd.DataFrame) -> pd.DataFrame:
    """Add 0/1 columns ``completed`` and ``dissolved`` read from the ``outcome`` column."""
    runs = runs.copy()
    if "outcome" in runs:
        for level in ("completed", "dissolved"):
            runs[level] = (runs["outcome"] == level).astype(float)
    return runs


def with_design_factors(runs: pd.DataFrame, design: Design) -> pd.DataFrame:
    """``runs`` with every factor of the design as a column: a factor that is not a parameter
    (a parameter set's row) is not in the run rows, only in the design."""
    missing = [f.name for f in design.factors if f.name not in runs.columns]
    if not missing or runs.empty:
        return runs
    return runs.merge(design.points[["point", *missing]], on="point", how="left")


def check_outcomes(runs: pd.DataFrame, outcomes: list[str] | tuple[str, ...]) -> list[str]:
    """The outcomes, checked to be numeric (or yes/no) columns of the results."""
    numeric = [c for c in runs.columns
               if pd.api.types.is_numeric_dtype(runs[c]) or pd.api.types.is_bool_dtype(runs[c])]
    for name in outcomes:
        if name not in numeric:
            raise AnalysisError(
                f"outcome {name!r} is not a numeric column of the results."
                f"{suggest(name, numeric)} Numeric columns: {', '.join(numeric)}")
    return list(outcomes)


def point_means(runs: pd.DataFrame, design: Design, outcomes: list[str]) -> pd.DataFrame:
    """Mean of each outcome per design point over its successful replicates."""
    ok = runs[runs["status"] == OK]
    means = ok.groupby("point")[outcomes].mean(numeric_only=False).astype(float)
    means["replicates_ok"] = ok.groupby("point").size()
    factor_cols = ["point", "combo", "sample", *(f.name for f in design.factors)]
    return design.points[factor_cols].merge(means, left_on="point", right_index=True,
                                            how="left")


# --- sensitivity indices ------------------------------------------------------------------
def sensitivity_indices(
    design: Design, means: pd.DataFrame, outcomes: list[str], seed: int = 0
) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """Sobol or Morris indices per outcome and crossed combination, when the design allows.

    ``means`` holds a ``point`` column and a column per outcome, one row per design point
    (see :func:`point_means`). Returns first/total-order (or Morris) indices, second-order indices
    and notes on what could not be computed.
    """
    if design.kind not in ("sobol", "morris"):
        return pd.DataFrame(), pd.DataFrame(), [
            f"the {design.kind!r} design supports plots only; use a 'sobol' or 'morris' design "
            "for sensitivity indices"]
    rows: list[dict[str, Any]] = []
    second: list[dict[str, Any]] = []
    notes: list[str] = []
    table = design.points.merge(means[["point", *outcomes]], on="point", how="left")
    for _, block in table.groupby("combo", sort=True):
        block = block.sort_values("sample")
        label = combo_label(design, block.iloc[0])
        for outcome in outcomes:
            y = block[outcome].to_numpy(dtype=float)
            if np.isnan(y).any():
                notes.append(f"{label}, {outcome}: {int(np.isnan(y).sum())} design points have "
                             "no successful run; indices skipped")
                continue
            if design.kind == "sobol":
                first, pairs = _sobol(design, y, seed)
                second.extend({"combo": label, "outcome": outcome, **p} for p in pairs)
            else:
                x = block[[UNIT_PREFIX + f.name for f in design.ranged]].to_numpy(dtype=float)
                first = _morris(design, x, y, seed)
            rows.extend({"combo": label, "outcome": outcome, **r} for r in first)
    return pd.DataFrame(rows), pd.DataFrame(second), notes


def _sobol(design: Design, y: np.ndarray,
           seed: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")  # constant outputs give 0/0; reported as NaN
        # SALib's Sobol analysis reads a seed of 0 as no seed at all (its bootstrap then draws
        # from numpy's global state): give it a non-zero one, so intervals repeat.
        result = sobol_analyze.analyze(design.problem(), y, calc_second_order=design.second_order,
                                       seed=seed if seed else 1)
    names = [f.name for f in design.ranged]
    first = [{"factor": name, "S1": result["S1"][i], "S1_conf": result["S1_conf"][i],
              "ST": result["ST"][i], "ST_conf": result["ST_conf"][i]}
             for i, name in enumerate(names)]
    pairs = []
    if design.second_order:
        for i, j in itertools.combinations(range(len(names)), 2):
            pairs.append({"factor_a": names[i], "factor_b": names[j],
                          "S2": result["S2"][i, j], "S2_conf": result["S2_conf"][i, j]})
    return first, pairs


def _morris(design: Design, x: np.ndarray, y: np.ndarray, seed: int) -> list[dict[str, Any]]:
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        result = morris_analyze.analyze(design.problem(), x, y, num_levels=design.levels,
                                        seed=seed)
    return [{"factor": name, "mu": result["mu"][i], "mu_star": result["mu_star"][i],
             "sigma": result["sigma"][i], "mu_star_conf": result["mu_star_conf"][i]}
            for i, name in enumerate(result["names"])]


def combo_label(design: Design, row: pd.Series) -> str:
    """``mode=dedicated, n_members=8`` for a crossed combination, ``all`` without one."""
    if not design.crossed:
        return "all"
    return ", ".join(f"{f.name}={row[f.name]}" for f in design.crossed)


# --- effects with confidence bands --------------------------------------------------------
def mean_interval(values: np.ndarray, seed: int = 0) -> tuple[float, float, float]:
    """Mean and 95% interval: percentile bootstrap for small groups, normal for large ones."""
    values = values[~np.isnan(values)]
    n = len(values)
    if n == 0:
        return np.nan, np.nan, np.nan
    mean = float(values.mean())
    if n == 1:
        return mean, np.nan, np.nan
    if np.all(values == values[0]):  # the bootstrap cannot resample a constant
        return mean, mean, mean
    if n > BOOTSTRAP_MAX_N:
        half = 1.96 * float(values.std(ddof=1)) / np.sqrt(n)
        return mean, mean - half, mean + half
    result = stats.bootstrap((values,), np.mean, n_resamples=999, method="percentile",
                             rng=np.random.default_rng(seed), vectorized=True)
    ci = result.confidence_interval
    return mean, float(ci.low), float(ci.high)


def factor_axis(runs: pd.DataFrame, factor: Factor, bins: int = MAX_BINS) -> pd.Series:
    """The x position of each run for ``factor``: its value, its bin's midpoint (more than
    ``bins`` distinct values), or for listed values a category in the order the experiment
    lists them."""
    values = runs[factor.name]
    if factor.listed:
        return pd.Series(pd.Categorical(values, categories=list(factor.values or ())),
                         index=values.index)
    if values.nunique() <= bins:
        return values
    assert factor.low is not None and factor.high is not None
    edges = np.linspace(factor.low, factor.high, bins + 1)
    mids = (edges[:-1] + edges[1:]) / 2
    index = np.clip(np.digitize(values.to_numpy(dtype=float), edges[1:-1]), 0, bins - 1)
    return pd.Series(mids[index], index=values.index)


def effect_table(runs: pd.DataFrame, factor: Factor, outcome: str,
                 by: Factor | None = None) -> pd.DataFrame:
    """Mean ``outcome`` (95% band) at each value or bin of ``factor``, per level of ``by``."""
    frame = pd.DataFrame({"x": factor_axis(runs, factor),
                          "y": runs[outcome].astype(float),
                          "by": factor_axis(runs, by) if by is not None else ""})
    rows = []
    for (by_level, x), group in frame.groupby(["by", "x"], sort=True, observed=True):
        mean, low, high = mean_interval(group["y"].to_numpy())
        rows.append({"factor": factor.name, "x": x, "by": by.name if by else "",
                     "level": by_level, "outcome": outcome, "mean": mean, "low": low,
                     "high": high, "n": len(group)})
    return pd.DataFrame(rows)


def _hue_for(design: Design, factor: Factor) -> Factor | None:
    """The first crossed factor other than ``factor`` (lines or markers per level)."""
    for other in design.crossed:
        if other.name != factor.name and len(other.values or ()) <= 8:
            return other
    return None


# --- heatmap tables -----------------------------------------------------------------------
def heatmap_table(runs: pd.DataFrame, a: Factor, b: Factor, outcome: str,
                  bins: int | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Mean ``outcome`` and the number of runs over the cells of two factors (rows: ``b``,
    columns: ``a``). Ranged factors are binned into ``bins`` equal bins, by default as many
    as leave about two distinct design points per cell (2 to 10), so that the scattered
    points of a Latin hypercube or random design fill most cells."""
    if bins is None:
        pairs = len(runs[[a.name, b.name]].drop_duplicates())
        bins = int(np.clip(np.floor(np.sqrt(pairs / 2)), 2, HEATMAP_BINS))
    frame = pd.DataFrame({"a": factor_axis(runs, a, bins), "b": factor_axis(runs, b, bins),
                          "y": runs[outcome].astype(float)})
    means = frame.pivot_table(index="b", columns="a", values="y", aggfunc="mean", sort=True,
                              observed=True, dropna=False)
    counts = frame.pivot_table(index="b", columns="a", values="y", aggfunc="count",
                               sort=True, observed=True, dropna=False).fillna(0)
    return means, counts.reindex_like(means).fillna(0)


# --- the whole analysis -------------------------------------------------------------------
def analyze(
    results: str | Path,
    out: str | Path | None = None,
    outcomes: list[str] | tuple[str, ...] | None = None,
    *,
    plots: bool = True,
    figure_format: str = "png",
    max_heatmaps: int = MAX_HEATMAPS,
) -> Analysis:
    """Analyse a results folder; write tables and figures to ``out`` (default RESULTS/analysis).

    Returns the runs, per-point means, sensitivity indices (when the design allows) and the
    effect tables as DataFrames. Figures are written as ``figure_format`` (png at 300 dpi,
    pdf or svg): effects of every factor per outcome, heatmaps of the first
    ``max_heatmaps`` factor pairs (the notes say when pairs were left out), and for Morris
    and Sobol designs a mu*-sigma plot or index bars. The replicate noise share of each
    outcome (``noise``, ``noise.csv``) is reported, and every index whose interval reaches
    the dummy factor's (zero without one) is marked (``*_distinct``, ``reason``) and hatched.
    """
    from alliancesim.figstyle import FORMATS

    if figure_format not in FORMATS:
        raise AnalysisError(f"unknown figure format {figure_format!r}; allowed: "
                            f"{', '.join(FORMATS)}")
    store = _store(results)
    design, design_note = _design_of(store)
    manifest = sweep_manifest(store)
    out_dir = Path(out) if out is not None else Path(results) / "analysis"
    _check_writable(out_dir)  # before the work, not after it
    runs = with_design_factors(add_derived_outcomes(store.read_runs(skip_damaged=True)),
                               design)
    skipped = [f"skipped {part.describe()}: its runs are left out; rerunning 'alliancesim "
               "sweep' on this folder sets it aside (and runs again what a damaged part held)"
               for part in store.skipped]
    if runs.empty:
        raise AnalysisError(f"{results}: no readable runs stored yet"
                            + (f" ({'; '.join(skipped)})" if skipped else ""))
    if outcomes is None:
        outcomes = _stored_outcomes(manifest, store)
    outcome_list = check_outcomes(runs, list(outcomes))
    ok = runs[runs["status"] == OK]
    notes = [*skipped, *([design_note] if design_note else [])]
    failed = len(runs) - len(ok)
    if failed:
        notes.append(f"{failed} failed runs left out of the analysis")
    means = point_means(runs, design, outcome_list)
    indices, second, index_notes = sensitivity_indices(design, means, outcome_list)
    notes.extend(index_notes)
    noise = noise_shares(ok, outcome_list, combo_labels(design))
    notes.extend(noise_notes(noise))
    indices = mark_noise_floor(indices, design.kind)
    notes.extend(_floor_notes(design, indices))
    effects = pd.concat(
        [effect_table(ok, f, o, _hue_for(design, f)) for o in outcome_list
         for f in design.model_factors], ignore_index=True)
    report = Analysis(runs, means, indices, second, effects, notes=notes, noise=noise)
    counts = SweepCounts(len(ok), int(ok["point"].nunique()) if len(ok) else 0,
                         int(manifest.get("replicates", 1)), failed)
    _write(report, design, ok, outcome_list, out_dir,
           _Figures(plots, figure_format, max_heatmaps, counts))
    return report


def _stored_outcomes(manifest: dict[str, Any], store: ResultsStore) -> list[str]:
    """The outcomes the experiment's [analysis] table named, as the manifest keeps them."""
    analysis = manifest["experiment"].get("analysis") or {}
    outcomes = analysis.get("outcomes", DEFAULT_OUTCOMES) if isinstance(analysis, dict) \
        else None
    if not isinstance(outcomes, list) or not all(isinstance(o, str) for o in outcomes):
        raise AnalysisError(f"{store.manifest_path}: field 'experiment.analysis.outcomes' is "
                            f"not a list of names, got {shown(outcomes)}; allowed: the "
                            "manifest as 'alliancesim sweep' wrote it")
    return outcomes


def combo_labels(design: Design) -> pd.Series:
    """The crossed combination's label of every design point, indexed by point."""
    points = design.points
    if not design.crossed:
        return pd.Series("all", index=points["point"].to_numpy())
    labels = [combo_label(design, row) for _, row in points.iterrows()]
    return pd.Series(labels, index=points["point"].to_numpy())


def _floor_notes(design: Design, indices: pd.DataFrame) -> list[str]:
    """What the indices are judged against, and how many stand out from it."""
    if indices.empty or "reason" not in indices:
        return []
    judged = [c for c in indices.columns if c.endswith("_distinct")]
    real = indices[indices["factor"] != DUMMY]
    flat = int((~real[judged].all(axis=1)).sum())
    against = ("the dummy factor's interval (a factor the model ignores)" if design.has_dummy
               else "zero (this design has no dummy factor; [design] dummy = true adds one)")
    notes = [f"{flat} of {len(real)} factor-outcome rows have an index not distinguishable "
             f"from noise: their interval reaches {against}; marked in indices.csv "
             "(columns *_distinct, reason) and hatched in the index figures"]
    odd = real[real["reason"].str.contains("estimation error")]
    notes += [f"{r.combo}, {r.outcome}, {r.factor}: {r.reason}" for r in odd.itertuples()]
    return notes


def _check_writable(out_dir: Path) -> None:
    """Refuse an output folder that cannot be created or written, naming it."""
    problem = unwritable(out_dir)
    if problem is not None:
        raise AnalysisError(problem)


@dataclass(frozen=True)
class _Figures:
    """Which figures to draw, how, and what they rest on."""

    draw: bool
    fmt: str
    max_heatmaps: int
    counts: SweepCounts


def _write(report: Analysis, design: Design, ok: pd.DataFrame, outcomes: list[str],
           out_dir: Path, figures: _Figures) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    tables = {"point_means.csv": report.point_means, "effects.csv": report.effects,
              "indices.csv": report.indices, "second_order.csv": report.second_order,
              "noise.csv": report.noise}
    for name, table in tables.items():
        if not table.empty:
            table.to_csv(out_dir / name, index=False)
            report.files.append(out_dir / name)
    if not figures.draw or ok.empty:
        return
    pairs = list(itertools.combinations(design.model_factors, 2))
    if len(pairs) > figures.max_heatmaps:
        report.notes.append(
            f"heatmaps drawn for the first {figures.max_heatmaps} of {len(pairs)} factor "
            "pairs (in the order the experiment lists its factors); draw more with "
            "--heatmaps N (analyze(..., max_heatmaps=N))")
    for outcome in outcomes:
        _outcome_figures(report, design, ok, outcome, pairs[:figures.max_heatmaps], out_dir,
                         figures)


def _outcome_figures(report: Analysis, design: Design, ok: pd.DataFrame, outcome: str,
                     pairs: list[tuple[Factor, Factor]], out_dir: Path,
                     figures: _Figures) -> None:
    """Effects, heatmaps (one colour scale) and index figures of one outcome."""
    from alliancesim.figstyle import save_figure
    from alliancesim.sweeps.figures import (
        effects_figure,
        heatmap_figure,
        morris_figure,
        sobol_figure,
    )

    values = ok[outcome]
    save = report.files.append
    save(save_figure(effects_figure(report.effects, design, outcome, figures.counts, values,
                                    MAX_BINS), out_dir / f"effects_{outcome}", figures.fmt))
    cells = [(a, b, *heatmap_table(ok, a, b, outcome)) for a, b in pairs]
    found = [float(v) for _, _, means, _ in cells for v in means.to_numpy(float).ravel()
             if np.isfinite(v)]
    low, high = (min(found), max(found)) if found else (None, None)
    names = [f.name for f in design.model_factors]
    for a, b, means, counts in cells:
        pooled = [n for n in names if n not in (a.name, b.name)]
        figure = heatmap_figure(means, counts, a, b, outcome, vmin=low, vmax=high,
                                pooled=pooled, values=values, total=figures.counts)
        save(save_figure(figure, out_dir / f"heatmap_{outcome}__{a.name}__{b.name}",
                         figures.fmt))
    chosen = report.indices[report.indices["outcome"] == outcome] if not (
        report.indices.empty) else report.indices
    noise = report.noise[report.noise["outcome"] == outcome] if not report.noise.empty \
        else report.noise
    if design.kind == "morris" and not chosen.empty:
        save(save_figure(morris_figure(report.indices, outcome, noise),
                         out_dir / f"morris_{outcome}", figures.fmt))
    if design.kind == "sobol" and not chosen.empty:
        save(save_figure(sobol_figure(report.indices, outcome, noise),
                         out_dir / f"sobol_{outcome}", figures.fmt))
