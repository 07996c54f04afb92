"""The population: organizations (column arrays plus thin Mesa agents), their ties, and the
alliance professionals of the labour market."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import mesa
import numpy as np

from alliancesim.ecosystem.parameters import PRACTICES
from alliancesim.model.agents import AllianceManager
from alliancesim.model.organizations import SECTORS, CandidatePool

if TYPE_CHECKING:
    from alliancesim.ecosystem.model import EcosystemModel
    from alliancesim.model.model import AllianceModel

NONE, TRAINED, FUNCTION = (PRACTICES.index(name) for name in PRACTICES)


class Organizations:
    """Every organization's traits (drawn once, as a candidate pool is) and what it carries
    from alliance to alliance, one array entry per organization."""

    def __init__(self, traits: CandidatePool, practice: np.ndarray) -> None:
        self.traits = traits
        n = len(traits)
        self.staff_skill = traits.skill.copy()  # the skill of its people in alliance work
        self.base_skill = traits.skill.copy()  # what newly hired, untrained people bring
        self.reputation = traits.reputation.copy()
        self.experience = np.zeros(n)  # alliances (past forming) it has been a member of
        self.practice = practice.astype(int)
        self.portfolio = np.zeros(n, dtype=int)  # alliances it is a member of now
        self.worked = np.zeros(n, dtype=bool)  # in alliance work at some time this year
        self.spend = np.zeros(n)  # management spending this year (FTE-years)
        self.practice_since = np.zeros(n, dtype=int)  # year the current practice began
        self.entered = np.zeros(n, dtype=int)  # year its organization entered (0: the start)
        # Organizations that left the population: (index, entered, name, sector, country,
        # size), so that the panel names whoever held an index in each year.
        self.former: list[tuple[int, int, str, int, str, float]] = []

    def replace(self, rows: np.ndarray, newcomers: CandidatePool, practice: np.ndarray,
                year: int) -> None:
        """Newcomers take the places ``rows`` of organizations that left in ``year``: their
        traits, their staff's skill, no experience, and ``practice``."""
        t = self.traits
        for k, row in enumerate(rows.tolist()):
            self.former.append((row, int(self.entered[row]), t.names[row], int(t.sector[row]),
                                t.country_name(row), float(t.resources[row])))
            t.names[row] = f"{newcomers.names[k]} ~{year}"  # unique: entry year in the name
        for name in ("sector", "country", "culture", "assertiveness", "goals", "openness",
                     "skill", "resources", "expectations", "reputation"):
            getattr(t, name)[rows] = getattr(newcomers, name)
        t.complete = not bool(np.isnan(t.culture).any())
        self.staff_skill[rows] = newcomers.skill
        self.base_skill[rows] = newcomers.skill
        self.reputation[rows] = newcomers.reputation
        self.experience[rows] = 0.0
        self.practice[rows] = practice
        self.portfolio[rows] = 0
        self.worked[rows] = False
        self.spend[rows] = 0.0
        self.practice_since[rows] = year
        self.entered[rows] = year

    def __len__(self) -> int:
        return len(self.staff_skill)

    @property
    def size(self) -> np.ndarray:
        """Organizations' size, read as the resources they bring to an alliance."""
        return self.traits.resources

    def pool(self, rows: np.ndarray) -> CandidatePool:
        """A candidate pool of the organizations in ``rows`` (in that order), as they are
        now: their staff's skill and their reputation, for one alliance's model."""
        t = self.traits
        return CandidatePool(
            names=[t.names[r] for r in rows.tolist()], sector=t.sector[rows],
            country=t.country[rows], culture=t.culture[rows],
            assertiveness=t.assertiveness[rows], goals=t.goals[rows],
            openness=t.openness[rows], skill=self.staff_skill[rows].copy(),
            resources=t.resources[rows], expectations=t.expectations[rows],
            reputation=self.reputation[rows].copy(),
            available=np.ones(len(rows), dtype=bool))


class Organization(mesa.Agent):
    """An organization of the ecosystem: a view on its row of :class:`Organizations`."""

    model: EcosystemModel

    def __init__(self, model: EcosystemModel, index: int) -> None:
        super().__init__(model)
        self.index = index

    @property
    def name(self) -> str:
        """The organization's name."""
        return self.model.orgs.traits.names[self.index]

    @property
    def sector(self) -> str:
        """Its sector."""
        return SECTORS[int(self.model.orgs.traits.sector[self.index])]

    @property
    def country(self) -> str:
        """Its country, or '' for a synthetic national culture."""
        return self.model.orgs.traits.country_name(self.index)

    @property
    def practice(self) -> str:
        """How it manages alliances: 'none', 'trained' (staff) or 'function'."""
        return PRACTICES[int(self.model.orgs.practice[self.index])]

    @property
    def staff_skill(self) -> float:
        """The alliance-management skill of its staff."""
        return float(self.model.orgs.staff_skill[self.index])

    @property
    def experience(self) -> float:
        """Alliances it has been a member of."""
        return float(self.model.orgs.experience[self.index])

    @property
    def reputation(self) -> float:
        """Its reputation as a partner, 0-1."""
        return float(self.model.orgs.reputation[self.index])

    @property
    def professionals(self) -> int:
        """Alliance professionals it employs."""
        return int(np.count_nonzero(self.model.people.employer == self.index))


