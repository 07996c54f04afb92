"""A subclass declares its own parameter (``coaching_rate``) where its mechanism lives; from
then on the parameter is checked, set in scenario and experiment files, swept, compared,
varied in a verdict, replayed and labelled in help and figures like a built-in one, and a
class can itself be a factor of a sweep. Nothing is imported without --allow-import."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from alliancesim import simulate
from alliancesim.cli.main import app
from alliancesim.params import Parameter, ParameterError
from alliancesim.params.declared import DeclarationError, declared_parameters
from alliancesim.scenarios import ScenarioError, load_scenario
from alliancesim.sweeps import ExperimentError, load_experiment

HERE = Path(__file__).parent / "data" / "declared"
COACHED, UNCOACHED = HERE / "coached.toml", HERE / "uncoached.toml"
SWEEP, VERDICT = HERE / "sweep.toml", HERE / "verdict.toml"
if str(HERE) not in sys.path:
    sys.path.append(str(HERE))
from coaching import COACHING, CoachedAlliance  # noqa: E402


def invoke(*args: object):
    return CliRunner().invoke(app, [str(a) for a in args])


def test_a_declared_parameter_is_a_typed_checked_attribute_with_a_default():
    model = CoachedAlliance(rng=1)
    assert model.params.coaching_rate == COACHING.default
    assert CoachedAlliance(rng=1, coaching_rate=0.3).params.coaching_rate == 0.3
    with pytest.raises(ParameterError, match=r"coaching_rate.*\[0, 0.5\]"):
        CoachedAlliance(rng=1, coaching_rate=0.9)
    with pytest.raises(ParameterError, match="Did you mean 'coaching_rate'"):
        CoachedAlliance(rng=1, coaching_rat=0.3)
    model.params.change("coaching_rate", 0.2)
    assert model.params.coaching_rate == 0.2


def test_the_declared_mechanism_acts_through_its_parameter():
    def skill(rate: float) -> float:
        steps = simulate({"horizon": 24, "coaching_rate": rate}, seed=7,
                         model_class=CoachedAlliance, record_steps=True).steps
        return float(steps["skill_mean"].iloc[-1])

    assert skill(0.4) > skill(0.0) + 0.05


def test_the_package_model_does_not_take_a_parameter_only_a_subclass_declares():
    with pytest.raises(ParameterError, match="unknown parameter 'coaching_rate'"):
        simulate({"coaching_rate": 0.3}, seed=1)


@pytest.mark.parametrize(("declared", "message"), [
    (Parameter("trust_gain", "float", 0.1, "x", low=0.0, high=1.0), "already defines"),
    (Parameter("rate", "float", 2.0, "x", low=0.0, high=1.0), "outside"),
    (Parameter("style", "choice", "a", "x"), "give choices"),
    ("coaching_rate", "Parameter objects"),
])
def test_a_bad_declaration_is_refused_naming_the_class(declared, message):
    bad = type("Bad", (CoachedAlliance,), {"parameters": (declared,)})
    with pytest.raises(DeclarationError, match=message):
        declared_parameters(bad)


def test_two_classes_may_not_define_one_name_differently():
    other = Parameter("coaching_rate", "float", 0.2, "x", low=0.0, high=1.0)
    member = type("Member", (), {"parameters": (other,)})
    with pytest.raises(DeclarationError, match="both declare 'coaching_rate'"):
        declared_parameters(CoachedAlliance, member)


def test_a_scenario_sets_a_declared_parameter_only_once_its_class_is_allowed():
    with pytest.raises(ScenarioError, match=r"coached.toml.*coaching_rate.*--allow-import"):
        load_scenario(COACHED)
    scenario = load_scenario(COACHED, allow_import=True)
    assert scenario.params()["coaching_rate"] == 0.4
    assert [p.name for p in scenario.declared] == ["coaching_rate"]


def test_a_declared_parameter_out_of_range_in_a_file_names_file_field_and_range(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(COACHED.read_text().replace("0.4", "0.9"))
    sys.path.append(str(HERE))  # the module lives beside the test's data, not the file
    with pytest.raises(ScenarioError, match=r"bad.toml: field 'parameters.coaching_rate'.*"
                                            r"\[0, 0.5\]"):
        load_scenario(bad, allow_import=True)


def test_run_and_compare_from_files_with_allow_import(tmp_path):
    refused = invoke("run", COACHED, "--out", tmp_path / "refused")
    assert refused.exit_code == 2 and "--allow-import" in refused.output
    run = invoke("run", COACHED, "--allow-import", "--seed", 2, "--out", tmp_path / "run")
    assert run.exit_code == 0, run.output
    compared = invoke("compare", COACHED, UNCOACHED, "--replicates", 3, "--allow-import",
                      "--workers", 1, "--out", tmp_path / "compare")
    assert compared.exit_code == 0, compared.output
    manifest = json.loads((tmp_path / "compare" / "manifest.json").read_text())
    assert [p["name"] for p in manifest["declared_parameters"]] == ["coaching_rate"]
    replayed = invoke("replay", tmp_path / "compare", "--run-id", 1, "--allow-import",
                      "--out", tmp_path / "replayed")
    assert replayed.exit_code == 0, replayed.output
    assert "reproduced the stored outcome exactly" in replayed.output


def test_a_sweep_varies_the_declared_parameter_and_the_class(tmp_path):
    with pytest.raises(ExperimentError, match="--allow-import"):
        load_experiment(SWEEP)
    out = tmp_path / "sweep"
    swept = invoke("sweep", SWEEP, "--allow-import", "--workers", 1, "--out", out)
    assert swept.exit_code == 0, swept.output
    runs = pd.read_parquet(out / "runs")
    assert runs["coaching_rate"].between(0, 0.5).all() and runs["coaching_rate"].nunique() == 3
    assert set(runs["model_class"]) == {"coaching:CoachedAlliance",
                                        "coaching:OtherCoachedAlliance"}
    analysed = invoke("analyze", out)
    assert analysed.exit_code == 0, analysed.output
    replayed = invoke("replay", out, "--run-id", 7, "--allow-import", "--out", tmp_path / "r")
    assert "reproduced the stored outcome exactly" in replayed.output, replayed.output


def test_figures_label_a_declared_parameter_from_the_manifest_without_importing_it(tmp_path):
    out = tmp_path / "sweep"
    assert invoke("sweep", SWEEP, "--allow-import", "--workers", 1, "--out", out).exit_code == 0
    code = ("import sys; from alliancesim.sweeps import load_design; "
            "from alliancesim.figstyle import factor_label; "
            f"load_design({str(out)!r}); print(factor_label('coaching_rate')); "
            "print('coaching' in sys.modules)")
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           check=True).stdout.split("\n")
    assert shown[:2] == ["Coaching rate (1/month)", "False"]


def test_every_level_of_a_class_factor_must_take_the_parameters_the_runs_get(tmp_path):
    data = SWEEP.read_text().replace("coaching:OtherCoachedAlliance",
                                     "coaching:UncoachedAlliance")
    (tmp_path / "coached.toml").write_text(COACHED.read_text())
    (tmp_path / "sweep.toml").write_text(data)
    with pytest.raises(ExperimentError, match=r"vary.model_class.*UncoachedAlliance.*"
                                              "does not declare 'coaching_rate'"):
        load_experiment(tmp_path / "sweep.toml", allow_import=True)


def test_a_verdict_varies_a_declared_parameter(tmp_path):
    out = tmp_path / "verdict"
    result = invoke("verdict", VERDICT, "--allow-import", "--workers", 1, "--out", out,
                    "--no-progress")
    assert result.exit_code == 0, result.output
    assert "coaching rate" in (out / "report.md").read_text().lower()


def test_cli_lists_a_declared_parameter_with_its_label_unit_and_range():
    refused = invoke("parameters", COACHED)
    assert refused.exit_code == 2 and "--allow-import" in refused.output
    # A process of its own, so that the table takes the width it is given.
    program = Path(sys.executable).parent / "alliancesim"
    listed = subprocess.run([str(program), "parameters", str(COACHED), "--allow-import",
                             "--mechanism", "coaching"], capture_output=True, text=True,
                            env={"COLUMNS": "200", "PATH": str(program.parent)})
    assert listed.returncode == 0, listed.stderr
    for text in ("coaching_rate", "Coaching rate", "1/month", "[0, 0.5]", "assumption"):
        assert text in listed.stdout


def test_the_ema_model_samples_a_declared_parameter_as_an_uncertainty():
    from ema_workbench import SequentialEvaluator

    from alliancesim.ema import ema_model

    model = ema_model(uncertainties=["coaching_rate"], constants={"horizon": 12},
                      outcomes=["value_total"], model_class=CoachedAlliance, seed=4)
    with SequentialEvaluator(model) as evaluator:
        experiments, outcomes = evaluator.perform_experiments(scenarios=3, policies=1)
    assert experiments["coaching_rate"].between(0, 0.5).all()
    assert len(outcomes["value_total"]) == 3
