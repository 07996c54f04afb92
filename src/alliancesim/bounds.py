"""The one check of every size an input can ask for: runs, samples, replicates, months,
members, network months, country weights, and the bytes of a file read whole.

Files, command-line options and the Python API all go through :func:`check_count` (or the
helpers built on it), so a size is refused in the same words wherever it comes from, and
before anything is allocated: a request for 10^18 runs must end in one line naming the
limit, not in numpy failing to allocate an exabyte.
"""

from __future__ import annotations

import numbers
from typing import Any

from alliancesim.params.definitions import PARAMETERS_BY_NAME

# Runs of one command (a sweep's points x replicates, a comparison's scenarios x
# replicates): the default limit, which an experiment's [limits] runs may raise up to the
# ceiling. Above the ceiling the bookkeeping alone (one flag per run, the design held whole
# for Latin hypercube, Sobol and Morris) no longer fits in the memory of a workstation.
DEFAULT_MAX_RUNS = 1_000_000
MAX_RUNS_CEILING = 100_000_000
# Design samples (random/lhs points, Sobol's base sample, Morris trajectories): 2^20, so
# that the largest allowed Sobol sample is still a power of 2.
MAX_SAMPLES = 2**20
# Months: the longest horizon a run may have (the ``horizon`` parameter's upper bound).
MAX_MONTH = int(PARAMETERS_BY_NAME["horizon"].high or 0)
# A country's weight in a mix: large enough for any share, small enough that the sum of
# every weight stays a finite float.
MAX_COUNTRY_WEIGHT = 1e9
# A scenario or experiment file is read whole: a few kilobytes in practice.
MAX_FILE_BYTES = 1_000_000
# How much of a value an error message shows.
SHOWN_CHARACTERS = 60


class SizeError(ValueError):
    """A size outside what is allowed; ``name`` is the field or option it came from."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(f"{name}: {message}")
        self.name = name
        self.message = message


def shown(value: Any, limit: int = SHOWN_CHARACTERS) -> str:
    """``repr(value)``, cut to ``limit`` characters (a 2 MB name is not echoed back)."""
    text = repr(value)
    if len(text) <= limit:
        return text
    return f"{text[:limit - 3]}... ({len(text):,} characters)"


def shortened(text: str, limit: int = SHOWN_CHARACTERS) -> str:
    """``text`` cut to ``limit`` characters, saying so when it was cut."""
    return text if len(text) <= limit else f"{text[:limit - 3]}..."


def check_count(name: str, value: Any, high: int, *, low: int = 1) -> int:
    """``value`` if it is a whole number (not a bool, not a float) from ``low`` to
    ``high``; else :class:`SizeError` naming ``name`` and the allowed range."""
    allowed = f"allowed: a whole number from {low:,} to {high:,}"
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise SizeError(name, f"must be a whole number, got {type(value).__name__} "
                              f"{shown(value)}; {allowed}")
    if not low <= value <= high:
        raise SizeError(name, f"{int(value):,} is outside the limit; {allowed}")
    return int(value)


def check_month(name: str, value: Any, *, low: int = 0, horizon: int = MAX_MONTH) -> int:
    """A month from ``low`` to ``horizon`` (0 is the founders' start)."""
    return check_count(name, value, horizon, low=low)


def check_months(name: str, values: Any, *, horizon: int = MAX_MONTH) -> tuple[int, ...]:
    """Months at which to keep something (network months), each from 0 to ``horizon``,
    sorted and without repeats."""
    if isinstance(values, str | bytes) or not hasattr(values, "__iter__"):
        raise SizeError(name, f"must be a list of months, got {type(values).__name__} "
                              f"{shown(values)}; allowed: whole numbers from 0 to {horizon}")
    return tuple(sorted({check_month(name, v, horizon=horizon) for v in values}))


def check_runs(runs: int, limit: int = DEFAULT_MAX_RUNS, *, what: str) -> None:
    """Refuse ``runs`` above ``limit``; ``what`` says how they were counted (``4 scenarios
    x 1,000,000,000 replicates``)."""
    if runs > limit:
        raise SizeError("runs", f"{what} = {runs:,} runs, above the limit of {limit:,} runs")


def max_replicates(arms: int, limit: int = DEFAULT_MAX_RUNS) -> int:
    """The most replicates ``arms`` scenarios (or modes) may run within ``limit`` runs."""
    return max(1, limit // max(1, arms))


def check_replicates(name: str, replicates: Any, arms: int, *, low: int = 1,
                     limit: int = DEFAULT_MAX_RUNS) -> int:
    """Replicates per scenario (or mode) of a comparison: a whole number from ``low`` such
    that ``arms`` x replicates stays within ``limit`` runs."""
    most = max_replicates(arms, limit)
    if isinstance(replicates, numbers.Integral) and not isinstance(replicates, bool) \
            and replicates > most:
        raise SizeError(name, f"{arms} x {int(replicates):,} replicates = "
                              f"{int(replicates) * arms:,} runs, above the limit of "
                              f"{limit:,} runs; allowed: {low:,} to {most:,}")
    return check_count(name, replicates, max(most, low), low=low)
