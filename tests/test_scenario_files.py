"""Scenario files: the shipped ones load and run; broken ones each get their own clear message."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from alliancesim.cli.main import app
from alliancesim.model.timeline import INTERVENTION_KINDS
from alliancesim.params import PARAMETERS_BY_NAME
from alliancesim.scenarios import (
    ENTRY_BY_KIND,
    ScenarioError,
    load_scenario,
    resolve_scenario_path,
    run_scenario,
    scenario_from_dict,
    shipped_scenarios,
)

SCENARIO_DIR = Path(__file__).resolve().parents[1] / "scenarios"
SHIPPED = shipped_scenarios(SCENARIO_DIR)
REQUIRED = ("baseline", "dedicated_manager", "transversal_skill", "no_management", "hybrid",
            "high_cultural_distance", "cross_sector_sustainability", "partner_exit_shock")


def test_the_required_scenarios_are_shipped():
    assert {p.stem for p in SHIPPED} >= set(REQUIRED)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_every_shipped_scenario_loads_and_runs(path: Path):
    scenario = load_scenario(path)
    assert scenario.name and scenario.description.strip()
    result = run_scenario(scenario, seed=1)
    assert result.steps is not None and result.events is not None
    assert len(result.steps) == result.outcome["end_month"] + 1
    assert result.outcome["outcome"] in ("completed", "dissolved", "running")
    # every override really reached the model
    model = run_scenario(scenario, seed=1, keep_model=True).model
    assert model is not None
    for name, value in scenario.parameters.items():
        assert model.p[name] == value or any(
            i.kind == "set_parameter" and i.parameter == name for i in scenario.interventions())


def test_flagship_scenarios_differ_only_in_management_mode():
    flagship = [load_scenario(SCENARIO_DIR / f"{n}.toml") for n in
                ("dedicated_manager", "transversal_skill", "hybrid", "no_management")]
    assert [s.parameters for s in flagship] == [
        {"management_mode": mode} for mode in ("dedicated", "transversal", "hybrid", "none")]
    assert all(s.timeline == () for s in flagship)


def test_every_intervention_kind_has_exactly_one_timeline_entry_type():
    assert set(ENTRY_BY_KIND) == set(INTERVENTION_KINDS)


def test_timeline_entries_become_model_interventions_in_file_order(tmp_path: Path):
    path = tmp_path / "s.toml"
    path.write_text(
        'name = "s"\n[parameters]\nn_members = 6\n'
        '[[timeline]]\nmonth = 5\nkind = "training"\namount = 0.4\n'
        '[[timeline]]\nmonth = 3\nkind = "set_parameter"\nparameter = "n_members"\nvalue = 7\n'
        '[[timeline]]\nmonth = 9\nkind = "shock"\n',
        encoding="utf-8")
    scenario = load_scenario(path)
    first, second, third = scenario.interventions()
    assert (first.month, first.kind, first.amount) == (5, "training", 0.4)
    assert (second.parameter, second.value) == ("n_members", 7)
    assert isinstance(second.value, int)
    assert third.severity == 0.5  # the model's default severity
    assert scenario.params()["n_members"] == 6
    assert scenario.source == str(path)


def test_names_of_shipped_scenarios_resolve_to_their_files(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("ALLIANCESIM_SCENARIOS", str(SCENARIO_DIR))
    assert resolve_scenario_path("hybrid") == SCENARIO_DIR / "hybrid.toml"
    assert resolve_scenario_path("no/such.toml") == Path("no/such.toml")


# --- broken files -----------------------------------------------------------------------------
BROKEN = {
    "unknown_parameter": (
        'name = "x"\n[parameters]\nmanagment_mode = "none"\n',
        "parameters.managment_mode", ["Did you mean 'management_mode'?"]),
    "wrong_type": (
        'name = "x"\n[parameters]\nn_members = "eight"\n',
        "parameters.n_members", ["must be an integer in [2, 1000]", "'eight'"]),
    "out_of_range": (
        'name = "x"\n[parameters]\ntrust_gain = 0.9\n',
        "parameters.trust_gain", ["must be a number in [0, 0.5]", "0.9"]),
    "bad_choice": (
        'name = "x"\n[parameters]\nmanagement_mode = "boss"\n',
        "parameters.management_mode", ["'boss'", "'transversal'"]),
    "inconsistent_parameters": (
        'name = "x"\n[parameters]\nshared_max_members = 12\nlead_max_members = 10\n',
        "parameters.shared_max_members", ["must not exceed 'lead_max_members'"]),
    "after_horizon": (
        'name = "x"\n[parameters]\nhorizon = 60\n[[timeline]]\nmonth = 61\nkind = "shock"\n',
        "timeline[1].month", ["month 61", "from 1 to the horizon (60 months)"]),
    "month_zero": (
        'name = "x"\n[[timeline]]\nmonth = 2\nkind = "shock"\n[[timeline]]\nmonth = 0\n'
        'kind = "shock"\n',
        "timeline[2].month", ["month 0", "from 1 to the horizon"]),
    "fractional_month": (
        'name = "x"\n[[timeline]]\nmonth = 2.5\nkind = "training"\n',
        "timeline[1].month", ["whole number", "2.5"]),
    "unknown_kind": (
        'name = "x"\n[[timeline]]\nmonth = 2\nkind = "shok"\n',
        "timeline[1].kind", ["'shok'", "Did you mean 'shock'?", "partner_joins"]),
    "missing_kind": (
        'name = "x"\n[[timeline]]\nmonth = 2\n',
        "timeline[1].kind", ["needs a kind", "manager_leaves"]),
    "field_of_another_kind": (
        'name = "x"\n[[timeline]]\nmonth = 2\nkind = "shock"\namount = 0.3\n',
        "timeline[1].amount", ["belongs to kind 'training'", "month, kind, severity"]),
    "severity_out_of_range": (
        'name = "x"\n[[timeline]]\nmonth = 2\nkind = "shock"\nseverity = 1.5\n',
        "timeline[1].severity", ["1.5", "a number in [0, 1]"]),
    "set_unknown_parameter": (
        'name = "x"\n[[timeline]]\nmonth = 2\nkind = "set_parameter"\n'
        'parameter = "conflict_rat"\nvalue = 0.1\n',
        "timeline[1].parameter", ["Did you mean 'conflict_rate'?"]),
    "set_value_out_of_range": (
        'name = "x"\n[[timeline]]\nmonth = 2\nkind = "set_parameter"\n'
        'parameter = "conflict_rate"\nvalue = 3\n',
        "timeline[1].value", ["conflict_rate", "[0, 0.5]"]),
    "set_setup_only_parameter": (
        'name = "x"\n[[timeline]]\nmonth = 12\nkind = "set_parameter"\n'
        'parameter = "management_mode"\nvalue = "transversal"\n',
        "timeline[1].parameter", ["'management_mode' only shapes the alliance",
                                  "set it in the parameters"]),
    "set_without_value": (
        'name = "x"\n[[timeline]]\nmonth = 2\nkind = "set_parameter"\n'
        'parameter = "conflict_rate"\n',
        "timeline[1].value", ["is required", "a value allowed for that parameter"]),
    "unknown_top_level_key": (
        'name = "x"\ndescripton = "typo"\n',
        "descripton", ["Did you mean 'description'?", "name, description, parameters"]),
    "missing_name": (
        'description = "no name"\n',
        "name", ["is required"]),
    "timeline_not_an_array": (
        'name = "x"\n[timeline]\nmonth = 3\n',
        "timeline", ["array of [[timeline]] tables"]),
    "parameters_not_a_table": (
        'name = "x"\nparameters = 5\n',
        "parameters", ["must be a table", "int 5"]),
    "not_toml": (
        'name = "x"\n[[timeline]\nmonth = 3\n',
        None, ["not valid TOML", "line 2"]),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_each_broken_file_names_file_field_and_what_is_allowed(case: str, tmp_path: Path):
    text, field, fragments = BROKEN[case]
    path = tmp_path / f"{case}.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    error = caught.value
    assert error.source == str(path)
    assert error.field == field
    message = str(error)
    assert message.startswith(str(path))
    for fragment in fragments:
        assert fragment in message


def test_a_missing_file_is_reported_with_the_shipped_names(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("ALLIANCESIM_SCENARIOS", str(SCENARIO_DIR))
    with pytest.raises(ScenarioError, match=r"file not found.*dedicated_manager"):
        load_scenario(resolve_scenario_path("dedicated_managr"))


def test_parameter_errors_come_from_the_single_parameter_definition():
    # every parameter's own range is what a scenario is held to
    for name in ("n_members", "conflict_rate", "manager_vacancy"):
        param = PARAMETERS_BY_NAME[name]
        with pytest.raises(ScenarioError, match=rf"{name}.*{param.allowed()[:12]}"):
            scenario_from_dict({"name": "x", "parameters": {name: param.high + 1}})


def test_scenario_errors_survive_a_trip_through_pickle():
    import pickle

    error = ScenarioError("f.toml", "timeline[1].partner", "no such member")
    again = pickle.loads(pickle.dumps(error))
    assert (again.source, again.field, again.message, str(again)) == (
        error.source, error.field, error.message, str(error))


@pytest.mark.parametrize("command", ["run", "compare"])
@pytest.mark.parametrize("case", ["unknown_parameter", "after_horizon", "not_toml"])
def test_the_cli_prints_the_message_and_exits_2_without_a_traceback(
        command: str, case: str, tmp_path: Path):
    text, _field, fragments = BROKEN[case]
    path = tmp_path / f"{case}.toml"
    path.write_text(text, encoding="utf-8")
    args = [command, str(path), "--out", str(tmp_path / "out")]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert str(path) in result.output and fragments[0] in result.output
    assert not (tmp_path / "out").exists()  # nothing ran
