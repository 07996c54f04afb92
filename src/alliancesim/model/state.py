"""Member state kept as numpy arrays, one row per active member.

Rows are compacted when a member leaves, so every array holds exactly the active members and
pairwise state (trust, cultural distance) costs O(n^2) memory without masks. Each
:class:`~alliancesim.model.agents.MemberOrganization` knows its row through ``slot``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from alliancesim.model import kernels
from alliancesim.model.mechanisms import (
    CULTURE_DIMENSIONS,
    REFERENCE_VARIANCES,
    initial_commitment_state,
    kogut_singh_matrix,
    partial_kogut_singh,
    total_variation,
)
from alliancesim.model.organizations import CandidatePool

_ROW_FIELDS = (
    "sector", "culture", "goals", "ambition", "commitment", "cstate", "skill", "skill_entry",
    "openness", "resources", "base_resources", "expectations", "assertiveness", "joined",
    "knowledge",
)
# ndarray.sum() without its Python-level wrapper: the same reduction, called directly.
_sum = np.add.reduce
# Resources count as recovered once every member is within this much of its base level.
RECOVERED = kernels.RECOVERED


def without_row(values: np.ndarray, slot: int) -> np.ndarray:
    """``np.delete(values, slot, axis=0)``: a new array without row ``slot``, made by one
    concatenation (np.delete's Python-level work costs several times more)."""
    return np.concatenate((values[:slot], values[slot + 1:]))


def without_pair(matrix: np.ndarray, slot: int) -> np.ndarray:
    """A new pairwise matrix without row and column ``slot`` (C-ordered, as np.delete's)."""
    rows = np.concatenate((matrix[:slot], matrix[slot + 1:]))
    return np.concatenate((rows[:, :slot], rows[:, slot + 1:]), axis=1)


class MemberArrays:
    """Column arrays of the active members plus their pairwise trust and distance."""

    def __init__(self, params: Any) -> None:
        # Only set-up parameters are kept: the cached composition below depends on them.
        self.proximity_decay = params.proximity_decay
        self.goal_conflict_weight = params.goal_conflict_weight
        self.thresholds = (params.committed_threshold, params.disengaged_threshold)
        # The number of active members (rows), kept as a plain int: read several times a
        # month, where len() would call back into Python.
        self.size = 0
        self.sector = np.empty(0, dtype=int)
        self.culture = np.empty((0, 6))
        self.goals = np.empty((0, 3))
        self.ambition = np.empty((0, 3))
        self.commitment = np.empty(0)
        self.cstate = np.empty(0, dtype=int)
        self.skill = np.empty(0)
        self.skill_entry = np.empty(0)
        self.openness = np.empty(0)
        self.resources = np.empty(0)
        self.base_resources = np.empty(0)
        self.base_resources_total = 0.0  # their sum, read every month (viability)
        self.expectations = np.empty(0)
        self.assertiveness = np.empty(0)
        self.joined = np.empty(0, dtype=int)
        # Knowledge of this alliance's people and history of each member's representative.
        self.knowledge = np.empty(0)
        self.trust = np.empty((0, 0))
        self.distance = np.empty((0, 0))
        self.goal_gap = np.empty((0, 0))
        self.distance_mean = 0.0
        # The fewest culture dimensions any two members were compared on (all six unless a
        # member's country lacks scores).
        self.dimensions_min = len(CULTURE_DIMENSIONS)
        self.sector_diversity = 0.0
        self.off_diagonal = np.empty((0, 0))
        self.partner_weights = np.empty(0)
        self.partner_distance = np.empty(0)
        self.is_pair = np.empty((0, 0), dtype=bool)
        self.proximity = np.empty((0, 0))
        self._proneness = np.empty((0, 0))
        self._proneness_cumulative: list[float] = []
        self._proneness_weight: float | None = None
        self.pair_proneness_sum = 0.0
        self.commitment_moved = False
        self.resources_short = False
        self.last_joined = -1
        self.conflict_proneness = np.empty((0, 0))

    def __len__(self) -> int:
        return self.size

    def add(self, pool: CandidatePool, rows: np.ndarray, month: int, trust_initial: float,
            commitment_initial: float, knowledge_initial: float = 0.0) -> None:
        """Append the pool's ``rows`` as new members with initial trust, commitment and
        knowledge of the alliance."""
        k, n = len(rows), self.size
        culture = pool.culture[rows]
        commitment = np.full(k, commitment_initial)
        # Concatenation below copies every column, so a column drawn from the pool once
        # can start two fields (skill and its entry level, goals and ambition).
        goals, skill, resources = pool.goals[rows], pool.skill[rows], pool.resources[rows]
        new = {
            "sector": pool.sector[rows],
            "culture": culture,
            "goals": goals,
            "ambition": goals,
            "commitment": commitment,
            "cstate": np.full(k, initial_commitment_state(commitment_initial,
                                                          *self.thresholds)),
            "skill": skill,
            "skill_entry": skill,
            "openness": pool.openness[rows],
            "resources": resources,
            "base_resources": resources,
            "expectations": pool.expectations[rows],
            "assertiveness": pool.assertiveness[rows],
            "joined": np.full(k, month),
            "knowledge": np.full(k, knowledge_initial),
        }
        self.last_joined = month
        for name in _ROW_FIELDS:
            setattr(self, name, np.concatenate([getattr(self, name), new[name]]))
        self.size = n + k
        trust = np.full((n + k, n + k), trust_initial)
        trust[:n, :n] = self.trust
        trust.ravel()[:: n + k + 1] = 1.0  # the diagonal, as np.fill_diagonal sets it
        self.trust = trust
        distance = np.empty((n + k, n + k))
        distance[:n, :n] = self.distance
        cross = self._newcomer_distances(pool, culture)
        distance[n:, :] = cross
        distance[:, n:] = cross.T
        self.distance = distance
        self.goal_gap = total_variation(self.goals[:, None, :], self.goals[None, :, :])
        self._refresh_composition()
        self.commitment_moved = True  # newcomers' states are read at the end of the month

    def _newcomer_distances(self, pool: CandidatePool, culture: np.ndarray) -> np.ndarray:
        """Kogut-Singh between the newcomers (the last rows of ``self.culture``, whose
        profiles are ``culture``) and every member, newcomers included."""
        if pool.complete:
            return kogut_singh_matrix(culture, self.culture, REFERENCE_VARIANCES)
        cross, shared = partial_kogut_singh(culture, self.culture, REFERENCE_VARIANCES)
        k, n = cross.shape[0], cross.shape[1] - cross.shape[0]
        own = (np.arange(k), n + np.arange(k))
        cross[own] = 0.0  # a member is no distance from itself, scored or not
        shared[own] = len(CULTURE_DIMENSIONS)  # and is not a pair
        if cross.shape[1] > 1:
            self.dimensions_min = min(self.dimensions_min, int(shared.min()))
        return cross

    def remove(self, slot: int) -> None:
        """Delete the row (and pairwise row and column) of the member in ``slot``."""
        for name in _ROW_FIELDS:
            setattr(self, name, without_row(getattr(self, name), slot))
        self.size -= 1
        self.trust = without_pair(self.trust, slot)
        self.distance = without_pair(self.distance, slot)
        self.goal_gap = without_pair(self.goal_gap, slot)
        self._refresh_composition()

    def _refresh_composition(self) -> None:
        # Distance, sector mix and pooled resources change only with membership, so they are
        # cached here.
        self.base_resources_total = float(_sum(self.base_resources))
        self.distance_mean = self.mean_offdiagonal(self.distance)
        n = self.size
        # 1 - identity, built without np.eye's Python-level work (the same zeros and ones).
        off_diagonal = np.ones((n, n))
        off_diagonal.ravel()[:: n + 1] = 0.0
        self.off_diagonal = off_diagonal
        self.partner_weights = np.full(n, 1.0 / max(n - 1, 1))
        self.partner_distance = self.distance.dot(self.partner_weights)  # mean over partners
        self.is_pair = self.off_diagonal.astype(bool)
        self.proximity = np.exp(-self.proximity_decay * self.distance)
        self.conflict_proneness = (1.0 + self.goal_conflict_weight * self.goal_gap) \
            * self.off_diagonal
        self._proneness_weight = None
        sectors = int(np.count_nonzero(np.bincount(self.sector))) if n else 1
        self.sector_diversity = (sectors - 1) / 3

    def lose_resources(self, share: float) -> None:
        """A shock takes ``share`` of every member's resources."""
        self.resources *= 1.0 - share
        self.resources_short = True

    def recover_resources(self, rate: float) -> None:
        """Lost resources return at ``rate`` a month, until they are (all but) back."""
        if kernels.recover(self.resources, self.base_resources, rate):
            self.resources[:] = self.base_resources
            self.resources_short = False

    def newcomers(self, month: int, months: int) -> int:
        """Members that joined within the last ``months`` months."""
        if month - self.last_joined >= months:
            return 0
        return int(np.count_nonzero(self.joined > month - months))

    def shift_commitment(self, delta: float | np.ndarray, rows: list[int] | None = None) -> None:
        """Commitment moves by ``delta`` (of all members, or those in ``rows``), within
        [0, 1]; the commitment states are read again at the end of the month."""
        c = self.commitment
        if rows is None:
            if isinstance(delta, np.ndarray):
                if delta.shape == c.shape:
                    kernels.shift_each(c, delta)
                else:  # a delta broadcast over the members
                    np.clip(c + delta, 0.0, 1.0, out=c)
            else:
                kernels.shift_all(c, delta)
        else:
            for r in rows:  # plain floats: the same arithmetic, without numpy scalars
                c[r] = min(max(float(c[r]) + delta, 0.0), 1.0)
        self.commitment_moved = True

    def knowledge_factor(self, knowledge_weight: float) -> np.ndarray:
        """How much of its skill each representative brings, knowing the alliance as it
        does: 1 - weight + weight * knowledge."""
        return 1.0 - knowledge_weight + knowledge_weight * self.knowledge

    def get_to_know(self, gain: float) -> None:
        """Every representative knows the alliance a little better each month."""
        kernels.get_to_know(self.knowledge, gain)

    def replace_representatives(self, rows: np.ndarray, knowledge_initial: float) -> None:
        """New representatives in ``rows``: back to the entry skill, new to the alliance."""
        self.skill[rows] = self.skill_entry[rows]
        self.knowledge[rows] = knowledge_initial

    def fade_skills(self, rate: float) -> None:
        """Skill above a member's entry level fades at ``rate`` a month."""
        kernels.fade(self.skill, self.skill_entry, rate)

    def pair_proneness(self, culture_weight: float) -> np.ndarray:
        """What makes each pair prone to conflict apart from trust and the alliance's state:
        goal divergence and cultural distance (zero on the diagonal). Cached until the
        membership or the weight changes."""
        if self._proneness_weight != culture_weight:
            self._proneness = self.conflict_proneness * (1.0 + culture_weight * self.distance)
            # A plain list: one pair is drawn at a time, and bisect beats numpy there.
            self._proneness_cumulative = np.cumsum(self._proneness.ravel()).tolist()
            self.pair_proneness_sum = self._proneness_cumulative[-1] if len(self) else 0.0
            self._proneness_weight = culture_weight
        return self._proneness

    def pair_proneness_cumulative(self, culture_weight: float) -> list[float]:
        """Cumulative sum of :meth:`pair_proneness` over the flattened matrix (for draws)."""
        if self._proneness_weight != culture_weight:
            self.pair_proneness(culture_weight)
        return self._proneness_cumulative

    def mean(self, values: np.ndarray) -> float:
        """Mean over members of a per-member array (0 without members)."""
        n = len(values)
        return float(_sum(values)) / n if n else 0.0

    def mean_offdiagonal(self, matrix: np.ndarray) -> float:
        """Mean of a pairwise matrix over distinct pairs (0 with fewer than two members)."""
        n = self.size
        if n < 2:
            return 0.0
        # Python floats: the same double arithmetic as numpy scalars, without their overhead.
        # The diagonal summed as ndarray.trace sums it (add.reduce), without its wrapper.
        return (float(_sum(matrix, axis=None)) - float(_sum(matrix.diagonal()))) \
            / (n * (n - 1))

    def min_offdiagonal(self, matrix: np.ndarray) -> float:
        """Smallest value of a pairwise matrix over distinct pairs."""
        if self.size < 2:
            return 0.0
        return float(kernels.min_offdiagonal(matrix, self.is_pair))
