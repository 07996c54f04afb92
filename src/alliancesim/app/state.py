"""What the app holds between clicks: the settings a class chose and the alliances it watches.

Plain Python, no Solara here, so the behaviour behind every button can be tested directly:
the components only call these functions and redraw.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from alliancesim.app.layout import Position, alliance_layout
from alliancesim.app.moments import Moment, Story
from alliancesim.culture import Partners
from alliancesim.model import AllianceModel
from alliancesim.params import MANAGEMENT_MODES, defaults, validate_parameters
from alliancesim.scenarios import ScenarioError
from alliancesim.scenarios.running import ScheduledEntry
from alliancesim.scenarios.stories import COMPARED_MODES, TimelineLog

DEFAULT_SEED = 1
# The comparison the class discusses: a dedicated profession against a transversal skill.
DEFAULT_MODES: tuple[str, str] = (COMPARED_MODES[0], COMPARED_MODES[1])
SEED_LIMIT = 2**63
# A projector shows an alliance a class can follow name by name: about a class's size.
CLASSROOM_MEMBERS = 24
FOUNDERS = 2  # an alliance starts from two founding organizations (model.phases.FOUNDERS)


class SeedError(ValueError):
    """A seed entry that is not a whole number in the allowed range."""


def parse_seed(text: str) -> int:
    """The integer seed in ``text``, or :class:`SeedError` with a message for the class."""
    cleaned = text.strip().replace("_", "")
    if not cleaned:
        raise SeedError("Enter a seed: a whole number such as 1 or 42.")
    if not cleaned.isdigit():
        raise SeedError(f"The seed must be a whole number of 0 or more, not {text.strip()!r}.")
    seed = int(cleaned)
    if seed >= SEED_LIMIT:
        raise SeedError(f"The seed must be below {SEED_LIMIT:,}.")
    return seed


@dataclass(frozen=True)
class Settings:
    """The parameters, seed, timeline and partners' countries the next Reset starts an
    alliance with."""

    params: Mapping[str, Any] = field(default_factory=defaults)
    seed: int = DEFAULT_SEED
    timeline: tuple[ScheduledEntry, ...] = ()
    scenario: str = ""
    teaching_seed: int | None = None  # the scenario's seed on which its story happens
    description: str = ""  # the scenario's description, read aloud before play
    # An AllianceModel subclass passed in Python (App(Settings(model_class=...))); the app
    # never imports a class a scenario file names.
    model_class: type[AllianceModel] = AllianceModel
    # The candidates' countries beyond the country set (the founders' from the pickers).
    partners: Partners = field(default_factory=Partners)

    def with_parameter(self, name: str, value: Any) -> Settings:
        """These settings with one parameter changed (validated against its definition)."""
        return replace(self, params=validate_parameters({**self.params, name: value}))

    @property
    def founders(self) -> tuple[str, ...]:
        """The founding members' countries (matrix codes; '' where none is chosen)."""
        chosen = self.partners.countries[:FOUNDERS]
        return chosen + ("",) * (FOUNDERS - len(chosen))

    def with_founder(self, place: int, code: str) -> Settings:
        """These settings with founding member ``place``'s country set to ``code`` ('' leaves
        it to the country set); later places of a scenario's list are kept."""
        countries = list(self.partners.countries)
        countries += [""] * (FOUNDERS - len(countries))
        countries[place] = code
        while countries and not countries[-1]:
            countries.pop()  # trailing open places say nothing
        return replace(self, partners=Partners(tuple(countries), self.partners.mix))

    def with_mode(self, mode: str) -> dict[str, Any]:
        """The parameters with ``management_mode`` set to ``mode``."""
        if mode not in MANAGEMENT_MODES:
            raise ValueError(f"unknown management mode {mode!r}; allowed: "
                             + ", ".join(MANAGEMENT_MODES))
        return {**self.params, "management_mode": mode}

    @property
    def on_teaching_seed(self) -> bool:
        """Whether the seed is the scenario's teaching seed."""
        return self.teaching_seed is not None and self.seed == self.teaching_seed


def classroom_params(params: Mapping[str, Any], limit: int = CLASSROOM_MEMBERS,
                     ) -> dict[str, Any]:
    """``params`` with the number of members sought capped at ``limit`` (for a projector)."""
    if int(params["n_members"]) <= limit:
        return dict(params)
    return validate_parameters({**params, "n_members": limit})


@dataclass(eq=False)
class Watched:
    """One alliance on screen with its fixed network layout and what it has shown so far."""

    model: AllianceModel
    layout: dict[str, Position]
    story: Story
    label: str = ""


@dataclass(eq=False)
class Run:
    """The alliances one view steps together: one in the live view, two in the comparison.

    Stepping and restarting share a lock because the play loop steps from its own thread
    while a click may arrive at any time.
    """

    watched: tuple[Watched, ...]
    settings: Settings
    problem: str = ""
    capped_from: int | None = None  # members sought before the projector's cap
    fresh: list[Moment] = field(default_factory=list)  # key moments of the last step
    paused_at: int | None = None  # the month play stopped at for a key moment
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    @property
    def models(self) -> tuple[AllianceModel, ...]:
        """The alliance models, in display order."""
        return tuple(w.model for w in self.watched)

    @property
    def running(self) -> bool:
        """Whether any of the alliances can still advance."""
        return any(m.running for m in self.models)

    @property
    def month(self) -> int:
        """The furthest month reached (alliances stepped together differ only once ended)."""
        return max(m.month for m in self.models)

    def step(self) -> bool:
        """Advance every alliance still running by one month; returns :attr:`running`.

        A scenario intervention that cannot apply (a named partner who is not a member) is
        reported in :attr:`problem` instead of stopping the app; the month goes on.
        """
        with self.lock:
            self.fresh = []
            for watched in self.watched:
                if watched.model.running:
                    try:
                        watched.model.step()
                    except ScenarioError as error:
                        self.problem = str(error)
                    self.fresh += watched.story.update(watched.model)
            return self.running


def build_alliance(params: Mapping[str, Any], settings: Settings, label: str = "") -> Watched:
    """A fresh alliance from ``params`` and the settings' seed and timeline, with its layout
    and a story that follows its timeline."""
    model = settings.model_class(rng=settings.seed, partners=settings.partners, **dict(params))
    log = TimelineLog.of(settings.timeline)
    if settings.timeline:
        model.schedule(log.tracked())
    return Watched(model, alliance_layout(model, settings.seed), Story(model, log), label)


def _capped(settings: Settings, projector: bool) -> tuple[dict[str, Any], int | None]:
    params = dict(settings.params)
    if not projector or int(params["n_members"]) <= CLASSROOM_MEMBERS:
        return params, None
    return classroom_params(params), int(params["n_members"])


def start_live(settings: Settings, projector: bool = False) -> Run:
    """A fresh single alliance for the live view (capped at a class's size on a projector)."""
    params, capped_from = _capped(settings, projector)
    return Run((build_alliance(params, settings),), settings, capped_from=capped_from)


def start_comparison(settings: Settings, modes: tuple[str, str] = DEFAULT_MODES,
                     projector: bool = False) -> Run:
    """Two fresh alliances, same seed and parameters, differing only in management mode.

    With the same seed both draw the same candidate pool and founders, so the differences
    the class sees come from how the alliance is managed (common random numbers).
    """
    params, capped_from = _capped(settings, projector)
    pair = tuple(build_alliance({**settings.with_mode(mode), "n_members": params["n_members"]},
                                settings, label=mode)
                 for mode in modes)
    return Run(pair, settings, capped_from=capped_from)
