"""The alliance a class plays: the model's own hooks, answered by the students.

:class:`ClassAllianceModel` is :class:`~alliancesim.model.AllianceModel` with members of
class :class:`ClassMember`; nothing of the model is redone here. Each hook first lets the
model decide as it always does (drawing the same random numbers), then hands that choice to
a :class:`Desk` as the default of a question; the desk returns what the students chose. A
desk that asks nobody returns the defaults, so a class that never answers plays exactly the
run the model plays alone on the same seed.

Questions come at moments a class can follow: a member's share of the management budget
when the alliance enters founding or evolving (and whenever the teacher asks), a conflict in
a month the teacher opens to conflicts, the first month of a stagnation, the first month a
member is disengaged, and every re-evaluation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from alliancesim.model import AllianceModel
from alliancesim.model.agents import CONFLICT_STYLES, MemberOrganization
from alliancesim.model.phases import EVOLVING, FOUNDING

CONFLICT = "conflict"
TIME = "time"
STAGNATION = "stagnation"
STAY = "stay"
DISENGAGED = "disengaged"
#: The kinds of question, in the order a lesson meets them.
KINDS = (TIME, CONFLICT, STAGNATION, DISENGAGED, STAY)

#: Thomas-Kilmann modes, as the model names them.
CONFLICT_MODES = tuple(sorted({style for row in CONFLICT_STYLES for style in row}))
#: A member's share of the members' management budget: a multiple of an equal share.
TIME_SHARES = {"none": 0.0, "half": 0.5, "equal": 1.0, "more": 1.5, "double": 2.0}
DISCUSS, LET_BE = "discuss", "let it be"
STAYS, LEAVES = "stay", "leave"
OPTIONS: dict[str, tuple[str, ...]] = {
    CONFLICT: CONFLICT_MODES,
    TIME: tuple(TIME_SHARES),
    STAGNATION: (DISCUSS, LET_BE),
    DISENGAGED: (STAYS, LEAVES),
    STAY: (STAYS, LEAVES),
}
# Phases on entering which every member is asked how much of its time it gives.
TIME_PHASES = (FOUNDING, EVOLVING)


@dataclass(frozen=True)
class Ask:
    """One member's part of a question: the member, the model's own choice, and what the
    question is about for that member, in words."""

    member: str
    default: str
    about: str


class Desk(Protocol):
    """Who answers the model's questions (a class session; :class:`NobodyAsked` alone)."""

    def ask(self, kind: str, month: int, asks: Sequence[Ask]) -> dict[str, str]:
        """Each member's choice of ``kind`` (an option of ``OPTIONS[kind]``)."""
        ...

    def asks_conflicts(self, month: int) -> bool:
        """Whether conflicts of ``month`` go to the class."""
        ...


class NobodyAsked:
    """A desk that takes the model's own choice every time."""

    def ask(self, kind: str, month: int, asks: Sequence[Ask]) -> dict[str, str]:
        """The defaults."""
        return {a.member: a.default for a in asks}

    def asks_conflicts(self, month: int) -> bool:
        """Never."""
        return False


class ClassMember(MemberOrganization):
    """A member organization a student may speak for, through the member's own hooks."""

    model: ClassAllianceModel

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.time_share = "equal"
        self.asked_to_leave = False  # asked in this disengaged spell already

    def choose_conflict_mode(self, partner: MemberOrganization,
                             noise: Sequence[float] | None = None) -> str:
        """The model's Thomas-Kilmann mode, or the student's in a month open to conflicts."""
        default = super().choose_conflict_mode(partner, noise)
        model = self.model
        if not model.desk.asks_conflicts(model.month):
            return default
        about = f"a conflict with {partner.name}"
        return model.desk.ask(CONFLICT, model.month, [Ask(self.name, default, about)])[self.name]

    def wants_to_leave(self) -> bool:
        """The model's draw, or the student's word in the first month of disengagement."""
        default = super().wants_to_leave()
        if self.commitment_state != "disengaged" or self.asked_to_leave:
            return default
        self.asked_to_leave = True
        ask = Ask(self.name, LEAVES if default else STAYS,
                  "your commitment has drained away: stay or leave the alliance?")
        return self.model.desk.ask(DISENGAGED, self.model.month, [ask])[self.name] == LEAVES

    def management_time_factor(self) -> float:
        """The multiple of its equal share the student chose (equal until asked)."""
        return TIME_SHARES[self.time_share]


class ClassAllianceModel(AllianceModel):
    """The alliance model, its members' decisions handed to a :class:`Desk`."""

    member_class = ClassMember
    members: list[ClassMember]  # type: ignore[assignment]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.desk: Desk = NobodyAsked()
        self._time_asked_in = len(self.alliance.phase_history)

    def step(self) -> None:
        """One month, after asking for time shares if the alliance entered a phase."""
        if self.running:
            self._ask_time_on_new_phase()
            for member in self.members:
                if member.commitment_state != "disengaged":
                    member.asked_to_leave = False
        super().step()

    def _ask_time_on_new_phase(self) -> None:
        entries = len(self.alliance.phase_history)
        if entries != self._time_asked_in and self.alliance.phase in TIME_PHASES:
            self.ask_time_shares()
        self._time_asked_in = entries

    def ask_time_shares(self) -> None:
        """Ask every member how much of its time it gives to managing the alliance."""
        about = "how much of your time goes to managing the alliance?"
        asks = [Ask(m.name, m.time_share, about) for m in self.members]
        chosen = self.desk.ask(TIME, self.month, asks)
        for member in self.members:
            member.time_share = chosen.get(member.name, member.time_share)

    def discusses_stagnation(self, drawn: bool) -> bool:
        """In a stagnation's first month the members say whether to discuss it; the
        majority of their answers decides (a tie keeps the model's draw)."""
        if self.alliance.stagnation_months > 0:
            return drawn
        default = DISCUSS if drawn else LET_BE
        about = "work has stalled: put it on the table now?"
        chosen = self.desk.ask(STAGNATION, self.month,
                               [Ask(m.name, default, about) for m in self.members])
        votes = list(chosen.values())
        yes, no = votes.count(DISCUSS), votes.count(LET_BE)
        return drawn if yes == no else yes > no

    def members_stay(self, judged: np.ndarray) -> np.ndarray:
        """Every member says at once whether it goes on after the re-evaluation."""
        stay = super().members_stay(judged)
        about = "the alliance is re-evaluated: go on with it or leave?"
        asks = [Ask(m.name, STAYS if keep else LEAVES, about)
                for m, keep in zip(self.members, stay, strict=True)]
        chosen = self.desk.ask(STAY, self.month, asks)
        return np.array([chosen[m.name] == STAYS for m in self.members], dtype=bool)
