"""The agents: member organizations and the (optional) dedicated alliance manager."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

import mesa
import numpy as np

from alliancesim.model.mechanisms import COMMITMENT_STATES, EXITED
from alliancesim.model.organizations import GOALS, SECTORS
from alliancesim.params.definitions import Parameter

if TYPE_CHECKING:
    from typing import Self

    from alliancesim.model.model import AllianceModel


class MemberOrganization(mesa.Agent):
    """A member organization: a business, NGO, government body or knowledge institute.

    Its numeric state lives in the model's :class:`~alliancesim.model.state.MemberArrays`
    row ``slot`` while it is a member, so monthly updates can be vectorised; the agent owns
    the decisions: how it responds in a conflict, how it assesses the relationship, whether
    it leaves. When it exits, its last state is frozen on the agent and it never acts again.

    Subclass it to change how members decide (see :mod:`alliancesim.model.hooks`).
    """

    model: AllianceModel
    #: Parameters this class declares for its own mechanisms (see
    #: :mod:`alliancesim.params.declared`); read as ``self.model.params.<name>``.
    parameters: ClassVar[tuple[Parameter, ...]] = ()

    def __init__(self, model: AllianceModel, name: str, sector: int, slot: int,
                 country: str = "") -> None:
        super().__init__(model)
        self.name = name
        self.sector = SECTORS[sector]
        self.country = country  # as named in Hofstede's matrix; '' for a synthetic culture
        self.slot: int | None = slot
        self.exit_month: int | None = None
        self.exit_reason = ""
        self._frozen: dict[str, float] = {}

    # -- state, read from the model's arrays while active ----------------------------------
    @property
    def active(self) -> bool:
        """Whether the organization is still a member."""
        return self.slot is not None

    def _value(self, field: str) -> float:
        if self.slot is None:
            return self._frozen[field]
        return float(getattr(self.model.state, field)[self.slot])

    @property
    def commitment(self) -> float:
        """Continuous commitment in [0, 1]."""
        return self._value("commitment")

    @property
    def commitment_state(self) -> str:
        """committed / ambivalent / disengaged (with hysteresis), or exited."""
        if self.slot is None:
            return COMMITMENT_STATES[EXITED]
        return COMMITMENT_STATES[int(self.model.state.cstate[self.slot])]

    @property
    def skill(self) -> float:
        """Alliance-management skill in [0, 1]."""
        return self._value("skill")

    @property
    def openness(self) -> float:
        """Openness, the multicultural mindset, in [0, 1]."""
        return self._value("openness")

    @property
    def resources(self) -> float:
        """Resources the organization currently contributes."""
        return self._value("resources")

    @property
    def expectations(self) -> float:
        """Monthly value it expects the alliance to bring it."""
        return self._value("expectations")

    @property
    def culture(self) -> np.ndarray:
        """Culture profile on the six Hofstede-type dimensions (0-100); NaN where the
        member's country has no score."""
        if self.slot is None:
            return self._frozen_culture
        return self.model.state.culture[self.slot].copy()

    @property
    def goals(self) -> dict[str, float]:
        """Weights on the economic, social and ecological goal dimensions."""
        if self.slot is None:
            return dict(self._frozen_goals)
        return dict(zip(GOALS, self.model.state.goals[self.slot].tolist(), strict=True))

    def trust_toward(self, other: MemberOrganization) -> float:
        """Directed trust of this member toward ``other`` (both must be active)."""
        if self.slot is None or other.slot is None:
            raise ValueError(f"{self.name} or {other.name} is no longer a member")
        return float(self.model.state.trust[self.slot, other.slot])

    # -- behaviour -------------------------------------------------------------------------
    def choose_conflict_mode(self, partner: MemberOrganization,
                             noise: Sequence[float] | None = None) -> str:
        """Thomas-Kilmann response to a conflict with ``partner``.

        Assertiveness comes from the organization's culture; cooperativeness from its
        openness and its trust in the partner. Situational noise (standard normal draws,
        scaled by ``style_noise``; drawn here unless given) keeps responses varied. Each
        axis is read as low, middle or high around its midpoint (Thomas 1992).
        """
        model = self.model
        state, p = model.state, model.params
        me, other = self.slot, partner.slot
        assert me is not None and other is not None
        if noise is None:
            noise = model.rng.standard_normal(2).tolist()
        scale, band, share = p.style_noise, p.style_band, p.cooperativeness_openness_share
        # Plain floats: the same arithmetic as numpy scalars, without their overhead.
        assertive = _level(state.assertiveness.item(me) + scale * noise[0], band)
        cooperative = _level(share * state.openness.item(me)
                             + (1.0 - share) * state.trust.item(me, other)
                             + scale * noise[1], band)
        return CONFLICT_STYLES[assertive][cooperative]

    def wants_to_leave(self) -> bool:
        """A disengaged member leaves with a monthly chance damped by the legal form."""
        if self.commitment_state != "disengaged":
            return False
        rate = self.model.params.exit_rate * self.model.alliance.exit_barrier
        return bool(self.model.rng.random() < rate)

    def stays_at_reevaluation(self, judged_to_stay: bool) -> bool:
        """Whether the member goes on after a re-evaluation; ``judged_to_stay`` is the
        model's own judgement (its score against the stay threshold, and for a new round
        its propensity to renew). A subclass may decide otherwise."""
        return judged_to_stay

    def management_time_factor(self) -> float:
        """The multiple of its share of the members' management budget this member sets
        aside this month (1: its equal share; read only when a subclass overrides it)."""
        return 1.0

    def freeze(self, month: int, reason: str) -> None:
        """Record the final state and stop reading the arrays: the member has left."""
        state = self.model.state
        assert self.slot is not None
        self._frozen = {
            f: float(getattr(state, f)[self.slot])
            for f in ("commitment", "skill", "openness", "resources", "expectations")
        }
        self._frozen_culture = state.culture[self.slot].copy()
        self._frozen_goals = dict(zip(GOALS, state.goals[self.slot].tolist(), strict=True))
        self.slot = None
        self.exit_month = month
        self.exit_reason = reason


