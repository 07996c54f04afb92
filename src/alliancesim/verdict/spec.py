"""The verdict's experiment file: a sweep experiment plus a ``[verdict]`` table.

The file is an ordinary experiment file (see :mod:`alliancesim.sweeps.experiment`) whose
``[vary]`` table spans the conditions and assumptions, with one more table saying which
management modes to compare and on which outcomes::

    [verdict]
    modes = ["dedicated", "transversal", "hybrid"]
    outcomes = ["failed", "value_total", "survived"]
    decide_by = "failed"     # the outcome the maps and the boxes of scenario discovery show
    confidence = 0.95
    map_bins = 5

Each mode becomes one sweep of the same design with the same root seed, the mode fixed: run
``(point, replicate)`` therefore has the same seed and the same parameter values in every mode
(the pairing the differences rest on). The design must be a Sobol or Morris design whose
factors are all sampled (ranges, or listed values with ``sample = true``): the verdict
compares the modes over one design, with indices of what moves it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from alliancesim.bounds import shown
from alliancesim.params import MANAGEMENT_MODES
from alliancesim.sweeps.design import DUMMY
from alliancesim.sweeps.experiment import (
    Experiment,
    ExperimentError,
    check_folder_name,
    experiment_from_dict,
    read_experiment_toml,
)
from alliancesim.sweeps.parameter_sets import SET_FACTOR

MODE = "management_mode"
INDEX_DESIGNS = ("sobol", "morris")
DEFAULT_FILE = Path("experiments") / "verdict.toml"


@dataclass(frozen=True)
class Outcome:
    """An outcome the modes are compared on, and which way is better."""

    name: str
    label: str
    unit: str
    lower_is_better: bool
    share: bool  # a yes/no outcome whose mean is a share
    default_margin: float = 0.05  # equivalence margin: 5 points of a share


    def better(self, difference: float) -> bool:
        """Whether a difference ``a - b`` of this size favours ``a``."""
        return difference < 0 if self.lower_is_better else difference > 0


OUTCOMES: dict[str, Outcome] = {o.name: o for o in (
    Outcome("failed", "failure share (dissolved or objectives missed)", "share", True, True),
    # About a tenth of the value an alliance creates at the defaults (45 to 67 units).
    Outcome("value_total", "value created", "value units", False, False, 5.0),
    Outcome("survived", "survival (not dissolved within the horizon)", "share", False, True),
    Outcome("objectives_met", "objectives met", "share", False, True),
)}
STRICT = ConfigDict(extra="forbid", strict=True)


class VerdictSpec(BaseModel):
    """The ``[verdict]`` table: what is compared, on what, and how it is shown."""

    model_config = STRICT

    modes: list[Literal[MANAGEMENT_MODES]] = Field(  # type: ignore[valid-type]
        default_factory=lambda: ["dedicated", "transversal", "hybrid"], min_length=2)
    outcomes: list[Literal[tuple(OUTCOMES)]] = Field(  # type: ignore[valid-type]
        default_factory=lambda: ["failed", "value_total", "survived"], min_length=1)
    decide_by: Literal[tuple(OUTCOMES)] = "failed"  # type: ignore[valid-type]
    confidence: float = Field(default=0.95, gt=0.5, lt=1.0)
    margin: float = Field(default=0.05, gt=0, lt=1, description="equivalence margin of the "
                          "share outcomes (failed, survived, objectives_met): two modes within "
                          "it of each other are equivalent")
    margins: dict[str, float] = Field(default_factory=dict, description="equivalence margins "
                                      "by outcome, in its unit (value_total: value units)")
    map_bins: int = Field(default=5, ge=2, le=12, description="cells per axis of the map "
                          "averaged over the design")
    map_levels: int = Field(default=7, ge=2, le=20, description="grid levels per axis of the "
                            "map with every other factor at its default")
    map_replicates: int = Field(default=32, ge=0, description="runs per mode at each point "
                                "of that map (0: no such map)")
    start_replicates: int = Field(default=8, ge=2, description="adaptive verdict: replicates "
                                  "per mode at every point in the first round")
    max_replicates: int = Field(default=256, ge=2, description="adaptive verdict: the most "
                                "replicates a point gets before it is left undecided")
    growth: int = Field(default=2, ge=2, description="adaptive verdict: each round multiplies "
                        "the replicates of the undecided points by this")
    metamodel: bool = Field(default=True, description="adaptive verdict: a Gaussian-process "
                            "metamodel over the design decides the points their own runs leave "
                            "open, when its cross-validation check passes")
    stop_share: float = Field(default=1.0, gt=0, le=1, description="adaptive verdict: stop "
                              "adding rounds once this share of the points is decided")
    prim_max_dims: int = Field(default=3, ge=1, le=10,
                               description="most factors a box of scenario discovery restricts")
    assumptions: list[str] = Field(
        default_factory=list, description="the varied factors that are assumptions of the "
        "model (the others are conditions of the alliance); a parameter set always is one")

    @model_validator(mode="after")
    def _consistent(self) -> VerdictSpec:
        if len(set(self.modes)) != len(self.modes):
            raise ValueError("modes are listed more than once")
        if len(set(self.outcomes)) != len(self.outcomes):
            raise ValueError("outcomes are listed more than once")
        for name, margin in self.margins.items():
            if name not in OUTCOMES:
                raise ValueError(f"margins: unknown outcome {name!r}; allowed: "
                                 f"{', '.join(OUTCOMES)}")
            if not margin > 0:
                raise ValueError(f"margins.{name} must be above 0, got {margin!r}")
        if self.start_replicates > self.max_replicates:
            raise ValueError(f"start_replicates ({self.start_replicates}) must be at most "
                             f"max_replicates ({self.max_replicates})")
        if self.decide_by not in self.outcomes:
            raise ValueError(f"decide_by {self.decide_by!r} must be one of the outcomes "
                             f"({', '.join(self.outcomes)})")
        return self


@dataclass(frozen=True)
class VerdictExperiment:
    """A verdict: its settings, and one sweep experiment per mode (same design and seeds)."""

    name: str
    source: str
    spec: VerdictSpec
    sweeps: dict[str, Experiment]
    data: dict[str, Any] = field(default_factory=dict, repr=False)  # the file, as read
    base_dir: str = "."
    allow_import: bool = False  # the classes the file names may be imported

    @property
    def first(self) -> Experiment:
        """The sweep of the first mode (they differ only in the mode)."""
        return next(iter(self.sweeps.values()))

    @property
    def outcomes(self) -> list[Outcome]:
        """The outcomes compared, in the file's order."""
        return [OUTCOMES[name] for name in self.spec.outcomes]

    @property
    def margins(self) -> dict[str, float]:
        """The equivalence margin of every outcome compared, in its unit."""
        spec = self.spec
        return {o.name: spec.margins.get(o.name, spec.margin if o.share else o.default_margin)
                for o in self.outcomes}

    @property
    def decider(self) -> Outcome:
        """The outcome whose verdict the maps and boxes show."""
        return OUTCOMES[self.spec.decide_by]

    def n_runs(self) -> int:
        """Runs of the global design: every mode's sweep."""
        return sum(e.n_runs() for e in self.sweeps.values())

    def n_map_runs(self) -> int:
        """Runs of the map at the defaults, at most (an axis over a choice, or over fewer
        whole numbers than levels, has fewer levels)."""
        return self.spec.map_levels ** 2 * self.spec.map_replicates * len(self.spec.modes)

    def map_sweeps(self, x: str, y: str) -> dict[str, Experiment]:
        """One sweep per mode of a grid over factors ``x`` and ``y``, every other factor at
        its default (or its value in [parameters]): the map at the defaults."""
        data = {k: v for k, v in self.data.items() if k != "parameter_sets"}
        vary = self.data["vary"]
        sweeps = {}
        for mode in self.spec.modes:
            spec = {**data, "name": f"{self.name}-map-{mode}",
                    "replicates": self.spec.map_replicates,
                    "parameters": {**data.get("parameters", {}), MODE: mode},
                    "vary": {x: vary[x], y: vary[y]},
                    "design": {"kind": "grid", "levels": self.spec.map_levels}}
            sweeps[mode] = experiment_from_dict(spec, source=self.source,
                                                base_dir=self.base_dir,
                                                allow_import=self.allow_import)
        return sweeps

    def is_assumption(self, factor: str) -> bool:
        """Whether a factor is an assumption of the model (else a condition of the alliance)."""
        return factor in self.spec.assumptions or factor == SET_FACTOR


