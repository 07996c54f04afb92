"""The scenario schema: a name, a description, parameter overrides, a timeline and the seed
a class is shown (``teaching_seed``).

Parameter names, types and ranges are checked against :mod:`alliancesim.params`, the single
parameter definition; timeline entries map one-to-one onto
:class:`alliancesim.model.timeline.Intervention`, one pydantic class per intervention kind so
that each kind accepts exactly the fields it uses.
"""

from __future__ import annotations

import dataclasses
from functools import cache
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from alliancesim.bounds import shown
from alliancesim.culture.partners import PartnersError, as_partners, check_combination
from alliancesim.params import (
    INTERVENTION_KINDS,
    PARAMETERS_BY_NAME,
    Parameter,
    ParameterError,
    check_changeable,
    defaults,
    file_value,
    suggest,
    validate_parameters,
)
from alliancesim.params.declared import unimported_message

if TYPE_CHECKING:
    from alliancesim.model.timeline import Intervention

# Errors raised by our own validators carry the offending field (relative to where pydantic
# reports them) and the full message in their context; see loading.translate_errors.
FIELD_ERROR = "scenario_field"


@cache
def _intervention_defaults() -> dict[str, Any]:
    # The model (and with it Mesa) is imported only when a default is needed, so that a
    # broken file is reported without waiting for it.
    from alliancesim.model.timeline import Intervention

    return {f.name: f.default for f in dataclasses.fields(Intervention)
            if f.default is not dataclasses.MISSING}


def _default(name: str) -> Any:
    """A factory for the model's default of an intervention field."""
    return lambda: _intervention_defaults()[name]


def field_error(field: str, message: str) -> PydanticCustomError:
    """A validation error about ``field`` with a complete, human-readable ``message``."""
    return PydanticCustomError(FIELD_ERROR, "{message}", {"field": field, "message": message})


class _Entry(BaseModel):
    """Fields every timeline entry has."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    month: int = Field(description="a whole number of months from 1 to the horizon")

    def to_intervention(self) -> Intervention:
        """The model-side :class:`Intervention` this entry stands for."""
        from alliancesim.model.timeline import Intervention

        return Intervention(**self.model_dump())


class PartnerJoins(_Entry):
    """The best-fitting available candidate joins the alliance."""

    kind: Literal["partner_joins"]


class PartnerLeaves(_Entry):
    """A partner leaves: the one named, or else the largest contributor."""

    kind: Literal["partner_leaves"]
    partner: str | None = Field(
        default_factory=_default("partner"),
        description="the name of an active member (names depend on the seed); "
                    "leave it out for the largest contributor",
    )


class ManagerLeaves(_Entry):
    """The dedicated manager leaves; capacity is gone until a replacement arrives."""

    kind: Literal["manager_leaves"]


class ManagerReplaced(_Entry):
    """A new dedicated manager is appointed at once."""

    kind: Literal["manager_replaced"]


class Shock(_Entry):
    """An external shock hits the alliance."""

    kind: Literal["shock"]
    severity: float = Field(default_factory=_default("severity"), ge=0.0, le=1.0,
                            description="a number in [0, 1]")


class Training(_Entry):
    """A training programme closes a share of every member's skill gap."""

    kind: Literal["training"]
    amount: float = Field(default_factory=_default("amount"), gt=0.0, le=1.0,
                          description="the share of the skill gap closed, a number in (0, 1]")


class SetParameter(_Entry):
    """A parameter takes a new value from this month on."""

    kind: Literal["set_parameter"]
    parameter: str = Field(description="the name of a model parameter")
    value: Any = Field(description="a value allowed for that parameter")

    @field_validator("parameter", mode="after")
    @classmethod
    def _known_parameter(cls, name: str, info: ValidationInfo) -> str:
        param = known_parameter(name, info)
        if param is None:
            raise field_error("", _unknown_parameter_message(name, info))
        try:
            check_changeable(param)
        except ParameterError as error:
            raise field_error("", str(error)) from None
        return name

    @field_validator("value", mode="after")
    @classmethod
    def _allowed_value(cls, value: Any, info: ValidationInfo) -> Any:
        name = info.data.get("parameter")
        if name is None:  # the name itself was wrong; that error is reported instead
            return value
        param = known_parameter(name, info)
        assert param is not None  # the name was checked first
        try:
            return file_value(param, value)
        except ParameterError as error:
            raise field_error("", str(error)) from None


