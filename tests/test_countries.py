"""Hofstede's country scores as shipped, their lookup, and Kogut-Singh against worked pairs."""

from __future__ import annotations

import csv
import hashlib
import statistics
import tomllib
from importlib import resources
from pathlib import Path

import numpy as np
import pytest

from alliancesim.culture import (
    DIMENSIONS,
    ORIGINAL_DIMENSIONS,
    UnknownCountryError,
    countries,
    country,
    country_distance,
    country_names,
    dimension_variances,
    kogut_singh,
    kogut_singh_matrix,
    load_matrix,
    profile,
    profiles,
)

DATA = resources.files("alliancesim").joinpath("data", "hofstede_2015_12_08.csv")
SHA256 = "b1356de2789bd54a395488ffde8d659c5aa9546bfe67242304974dd47901e602"
REGIONS = {"AFE", "AFW", "ARA"}
SUBNATIONAL = {"BEF", "BEN", "CAF", "GEE", "SAW", "SWF", "SWG"}


def raw_rows() -> list[dict[str, str]]:
    """The shipped file read with the csv module only, independently of the code under test."""
    return list(csv.DictReader(DATA.read_text("utf-8").splitlines()))


def hand_variance(dimension: str) -> float:
    """Sample variance of one dimension over the countries that have it, from the raw file."""
    values = [float(r[dimension]) for r in raw_rows() if r["kind"] == "country" and r[dimension]]
    return statistics.variance(values)


# --- the file ----------------------------------------------------------------------------


def test_file_checksum_is_the_checked_copy():
    # Changing the data must be deliberate: update this checksum and the data README together.
    assert hashlib.sha256(DATA.read_bytes()).hexdigest() == SHA256


def test_file_shape_and_columns():
    rows = raw_rows()
    assert len(rows) == 111
    assert list(rows[0]) == ["code", "country", *DIMENSIONS, "kind"]
    assert all(len(r) == 9 for r in rows)


def test_codes_are_unique_three_letter_codes():
    codes = [r["code"] for r in raw_rows()]
    assert len(set(codes)) == len(codes)
    assert all(len(c) == 3 and c.isupper() for c in codes)


def test_kinds_flag_the_regions_and_subnational_groups():
    rows = raw_rows()
    assert {r["code"] for r in rows if r["kind"] == "region"} == REGIONS
    assert {r["code"] for r in rows if r["kind"] == "subnational"} == SUBNATIONAL
    assert sum(r["kind"] == "country" for r in rows) == 101


def test_scores_are_whole_numbers_from_0_to_100():
    values = [int(r[d]) for r in raw_rows() for d in DIMENSIONS if r[d]]
    assert min(values) == 0  # Puerto Rico LTO, Pakistan IVR
    assert max(values) == 100  # the 2015-12-08 edition rescaled the few raw scores above 100


@pytest.mark.parametrize(
    ("code", "blank"),
    [
        ("ALB", {"pdi", "idv", "mas", "uai"}),
        ("AND", {"pdi", "idv", "mas", "uai", "lto"}),
        ("ARM", {"pdi", "idv", "mas", "uai", "ivr"}),
        ("ISR", {"ivr"}),
        ("BEF", {"lto", "ivr"}),
        ("GEE", {"pdi", "idv", "mas", "uai"}),
        ("NET", set()),
    ],
)
def test_blanks_where_the_matrix_has_none(code, blank):
    row = next(r for r in raw_rows() if r["code"] == code)
    assert {d for d in DIMENSIONS if not row[d]} == blank


def test_known_rows_as_published():
    rows = {r["code"]: r for r in raw_rows()}
    assert [rows["NET"][d] for d in DIMENSIONS] == ["38", "80", "14", "53", "67", "68"]
    assert [rows["SLK"][d] for d in DIMENSIONS] == ["100", "52", "100", "51", "77", "28"]
    assert rows["USA"]["country"] == "U.S.A."
    assert rows["BEN"]["country"] == "Belgium Netherl"


def test_coverage():
    national = countries()
    assert len(national) == 101
    assert sum(c.n_dimensions == 6 for c in national) == 62
    assert sum(c.n_dimensions == 6 for c in countries(("country", "region", "subnational"))) == 65


def test_package_data_is_declared_for_installation():
    pyproject = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())
    assert "data/*.csv" in pyproject["tool"]["setuptools"]["package-data"]["alliancesim"]


# --- loading and lookup ------------------------------------------------------------------