def load_verdict(path: str | Path, *, allow_import: bool = False) -> VerdictExperiment:
    """Read and check a verdict experiment file; raise :class:`ExperimentError` if invalid.
    With ``allow_import`` the classes it names are imported, so that the parameters they
    declare can be varied."""
    return verdict_from_dict(read_experiment_toml(path), source=str(path),
                             base_dir=Path(path).parent, allow_import=allow_import)


def verdict_from_dict(data: dict[str, Any], source: str = "<verdict>",
                      base_dir: str | Path = ".", *, allow_import: bool = False
                      ) -> VerdictExperiment:
    """Build and check a verdict from a mapping shaped like its TOML file."""
    data = dict(data)
    table = data.pop("verdict", {})
    spec = _spec(table, source)
    _check_mode_free(data, source)
    name = data.get("name", "verdict")
    if not isinstance(name, str):  # it names the folders: never str() of a number
        raise ExperimentError(source, "name", f"must be text in quotes, got "
                                              f"{type(name).__name__} {shown(name)}; allowed: "
                                              "a plain folder name such as 'verdict'")
    check_folder_name(name, source)  # the report goes to results/<name>
    sweeps = {}
    for mode in spec.modes:
        per_mode = {**data, "name": f"{name}-{mode}",
                    "parameters": {**data.get("parameters", {}), MODE: mode}}
        sweeps[mode] = experiment_from_dict(per_mode, source=source, base_dir=base_dir,
                                            allow_import=allow_import)
    verdict = VerdictExperiment(name, source, spec, sweeps, data, str(base_dir), allow_import)
    _check_design(verdict)
    _check_assumptions(verdict)
    return verdict


