"""The EMA Workbench as a neighbour: the alliance model as an EMA model, and any sweep
folder as EMA's ``(experiments, outcomes)`` pair.

:func:`ema_model` builds an ``ema_workbench.ReplicatorModel`` whose uncertainties, levers
and constants come from the parameter definition (:data:`alliancesim.params.PARAMETERS`,
or the parameters a model class of one's own declares) and whose outcomes are the scalar
entries of the model's outcome record, plus ``survived`` (not dissolved within the
horizon). Every experiment runs ``replicates`` seeded runs; the outcomes are the mean over
them (a share for yes/no outcomes) or, with ``replicates_as="array"``, one value per
replicate (an array of shape ``(experiments, replicates)``).

Seeds: EMA hands a model only the values of an experiment, not its index (its scenario
names come from a process-wide counter), so the seed of a run is derived from what the
experiment *is*: ``SeedSequence(seed, spawn_key=(*digest, replicate))``, with ``digest``
four 32-bit words of a hash of the uncertainties' values. The same experiment therefore
gets the same runs in any order, in any evaluator and in any later call; and, as in the
project's comparisons, every policy (management mode) of a scenario meets the same random
draws (common random numbers), so what differs between policies within a scenario is not
seed noise. ``common_seeds=False`` hashes the levers' values as well.

:func:`sweep_to_ema` reads a results folder of ``alliancesim sweep`` and returns what
``perform_experiments`` would: a DataFrame of the design's factors (plus the ``scenario``,
``policy`` and ``model`` columns EMA adds) and a dict of numpy arrays, with one row per run
(``replicates_as="rows"``, plus a ``replicate`` column), per design point averaged over its
replicates (``"mean"``) or per design point with one column per replicate (``"array"``).

The EMA Workbench is imported only by :func:`ema_model`: ``import alliancesim`` and
:func:`sweep_to_ema` never load it.
"""

from __future__ import annotations

import hashlib
import json
import numbers
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from alliancesim.params import (
    CONSTRAINTS,
    PARAMETERS,
    PARAMETERS_BY_NAME,
    Parameter,
    ParameterError,
    coerce_value,
    constraint_breach,
    suggest,
)

if TYPE_CHECKING:
    import pandas as pd

DEFAULT_LEVERS = ("management_mode",)
SURVIVED = "survived"  # derived: the alliance was not dissolved within the horizon
MODEL_REPLICATES_AS = ("mean", "array")
EXPORT_REPLICATES_AS = ("rows", "mean", "array")
# The columns of an experiments table that say which experiment a row is, not what it
# varied: drop them (:func:`inputs_of`) before PRIM or feature scoring.
BOOKKEEPING = ("scenario", "policy", "model", "replicate")
# Columns of a sweep's runs table that are neither inputs nor outcomes.
_RUN_IDENTITY = ("run_id", "point", "replicate", "seed_entropy", "seed_spawn_key", "status",
                 "error", "traceback", "duration_s")


# --- the model --------------------------------------------------------------------------
@dataclass(frozen=True)
class _Roles:
    """Which parameters the EMA model varies, and how, and which it holds fixed."""

    uncertainties: tuple[Parameter, ...]
    levers: tuple[Parameter, ...]
    constants: dict[str, Any]
    ranges: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    held_at_default: tuple[str, ...] = ()


