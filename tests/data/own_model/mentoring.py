"""A model a researcher might build on alliancesim: mentoring between members, and members
who always seek to collaborate in a conflict. Used by tests/test_own_model.py."""

from __future__ import annotations

from typing import Any

from alliancesim import AllianceModel, MemberOrganization


class MentoredAlliance(AllianceModel):
    """Each month the most skilled member coaches the least skilled one, closing a tenth of
    the gap between them."""

    share = 0.1

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.mentoring_sessions = 0  # set before the founders join (they may be coached)
        super().__init__(*args, **kwargs)

    def step(self) -> None:
        super().step()
        skill = self.state.skill
        if self.running and len(skill) > 1:
            low, high = int(skill.argmin()), int(skill.argmax())
            skill[low] += self.share * (skill[high] - skill[low])
            self.mentoring_sessions += 1

    def outcome_record(self) -> dict[str, Any]:
        return {**super().outcome_record(), "mentoring_sessions": self.mentoring_sessions}


class ListeningMember(MemberOrganization):
    """A member that meets every conflict by collaborating."""

    def choose_conflict_mode(self, partner: MemberOrganization,
                             noise: Any = None) -> str:
        return "collaborating"