def test_matrix_is_loaded_once_and_read_only():
    assert load_matrix() is load_matrix()
    with pytest.raises(ValueError):
        load_matrix().scores[0, 0] = 1.0


def test_profile_is_a_fresh_float_array_with_nan_for_missing_scores():
    israel = profile("Israel")
    assert israel.dtype == float
    assert israel[:5] == pytest.approx([13, 54, 47, 81, 38])
    assert np.isnan(israel[5])
    israel[0] = 99.0  # a copy: the shared matrix is untouched
    assert profile("ISR")[0] == 13.0


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("Netherlands", "NET"),
        ("netherlands", "NET"),
        ("  NETHERLANDS ", "NET"),
        ("net", "NET"),
        ("Holland", "NET"),
        ("U.S.A.", "USA"),
        ("usa", "USA"),
        ("United States", "USA"),
        ("UK", "GBR"),
        ("Great Britain", "GBR"),
        ("South Korea", "KOR"),
        ("Korea, South", "KOR"),
        ("Czech Republic", "CZE"),
        ("Slovakia", "SLK"),
        ("Arab countries", "ARA"),
    ],
)
def test_lookup_by_name_code_or_alias_in_any_case(query, code):
    assert country(query).code == code


def test_unknown_country_suggests_close_names():
    with pytest.raises(UnknownCountryError) as caught:
        country("Netherland")
    assert caught.value.suggestions[0] == "Netherlands (NET)"
    assert "did you mean Netherlands (NET)" in str(caught.value)
    with pytest.raises(LookupError, match=r"did you mean Brazil \(BRA\)"):
        country("Brasil")


def test_unknown_country_without_close_names_says_where_to_look():
    with pytest.raises(UnknownCountryError, match="country_names") as caught:
        country("Xq")
    assert caught.value.suggestions == []


def test_profiles_stack_in_the_order_asked():
    stacked = profiles(["Japan", "Netherlands"])
    assert stacked.shape == (2, 6)
    assert stacked[1] == pytest.approx([38, 80, 14, 53, 67, 68])
    assert profiles([]).shape == (0, 6)


def test_country_names_are_the_countries_only():
    names = country_names()
    assert len(names) == 101
    assert "Netherlands" in names
    assert "Africa East" not in names and "Belgium French" not in names
    assert len(country_names(("country", "region", "subnational"))) == 111


# --- variances ---------------------------------------------------------------------------


def test_variances_are_sample_variances_across_countries():
    expected = [hand_variance(d) for d in DIMENSIONS]
    assert dimension_variances() == pytest.approx(expected, rel=1e-12)
    # Recorded values, so a change of method or data cannot pass unnoticed.
    assert dimension_variances() == pytest.approx(
        [467.809, 576.467, 376.835, 538.929, 578.467, 498.511], abs=1e-3
    )


def test_population_variance_on_request():
    values = [float(r["pdi"]) for r in raw_rows() if r["kind"] == "country" and r["pdi"]]
    assert len(values) == 69
    assert dimension_variances(ddof=0)[0] == pytest.approx(statistics.pvariance(values))


def test_variances_leave_out_regions_and_subnational_groups():
    everything = dimension_variances(kinds=("country", "region", "subnational"))
    assert not np.allclose(everything, dimension_variances())


# --- Kogut-Singh, worked by hand from the raw scores -------------------------------------


def test_netherlands_japan_by_hand():
    # NET 38 80 14 53 67 68; JPN 54 46 95 92 88 42 -> differences 16 34 81 39 21 26
    squares = {"pdi": 256, "idv": 1156, "mas": 6561, "uai": 1521, "lto": 441, "ivr": 676}
    by_hand = sum(sq / hand_variance(d) for d, sq in squares.items()) / 6
    distance = country_distance("Netherlands", "Japan")
    assert distance.value == pytest.approx(by_hand, rel=1e-12)
    assert distance.value == pytest.approx(4.15067, abs=1e-5)
    assert distance.n_dimensions == 6


def test_netherlands_belgium_by_hand():
    # NET 38 80 14 53 67 68; BEL 65 75 54 94 82 57 -> differences 27 5 40 41 15 11
    squares = {"pdi": 729, "idv": 25, "mas": 1600, "uai": 1681, "lto": 225, "ivr": 121}
    by_hand = sum(sq / hand_variance(d) for d, sq in squares.items()) / 6
    assert country_distance("NET", "BEL").value == pytest.approx(by_hand, rel=1e-12)
    assert by_hand == pytest.approx(1.59974, abs=1e-5)


