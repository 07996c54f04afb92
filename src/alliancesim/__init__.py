"""alliancesim: agent-based simulation of alliance dynamics on Mesa."""

from alliancesim.model import AllianceManager, AllianceModel, MemberOrganization
from alliancesim.model.timeline import Intervention, SimulationResult, run_model, simulate
from alliancesim.params import PARAMETERS, ParameterError

__version__ = "0.1.0"
__all__ = [
    "PARAMETERS",
    "AllianceManager",
    "AllianceModel",
    "Intervention",
    "MemberOrganization",
    "ParameterError",
    "SimulationResult",
    "__version__",
    "run_model",
    "simulate",
]