ENTRY_TYPES: tuple[type[_Entry], ...] = (
    PartnerJoins, PartnerLeaves, ManagerLeaves, ManagerReplaced, Shock, SetParameter, Training,
)
ENTRY_BY_KIND: dict[str, type[_Entry]] = {
    cls.model_fields["kind"].annotation.__args__[0]: cls  # type: ignore[union-attr]
    for cls in ENTRY_TYPES
}
if set(ENTRY_BY_KIND) != set(INTERVENTION_KINDS):  # the kinds are defined in alliancesim.params
    raise ImportError(f"scenario entries {sorted(ENTRY_BY_KIND)} do not match the intervention "
                      f"kinds {sorted(INTERVENTION_KINDS)}")
TimelineEntry = Annotated[
    PartnerJoins | PartnerLeaves | ManagerLeaves | ManagerReplaced | Shock | SetParameter
    | Training,
    Field(discriminator="kind"),
]


def declared_in(info: ValidationInfo) -> dict[str, Parameter]:
    """The parameters that the classes a file names declare (the validation context holds
    them once those classes are imported, see :mod:`alliancesim.params.declared`)."""
    context = info.context or {}
    return dict(context.get("declared", {}))


def known_parameter(name: str, info: ValidationInfo) -> Parameter | None:
    """The definition of ``name``: built in, or declared by a class the file names."""
    return PARAMETERS_BY_NAME.get(name) or declared_in(info).get(name)


def _unknown_parameter_message(name: str, info: ValidationInfo | None = None) -> str:
    context = (info.context or {}) if info is not None else {}
    declared = dict(context.get("declared", {}))
    named = tuple(context.get("named", ()))
    if named and "declared" not in context:  # the classes were not imported
        return unimported_message(shown(name), "file", named)
    hint = suggest(name, [*PARAMETERS_BY_NAME, *declared])
    allowed = "" if hint else " Allowed: " + ", ".join([*PARAMETERS_BY_NAME, *declared]) + "."
    if named:
        allowed += f" (neither alliancesim nor {', '.join(map(repr, named))} declares it)"
    return f"unknown parameter {shown(name)}.{hint}{allowed}"


