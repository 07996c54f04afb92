"""Designs: which points of parameter space a sweep runs.

Ranged factors are sampled in the unit hypercube (scipy.stats.qmc for Latin hypercubes, SALib
for Sobol and Morris, so that SALib can analyse the results) and mapped onto each factor's
range; integer factors map uniformly onto their integers. Crossed factors (lists of values)
multiply the design: point = combo * samples_per_combo + sample.
"""

from __future__ import annotations

import itertools
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

DESIGN_KINDS = ("grid", "random", "lhs", "sobol", "morris")
UNIT_PREFIX = "u_"


@dataclass(frozen=True)
class Factor:
    """One varied parameter: a range sampled by the design, or values crossed with it."""

    name: str
    kind: str  # "float", "int" or "choice"
    low: float | None = None
    high: float | None = None
    values: tuple[Any, ...] | None = None

    @property
    def ranged(self) -> bool:
        """Whether the design samples this factor (rather than crossing its values)."""
        return self.values is None

    def from_unit(self, u: np.ndarray) -> np.ndarray:
        """Map unit-interval samples onto the factor's range (integers uniformly)."""
        assert self.low is not None and self.high is not None
        if self.kind == "int":
            # floor(low + u * (n_values)) gives each integer an equal share of [0, 1].
            n_values = int(self.high) - int(self.low) + 1
            return np.minimum(int(self.low) + np.floor(u * n_values), int(self.high)).astype(int)
        return self.low + u * (self.high - self.low)

    def grid_levels(self, levels: int) -> list[Any]:
        """Evenly spaced levels across the range, endpoints included."""
        assert self.low is not None and self.high is not None
        points = np.linspace(self.low, self.high, levels)
        if self.kind == "int":
            return sorted({round(float(x)) for x in points})
        return [float(x) for x in points]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-friendly form for the manifest."""
        data = asdict(self)
        data["values"] = list(self.values) if self.values is not None else None
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Factor:
        """Inverse of :meth:`to_dict`."""
        values = data.get("values")
        return cls(data["name"], data["kind"], data.get("low"), data.get("high"),
                   tuple(values) if values is not None else None)


@dataclass
class Design:
    """The design points: one row per point, with its factor values."""

    kind: str
    ranged: tuple[Factor, ...]
    crossed: tuple[Factor, ...]
    points: pd.DataFrame  # point, combo, sample, <factor values>, u_<ranged factor>
    samples: int | None = None
    levels: int = 5
    second_order: bool = False

    @property
    def factors(self) -> tuple[Factor, ...]:
        """All factors, ranged first."""
        return self.ranged + self.crossed

    @property
    def n_points(self) -> int:
        """Number of design points (crossed combinations included)."""
        return len(self.points)

    @property
    def n_combos(self) -> int:
        """Number of combinations of crossed values."""
        return int(self.points["combo"].max()) + 1 if len(self.points) else 0

    def problem(self) -> dict[str, Any]:
        """The SALib problem over the ranged factors, in unit coordinates."""
        return {
            "num_vars": len(self.ranged),
            "names": [f.name for f in self.ranged],
            "bounds": [[0.0, 1.0]] * len(self.ranged),
        }

    def summary(self) -> dict[str, Any]:
        """A JSON-friendly description for the manifest."""
        return {
            "kind": self.kind,
            "samples": self.samples,
            "levels": self.levels,
            "second_order": self.second_order,
            "ranged": [f.to_dict() for f in self.ranged],
            "crossed": [f.to_dict() for f in self.crossed],
            "points": self.n_points,
            "combos": self.n_combos,
        }

    @classmethod
    def from_summary(cls, summary: dict[str, Any], points: pd.DataFrame) -> Design:
        """Rebuild a design from :meth:`summary` and its stored points."""
        return cls(
            kind=summary["kind"],
            ranged=tuple(Factor.from_dict(f) for f in summary["ranged"]),
            crossed=tuple(Factor.from_dict(f) for f in summary["crossed"]),
            points=points,
            samples=summary.get("samples"),
            levels=summary.get("levels", 5),
            second_order=summary.get("second_order", False),
        )


def make_design(
    kind: str,
    ranged: list[Factor] | tuple[Factor, ...],
    crossed: list[Factor] | tuple[Factor, ...] = (),
    *,
    samples: int | None = None,
    levels: int = 5,
    second_order: bool = False,
    seed: int | np.random.SeedSequence = 0,
) -> Design:
    """Build a design of the given kind (see :data:`DESIGN_KINDS`).

    ``seed`` drives the random, lhs, sobol (scrambling) and morris samplers; the same seed
    always gives the same points.
    """
    if kind not in DESIGN_KINDS:
        raise ValueError(f"unknown design {kind!r}; allowed: {', '.join(DESIGN_KINDS)}")
    ranged, crossed = tuple(ranged), tuple(crossed)
    rng = np.random.default_rng(seed)
    if kind == "grid":
        numeric = _grid_frame(ranged, levels)
    else:
        if samples is None:
            raise ValueError(f"the {kind!r} design needs a number of samples")
        unit = _unit_samples(kind, len(ranged), samples, levels, second_order, rng)
        numeric = _unit_frame(ranged, unit)
    points = _cross(numeric, crossed)
    return Design(kind, ranged, crossed, points, samples, levels, second_order)


def _unit_samples(
    kind: str, d: int, samples: int, levels: int, second_order: bool, rng: np.random.Generator
) -> np.ndarray:
    """Samples in [0, 1]^d for the continuous designs."""
    # The samplers are imported here: scipy.stats and SALib take half a second to load, and
    # grid and random designs (and every worker process) do without them.
    if kind == "random":
        return rng.random((samples, d))
    if kind == "lhs":
        from scipy.stats import qmc

        return qmc.LatinHypercube(d, rng=rng).random(samples)
    from SALib.sample import morris as morris_sample
    from SALib.sample import sobol as sobol_sample

    problem = {"num_vars": d, "names": [f"x{i}" for i in range(d)], "bounds": [[0.0, 1.0]] * d}
    if kind == "sobol":
        return sobol_sample.sample(problem, samples, calc_second_order=second_order, seed=rng)
    return morris_sample.sample(problem, samples, num_levels=levels, seed=rng)


def _unit_frame(ranged: tuple[Factor, ...], unit: np.ndarray) -> pd.DataFrame:
    """Factor values (and the unit coordinates they came from) for each sample."""
    columns: dict[str, Any] = {}
    for j, factor in enumerate(ranged):
        columns[factor.name] = factor.from_unit(unit[:, j])
    for j, factor in enumerate(ranged):
        columns[UNIT_PREFIX + factor.name] = unit[:, j]
    return pd.DataFrame(columns, index=pd.RangeIndex(len(unit)))


def _grid_frame(ranged: tuple[Factor, ...], levels: int) -> pd.DataFrame:
    """Every combination of the ranged factors' evenly spaced levels."""
    axes = [factor.grid_levels(levels) for factor in ranged]
    rows = list(itertools.product(*axes))
    return pd.DataFrame(rows, columns=[f.name for f in ranged], index=pd.RangeIndex(len(rows)))


def _cross(numeric: pd.DataFrame, crossed: tuple[Factor, ...]) -> pd.DataFrame:
    """Repeat the numeric design for every combination of crossed values."""
    combos = list(itertools.product(*(f.values or () for f in crossed)))
    n = len(numeric)
    frames = []
    for c, combo in enumerate(combos):
        block = numeric.copy()
        for factor, value in zip(crossed, combo, strict=True):
            block[factor.name] = value
        block.insert(0, "sample", np.arange(n))
        block.insert(0, "combo", c)
        frames.append(block)
    points = pd.concat(frames, ignore_index=True) if frames else numeric
    points.insert(0, "point", np.arange(len(points)))
    return points