def ema_model(
    *,
    uncertainties: Iterable[str] | None = None,
    levers: Iterable[str] = DEFAULT_LEVERS,
    constants: Mapping[str, Any] | None = None,
    ranges: Mapping[str, Sequence[Any]] | None = None,
    outcomes: Iterable[str] | None = None,
    replicates: int = 1,
    seed: int = 0,
    replicates_as: str = "mean",
    common_seeds: bool = True,
    model_class: type | None = None,
    member_class: type | None = None,
    parameters: Iterable[Parameter] | None = None,
    interventions: Iterable[Any] = (),
    name: str = "alliancesim",
) -> Any:
    """The alliance model as an ``ema_workbench.ReplicatorModel``.

    Args:
        uncertainties: parameter names EMA samples as scenarios (default: every parameter
            that is neither a lever nor a constant, except the parameters of a constraint
            their full ranges would break, e.g. ``fit_goal_weight + fit_culture_weight <=
            1``: those keep their defaults unless named here with ``ranges`` that keep it).
        levers: parameter names EMA samples as policies (default: ``management_mode``).
        constants: parameter values held fixed in every run (EMA ``Constant`` s).
        ranges: a narrower range per varied parameter: ``(low, high)`` for a number, the
            allowed values for a choice (default: the whole range the parameter allows).
        outcomes: outcome names (default: every numeric and yes/no entry of the outcome
            record, and ``survived``).
        replicates: seeded runs per experiment.
        seed: the root seed every run's seed is derived from (see the module's notes).
        replicates_as: ``"mean"`` (each outcome averaged over the replicates, a share for
            yes/no outcomes) or ``"array"`` (one value per replicate).
        common_seeds: every policy of a scenario runs on the same seeds (default); off, the
            levers' values enter the seeds too.
        model_class, member_class: classes of one's own to run (see
            :func:`alliancesim.simulate`); their own parameters go in ``parameters``.
        parameters: the parameters the names above are taken from (default: the built-in
            :data:`~alliancesim.params.PARAMETERS`).
        interventions: a timeline applied to every run.
        name: the EMA model's name (a Python identifier).

    Raises :class:`~alliancesim.params.ParameterError` for an unknown or doubly assigned
    parameter, a value or range outside what a parameter allows, or a design that would
    break a constraint between parameters.
    """
    if isinstance(replicates, bool) or not isinstance(replicates, int) or replicates < 1:
        raise ValueError(f"replicates must be a whole number of at least 1, got {replicates!r}")
    if replicates_as not in MODEL_REPLICATES_AS:
        raise ValueError(f"replicates_as {replicates_as!r} is not known; allowed: "
                         f"{', '.join(MODEL_REPLICATES_AS)}")
    known = _parameters_by_name(parameters)
    roles = _roles(known, uncertainties, levers, constants or {}, ranges or {})
    names = _outcome_names(outcomes, model_class, roles.constants)
    runner = RunReplicate(seed, tuple(p.name for p in roles.uncertainties),
                          tuple(p.name for p in roles.levers), common_seeds, names,
                          model_class, member_class, tuple(interventions))
    return _build(name, runner, roles, names, replicates, replicates_as)


def _parameters_by_name(parameters: Iterable[Parameter] | None) -> dict[str, Parameter]:
    """The parameters by name; the built-in ones by default."""
    chosen = tuple(PARAMETERS if parameters is None else parameters)
    for param in chosen:
        if not isinstance(param, Parameter):
            raise TypeError(f"parameters must be Parameter objects (alliancesim.params."
                            f"Parameter), got {type(param).__name__} {param!r}")
    return {param.name: param for param in chosen}


def _checked_names(role: str, names: Iterable[str], known: Mapping[str, Parameter]
                   ) -> list[str]:
    """``names`` as a list, each a known parameter, or a one-line error naming the first
    unknown one."""
    names = [names] if isinstance(names, str) else list(names)
    for name in names:
        if name not in known:
            raise ParameterError(
                str(name), f"{role}: unknown parameter {name!r}.{suggest(str(name), list(known))}"
                f" Allowed: the names of the parameters given (by default alliancesim."
                f"PARAMETERS, {len(known)} parameters)")
    return names


def _roles(known: Mapping[str, Parameter], uncertainties: Iterable[str] | None,
           levers: Iterable[str], constants: Mapping[str, Any],
           ranges: Mapping[str, Sequence[Any]]) -> _Roles:
    """Who is a lever, an uncertainty or a constant, checked against each other and the
    constraints between parameters."""
    lever_names = _checked_names("levers", levers, known)
    fixed = {name: coerce_value(known[name], value) for name, value in
             zip(_checked_names("constants", constants, known), constants.values(),
                 strict=True)}
    _refuse_overlap({"levers": lever_names, "constants": list(fixed)})
    held: tuple[str, ...] = ()
    if uncertainties is None:
        taken = set(lever_names) | set(fixed)
        free = [name for name in known if name not in taken]
    else:
        free = _checked_names("uncertainties", uncertainties, known)
        _refuse_overlap({"uncertainties": free, "levers": lever_names,
                         "constants": list(fixed)})
    spans = _checked_ranges(ranges, known, [*free, *lever_names])
    if uncertainties is None:
        free, held = _without_breaking_constraints(free, known, lever_names, fixed, spans)
    breach = constraint_breach(_spans(known, [*free, *lever_names], fixed, spans))
    if breach is not None:
        raise ParameterError(breach.rule.names[0], breach.message().replace(
            "narrow the ranges or listed values", "narrow the ranges (ranges=) or fix one "
            "(constants=)"))
    return _Roles(tuple(known[n] for n in free), tuple(known[n] for n in lever_names), fixed,
                  spans, held)


