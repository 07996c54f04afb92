"""Constraints between parameters, declared once.

Each parameter's own range lives in :mod:`alliancesim.params.definitions`; what a pair of
parameters must satisfy together lives here. Model validation (:func:`check_constraints`),
scenario files (through :func:`~alliancesim.params.validate_parameters`) and experiment files
(:func:`constraint_breach`, over every value a design point can take) all read
:data:`CONSTRAINTS`, so a rule is never written twice.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class AtMost:
    """``smaller`` must not exceed ``larger``."""

    smaller: str
    larger: str
    why: str

    @property
    def names(self) -> tuple[str, str]:
        """The two parameters the constraint ties together."""
        return self.smaller, self.larger

    def text(self) -> str:
        """``'min_members' <= 'n_members'``."""
        return f"{self.smaller!r} <= {self.larger!r}"


CONSTRAINTS: tuple[AtMost, ...] = (
    AtMost("min_members", "n_members",
           "an alliance cannot need more members to survive than it seeks"),
)


def check_constraints(values: Mapping[str, Any]) -> None:
    """Raise :class:`~alliancesim.params.ParameterError` for the first constraint that a
    complete parameter set breaks."""
    from alliancesim.params.validation import ParameterError

    for rule in CONSTRAINTS:
        small, large = values[rule.smaller], values[rule.larger]
        if small > large:
            raise ParameterError(
                rule.smaller,
                f"parameter {rule.smaller!r} ({small}) must not exceed {rule.larger!r} "
                f"({large}): {rule.why}",
            )


@dataclass(frozen=True)
class Breach:
    """A constraint that some design point breaks: the extremes that meet."""

    rule: AtMost
    smaller_max: float
    larger_min: float

    def message(self) -> str:
        """What is wrong, with the values that clash, and how to fix it."""
        rule = self.rule
        return (f"some design points break the constraint {rule.text()} ({rule.why}): "
                f"{rule.smaller!r} reaches {self.smaller_max:g} while {rule.larger!r} goes "
                f"down to {self.larger_min:g}; narrow the ranges or listed values so that "
                f"{rule.smaller} never exceeds {rule.larger}")


def constraint_breach(spans: Mapping[str, tuple[float, float]]) -> Breach | None:
    """The first constraint broken somewhere in a design, or None.

    ``spans`` gives, for every parameter, the lowest and highest value a design point can
    give it (a fixed value is its own span). A constraint holds at every point when the
    largest ``smaller`` does not exceed the smallest ``larger``.
    """
    for rule in CONSTRAINTS:
        smaller_max = spans[rule.smaller][1]
        larger_min = spans[rule.larger][0]
        if smaller_max > larger_min:
            return Breach(rule, smaller_max, larger_min)
    return None
