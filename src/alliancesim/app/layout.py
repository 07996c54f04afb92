"""Where each organization sits in the network picture: a seeded layout, fixed per run.

Members join and leave month by month, so the picture would jump about if it were laid out
again each step. Instead every candidate organization gets its place once, when the alliance
is (re)started: culturally similar organizations are tied together and a force-directed
layout pulls them close, so the picture shows cultural distance at a glance. The layout seed
comes from the run's seed through its own SeedSequence stream, never from the model's
generator, because drawing from that generator would change the simulated alliance.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import networkx as nx
import numpy as np

from alliancesim.model import AllianceModel
from alliancesim.model.organizations import CandidatePool

Position = tuple[float, float]
# Spawn key that separates the layout's random stream from the model's own streams.
LAYOUT_STREAM = 7_411
# Force-directed layout costs O(n^2) per iteration; above this pool size a projection of the
# culture profiles (with a little seeded jitter) places organizations instead.
SPRING_LIMIT = 400
CULTURE_NEIGHBOURS = 4


def layout_seed(seed: int) -> int:
    """A layout seed derived from the run's root seed (independent of the model's streams)."""
    sequence = np.random.SeedSequence(seed, spawn_key=(LAYOUT_STREAM,))
    return int(sequence.generate_state(1)[0])


def culture_layout(names: Sequence[str], culture: np.ndarray, seed: int) -> dict[str, Position]:
    """Positions in [0, 1]^2 for organizations with the given culture profiles (rows)."""
    n = len(names)
    if n == 0:
        return {}
    if n == 1:
        return {str(names[0]): (0.5, 0.5)}
    profiles = np.asarray(culture, dtype=float)
    rng = np.random.default_rng(layout_seed(seed))
    # The seeded jitter separates identical profiles and makes the picture the seed's own.
    start = _projection(profiles) + rng.normal(0.0, 0.03, (n, 2))
    if n <= SPRING_LIMIT:
        graph = _culture_graph(profiles)
        init = {i: tuple(start[i]) for i in range(n)}
        placed = nx.spring_layout(graph, pos=init, seed=layout_seed(seed), iterations=60)
        xy = np.array([placed[i] for i in range(n)])
    else:
        xy = start
    xy = _normalise(xy)
    return {str(name): (float(x), float(y)) for name, (x, y) in zip(names, xy, strict=True)}


def alliance_layout(model: AllianceModel, seed: int) -> dict[str, Position]:
    """Positions for every organization that could ever be a member of ``model``'s alliance.

    All members (founders, recruits, later entrants) come from the model's candidate pool,
    drawn when the model is created, so laying out the pool once covers the whole run.
    """
    pool = model.pool
    return culture_layout(list(pool.names), _scored(pool.culture), seed)


def _scored(culture: np.ndarray) -> np.ndarray:
    """Profiles with a missing score (a country the matrix does not score on a dimension)
    placed at the pool's mean on that dimension, for the picture only."""
    if not np.isnan(culture).any():
        return culture
    with np.errstate(invalid="ignore"):
        counts = (~np.isnan(culture)).sum(axis=0)
        means = np.where(counts > 0, np.nansum(culture, axis=0) / np.maximum(counts, 1), 50.0)
    return np.where(np.isnan(culture), means, culture)


def _projection(profiles: np.ndarray) -> np.ndarray:
    """The first two principal components of the profiles: a deterministic starting picture."""
    centred = profiles - profiles.mean(axis=0)
    _, _, axes = np.linalg.svd(centred, full_matrices=False)
    components = centred @ axes[:2].T
    if components.shape[1] < 2:
        components = np.column_stack([components, np.zeros(len(components))])
    return _normalise(components)


def _culture_graph(profiles: np.ndarray) -> nx.Graph:
    """Each organization tied to its culturally nearest neighbours, closer ties stronger."""
    n = len(profiles)
    distance = np.sqrt(((profiles[:, None, :] - profiles[None, :, :]) ** 2).sum(axis=-1))
    scale = float(np.median(distance[distance > 0])) if np.any(distance > 0) else 1.0
    graph = nx.Graph()
    graph.add_nodes_from(range(n))
    k = min(CULTURE_NEIGHBOURS, n - 1)
    nearest = np.argsort(distance, axis=1)[:, 1 : k + 1]
    for i in range(n):
        for j in nearest[i]:
            graph.add_edge(i, int(j), weight=float(np.exp(-distance[i, j] / scale)))
    return graph


def _normalise(xy: np.ndarray) -> np.ndarray:
    """Scale coordinates into [0, 1] on each axis (a constant axis sits at 0.5)."""
    low, high = xy.min(axis=0), xy.max(axis=0)
    span = np.where(high - low > 0, high - low, 1.0)
    out = (xy - low) / span
    return np.where(high - low > 0, out, 0.5)


# --- the ecosystem's population: one group per sector ------------------------------------------
# Each sector's group sits in a cell of its own, one unit wide, with room above it for its
# name; cells run in rows of ``columns`` (2: a square for a laptop's card; 4: one row for a
# projector's wide, low box).
GOLDEN_ANGLE = math.pi * (3.0 - math.sqrt(5.0))
GROUP_RADIUS = 0.45  # the largest group's radius, in cells (the groups never touch)
LABEL_ROOM = 0.3  # height above each cell for the group's name, in cells


def sector_centre(sector: int, columns: int = 2) -> Position:
    """Where sector number ``sector``'s group is centred, in cell units."""
    row, column = divmod(sector, columns)
    return (column + 0.5, row * (1.0 + LABEL_ROOM) + LABEL_ROOM + 0.5)


def sector_layout(traits: CandidatePool, columns: int = 2) -> list[Position]:
    """Positions (in cell units) for a population of organizations, one per organization,
    fixed for a run: each sector a disc of its own (see :func:`sector_centre`), the
    organizations in it evenly spread (a sunflower pattern, so none covers another even at
    1,000) and ordered by their culture's first principal component from the centre out, so
    culturally similar organizations sit in the same ring. Deterministic: no random draw."""
    n = len(traits)
    xy = np.zeros((n, 2))
    if n == 0:
        return []
    culture_order = _projection(_scored(np.asarray(traits.culture, dtype=float)))[:, 0] \
        if n > 1 else np.zeros(1)
    sectors = np.asarray(traits.sector, dtype=int)
    largest = max(int(np.count_nonzero(sectors == s)) for s in np.unique(sectors))
    for s in np.unique(sectors).tolist():
        members = np.flatnonzero(sectors == s)
        members = members[np.argsort(culture_order[members], kind="stable")]
        centre = sector_centre(s, columns)
        # Area follows the group's size, so spacing is the same in every group.
        radius = GROUP_RADIUS * math.sqrt(len(members) / largest)
        for k, org in enumerate(members.tolist()):
            r = radius * math.sqrt((k + 0.5) / len(members))
            xy[org] = (centre[0] + r * math.cos(k * GOLDEN_ANGLE),
                       centre[1] + r * math.sin(k * GOLDEN_ANGLE))
    return [(float(x), float(y)) for x, y in xy]
