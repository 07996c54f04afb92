"""Checking parameter values against the single parameter definition."""

from __future__ import annotations

import difflib
import math
import numbers
from collections.abc import Iterable, Mapping
from typing import Any

from alliancesim.params.constraints import check_constraints
from alliancesim.params.definitions import PARAMETERS_BY_NAME, Parameter, defaults


class ParameterError(ValueError):
    """A parameter has an unknown name, a wrong type or a value outside its allowed range."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.name = name


def suggest(name: str, known: list[str] | None = None) -> str:
    """A ' Did you mean ...?' hint for a misspelt parameter name, or ''."""
    pool = known if known is not None else list(PARAMETERS_BY_NAME)
    close = difflib.get_close_matches(name, pool, n=1, cutoff=0.6)
    return f" Did you mean {close[0]!r}?" if close else ""


def coerce_value(param: Parameter, value: Any) -> float | int | str:
    """Return ``value`` converted to the parameter's type, or raise :class:`ParameterError`."""
    if param.kind == "choice":
        if isinstance(value, str) and value in param.choices:
            return value
        raise ParameterError(
            param.name, f"parameter {param.name!r} got {value!r}; allowed: {param.allowed()}"
        )
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ParameterError(
            param.name,
            f"parameter {param.name!r} must be {param.allowed()}, "
            f"got {type(value).__name__} {value!r}",
        )
    if not math.isfinite(value):  # before int(): int(nan) and int(inf) raise bare errors
        raise ParameterError(
            param.name, f"parameter {param.name!r} must be {param.allowed()}, got {value!r}")
    if param.kind == "int":
        if not isinstance(value, numbers.Integral):  # 8.0 is refused, as files refuse it
            raise ParameterError(
                param.name, f"parameter {param.name!r} must be {param.allowed()}, a whole "
                            f"number (like {int(param.default)}), got {type(value).__name__} "
                            f"{value!r}")
        value = int(value)
    else:
        value = float(value)
    assert param.low is not None and param.high is not None
    if not param.low <= value <= param.high:
        raise ParameterError(
            param.name, f"parameter {param.name!r} must be {param.allowed()}, got {value!r}"
        )
    return value


def check_changeable(param: Parameter) -> None:
    """Refuse a mid-run change of a parameter that only shapes the alliance at the start."""
    if param.setup_only:
        raise ParameterError(
            param.name,
            f"parameter {param.name!r} only shapes the alliance when it is set up, so it "
            "cannot change mid-run; set it in the parameters instead",
        )


def validate_parameters(values: Mapping[str, Any], extra: Iterable[Parameter] = ()
                        ) -> dict[str, float | int | str]:
    """Merge ``values`` over the defaults, checking every name, type and range.

    ``extra`` are parameters that the classes in use declare
    (:mod:`alliancesim.params.declared`): they are known, checked and defaulted like the
    built-in ones. Raises :class:`ParameterError` naming the parameter and its allowed
    values.
    """
    declared = {p.name: p for p in extra}
    params = {**defaults(), **{name: p.default for name, p in declared.items()}}
    for name, value in values.items():
        param = PARAMETERS_BY_NAME.get(name) or declared.get(name)
        if param is None:
            known = [*PARAMETERS_BY_NAME, *declared]
            raise ParameterError(name, f"unknown parameter {name!r}.{suggest(name, known)}")
        params[name] = coerce_value(param, value)
    check_constraints(params)  # between parameters (shared_max_members <= lead_max_members, ...)
    return params


def file_value(param: Parameter, value: Any) -> float | int | str:
    """Like :func:`coerce_value`, for values read from a file, which are taken as written:
    an integer parameter refuses ``8.0`` as it refuses ``"8"`` and ``true``."""
    if param.kind == "int" and isinstance(value, float):
        raise ParameterError(
            param.name, f"parameter {param.name!r} must be {param.allowed()}, written "
                        f"without a decimal point (like {int(param.default)}), got {value!r}")
    return coerce_value(param, value)