def _spec(table: Any, source: str) -> VerdictSpec:
    if not isinstance(table, dict):
        raise ExperimentError(source, "verdict", "must be a table")
    try:
        return VerdictSpec.model_validate(table)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = "verdict" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}"
                                    for p in err["loc"])
        message = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            message = (f"unknown field {err['loc'][-1]!r}; allowed: "
                       f"{', '.join(VerdictSpec.model_fields)}")
        elif err["type"] == "literal_error":
            message = f"got {err.get('input')!r}; allowed: {err['ctx']['expected']}"
        raise ExperimentError(source, field, message) from None


def _check_mode_free(data: dict[str, Any], source: str) -> None:
    """The verdict sets the management mode itself; the file must leave it free."""
    for table in ("parameters", "vary"):
        if MODE in (data.get(table) or {}):
            raise ExperimentError(source, f"{table}.{MODE}",
                                  "the verdict runs every mode of [verdict] modes on the same "
                                  f"design; remove {MODE!r} from [{table}] and list the modes "
                                  "in [verdict] modes")


def _check_design(verdict: VerdictExperiment) -> None:
    experiment = verdict.first
    if experiment.design.kind not in INDEX_DESIGNS:
        raise ExperimentError(verdict.source, "design.kind",
                              f"the verdict needs a design with sensitivity indices; allowed: "
                              f"{', '.join(INDEX_DESIGNS)}, got {experiment.design.kind!r}")
    ranged, crossed = experiment.factors()
    if crossed:
        name = crossed[0].name
        raise ExperimentError(verdict.source, f"vary.{name}",
                              "the verdict compares the modes over one design, so every factor "
                              f"is sampled by it: give {name!r} as a range, or add "
                              "'sample = true' to sample its listed values")
    if len([f for f in ranged if f.name not in (SET_FACTOR, DUMMY)]) < 2:
        raise ExperimentError(verdict.source, "vary",
                              "the verdict's maps need at least two factors in [vary] "
                              "(besides a table of parameter sets)")


def _check_assumptions(verdict: VerdictExperiment) -> None:
    ranged, _ = verdict.first.factors()
    names = [f.name for f in ranged]
    for i, name in enumerate(verdict.spec.assumptions):
        if name not in names:
            raise ExperimentError(verdict.source, f"verdict.assumptions[{i}]",
                                  f"{name!r} is not a factor of [vary]; allowed: "
                                  f"{', '.join(names)}")
