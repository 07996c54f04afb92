"""The alliance model: agents, phases, events and mechanisms."""

from alliancesim.model.agents import AllianceManager, MemberOrganization
from alliancesim.model.model import AllianceModel

__all__ = ["AllianceManager", "AllianceModel", "MemberOrganization"]
