"""Where partners come from: named country sets, and lists or weighted mixes of countries.

A run's candidate partners either have synthetic national cultures (drawn around each
sector's profile) or come from countries of Hofstede's matrix. Countries are given

- by a **named set** (the ``country_set`` parameter): a weighted list shipped here, such as
  ``"north_west_europe"``;
- as a **list** (``countries``): the countries of the candidates in the order they are drawn,
  so the first two are the founders'; a list shorter than the pool repeats, unless a mix
  fills the rest; an empty name (``""``) leaves that candidate's country to the mix or set
  (without one, to the listed countries in turn);
- as a **mix** (``country_mix``): weights from which every candidate not covered by the list
  draws its country.

Names are matrix names, codes or common aliases in any case (see
:func:`alliancesim.culture.country`); they are kept as matrix codes.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from alliancesim.bounds import MAX_COUNTRY_WEIGHT, shortened, shown
from alliancesim.culture.countries import UnknownCountryError, country, load_matrix
from alliancesim.params import COUNTRY_SETS, SYNTHETIC, suggest


def _equal_groups(*groups: tuple[str, ...]) -> dict[str, float]:
    """Weights giving every group the same share, split equally among its countries."""
    return {code: 1.0 / (len(groups) * len(group)) for group in groups for code in group}


# The countries (Hofstede matrix codes) of each named set and their weights. Every country
# chosen here has all six scores, so these sets compare on all six dimensions. Source: the
# sets are assumptions made to contrast a regional alliance with an intercontinental one.
NAMED_SETS: dict[str, dict[str, float]] = {
    # The North Sea and Baltic rim of western and northern Europe: the Benelux, Germany, the
    # British Isles and the Nordic countries (Iceland has only two scores and is left out),
    # equally likely.
    "north_west_europe": _equal_groups(
        ("NET", "BEL", "LUX", "GER", "GBR", "IRE", "DEN", "NOR", "SWE", "FIN"),
    ),
    # Europe, North America, South America and Asia, each a quarter of the candidates.
    "four_continents": _equal_groups(
        ("NET", "GER", "FRA", "SPA"),
        ("USA", "CAN", "MEX"),
        ("BRA", "ARG", "CHL", "COL"),
        ("JPN", "CHI", "IND", "IDO", "KOR"),
    ),
}
# Every country of the matrix (not its regions or sub-national groups), equally likely: a
# third of them lack some scores, so distances use the dimensions a pair shares.
WORLD = "world"
if set(NAMED_SETS) | {SYNTHETIC, WORLD} != set(COUNTRY_SETS):  # the names are defined in params
    raise ImportError(f"country sets {sorted(NAMED_SETS)} do not match the parameter's "
                      f"choices {sorted(COUNTRY_SETS)}")


class PartnersError(ValueError):
    """A list or mix of countries that cannot be used; ``field`` says which entry."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Partners:
    """The countries of the candidate partners, as matrix codes.

    ``countries``: the first candidates' countries in drawing order (founders first); ``""``
    leaves a place open. ``mix``: (code, weight) pairs from which the other candidates draw
    theirs.
    """

    countries: tuple[str, ...] = ()
    mix: tuple[tuple[str, float], ...] = ()

    def __bool__(self) -> bool:
        return any(self.countries) or bool(self.mix)

    def as_dict(self) -> dict[str, Any]:
        """The spec as a scenario file's ``[partners]`` table would write it (codes)."""
        data: dict[str, Any] = {}
        if self.countries:
            data["countries"] = list(self.countries)
        if self.mix:
            data["country_mix"] = dict(self.mix)
        return data


def _code(name: Any, field: str, open_allowed: bool = False) -> str:
    if not isinstance(name, str):
        raise PartnersError(field, f"must be a country name or code (text), got "
                                   f"{type(name).__name__} {name!r}")
    if open_allowed and not name.strip():
        return ""  # an open place: the mix, the set or the list decides
    try:
        return country(name).code
    except UnknownCountryError as error:
        raise PartnersError(field, str(error)) from None


def _weight(value: Any, field: str) -> float:
    # Bounded as well as finite: 1e308 is finite, but two of them sum to infinity, and
    # every candidate would then come from the last country of the mix.
    if isinstance(value, bool) or not isinstance(value, int | float) \
            or not math.isfinite(value) or not 0 < value <= MAX_COUNTRY_WEIGHT:
        raise PartnersError(field, f"a country's weight must be a positive number of at most "
                                   f"{MAX_COUNTRY_WEIGHT:g} (only the shares matter), got "
                                   f"{shown(value)}")
    return float(value)


