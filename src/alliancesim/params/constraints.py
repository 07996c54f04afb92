"""Constraints between parameters, declared once.

Each parameter's own range lives in :mod:`alliancesim.params.definitions`; what several
parameters must satisfy together lives here. Model validation (:func:`check_constraints`),
scenario files (through :func:`~alliancesim.params.validate_parameters`) and experiment files
(:func:`constraint_breach`, over every value a design point can take) all read
:data:`CONSTRAINTS`, so a rule is never written twice.

Every constraint is linear: a weighted sum of parameters must not exceed a bound (or must
stay strictly below it). Over a design whose parameters each span an interval, the largest
value the sum can reach is known exactly, so a design is checked without drawing it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Linear:
    """``sum(weight * parameter) <= bound`` (``< bound`` when ``strict``)."""

    terms: tuple[tuple[str, float], ...]
    bound: float
    why: str
    text_: str
    strict: bool = False

    @property
    def names(self) -> tuple[str, ...]:
        """The parameters the constraint ties together."""
        return tuple(name for name, _ in self.terms)

    def text(self) -> str:
        """The rule as written, e.g. ``'shared_max_members' <= 'lead_max_members'``."""
        return self.text_

    def value(self, values: Mapping[str, Any]) -> float:
        """The weighted sum for one parameter set."""
        return sum(weight * float(values[name]) for name, weight in self.terms)

    def holds(self, total: float) -> bool:
        """Whether a weighted sum of ``total`` keeps the rule."""
        return total < self.bound if self.strict else total <= self.bound

    @property
    def pair(self) -> tuple[str, str] | None:
        """(smaller, larger) when the rule says one parameter must not exceed another."""
        (a, wa), *rest = self.terms
        if len(rest) == 1 and wa == 1.0 and rest[0][1] == -1.0 and self.bound == 0.0:
            return a, rest[0][0]
        return None

    def largest(self, spans: Mapping[str, tuple[float, float]]) -> float:
        """The largest weighted sum any point of a design with these spans can reach."""
        return sum(weight * (spans[name][1] if weight > 0 else spans[name][0])
                   for name, weight in self.terms)


def at_most(smaller: str, larger: str, why: str) -> Linear:
    """``smaller`` must not exceed ``larger``."""
    return Linear(((smaller, 1.0), (larger, -1.0)), 0.0, why, f"{smaller!r} <= {larger!r}")


CONSTRAINTS: tuple[Linear, ...] = (
    at_most("shared_max_members", "lead_max_members",
            "shared governance fits the smallest alliances, a lead organization larger ones"),
    Linear((("fit_goal_weight", 1.0), ("fit_culture_weight", 1.0)), 1.0,
           "the two weights and repute's share make up a candidate's fit",
           "'fit_goal_weight' + 'fit_culture_weight' <= 1"),
    Linear((("disengaged_threshold", 1.0), ("commitment_hysteresis", 2.0),
            ("committed_threshold", -1.0)), 0.0,
           "the bands around the two thresholds must not overlap",
           "'disengaged_threshold' + 2 * 'commitment_hysteresis' < 'committed_threshold'",
           strict=True),
)


def check_constraints(values: Mapping[str, Any]) -> None:
    """Raise :class:`~alliancesim.params.ParameterError` for the first constraint that a
    complete parameter set breaks."""
    from alliancesim.params.validation import ParameterError

    for rule in CONSTRAINTS:
        if rule.holds(rule.value(values)):
            continue
        if rule.pair is not None:
            small, large = rule.pair
            raise ParameterError(small, f"parameter {small!r} ({values[small]}) must not "
                                        f"exceed {large!r} ({values[large]}): {rule.why}")
        given = ", ".join(f"{name} = {values[name]}" for name in rule.names)
        raise ParameterError(
            rule.names[0], f"parameters must satisfy {rule.text()} ({rule.why}); got {given}")


@dataclass(frozen=True)
class Breach:
    """A constraint that some design point breaks, and the extremes that break it."""

    rule: Linear
    spans: dict[str, tuple[float, float]]

    def message(self) -> str:
        """What is wrong, with the values that clash, and how to fix it."""
        rule = self.rule
        if rule.pair is not None:
            small, large = rule.pair
            reach = (f"{small!r} reaches {self.spans[small][1]:g} while {large!r} goes down "
                     f"to {self.spans[large][0]:g}")
        else:
            reach = ", ".join(f"{name!r} spans {low:g} to {high:g}"
                              for name, (low, high) in self.spans.items())
        return (f"some design points break the constraint {rule.text()} ({rule.why}): "
                f"{reach}; narrow the ranges or listed values so that every point keeps it")


def constraint_breach(spans: Mapping[str, tuple[float, float]]) -> Breach | None:
    """The first constraint broken somewhere in a design, or None.

    ``spans`` gives, for every parameter, the lowest and highest value a design point can
    give it (a fixed value is its own span).
    """
    for rule in CONSTRAINTS:
        if not rule.holds(rule.largest(spans)):
            return Breach(rule, {name: spans[name] for name in rule.names})
    return None
