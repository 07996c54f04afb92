"""Targets files: what a calibration matches, which parameters it searches, and how.

A targets file is read by ``alliancesim calibrate`` (and by ``experiments/calibrate.py``,
whose ``experiments/calibration.toml`` is one)::

    name = "my_calibration"
    seed = 7
    replicates = 20           # runs per design point and management mode
    horizon = 120             # optional, as in experiment files; so are scenario and [parameters]

    [population]              # how the alliances the data describe divide between the modes
    modes = { dedicated = 0.3, transversal = 0.3, hybrid = 0.2, none = 0.2 }

    [vary]                    # the parameters searched, each over a range
    conflict_rate = { low = 0.02, high = 0.09 }

    [design]
    samples = 200             # Latin hypercube points of the first wave
    waves = 1                 # later waves search the box the plausible points of the last span
    cutoff = 3.0              # implausibility above which a point is ruled out

    [[pattern]]
    name = "failure"
    statistic = "failure_share"       # one of STATISTICS, or:
    # column = "value_total"          # an outcome column, with
    # aggregate = "mean"              # mean, share (runs where it is not zero) or quantile
    # q = 0.5                         # (the quantile's level)
    target = 0.5
    variance = 0.0025                 # observation variance of the target
    discrepancy_variance = 0.0019     # optional: how far the model's reading may sit from it
    source = "Harrigan 1988"

Every pattern is measured on formed alliances (from the month their partners agree), the
management modes pooled with the ``[population]`` weights. The file is checked like an
experiment file: one :class:`TargetsError` naming the file, the field and what is allowed.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictFloat,
    StrictInt,
    StrictStr,
    ValidationError,
)

from alliancesim.bounds import shown
from alliancesim.params import MANAGEMENT_MODES, PARAMETERS_BY_NAME, suggest
from alliancesim.sweeps.experiment import (
    PLAIN_MESSAGES,
    Experiment,
    ExperimentError,
    check_folder_name,
    experiment_from_dict,
    known_outcomes,
)
from alliancesim.tomlfile import TomlFileError, read_toml
from alliancesim.validation.mixture import MODE_COLUMN, Mix
from alliancesim.validation.patterns import (
    AGGREGATES,
    STATISTICS,
    Pattern,
    column_statistic,
)

STRICT = ConfigDict(extra="forbid", strict=True)
Number = StrictInt | StrictFloat
DEFAULT_CUTOFF = 3.0  # Pukelsheim's three-sigma rule (Vernon, Goldstein & Bower 2010)
MAX_WAVES = 10
# Columns the plausible sets have besides the patterns' (a pattern named like one, or like a
# parameter, would be read back as something it is not).
RESERVED = {"point", "wave", "accepted", "I_max", "distance", "representative"}


class TargetsError(ExperimentError):
    """A targets file is invalid: names the file, the field and what is allowed."""


class PatternSpec(BaseModel):
    """One ``[[pattern]]`` table: what is measured, its target and its uncertainty."""

    model_config = STRICT

    name: StrictStr = Field(min_length=1)
    description: StrictStr = ""
    statistic: StrictStr | None = None
    column: StrictStr | None = None
    aggregate: StrictStr | None = None
    q: Number | None = None
    target: Number
    variance: Number | None = Field(default=None, description="observation variance")
    discrepancy_variance: Number = 0.0
    source: StrictStr = ""
    uncertainty: StrictStr = ""


class PopulationSpec(BaseModel):
    """The ``[population]`` table: the management modes' shares among the alliances."""

    model_config = STRICT

    modes: dict[str, Number] = Field(min_length=1)
    reason: StrictStr = "the mix the targets file gives"


class CalibrationDesignSpec(BaseModel):
    """The ``[design]`` table of a targets file."""

    model_config = STRICT

    kind: Literal["lhs"] = "lhs"
    samples: StrictInt = Field(ge=2, description="design points of each wave")
    waves: StrictInt = Field(default=1, ge=1, le=MAX_WAVES)
    cutoff: Number = Field(default=DEFAULT_CUTOFF, gt=0)


class TargetsFile(BaseModel):
    """A targets file as written (checked against the parameters afterwards)."""

    model_config = STRICT

    name: StrictStr = "calibration"
    description: StrictStr = ""
    seed: StrictInt = Field(ge=0)
    replicates: StrictInt = Field(default=20, ge=2)
    horizon: StrictInt | None = None
    scenario: StrictStr | None = None
    parameters: dict[str, StrictInt | StrictFloat | StrictStr] = Field(default_factory=dict)
    population: PopulationSpec
    vary: dict[str, Any] = Field(min_length=1)
    design: CalibrationDesignSpec
    pattern: list[PatternSpec] = Field(min_length=1)
    limits: dict[str, Any] | None = None