def make_partners(countries: Iterable[Any] = (),
                  country_mix: Mapping[Any, Any] | None = None) -> Partners:
    """Check a list and a mix of countries and resolve their names to matrix codes.

    Raises :class:`PartnersError` naming the entry (``countries[2]``, ``country_mix.Japn``;
    entries count from 1) with a did-you-mean for an unknown country.
    """
    if isinstance(countries, str | bytes) or not isinstance(countries, Iterable):
        raise PartnersError("countries", f"must be a list of country names, got "
                                         f"{type(countries).__name__} {countries!r}")
    codes = tuple(_code(name, f"countries[{i}]", open_allowed=True)
                  for i, name in enumerate(countries, start=1))
    mix: dict[str, float] = {}
    if country_mix is not None:
        if not isinstance(country_mix, Mapping):
            raise PartnersError("country_mix", "must be a table of country = weight, got "
                                               f"{type(country_mix).__name__}")
        for name, weight in country_mix.items():
            field = f"country_mix.{shortened(str(name))}"
            code = _code(name, field)
            if code in mix:
                raise PartnersError(field, f"{country(code).label} is named twice in the mix")
            mix[code] = _weight(weight, field)
    return Partners(codes, tuple(mix.items()))


def as_partners(value: Partners | Mapping[str, Any] | None) -> Partners:
    """A :class:`Partners` from itself, ``None`` (no countries) or a mapping with
    ``countries`` and/or ``country_mix`` (the ``[partners]`` table of a scenario file)."""
    if value is None:
        return Partners()
    if isinstance(value, Partners):
        return value
    if not isinstance(value, Mapping):
        raise PartnersError("partners", "must be a table with 'countries' and/or "
                                        f"'country_mix', got {type(value).__name__}")
    known = ["countries", "country_mix"]
    unknown = sorted(set(value) - set(known))
    if unknown:
        name = unknown[0]
        raise PartnersError(name, f"unknown field {name!r}.{suggest(name, known)} Allowed "
                                  "fields: countries, country_mix")
    return make_partners(value.get("countries", ()), value.get("country_mix"))


def named_set(name: str) -> dict[str, float]:
    """The countries (codes) and weights of a named country set (a new dict)."""
    if name == WORLD:
        matrix = load_matrix()
        return {code: 1.0 for code, kind in zip(matrix.codes, matrix.kinds, strict=True)
                if kind == "country"}
    if name not in NAMED_SETS:
        allowed = ", ".join(repr(n) for n in [*NAMED_SETS, WORLD])
        raise KeyError(f"unknown country set {name!r}; allowed: {allowed}")
    return dict(NAMED_SETS[name])


def check_combination(partners: Partners, country_set: str) -> str | None:
    """Why ``partners`` and ``country_set`` cannot go together, or None if they can.

    A list of countries combines with a named set (the list first, then the set), but a mix
    and a named set would each say where the other candidates come from.
    """
    if partners.mix and country_set != SYNTHETIC:
        return (f"a country_mix and the country set {country_set!r} both say where the "
                "candidates come from; give one of the two")
    return None


def pool_countries(partners: Partners, country_set: str, uniforms: np.ndarray) -> np.ndarray:
    """Matrix rows of the countries of ``len(uniforms)`` candidates, or -1 for synthetic ones.

    The listed countries come first; the other candidates (and open places in the list)
    draw from the mix, or the named set, with ``uniforms``, else take the listed countries
    in turn. Without countries every candidate is synthetic.
    """
    problem = check_combination(partners, country_set)
    if problem is not None:
        raise ValueError(problem)
    size = len(uniforms)
    weights = dict(partners.mix) or (named_set(country_set) if country_set != SYNTHETIC
                                     else {})
    fixed = _rows(c for c in partners.countries if c)
    if not len(fixed) and not weights:
        return np.full(size, -1)
    if weights:
        codes, w = _rows(weights), np.cumsum(list(weights.values()))
        picks = np.searchsorted(w, uniforms * w[-1], side="right")
        rows = codes[np.minimum(picks, len(codes) - 1)]
    else:
        rows = fixed[np.arange(size) % len(fixed)]
    for place, code in enumerate(partners.countries[:size]):
        if code:
            rows[place] = _rows([code])[0]
    return rows


@functools.cache
def _row_of() -> dict[str, int]:
    return {code: row for row, code in enumerate(load_matrix().codes)}


def _rows(codes: Iterable[str]) -> np.ndarray:
    row_of = _row_of()
    return np.array([row_of[code] for code in codes], dtype=int)
