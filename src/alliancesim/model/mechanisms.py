"""Pure mechanisms shared by the model: cultural distance, trust, commitment, alignment, fit.

Every function here is side-effect free and works on numpy arrays, so the model can apply it
to all members at once and the tests can check it against hand-computed cases.
"""

from __future__ import annotations

import numpy as np

from alliancesim.culture import RANDOM_PAIR_DISTANCE, dimension_variances
from alliancesim.culture import kogut_singh_matrix as shared_kogut_singh_matrix
from alliancesim.model import kernels

CULTURE_DIMENSIONS = (
    "power_distance",
    "individualism",
    "masculinity",
    "uncertainty_avoidance",
    "long_term_orientation",
    "indulgence",
)
# Kogut & Singh (1988) divide each dimension by its variance across countries: here the
# sample variance over the countries of Hofstede's dimension data matrix, 2015-12-08 edition
# (shipped in ``alliancesim/data``). A fixed reference keeps a homogeneous alliance reading
# as close.
REFERENCE_VARIANCES = np.asarray(dimension_variances())
_REFERENCE_SCALE = 1.0 / np.sqrt(REFERENCE_VARIANCES)

# ndarray.sum() without its Python-level wrapper: the same reduction, called directly.
_sum = np.add.reduce

COMMITTED, AMBIVALENT, DISENGAGED, EXITED = 0, 1, 2, 3
COMMITMENT_STATES = ("committed", "ambivalent", "disengaged", "exited")


def population_variances(profiles: np.ndarray) -> np.ndarray:
    """Variance of every culture dimension across ``profiles`` (rows are organizations)."""
    return np.var(np.asarray(profiles, dtype=float), axis=0)


def kogut_singh(a: np.ndarray, b: np.ndarray, variances: np.ndarray) -> float:
    """Kogut & Singh (1988) index: mean over dimensions of (a_d - b_d)^2 / V_d."""
    diff = np.asarray(a, dtype=float) - np.asarray(b, dtype=float)
    return float(np.mean(diff * diff / variances))


def kogut_singh_matrix(
    rows: np.ndarray, cols: np.ndarray, variances: np.ndarray
) -> np.ndarray:
    """Kogut-Singh index between every profile in ``rows`` and every profile in ``cols``.

    Uses |x|^2 + |y|^2 - 2 x.y on variance-scaled profiles, so memory stays O(n^2) rather
    than O(n^2 * dimensions).
    """
    # The reference variances' scale is computed once (the same division, made at import).
    scale = _REFERENCE_SCALE if variances is REFERENCE_VARIANCES else 1.0 / np.sqrt(variances)
    x = np.asarray(rows, dtype=float) * scale
    y = np.asarray(cols, dtype=float) * scale
    sq = _sum(x * x, axis=1)[:, None] + _sum(y * y, axis=1)[None, :] - 2.0 * (x @ y.T)
    return np.maximum(sq, 0.0) / x.shape[1]