@dataclass(frozen=True)
class Calibration:
    """A checked targets file: patterns, mix, searched ranges and the sweeps' settings."""

    name: str
    source: str
    base_dir: str
    spec: TargetsFile
    patterns: tuple[Pattern, ...]
    mix: Mix
    ranges: dict[str, tuple[float, float]] = field(default_factory=dict)

    @property
    def seed(self) -> int:
        """The root seed of the first wave."""
        return self.spec.seed

    @property
    def cutoff(self) -> float:
        """The implausibility above which a point is ruled out."""
        return float(self.spec.design.cutoff)

    def wave_seed(self, wave: int) -> int:
        """Root seed of wave ``wave`` (1 for the first): the file's seed, then seeds drawn
        from it by SeedSequence, so that every wave has fresh runs."""
        if wave == 1:
            return self.seed
        return int(np.random.SeedSequence([self.seed, wave]).generate_state(1)[0])

    def mode_experiments(self, wave: int = 1,
                         ranges: dict[str, tuple[float, float]] | None = None
                         ) -> dict[str, Experiment]:
        """One sweep per mode of the mix: the same design and seeds, the mode fixed; over
        ``ranges`` (default: the file's) with wave ``wave``'s seed."""
        data = self._experiment_data(wave, ranges)
        return {mode: experiment_from_dict(
                    {**data, "name": f"{data['name']}-{mode}",
                     "parameters": {**data["parameters"], MODE_COLUMN: mode}},
                    source=self.source, base_dir=self.base_dir)
                for mode in self.mix.modes}

    def _experiment_data(self, wave: int, ranges: dict[str, tuple[float, float]] | None
                         ) -> dict[str, Any]:
        spec = self.spec
        data: dict[str, Any] = {
            "name": spec.name, "description": spec.description, "seed": self.wave_seed(wave),
            "replicates": spec.replicates, "parameters": dict(spec.parameters),
            "vary": spec.vary if ranges is None else _vary_of(ranges),
            "design": {"kind": spec.design.kind, "samples": spec.design.samples},
            "record": {"steps": False},
        }
        for key in ("horizon", "scenario", "limits"):
            if getattr(spec, key) is not None:
                data[key] = getattr(spec, key)
        return data


def _vary_of(ranges: dict[str, tuple[float, float]]) -> dict[str, dict[str, float | int]]:
    """A [vary] table over ``ranges`` (whole-number bounds for integer parameters)."""
    vary: dict[str, dict[str, float | int]] = {}
    for name, (low, high) in ranges.items():
        if PARAMETERS_BY_NAME[name].kind == "int":
            vary[name] = {"low": math.floor(low), "high": math.ceil(high)}
        else:
            vary[name] = {"low": float(low), "high": float(high)}
    return vary


# --- loading ------------------------------------------------------------------------------
def load_targets(path: str | Path) -> Calibration:
    """Read and check a targets file; raise :class:`TargetsError` if it is invalid."""
    path = Path(path)
    try:
        data = read_toml(path)
    except TomlFileError as exc:
        raise TargetsError(str(path), None, "targets file not found" if exc.missing
                           else exc.reason) from None
    data.setdefault("name", path.stem)
    return targets_from_dict(data, source=str(path), base_dir=path.parent)


def targets_from_dict(data: dict[str, Any], source: str = "<targets>",
                      base_dir: str | Path = ".") -> Calibration:
    """Build and check a calibration from a mapping shaped like a targets file."""
    try:
        spec = TargetsFile.model_validate(data)
    except ValidationError as exc:
        raise _first_error(exc, source) from None
    try:
        check_folder_name(spec.name, source)
    except ExperimentError as exc:
        raise TargetsError(source, exc.field, exc.message) from None
    mix = _mix(spec.population, source)
    _check_vary(spec, source)
    patterns = tuple(_pattern(p, i, source) for i, p in enumerate(spec.pattern, start=1))
    names = [p.key for p in patterns]
    for i, name in enumerate(names, start=1):
        if name in PARAMETERS_BY_NAME or name in RESERVED:
            raise TargetsError(source, f"pattern[{i}].name", f"{name!r} names a parameter or "
                               "a column of the plausible sets; allowed: another name")
        if names.index(name) != i - 1:
            raise TargetsError(source, f"pattern[{i}].name",
                               f"{name!r} names two patterns; allowed: a name per pattern")
    calibration = Calibration(spec.name, source, str(base_dir), spec, patterns, mix)
    try:  # the sweeps themselves: parameter names, ranges, scenario, limits
        calibration.mode_experiments()
    except ExperimentError as exc:
        raise TargetsError(source, exc.field, exc.message) from None
    ranges = {n: (float(v["low"]), float(v["high"])) for n, v in spec.vary.items()}
    return dataclasses.replace(calibration, ranges=ranges)


