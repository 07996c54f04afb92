"""The alliance model as an EMA Workbench ``ReplicatorModel`` (see :mod:`alliancesim.ema`).

This module imports ``ema_workbench``; :mod:`alliancesim.ema` loads it only when one of its
names is asked for.
"""

from __future__ import annotations

import hashlib
import json
import numbers
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

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

with warnings.catch_warnings():  # it warns about a parallel back end this module never uses
    warnings.filterwarnings("ignore", message=".*ipyparallel.*")
    import ema_workbench as ema
    from ema_workbench.em_framework.outcomes import ArrayOutcome, Outcome

DEFAULT_LEVERS = ("management_mode",)
SURVIVED = "survived"  # derived: the alliance was not dissolved within the horizon
MODEL_REPLICATES_AS = ("mean", "array")


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
    manager_class: type | None = None,
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
        model_class, member_class, manager_class: classes of one's own to run (see
            :func:`alliancesim.simulate`).
        parameters: the parameters the names above are taken from (default: the built-in
            :data:`~alliancesim.params.PARAMETERS` and the parameters ``model_class``,
            ``member_class`` and ``manager_class`` declare in a ``parameters`` class
            attribute).
        interventions: a timeline applied to every run.
        name: the EMA model's name (a Python identifier).

    The model's ``held_at_default`` names the parameters the default uncertainties left
    at their defaults because of a constraint.

    Raises :class:`~alliancesim.params.ParameterError` for an unknown or doubly assigned
    parameter, a value or range outside what a parameter allows, or a design that would
    break a constraint between parameters.
    """
    if isinstance(replicates, bool) or not isinstance(replicates, int) or replicates < 1:
        raise ValueError(f"replicates must be a whole number of at least 1, got {replicates!r}")
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ValueError(f"seed must be a whole number of at least 0, got {seed!r}")
    if replicates_as not in MODEL_REPLICATES_AS:
        raise ValueError(f"replicates_as {replicates_as!r} is not known; allowed: "
                         f"{', '.join(MODEL_REPLICATES_AS)}")
    known = _parameters_by_name(parameters, (model_class, member_class, manager_class))
    roles = _roles(known, uncertainties, levers, constants or {}, ranges or {})
    names = _outcome_names(outcomes, model_class, roles.constants)
    runner = RunReplicate(seed, tuple(p.name for p in roles.uncertainties),
                          tuple(p.name for p in roles.levers), common_seeds, names,
                          model_class, member_class, tuple(interventions), manager_class)
    return _build(name, runner, roles, names, replicates, replicates_as)


def _parameters_by_name(parameters: Iterable[Parameter] | None,
                        classes: Iterable[type | None] = ()) -> dict[str, Parameter]:
    """The parameters by name; by default the built-in ones and those the model and member
    classes declare (checked as every entry point checks them:
    :func:`alliancesim.params.declared.declared_for`)."""
    if parameters is None:
        from alliancesim.params.declared import declared_for

        chosen = (*PARAMETERS, *declared_for(*classes))
    else:
        chosen = tuple(parameters)
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
    manager_class: type | None = None

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
                          model_class=self.model_class, member_class=self.member_class,
                          manager_class=self.manager_class)
        record = dict(result.outcome)
        record[SURVIVED] = record.get("outcome") != "dissolved"
        return {name: record[name] for name in self.outcomes}


def _replicate_mean(values: Sequence[Any]) -> float:
    """The mean over an experiment's replicates (a share for yes/no outcomes)."""
    return float(np.mean(np.asarray(values, dtype=float)))


class ReplicateOutcome(ArrayOutcome):
    """An outcome over an experiment's replicates: their mean (a scalar per experiment) or
    the values themselves (an array of one value per replicate).

    One class for both, because EMA allows an outcome name only one outcome class per
    process: a model giving means and another giving replicates can then live side by side.
    """

    def __init__(self, name: str, replicates_as: str = "mean") -> None:
        super().__init__(name, function=_replicate_mean if replicates_as == "mean" else None)
        self.replicates_as = replicates_as

    def process(self, values: list[Any]) -> Any:
        """The replicates' mean, or their values as an array."""
        if self.replicates_as == "mean":
            return Outcome.process(self, values)  # a number: the array check does not apply
        return np.asarray(super().process(values))


def _build(name: str, runner: RunReplicate, roles: _Roles, outcomes: Sequence[str],
           replicates: int, replicates_as: str) -> Any:
    """The EMA ReplicatorModel itself."""
    model = ema.ReplicatorModel(name, function=runner)
    model.uncertainties = [_ema_parameter(p, roles.ranges.get(p.name))
                           for p in roles.uncertainties]
    model.levers = [_ema_parameter(p, roles.ranges.get(p.name)) for p in roles.levers]
    model.constants = [ema.Constant(n, v) for n, v in roles.constants.items()]
    model.replications = [{"replicate": r} for r in range(replicates)]
    model.outcomes = [ReplicateOutcome(o, replicates_as) for o in outcomes]
    model.held_at_default = roles.held_at_default  # what the default left out, to report
    return model


def _ema_parameter(param: Parameter, span: tuple[Any, ...] | None) -> Any:
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