def test_missing_dimension_averages_over_the_shared_ones_by_hand():
    # Israel has no IVR: NET 38 80 14 53 67; ISR 13 54 47 81 38 -> differences 25 26 33 28 29
    squares = {"pdi": 625, "idv": 676, "mas": 1089, "uai": 784, "lto": 841}
    by_hand = sum(sq / hand_variance(d) for d, sq in squares.items()) / 5
    distance = country_distance("Netherlands", "Israel")
    assert distance.value == pytest.approx(by_hand, rel=1e-12)
    assert distance.n_dimensions == 5


def test_egypt_has_only_two_dimensions_by_hand():
    # Egypt has LTO 7 and IVR 4 only; NET LTO 67, IVR 68 -> differences 60 and 64
    by_hand = (3600 / hand_variance("lto") + 4096 / hand_variance("ivr")) / 2
    assert country_distance("Egypt", "Netherlands") == (pytest.approx(by_hand, rel=1e-12), 2)


def test_no_shared_dimension_gives_no_index():
    # Armenia has only LTO, Andorra only IVR.
    distance = country_distance("Armenia", "Andorra")
    assert np.isnan(distance.value)
    assert distance.n_dimensions == 0


def test_min_dimensions_withholds_thin_comparisons():
    assert np.isnan(country_distance("Egypt", "Netherlands", min_dimensions=4).value)
    assert country_distance("Israel", "Netherlands", min_dimensions=4).n_dimensions == 5
    with pytest.raises(ValueError):
        country_distance("Israel", "Netherlands", min_dimensions=0)


def test_original_four_dimensions_reproduce_the_1988_index():
    # Kogut & Singh (1988) used PDI, IDV, MAS and UAI only.
    squares = {"pdi": 256, "idv": 1156, "mas": 6561, "uai": 1521}
    by_hand = sum(sq / hand_variance(d) for d, sq in squares.items()) / 4
    distance = country_distance("NET", "JPN", dimensions=ORIGINAL_DIMENSIONS)
    assert distance == (pytest.approx(by_hand, rel=1e-12), 4)


def test_given_variances_are_used():
    a = np.array([40.0, 60.0, 50.0, 70.0, 30.0, 55.0])
    b = np.array([60.0, 30.0, 50.0, 40.0, 50.0, 45.0])
    variances = np.array([400.0, 900.0, 100.0, 225.0, 400.0, 100.0])
    # (20^2/400 + 30^2/900 + 0 + 30^2/225 + 20^2/400 + 10^2/100) / 6 = (1+1+0+4+1+1)/6
    assert kogut_singh(a, b, variances) == (pytest.approx(8.0 / 6.0), 6)


def test_neighbours_are_closer_than_distant_countries():
    to_china = country_distance("Netherlands", "China").value
    assert country_distance("Netherlands", "Belgium").value < to_china
    assert country_distance("Netherlands", "Germany").value < to_china
    assert country_distance("Sweden", "Norway").value < country_distance("Sweden", "Japan").value


def test_index_is_symmetric_and_zero_for_a_country_with_itself():
    assert country_distance("Spain", "Brazil") == country_distance("Brazil", "Spain")
    assert country_distance("Spain", "Spain") == (0.0, 6)


# --- the matrix version ------------------------------------------------------------------


def test_matrix_agrees_with_the_pairwise_index_including_missing_dimensions():
    names = ["Netherlands", "Japan", "Israel", "Egypt", "Armenia", "Andorra", "Africa East"]
    result = kogut_singh_matrix(profiles(names))
    assert result.values.shape == result.n_dimensions.shape == (7, 7)
    for i, a in enumerate(names):
        for j, b in enumerate(names):
            pair = country_distance(a, b)
            assert result.n_dimensions[i, j] == pair.n_dimensions
            assert result.values[i, j] == pytest.approx(pair.value, nan_ok=True)
    assert np.allclose(result.values, result.values.T, equal_nan=True)


def test_matrix_between_two_groups():
    result = kogut_singh_matrix(profiles(["NET", "BEL"]), profiles(["JPN", "CHI", "ARM"]))
    assert result.values.shape == (2, 3)
    assert result.values[0, 0] == pytest.approx(country_distance("NET", "JPN").value)
    assert result.n_dimensions[1, 2] == 1  # Armenia has only LTO


def test_matrix_rejects_profiles_of_the_wrong_length():
    with pytest.raises(ValueError):
        kogut_singh_matrix(np.zeros((2, 4)))
    with pytest.raises(ValueError):
        kogut_singh(np.zeros(6), np.zeros(6), variances=np.zeros(6))
