"""Parameter values as a typed object: ``params.trust_gain`` instead of ``p["trust_gain"]``.

The class is generated from :data:`~alliancesim.params.definitions.PARAMETERS`, so the
definition stays the only list of parameters; every attribute holds a value already checked
and converted to its kind (``int``, ``float`` or ``str``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, field, make_dataclass
from functools import cache, lru_cache
from typing import Any, ClassVar

from alliancesim.params.definitions import PARAMETERS, PARAMETERS_BY_NAME, Parameter, Value
from alliancesim.params.validation import (
    ParameterError,
    check_changeable,
    coerce_value,
    suggest,
    validate_parameters,
)

_TYPES = {"int": int, "float": float, "choice": str}


class _ParamsBase:
    """Methods shared by the generated :class:`Params` class."""

    __slots__ = ()
    #: Parameters the classes in use declare (none in the package's own :class:`Params`).
    declared: ClassVar[tuple[Parameter, ...]] = ()

    def as_dict(self) -> dict[str, Value]:
        """Every parameter's current value, by name."""
        return asdict(self)  # type: ignore[call-overload]

    def __getitem__(self, name: str) -> Value:
        return getattr(self, name)

    def change(self, name: str, value: Any) -> Value:
        """Set ``name`` to ``value`` mid-run, checked against its definition."""
        known = {**PARAMETERS_BY_NAME, **{p.name: p for p in self.declared}}
        if name not in known:
            raise ParameterError(name, f"unknown parameter {name!r}.{suggest(name, list(known))}")
        param = known[name]
        check_changeable(param)
        coerced = coerce_value(param, value)
        values = {**self.as_dict(), name: coerced}
        validate_parameters(values, self.declared)  # constraints between parameters still hold
        setattr(self, name, coerced)
        return coerced


Params = make_dataclass(
    "Params",
    [(p.name, _TYPES[p.kind], field(default=p.default)) for p in PARAMETERS],
    bases=(_ParamsBase,),
    slots=True,
)
Params.__doc__ = "Checked values of every model parameter, as typed attributes."


@cache  # one class per set of declared parameters, not one per model
def params_class(declared: tuple[Parameter, ...]) -> type:
    """:class:`Params` extended with attributes for ``declared`` parameters."""
    if not declared:
        return Params
    cls = make_dataclass(
        "Params", [(p.name, _TYPES[p.kind], field(default=p.default)) for p in declared],
        bases=(Params,), slots=True)
    cls.declared = declared
    cls.__doc__ = Params.__doc__
    return cls


def make_params(values: Mapping[str, Any] | None = None,
                declared: Iterable[Parameter] = ()) -> Any:
    """A :class:`Params` with ``values`` over the defaults, every value checked;
    ``declared`` parameters (of the classes in use) become attributes too."""
    declared = tuple(declared)
    given = dict(values or {})
    # Each value's type and text are part of the key: 8, 8.0 and True are equal, as are 0.0
    # and -0.0, yet they are checked (and kept) apart.
    key = tuple((name, type(value), repr(value), value) for name, value in given.items())
    try:
        hash(key)
    except TypeError:  # a value that cannot be a key (a list): checked afresh
        return params_class(declared)(**validate_parameters(given, declared))
    return params_class(declared)(**_checked(key, declared))


@lru_cache(maxsize=256)
def _checked(key: tuple[tuple[str, type, str, Any], ...],
             declared: tuple[Parameter, ...]) -> dict[str, Value]:
    """:func:`validate_parameters` of the values in ``key``, kept for the next model made
    with the same values (sweeps and replicates make many). Read-only: it is unpacked."""
    return validate_parameters({name: value for name, _, _, value in key}, declared)