def _first_error(exc: ValidationError, source: str) -> TargetsError:
    """pydantic's first complaint as one line naming the field, in the file's words."""
    err = exc.errors()[0]
    loc = [part for part in err["loc"] if str(part) not in ("int", "float", "str")]
    field = "".join(f"[{p + 1}]" if isinstance(p, int) else f".{p}" for p in loc).lstrip(".")
    message = err["msg"].removeprefix("Value error, ")
    got = err.get("input")
    union = len(loc) < len(err["loc"])  # a number may be whole or not
    bounds = {"greater_than_equal": "at least {ge}", "less_than_equal": "at most {le}",
              "greater_than": "above {gt}"}
    if err["type"] in ("int_type", "float_type") and union:
        message = f"must be a number, got {type(got).__name__} {shown(got)}"
    elif err["type"] in PLAIN_MESSAGES:
        message = f"{PLAIN_MESSAGES[err['type']]}, got {type(got).__name__} {shown(got)}"
    elif err["type"] in bounds:
        allowed = bounds[err["type"]].format(**err["ctx"])
        message = f"{shown(got)} is not allowed; allowed: {allowed}"
    elif err["type"] == "too_short":
        message = "must not be empty"
    elif err["type"] == "missing":
        message = "this field is required"
    elif err["type"] == "extra_forbidden":
        message = f"unknown field {shown(str(loc[-1]))}; allowed: {_allowed_at(loc[:-1])}"
    elif err["type"] == "literal_error":
        message = f"{shown(err.get('input'))} is not allowed; allowed: {err['ctx']['expected']}"
    return TargetsError(source, field or None, message)


def _allowed_at(loc: list[Any]) -> str:
    """The fields allowed in the table at ``loc``."""
    tables: dict[str, type[BaseModel]] = {"population": PopulationSpec,
                                          "design": CalibrationDesignSpec,
                                          "pattern": PatternSpec}
    model = tables.get(str(loc[0]), TargetsFile) if loc else TargetsFile
    return ", ".join(model.model_fields)


def _mix(population: PopulationSpec, source: str) -> Mix:
    """The mix of management modes, its weights checked."""
    for mode, weight in population.modes.items():
        if mode not in MANAGEMENT_MODES:
            raise TargetsError(source, f"population.modes.{mode}",
                               f"unknown management mode {mode!r}; allowed: "
                               f"{', '.join(MANAGEMENT_MODES)}")
        if weight < 0:
            raise TargetsError(source, f"population.modes.{mode}",
                               f"a share cannot be negative, got {weight!r}")
    total = sum(population.modes.values())
    if not math.isclose(total, 1.0, abs_tol=1e-9):
        raise TargetsError(source, "population.modes",
                           f"the shares sum to {total:g}; allowed: shares that sum to 1")
    if not any(w > 0 for w in population.modes.values()):
        raise TargetsError(source, "population.modes", "no mode has a positive share")
    return Mix("targets file", {m: float(w) for m, w in population.modes.items()},
               population.reason)


def _check_vary(spec: TargetsFile, source: str) -> None:
    """Every searched parameter is a number given as a range (the search is in a box)."""
    for name, value in spec.vary.items():
        where = f"vary.{name}"
        param = PARAMETERS_BY_NAME.get(name)
        if param is None:
            raise TargetsError(source, where, f"unknown parameter {name!r}.{suggest(name)}")
        if name == MODE_COLUMN:
            raise TargetsError(source, where, "the management modes are set by "
                               "[population] modes; allowed: numeric parameters")
        if param.kind == "choice":
            raise TargetsError(source, where, f"{name!r} is a choice parameter; a "
                               "calibration searches numbers: fix it in [parameters]")
        if not isinstance(value, dict) or set(value) != {"low", "high"}:
            raise TargetsError(source, where, f"must be a range {{ low = ..., high = ... }}, "
                               f"got {shown(value)}")
    if MODE_COLUMN in spec.parameters:
        raise TargetsError(source, f"parameters.{MODE_COLUMN}", "the management modes are set "
                           "by [population] modes; remove it from [parameters]")


