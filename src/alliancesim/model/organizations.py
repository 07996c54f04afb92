"""Candidate organizations: sectors, countries, culture profiles, goals and names.

The pool is drawn once per run from the model's random generator; members are recruited
from it during forming and later entries.

A candidate's culture is its national culture plus its organizational culture. National
culture is either synthetic (the sector's typical profile plus a normal national deviation
scaled by ``cultural_diversity``) or its country's scores in Hofstede's matrix; the
organizational part is the sector's deviation from the mean sector profile (already inside
the synthetic profile) plus the organization's own deviation.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from alliancesim.culture import dimension_means, load_matrix
from alliancesim.culture.partners import Partners, pool_countries
from alliancesim.params import SYNTHETIC

SECTORS = ("business", "ngo", "government", "knowledge_institute")
SECTOR_LABELS = {
    "business": "business",
    "ngo": "NGO",
    "government": "government",
    "knowledge_institute": "knowledge institute",
}
GOALS = ("economic", "social", "ecological")

# Typical organizational-culture profile of each sector on the six Hofstede dimensions.
# Source: stylised assumption after sector contrasts in cross-sector partnership studies
# (Austin & Seitanidi 2012; Babiak & Thibault 2009): businesses more masculine, governments
# more uncertainty-avoiding and hierarchical, knowledge institutes more long-term oriented.
SECTOR_CULTURE = np.array(
    [
        [45.0, 65.0, 65.0, 50.0, 55.0, 55.0],  # business
        [35.0, 55.0, 30.0, 45.0, 50.0, 60.0],  # NGO
        [62.0, 45.0, 45.0, 75.0, 60.0, 40.0],  # government
        [40.0, 70.0, 40.0, 55.0, 72.0, 55.0],  # knowledge institute
    ]
)
# What each sector's organizations add to, or take from, their country's culture: the
# sector's profile minus the mean of the four. Source: the profiles above.
SECTOR_DEVIATION = SECTOR_CULTURE - SECTOR_CULTURE.mean(axis=0)
# Thomas-Kilmann assertiveness read from culture: masculine cultures press their own case
# and individualist ones put their own goals first (Hofstede 2001; Ting-Toomey 1988).
ASSERTIVE_DIMENSIONS = (1, 2)  # individualism, masculinity
# Dirichlet concentration of each sector's goal weights (economic, social, ecological).
# Source: stylised assumption: each sector leans to its own mission (Austin & Seitanidi 2012).
SECTOR_GOALS = np.array(
    [
        [6.0, 2.0, 2.0],
        [1.5, 5.0, 4.0],
        [2.5, 5.0, 3.5],
        [3.0, 3.5, 3.5],
    ]
)
# Sector shares of the candidate pool per ``sector_mix``. Source: assumption.
SECTOR_WEIGHTS = {
    "cross_sector": np.array([0.4, 0.25, 0.2, 0.15]),
    "business": np.array([1.0, 0.0, 0.0, 0.0]),
    "public_private": np.array([0.55, 0.0, 0.45, 0.0]),
}
# One unit of ``cultural_diversity`` spreads national culture by 10 points per dimension,
# about half the spread of country scores in Hofstede's matrix (standard deviations of 19-24
# points), so diversity 2 draws partners about as different as the world's countries.
NATIONAL_SD = 10.0

NAMES = {
    "business": (
        "GreenCo", "Solvera", "NorthPort Logistics", "Bright Foods", "Kestrel Energy",
        "Medina Textiles", "Atlas Water", "Helix Pharma", "Orbis Retail", "TerraBuild",
        "BlueLeaf Packaging", "Corvid Mobility", "Sunfield Agro", "Delta Chemicals",
        "Harbour Bank", "Vireo Telecom",
    ),
    "ngo": (
        "Fair Harvest", "River Trust", "Open Hands", "Clean Air Alliance", "WildPath",
        "Children First", "Seed Savers", "Water for All", "Earth Guard", "Common Ground",
    ),
    "government": (
        "the City", "the Province", "the Water Board", "the Ministry of Environment",
        "the Port Authority", "the Regional Development Agency", "the Municipality of Arden",
        "the Health Authority",
    ),
    "knowledge_institute": (
        "Delta University", "the Applied Sciences Institute", "Polder Research",
        "the Circular Economy Lab", "the Business School", "the Climate Institute",
    ),
}


@dataclass
class CandidatePool:
    """Organizations that could join the alliance, as column arrays."""

    names: list[str]
    sector: np.ndarray  # index into SECTORS
    country: np.ndarray  # row of Hofstede's matrix, -1 for a synthetic national culture
    culture: np.ndarray  # (n, 6) Hofstede-type profile, 0-100; NaN where a country has none
    assertiveness: np.ndarray  # Thomas-Kilmann assertiveness read from culture, 0-1
    goals: np.ndarray  # (n, 3) weights summing to one
    openness: np.ndarray
    skill: np.ndarray
    resources: np.ndarray
    expectations: np.ndarray
    reputation: np.ndarray
    available: np.ndarray  # bool: not yet invited

    # Whether every candidate has a score on every dimension (no country lacks one), so
    # that distances can take the fast path.
    complete: bool = field(init=False)

    def __post_init__(self) -> None:
        self.complete = not bool(np.isnan(self.culture).any())

    def __len__(self) -> int:
        return len(self.names)

    def country_name(self, row: int) -> str:
        """The candidate's country as named in the matrix, or '' for a synthetic culture."""
        code = int(self.country[row])
        return load_matrix().names[code] if code >= 0 else ""


