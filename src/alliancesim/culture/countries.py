"""Hofstede's country scores: the shipped dimension data matrix, looked up by name or code.

The matrix (edition 2015-12-08, see ``alliancesim/data/README.md``) is read once, on first use,
and kept for the life of the process. Scores are returned as numpy arrays in the order of
``DIMENSIONS``, with NaN where the matrix has no score.
"""

from __future__ import annotations

import csv
import difflib
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources

import numpy as np

from alliancesim.bounds import shown

DIMENSIONS = ("pdi", "idv", "mas", "uai", "lto", "ivr")
DIMENSION_NAMES = {
    "pdi": "power distance",
    "idv": "individualism",
    "mas": "masculinity",
    "uai": "uncertainty avoidance",
    "lto": "long-term orientation",
    "ivr": "indulgence",
}
KINDS = ("country", "region", "subnational")
EDITION = "2015-12-08"
DATA_FILE = "hofstede_2015_12_08.csv"

# Everyday names for entries whose matrix name is abbreviated or old-fashioned. Keys are in
# normalised form (see ``normalise``); values are matrix codes. ISO codes are deliberately not
# aliases: several of Hofstede's codes are ISO codes of *other* countries (SLV, MNG, CAF, BEN).
ALIASES = {
    "us": "USA",
    "united states": "USA",
    "united states of america": "USA",
    "america": "USA",
    "uk": "GBR",
    "united kingdom": "GBR",
    "britain": "GBR",
    "england": "GBR",  # the matrix scores Great Britain as a whole
    "holland": "NET",
    "the netherlands": "NET",
    "korea": "KOR",
    "south korea": "KOR",
    "republic of korea": "KOR",
    "czech republic": "CZE",
    "czechia": "CZE",
    "slovakia": "SLK",
    "slovak republic": "SLK",
    "dominican republic": "DOM",
    "kyrgyzstan": "KYR",
    "kyrgyz republic": "KYR",
    "macedonia": "MAC",
    "north macedonia": "MAC",
    "bosnia and herzegovina": "BOS",
    "viet nam": "VIE",
    "russian federation": "RUS",
}


class UnknownCountryError(LookupError):
    """A name or code that is not in the matrix; ``suggestions`` lists close entries."""

    def __init__(self, query: str, suggestions: list[str]) -> None:
        self.query = query
        self.suggestions = suggestions
        message = f"unknown country {shown(query)} (Hofstede dimension data matrix, {EDITION})"
        if suggestions:
            message += "; did you mean " + ", ".join(suggestions) + "?"
        else:
            message += "; alliancesim.culture.country_names() lists the entries"
        super().__init__(message)


@dataclass(frozen=True, eq=False)
class Country:
    """One entry of the matrix: its code, name, kind and six scores (NaN where missing)."""

    code: str
    name: str
    kind: str
    scores: np.ndarray

    @property
    def label(self) -> str:
        """Name and code, as used in messages: ``"Netherlands (NET)"``."""
        return f"{self.name} ({self.code})"

    @property
    def available(self) -> np.ndarray:
        """Boolean mask over ``DIMENSIONS``: which scores the matrix has."""
        return ~np.isnan(self.scores)

    @property
    def n_dimensions(self) -> int:
        """How many of the six dimensions have a score."""
        return int(self.available.sum())

    @property
    def missing(self) -> tuple[str, ...]:
        """The dimensions without a score."""
        return tuple(d for d, ok in zip(DIMENSIONS, self.available, strict=True) if not ok)


@dataclass(frozen=True, eq=False)
class HofstedeMatrix:
    """The whole matrix, in file order. ``scores`` is read-only, shape (entries, 6)."""

    codes: tuple[str, ...]
    names: tuple[str, ...]
    kinds: tuple[str, ...]
    scores: np.ndarray

    def __len__(self) -> int:
        return len(self.codes)

    def entry(self, row: int) -> Country:
        """The entry in ``row`` as a ``Country`` (its scores are a read-only view)."""
        return Country(self.codes[row], self.names[row], self.kinds[row], self.scores[row])

    def rows_of_kind(self, kinds: Iterable[str] = ("country",)) -> np.ndarray:
        """Boolean mask of the rows whose kind is in ``kinds``."""
        wanted = _check_kinds(kinds)
        return np.array([kind in wanted for kind in self.kinds])