def _refuse_overlap(groups: Mapping[str, list[str]]) -> None:
    """A parameter has one role only."""
    seen: dict[str, str] = {}
    for role, names in groups.items():
        for name in names:
            if name in seen:
                raise ParameterError(name, f"parameter {name!r} is given both in {seen[name]} "
                                           f"and in {role}; allowed: one role per parameter")
            seen[name] = role


def _checked_ranges(ranges: Mapping[str, Sequence[Any]], known: Mapping[str, Parameter],
                    varied: list[str]) -> dict[str, tuple[Any, ...]]:
    """Each range inside what its parameter allows, given for a varied parameter."""
    checked: dict[str, tuple[Any, ...]] = {}
    for name in _checked_names("ranges", ranges, known):
        if name not in varied:
            raise ParameterError(name, f"ranges: parameter {name!r} is neither an "
                                       "uncertainty nor a lever; allowed: the varied ones")
        param, given = known[name], tuple(ranges[name])
        values = tuple(coerce_value(param, value) for value in given)
        if param.kind == "choice":
            if not values:
                raise ParameterError(name, f"ranges: {name!r} needs at least one value; "
                                           f"allowed: {param.allowed()}")
        elif len(values) != 2 or not values[0] < values[1]:
            raise ParameterError(name, f"ranges: {name!r} must be (low, high) with low < high "
                                       f"inside {param.allowed()}, got {given!r}")
        checked[name] = values
    return checked


def _spans(known: Mapping[str, Parameter], varied: list[str], fixed: Mapping[str, Any],
           ranges: Mapping[str, tuple[Any, ...]]) -> dict[str, tuple[float, float]]:
    """The lowest and highest value each constrained parameter can take in the design."""
    spans = {}
    for name in {n for rule in CONSTRAINTS for n in rule.names}:
        param = known.get(name, PARAMETERS_BY_NAME[name])
        if name in fixed:
            spans[name] = (float(fixed[name]), float(fixed[name]))
        elif name in varied:
            low, high = ranges.get(name, (param.low, param.high))
            spans[name] = (float(low), float(high))  # type: ignore[arg-type]
        else:
            spans[name] = (float(param.default), float(param.default))
    return spans


def _without_breaking_constraints(free: list[str], known: Mapping[str, Parameter],
                                  levers: list[str], fixed: Mapping[str, Any],
                                  ranges: Mapping[str, tuple[Any, ...]]
                                  ) -> tuple[list[str], tuple[str, ...]]:
    """The default uncertainties less the parameters of every constraint their ranges would
    break (those keep their defaults, which keep every constraint); a parameter given a
    range stays, and the check of the whole design judges that range."""
    held: list[str] = []
    for rule in CONSTRAINTS:
        spans = _spans(known, [*free, *levers], fixed, ranges)
        if not rule.holds(rule.largest(spans)):
            held.extend(n for n in rule.names if n in free and n not in ranges)
            free = [n for n in free if n not in held]
    return free, tuple(held)


def _outcome_names(outcomes: Iterable[str] | None, model_class: type | None,
                   constants: Mapping[str, Any]) -> tuple[str, ...]:
    """The outcomes asked for, each one the model records, or all of them."""
    available = available_outcomes(model_class, constants)
    if outcomes is None:
        return available
    names = [outcomes] if isinstance(outcomes, str) else list(outcomes)
    for name in names:
        if name not in available:
            raise ValueError(f"unknown outcome {name!r}.{suggest(str(name), list(available))} "
                             f"Allowed: {', '.join(available)}")
    return tuple(names)


def available_outcomes(model_class: type | None = None,
                       constants: Mapping[str, Any] | None = None) -> tuple[str, ...]:
    """The numeric and yes/no entries of the outcome record of ``model_class`` (the
    package's model by default), and ``survived``."""
    from alliancesim.model import AllianceModel

    model = (model_class or AllianceModel)(rng=0, **dict(constants or {}))
    record = model.outcome_record()
    numeric = [key for key, value in record.items() if _is_scalar(value)]
    return (*numeric, SURVIVED)


def _is_scalar(value: Any) -> bool:
    """A number or a yes/no (numpy ones included), which EMA can store."""
    return isinstance(value, numbers.Number | np.bool_)  # bool is a Number


