"""Designs: which points of parameter space a sweep runs.

Ranged factors are sampled in the unit hypercube (scipy.stats.qmc for Latin hypercubes, SALib
for Sobol and Morris, so that SALib can analyse the results) and mapped onto each factor's
range; integer factors map uniformly onto their integers, and a list of values sampled by the
design (``sampled``: choices such as a sector mix) onto its values, each with an equal share of
the unit interval. Crossed factors (lists of values) multiply the design: point = combo *
samples_per_combo + sample.

Points are generated lazily, a block at a time (:meth:`Design.iter_points`), and the size of a
design is known without generating it (:func:`design_size`), so a huge design is refused
before anything is allocated. Grid and random designs and the crossing never hold more than a
block; Latin hypercube, Sobol and Morris samples are drawn as a whole by construction (one
sample per stratum, Saltelli's matrices, trajectories), bounded by the size limit.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

DESIGN_KINDS = ("grid", "random", "lhs", "sobol", "morris")
INDEX_KINDS = ("sobol", "morris")  # designs made for sensitivity indices
UNIT_PREFIX = "u_"
# A factor the design samples like any other but the model never sees: its sensitivity index
# is what replicate noise and estimation error alone give an index (SALib has no noise
# reference of its own), so an index that cannot be told from it shows no effect.
DUMMY = "dummy_factor"
BLOCK = 65_536  # design points generated at a time


@dataclass(frozen=True)
class Factor:
    """One varied parameter: a range sampled by the design, or values crossed with it."""

    name: str
    kind: str  # "float", "int" or "choice"
    low: float | None = None
    high: float | None = None
    values: tuple[Any, ...] | None = None
    sampled: bool = False  # listed values sampled by the design instead of crossed with it

    @property
    def ranged(self) -> bool:
        """Whether the design samples this factor (rather than crossing its values)."""
        return self.values is None or self.sampled

    @property
    def listed(self) -> bool:
        """Whether the factor takes listed values (levels, not a numeric range)."""
        return self.values is not None

    def from_unit(self, u: np.ndarray) -> np.ndarray:
        """Map unit-interval samples onto the factor's range (integers uniformly) or, for
        sampled listed values, onto the values, each with an equal share of [0, 1]."""
        if self.values is not None:
            index = np.minimum(np.floor(u * len(self.values)), len(self.values) - 1)
            return self._value_array()[index.astype(int)]
        assert self.low is not None and self.high is not None
        if self.kind == "int":
            # floor(low + u * (n_values)) gives each integer an equal share of [0, 1].
            n_values = int(self.high) - int(self.low) + 1
            return np.minimum(int(self.low) + np.floor(u * n_values), int(self.high)).astype(int)
        return self.low + u * (self.high - self.low)

    def grid_count(self, levels: int) -> int:
        """How many levels :meth:`grid_levels` gives, without making them."""
        if self.values is not None:  # sampled listed values: each value is a level
            return len(self.values)
        assert self.low is not None and self.high is not None
        if self.kind == "int":  # rounding merges levels closer than one apart
            return min(levels, int(self.high) - int(self.low) + 1)
        return levels

    def _value_array(self) -> np.ndarray:
        """The listed values as an array (text kept as Python objects)."""
        return np.asarray(self.values, dtype=object if self.kind == "choice" else None)

    def grid_levels(self, levels: int) -> list[Any]:
        """Evenly spaced levels across the range, endpoints included."""
        if self.values is not None:
            return list(self.values)
        values = self.grid_values(np.arange(self.grid_count(levels)), levels)
        return [int(v) for v in values] if self.kind == "int" else [float(v) for v in values]

    def grid_values(self, index: np.ndarray, levels: int) -> np.ndarray:
        """Level number ``index`` of ``levels`` evenly spaced ones (those of
        ``numpy.linspace``, to the last bit), computed without making the others; an integer
        factor keeps each whole number once, and listed values are their own levels."""
        if self.values is not None:
            return self._value_array()[index]
        assert self.low is not None and self.high is not None
        if self.kind == "int" and levels >= int(self.high) - int(self.low) + 1:
            return int(self.low) + index  # spacing of one or less: every integer, once
        if levels == 1:
            values = np.full(len(index), float(self.low))
        else:
            values = index * ((self.high - self.low) / (levels - 1)) + self.low
            values[index == levels - 1] = self.high
        return np.round(values).astype(int) if self.kind == "int" else values

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
                   tuple(values) if values is not None else None, data.get("sampled", False))


@dataclass
class Design:
    """The design points: one row per point, with its factor values.

    A design made by :func:`make_design` generates its points on demand; one read back from
    a results folder carries them (``stored``).
    """

    kind: str
    ranged: tuple[Factor, ...]
    crossed: tuple[Factor, ...]
    samples: int | None = None
    levels: int = 5
    second_order: bool = False
    seed: int | np.random.SeedSequence | None = None
    stored: pd.DataFrame | None = field(default=None, repr=False)
    _unit: np.ndarray | None = field(default=None, repr=False)

    @property
    def factors(self) -> tuple[Factor, ...]:
        """All factors, ranged first."""
        return self.ranged + self.crossed

    @property
    def model_factors(self) -> tuple[Factor, ...]:
        """The factors the model sees: all but the dummy factor."""
        return tuple(f for f in self.factors if f.name != DUMMY)

    @property
    def has_dummy(self) -> bool:
        """Whether the design samples a dummy factor (a noise reference for the indices)."""
        return any(f.name == DUMMY for f in self.ranged)

    @property
    def per_combo(self) -> int:
        """Design points for each combination of crossed values."""
        return numeric_size(self.kind, self.ranged, self.samples, self.levels,
                            self.second_order)

    @property
    def n_combos(self) -> int:
        """Number of combinations of crossed values."""
        return math.prod(len(f.values or ()) for f in self.crossed)

    @property
    def n_points(self) -> int:
        """Number of design points (crossed combinations included)."""
        if self.stored is not None:
            return len(self.stored)
        return self.per_combo * self.n_combos

    @property
    def points(self) -> pd.DataFrame:
        """Every point as one DataFrame (point, combo, sample, factor values, unit
        coordinates); for analysis and small designs: a sweep reads :meth:`iter_points`."""
        if self.stored is None:
            import pandas as pd

            blocks = list(self.iter_points())
            self.stored = pd.concat(blocks, ignore_index=True) if len(blocks) > 1 else blocks[0]
        return self.stored

    def iter_points(self, block: int = BLOCK) -> Iterator[pd.DataFrame]:
        """The points in order, ``block`` rows at a time."""
        if self.stored is not None:
            for start in range(0, max(len(self.stored), 1), block):
                yield self.stored.iloc[start:start + block]
            return
        n = self.per_combo
        combos = list(itertools.product(*(f.values or () for f in self.crossed)))
        for c, combo in enumerate(combos):
            numeric = self._numeric_blocks(n, block)
            for start, frame in numeric:
                for factor, value in zip(self.crossed, combo, strict=True):
                    frame[factor.name] = value
                frame.insert(0, "sample", np.arange(start, start + len(frame)))
                frame.insert(0, "combo", c)
                frame.insert(0, "point", np.arange(c * n + start, c * n + start + len(frame)))
                yield frame

    def _numeric_blocks(self, n: int, block: int) -> Iterator[tuple[int, pd.DataFrame]]:
        """(first sample, frame of ranged values) for samples 0..n-1, ``block`` at a time."""
        import pandas as pd

        if self.kind == "grid" and not self.ranged:  # only listed values: one empty point
            yield 0, pd.DataFrame(index=pd.RangeIndex(1))
            return
        if self.kind == "grid":
            shape = tuple(f.grid_count(self.levels) for f in self.ranged)
            for start in range(0, n, block):
                stop = min(start + block, n)
                index = np.unravel_index(np.arange(start, stop), shape)
                frame = pd.DataFrame({f.name: f.grid_values(i, self.levels)
                                      for f, i in zip(self.ranged, index, strict=True)},
                                     index=pd.RangeIndex(stop - start))
                yield start, frame
            return
        rng = np.random.default_rng(self.seed)  # the same stream for every combination
        for start in range(0, n, block):
            stop = min(start + block, n)
            if self.kind == "random":
                unit = rng.random((stop - start, len(self.ranged)))
            else:
                unit = self._whole_unit()[start:stop]
            yield start, _unit_frame(self.ranged, unit)

    def _whole_unit(self) -> np.ndarray:
        """Samples in [0, 1]^d of the designs that draw them all at once."""
        if self._unit is None:
            assert self.samples is not None
            rng = np.random.default_rng(self.seed)
            self._unit = _unit_samples(self.kind, len(self.ranged), self.samples,
                                       self.levels, self.second_order, rng)
        return self._unit

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
    def from_summary(cls, summary: dict[str, Any], points: pd.DataFrame | None = None,
                     seed: int | None = None) -> Design:
        """Rebuild a design from :meth:`summary`: with its stored points, or (given the root
        ``seed`` it was drawn from) generating them again, which gives the same points."""
        return cls(
            kind=summary["kind"],
            ranged=tuple(Factor.from_dict(f) for f in summary["ranged"]),
            crossed=tuple(Factor.from_dict(f) for f in summary["crossed"]),
            samples=summary.get("samples"),
            levels=summary.get("levels", 5),
            second_order=summary.get("second_order", False),
            seed=seed,
            stored=points,
        )


def dummy_factor() -> Factor:
    """The dummy factor: a unit range the design samples and the model ignores."""
    return Factor(DUMMY, "float", low=0.0, high=1.0)


def numeric_size(kind: str, ranged: tuple[Factor, ...] | list[Factor], samples: int | None,
                 levels: int, second_order: bool) -> int:
    """Design points per combination of crossed values, computed without drawing them."""
    d = len(ranged)
    if kind == "grid":
        return math.prod(f.grid_count(levels) for f in ranged)
    assert samples is not None
    if kind == "sobol":  # Saltelli: A, B and one (or two) mixed matrices per factor
        return samples * ((2 * d + 2) if second_order else (d + 2))
    if kind == "morris":
        return samples * (d + 1)
    return samples


def design_size(kind: str, ranged: tuple[Factor, ...] | list[Factor],
                crossed: tuple[Factor, ...] | list[Factor], *, samples: int | None = None,
                levels: int = 5, second_order: bool = False) -> int:
    """How many points :func:`make_design` would give, without making any."""
    combos = math.prod(len(f.values or ()) for f in crossed)
    return numeric_size(kind, tuple(ranged), samples, levels, second_order) * combos


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
    """A design of the given kind (see :data:`DESIGN_KINDS`); its points are drawn on demand.

    ``seed`` drives the random, lhs, sobol (scrambling) and morris samplers; the same seed
    always gives the same points.
    """
    if kind not in DESIGN_KINDS:
        raise ValueError(f"unknown design {kind!r}; allowed: {', '.join(DESIGN_KINDS)}")
    if kind != "grid" and samples is None:
        raise ValueError(f"the {kind!r} design needs a number of samples")
    return Design(kind, tuple(ranged), tuple(crossed), samples, levels, second_order, seed)


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
    import pandas as pd

    columns: dict[str, Any] = {}
    for j, factor in enumerate(ranged):
        columns[factor.name] = factor.from_unit(unit[:, j])
    for j, factor in enumerate(ranged):
        columns[UNIT_PREFIX + factor.name] = unit[:, j]
    return pd.DataFrame(columns, index=pd.RangeIndex(len(unit)))
