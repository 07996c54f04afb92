"""Experiment files: what a sweep varies, how it samples, how often it repeats, what it records.

An experiment is a TOML file checked in two passes: pydantic checks its structure (field
names, types), then :func:`check_against_parameters` checks it against the single parameter
definition in :mod:`alliancesim.params` (names, ranges, choices). Either pass raises one
:class:`ExperimentError` naming the file and the field.

How factors are sampled:

* a factor given as a range (``x = { low = 0.2, high = 0.8 }``, or ``x = {}`` for the whole
  range the parameter allows) is sampled by the design: evenly spaced levels for ``grid``,
  uniform draws for ``random``, a Latin hypercube for ``lhs``, Saltelli's scheme for
  ``sobol`` and Morris trajectories for ``morris``;
* a factor given as a list of values (``management_mode = ["dedicated", "transversal"]``) is
  *crossed* with the design: every design point is run at every combination of listed
  values. Choice parameters can only be listed; ``{}`` lists all their choices. Sobol and
  Morris indices are computed within each combination of crossed values.
* a list of values with ``sample = true`` (``sector_mix = { sample = true }`` for every
  choice, or ``{ values = [...], sample = true }``) is *sampled* by the design like a range:
  each point takes one of the values, each value with an equal share of the unit interval,
  so that a choice parameter can enter Sobol and Morris designs as one factor.

Files are read as written: no value changes type on the way in (``replicates = true``,
``seed = "5"`` and ``samples = 4.0`` are refused, like an integer parameter's ``low = 3.5``).
A parameter is either fixed or varied, never both. Constraints between parameters
(:data:`alliancesim.params.CONSTRAINTS`) must hold at every point the design can reach, and a
design larger than its ``[limits]`` (runs, estimated disk) is refused before anything is drawn.

An experiment may also name a table of parameter sets (``[parameter_sets]``, a calibration's
plausible set): the design then samples one row per point, see
:mod:`alliancesim.sweeps.parameter_sets`.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    StrictFloat,
    StrictInt,
    StrictStr,
    ValidationError,
    model_validator,
)

from alliancesim.bounds import (
    DEFAULT_MAX_RUNS,
    MAX_MONTH,
    MAX_RUNS_CEILING,
    MAX_SAMPLES,
    shortened,
    shown,
)
from alliancesim.culture.partners import (
    Partners,
    PartnersError,
    as_partners,
    check_combination,
)
from alliancesim.params import (
    PARAMETERS_BY_NAME,
    Parameter,
    ParameterError,
    constraint_breach,
    file_value,
    suggest,
    validate_parameters,
)
from alliancesim.params.declared import unimported_message
from alliancesim.sweeps.design import (
    DESIGN_KINDS,
    DUMMY,
    INDEX_KINDS,
    Design,
    Factor,
    design_size,
    dummy_factor,
    make_design,
)
from alliancesim.sweeps.parameter_sets import SET_FACTOR, ParameterSets, read_parameter_sets
from alliancesim.tomlfile import TomlFileError, read_toml

Value = StrictInt | StrictFloat | StrictStr
STRICT = ConfigDict(extra="forbid", strict=True)  # no value changes type on the way in
DEFAULT_MAX_DISK_GB = 10.0
# Parquet bytes on disk, measured on outcome-only and per-step sweeps and rounded up: a run's
# outcome row, and one value of a recorded month (id columns included once per row).
RUN_ROW_BYTES = 200
STEP_VALUE_BYTES = 2
# The opt-in tables, per row (member x month, event, trust edge), rounded up from parts of
# 100 runs (39, 39 and 12 bytes), and the events a month brings at most (1.5 measured);
# members are counted as every candidate that could join, so the estimate is an upper bound.
PANEL_ROW_BYTES = 40
EVENT_ROW_BYTES = 60
EVENTS_PER_MONTH = 3
EDGE_ROW_BYTES = 20
# pydantic's wording speaks Python; experiment authors write TOML.
PLAIN_MESSAGES = {
    "int_type": "must be a whole number (written without a decimal point)",
    "float_type": "must be a number",
    "string_type": "must be text in quotes",
    "bool_type": "must be true or false",
    "dict_type": "must be a table",
    "model_type": "must be a table",
    "list_type": "must be an array",
}
UNION_TAGS = {"int", "float", "str", "bool", "none", "list[union[int,float,str]]"}


class ExperimentError(ValueError):
    """An experiment file is invalid: names the file, the field and what is allowed."""

    def __init__(self, source: str, field: str | None, message: str) -> None:
        where = f"{source}: field {shortened(field)!r}: " if field else f"{source}: "
        super().__init__(where + message)
        self.source = source
        self.field = field
        self.message = message


class FactorSpec(BaseModel):
    """How one parameter varies: a range sampled by the design, or values crossed with it."""

    model_config = STRICT

    low: StrictInt | StrictFloat | None = None
    high: StrictInt | StrictFloat | None = None
    values: list[Value] | None = Field(default=None, min_length=1)
    sample: bool = Field(default=False, description="listed values (or a choice parameter's "
                         "choices) sampled by the design instead of crossed with it")

    def identity(self) -> dict[str, Any]:
        """The fields that decide the runs (``sample`` only when set, so that folders started
        before it existed keep their fingerprint)."""
        return self.model_dump(exclude=None if self.sample else {"sample"})

    @model_validator(mode="before")
    @classmethod
    def _list_means_values(cls, data: Any) -> Any:
        # `x = [1, 2]` is shorthand for `x = { values = [1, 2] }`.
        return {"values": data} if isinstance(data, list) else data


class DesignSpec(BaseModel):
    """Which design samples the ranged factors, and its size."""

    model_config = STRICT

    kind: Literal[DESIGN_KINDS]  # type: ignore[valid-type]
    samples: int | None = Field(
        default=None, ge=1,
        description="random/lhs: points; sobol: base sample N (a power of 2); "
                    "morris: trajectories. Not used by grid.",
    )
    levels: int = Field(
        default=5, ge=2,
        description="grid: levels per ranged factor; morris: levels of the Morris grid (even).",
    )
    second_order: bool = Field(default=False, description="sobol: also second-order indices.")
    common_seeds: bool | None = Field(
        default=None, description="replicate r of every design point draws from the same "
        "child seed (common random numbers); default: on for sobol and morris, off otherwise")
    dummy: bool | None = Field(
        default=None, description="sobol/morris: add a dummy factor the model ignores, whose "
        "index is the noise floor of the others; default: on for sobol and morris")

    @property
    def shares_seeds(self) -> bool:
        """Whether replicate r of every point shares its seed (the default for index
        designs)."""
        return self.kind in INDEX_KINDS if self.common_seeds is None else self.common_seeds

    @property
    def has_dummy(self) -> bool:
        """Whether the design samples a dummy factor (only index designs can)."""
        return self.kind in INDEX_KINDS and (self.dummy is None or self.dummy)

    def identity(self) -> dict[str, Any]:
        """What decides the runs: the options that change them only when they are on, so
        that folders started before they existed (each point its own seeds, no dummy
        factor) keep their fingerprint."""
        identity = self.model_dump(exclude={"common_seeds", "dummy"})
        if self.shares_seeds:
            identity["common_seeds"] = True
        if self.has_dummy:
            identity["dummy"] = True
        return identity


class RecordSpec(BaseModel):
    """What each run records besides its end-of-run outcome (always recorded)."""

    model_config = STRICT

    steps: bool = False
    every: int = Field(default=1, ge=1, le=MAX_MONTH,
                       description="keep every k-th month (and the last)")
    columns: list[str] | None = None
    panel: bool = Field(default=False, description="the per-member panel (member x month), "
                        "every k-th month like the steps")
    events: bool = Field(default=False, description="the event log with member ids")
    network_months: list[StrictInt] = Field(
        default_factory=list, description="months at which to keep the trust network")

    def identity(self) -> dict[str, Any]:
        """What decides the recorded tables; options left at their defaults are left out,
        so that results folders started before they existed still resume."""
        return self.model_dump(exclude_defaults=True, exclude={"steps", "every", "columns"}
                               ) | self.model_dump(include={"steps", "every", "columns"})


class AnalysisSpec(BaseModel):
    """Defaults for ``alliancesim analyze``."""

    model_config = STRICT

    outcomes: list[str] = Field(
        default_factory=lambda: ["failed", "objectives_met", "value_total", "end_month"]
    )


class LimitsSpec(BaseModel):
    """How large a sweep may be before it is refused (raise them to allow a larger one)."""

    model_config = STRICT

    runs: int = Field(default=DEFAULT_MAX_RUNS, ge=1, le=MAX_RUNS_CEILING,
                      description="most runs (points x replicates), at most "
                      f"{MAX_RUNS_CEILING:,}")
    disk_gb: float = Field(default=DEFAULT_MAX_DISK_GB, gt=0, description="most estimated "
                           "disk space of the results, in GB")


class ParameterSetsSpec(BaseModel):
    """A table of parameter sets whose rows the design samples (one per point)."""

    model_config = STRICT

    file: str = Field(description="a Parquet file next to the experiment file, or in the "
                      "package's data folder")
    columns: list[str] | None = Field(default=None, min_length=1, description="the columns "
                                      "to take (default: every column naming a parameter "
                                      "the experiment does not set itself)")


class Experiment(BaseModel):
    """A parameter sweep: base parameters, factors, design, replicates, horizon, recording."""

    model_config = STRICT

    name: str = "experiment"
    description: str = ""
    scenario: str | None = None
    model_class: str | None = Field(default=None, description="an AllianceModel subclass to "
                                    "run, as 'package.module:Class' (imported only with "
                                    "--allow-import)")
    member_class: str | None = Field(default=None, description="a MemberOrganization "
                                     "subclass, as 'package.module:Class'")
    manager_class: str | None = Field(default=None, description="an AllianceManager "
                                      "subclass, as 'package.module:Class'")
    seed: int | None = Field(default=None, ge=0, description="root seed of every run")
    replicates: int = Field(default=1, ge=1)
    horizon: int | None = None
    parameters: dict[str, Value] = Field(default_factory=dict)
    partners: dict[str, Any] = Field(default_factory=dict)
    vary: dict[str, FactorSpec] = Field(min_length=1)
    design: DesignSpec
    record: RecordSpec = Field(default_factory=RecordSpec)
    analysis: AnalysisSpec = Field(default_factory=AnalysisSpec)
    limits: LimitsSpec = Field(default_factory=LimitsSpec)
    parameter_sets: ParameterSetsSpec | None = None

    # Filled in by the loader, not read from the file.
    source: str = Field(default="<experiment>", exclude=True)
    base_dir: str = Field(default=".", exclude=True)
    _sets: ParameterSets | None = PrivateAttr(default=None)
    # Set by the loader: whether the user allowed importing the classes the file names, and
    # the parameters those classes declare (known only once they are imported).
    _allow_import: bool = PrivateAttr(default=False)
    _declared: dict[str, Parameter] = PrivateAttr(default_factory=dict)

    def parameter(self, name: str) -> Parameter | None:
        """The definition of ``name``: built in, declared by a class the runs use, or, for
        ``model_class`` / ``member_class`` varied in ``[vary]``, a choice of those classes."""
        if name in class_roles() and name in self.vary:
            return class_factor_parameter(name, self.vary[name].values or ())
        return PARAMETERS_BY_NAME.get(name) or self._declared.get(name)

    @property
    def declared(self) -> tuple[Parameter, ...]:
        """The parameters that the classes the runs use declare (empty until they are
        imported: load the file with ``allow_import``)."""
        return tuple(self._declared.values())

    def class_factors(self) -> dict[str, tuple[str, ...]]:
        """The classes varied as factors (``[vary] model_class = { values = [...] }``), by
        field, as import paths."""
        return {role: tuple(str(v) for v in self.vary[role].values or ())
                for role in class_roles() if role in self.vary}

    # --- derived views --------------------------------------------------------------------
    def factors(self) -> tuple[list[Factor], list[Factor]]:
        """The factors sampled by the design (ranged) and those crossed with it."""
        ranged, crossed = vary_factors(self.vary, self.parameter)
        sets = self.sets()
        if sets is not None:
            ranged.append(Factor(SET_FACTOR, "int", low=0.0, high=float(len(sets) - 1)))
        if self.design.has_dummy and ranged:
            ranged.append(dummy_factor())
        return ranged, crossed

    def sets(self) -> ParameterSets | None:
        """The table of parameter sets the design samples, read once; None without one."""
        if self.parameter_sets is None:
            return None
        if self._sets is None:
            spec = self.parameter_sets

            def fail(field: str, message: str) -> ExperimentError:
                return ExperimentError(self.source, field, message)

            self._sets = read_parameter_sets(spec.file, Path(self.base_dir), spec.columns,
                                             set(self.parameters) | set(self.vary), fail)
        return self._sets

    def run_values(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """The parameter values of a design point's runs: the factors' values, with a
        parameter set's row in place of its index (the dummy factor is no parameter)."""
        values = {k: v for k, v in values.items() if k != DUMMY}
        sets = self.sets()
        if sets is None or SET_FACTOR not in values:
            return dict(values)
        out = {k: v for k, v in values.items() if k != SET_FACTOR}
        return {**out, **sets.values(int(values[SET_FACTOR]))}

    def n_points(self) -> int:
        """Design points, counted without drawing them."""
        return count_points(self.design, *self.factors())

    def n_runs(self) -> int:
        """Runs of the sweep: design points times replicates."""
        return self.n_points() * self.replicates

    def disk_estimate_gb(self) -> float:
        """Disk space the results may take at most, in GB (from measured part sizes)."""
        per_run = RUN_ROW_BYTES
        horizon = int(self._largest("horizon"))
        months = horizon // self.record.every + 1
        if self.record.steps:
            from alliancesim.model.outputs import STEP_COLUMNS

            columns = len(self.record.columns or STEP_COLUMNS) + 3  # run_id, point, replicate
            per_run += months * columns * STEP_VALUE_BYTES
        members = self._largest("n_members") * (1 + self._largest("candidate_pool"))
        if self.record.panel:
            per_run += months * members * PANEL_ROW_BYTES
        if self.record.events:
            per_run += horizon * EVENTS_PER_MONTH * EVENT_ROW_BYTES
        per_run += len(self.record.network_months) * members * members * EDGE_ROW_BYTES
        return self.n_runs() * per_run / 1e9

    def _largest(self, name: str) -> float:
        """The largest value parameter ``name`` takes in the sweep."""
        if name in self.vary:
            spec = self.vary[name]
            if spec.values is not None:
                return float(max(spec.values))  # type: ignore[type-var]
            param = self.parameter(name)
            return float(spec.high if spec.high is not None
                         else (param.high if param is not None else 0) or 0)
        return float(self.base_parameters()[name])

    def make_design(self, root_seed: int) -> Design:
        """The design, drawn reproducibly from ``root_seed`` as its points are read."""
        return draw_design(self.design, *self.factors(), root_seed)

    def base_parameters(self) -> dict[str, Any]:
        """Every parameter's value before the factors are applied (defaults merged in)."""
        scenario_params, _, _ = self._scenario()
        values = {**scenario_params, **self.parameters}
        if self.horizon is not None:
            values["horizon"] = self.horizon
        return validate_parameters(values, self.declared)

    def interventions(self) -> tuple[Any, ...]:
        """The scenario's timeline (interventions), applied to every run; empty without one."""
        return self._scenario()[1]

    def partner_countries(self) -> Partners:
        """The partners' countries: the file's ``[partners]``, else its scenario's."""
        return as_partners(self.partners or self._scenario()[2])

    def model_arguments(self) -> dict[str, Any]:
        """What every run's model is made with before the factors: :meth:`base_parameters`
        and, when named, the partners' countries."""
        arguments = self.base_parameters()
        partners = self.partner_countries()
        if partners:
            arguments["partners"] = partners
        return arguments

    def _scenario(self) -> tuple[dict[str, Any], tuple[Any, ...], dict[str, Any]]:
        if self.scenario is None:
            return {}, (), {}
        return load_scenario_base(self.scenario, Path(self.base_dir), self.source,
                                  allow_import=self._allow_import)

    def identity(self) -> dict[str, Any]:
        """Everything that decides which runs exist and what they produce."""
        identity = {
            "base_parameters": self.base_parameters(),
            "interventions": [repr(i) for i in self.interventions()],
            "partners": self.partner_countries().as_dict(),
            "vary": {k: v.identity() for k, v in self.vary.items()},
            "design": self.design.identity(),
            "replicates": self.replicates,
            "seed": self.seed,
            "record": self.record.identity(),
            **self._sets_identity(),
        }
        for field, (path, _) in self.class_paths().items():  # only when given: older
            if path is not None:                             # folders resume
                identity[field] = path
        return identity

    def task_runner(self) -> Any:
        """The engine's runner of one run: None, the single-alliance simulation (an
        ecosystem experiment gives its own)."""
        return None

    def recording(self) -> Any:
        """What each run records, for the run engine."""
        from alliancesim.engine.tasks import Recording

        r = self.record
        return Recording(steps=r.steps, every=r.every,
                         columns=tuple(r.columns) if r.columns is not None else None,
                         panel=r.panel, events=r.events,
                         network_months=tuple(sorted(set(r.network_months))))

    def classes(self, allow_import: bool = False) -> tuple[type | None, ...]:
        """The model, member and manager classes the file names (None: the package's own),
        imported only with ``allow_import``; a file never runs code by itself."""
        from alliancesim.engine.classes import resolve_class

        paths = self.class_paths()
        return tuple(  # type: ignore[return-value]
            resolve_class(path, field, source=self.source if getattr(self, field) else
                          f"{self.source} (its scenario {self.scenario!r})",
                          allow_import=allow_import, search=folder)
            for field, (path, folder) in paths.items())

    def class_levels(self, allow_import: bool = False) -> dict[str, dict[str, type]]:
        """The classes of the class factors, by field and import path, imported only with
        ``allow_import``."""
        from alliancesim.engine.classes import resolve_class

        return {role: {path: resolve_class(path, role, source=self.source,  # type: ignore[misc]
                                           allow_import=allow_import,
                                           search=Path(self.base_dir)) for path in paths}
                for role, paths in self.class_factors().items()}

    def class_paths(self) -> dict[str, tuple[str | None, Path]]:
        """The import path of the model, member and manager classes the runs use, and the
        folder to find its module in: the file's own, else the one its scenario names (a
        scenario's class is never dropped for the package's default)."""
        own = {field: (getattr(self, field), Path(self.base_dir)) for field in class_roles()}
        if self.scenario is None or all(path for path, _ in own.values()):
            return own
        scenario, folder = load_scenario_classes(self.scenario, Path(self.base_dir),
                                                 self.source, allow_import=self._allow_import)
        return {field: own[field] if own[field][0] else (scenario[field], folder)
                for field in own}

    def recipe(self) -> dict[str, Any]:
        """What it takes to rerun any single run (``alliancesim replay``): base parameters,
        timeline, varied factors, the partners' countries and classes."""
        return {
            "base_parameters": self.base_parameters(),
            "timeline": [dataclasses.asdict(getattr(i, "intervention", i))
                         for i in self.interventions()],
            "factors": list(self.vary),
            "partners": self.partner_countries().as_dict(),
            "parameter_sets": [dict(row) for row in sets.rows] if (sets := self.sets()) else [],
            **{field: path for field, (path, _) in self.class_paths().items()},
            "record": dataclasses.asdict(self.recording()),
        }

    def _sets_identity(self) -> dict[str, Any]:
        """The parameter sets as they decide the runs (nothing without them, so that the
        fingerprints of folders started before they existed stay as they were)."""
        sets = self.sets()
        if sets is None:
            return {}
        return {"parameter_sets": {"sha256": sets.sha256, "columns": list(sets.columns)}}

    def fingerprint(self) -> str:
        """A hash of :meth:`identity`: two experiments with the same hash give the same runs."""
        text = json.dumps(self.identity(), sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()


def load_scenario_base(name_or_path: str, base_dir: Path, source: str, *,
                       allow_import: bool = False
                       ) -> tuple[dict[str, Any], tuple[Any, ...], dict[str, Any]]:
    """The parameter overrides, timeline and partners' countries of a scenario: a file
    relative to the experiment file, any other path, or the name of a shipped scenario
    (``manager_departure``)."""
    from alliancesim.scenarios import scheduled_entries

    scenario, _ = _base_scenario(name_or_path, base_dir, source, allow_import)
    return dict(scenario.parameters), scheduled_entries(scenario), dict(scenario.partners)


def load_scenario_classes(name_or_path: str, base_dir: Path, source: str, *,
                          allow_import: bool = False) -> tuple[dict[str, str | None], Path]:
    """The model, member and manager classes a scenario names (import paths, or None), and
    the folder of the scenario file, where their modules are looked for."""
    scenario, path = _base_scenario(name_or_path, base_dir, source, allow_import)
    return {field: getattr(scenario, field) for field in class_roles()}, path.parent


def _base_scenario(name_or_path: str, base_dir: Path, source: str,
                   allow_import: bool = False) -> tuple[Any, Path]:
    """The scenario an experiment builds on (a file relative to the experiment file, any
    other path, or a shipped scenario's name) and its path."""
    from alliancesim.scenarios import ScenarioError, load_scenario, resolve_scenario_path

    local = base_dir / name_or_path
    path = local if local.is_file() else resolve_scenario_path(name_or_path)
    try:
        return load_scenario(path, allow_import=allow_import), path
    except ScenarioError as exc:
        raise ExperimentError(source, "scenario", str(exc)) from None


# --- loading ------------------------------------------------------------------------------
def read_experiment_toml(path: str | Path) -> dict[str, Any]:
    """The TOML of an experiment file as a mapping, named after the file unless it names
    itself; raise :class:`ExperimentError` if it cannot be read or is not TOML."""
    path = Path(path)
    source = str(path)
    try:
        data = read_toml(path)
    except TomlFileError as exc:
        reason = "experiment file not found" if exc.missing else exc.reason
        raise ExperimentError(source, None, reason) from None
    data.setdefault("name", path.stem)
    return data


def _alliance_kind(data: Mapping[str, Any], source: str) -> dict[str, Any]:
    """``data`` without its top-level ``kind``, which must name single alliances here;
    an ecosystem experiment is refused with where it is read instead."""
    from alliancesim.sweeps.ecosystem import KIND, experiment_kind

    if experiment_kind(data, source) == KIND:
        raise ExperimentError(source, "kind", "an ecosystem experiment: run it with "
                              "'alliancesim sweep' (or alliancesim.sweeps.run_sweep); here "
                              "allowed: 'alliance', a sweep of single alliances")
    return {k: v for k, v in data.items() if k != "kind"}


def load_experiment(path: str | Path, *, allow_import: bool = False) -> Experiment:
    """Read and check an experiment TOML file; raise :class:`ExperimentError` if it is
    invalid. With ``allow_import`` the classes it (or its scenario) names are imported, so
    that the parameters they declare can be set and varied."""
    return experiment_from_dict(read_experiment_toml(path), source=str(path),
                                base_dir=Path(path).parent, allow_import=allow_import)


def experiment_from_dict(
    data: Mapping[str, Any], source: str = "<experiment>", base_dir: str | Path = ".", *,
    allow_import: bool = False,
) -> Experiment:
    """Build and check an experiment from a mapping shaped like the TOML file
    (``allow_import`` as for :func:`load_experiment`)."""
    data = _alliance_kind(data, source)
    try:
        experiment = Experiment.model_validate(
            {**data, "source": source, "base_dir": str(base_dir)}
        )
    except ValidationError as exc:
        raise _first_error(exc, source) from None
    experiment._allow_import = allow_import
    _check_class_path_forms(experiment)
    experiment._declared = {p.name: p for p in declared_by_classes(experiment)}
    check_against_parameters(experiment)
    return experiment


def class_roles() -> tuple[str, ...]:
    """The fields naming classes (``model_class``, ``member_class``, ...)."""
    from alliancesim.engine.classes import ROLES

    return tuple(ROLES)


def class_factor_parameter(role: str, levels: Iterable[Any]) -> Parameter:
    """A class varied as a factor, described as a choice parameter of import paths."""
    choices = tuple(str(v) for v in levels)
    return Parameter(role, "choice", choices[0] if choices else "", f"the {role.replace('_', ' ')}"
                     " the runs use, as an import path", choices=choices,
                     label=role.replace("_", " "))


def declared_by_classes(exp: Experiment) -> tuple[Parameter, ...]:
    """The parameters the classes of the runs declare, every level of a class factor
    included; nothing is imported without the user's ``allow_import``. Each level must
    accept every declared parameter the experiment sets or varies."""
    from alliancesim.engine.classes import ClassImportError
    from alliancesim.params.declared import DeclarationError, declared_for

    factors = exp.class_factors()
    if not exp._allow_import:
        return ()
    try:
        fixed = dict(zip(class_roles(), exp.classes(allow_import=True), strict=True))
        combos = [fixed] if not factors else [
            {**fixed, role: _factor_class(exp, role, path)}
            for role, paths in factors.items() for path in paths]
        declared_sets = [declared_for(**combo) for combo in combos]
    except ClassImportError as exc:
        raise ExperimentError(exc.source, exc.field, exc.message) from None
    except DeclarationError as exc:
        raise ExperimentError(exp.source, "vary" if factors else "model_class",
                              str(exc)) from None
    union = {p.name: p for declared in declared_sets for p in declared}
    used = set(exp.parameters) | set(exp.vary)
    for combo, declared in zip(combos, declared_sets, strict=True):
        missing = sorted((used & set(union)) - {p.name for p in declared})
        if missing and factors:
            level = next(role for role in factors if role in combo)
            raise ExperimentError(
                exp.source, f"vary.{level}",
                f"{_class_name(combo[level])} does not declare {', '.join(map(repr, missing))}, "
                "which the experiment sets or varies; every level of a class factor must "
                "take every parameter the runs are given")
    return tuple(union.values())


def _factor_class(exp: Experiment, role: str, path: str) -> type:
    from alliancesim.engine.classes import resolve_class

    cls = resolve_class(path, role, source=exp.source, allow_import=True,
                        search=Path(exp.base_dir))
    assert cls is not None
    return cls


def vary_factors(vary: Mapping[str, FactorSpec],
                 parameter: Callable[[str], Parameter | None]
                 ) -> tuple[list[Factor], list[Factor]]:
    """The factors a ``[vary]`` table names: those the design samples (ranges, and listed
    values marked ``sample``) and those crossed with it; ``parameter(name)`` gives each
    factor's definition (names were checked when the file was read)."""
    ranged: list[Factor] = []
    crossed: list[Factor] = []
    for name, spec in vary.items():
        param = parameter(name)
        assert param is not None
        if param.kind == "choice" and spec.values is None:
            factor = Factor(name, "choice", values=param.choices, sampled=spec.sample)
            (ranged if spec.sample else crossed).append(factor)
        elif spec.values is not None:
            values = tuple(file_value(param, v) for v in spec.values)
            factor = Factor(name, param.kind, values=values, sampled=spec.sample)
            (ranged if spec.sample else crossed).append(factor)
        else:
            low = spec.low if spec.low is not None else param.low
            high = spec.high if spec.high is not None else param.high
            ranged.append(Factor(name, param.kind, low=float(low), high=float(high)))
    return ranged, crossed


def count_points(d: DesignSpec, ranged: list[Factor], crossed: list[Factor]) -> int:
    """Points of the design ``d`` over these factors, counted without drawing them."""
    return design_size(d.kind, ranged, crossed, samples=d.samples, levels=d.levels,
                       second_order=d.second_order)


def draw_design(d: DesignSpec, ranged: list[Factor], crossed: list[Factor],
                root_seed: int) -> Design:
    """The design ``d`` over these factors, drawn reproducibly from ``root_seed``."""
    return make_design(d.kind, ranged, crossed, samples=d.samples, levels=d.levels,
                       second_order=d.second_order, seed=root_seed)


def _class_name(cls: type | None) -> str:
    return repr(f"{cls.__module__}:{cls.__qualname__}") if cls is not None else "the default"


def _first_error(exc: ValidationError, source: str) -> ExperimentError:
    """Turn pydantic's first complaint into an error naming the file and the field."""
    return pydantic_error(exc, source, _model_at)


def pydantic_error(exc: ValidationError, source: str,
                   model_at: Callable[[tuple[Any, ...]], type[BaseModel] | None]
                   ) -> ExperimentError:
    """pydantic's first complaint about an experiment file, naming the file, the field and
    what is allowed; ``model_at(loc)`` is the model class at ``loc`` (for its fields)."""
    err = exc.errors()[0]
    loc = _without_union_tags(err["loc"])
    field = ".".join(shortened(str(part)) for part in loc) or None
    message = err["msg"]
    if err["type"] in PLAIN_MESSAGES:
        got = err.get("input")
        message = f"{PLAIN_MESSAGES[err['type']]}, got {type(got).__name__} {shown(got)}"
    if err["type"] == "extra_forbidden" and loc:
        parent = model_at(loc[:-1])
        known = sorted(k for k in (parent.model_fields if parent else {})
                       if k not in ("source", "base_dir"))
        unknown = str(loc[-1])
        message = (f"unknown field {shown(unknown)}.{suggest(unknown, known)} "
                   f"Allowed: {', '.join(known)}")
    elif err["type"] == "missing":
        message = "this field is required"
    elif err["type"] == "less_than_equal":
        message = (f"{shown(err.get('input'))} is above the limit; allowed: at most "
                   f"{err['ctx']['le']:,}")
    return ExperimentError(source, field, message)


def _without_union_tags(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """pydantic names the union member it tried (``vary.x.low.int``); the file has no such
    field."""
    parts = list(loc)
    while len(parts) > 1 and str(parts[-1]) in UNION_TAGS:
        parts.pop()
    return tuple(parts)


def _model_at(loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The pydantic model class found at ``loc`` inside :class:`Experiment`."""
    nested: dict[str, type[BaseModel]] = {
        "design": DesignSpec, "record": RecordSpec, "analysis": AnalysisSpec,
        "limits": LimitsSpec,
    }
    if not loc:
        return Experiment
    if loc[0] in nested and len(loc) == 1:
        return nested[loc[0]]
    if loc[0] == "vary" and len(loc) == 2:
        return FactorSpec
    return None


# --- checks against the parameter definition ----------------------------------------------
def check_against_parameters(exp: Experiment) -> None:
    """Check names, ranges and choices against :mod:`alliancesim.params`."""
    src = exp.source
    _check_name(exp)
    for name, value in exp.parameters.items():
        _coerce(src, f"parameters.{name}", name, value, exp)
    if exp.horizon is not None:
        _coerce(src, "horizon", "horizon", exp.horizon)
    try:
        base = exp.base_parameters()
    except ParameterError as exc:
        raise ExperimentError(src, f"parameters.{exc.name}", str(exc)) from None
    for name, spec in exp.vary.items():
        param = _known(src, f"vary.{name}", name, exp)
        fixed = "[parameters]" if name in exp.parameters else (
            "the top-level 'horizon'" if name == "horizon" and exp.horizon is not None else None)
        if fixed:
            raise ExperimentError(src, f"vary.{name}",
                                  f"{name!r} is both fixed in {fixed} and varied; "
                                  "keep one of the two")
        _check_factor(src, f"vary.{name}", param, spec)
    _check_partners(exp, base)
    _check_design(exp)
    _check_constraints(exp, base)
    _check_record_columns(exp)
    _check_network_months(exp)
    _check_analysis_outcomes(exp)
    _check_size(exp)


def _check_partners(exp: Experiment, base: Mapping[str, Any]) -> None:
    """The ``[partners]`` countries exist, and go with every country set the runs can have."""
    try:
        partners = as_partners(exp.partners)
    except PartnersError as exc:
        raise ExperimentError(exp.source, f"partners.{exc.field}", exc.message) from None
    partners = partners or exp.partner_countries()
    spec = exp.vary.get("country_set")
    if spec is None:
        sets = [base["country_set"]]
    else:
        sets = list(spec.values) if spec.values is not None \
            else list(PARAMETERS_BY_NAME["country_set"].choices)
    for country_set in sets:
        problem = check_combination(partners, str(country_set))
        if problem is not None:
            field = "vary.country_set" if spec is not None else "partners.country_mix"
            raise ExperimentError(exp.source, field, problem)


def _check_name(exp: Experiment) -> None:
    """The name becomes the results folder ``results/<name>``: a plain folder name only."""
    check_folder_name(exp.name, exp.source)


def check_folder_name(name: str, source: str) -> None:
    """Refuse (:class:`ExperimentError` on ``name``) a name that is not a plain folder name:
    it becomes the results folder ``results/<name>``, and ``..`` or a path would put the
    results somewhere else."""
    bad = (not name or name in (".", "..") or name != name.strip()
           or any(c in name for c in "/\\") or any(ord(c) < 32 for c in name))
    if bad:
        raise ExperimentError(source, "name",
                              f"{name!r} is not a plain folder name; allowed: a name without "
                              "'/' or '\\', not '.' or '..', such as 'culture_sweep' (results "
                              "go to results/<name>; --out chooses another folder)")


def _check_constraints(exp: Experiment, base: Mapping[str, Any]) -> None:
    """Every constraint between parameters must hold at every point the design can reach."""
    ranged, crossed = exp.factors()
    spans: dict[str, tuple[float, float]] = {}
    for name, value in base.items():
        if not isinstance(value, str):
            spans[name] = (float(value), float(value))
    for factor in ranged:
        if not factor.listed:
            assert factor.low is not None and factor.high is not None
            spans[factor.name] = (factor.low, factor.high)
    sets = exp.sets()
    if sets is not None:
        spans.update(sets.spans())
    for factor in (*crossed, *(f for f in ranged if f.listed)):
        if factor.kind != "choice":
            values = [float(v) for v in factor.values or ()]
            spans[factor.name] = (min(values), max(values))
    breach = constraint_breach(spans)
    if breach is not None:
        varied = [n for n in breach.rule.names if n in exp.vary]
        from_sets = sets is not None and any(n in sets.columns for n in breach.rule.names)
        field = (f"vary.{varied[0]}" if varied else "parameter_sets.file" if from_sets
                 else "parameters")
        raise ExperimentError(exp.source, field, breach.message())


def _check_record_columns(exp: Experiment) -> None:
    if exp.record.columns is not None:
        from alliancesim.model.outputs import STEP_COLUMNS

        for column in exp.record.columns:
            if column not in STEP_COLUMNS:
                raise ExperimentError(
                    exp.source, "record.columns",
                    f"unknown step column {column!r}.{suggest(column, list(STEP_COLUMNS))} "
                    f"Allowed: {', '.join(STEP_COLUMNS)}",
                )


def _check_network_months(exp: Experiment) -> None:
    """The months the runs keep their trust network lie within the run (the class paths
    were checked before anything was imported: :func:`_check_class_path_forms`)."""
    horizon = int(exp.base_parameters()["horizon"])
    for month in exp.record.network_months:
        if not 0 <= month <= horizon:
            raise ExperimentError(exp.source, "record.network_months",
                                  f"month {month} is outside the run; allowed: whole numbers "
                                  f"from 0 (the founders' start) to the horizon ({horizon})")


def _check_class_path_forms(exp: Experiment) -> None:
    """Every class the file names, or varies, is written as an import path."""
    from alliancesim.engine.classes import check_import_path

    for field in class_roles():
        value = getattr(exp, field)
        problem = check_import_path(value) if value is not None else None
        if problem:
            raise ExperimentError(exp.source, field, problem)
    for role, levels in exp.class_factors().items():
        spec = exp.vary[role]
        if spec.values is None or spec.low is not None or spec.high is not None:
            raise ExperimentError(exp.source, f"vary.{role}", "list the classes: "
                                  f"{role} = {{ values = ['package.module:Class', ...] }}")
        for level in levels:
            problem = check_import_path(level)
            if problem:
                raise ExperimentError(exp.source, f"vary.{role}.values", problem)


def _check_analysis_outcomes(exp: Experiment) -> None:
    """The [analysis] outcomes are outcomes the runs have (the package's model's; a class
    of one's own may add others, so then they are checked by 'analyze' instead)."""
    if exp.analysis.outcomes == AnalysisSpec().outcomes:
        return
    if any(path for path, _ in exp.class_paths().values()):
        return
    known = known_outcomes()
    for number, name in enumerate(exp.analysis.outcomes, start=1):
        if name not in known:
            raise ExperimentError(exp.source, f"analysis.outcomes[{number}]",
                                  f"unknown outcome {shown(name)}.{suggest(name, known)} "
                                  f"Allowed: {', '.join(known)}")


@functools.cache
def known_outcomes() -> list[str]:
    """The numeric (and yes/no) outcomes every run of the package's model records, and the
    yes/no columns the analysis adds (``completed``, ``dissolved``)."""
    import numbers

    from alliancesim.model import AllianceModel

    record = AllianceModel(rng=0).outcome_record()
    numeric = [k for k, v in record.items() if isinstance(v, numbers.Number)]
    return [*numeric, "completed", "dissolved"]


def _check_size(exp: Experiment) -> None:
    check_sweep_size(exp, "record fewer step columns, or every k-th month")


def check_sweep_size(exp: Any, smaller: str) -> None:
    """Refuse, before anything is drawn or written, a sweep above its limits (``exp``: an
    experiment of either kind); ``smaller`` says how its results could take less disk."""
    points, runs = exp.n_points(), exp.n_runs()
    disk = exp.disk_estimate_gb()
    limits = exp.limits
    size = (f"{points:,} design points x {exp.replicates:,} replicates = {runs:,} runs, "
            f"about {disk:,.1f} GB of results")
    if runs > limits.runs:
        allow = (f"to allow it, add [limits] runs = {runs} to the experiment file"
                 if runs <= MAX_RUNS_CEILING else
                 f"[limits] runs = can allow at most {MAX_RUNS_CEILING:,}: use fewer design "
                 "points or replicates")
        raise ExperimentError(exp.source, "limits.runs",
                              f"the sweep is too large: {size}, above the limit of "
                              f"{limits.runs:,} runs; {allow}")
    if disk > limits.disk_gb:
        raise ExperimentError(exp.source, "limits.disk_gb",
                              f"the sweep is too large: {size}, above the limit of "
                              f"{limits.disk_gb:g} GB; to allow it, add [limits] disk_gb = "
                              f"{disk:.0f} to the experiment file (or {smaller})")
    samples = exp.design.samples
    if samples is not None and samples > MAX_SAMPLES:  # drawn whole, whatever the runs
        raise ExperimentError(exp.source, "design.samples",
                              f"{samples:,} samples is above the most a design may draw "
                              f"({MAX_SAMPLES:,}); allowed: 1 to {MAX_SAMPLES:,}")


def _known(src: str, field: str, name: str, exp: Experiment | None = None) -> Parameter:
    param = exp.parameter(name) if exp is not None else PARAMETERS_BY_NAME.get(name)
    if param is not None:
        return param
    named = [path for path, _ in exp.class_paths().values() if path] if exp is not None else []
    named += [p for levels in exp.class_factors().values() for p in levels] if exp else []
    if named and exp is not None and not exp._allow_import:
        raise ExperimentError(src, field, unimported_message(repr(name), "experiment", named))
    known = [*PARAMETERS_BY_NAME, *(exp._declared if exp is not None else {})]
    raise ExperimentError(src, field, f"unknown parameter {name!r}.{suggest(name, known)}")


def _coerce(src: str, field: str, name: str, value: Any,
            exp: Experiment | None = None) -> Any:
    param = _known(src, field, name, exp)
    try:
        return file_value(param, value)
    except ParameterError as exc:
        raise ExperimentError(src, field, str(exc)) from None


def _check_factor(src: str, field: str, param: Parameter, spec: FactorSpec) -> None:
    if spec.values is not None and (spec.low is not None or spec.high is not None):
        raise ExperimentError(src, field, "give either a list of values or low/high, not both")
    if spec.sample and spec.values is None and param.kind != "choice":
        raise ExperimentError(src, f"{field}.sample",
                              "'sample = true' samples listed values; a range is sampled "
                              "already: give 'values = [...]' with it, or drop it")
    if param.kind == "choice" and (spec.low is not None or spec.high is not None):
        raise ExperimentError(
            src, field,
            f"{param.name!r} is a choice parameter: list its levels instead of a range, "
            f"e.g. {param.name} = {list(param.choices[:2])!r} (allowed: {param.allowed()})",
        )
    if spec.values is not None:
        for value in spec.values:
            try:
                file_value(param, value)
            except ParameterError as exc:
                raise ExperimentError(src, f"{field}.values", str(exc)) from None
        if len(set(spec.values)) != len(spec.values):
            raise ExperimentError(src, f"{field}.values", "values are listed more than once")
        return
    if param.kind == "choice":
        return
    assert param.low is not None and param.high is not None
    low = spec.low if spec.low is not None else param.low
    high = spec.high if spec.high is not None else param.high
    for key, bound in (("low", spec.low), ("high", spec.high)):
        if param.kind == "int" and isinstance(bound, float):
            raise ExperimentError(
                src, f"{field}.{key}",
                f"{param.name!r} is an integer parameter: its bounds must be whole numbers "
                f"written without a decimal point (like {int(param.default)}), got {bound!r}")
    for key, bound in (("low", low), ("high", high)):
        if not param.low <= bound <= param.high:
            raise ExperimentError(
                src, f"{field}.{key}",
                f"{bound!r} is outside the range of {param.name!r} "
                f"[{param.low:g}, {param.high:g}]",
            )
    if not low < high:
        raise ExperimentError(src, field, f"low ({low:g}) must be below high ({high:g}); "
                              "to fix a value, put it in [parameters]")


def _check_design(exp: Experiment) -> None:
    src, d = exp.source, exp.design
    ranged, _ = exp.factors()
    if d.kind != "grid":
        if d.samples is None:
            raise ExperimentError(src, "design.samples",
                                  f"the {d.kind!r} design needs a number of samples")
        if not ranged:
            raise ExperimentError(
                src, "vary",
                f"the {d.kind!r} design samples ranged factors, but every factor is a list of "
                "values; give at least one factor as a range ({ low = ..., high = ... } or {}) "
                "or use kind = \"grid\"",
            )
    if d.kind == "sobol" and d.samples is not None and d.samples & (d.samples - 1):
        raise ExperimentError(src, "design.samples",
                              f"sobol needs a power of 2 (e.g. 64, 128, 256), got {d.samples}")
    if d.dummy and d.kind not in INDEX_KINDS:
        raise ExperimentError(src, "design.dummy",
                              f"a dummy factor is a noise reference for sensitivity indices; "
                              f"allowed with kind = {' or '.join(map(repr, INDEX_KINDS))}, "
                              f"not {d.kind!r}")
    if d.kind == "morris" and d.levels % 2:
        raise ExperimentError(src, "design.levels",
                              f"morris needs an even number of levels, got {d.levels}")
    assert d.kind in DESIGN_KINDS