def scenario_key(values: Mapping[str, Any]) -> tuple[int, ...]:
    """Four 32-bit words of a hash of ``values`` (sorted by name): the spawn key that makes
    a run's seed depend on what its experiment is, not where it comes in a design."""
    plain = sorted((name, value.item() if isinstance(value, np.generic) else value)
                   for name, value in values.items())
    digest = hashlib.blake2b(json.dumps(plain).encode(), digest_size=16).digest()
    return tuple(int.from_bytes(digest[i:i + 4], "little") for i in range(0, 16, 4))


@dataclass(frozen=True)
class RunReplicate:
    """One replicate of one experiment: what EMA calls with the experiment's values.

    A plain class rather than a closure, so that EMA's multiprocessing evaluator can pickle
    it into its worker processes.
    """

    root_seed: int
    uncertainties: tuple[str, ...]
    levers: tuple[str, ...]
    common_seeds: bool
    outcomes: tuple[str, ...]
    model_class: type | None = None
    member_class: type | None = None
    interventions: tuple[Any, ...] = ()

    def seed_of(self, values: Mapping[str, Any], replicate: int) -> np.random.SeedSequence:
        """The seed of replicate ``replicate`` of the experiment with ``values``."""
        keyed = self.uncertainties if self.common_seeds else (*self.uncertainties, *self.levers)
        key = scenario_key({name: values[name] for name in keyed if name in values})
        return np.random.SeedSequence(self.root_seed, spawn_key=(*key, replicate))

    def __call__(self, replicate: int = 0, **values: Any) -> dict[str, Any]:
        """Run the replicate and return its outcomes by name."""
        from alliancesim.model.timeline import simulate

        params = {name: value.item() if isinstance(value, np.generic) else value
                  for name, value in values.items()}
        result = simulate(params, self.seed_of(params, replicate), self.interventions,
                          model_class=self.model_class, member_class=self.member_class)
        record = dict(result.outcome)
        record[SURVIVED] = record.get("outcome") != "dissolved"
        return {name: record[name] for name in self.outcomes}


def _replicate_mean(values: Sequence[Any]) -> float:
    """The mean over an experiment's replicates (a share for yes/no outcomes)."""
    return float(np.mean(np.asarray(values, dtype=float)))


def _build(name: str, runner: RunReplicate, roles: _Roles, outcomes: Sequence[str],
           replicates: int, replicates_as: str) -> Any:
    """The EMA ReplicatorModel itself."""
    ema = _ema_workbench()
    model = ema.ReplicatorModel(name, function=runner)
    model.uncertainties = [_ema_parameter(ema, p, roles.ranges.get(p.name))
                           for p in roles.uncertainties]
    model.levers = [_ema_parameter(ema, p, roles.ranges.get(p.name)) for p in roles.levers]
    model.constants = [ema.Constant(n, v) for n, v in roles.constants.items()]
    model.replications = [{"replicate": r} for r in range(replicates)]
    if replicates_as == "mean":
        model.outcomes = [ema.ScalarOutcome(o, function=_replicate_mean) for o in outcomes]
    else:
        model.outcomes = [ema.ArrayOutcome(o) for o in outcomes]
    model.held_at_default = roles.held_at_default  # what the default left out, to report
    return model


def _ema_parameter(ema: Any, param: Parameter, span: tuple[Any, ...] | None) -> Any:
    """An EMA parameter over the parameter's range (or ``span``), with its default when the
    range holds it (EMA uses it for a lever when no policies are sampled)."""
    if param.kind == "choice":
        choices = span or param.choices
        default = param.default if param.default in choices else None
        return ema.CategoricalParameter(param.name, list(choices), default=default)
    low, high = span or (param.low, param.high)
    default = param.default if low <= param.default <= high else None  # type: ignore[operator]
    if param.kind == "int":
        return ema.IntegerParameter(param.name, int(low), int(high), default=default)
    return ema.RealParameter(param.name, float(low), float(high), default=default)


def _ema_workbench() -> Any:
    """The ``ema_workbench`` package, imported on first use (it takes seconds, and warns
    about an optional parallel back end this module does not use)."""
    import warnings

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*ipyparallel.*")
        import ema_workbench
    return ema_workbench


def inputs_of(experiments: pd.DataFrame) -> pd.DataFrame:
    """The varied inputs of an experiments table: without EMA's ``scenario``, ``policy``
    and ``model`` columns (and a sweep's ``replicate``), as PRIM and feature scoring want."""
    return experiments.drop(columns=[c for c in BOOKKEEPING if c in experiments.columns])


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

    skip = {*_RUN_IDENTITY, *inputs}
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