def _check_kinds(kinds: Iterable[str]) -> frozenset[str]:
    wanted = frozenset([kinds] if isinstance(kinds, str) else kinds)
    unknown = wanted - set(KINDS)
    if unknown:
        raise ValueError(f"unknown kind(s) {sorted(unknown)}; choose from {KINDS}")
    return wanted


def _parse_score(cell: str) -> float:
    return float(cell) if cell.strip() else np.nan


@functools.cache
def load_matrix() -> HofstedeMatrix:
    """Read the shipped matrix (once per process; later calls return the same object)."""
    text = resources.files("alliancesim").joinpath("data", DATA_FILE).read_text("utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    scores = np.array([[_parse_score(r[d]) for d in DIMENSIONS] for r in rows])
    scores.setflags(write=False)  # shared by every caller, so nobody may edit it in place
    return HofstedeMatrix(
        codes=tuple(r["code"] for r in rows),
        names=tuple(r["country"] for r in rows),
        kinds=tuple(r["kind"] for r in rows),
        scores=scores,
    )


def normalise(text: str) -> str:
    """Lookup key for a name or code: case-folded, dots and apostrophes dropped, spaces tidied.

    So ``"U.S.A."``, ``"usa"`` and ``" USA "`` are the same key, and so are ``"Korea, South"``
    and ``"korea south"``.
    """
    key = text.casefold().replace("&", " and ")
    key = re.sub(r"[.'’]", "", key)
    key = re.sub(r"[\s,\-_/()]+", " ", key)
    return key.strip()


@functools.cache
def _lookup_table() -> dict[str, int]:
    """Normalised code, name and alias -> row. Codes first, so a code always wins."""
    matrix = load_matrix()
    row_of_code = {code: row for row, code in enumerate(matrix.codes)}
    table: dict[str, int] = {}
    for row, code in enumerate(matrix.codes):
        table.setdefault(normalise(code), row)
    for row, name in enumerate(matrix.names):
        table.setdefault(normalise(name), row)
    for alias, code in ALIASES.items():
        table.setdefault(alias, row_of_code[code])
    return table


def _suggestions(key: str, limit: int = 3) -> list[str]:
    """Labels of the entries whose name, code or alias is closest to ``key``."""
    table = _lookup_table()
    matrix = load_matrix()
    close = difflib.get_close_matches(key, list(table), n=3 * limit, cutoff=0.6)
    labels: list[str] = []
    for match in close:
        label = matrix.entry(table[match]).label
        if label not in labels:
            labels.append(label)
    return labels[:limit]


def country(query: str) -> Country:
    """The entry named ``query``: a matrix code, a matrix name or a common alias, any case.

    Raises ``UnknownCountryError`` (a ``LookupError``) listing close entries when nothing matches.
    """
    key = normalise(query)
    row = _lookup_table().get(key)
    if row is None:
        raise UnknownCountryError(query, _suggestions(key))
    return load_matrix().entry(row)


def profile(query: str) -> np.ndarray:
    """The six scores of ``query`` as a new float array, NaN where the matrix has none."""
    return np.array(country(query).scores, dtype=float)


def profiles(queries: Iterable[str]) -> np.ndarray:
    """Scores of several entries, one row each, shape (len(queries), 6)."""
    rows = [profile(q) for q in queries]
    return np.array(rows, dtype=float).reshape(len(rows), len(DIMENSIONS))


def countries(kinds: Iterable[str] = ("country",)) -> list[Country]:
    """The entries of the given kinds, in matrix order (by default the 101 countries)."""
    matrix = load_matrix()
    mask = matrix.rows_of_kind(kinds)
    return [matrix.entry(row) for row in np.flatnonzero(mask)]


def country_names(kinds: Iterable[str] = ("country",)) -> list[str]:
    """Matrix names of the entries of the given kinds, sorted alphabetically (for pickers)."""
    return sorted((c.name for c in countries(kinds)), key=str.casefold)