def _beta_with_mean(rng: np.random.Generator, mean: float, size: int,
                    strength: float) -> np.ndarray:
    mean = min(max(mean, 0.01), 0.99)  # the beta distribution needs a mean inside (0, 1)
    return rng.beta(mean * strength, (1.0 - mean) * strength, size)


def _names(rng: np.random.Generator, sector: np.ndarray) -> list[str]:
    used: dict[str, int] = {}
    # Plain ints (tolist): indexing with numpy integers is several times slower.
    shuffled = {s: [NAMES[s][k] for k in rng.permutation(len(NAMES[s])).tolist()]
                for s in SECTORS}
    names = []
    for code in sector.tolist():
        s = SECTORS[code]
        k = used.get(s, 0)
        base = shuffled[s][k % len(shuffled[s])]
        names.append(base if k < len(shuffled[s]) else f"{base} {k // len(shuffled[s]) + 1}")
        used[s] = k + 1
    return names


def _uniform(z: np.ndarray) -> np.ndarray:
    """Standard normal draws turned into uniform ones on (0, 1) by the normal CDF."""
    return np.array([0.5 * math.erfc(-v / math.sqrt(2.0)) for v in z.tolist()])


def _cultures(sector: np.ndarray, z: np.ndarray, own: np.ndarray, params: Any,
              partners: Partners) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Countries (-1: synthetic), culture profiles and assertiveness of the candidates.

    ``z`` are the standard normal draws of the synthetic national deviations. With countries
    they are not needed as such: their first column, made uniform, draws the countries, so
    that every path uses the same random numbers and the same seed gives candidates who
    differ in culture only.
    """
    p = params
    if not partners and p.country_set == SYNTHETIC:
        national = (NATIONAL_SD * p.cultural_diversity) * z
        culture = np.clip(SECTOR_CULTURE[sector] + national + own, 0.0, 100.0)
        country = np.full(len(sector), -1)
        return country, culture, culture[:, ASSERTIVE_DIMENSIONS].mean(axis=1) / 100.0
    country = pool_countries(partners, p.country_set, _uniform(z[:, 0]))
    scores = load_matrix().scores[country]
    organizational = SECTOR_DEVIATION[sector] + own
    culture = np.clip(scores + organizational, 0.0, 100.0)  # a missing score stays NaN
    # Assertiveness needs both scores: a country without one reads the mean over countries.
    filled = np.where(np.isnan(scores), dimension_means(), scores) + organizational
    filled = np.clip(filled, 0.0, 100.0)
    return country, culture, filled[:, ASSERTIVE_DIMENSIONS].mean(axis=1) / 100.0


def draw_pool(rng: np.random.Generator, size: int, params: Any,
              partners: Partners | None = None) -> CandidatePool:
    """Draw ``size`` candidate organizations for a run with the given parameters, their
    countries from ``partners`` and the ``country_set`` parameter."""
    p = params
    weights = np.cumsum(SECTOR_WEIGHTS[p.sector_mix])
    sector = np.searchsorted(weights, rng.random(size) * weights[-1], side="right")
    z = rng.standard_normal((size, 6))
    own = rng.normal(0.0, p.organizational_culture_sd, (size, 6))
    country, culture, assertiveness = _cultures(sector, z, own, p, partners or Partners())
    # Dirichlet draws, all at once: independent gammas normalised to sum to one.
    gammas = rng.standard_gamma(SECTOR_GOALS[sector])
    goals = gammas / gammas.sum(axis=1, keepdims=True)
    return CandidatePool(
        names=_names(rng, sector),
        sector=sector,
        country=country,
        culture=culture,
        assertiveness=assertiveness,
        goals=goals,
        openness=_beta_with_mean(rng, p.openness_mean, size, p.trait_concentration),
        skill=_beta_with_mean(rng, p.member_skill_mean, size, p.trait_concentration),
        resources=rng.lognormal(0.0, p.resource_spread, size),
        expectations=rng.uniform(p.expectation_mean - p.expectation_spread,
                                 p.expectation_mean + p.expectation_spread, size),
        reputation=rng.uniform(0.0, 1.0, size),
        available=np.ones(size, dtype=bool),
    )
