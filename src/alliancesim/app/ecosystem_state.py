"""The ecosystem view's state: which ecosystem scenario, size and seed a class watches, the
run it steps a year at a time, and one plain sentence per year.

Plain Python, no Solara here (as :mod:`alliancesim.app.state`), so what every button does
and what every sentence says can be tested directly.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from alliancesim.app.layout import Position, sector_layout
from alliancesim.ecosystem.model import EcosystemModel
from alliancesim.ecosystem.parameters import PRACTICES
from alliancesim.ecosystem.population import FUNCTION, TRAINED
from alliancesim.ecosystem.scenario import (
    EcosystemScenario,
    EcosystemScenarioError,
    load_ecosystem_scenario,
)
from alliancesim.scenarios import scenarios_folder

ECOSYSTEMS_FOLDER = "ecosystems"
# Sizes a class can watch live. 300 organizations take about a tenth of a second per year
# on the project's 2-core machine; 1,000 (the baseline file's own size) up to about a second
# in late years, when many alliances are alive (docs/app.md gives the measured figures).
SIZES = (100, 300, 600, 1000)
DEFAULT_SIZE = 300
MONTHS_PER_YEAR = 12
MANAGEMENT_MODES = ("dedicated", "transversal", "none")
# A change of the wage smaller than this (relative) is said to leave it where it was.
STEADY_WAGE = 0.005
SQUARE, WIDE = 2, 4  # sector groups per row in the two pictures


@dataclass(frozen=True)
class EcoChoice:
    """An ecosystem scenario file as the picker offers it (or its loader's message)."""

    name: str
    path: Path
    scenario: EcosystemScenario | None = None
    error: str = ""

    @property
    def description(self) -> str:
        """The file's description ('' when it has none or does not load)."""
        return self.scenario.description if self.scenario is not None else ""


def ecosystems_folder() -> Path:
    """Where ecosystem scenarios live: ``ecosystems/`` of the scenarios folder the app was
    given, else of the project's own scenarios folder."""
    given = scenarios_folder() / ECOSYSTEMS_FOLDER
    if given.is_dir():
        return given
    return Path(__file__).resolve().parents[3] / "scenarios" / ECOSYSTEMS_FOLDER


def list_ecosystem_scenarios(folder: Path | None = None) -> list[EcoChoice]:
    """Every ecosystem scenario file in ``folder``, by name; a file that does not load is
    listed with the loader's one-line message instead of stopping the app."""
    folder = ecosystems_folder() if folder is None else folder
    choices = []
    for path in sorted(folder.glob("*.toml")) if folder.is_dir() else []:
        try:
            scenario = load_ecosystem_scenario(path)
        except EcosystemScenarioError as error:
            choices.append(EcoChoice(path.stem, path, error=str(error)))
            continue
        choices.append(EcoChoice(scenario.name, path, scenario))
    return sorted(choices, key=lambda c: c.name.lower())


@dataclass(frozen=True)
class EcoSettings:
    """What the next Reset starts: a scenario, the number of organizations and a seed."""

    scenario: EcosystemScenario = field(default_factory=EcosystemScenario)
    n_organizations: int = DEFAULT_SIZE
    seed: int = 0

    @classmethod
    def of(cls, choice: EcoChoice, n_organizations: int = DEFAULT_SIZE) -> EcoSettings:
        """Settings that open ``choice`` on its own seed."""
        if choice.scenario is None:
            raise ValueError(choice.error or f"{choice.path}: cannot be loaded")
        return cls(choice.scenario, n_organizations, choice.scenario.seed)


def opening_eco_settings(choices: list[EcoChoice] | None = None) -> EcoSettings:
    """The first scenario that loads (the baseline when it is there), else the defaults."""
    choices = list_ecosystem_scenarios() if choices is None else choices
    loaded = [c for c in choices if c.scenario is not None]
    baseline = [c for c in loaded if c.path.stem == "baseline"]
    return EcoSettings.of((baseline or loaded)[0]) if loaded else EcoSettings()


@dataclass(frozen=True)
class Year:
    """What one year left for the view: its ties, its figures and its sentence."""

    year: int
    practice: np.ndarray  # each organization's practice at the year's end (index into
    # PRACTICES)
    ties: dict[tuple[int, int], str]  # pair of organizations -> mode of an alliance they
    # shared this year
    new_ties: dict[tuple[int, int], str]  # the same, for alliances founded this year only
    figures: dict[str, float]  # the profession table's row (year 0: the starting state)
    founded: int  # alliances founded this year
    sentence: str


@dataclass(eq=False)
class EcoRun:
    """One ecosystem on screen: the model, its fixed layout, and its years so far.

    Stepping and restarting share a lock: the play loop steps from its own thread while a
    click may arrive at any time.
    """

    model: EcosystemModel
    layout: list[Position]  # the sectors' groups in a square (a laptop's card)
    wide_layout: list[Position]  # the same in one row (a projector's wide, low box)
    settings: EcoSettings
    years: list[Year] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _records_seen: int = 0

    @property
    def running(self) -> bool:
        """Whether a year is left to run."""
        return bool(self.model.running) and self.model.month < self.model.months

    @property
    def year(self) -> int:
        """The last year completed (0 before the first)."""
        return self.years[-1].year

    @property
    def last_year(self) -> int:
        """The scenario's last year."""
        return int(self.model.params.years)

    def step_year(self) -> bool:
        """Run the next twelve months and record the year; returns :attr:`running`."""
        with self.lock:
            if not self.running:
                return False
            founded = self.model.founded
            for _ in range(MONTHS_PER_YEAR):
                self.model.step()
            self._record(self.model.founded - founded)
            return self.running

    def _record(self, founded: int) -> None:
        model, before = self.model, self.years[-1]
        figures = {key: float(value) for key, value in model.profession[-1].items()}
        ended = model.records[self._records_seen:]
        self._records_seen = len(model.records)
        practice = model.orgs.practice.copy()
        sentence = year_sentence(int(figures["year"]), before.practice, practice,
                                 before.figures["wage"], figures, founded)
        year = int(figures["year"])
        self.years.append(Year(year, practice, year_ties(model, ended),
                               year_ties(model, ended, since_month=12 * (year - 1) + 1),
                               figures, founded, sentence))


def year_ties(model: EcosystemModel, ended: list[dict[str, Any]], since_month: int = 0,
              ) -> dict[tuple[int, int], str]:
    """Pairs of organizations that were in the same alliance this year (every member who was
    ever in it, as ``network.csv`` counts them), with the alliance's management mode: the
    alliances alive at the year's end and those that ended during it (only those founded
    in ``since_month`` or later, when given)."""
    groups = [(live.ever, live.mode) for live in model.live if live.start_month >= since_month]
    groups += [([int(m) for m in str(r["member_ids_ever"]).split(";") if m], str(r["mode"]))
               for r in ended if int(r["start_month"]) >= since_month]
    ties: dict[tuple[int, int], str] = {}
    for members, mode in groups:
        orgs = sorted(set(members))
        for i, a in enumerate(orgs):
            for b in orgs[i + 1:]:
                ties[(a, b)] = mode
    return ties


def starting_figures(model: EcosystemModel) -> dict[str, float]:
    """Year 0's row of the profession table: the practices and professionals drawn at the
    start, the base wage, nothing ended yet."""
    practice = model.orgs.practice
    figures = {"year": 0.0, "wage": float(model.wage),
               "professionals_employed": float(np.count_nonzero(model.people.employer >= 0)),
               **{f"share_{name}": float(np.mean(practice == k))
                  for k, name in enumerate(PRACTICES)}}
    for mode in MANAGEMENT_MODES:
        figures.update({f"ended_{mode}": 0.0, f"failed_{mode}": 0.0,
                        f"failed_share_{mode}": math.nan})
    return figures


def start_ecosystem(settings: EcoSettings) -> EcoRun:
    """A fresh ecosystem from the settings, at year 0 (nothing stepped yet)."""
    scenario = settings.scenario
    model = EcosystemModel(settings.seed, alliance=scenario.alliance,
                           partners=scenario.partners or None,
                           **{**scenario.ecosystem, "n_organizations": settings.n_organizations})
    practice = model.orgs.practice.copy()
    start = Year(0, practice, {}, {}, starting_figures(model), 0,
                 start_sentence(practice, int(model.params.years)))
    traits = model.orgs.traits
    return EcoRun(model, sector_layout(traits, SQUARE), sector_layout(traits, WIDE), settings,
                  [start])


# --- the year's sentence ---------------------------------------------------------------------
def count_words(n: int, one: str, many: str | None = None) -> str:
    """'1 organization', '12 organizations', 'no organization'."""
    if n == 0:
        return f"no {one}"
    return f"{n} {one if n == 1 else (many or one + 's')}"


def start_sentence(practice: np.ndarray, years: int) -> str:
    """Before the first year: how the organizations manage alliances at the start."""
    n = len(practice)
    function = int(np.count_nonzero(practice == FUNCTION))
    trained = int(np.count_nonzero(practice == TRAINED))
    return (f"Year 0: of {n:,} organizations, {function} have a dedicated alliance function "
            f"and {trained} train their staff in alliance work; the rest do neither. "
            f"Press Play or Step to watch {years} years.")


def practice_changes(before: np.ndarray, after: np.ndarray) -> str:
    """Who set up or closed an alliance function, and began or stopped training staff."""
    opened = int(np.count_nonzero((after == FUNCTION) & (before != FUNCTION)))
    closed = int(np.count_nonzero((before == FUNCTION) & (after != FUNCTION)))
    began = int(np.count_nonzero((after == TRAINED) & (before != TRAINED)))
    stopped = int(np.count_nonzero((before == TRAINED) & (after != TRAINED)))
    if not (opened or closed or began or stopped):
        return "no organization changed how it manages alliances"
    parts = []
    if opened or closed:
        parts.append(f"{count_words(opened, 'organization')} created an alliance function, "
                     f"{closed} closed theirs")
    if began or stopped:
        parts.append(f"{count_words(began, 'organization')} began training their staff, "
                     f"{stopped} stopped")
    return "; ".join(parts)


def wage_words(before: float, after: float) -> str:
    """'professionals' wage rose 4% (to 1.04 FTE-years)', or stayed."""
    change = after / before - 1.0 if before > 0 else 0.0
    if abs(change) < STEADY_WAGE:
        return f"professionals' wage stayed at {after:.2f} FTE-years"
    verb = "rose" if change > 0 else "fell"
    return f"professionals' wage {verb} {abs(change):.0%} (to {after:.2f} FTE-years)"


def ended_words(figures: dict[str, float]) -> str:
    """'9 of 20 alliances that ended failed', or that none ended."""
    ended = sum(int(figures.get(f"ended_{mode}", 0)) for mode in MANAGEMENT_MODES)
    failed = sum(int(figures.get(f"failed_{mode}", 0)) for mode in MANAGEMENT_MODES)
    if ended == 0:
        return "no alliance ended"
    return f"{failed} of {ended} alliance{'s' if ended != 1 else ''} that ended failed"


def year_sentence(year: int, before: np.ndarray, after: np.ndarray, wage_before: float,
                  figures: dict[str, float], founded: int) -> str:
    """One plain sentence of what a year did: practices taken up and dropped, the wage,
    alliances founded and how many of those that ended failed."""
    return (f"Year {year}: {practice_changes(before, after)}; "
            f"{wage_words(wage_before, figures['wage'])}; "
            f"{count_words(founded, 'alliance')} founded, {ended_words(figures)}.")
