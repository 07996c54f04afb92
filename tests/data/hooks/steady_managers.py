"""Classes a researcher might write with the hooks: a manager who never leaves and arrives
fully skilled. Used by tests/test_hooks.py through files that name it."""

from __future__ import annotations

from alliancesim import AllianceManager, AllianceModel


class TirelessManager(AllianceManager):
    """A manager hired at full skill, who knows the alliance from day one and never leaves."""

    @classmethod
    def hiring_skill(cls, model: AllianceModel) -> float:
        return 1.0

    def initial_knowledge(self) -> float:
        return 1.0

    def decides_to_leave(self) -> bool:
        return False