class AllianceManager(mesa.Agent):
    """A dedicated alliance manager (when the management mode gives a manager time).

    Brings a hired skill and the time of its share of the budget, gets to know this
    particular alliance as tenure grows, learns from the work it does (and from those it works
    with), forgets what it does not use, and may leave: the same rules as members'
    representatives, so whether one person is a single point of failure is a result.

    Subclass it and pass ``manager_class=`` to change how managers are hired, use their
    skill, learn and leave: the model calls the methods below (the stable hooks are listed
    in :mod:`alliancesim.model.hooks`).
    """

    model: AllianceModel
    #: Parameters this class declares for its own mechanisms (see
    #: :mod:`alliancesim.params.declared`); read as ``self.model.params.<name>``.
    parameters: ClassVar[tuple[Parameter, ...]] = ()

    def __init__(self, model: AllianceModel, name: str, skill: float, fte: float) -> None:
        super().__init__(model)
        self.name = name
        self.skill = skill
        self.hired_skill = skill  # the level learned skill fades back to
        self.fte = fte
        self.knowledge = self.initial_knowledge()
        self.start_month = model.month

    # -- hiring --------------------------------------------------------------------------
    @classmethod
    def hire(cls, model: AllianceModel, name: str, fte: float) -> Self:
        """A new manager called ``name`` takes up a post of ``fte``: called at the start and
        when a vacancy is filled. Draws the hiring skill (:meth:`hiring_skill`) first."""
        return cls(model, name, cls.hiring_skill(model), fte)

    @classmethod
    def hiring_skill(cls, model: AllianceModel) -> float:
        """The skill a new manager brings: drawn around the members' mean skill plus the
        professional's premium (``manager_skill_premium``, spread ``manager_skill_sd``),
        from the management stream, within [0, 1]."""
        p = model.params
        level = p.member_skill_mean + p.manager_skill_premium
        return float(np.clip(model.management_rng.normal(level, p.manager_skill_sd), 0.0, 1.0))

    def initial_knowledge(self) -> float:
        """How well a newcomer knows this alliance on arrival (``knowledge_initial``, as a
        member's new representative)."""
        return self.model.params.knowledge_initial

    # -- using skill ---------------------------------------------------------------------
    @property
    def effective_skill(self) -> float:
        """Skill, discounted by how little the manager yet knows the alliance: the skill
        every piece of work the manager does is done with."""
        weight = self.model.params.knowledge_weight
        return self.skill * (1.0 - weight + weight * self.knowledge)

    # -- learning ------------------------------------------------------------------------
    def learn(self) -> None:
        """Get to know the alliance's people and history a little better each month (called
        at the start of every month the manager stays)."""
        self.knowledge += self.model.params.knowledge_gain * (1.0 - self.knowledge)

    def learn_by_doing(self, time: float) -> None:
        """Close a share of the skill gap for ``time`` FTE-months of work, as members do
        (called after every piece of work the manager gave time to)."""
        rate = self.model.params.skill_learning_rate
        if rate > 0.0 and time > 0.0:
            self.skill += min(rate * time, 1.0) * (1.0 - self.skill)

    def learn_from_peers(self, level: float, time: float, rate: float) -> None:
        """Close a share ``rate * time`` of the gap to the skill ``level`` of co-workers
        (called at the month's end when members worked)."""
        if level > self.skill and time > 0.0:
            self.skill += min(rate * time, 1.0) * (level - self.skill)

    def fade(self, rate: float) -> None:
        """Skill above the hiring level fades, as members' skill above their entry level
        (called at every month's end)."""
        if self.skill > self.hired_skill:
            self.skill -= rate * (self.skill - self.hired_skill)

    def train(self, amount: float) -> None:
        """A training programme closes ``amount`` of the skill gap."""
        self.skill += amount * (1.0 - self.skill)

    # -- leaving -------------------------------------------------------------------------
    def decides_to_leave(self) -> bool:
        """Monthly turnover draw (called at the start of every month in post)."""
        return bool(self.model.management_rng.random() < self.model.params.manager_turnover)


LOW, MIDDLE, HIGH = 0, 1, 2
# Thomas-Kilmann styles by assertiveness (rows) and cooperativeness (columns); a middle
# reading on either axis is compromising (Thomas 1992).
CONFLICT_STYLES = (
    ("avoiding", "compromising", "accommodating"),
    ("compromising", "compromising", "compromising"),
    ("competing", "compromising", "collaborating"),
)


def _level(value: float, band: float) -> int:
    """Low, middle or high, around the midpoint 0.5 with a middle band of +/- ``band``."""
    if value >= 0.5 + band:
        return HIGH
    if value < 0.5 - band:
        return LOW
    return MIDDLE
