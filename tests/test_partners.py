"""Partners from named countries: country sets, lists and mixes, their cultures and distances,
in scenario and experiment files and on the command line."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from alliancesim import AllianceModel, simulate
from alliancesim.cli.main import app
from alliancesim.culture import (
    NAMED_SETS,
    RANDOM_PAIR_DISTANCE,
    Partners,
    PartnersError,
    country,
    dimension_means,
    dimension_variances,
    kogut_singh,
    load_matrix,
    make_partners,
    named_set,
)
from alliancesim.culture.partners import pool_countries
from alliancesim.engine.tasks import ChunkTask, RunSpec, run_chunk
from alliancesim.model.organizations import SECTOR_CULTURE, SECTOR_DEVIATION
from alliancesim.params import COUNTRY_SETS, PARAMETERS_BY_NAME, ParameterError
from alliancesim.scenarios import ScenarioError, load_scenario, scenario_from_dict
from alliancesim.sweeps import ExperimentError, experiment_from_dict

ROOT = Path(__file__).resolve().parents[1]


def invoke(*args: str | Path):
    return CliRunner().invoke(app, [str(a) for a in args])


def write(folder: Path, text: str, name: str = "scenario.toml") -> Path:
    path = folder / name
    path.write_text(text)
    return path


# --- named sets, lists and mixes ----------------------------------------------------------


def test_named_sets_are_the_parameters_choices():
    assert PARAMETERS_BY_NAME["country_set"].choices == tuple(COUNTRY_SETS)
    assert PARAMETERS_BY_NAME["country_set"].default == "synthetic"
    assert set(NAMED_SETS) | {"synthetic", "world"} == set(COUNTRY_SETS)


@pytest.mark.parametrize("name", sorted(NAMED_SETS))
def test_named_sets_hold_countries_with_all_six_scores(name):
    weights = named_set(name)
    assert weights and all(w > 0 for w in weights.values())
    for code in weights:
        entry = country(code)
        assert entry.kind == "country" and entry.n_dimensions == 6, entry.label


def test_four_continents_gives_each_continent_a_quarter():
    weights = named_set("four_continents")
    europe = sum(weights[c] for c in ("NET", "GER", "FRA", "SPA"))
    asia = sum(weights[c] for c in ("JPN", "CHI", "IND", "IDO", "KOR"))
    assert europe == pytest.approx(0.25) and asia == pytest.approx(0.25)
    assert sum(weights.values()) == pytest.approx(1.0)


def test_world_is_every_country_of_the_matrix():
    assert len(named_set("world")) == 101


def test_names_codes_and_aliases_resolve_to_matrix_codes():
    partners = make_partners(["the Netherlands", "jpn", "U.S.A."], {"Brazil": 2, "KOR": 1.5})
    assert partners.countries == ("NET", "JPN", "USA")
    assert partners.mix == (("BRA", 2.0), ("KOR", 1.5))


@pytest.mark.parametrize(("countries", "mix", "field", "words"), [
    (["Netherlands", "Japn"], None, "countries[2]", "did you mean Japan (JPN)"),
    ([3], None, "countries[1]", "country name or code"),
    ("Japan", None, "countries", "a list of country names"),
    ([], {"Brasil": 1}, "country_mix.Brasil", "did you mean Brazil (BRA)"),
    ([], {"Brazil": 0}, "country_mix.Brazil", "positive number"),
    ([], {"Brazil": True}, "country_mix.Brazil", "positive number"),
    ([], {"Brazil": 1, "BRA": 2}, "country_mix.BRA", "named twice"),
])
def test_bad_countries_are_refused_naming_the_entry(countries, mix, field, words):
    with pytest.raises(PartnersError) as caught:
        make_partners(countries, mix)
    assert caught.value.field == field
    assert words in caught.value.message


def test_the_list_comes_first_then_repeats():
    rows = pool_countries(make_partners(["NET", "JPN", "BRA"]), "synthetic", np.zeros(7))
    codes = [load_matrix().codes[r] for r in rows]
    assert codes == ["NET", "JPN", "BRA", "NET", "JPN", "BRA", "NET"]


def test_after_the_list_the_rest_draw_from_the_set_in_proportion_to_the_weights():
    uniforms = np.random.default_rng(1).random(20_002)
    rows = pool_countries(make_partners(["ALB", "ALB"]), "four_continents", uniforms)
    codes = np.array(load_matrix().codes)[rows]
    assert list(codes[:2]) == ["ALB", "ALB"] and "ALB" not in codes[2:]
    weights = named_set("four_continents")
    assert np.mean(codes[2:] == "USA") == pytest.approx(weights["USA"], abs=0.01)
    assert np.mean(codes[2:] == "KOR") == pytest.approx(weights["KOR"], abs=0.01)


def test_an_open_place_in_the_list_is_left_to_the_set():
    partners = make_partners(["", "Brazil"])
    assert partners.countries == ("", "BRA") and partners
    uniforms = np.random.default_rng(3).random(6)
    rows = pool_countries(partners, "north_west_europe", uniforms)
    codes = [load_matrix().codes[r] for r in rows]
    assert codes[1] == "BRA" and codes[0] in named_set("north_west_europe")
    alone = pool_countries(partners, "synthetic", uniforms)
    assert all(load_matrix().codes[r] == "BRA" for r in alone)
    assert not make_partners(["", ""])


def test_without_countries_every_candidate_is_synthetic():
    assert (pool_countries(Partners(), "synthetic", np.zeros(5)) == -1).all()


def test_a_mix_and_a_named_set_together_are_refused():
    with pytest.raises(ParameterError, match="give one of the two"):
        AllianceModel(rng=1, country_set="world", partners={"country_mix": {"Japan": 1}})


# --- cultures and distances in the model -------------------------------------------------


def test_a_members_culture_is_its_countrys_scores_plus_its_sectors_deviation():
    model = AllianceModel(rng=4, organizational_culture_sd=0.0,
                          partners={"countries": ["Netherlands", "Japan"]})
    dutch, japanese = model.members
    assert (dutch.country, japanese.country) == ("Netherlands", "Japan")
    for member, code in ((dutch, "NET"), (japanese, "JPN")):
        sector = ["business", "ngo", "government", "knowledge_institute"].index(member.sector)
        expected = np.clip(country(code).scores + SECTOR_DEVIATION[sector], 0, 100)
        np.testing.assert_allclose(member.culture, expected)
    assert SECTOR_DEVIATION.mean(axis=0) == pytest.approx(np.zeros(6))
    np.testing.assert_allclose(SECTOR_DEVIATION + SECTOR_CULTURE.mean(axis=0), SECTOR_CULTURE)


def test_the_founders_distance_is_kogut_singh_over_the_countries_variances():
    model = AllianceModel(rng=4, partners={"countries": ["Netherlands", "Japan"]})
    a, b = model.members
    expected = kogut_singh(a.culture, b.culture, dimension_variances()).value
    assert model.cultural_distance() == pytest.approx(expected)
    edge = model.trust_graph().edges[a.name, b.name]
    assert edge["distance"] == pytest.approx(expected)
    assert model.trust_graph().nodes[a.name]["country"] == "Netherlands"


def test_a_country_set_changes_the_cultures_and_nothing_else_of_the_candidates():
    synthetic = AllianceModel(rng=9).pool
    european = AllianceModel(rng=9, country_set="north_west_europe").pool
    for field in ("names", "sector", "goals", "openness", "skill", "resources", "reputation"):
        np.testing.assert_array_equal(getattr(synthetic, field), getattr(european, field))
    assert not np.allclose(synthetic.culture, european.culture)
    assert (synthetic.country == -1).all() and (european.country >= 0).all()


def test_the_same_seed_gives_the_same_run_with_countries():
    a = simulate({"country_set": "world"}, seed=5, record_steps=True)
    b = simulate({"country_set": "world"}, seed=5, record_steps=True)
    assert a.steps.equals(b.steps)


def test_missing_scores_distance_over_shared_dimensions_else_the_random_pair_mean():
    # Albania has only LTO and IVR, Guatemala only the four original dimensions.
    model = AllianceModel(rng=2, organizational_culture_sd=0.0, n_members=4,
                          partners={"countries": ["Albania", "Guatemala"]})
    assert model.cultural_distance() == RANDOM_PAIR_DISTANCE
    assert model.outcome_record()["culture_dimensions_min"] == 0
    model = AllianceModel(rng=2, partners={"countries": ["Albania", "Netherlands"]})
    a, b = model.members
    assert np.isnan(a.culture[:4]).all()
    expected = kogut_singh(a.culture, b.culture, dimension_variances())
    assert expected.n_dimensions == 2
    assert model.cultural_distance() == pytest.approx(expected.value)
    assert model.outcome_record()["culture_dimensions_min"] == 2


def test_complete_countries_compare_on_all_six_dimensions():
    result = simulate({"country_set": "four_continents"}, seed=3)
    assert result.outcome["culture_dimensions_min"] == 6


def test_assertiveness_of_a_country_without_scores_reads_the_mean_over_countries():
    model = AllianceModel(rng=2, organizational_culture_sd=0.0,
                          partners={"countries": ["Albania", "Albania"]})
    sector = ["business", "ngo", "government", "knowledge_institute"].index(
        model.members[0].sector)
    filled = np.clip(dimension_means() + SECTOR_DEVIATION[sector], 0, 100)
    assert model.state.assertiveness[0] == pytest.approx(filled[[1, 2]].mean() / 100)


def test_the_random_pair_distance_is_the_mean_over_pairs_of_countries():
    scores = load_matrix().scores[load_matrix().rows_of_kind(("country",))]
    for d, variance in enumerate(dimension_variances()):
        x = scores[:, d][~np.isnan(scores[:, d])]
        pairs = (x[:, None] - x[None, :]) ** 2 / variance
        assert pairs.sum() / (len(x) * (len(x) - 1)) == pytest.approx(RANDOM_PAIR_DISTANCE)


def test_the_mean_distance_over_the_run_weighs_each_month():
    result = simulate({"country_set": "world"}, seed=8, record_steps=True)
    end = result.outcome["end_month"]
    by_month = result.steps["cultural_distance"].to_numpy()[:end]  # as each month began
    assert result.outcome["cultural_distance_mean"] == pytest.approx(by_month.mean())


def test_a_list_longer_than_the_pool_gets_a_candidate_for_every_country():
    countries = [c.code for c in map(country, named_set("world"))][:40]
    model = AllianceModel(rng=1, n_members=3, partners={"countries": countries})
    assert len(model.pool) == 40


def test_a_synthetic_run_warns_of_nothing_and_says_so(tmp_path):
    result = invoke("run", "--seed", "3", "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert "synthetic national cultures" in result.output
    assert "warning" not in result.output


# --- scenario files and the command line --------------------------------------------------

DUTCH_JAPANESE_BRAZILIAN = """
name = "Dutch, Japanese and Brazilian partners"
description = "A Dutch founder with partners from Japan and Brazil."
[parameters]
n_members = 6
[partners]
countries = {countries}
"""


def run_distance(path: Path, out: Path) -> float:
    result = invoke("run", path, "--seed", "2", "--out", out)
    assert result.exit_code == 0, result.output
    found = re.search(r"cultural distance between members \(Kogut-Singh, Hofstede's country "
                      r"scores.*\): mean ([0-9.]+) over the run", result.output)
    assert found, result.output
    return float(found.group(1))


def test_run_reports_the_real_distance_and_neighbours_are_closer(tmp_path):
    far = write(tmp_path, DUTCH_JAPANESE_BRAZILIAN.format(
        countries='["Netherlands", "Japan", "Brazil"]'), "far.toml")
    near = write(tmp_path, DUTCH_JAPANESE_BRAZILIAN.format(
        countries='["Netherlands", "Belgium", "Germany"]'), "near.toml")
    far_distance = run_distance(far, tmp_path / "far")
    near_distance = run_distance(near, tmp_path / "near")
    assert near_distance < far_distance
    direct = simulate(load_scenario(far).model_arguments(), seed=2).outcome
    assert far_distance == pytest.approx(direct["cultural_distance_mean"], abs=0.005)


def test_run_warns_when_countries_lack_scores(tmp_path):
    path = write(tmp_path, DUTCH_JAPANESE_BRAZILIAN.format(
        countries='["Netherlands", "Albania"]'))
    result = invoke("run", path, "--seed", "1", "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert "warning: some members' countries lack scores" in result.output
    assert "Albania has no pdi, idv, mas, uai" in result.output


@pytest.mark.parametrize(("table", "field", "words"), [
    ('[partners]\ncountries = ["Netherlands", "Japn"]', "partners.countries[2]",
     "did you mean Japan (JPN)"),
    ("[partners]\ncountry_mix = { Netherland = 1 }", "partners.country_mix.Netherland",
     "did you mean Netherlands (NET)"),
    ('[partners]\ncountrie = ["Netherlands"]', "partners.countrie",
     "Did you mean 'countries'?"),
    ('[parameters]\ncountry_set = "four_continents"\n[partners]\ncountry_mix = { Japan = 1 }',
     "partners.country_mix", "give one of the two"),
    ('[parameters]\ncountry_set = "asia"', "parameters.country_set", "'four_continents'"),
])
def test_bad_partners_in_a_scenario_file_are_refused_with_file_and_field(tmp_path, table,
                                                                          field, words):
    path = write(tmp_path, f'name = "bad"\n{table}\n')
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert caught.value.field == field and words in caught.value.message
    result = invoke("run", path, "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert f"error: {path}: field '{field}'" in result.output


def test_scenario_partners_reach_the_model_through_compare_and_replay(tmp_path):
    from alliancesim.compare.runner import run_comparison
    from alliancesim.single import replay

    scenario = scenario_from_dict({"name": "x", "partners": {"countries": ["Japan", "Spain"]},
                                   "parameters": {"horizon": 60}})
    assert scenario.partners == {"countries": ["JPN", "SPA"]}
    runs = run_comparison([scenario], 2, 1, workers=1, trajectories=False,
                          out=tmp_path / "compare")
    assert (runs.outcomes["culture_dimensions_min"] == 6).all()
    again = replay(tmp_path / "compare", 1, tmp_path / "replay")
    assert again.matches, again.differences
    joined = again.events[again.events["kind"] == "joined"]["country"].tolist()
    assert joined[:2] == ["Japan", "Spain"]


@pytest.mark.parametrize("name", ["north_west_europe", "four_continents"])
def test_the_shipped_country_set_scenarios_name_their_set(name):
    scenario = load_scenario(ROOT / "scenarios" / f"{name}.toml")
    assert scenario.parameters == {"country_set": name}


# --- experiment files ---------------------------------------------------------------------


def test_the_country_set_sweep_lists_the_sets_as_a_factor():
    from alliancesim.sweeps import load_experiment

    experiment = load_experiment(ROOT / "experiments" / "country_sets.toml")
    _, crossed = experiment.factors()
    assert {f.name for f in crossed} == {"country_set", "management_mode"}
    assert experiment.n_points() == 16 and experiment.replicates == 400


def test_experiment_partners_are_checked_and_reach_every_run():
    base = {"name": "p", "vary": {"management_mode": ["dedicated"]}, "design": {"kind": "grid"}}
    with pytest.raises(ExperimentError) as caught:
        experiment_from_dict({**base, "partners": {"countries": ["Nederland"]}})
    assert caught.value.field == "partners.countries[1]"
    assert "did you mean Netherlands (NET)" in str(caught.value)
    with pytest.raises(ExperimentError) as caught:
        experiment_from_dict({**base, "partners": {"country_mix": {"Japan": 1}},
                              "vary": {"country_set": ["synthetic", "world"]}})
    assert caught.value.field == "vary.country_set"
    experiment = experiment_from_dict({**base, "partners": {"countries": ["Japan", "Chile"]}})
    arguments = experiment.model_arguments()
    assert arguments["partners"] == Partners(("JPN", "CHL"))
    chunk = run_chunk(ChunkTask(1, arguments, (RunSpec(0, 0, 0, {}),)))
    assert chunk.rows[0]["status"] == "ok", chunk.rows[0]["error"]
    assert chunk.rows[0]["culture_dimensions_min"] == 6


def test_the_odd_states_the_variances_the_index_uses():
    text = (ROOT / "docs" / "ODD.md").read_text()
    found = re.search(r"score on it \(its three regions and seven sub-national groups left "
                      r"out\): ([0-9]+), ([0-9]+), ([0-9]+), ([0-9]+),\s+([0-9]+) and ([0-9]+)",
                      text)
    assert found, "docs/ODD.md no longer lists the Kogut-Singh variances"
    assert [int(v) for v in found.groups()] == [round(v) for v in dimension_variances()]


def test_the_per_member_panel_names_each_members_country():
    result = simulate({"horizon": 12, "partners": {"countries": ["Japan", "Chile"]}}, seed=3,
                      record_panel=True)
    panel = result.panel
    founders = panel[panel["month"] == 0].sort_values("member_id")
    assert founders["country"].tolist()[:2] == ["Japan", "Chile"]
    synthetic = simulate({"horizon": 12}, seed=3, record_panel=True).panel
    assert (synthetic["country"] == "").all()
