"""What the Python API checks of its arguments, as files are checked: a wrong value ends in
a TypeError or ValueError naming the argument and the allowed values, at once, rather than
deep inside numpy or Mesa, or never (a seed of ``True`` silently taken as 1).

The model calls these (``AllianceModel``, ``Intervention``, ``simulate``); they live here so
that the rules are written once, beside the scenario schema they share.
"""

from __future__ import annotations

import dataclasses
import numbers
from collections.abc import Iterable
from typing import Any

from alliancesim.bounds import shown


def check_seed(rng: Any) -> None:
    """A seed is None, a whole number 0 or more (not a bool), a ``SeedSequence`` or a
    ``Generator``."""
    import numpy as np

    if rng is None or isinstance(rng, np.random.SeedSequence | np.random.Generator):
        return
    allowed = ("allowed: a whole number 0 or more, a numpy SeedSequence or Generator, or "
               "None for fresh entropy")
    if isinstance(rng, bool) or not isinstance(rng, numbers.Integral):
        raise TypeError(f"seed must be a whole number, got {type(rng).__name__} "
                        f"{shown(rng)}; {allowed}")
    if rng < 0:
        raise ValueError(f"seed {rng} is negative; {allowed}")


def check_member_class(cls: Any) -> type:
    """``cls`` if it is ``MemberOrganization`` or a subclass, else a clear TypeError."""
    from alliancesim.model.agents import MemberOrganization

    if not (isinstance(cls, type) and issubclass(cls, MemberOrganization)):
        raise TypeError(f"member_class must be MemberOrganization or a subclass of it, got "
                        f"{shown(cls)}")
    return cls


def check_manager_class(cls: Any) -> type:
    """``cls`` if it is ``AllianceManager`` or a subclass, else a clear TypeError."""
    from alliancesim.model.agents import AllianceManager

    if not (isinstance(cls, type) and issubclass(cls, AllianceManager)):
        raise TypeError(f"manager_class must be AllianceManager or a subclass of it, got "
                        f"{shown(cls)}")
    return cls


def check_step_columns(columns: Iterable[str] | None) -> list[str] | None:
    """The step columns asked for, each one of ``STEP_COLUMNS`` (None: all of them)."""
    if columns is None:
        return None
    from alliancesim.model.outputs import STEP_COLUMNS

    if isinstance(columns, str | bytes):
        raise TypeError(f"step_columns must be a list of column names, got the text "
                        f"{shown(columns)}; allowed: names from {', '.join(STEP_COLUMNS)}")
    names = list(columns)
    for name in names:
        if name not in STEP_COLUMNS:
            raise ValueError(f"step_columns: unknown column {shown(name)}; allowed: "
                             f"{', '.join(STEP_COLUMNS)}")
    return names


def check_intervention(intervention: Any) -> None:
    """An ``Intervention`` made in Python obeys the rules a scenario file's timeline entry
    does: a known kind, a month from 1 to the longest horizon, that kind's fields in
    range, and no field of another kind changed from its default."""
    from pydantic import ValidationError

    from alliancesim.bounds import MAX_MONTH, SizeError, check_month
    from alliancesim.params import INTERVENTION_KINDS
    from alliancesim.scenarios.schema import ENTRY_BY_KIND

    kind = intervention.kind
    if kind not in ENTRY_BY_KIND:
        raise ValueError(f"Intervention kind: unknown kind {shown(kind)}; allowed: "
                         f"{', '.join(INTERVENTION_KINDS)}")
    try:
        check_month("Intervention month", intervention.month, low=1, horizon=MAX_MONTH)
    except SizeError as error:
        raise (TypeError if "whole number, got" in error.message else ValueError)(
            str(error)) from None
    model = ENTRY_BY_KIND[kind]
    own = set(model.model_fields)
    for field in dataclasses.fields(intervention):
        value = getattr(intervention, field.name)
        if field.name not in own and value != field.default:
            raise ValueError(f"Intervention {field.name}={shown(value)} does not apply to "
                             f"kind {kind!r}; allowed fields: {', '.join(sorted(own))}")
    try:
        model.model_validate({name: getattr(intervention, name) for name in own})
    except ValidationError as error:
        first = error.errors()[0]
        name = ".".join(str(p) for p in first["loc"])
        info = model.model_fields.get(str(first["loc"][0])) if first["loc"] else None
        allowed = info.description if info is not None and info.description else ""
        ctx = first.get("ctx") or {}
        message = ctx.get("message") or first["msg"]
        raise ValueError(f"Intervention {name}={shown(first.get('input'))}: {message}"
                         + (f"; allowed: {allowed}" if allowed else "")) from None