class ScenarioRecord(BaseModel):
    """What each run of the scenario keeps besides its outcome (opt-in)."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    panel: bool = Field(default=False, description="true or false: the per-member panel "
                        "(member x month)")
    events: bool = Field(default=False, description="true or false: the event log (always "
                         "kept by 'alliancesim run')")
    network_months: tuple[int, ...] = Field(
        default=(), strict=False,
        description="an array of months (0 = the founders' start) at which to keep the "
                    "trust network")


class Scenario(BaseModel):
    """A situation to simulate: parameter values that differ from the defaults, and events.

    ``parameters`` holds only the overrides, already converted to each parameter's type;
    :meth:`params` gives the full parameter set and :meth:`interventions` the timeline as
    model interventions.
    """

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    name: str = Field(min_length=1, description="a non-empty text naming the scenario")
    description: str = Field(default="", description="a text describing the situation")
    parameters: dict[str, Any] = Field(
        default_factory=dict,
        description="a table of parameter = value pairs, values as defined in alliancesim.params",
    )
    timeline: tuple[TimelineEntry, ...] = Field(
        default=(), strict=False,
        description="an array of [[timeline]] tables, each with a month and a kind",
    )
    partners: dict[str, Any] = Field(
        default_factory=dict,
        description="a table with 'countries' (a list of countries in the order candidates "
                    "are drawn, founders first) and/or 'country_mix' (country = weight), "
                    "countries named as in Hofstede's matrix",
    )
    teaching_seed: int | None = Field(
        default=None, ge=0,
        description="a whole number of 0 or more: the seed on which what the scenario shows "
                    "happens (the teaching app opens the scenario on it; re-pick with "
                    "python -m alliancesim.scenarios.teaching_seeds --write)",
    )
    model_class: str | None = Field(
        default=None, description="an AllianceModel subclass to run, as an import path like "
        "'my_models:MentoredAlliance' (imported only with --allow-import)")
    member_class: str | None = Field(
        default=None, description="a MemberOrganization subclass for the members, as an "
        "import path like 'my_models:ListeningMember' (imported only with --allow-import)")
    manager_class: str | None = Field(
        default=None, description="an AllianceManager subclass for the dedicated manager, as "
        "an import path like 'my_models:CoachManager' (imported only with --allow-import)")
    record: ScenarioRecord = Field(
        default_factory=lambda: ScenarioRecord(),
        description="a [record] table of what each run keeps besides its outcome: panel, "
                    "events (true/false), network_months (an array of months)")
    _source: str = PrivateAttr(default="<scenario>")
    _declared: tuple[Parameter, ...] = PrivateAttr(default=())

    @model_validator(mode="after")
    def _keep_declared(self, info: ValidationInfo) -> Scenario:
        self._declared = tuple(declared_in(info).values())
        return self

    @field_validator("parameters", mode="after")
    @classmethod
    def _check_parameters(cls, values: dict[str, Any], info: ValidationInfo) -> dict[str, Any]:
        checked: dict[str, Any] = {}
        for name, value in values.items():
            param = known_parameter(name, info)
            if param is None:
                raise field_error(name, _unknown_parameter_message(name, info))
            try:
                checked[name] = file_value(param, value)
            except ParameterError as error:
                raise field_error(name, str(error)) from None
        try:  # constraints between parameters (shared_max_members <= lead_max_members, ...)
            validate_parameters(checked, declared_in(info).values())
        except ParameterError as error:
            raise field_error(error.name, str(error)) from None
        return checked

    @field_validator("model_class", "member_class", "manager_class", mode="after")
    @classmethod
    def _import_path_form(cls, value: str | None) -> str | None:
        from alliancesim.engine.classes import check_import_path

        problem = check_import_path(value) if value is not None else None
        if problem:
            raise field_error("", problem)
        return value

    @field_validator("partners", mode="after")
    @classmethod
    def _check_partners(cls, values: dict[str, Any]) -> dict[str, Any]:
        try:
            return as_partners(values).as_dict()  # names resolved to matrix codes
        except PartnersError as error:
            raise field_error(error.field, error.message) from None

    @model_validator(mode="after")
    def _check_partners_with_country_set(self) -> Scenario:
        problem = check_combination(as_partners(self.partners), self.params()["country_set"])
        if problem is not None:
            raise field_error("partners.country_mix", problem)
        return self

    @model_validator(mode="after")
    def _check_months_within_horizon(self) -> Scenario:
        horizon = self.horizon
        for number, entry in enumerate(self.timeline, start=1):
            if not 1 <= entry.month <= horizon:
                raise field_error(
                    f"timeline[{number}].month",
                    f"month {entry.month} is outside the run; allowed: a whole number from 1 "
                    f"to the horizon ({horizon} months)",
                )
        for month in self.record.network_months:
            if not 0 <= month <= horizon:
                raise field_error(
                    "record.network_months",
                    f"month {month} is outside the run; allowed: whole numbers from 0 (the "
                    f"founders' start) to the horizon ({horizon} months)")
        return self

    @property
    def source(self) -> str:
        """The file the scenario was read from, or ``<scenario>``."""
        return self._source

    @property
    def horizon(self) -> int:
        """Months the scenario runs unless the alliance ends earlier."""
        return int(self.parameters.get("horizon", defaults()["horizon"]))

    def params(self) -> dict[str, Any]:
        """Every parameter's value: the defaults with this scenario's overrides."""
        return validate_parameters(self.parameters, self._declared)

    @property
    def declared(self) -> tuple[Parameter, ...]:
        """The parameters that the classes this file names declare (known once they are
        imported: read the file with ``allow_import``)."""
        return self._declared

    def model_arguments(self) -> dict[str, Any]:
        """What the model is made with: :meth:`params`, and the partners' countries when
        the scenario names them (``AllianceModel(**scenario.model_arguments())``)."""
        arguments: dict[str, Any] = self.params()
        if self.partners:
            arguments["partners"] = as_partners(self.partners)
        return arguments

    def interventions(self) -> tuple[Intervention, ...]:
        """The timeline as model interventions, in file order."""
        return tuple(entry.to_intervention() for entry in self.timeline)

    def recording(self) -> Any:
        """What the file asks each run to record, for the run engine."""
        from alliancesim.engine.tasks import Recording

        r = self.record
        return Recording(panel=r.panel, events=r.events,
                         network_months=tuple(sorted(set(r.network_months))))

    def idle_entries(self) -> list[str]:
        """Timeline entries that can do nothing with these parameters, in words (a manager
        event in a mode without a dedicated manager): said as warnings, since the app shows
        them too, as moments where nothing happened."""
        kinds = ("manager_leaves", "manager_replaced")
        entries = [(n, e) for n, e in enumerate(self.timeline, start=1) if e.kind in kinds]
        if not entries:
            return []
        # Imported only for files with such events: who holds the management time is
        # decided in one place, the model.
        from alliancesim.model.management import budget_holders

        p = self.params()
        manager_fte, _ = budget_holders(str(p["management_mode"]),
                                        float(p["management_budget"]),
                                        float(p["hybrid_manager_share"]))
        if manager_fte > 0:
            return []
        return [f"{self.source}: timeline[{number}] ({entry.kind}, month {entry.month}) does "
                f"nothing: management_mode {p['management_mode']!r} has no dedicated manager "
                "with these parameters (use 'dedicated' or 'hybrid', or remove the entry)"
                for number, entry in entries]

    def with_source(self, source: str) -> Scenario:
        """This scenario, recorded as coming from ``source`` (used in error messages)."""
        self._source = source
        return self
