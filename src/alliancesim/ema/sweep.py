"""A results folder of ``alliancesim sweep`` as EMA's ``(experiments, outcomes)`` pair (see
:mod:`alliancesim.ema`). Needs no EMA Workbench: the pair is plain pandas and numpy."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from alliancesim.params import suggest

if TYPE_CHECKING:
    import pandas as pd

SURVIVED = "survived"  # as in alliancesim.ema.model, which this module must not import
EXPORT_REPLICATES_AS = ("rows", "mean", "array")
# The columns of an experiments table that say which experiment a row is, not what it
# varied: drop them (:func:`inputs_of`) before PRIM or feature scoring.
BOOKKEEPING = ("scenario", "policy", "model", "replicate")
# Columns of a sweep's runs table that are neither inputs nor outcomes.
_RUN_IDENTITY = ("run_id", "point", "replicate", "seed_entropy", "seed_spawn_key", "status",
                 "error", "traceback", "duration_s")


def inputs_of(experiments: pd.DataFrame) -> pd.DataFrame:
    """The varied inputs of an experiments table, as PRIM and feature scoring want them:
    without EMA's ``scenario``, ``policy`` and ``model`` columns (and a sweep's
    ``replicate``), and with integer columns as floats.

    Why floats: PRIM of ema-workbench 3.0 pastes a box edge at a quantile of the data,
    which for an integer column is a fraction like 4.5, and pandas 3 refuses to write a
    fraction into an int64 column (``TypeError: Invalid value '4.5' for dtype 'int64'``;
    EMA Workbench issue 448, fixed after 3.0).
    """
    inputs = experiments.drop(columns=[c for c in BOOKKEEPING if c in experiments.columns])
    integers = inputs.select_dtypes(include="integer").columns
    return inputs.astype({name: "float64" for name in integers})


# --- a sweep folder as EMA's pair ---------------------------------------------------------
def sweep_to_ema(results: str | Path, *, replicates_as: str = "rows",
                 outcomes: Iterable[str] | None = None
                 ) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """A results folder of ``alliancesim sweep`` as EMA's ``(experiments, outcomes)``.

    ``experiments`` holds the parameters the design varied (one column each; a choice as a
    categorical column, as EMA gives it), then ``scenario`` (the design point), ``policy``
    (``None``: a sweep has no policies of its own; a management mode it varies is a column
    like any factor) and ``model`` (the model class the runs used). ``outcomes`` maps each
    numeric or yes/no outcome of the runs, and ``survived``, to a numpy array.

    Args:
        replicates_as: ``"rows"``: one row per run, with a ``replicate`` column, yes/no
            outcomes as booleans; ``"mean"``: one row per design point, each outcome the
            mean over its replicates (a share for yes/no outcomes); ``"array"``: one row
            per design point, each outcome of shape ``(points, replicates)`` (NaN for a
            run that failed or has not run yet), as an EMA ``ReplicatorModel`` gives it.
        outcomes: the outcomes to keep (default: all).

    Runs that failed are left out of ``"rows"`` and ``"mean"``; a point none of whose runs
    succeeded is left out of ``"mean"``.
    """
    from alliancesim.engine.store import ResultsStore
    from alliancesim.sweeps.analysis import load_results, sweep_manifest

    if replicates_as not in EXPORT_REPLICATES_AS:
        raise ValueError(f"replicates_as {replicates_as!r} is not known; allowed: "
                         f"{', '.join(EXPORT_REPLICATES_AS)}")
    manifest = sweep_manifest(ResultsStore(results))
    runs = load_results(results)
    inputs = _sweep_inputs(manifest, runs)
    names = _sweep_outcomes(runs, inputs, outcomes)
    runs = runs.assign(**{SURVIVED: _survived(runs)})
    model = manifest.get("recipe", {}).get("model_class") or "alliancesim"
    if replicates_as == "array":
        return _as_array(runs, inputs, names, int(manifest["replicates"]), model)
    ok = runs[runs["status"] == "ok"]
    if replicates_as == "mean":
        return _as_mean(ok, inputs, names, model)
    return _as_rows(ok, inputs, names, model)


def _sweep_inputs(manifest: Mapping[str, Any], runs: pd.DataFrame) -> list[str]:
    """The parameters the sweep varied, as columns of its runs: the design's factors, with
    the values of a table of parameter sets in place of the set's index (the dummy factor
    of an index design is no parameter, so the runs do not hold it)."""
    from alliancesim.sweeps.design import DUMMY
    from alliancesim.sweeps.parameter_sets import SET_FACTOR

    recipe = manifest.get("recipe") or {}
    names = [n for n in recipe.get("factors", []) if n not in (DUMMY, SET_FACTOR)]
    for row in recipe.get("parameter_sets") or []:
        names.extend(n for n in row if n not in names)
    if not names:  # a folder written before the recipe named its factors
        names = [f["name"] for part in ("ranged", "crossed")
                 for f in manifest["design"].get(part, []) if f["name"] not in (DUMMY, SET_FACTOR)]
    return [n for n in names if n in runs.columns]


def _sweep_outcomes(runs: pd.DataFrame, inputs: list[str],
                    outcomes: Iterable[str] | None) -> list[str]:
    """The numeric and yes/no outcome columns of the runs, and ``survived``; or those asked
    for, each checked."""
    import pandas as pd

    from alliancesim.sweeps.design import DUMMY
    from alliancesim.sweeps.parameter_sets import SET_FACTOR

    skip = {*_RUN_IDENTITY, *inputs, DUMMY, SET_FACTOR}  # design columns, should a table hold them
    available = [c for c in runs.columns if c not in skip and
                 (pd.api.types.is_numeric_dtype(runs[c]) or pd.api.types.is_bool_dtype(runs[c]))]
    available.append(SURVIVED)
    if outcomes is None:
        return available
    names = [outcomes] if isinstance(outcomes, str) else list(outcomes)
    for name in names:
        if name not in available:
            raise ValueError(f"unknown outcome {name!r}.{suggest(str(name), available)} "
                             f"Allowed: {', '.join(available)}")
    return names


def _survived(runs: pd.DataFrame) -> pd.Series:
    """Not dissolved within the horizon (missing for a run that failed)."""
    survived = (runs["outcome"] != "dissolved").astype("boolean")
    return survived.mask(runs["status"] != "ok")


def _experiments(frame: pd.DataFrame, inputs: list[str], scenario: Any, model: str,
                 extra: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """EMA's experiments table: the inputs with EMA's types, then its own columns."""
    import pandas as pd

    table = pd.DataFrame(index=range(len(frame)))
    for name in inputs:
        column = frame[name].reset_index(drop=True)
        if pd.api.types.is_integer_dtype(column):
            table[name] = column.astype("int64")
        elif pd.api.types.is_numeric_dtype(column):
            table[name] = column.astype("float64")
        else:  # a choice: categorical, as EMA gives a CategoricalParameter
            table[name] = column.astype(str).astype("category")
    table["scenario"] = pd.Categorical(np.asarray(scenario))
    table["policy"] = pd.Categorical([None] * len(frame))
    table["model"] = pd.Categorical([model] * len(frame))
    for name, values in (extra or {}).items():
        table[name] = np.asarray(values)
    return table


def _outcome_array(column: pd.Series) -> np.ndarray:
    """One outcome as a numpy array: booleans or integers when no value is missing, floats
    (NaN where missing) otherwise."""
    import pandas as pd

    if not column.isna().any():
        if pd.api.types.is_bool_dtype(column):
            return column.to_numpy(dtype=bool)
        if pd.api.types.is_integer_dtype(column):
            return column.to_numpy(dtype="int64")
    return column.astype("Float64").to_numpy(dtype=float, na_value=np.nan)


def _as_rows(ok: pd.DataFrame, inputs: list[str], names: list[str], model: str
             ) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """One row per successful run."""
    experiments = _experiments(ok, inputs, ok["point"].to_numpy(dtype=int), model,
                               {"replicate": ok["replicate"].to_numpy(dtype=int)})
    return experiments, {name: _outcome_array(ok[name]) for name in names}


def _as_mean(ok: pd.DataFrame, inputs: list[str], names: list[str], model: str
             ) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """One row per design point with a successful run: the replicates' means."""
    values = ok[["point", *names]].astype({n: "Float64" for n in names})
    means = values.groupby("point", sort=True)[names].mean()
    firsts = ok.sort_values("point").drop_duplicates("point").set_index("point")
    firsts = firsts.loc[means.index]
    experiments = _experiments(firsts, inputs, means.index.to_numpy(dtype=int), model)
    return experiments, {n: means[n].to_numpy(dtype=float, na_value=np.nan) for n in names}


def _as_array(runs: pd.DataFrame, inputs: list[str], names: list[str], replicates: int,
              model: str) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """One row per design point, one column per replicate (NaN: failed or not run)."""
    points = np.sort(runs["point"].unique().astype(int))
    row_of = {point: i for i, point in enumerate(points)}
    rows = np.array([row_of[int(p)] for p in runs["point"]], dtype=int)
    columns = runs["replicate"].to_numpy(dtype=int)
    ok = (runs["status"] == "ok").to_numpy()
    arrays = {}
    for name in names:
        grid = np.full((len(points), replicates), np.nan)
        values = runs[name].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
        grid[rows[ok], columns[ok]] = values[ok]
        arrays[name] = grid
    firsts = runs.sort_values("point").drop_duplicates("point")
    return _experiments(firsts, inputs, points, model), arrays
