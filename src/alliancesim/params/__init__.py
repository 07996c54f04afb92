"""Parameter definitions: the single source of truth for every model parameter."""

from alliancesim.params.constraints import CONSTRAINTS, check_constraints, constraint_breach
from alliancesim.params.definitions import (
    COUNTRY_SETS,
    INTERVENTION_KINDS,
    MANAGEMENT_MODES,
    MECHANISMS,
    PARAMETERS,
    PARAMETERS_BY_NAME,
    SECTOR_MIXES,
    SYNTHETIC,
    WORK_ALLOCATIONS,
    Parameter,
    defaults,
    mechanism_off,
)
from alliancesim.params.validation import (
    ParameterError,
    check_changeable,
    coerce_value,
    file_value,
    suggest,
    validate_parameters,
)

__all__ = [
    "CONSTRAINTS",
    "COUNTRY_SETS",
    "INTERVENTION_KINDS",
    "MANAGEMENT_MODES",
    "MECHANISMS",
    "PARAMETERS",
    "PARAMETERS_BY_NAME",
    "SECTOR_MIXES",
    "SYNTHETIC",
    "WORK_ALLOCATIONS",
    "Parameter",
    "ParameterError",
    "check_changeable",
    "check_constraints",
    "coerce_value",
    "constraint_breach",
    "defaults",
    "file_value",
    "mechanism_off",
    "suggest",
    "validate_parameters",
]