def partial_kogut_singh(
    rows: np.ndarray, cols: np.ndarray, variances: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Kogut-Singh between profiles that may lack scores (NaN), and how many dimensions each
    pair was compared on.

    Each pair's index is the mean over the dimensions both profiles have (the index keeps
    its scale however many enter); a pair sharing none gets ``RANDOM_PAIR_DISTANCE``, the
    mean index between two countries drawn at random.
    """
    result = shared_kogut_singh_matrix(rows, cols, variances)
    values = np.where(result.n_dimensions > 0, result.values, RANDOM_PAIR_DISTANCE)
    return values, result.n_dimensions


def update_trust(trust: np.ndarray | float, signal: float, gain: float,
                 loss_ratio: float) -> np.ndarray | float:
    """Asymmetric trust update (Slovic 1993).

    A positive signal ``s`` moves trust up by ``gain * s * (1 - T)``; a negative one moves it
    down by ``gain * loss_ratio * |s| * T``. The result always stays in [0, 1].
    """
    if signal >= 0.0:
        updated = trust + gain * signal * (1.0 - trust)
    else:
        updated = trust + gain * loss_ratio * signal * trust
    if isinstance(updated, float):  # scalar fast path (numpy float64 is a float too)
        return min(max(updated, 0.0), 1.0)
    return np.clip(updated, 0.0, 1.0)


# Next state by previous state (rows) and band (columns): the bands are below the
# disengaged threshold's lower edge, within its hysteresis, between the thresholds, within the
# committed threshold's hysteresis, and above its upper edge.
_NEXT_STATE = np.array([
    [DISENGAGED, AMBIVALENT, AMBIVALENT, COMMITTED, COMMITTED],
    [DISENGAGED, AMBIVALENT, AMBIVALENT, AMBIVALENT, COMMITTED],
    [DISENGAGED, DISENGAGED, AMBIVALENT, AMBIVALENT, COMMITTED],
    [EXITED] * 5,
])
# The same table, for the compiled monthly update (alliancesim.model.kernels.next_states).
NEXT_STATE = _NEXT_STATE


def band_edges(committed_at: float, disengaged_below: float, hysteresis: float) -> np.ndarray:
    """The four edges of the commitment bands used by :func:`commitment_states`."""
    return np.array([disengaged_below - hysteresis, disengaged_below + hysteresis,
                     committed_at - hysteresis, committed_at + hysteresis])


def commitment_states(previous: np.ndarray, commitment: np.ndarray,
                      edges: np.ndarray) -> np.ndarray:
    """Discrete commitment states with hysteresis.

    A member only changes state once its commitment has crossed a threshold by more than the
    hysteresis, so a value jittering around a threshold does not flip the state each month.
    ``edges`` come from :func:`band_edges`.
    """
    band = np.searchsorted(edges, commitment, side="right")
    return _NEXT_STATE[np.asarray(previous), band]


def initial_commitment_state(commitment: float, committed_at: float,
                             disengaged_below: float) -> int:
    """The state of a newly joined member with this commitment, read without a previous
    state (newcomers all start at ``commitment_initial``, so one reading serves them all)."""
    if commitment >= committed_at:
        return COMMITTED
    if commitment < disengaged_below:
        return DISENGAGED
    return AMBIVALENT  # also for a commitment that is not a number


def total_variation(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Total-variation distance between goal-weight vectors (rows sum to one), in [0, 1]."""
    return 0.5 * _sum(np.abs(np.subtract(a, b)), axis=-1)


def ambition_alignment(ambitions: np.ndarray) -> float:
    """One minus the mean total-variation distance of each member's ambition to the centroid."""
    if len(ambitions) == 0:
        return 0.0
    n = len(ambitions)
    centroid = _sum(ambitions, axis=0) / n
    return 1.0 - float(_sum(total_variation(ambitions, centroid))) / n


def converge_ambitions(ambitions: np.ndarray, trust: np.ndarray, rate: float) -> np.ndarray:
    """One round of trust-weighted ambition pooling ("developing the dream").

    Each member moves its ambition a share ``rate`` toward the trust-weighted mean of its
    partners' ambitions (DeGroot 1974).
    """
    # Trust in oneself (the diagonal) is excluded from the pooling weights.
    totals = _sum(trust, axis=1) - trust.diagonal()
    pooled = np.empty_like(ambitions)
    kernels.pool_ambitions(ambitions, trust.dot(ambitions), trust, totals, rate, pooled)
    return pooled


GOVERNANCE_FORMS = ("shared", "lead_organization", "network_administrative_organization")


def fitting_governance(members: int, trust: float, shared_max_members: int,
                       shared_min_trust: float, lead_max_members: int) -> str:
    """The governance form Provan & Kenis (2008) expect to fit an alliance.

    Shared participant governance suits few members with high trust; a lead organization
    suits a moderate size; a network administrative organization suits many members.
    """
    if members <= shared_max_members and trust >= shared_min_trust:
        return "shared"
    if members <= lead_max_members:
        return "lead_organization"
    return "network_administrative_organization"


def governance_fit(chosen: str, fitting: str) -> float:
    """1 for the fitting form, 0.5 for a neighbouring form, 0 for the opposite one."""
    gap = abs(GOVERNANCE_FORMS.index(chosen) - GOVERNANCE_FORMS.index(fitting))
    return 1.0 - 0.5 * gap
