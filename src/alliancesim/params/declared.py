"""Parameters that a model, member or manager subclass declares for its own mechanism.

A subclass of :class:`~alliancesim.model.AllianceModel`, of
:class:`~alliancesim.model.MemberOrganization` or of the manager class lists its own
parameters in the same form as the package's definition::

    class CoachedAlliance(AllianceModel):
        parameters = (
            Parameter("coaching_rate", "float", 0.1, "share of a skill gap a coach closes "
                      "each month", unit="1/month", low=0.0, high=0.5, source="assumption",
                      mechanism="coaching", off=0.0),
        )

From then on the parameter is checked like a built-in one (name, type, range), can be set in
scenario and experiment files that name the class, swept, compared and varied in a verdict,
and is read in the model as ``model.params.coaching_rate``.

:func:`declared_parameters` gathers what a set of classes declares (a subclass inherits what
its bases declare) and checks it; every parameter it sees is also remembered for the
process (:func:`lookup`), so that labels and units reach tables and figures. A results
folder records the definitions of the declared parameters its runs used
(:func:`parameter_record`), and reading it registers them again (:func:`register_records`)
without importing any code.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import asdict, fields
from functools import cache
from typing import Any

from alliancesim.params.definitions import PARAMETERS_BY_NAME, Parameter

# Declared parameters seen in this process, by name (classes gathered, records read).
_REGISTERED: dict[str, Parameter] = {}


class DeclarationError(TypeError):
    """A class declares a parameter that cannot be used: not a Parameter, a built-in name,
    a default outside its range, or a name two classes define differently."""


def declared_parameters(*classes: type | None) -> tuple[Parameter, ...]:
    """The parameters ``classes`` declare (each class's ``parameters`` attribute and its
    bases'), checked, in declaration order; built-in classes declare none."""
    return _gathered(classes)


@cache  # every model made asks again for the same classes: check them once per process
def _gathered(classes: tuple[type | None, ...]) -> tuple[Parameter, ...]:
    found: dict[str, tuple[Parameter, str]] = {}
    for cls in classes:
        if cls is None:
            continue
        for owner in reversed(cls.__mro__):
            for param in _own_declarations(owner):
                _check_declaration(param, owner)
                _check_unique(param, owner, found)
                found[param.name] = (param, owner.__qualname__)
    declared = tuple(param for param, _ in found.values())
    register(declared)
    return declared


def declared_for(model_class: type | None = None, member_class: type | None = None,
                 manager_class: type | None = None) -> tuple[Parameter, ...]:
    """The parameters a model of ``model_class`` takes beyond the built-in ones: what it,
    its member class and its manager class declare (each defaulting to the model class's
    own ``member_class`` / ``manager_class``)."""
    member = member_class or getattr(model_class, "member_class", None)
    manager = manager_class or getattr(model_class, "manager_class", None)
    return declared_parameters(model_class, member, manager)


def _own_declarations(owner: type) -> tuple[Any, ...]:
    declared = vars(owner).get("parameters", ())
    if not isinstance(declared, (tuple, list)):
        raise DeclarationError(f"{owner.__qualname__}.parameters must be a tuple of "
                               f"alliancesim.params.Parameter, got {type(declared).__name__}")
    return tuple(declared)


def _check_declaration(param: Any, owner: type) -> None:
    where = f"{owner.__qualname__}.parameters"
    if not isinstance(param, Parameter):
        raise DeclarationError(f"{where} holds {param!r}; allowed: "
                               "alliancesim.params.Parameter objects")
    if param.name in PARAMETERS_BY_NAME:
        raise DeclarationError(f"{where} declares {param.name!r}, which alliancesim already "
                               "defines; choose another name")
    if not param.name.isidentifier() or param.name.startswith("_"):
        raise DeclarationError(f"{where} declares {param.name!r}; allowed: a Python "
                               "identifier not starting with '_'")
    problem = _definition_problem(param)
    if problem:
        raise DeclarationError(f"{where}: parameter {param.name!r} {problem}")


def _definition_problem(param: Parameter) -> str | None:
    if param.kind == "choice":
        if not param.choices or param.default not in param.choices:
            return "is a choice: give choices and a default among them"
        return None
    if param.kind not in ("float", "int"):
        return f"has kind {param.kind!r}; allowed: 'float', 'int' or 'choice'"
    if param.low is None or param.high is None or not param.low <= param.high:
        return "needs low <= high"
    default = param.default
    if isinstance(default, bool) or not isinstance(default, (int, float)):
        return f"has default {default!r}; allowed: a number"
    if not (math.isfinite(default) and param.low <= default <= param.high):
        return f"has default {default!r} outside [{param.low:g}, {param.high:g}]"
    if param.off is not None and not param.low <= float(param.off) <= param.high:
        return f"has off value {param.off!r} outside [{param.low:g}, {param.high:g}]"
    return None


def _check_unique(param: Parameter, owner: type,
                  found: Mapping[str, tuple[Parameter, str]]) -> None:
    if param.name in found and found[param.name][0] != param:
        raise DeclarationError(f"{owner.__qualname__} and {found[param.name][1]} both declare "
                               f"{param.name!r}, differently; one definition per name")


def register(parameters: Iterable[Parameter]) -> None:
    """Remember declared parameters for this process (labels and units of figures)."""
    for param in parameters:
        _REGISTERED[param.name] = param


def lookup(name: str) -> Parameter | None:
    """The definition of ``name``: a built-in parameter, or a declared one seen in this
    process; None when neither."""
    return PARAMETERS_BY_NAME.get(name) or _REGISTERED.get(name)


def unimported_message(name: str, what: str, named: Iterable[str]) -> str:
    """Why a file's unknown parameter may yet be a declared one: ``what`` (the file, the
    experiment) names classes that were not imported."""
    return (f"unknown parameter {name}. A parameter that a class declares can be set once "
            f"that class is imported: this {what} names {', '.join(map(repr, named))}; add "
            "--allow-import (in Python: allow_import=True)")


def parameter_record(param: Parameter) -> dict[str, Any]:
    """A declared parameter's definition as plain data (a manifest keeps it)."""
    record = asdict(param)
    record["choices"] = list(param.choices)
    return record


def parameter_from_record(record: Mapping[str, Any]) -> Parameter:
    """The :class:`Parameter` a :func:`parameter_record` describes."""
    known = {f.name for f in fields(Parameter)}
    values = {key: value for key, value in record.items() if key in known}
    values["choices"] = tuple(values.get("choices", ()))
    return Parameter(**values)


def declared_records(class_sets: Iterable[Iterable[type | None]]) -> list[dict[str, Any]]:
    """The definitions of the parameters each set of classes (model, member, manager)
    declares, as a manifest keeps them (each name once)."""
    found: dict[str, Parameter] = {}
    for classes in class_sets:
        found.update({p.name: p for p in declared_for(*classes)})
    return [parameter_record(p) for p in found.values()]


def register_records(records: Iterable[Mapping[str, Any]]) -> tuple[Parameter, ...]:
    """Register the declared parameters a results folder recorded; returns them."""
    parameters = tuple(parameter_from_record(record) for record in records)
    register(parameters)
    return parameters
