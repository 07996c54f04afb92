"""Ecosystem experiment files: sweeps whose runs are whole ecosystems, not single alliances.

An experiment file with ``kind = "ecosystem"`` at its top is an ecosystem sweep::

    kind = "ecosystem"
    name = "profession"
    scenario = "../scenarios/ecosystems/baseline.toml"   # optional base ecosystem scenario
    seed = 20261207
    replicates = 4

    [ecosystem]            # ecosystem parameters every run takes (over the scenario's)
    n_organizations = 500
    [alliance]             # single-alliance parameters every alliance takes
    country_set = "four_continents"
    [partners]             # optional: the organizations' countries, as in scenario files

    [vary]                 # ecosystem parameters, ranged or listed as in any experiment
    professional_skill_premium = { low = -0.2, high = 0.3 }
    mode_rule = ["lead", "majority"]
    [vary.alliance]        # single-alliance parameters (factor names 'alliance.<name>')
    trust_initial = { low = 0.3, high = 0.7 }

    [design]               # any design: grid, random, lhs, sobol, morris
    kind = "lhs"
    samples = 20

    [record]               # tables kept besides each run's summary row
    profession = true      # one row per year (default on)
    alliances = true       # one outcome record per alliance (default on)
    organizations = false  # the organization x year panel (opt-in) ...
    every = 5              # ... every k-th year, with the first and the last
    professionals = false  # one row per professional at the end (opt-in)

The runs go through the same engine as every sweep (:func:`alliancesim.sweeps.run_sweep`,
which detects the kind): resumable results folders, the same backends and the same seeds,
``SeedSequence(seed, spawn_key=(point, replicate))`` for run ``(point, replicate)``, which
seeds the whole ecosystem. :func:`read_ecosystem_sweep` reads the folder back.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError, model_validator

from alliancesim.ecosystem.parameters import ECOSYSTEM_PARAMETERS_BY_NAME
from alliancesim.ecosystem.runs import ALLIANCE_PREFIX, OUTCOMES
from alliancesim.params import (
    PARAMETERS_BY_NAME,
    Parameter,
    ParameterError,
    constraint_breach,
    file_value,
    suggest,
    validate_parameters,
)
from alliancesim.sweeps.design import DUMMY, Design, Factor, dummy_factor
from alliancesim.sweeps.experiment import (
    STRICT,
    DesignSpec,
    ExperimentError,
    FactorSpec,
    LimitsSpec,
    Value,
    _check_design,
    _check_factor,
    _without_union_tags,
    check_folder_name,
    check_sweep_size,
    count_points,
    draw_design,
    pydantic_error,
    vary_factors,
)

KIND = "ecosystem"
KINDS = ("alliance", KIND)  # the values of an experiment file's top-level 'kind'
DEFAULT_OUTCOMES = ("share_function_end", "share_function_change",
                    "professionals_per_1000_end", "wage_end", "failed_share",
                    "judged_result_gap_end")
# Parquet bytes on disk, rounded up from parts of single runs of 500 organizations over 30
# years (7 kB, 360, 220, 20 bytes measured): a run's summary row, a year of the profession
# table, an alliance's record and an organization-year of the panel (ids included); with
# alliances counted as if no portfolio were ever full, the estimate is an upper bound.
SUMMARY_ROW_BYTES = 8_000
PROFESSION_ROW_BYTES = 400
ALLIANCE_ROW_BYTES = 300
ORGANIZATION_ROW_BYTES = 30
PROFESSIONAL_ROW_BYTES = 60


class EcosystemRecordSpec(BaseModel):
    """Which tables each ecosystem run keeps besides its summary row."""

    model_config = STRICT

    profession: bool = Field(default=True, description="the profession table, one row a year")
    alliances: bool = Field(default=True, description="one outcome record per alliance")
    organizations: bool = Field(default=False, description="the organization x year panel")
    every: int = Field(default=1, ge=1, le=100, description="organizations: keep every k-th "
                       "year, with the first and the last")
    professionals: bool = Field(default=False, description="one row per professional")


class EcosystemAnalysisSpec(BaseModel):
    """Defaults for ``alliancesim analyze``: summary outcomes of the runs."""

    model_config = STRICT

    outcomes: list[str] = Field(default_factory=lambda: list(DEFAULT_OUTCOMES))


class EcosystemExperiment(BaseModel):
    """A sweep over ecosystems: base scenario, factors, design, replicates, recording."""

    model_config = STRICT

    kind: Literal["ecosystem"]
    name: str = "experiment"
    description: str = ""
    scenario: str | None = Field(default=None, description="an ecosystem scenario file, "
                                 "relative to the experiment file")
    seed: int | None = Field(default=None, ge=0, description="root seed of every run")
    replicates: int = Field(default=1, ge=1)
    ecosystem: dict[str, Value] = Field(default_factory=dict)
    alliance: dict[str, Value] = Field(default_factory=dict)
    partners: dict[str, Any] = Field(default_factory=dict)
    vary: dict[str, FactorSpec] = Field(min_length=1)
    design: DesignSpec
    record: EcosystemRecordSpec = Field(default_factory=EcosystemRecordSpec)
    analysis: EcosystemAnalysisSpec = Field(default_factory=EcosystemAnalysisSpec)
    limits: LimitsSpec = Field(default_factory=LimitsSpec)

    source: str = Field(default="<experiment>", exclude=True)
    base_dir: str = Field(default=".", exclude=True)

    @model_validator(mode="before")
    @classmethod
    def _alliance_factors(cls, data: Any) -> Any:
        # [vary.alliance] (or `alliance.x = ...` in [vary]) holds single-alliance factors,
        # named 'alliance.x' from then on.
        if isinstance(data, Mapping) and isinstance(data.get("vary"), Mapping):
            vary = dict(data["vary"])
            nested = vary.pop("alliance", None)
            if isinstance(nested, Mapping):
                vary.update({ALLIANCE_PREFIX + str(k): v for k, v in nested.items()})
            elif nested is not None:
                vary["alliance"] = nested
            data = {**data, "vary": vary}
        return data

    # --- parameters ---------------------------------------------------------------------
    def parameter(self, name: str) -> Parameter | None:
        """The definition of factor ``name``: an ecosystem parameter, or ``alliance.x`` for
        single-alliance parameter ``x`` (under that name)."""
        if name.startswith(ALLIANCE_PREFIX):
            param = PARAMETERS_BY_NAME.get(name.removeprefix(ALLIANCE_PREFIX))
            return dataclasses.replace(param, name=name) if param is not None else None
        return ECOSYSTEM_PARAMETERS_BY_NAME.get(name)

    @property
    def declared(self) -> tuple[Parameter, ...]:
        """No classes of one's own: nothing declared."""
        return ()

    def factor_parameters(self) -> list[Parameter]:
        """The definitions of the varied parameters (a manifest keeps them for analysis)."""
        return [param for name in self.vary if (param := self.parameter(name)) is not None]

    def _scenario(self) -> Any:
        from alliancesim.ecosystem.scenario import (
            EcosystemScenario,
            EcosystemScenarioError,
            load_ecosystem_scenario,
        )

        if self.scenario is None:
            return EcosystemScenario()
        local = Path(self.base_dir) / self.scenario
        path = local if local.is_file() else Path(self.scenario)
        try:
            return load_ecosystem_scenario(path)
        except EcosystemScenarioError as exc:
            raise ExperimentError(self.source, "scenario", str(exc)) from None

    def base_values(self) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
        """The ecosystem and single-alliance values every run takes, as given (the
        scenario's, then the file's own), and the partners' countries."""
        scenario = self._scenario()
        return ({**scenario.ecosystem, **self.ecosystem}, {**scenario.alliance, **self.alliance},
                dict(self.partners or scenario.partners))

    def base_parameters(self) -> dict[str, Any]:
        """Every ecosystem and single-alliance parameter's value before the factors."""
        from alliancesim.ecosystem.parameters import make_ecosystem_params

        ecosystem, alliance, _ = self.base_values()
        return {"ecosystem": make_ecosystem_params(ecosystem).as_dict(),
                "alliance": validate_parameters(alliance)}

    def model_arguments(self) -> dict[str, Any]:
        """What every run's task is given: the base values and what to record."""
        ecosystem, alliance, partners = self.base_values()
        return {"ecosystem": ecosystem, "alliance": alliance, "partners": partners,
                "record": self.record.model_dump()}

    def interventions(self) -> tuple[Any, ...]:
        """Ecosystems have no timeline."""
        return ()

    def recording(self) -> Any:
        """The single-alliance recording (nothing: ecosystem tables are in ``record``)."""
        from alliancesim.engine.tasks import Recording

        return Recording()

    def task_runner(self) -> Any:
        """The engine's runner for one ecosystem."""
        from alliancesim.ecosystem.runs import run_ecosystem_spec

        return run_ecosystem_spec

    # --- the design -----------------------------------------------------------------------
    def factors(self) -> tuple[list[Factor], list[Factor]]:
        """The factors sampled by the design (ranged) and those crossed with it."""
        ranged, crossed = vary_factors(self.vary, self.parameter)
        if self.design.has_dummy and ranged:
            ranged.append(dummy_factor())
        return ranged, crossed

    def n_points(self) -> int:
        """Design points, counted without drawing them."""
        return count_points(self.design, *self.factors())

    def n_runs(self) -> int:
        """Runs of the sweep: design points times replicates."""
        return self.n_points() * self.replicates

    def make_design(self, root_seed: int) -> Design:
        """The design, drawn reproducibly from ``root_seed``."""
        return draw_design(self.design, *self.factors(), root_seed)

    def run_values(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """The parameter values of a design point's runs (the dummy factor is none)."""
        return {k: v for k, v in values.items() if k != DUMMY}

    def largest(self, name: str) -> float:
        """The largest value ecosystem parameter ``name`` takes in the sweep."""
        if name in self.vary:
            spec, param = self.vary[name], self.parameter(name)
            assert param is not None
            if spec.values is not None:
                return float(max(spec.values))  # type: ignore[type-var]
            return float(spec.high if spec.high is not None else param.high or 0)
        return float(self.base_parameters()["ecosystem"][name])

    def disk_estimate_gb(self) -> float:
        """Disk space the results may take at most, in GB (from measured part sizes):
        alliances counted as if every organization founded at the highest rate."""
        organizations, years = self.largest("n_organizations"), self.largest("years")
        per_run = SUMMARY_ROW_BYTES
        if self.record.profession:
            per_run += years * PROFESSION_ROW_BYTES
        if self.record.alliances:
            founded = organizations * 12 * years * self.largest("alliance_rate")
            per_run += founded * ALLIANCE_ROW_BYTES
        if self.record.organizations:
            kept = min(years, years // self.record.every + 2)
            per_run += organizations * kept * ORGANIZATION_ROW_BYTES
        if self.record.professionals:
            per_run += organizations * PROFESSIONAL_ROW_BYTES
        return self.n_runs() * per_run / 1e9

    # --- identity ---------------------------------------------------------------------------
    def identity(self) -> dict[str, Any]:
        """Everything that decides which runs exist and what they produce."""
        _, _, partners = self.base_values()
        return {"kind": KIND, "base_parameters": self.base_parameters(),
                "partners": partners, "vary": {k: v.identity() for k, v in self.vary.items()},
                "design": self.design.identity(), "replicates": self.replicates,
                "seed": self.seed, "record": self.record.model_dump()}

    def fingerprint(self) -> str:
        """A hash of :meth:`identity`: two experiments with the same hash give the same runs."""
        text = json.dumps(self.identity(), sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()

    def recipe(self) -> dict[str, Any]:
        """What it takes to rerun any single run: the task's base and the factors (a run's
        seed is in its row)."""
        return {"kind": KIND, "base": self.model_arguments(), "factors": list(self.vary),
                "run": "alliancesim.ecosystem.runs.run_ecosystem_spec"}


# --- loading ------------------------------------------------------------------------------
def experiment_kind(data: Mapping[str, Any], source: str) -> str:
    """The kind an experiment file's top-level ``kind`` names (``alliance`` without one)."""
    kind = data.get("kind", "alliance")
    if kind not in KINDS:
        raise ExperimentError(source, "kind", f"unknown kind {kind!r}; allowed: "
                              f"{', '.join(map(repr, KINDS))} (a sweep of single alliances, "
                              "the default, or of whole ecosystems)")
    return str(kind)


def load_any_experiment(path: str | Path, *, allow_import: bool = False) -> Any:
    """An experiment file of either kind: :class:`EcosystemExperiment` for
    ``kind = "ecosystem"``, else :class:`~alliancesim.sweeps.experiment.Experiment`."""
    from alliancesim.sweeps.experiment import experiment_from_dict, read_experiment_toml

    data = read_experiment_toml(path)
    if experiment_kind(data, str(path)) == KIND:
        return ecosystem_experiment_from_dict(data, str(path), Path(path).parent)
    return experiment_from_dict(data, source=str(path), base_dir=Path(path).parent,
                                allow_import=allow_import)


def load_ecosystem_experiment(path: str | Path) -> EcosystemExperiment:
    """Read and check an ecosystem experiment file (:class:`ExperimentError` if invalid)."""
    from alliancesim.sweeps.experiment import read_experiment_toml

    return ecosystem_experiment_from_dict(read_experiment_toml(path), str(path),
                                          Path(path).parent)


def ecosystem_experiment_from_dict(data: Mapping[str, Any], source: str = "<experiment>",
                                   base_dir: str | Path = ".") -> EcosystemExperiment:
    """Build and check an ecosystem experiment from a mapping shaped like the file."""
    try:
        experiment = EcosystemExperiment.model_validate(
            {**data, "source": source, "base_dir": str(base_dir)})
    except ValidationError as exc:
        raise _first_error(exc, source) from None
    check_ecosystem_experiment(experiment)
    return experiment


NESTED: dict[str, type[BaseModel]] = {
    "design": DesignSpec, "record": EcosystemRecordSpec, "analysis": EcosystemAnalysisSpec,
    "limits": LimitsSpec}


def _first_error(exc: ValidationError, source: str) -> ExperimentError:
    """pydantic's first complaint, naming the file, the field and what is allowed."""
    err = exc.errors()[0]
    if err["type"] == "literal_error" and _without_union_tags(err["loc"]) == ("kind",):
        return ExperimentError(source, "kind", f"allowed: {', '.join(map(repr, KINDS))}")
    return pydantic_error(exc, source, _model_at)


def _model_at(loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The pydantic model class found at ``loc`` inside :class:`EcosystemExperiment`."""
    if not loc:
        return EcosystemExperiment
    if len(loc) == 1:
        return NESTED.get(str(loc[0]))
    if len(loc) == 2 and loc[0] == "vary":
        return FactorSpec
    return None


# --- checks -----------------------------------------------------------------------------
def check_ecosystem_experiment(exp: EcosystemExperiment) -> None:
    """Check names, values, ranges, the scenario, the design and the size."""
    from alliancesim.ecosystem.model import SET_PER_ALLIANCE

    src = exp.source
    check_folder_name(exp.name, src)
    for name, value in exp.ecosystem.items():
        _value(src, f"ecosystem.{name}", exp.parameter(name), name, value,
               ECOSYSTEM_PARAMETERS_BY_NAME)
    for name, value in exp.alliance.items():
        if name in SET_PER_ALLIANCE:
            raise ExperimentError(src, f"alliance.{name}", _set_per_alliance(name))
        _value(src, f"alliance.{name}", PARAMETERS_BY_NAME.get(name), name, value,
               PARAMETERS_BY_NAME)
    _check_base(exp)
    for name, spec in exp.vary.items():
        _check_vary(exp, name, spec)
    _check_design(exp)  # type: ignore[arg-type]  # the same fields as an Experiment's
    _check_alliance_constraints(exp)
    _check_partners(exp)
    for number, outcome in enumerate(exp.analysis.outcomes, start=1):
        if outcome not in OUTCOMES:
            raise ExperimentError(src, f"analysis.outcomes[{number}]",
                                  f"unknown outcome {outcome!r}.{suggest(outcome, OUTCOMES)} "
                                  f"Allowed: {', '.join(OUTCOMES)}")
    _check_size(exp)


def _set_per_alliance(name: str) -> str:
    return (f"alliance parameter {name!r} is set by the ecosystem for each alliance; "
            "allowed: any other single-alliance parameter")


def _value(src: str, field: str, param: Parameter | None, name: str, value: Any,
           known: Mapping[str, Parameter]) -> None:
    if param is None:
        what = "ecosystem" if field.startswith("ecosystem.") else "single-alliance"
        raise ExperimentError(src, field, f"unknown {what} parameter {name!r}."
                              f"{suggest(name, list(known))}")
    try:
        file_value(param, value)
    except ParameterError as exc:
        raise ExperimentError(src, field, str(exc)) from None


def _check_base(exp: EcosystemExperiment) -> None:
    """The scenario loads, and the model takes the base values together."""
    from alliancesim.culture.partners import PartnersError
    from alliancesim.ecosystem.model import EcosystemModel

    ecosystem, alliance, partners = exp.base_values()
    try:
        EcosystemModel(0, alliance=alliance, partners=partners or None, _check_only=True,
                       **ecosystem)
    except ParameterError as exc:
        table = "ecosystem" if exc.name in ECOSYSTEM_PARAMETERS_BY_NAME else "alliance"
        raise ExperimentError(exp.source, f"{table}.{exc.name}", str(exc)) from None
    except PartnersError as exc:
        raise ExperimentError(exp.source, f"partners.{exc.field}", exc.message) from None


def _check_vary(exp: EcosystemExperiment, name: str, spec: FactorSpec) -> None:
    from alliancesim.ecosystem.model import SET_PER_ALLIANCE

    src, field = exp.source, f"vary.{name}"
    plain = name.removeprefix(ALLIANCE_PREFIX)
    if name.startswith(ALLIANCE_PREFIX) and plain in SET_PER_ALLIANCE:
        raise ExperimentError(src, field, _set_per_alliance(plain))
    param = exp.parameter(name)
    if param is None:
        known = ([ALLIANCE_PREFIX + k for k in PARAMETERS_BY_NAME]
                 if name.startswith(ALLIANCE_PREFIX) else list(ECOSYSTEM_PARAMETERS_BY_NAME))
        hint = "" if name.startswith(ALLIANCE_PREFIX) else (
            " Single-alliance parameters are varied in [vary.alliance].")
        raise ExperimentError(src, field, f"unknown parameter {name!r}."
                              f"{suggest(name, known)}{hint}")
    fixed = exp.alliance if name.startswith(ALLIANCE_PREFIX) else exp.ecosystem
    if plain in fixed:
        table = "[alliance]" if name.startswith(ALLIANCE_PREFIX) else "[ecosystem]"
        raise ExperimentError(src, field, f"{plain!r} is both fixed in {table} and varied; "
                              "keep one of the two")
    _check_factor(src, field, param, spec)


def _check_alliance_constraints(exp: EcosystemExperiment) -> None:
    """The single-alliance constraints hold at every point the design can reach."""
    spans = {name: (float(v), float(v)) for name, v in exp.base_parameters()["alliance"].items()
             if not isinstance(v, str)}
    ranged, crossed = exp.factors()
    for factor in (*ranged, *crossed):
        if not factor.name.startswith(ALLIANCE_PREFIX) or factor.kind == "choice":
            continue
        plain = factor.name.removeprefix(ALLIANCE_PREFIX)
        if factor.values is not None:
            values = [float(v) for v in factor.values]
            spans[plain] = (min(values), max(values))
        else:
            assert factor.low is not None and factor.high is not None
            spans[plain] = (factor.low, factor.high)
    breach = constraint_breach(spans)
    if breach is not None:
        varied = [n for n in breach.rule.names if ALLIANCE_PREFIX + n in exp.vary]
        field = f"vary.{ALLIANCE_PREFIX}{varied[0]}" if varied else "alliance"
        raise ExperimentError(exp.source, field, breach.message())


def _check_partners(exp: EcosystemExperiment) -> None:
    """The partners' countries go with every country set the runs can have."""
    from alliancesim.culture.partners import as_partners, check_combination

    spec = exp.vary.get(ALLIANCE_PREFIX + "country_set")
    if spec is None:
        return
    _, _, partners = exp.base_values()
    levels = spec.values if spec.values is not None else \
        PARAMETERS_BY_NAME["country_set"].choices
    for level in levels:
        problem = check_combination(as_partners(partners), str(level))
        if problem is not None:
            raise ExperimentError(exp.source, f"vary.{ALLIANCE_PREFIX}country_set", problem)


def _check_size(exp: EcosystemExperiment) -> None:
    check_sweep_size(exp, "record the organizations every k-th year")


# --- reading the results back ---------------------------------------------------------------
def read_ecosystem_sweep(folder: str | Path, *, include_failed: bool = True
                         ) -> dict[str, Any]:
    """The results of an ecosystem sweep as DataFrames, by name.

    ``runs`` has one row per run (its summary outcomes, status, seed); ``profession``,
    ``alliances``, ``organizations`` and ``professionals`` (those the experiment recorded)
    keep the columns of :class:`~alliancesim.ecosystem.outputs.EcosystemResult`'s tables.
    Every row of every table starts with ``run_id``, ``point``, ``replicate`` and the
    values of the varied parameters (``alliance.x`` for single-alliance ones). Failed runs
    have a row in ``runs`` (``status == "failed"``, with their error) and no table rows;
    ``include_failed=False`` leaves them out.
    """
    from alliancesim.engine.store import ResultsError, ResultsStore
    from alliancesim.engine.tasks import ECOSYSTEM_TABLES, OK

    store = ResultsStore(folder)
    if not store.exists():
        raise ResultsError(f"{folder}: not a results folder (no manifest.json)")
    manifest = store.read_manifest()
    if manifest.get("experiment", {}).get("kind") != KIND:
        raise ResultsError(f"{folder}: not the results of an ecosystem sweep; "
                           "alliancesim.sweeps.load_results reads other sweeps")
    factors = {str(name) for name in manifest["experiment"].get("vary", {})}
    runs = store.read_runs()
    if not include_failed and len(runs):
        runs = runs[runs["status"] == OK].reset_index(drop=True)
    head = ["run_id", "point", "replicate", *(c for c in runs.columns if c in factors)]
    tables: dict[str, Any] = {"runs": runs}
    for name in ECOSYSTEM_TABLES:
        if not store.table_parts(name):
            continue
        table = store.read_table(name)
        values = runs[head].drop(columns=["point", "replicate"])
        table = table.merge(values, on="run_id", how="inner", sort=False)
        rest = [c for c in table.columns if c not in head]
        tables[name] = table[head + rest]
    return tables


# Subfolders of a sweep's profession report.
BY_CONDITION, ACROSS_CONDITIONS = "by_condition", "across_conditions"


def profession_report(folder: str | Path, out: str | Path | None = None) -> dict[str, Any]:
    """Write the profession report of an ecosystem sweep into ``out`` (default
    FOLDER/analysis/profession) twice: ``by_condition/`` answers each design point from its
    replicates and says which varied factors move the share with a function;
    ``across_conditions/`` pools every run as one sample of the design's conditions (its
    intervals count the differences between conditions as noise, so they are wider than
    replicate noise alone). Returns both analyses by subfolder name."""
    from alliancesim.ecosystem.analysis import analyze_profession
    from alliancesim.ecosystem.profession_report import write_analysis

    target = Path(out) if out is not None else Path(folder) / "analysis" / "profession"
    tables = read_ecosystem_sweep(folder, include_failed=False)
    pooled = {name: table.assign(point=0) for name, table in tables.items()
              if name in ("organizations", "alliances", "profession")}
    analyses = {BY_CONDITION: analyze_profession(tables),
                ACROSS_CONDITIONS: analyze_profession(pooled, factors=())}
    for name, analysis in analyses.items():
        write_analysis(analysis, target / name)
    report = target / ACROSS_CONDITIONS / "report.md"
    title, _, rest = report.read_text(encoding="utf-8").partition("\n")
    report.write_text(f"{title}\n\n{POOLED_NOTE}\n{rest}", encoding="utf-8")
    return analyses


POOLED_NOTE = ("*Across conditions:* every run of the sweep is taken as one sample of the "
               "design's conditions (read below \"condition\" as the whole design), so the "
               "intervals count the differences between conditions as noise. "
               "`../by_condition/` answers each condition from its own replicates.")