def _pattern(p: PatternSpec, index: int, source: str) -> Pattern:
    """A checked ``[[pattern]]`` table as a :class:`Pattern`."""
    where = f"pattern[{index}]"
    if (p.statistic is None) == (p.column is None):
        raise TargetsError(source, where, "give either 'statistic' (one of "
                           f"{', '.join(STATISTICS)}) or 'column' with 'aggregate', not "
                           f"{'both' if p.statistic else 'neither'}")
    for key in ("variance", "discrepancy_variance"):
        if (getattr(p, key) or 0) < 0:
            raise TargetsError(source, f"{where}.{key}", "a variance cannot be negative")
    if p.statistic is not None:
        return _statistic_pattern(p, where, source)
    return _column_pattern(p, where, source)


def _statistic_pattern(p: PatternSpec, where: str, source: str) -> Pattern:
    info = STATISTICS.get(p.statistic or "")
    if info is None:
        raise TargetsError(source, f"{where}.statistic",
                           f"unknown statistic {shown(p.statistic)}."
                           f"{suggest(p.statistic or '', list(STATISTICS))} Allowed: "
                           f"{', '.join(STATISTICS)} (or 'column' with 'aggregate')")
    for key in ("aggregate", "q"):
        if getattr(p, key) is not None:
            raise TargetsError(source, f"{where}.{key}", "belongs to a pattern on a 'column'")
    if info.unit == "yes/no":
        if p.target != 1:
            raise TargetsError(source, f"{where}.target", f"{info.name} is a yes/no pattern: "
                               "its target is 1 (yes)")
        variance = p.variance or 0.0
    else:
        variance = _positive_variance(p, where, source)
        if info.unit == "share" and not 0 <= p.target <= 1:
            raise TargetsError(source, f"{where}.target", f"{info.name} is a share: allowed "
                               f"0 to 1, got {p.target!r}")
    return Pattern(p.name, p.description or info.meaning, float(p.target),
                   math.sqrt(variance), math.sqrt(p.discrepancy_variance), info.unit,
                   p.source, info.function, p.uncertainty)


def _column_pattern(p: PatternSpec, where: str, source: str) -> Pattern:
    column = p.column or ""
    known = known_outcomes()
    if column not in known:
        raise TargetsError(source, f"{where}.column",
                           f"unknown outcome column {shown(column)}.{suggest(column, known)} "
                           f"Allowed: {', '.join(known)}")
    if p.aggregate not in AGGREGATES:
        raise TargetsError(source, f"{where}.aggregate",
                           f"{'missing' if p.aggregate is None else shown(p.aggregate)}; "
                           f"allowed: {', '.join(AGGREGATES)}")
    q = 0.5
    if p.aggregate == "quantile":
        if p.q is None or not 0 < p.q < 1:
            raise TargetsError(source, f"{where}.q", "a quantile needs its level q, between "
                               f"0 and 1 (0.5: the median), got {shown(p.q)}")
        q = float(p.q)
    elif p.q is not None:
        raise TargetsError(source, f"{where}.q", "belongs to aggregate = \"quantile\"")
    unit = "share" if p.aggregate == "share" else "value"
    if unit == "share" and not 0 <= p.target <= 1:
        raise TargetsError(source, f"{where}.target", f"a share: allowed 0 to 1, got "
                           f"{p.target!r}")
    variance = _positive_variance(p, where, source)
    label = f"{p.aggregate} of {column}" + (f" (q = {q:g})" if p.aggregate == "quantile"
                                             else "")
    return Pattern(p.name, p.description or label, float(p.target), math.sqrt(variance),
                   math.sqrt(p.discrepancy_variance), unit, p.source,
                   column_statistic(column, p.aggregate, q), p.uncertainty, column=column)


def _positive_variance(p: PatternSpec, where: str, source: str) -> float:
    if p.variance is None:
        raise TargetsError(source, f"{where}.variance", "this field is required: the "
                           "observation variance of the target (its standard error squared)")
    if p.variance + p.discrepancy_variance <= 0:
        raise TargetsError(source, f"{where}.variance", "must be above 0 (with "
                           "discrepancy_variance): a target without uncertainty rules out "
                           "every point")
    return float(p.variance)
