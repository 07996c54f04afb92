"""alliancesim: agent-based simulation of alliance dynamics on Mesa."""

from alliancesim.model import AllianceManager, AllianceModel, MemberOrganization
from alliancesim.params import PARAMETERS, ParameterError

__version__ = "0.1.0"
__all__ = [
    "PARAMETERS",
    "AllianceManager",
    "AllianceModel",
    "MemberOrganization",
    "ParameterError",
    "__version__",
]
