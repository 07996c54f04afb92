"""A mechanism of one's own, with its parameter declared where it lives: a coach closes a
share of the members' skill gap every month."""

from alliancesim.model import AllianceModel
from alliancesim.params import Parameter

COACHING = Parameter(
    "coaching_rate", "float", 0.1, "share of the members' skill gap a coach closes each month",
    unit="1/month", low=0.0, high=0.5, source="assumption", mechanism="coaching", off=0.0,
    label="coaching rate")


class CoachedAlliance(AllianceModel):
    """Members are coached: their skill moves towards 1 at ``coaching_rate`` a month."""

    parameters = (COACHING,)

    def step(self) -> None:
        skill = self.state.skill
        skill[:] = skill + self.params.coaching_rate * (1.0 - skill)
        super().step()


class OtherCoachedAlliance(CoachedAlliance):
    """The same mechanism under another name: a second level of a class factor."""


class UncoachedAlliance(AllianceModel):
    """Declares nothing: cannot take ``coaching_rate``."""
