"""Parameter definitions: the single source of truth for every model parameter."""

from alliancesim.params.definitions import (
    MANAGEMENT_MODES,
    PARAMETERS,
    PARAMETERS_BY_NAME,
    SECTOR_MIXES,
    Parameter,
    defaults,
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
    "PARAMETERS",
    "PARAMETERS_BY_NAME",
    "SECTOR_MIXES",
    "Parameter",
    "ParameterError",
    "check_changeable",
    "coerce_value",
    "defaults",
    "suggest",
    "validate_parameters",
]
