"""Listed values sampled by the design, and parameter sets read from a table."""

from __future__ import annotations

import pandas as pd
import pytest

from alliancesim.sweeps import ExperimentError, experiment_from_dict, load_results, run_sweep
from alliancesim.sweeps.design import DUMMY
from alliancesim.sweeps.parameter_sets import SET_FACTOR

BASE = {"name": "s", "seed": 3, "replicates": 1, "horizon": 12,
        "vary": {"n_members": {"low": 3, "high": 6}}, "design": {"kind": "lhs", "samples": 60}}


def test_a_sampled_choice_is_one_factor_of_the_design_with_every_choice_equally_often():
    spec = {**BASE, "vary": {**BASE["vary"], "sector_mix": {"sample": True}}}
    experiment = experiment_from_dict(spec)
    ranged, crossed = experiment.factors()
    assert [f.name for f in ranged] == ["n_members", "sector_mix"] and crossed == []
    points = experiment.make_design(1).points
    assert len(points) == 60  # not multiplied by the three choices
    assert points["sector_mix"].value_counts().to_dict() == {
        "cross_sector": 20, "business": 20, "public_private": 20}  # one stratum each


def test_sampled_listed_numbers_keep_their_type_and_enter_a_sobol_problem():
    spec = {**BASE, "vary": {"cultural_diversity": {"low": 0.0, "high": 1.0},
                             "n_members": {"values": [4, 8, 16], "sample": True}},
            "design": {"kind": "sobol", "samples": 8}}
    design = experiment_from_dict(spec).make_design(2)
    # the dummy factor (the noise floor of the indices) follows the experiment's factors
    assert design.problem()["names"] == ["cultural_diversity", "n_members", DUMMY]
    assert set(design.points["n_members"]) <= {4, 8, 16}
    assert pd.api.types.is_integer_dtype(design.points["n_members"])


def test_sample_on_a_range_is_refused_naming_the_field():
    spec = {**BASE, "vary": {"n_members": {"low": 3, "high": 6, "sample": True}}}
    with pytest.raises(ExperimentError, match=r"field 'vary.n_members.sample'"):
        experiment_from_dict(spec)


def test_experiments_without_the_new_fields_keep_their_fingerprint():
    identity = experiment_from_dict(BASE).identity()
    assert "parameter_sets" not in identity
    assert all("sample" not in spec for spec in identity["vary"].values())


@pytest.fixture
def sets_file(tmp_path):
    table = pd.DataFrame({"manager_skill_premium": [-0.2, 0.3, 0.1],
                          "skill_learning_rate": [0.1, 0.5, 0.3],
                          "n_members": [5.0, 6.0, 7.0],      # varied below: left to the design
                          "I_max": [1.0, 2.0, 2.5]})         # not a parameter: ignored
    table.to_parquet(tmp_path / "plausible.parquet")
    return tmp_path


def test_each_point_takes_the_values_of_one_parameter_set(sets_file):
    spec = {**BASE, "replicates": 2, "parameter_sets": {"file": "plausible.parquet"}}
    experiment = experiment_from_dict(spec, base_dir=sets_file)
    sets = experiment.sets()
    assert sets.columns == ("manager_skill_premium", "skill_learning_rate")
    assert sets.left_to_experiment == ("n_members",)
    run_sweep(experiment, sets_file / "out", backend="inprocess")
    runs = load_results(sets_file / "out")
    design = experiment.make_design(experiment.seed).points
    merged = runs.merge(design[["point", SET_FACTOR]], on="point")
    table = pd.read_parquet(sets_file / "plausible.parquet")
    expected = table.loc[merged[SET_FACTOR], ["manager_skill_premium", "skill_learning_rate"]]
    assert (merged[["manager_skill_premium", "skill_learning_rate"]].to_numpy()
            == expected.to_numpy()).all()
    assert merged[SET_FACTOR].nunique() == 3  # every set is drawn


def test_another_table_is_another_experiment(sets_file):
    spec = {**BASE, "parameter_sets": {"file": "plausible.parquet"}}
    before = experiment_from_dict(spec, base_dir=sets_file).fingerprint()
    table = pd.read_parquet(sets_file / "plausible.parquet")
    table.loc[0, "manager_skill_premium"] = 0.25
    table.to_parquet(sets_file / "plausible.parquet")
    assert experiment_from_dict(spec, base_dir=sets_file).fingerprint() != before


@pytest.mark.parametrize(("sets", "field", "words"), [
    ({"file": "missing.parquet"}, "parameter_sets.file", "not found"),
    ({"file": "plausible.parquet", "columns": ["n_members"]}, "parameter_sets.columns",
     "also fixed or varied"),
    ({"file": "plausible.parquet", "columns": ["manager_skill_premiun"]}, "parameter_sets.columns",
     "Did you mean 'manager_skill_premium'"),
    ({"file": "plausible.parquet", "colums": ["manager_skill_premium"]}, "parameter_sets.colums",
     "unknown field"),
])
def test_a_bad_parameter_set_table_is_refused_naming_the_field(sets_file, sets, field, words):
    spec = {**BASE, "parameter_sets": sets}
    with pytest.raises(ExperimentError, match=rf"field '{field}'.*{words}"):
        experiment_from_dict(spec, base_dir=sets_file)


def test_a_value_outside_its_range_names_the_row(sets_file):
    table = pd.read_parquet(sets_file / "plausible.parquet")
    table.loc[2, "manager_skill_premium"] = 1.5
    table.to_parquet(sets_file / "plausible.parquet")
    spec = {**BASE, "parameter_sets": {"file": "plausible.parquet"}}
    with pytest.raises(ExperimentError, match=r"row 2: parameter 'manager_skill_premium' must be"):
        experiment_from_dict(spec, base_dir=sets_file)