class Ties:
    """Directed trust between organizations left by their past alliances, fading with time
    toward the initial level."""

    def __init__(self, initial: float, decay: float) -> None:
        self.initial = initial
        self.decay = decay
        self._trust: dict[int, dict[int, tuple[float, int]]] = {}

    def remember(self, a: int, b: int, trust: float, month: int) -> None:
        """``a``'s trust in ``b`` at the end of an alliance in ``month``."""
        self._trust.setdefault(a, {})[b] = (trust, month)

    def trust(self, a: int, b: int, month: int) -> float | None:
        """``a``'s trust in ``b`` now (faded since it was recorded), or None without a tie."""
        known = self._trust.get(a, {}).get(b)
        if known is None:
            return None
        value, since = known
        fade = (1.0 - self.decay) ** ((month - since) / 12.0)
        return self.initial + (value - self.initial) * fade

    def forget(self, gone: set[int]) -> None:
        """Drop every tie to and from the organizations in ``gone``."""
        for a in gone:
            self._trust.pop(a, None)
        for mine in self._trust.values():
            for b in gone & mine.keys():
                del mine[b]

    def partners(self, a: int) -> np.ndarray:
        """The organizations ``a`` has a tie with."""
        return np.fromiter(self._trust.get(a, {}), dtype=int)

    def excess(self, a: int, others: np.ndarray, month: int) -> np.ndarray:
        """Trust above the initial level that ``a`` has in each of ``others`` (0 without a
        tie; negative after a bad one)."""
        mine = self._trust.get(a)
        out = np.zeros(len(others))
        if not mine:
            return out
        for k, b in enumerate(others.tolist()):
            if b in mine:
                out[k] = self.trust(a, b, month) - self.initial  # type: ignore[operator]
        return out

    def __len__(self) -> int:
        return sum(len(v) for v in self._trust.values())


@dataclass
class People:
    """Alliance professionals, one entry each: their employer (-1 without a post), skill,
    the skill they were hired with, alliances managed, and alliances they manage now."""

    employer: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=int))
    skill: np.ndarray = field(default_factory=lambda: np.empty(0))
    entry_skill: np.ndarray = field(default_factory=lambda: np.empty(0))
    experience: np.ndarray = field(default_factory=lambda: np.empty(0))
    load: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=int))
    worked: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=bool))
    active: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=bool))  # in the
    # profession (False once they left it)
    employers: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=int))  # the
    # organizations each has worked for, in turn (a career)

    def __len__(self) -> int:
        return len(self.skill)

    def add(self, employer: int, skill: float) -> int:
        """A newcomer to the profession; returns its index."""
        self.employer = np.append(self.employer, employer)
        self.skill = np.append(self.skill, skill)
        self.entry_skill = np.append(self.entry_skill, skill)
        self.experience = np.append(self.experience, 0.0)
        self.load = np.append(self.load, 0)
        self.worked = np.append(self.worked, False)
        self.active = np.append(self.active, True)
        self.employers = np.append(self.employers, 1)
        return len(self.skill) - 1

    def hire(self, person: int, org: int) -> None:
        """``org`` hires ``person`` (from the market or from another organization)."""
        self.employer[person] = org
        self.employers[person] += 1

    def table(self) -> dict[str, np.ndarray]:
        """One entry per professional who ever entered the profession."""
        return {"professional": np.arange(len(self)), "employer": self.employer.copy(),
                "in_profession": self.active.copy(), "skill": self.skill.copy(),
                "entry_skill": self.entry_skill.copy(), "alliances_managed": self.experience.copy(),
                "managing_now": self.load.copy(), "employers": self.employers.copy()}

    def of(self, org: int) -> np.ndarray:
        """Indices of the professionals ``org`` employs."""
        return np.flatnonzero(self.employer == org)

    def counts(self, n_orgs: int) -> np.ndarray:
        """Professionals employed by each organization."""
        employed = self.employer[self.employer >= 0]
        return np.bincount(employed, minlength=n_orgs)

    def idle(self) -> np.ndarray:
        """Indices of professionals in the profession without a post."""
        return np.flatnonzero((self.employer < 0) & self.active)


class ProfessionalManager(AllianceManager):
    """The dedicated manager of an ecosystem's alliance: one of the population's
    professionals, hired at the skill of the professional appointed to the alliance
    (:func:`appoint`), at its founding or when another professional takes it over.

    Like every newcomer it starts out knowing the alliance at ``knowledge_initial`` (the
    hook ``initial_knowledge`` is the single model's): what a professional brings is skill,
    while knowledge of this alliance's people and history comes with tenure in it.
    Without an appointment it is hired as :class:`AllianceManager` is.
    """

    @classmethod
    def hiring_skill(cls, model: AllianceModel) -> float:
        """The appointed professional's skill (``model.appointed_skill``), else the
        single model's draw."""
        # Drawn all the same, so that the alliance's later management draws (turnover,
        # names) are those of the single model.
        drawn = super().hiring_skill(model)
        appointed = getattr(model, "appointed_skill", None)
        return drawn if appointed is None else float(appointed)


def appoint(alliance: AllianceModel, skill: float) -> None:
    """Name the professional (by its ``skill``) whom the alliance's next manager is; the
    alliance's model must have been made with ``manager_class=ProfessionalManager``."""
    alliance.appointed_skill = float(skill)  # type: ignore[attr-defined]
