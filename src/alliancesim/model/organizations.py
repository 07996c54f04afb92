"""Candidate organizations: sectors, culture profiles, goals and names.

The pool is drawn once per run from the model's random generator; members are recruited
from it during forming and later entries.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

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
    culture: np.ndarray  # (n, 6) Hofstede-type profile, 0-100
    goals: np.ndarray  # (n, 3) weights summing to one
    openness: np.ndarray
    skill: np.ndarray
    resources: np.ndarray
    expectations: np.ndarray
    reputation: np.ndarray
    available: np.ndarray  # bool: not yet invited

    def __len__(self) -> int:
        return len(self.names)


def _beta_with_mean(rng: np.random.Generator, mean: float, size: int,
                    strength: float) -> np.ndarray:
    mean = min(max(mean, 0.01), 0.99)  # the beta distribution needs a mean inside (0, 1)
    return rng.beta(mean * strength, (1.0 - mean) * strength, size)


def _names(rng: np.random.Generator, sector: np.ndarray) -> list[str]:
    used: dict[str, int] = {}
    shuffled = {s: [NAMES[s][k] for k in rng.permutation(len(NAMES[s]))] for s in SECTORS}
    names = []
    for code in sector:
        s = SECTORS[code]
        k = used.get(s, 0)
        base = shuffled[s][k % len(shuffled[s])]
        names.append(base if k < len(shuffled[s]) else f"{base} {k // len(shuffled[s]) + 1}")
        used[s] = k + 1
    return names


def draw_pool(rng: np.random.Generator, size: int, params: Any) -> CandidatePool:
    """Draw ``size`` candidate organizations for a run with the given parameters."""
    p = params
    weights = np.cumsum(SECTOR_WEIGHTS[p.sector_mix])
    sector = np.searchsorted(weights, rng.random(size) * weights[-1], side="right")
    national = rng.normal(0.0, NATIONAL_SD * p.cultural_diversity, (size, 6))
    own = rng.normal(0.0, p.organizational_culture_sd, (size, 6))
    culture = np.clip(SECTOR_CULTURE[sector] + national + own, 0.0, 100.0)
    # Dirichlet draws, all at once: independent gammas normalised to sum to one.
    gammas = rng.standard_gamma(SECTOR_GOALS[sector])
    goals = gammas / gammas.sum(axis=1, keepdims=True)
    return CandidatePool(
        names=_names(rng, sector),
        sector=sector,
        culture=culture,
        goals=goals,
        openness=_beta_with_mean(rng, p.openness_mean, size, p.trait_concentration),
        skill=_beta_with_mean(rng, p.member_skill_mean, size, p.trait_concentration),
        resources=rng.lognormal(0.0, p.resource_spread, size),
        expectations=rng.uniform(p.expectation_mean - p.expectation_spread,
                                 p.expectation_mean + p.expectation_spread, size),
        reputation=rng.uniform(0.0, 1.0, size),
        available=np.ones(size, dtype=bool),
    )
