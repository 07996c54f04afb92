"""Experiment files: the shipped ones load; bad ones give one message naming file and field."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from alliancesim.cli.main import app
from alliancesim.params import PARAMETERS_BY_NAME
from alliancesim.sweeps import ExperimentError, load_experiment, run_seed
from alliancesim.sweeps.design import DUMMY
from alliancesim.sweeps.ecosystem import load_any_experiment
from alliancesim.sweeps.parameter_sets import SET_FACTOR

EXPERIMENTS = Path(__file__).resolve().parents[1] / "experiments"
GOOD = """
seed = 1
replicates = 2
horizon = 24
[vary]
cultural_diversity = { low = 0.5, high = 2.0 }
management_mode = ["dedicated", "transversal"]
[design]
kind = "lhs"
samples = 4
"""


def write(tmp_path: Path, text: str, name: str = "exp.toml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


@pytest.mark.parametrize("path", sorted(EXPERIMENTS.glob("*.toml")), ids=lambda p: p.stem)
def test_shipped_experiments_load_and_give_their_design(path, tmp_path):
    import tomllib

    data = tomllib.loads(path.read_text())
    if "parameter_sets" in data:  # the calibration's table, shipped in the package's data
        from alliancesim.sweeps.parameter_sets import resolve

        assert resolve(data["parameter_sets"]["file"], path.parent) is not None
    if "verdict" in data:  # a verdict's file: one sweep per mode
        from alliancesim.verdict import load_verdict

        experiment = load_verdict(path).first
    elif "pattern" in data:  # a calibration's targets file: one sweep per mode
        from alliancesim.validation.targets import load_targets

        experiment = next(iter(load_targets(path).mode_experiments().values()))
    else:  # a sweep of single alliances, or of ecosystems (kind = "ecosystem")
        experiment = load_any_experiment(path)
    design = experiment.make_design(experiment.seed or 0)
    assert design.n_points >= 1
    for factor in design.ranged:
        if factor.name in (SET_FACTOR, DUMMY):  # a row of parameter sets; the noise reference
            continue
        param = experiment.parameter(factor.name)
        if factor.listed:  # listed values sampled by the design
            assert set(factor.values) <= set(param.choices or factor.values)
        else:
            assert param.low <= factor.low < factor.high <= param.high


def test_bounds_default_to_the_parameter_definition_unless_narrowed(tmp_path):
    text = GOOD.replace("{ low = 0.5, high = 2.0 }", "{ high = 2.0 }")
    experiment = load_experiment(write(tmp_path, text))
    ranged, crossed = experiment.factors()
    param = PARAMETERS_BY_NAME["cultural_diversity"]
    assert (ranged[0].low, ranged[0].high) == (param.low, 2.0)
    assert crossed[0].values == ("dedicated", "transversal")


def test_an_empty_table_lists_every_choice_of_a_choice_parameter(tmp_path):
    experiment = load_experiment(write(tmp_path, GOOD.replace(
        'management_mode = ["dedicated", "transversal"]', "management_mode = {}")))
    assert experiment.factors()[1][0].values == PARAMETERS_BY_NAME["management_mode"].choices


def test_horizon_and_base_parameters_reach_the_runs(tmp_path):
    experiment = load_experiment(write(tmp_path, GOOD + "[parameters]\nn_members = 6\n"))
    base = experiment.base_parameters()
    assert base["horizon"] == 24 and base["n_members"] == 6


def test_a_scenario_base_brings_its_parameters_and_timeline(tmp_path):
    write(tmp_path, 'name = "s"\n[parameters]\nmanager_vacancy = 9\n'
          '[[timeline]]\nmonth = 5\nkind = "manager_leaves"\n', "base.toml")
    experiment = load_experiment(write(tmp_path, 'scenario = "base.toml"\n' + GOOD))
    assert experiment.base_parameters()["manager_vacancy"] == 9
    assert [i.month for i in experiment.interventions()] == [5]


BAD = [
    # (change to GOOD, field named, words in the message)
    (("cultural_diversity = {", "cultural_diversit = {"), "vary.cultural_diversit",
     "Did you mean 'cultural_diversity'?"),
    (("low = 0.5", "low = -1.0"), "vary.cultural_diversity.low", "outside the range"),
    (("high = 2.0", "high = 0.2"), "vary.cultural_diversity", "must be below high"),
    (('kind = "lhs"', 'kind = "latin"'), "design.kind", "'grid', 'random', 'lhs'"),
    (('["dedicated", "transversal"]', '{ low = 0, high = 1 }'), "vary.management_mode",
     "choice parameter"),
    (('"transversal"]', '"solo"]'), "vary.management_mode.values", "allowed: one of"),
    (("replicates = 2", "replicats = 2"), "replicats", "Did you mean 'replicates'?"),
    (("samples = 4", "samples = 0"), "design.samples", "greater than or equal to 1"),
    (('kind = "lhs"\nsamples = 4', 'kind = "sobol"\nsamples = 100'), "design.samples",
     "power of 2"),
    (('kind = "lhs"\nsamples = 4', 'kind = "lhs"'), "design.samples", "needs a number"),
    (("horizon = 24", "horizon = 5"), "horizon", "integer in [12, 600]"),
    (("seed = 1", 'seed = 1\nscenario = "nowhere.toml"'), "scenario", "not found"),
]


@pytest.mark.parametrize(("change", "field", "words"), BAD, ids=[b[1] for b in BAD])
def test_bad_experiments_name_the_file_and_field(tmp_path, change, field, words):
    path = write(tmp_path, GOOD.replace(*change))
    with pytest.raises(ExperimentError) as caught:
        load_experiment(path)
    assert caught.value.field == field
    assert str(caught.value).startswith(f"{path}: field {field!r}: ")
    assert words in str(caught.value)


def test_parameters_that_clash_are_reported(tmp_path):
    text = GOOD + "[parameters]\nshared_max_members = 12\nlead_max_members = 10\n"
    with pytest.raises(ExperimentError, match="must not exceed 'lead_max_members'"):
        load_experiment(write(tmp_path, text))


def test_the_cli_exits_with_status_2_and_a_one_line_message(tmp_path):
    path = write(tmp_path, GOOD.replace("cultural_diversity = {", "cultural_diversit = {"))
    result = CliRunner().invoke(app, ["sweep", str(path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "field 'vary.cultural_diversit'" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_missing_or_broken_files_exit_2(tmp_path):
    runner = CliRunner()
    missing = runner.invoke(app, ["sweep", str(tmp_path / "none.toml")])
    broken = runner.invoke(app, ["sweep", str(write(tmp_path, "[vary"))])
    assert missing.exit_code == 2 and "experiment file not found" in missing.output
    assert broken.exit_code == 2 and "not valid TOML" in broken.output


def test_run_seeds_are_the_nested_spawn_of_the_root_seed():
    root = np.random.SeedSequence(42)
    children = [point.spawn(3) for point in root.spawn(5)]
    for point in range(5):
        for replicate in range(3):
            expected = children[point][replicate].generate_state(4)
            assert (run_seed(42, point, replicate).generate_state(4) == expected).all()
