"""Parameter definitions: the single source of truth for every model parameter."""

from alliancesim.params.definitions import (
    MANAGEMENT_MODES,
    MECHANISMS,
    PARAMETERS,
    PARAMETERS_BY_NAME,
    SECTOR_MIXES,
    WORK_ALLOCATIONS,
    Parameter,
    defaults,
    mechanism_off,
)
from alliancesim.params.validation import (
    ParameterError,
    check_changeable,
    coerce_value,
    suggest,
    validate_parameters,
)

__all__ = [
    "MANAGEMENT_MODES",
    "MECHANISMS",
    "PARAMETERS",
    "PARAMETERS_BY_NAME",
    "SECTOR_MIXES",
    "WORK_ALLOCATIONS",
    "Parameter",
    "ParameterError",
    "check_changeable",
    "coerce_value",
    "defaults",
    "mechanism_off",
    "suggest",
    "validate_parameters",
]
