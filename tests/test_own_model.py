"""Bring your own model: an AllianceModel subclass with one new behaviour (mentoring) and a
MemberOrganization subclass (members who always collaborate), run through every entry point:
simulate, a scenario, mesa.batch_run, a comparison, a sweep, the command line, replay and the
app. Classes named in files are imported only when allowed."""

from __future__ import annotations

import subprocess
import sys
import warnings
from pathlib import Path

import mesa
import pandas as pd
import pytest
from typer.testing import CliRunner

from alliancesim import AllianceModel, simulate
from alliancesim.cli.main import app
from alliancesim.compare import compare_scenarios
from alliancesim.engine.classes import ClassImportError
from alliancesim.scenarios import load_scenario, run_scenario
from alliancesim.single import replay
from alliancesim.sweeps import load_results, load_table, run_sweep

HERE = Path(__file__).parent / "data" / "own_model"
MENTORED, PLAIN = HERE / "mentored.toml", HERE / "plain.toml"
SWEEP, TRIPWIRE = HERE / "mentored_sweep.toml", HERE / "tripwire.toml"
if str(HERE) not in sys.path:
    sys.path.append(str(HERE))
from mentoring import ListeningMember, MentoredAlliance  # noqa: E402


def conflict_modes(events: pd.DataFrame) -> set[str]:
    conflicts = events[events["kind"] == "conflict"]
    return {mode for modes in conflicts["modes"] for mode in modes.split("; ")}


def test_simulate_runs_the_subclass_and_its_members():
    own = simulate({"horizon": 48}, seed=4, model_class=MentoredAlliance,
                   member_class=ListeningMember, record_events=True)
    base = simulate({"horizon": 48}, seed=4, record_events=True)
    assert own.outcome["mentoring_sessions"] > 0 and "mentoring_sessions" not in base.outcome
    assert conflict_modes(own.events) == {"collaborating"}
    assert len(conflict_modes(base.events)) > 1
    with pytest.raises(TypeError, match="subclass of it"):
        simulate(model_class=dict)  # type: ignore[arg-type]


def test_the_member_class_is_a_class_attribute_or_a_keyword():
    class Listening(AllianceModel):
        member_class = ListeningMember

    for model in (Listening(rng=2), AllianceModel(rng=2, member_class=ListeningMember)):
        assert all(isinstance(m, ListeningMember) for m in model.members)
    assert not isinstance(AllianceModel(rng=2).members[0], ListeningMember)


def test_mesa_batch_run_returns_the_outcome_and_a_seed_that_reruns_each_row():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # iterations=, as users call it
        rows = mesa.batch_run(MentoredAlliance, {"horizon": [24, 36]}, iterations=2,
                              display_progress=False)
    frame = pd.DataFrame(rows)
    assert len(frame) == 4 and frame["rng"].isna().all()  # unseeded by the caller
    assert frame["mentoring_sessions"].gt(0).all() and frame["outcome"].notna().all()
    row = frame.iloc[3]
    import numpy as np

    seed = np.random.SeedSequence(int(row["seed_entropy"]))
    again = simulate({"horizon": int(row["horizon"])}, seed, model_class=MentoredAlliance)
    assert again.outcome["value_total"] == row["value_total"]
    assert again.outcome["end_month"] == row["end_month"]


def test_batch_run_gives_the_member_panel_through_agent_reporters():
    rows = mesa.batch_run(AllianceModel, {"horizon": 24, "record_members": True}, rng=[5],
                          display_progress=False)
    frame = pd.DataFrame(rows)
    members = frame.groupby("AgentID").size()
    assert len(frame) == len(members) >= 3  # one row per member at the end
    assert {"trust_given", "trust_received", "commitment_state", "member"} <= set(frame)
    model = AllianceModel(rng=5, horizon=24, record_members=True)
    while model.running:
        model.step()
    panel = model.member_table()
    last = panel[panel["month"] == panel["month"].max()].set_index("member_id")
    assert last["commitment"].to_dict() == frame.set_index("AgentID")["commitment"].to_dict()


def test_a_scenario_file_names_its_classes_and_they_load_only_when_allowed():
    scenario = load_scenario(MENTORED)
    with pytest.raises(ClassImportError, match="--allow-import") as refused:
        run_scenario(scenario, seed=1)
    assert refused.value.field == "model_class" and str(MENTORED) in str(refused.value)
    result = run_scenario(scenario, seed=1, allow_import=True)
    assert result.outcome["mentoring_sessions"] > 0
    assert conflict_modes(result.events) <= {"collaborating"}
    assert result.panel is not None and set(result.network["month"]) <= {0, 12}


@pytest.mark.parametrize("workers", [1, 2])
def test_a_comparison_runs_a_file_named_model_on_every_worker(workers, tmp_path):
    with pytest.raises(ClassImportError, match="allow-import"):
        compare_scenarios([PLAIN, MENTORED], replicates=3, seed=2, workers=1)
    result = compare_scenarios([PLAIN, MENTORED], replicates=3, seed=2, workers=workers,
                               allow_import=True, out=tmp_path)
    by = result.outcomes.set_index("scenario", append=False)
    assert by.loc["Mentored", "mentoring_sessions"].gt(0).all()
    assert by.loc["Plain", "mentoring_sessions"].isna().all()
    panel = result.tables["panel"]  # the mentored scenario's [record] asks for it
    assert set(panel["scenario"]) == {"Mentored"} and panel["run_id"].nunique() == 3


def test_a_class_given_in_python_replaces_the_files_and_needs_no_flag():
    result = compare_scenarios([PLAIN], replicates=2, seed=2, workers=1,
                               model_class=MentoredAlliance)
    assert result.outcomes["mentoring_sessions"].gt(0).all()


def test_a_sweep_runs_an_experiment_named_model_on_local_processes(tmp_path):
    with pytest.raises(ClassImportError, match="allow-import"):
        run_sweep(SWEEP, tmp_path / "refused")
    run_sweep(SWEEP, tmp_path / "out", workers=2, runs_per_task=1, allow_import=True)
    runs = load_results(tmp_path / "out")
    assert len(runs) == 4 and (runs["status"] == "ok").all()
    assert runs["mentoring_sessions"].gt(0).all()
    events = load_table(tmp_path / "out", "events")
    assert set(events["run_id"]) == {0, 1, 2, 3} and "actor_ids" in events


def test_the_command_line_refuses_a_named_class_without_the_flag(tmp_path):
    for args in (["run", MENTORED], ["compare", PLAIN, MENTORED, "--replicates", "2"],
                 ["sweep", SWEEP]):
        result = CliRunner().invoke(app, [*map(str, args), "--out", str(tmp_path / "x")])
        assert result.exit_code == 2, result.output
        assert "field 'model_class'" in result.output and "--allow-import" in result.output
        assert "Traceback" not in result.output


def test_the_command_line_runs_and_replays_a_named_class_with_the_flag(tmp_path):
    out = tmp_path / "run"
    result = CliRunner().invoke(app, ["run", str(MENTORED), "--seed", "3", "--out", str(out),
                                      "--allow-import", "--graphml", "12"])
    assert result.exit_code == 0, result.output
    assert (out / "panel.csv").is_file() and (out / "network_month_12.graphml").is_file()
    refused = CliRunner().invoke(app, ["replay", str(out), "--run-id", "0"])
    assert refused.exit_code == 2 and "--allow-import" in refused.output
    again = replay(out, 0, tmp_path / "again", allow_import=True)
    assert again.matches and again.outcome["mentoring_sessions"] > 0
    sweep = CliRunner().invoke(app, ["sweep", str(SWEEP), "--out", str(tmp_path / "sweep"),
                                     "--workers", "1", "--no-progress", "--allow-import"])
    assert sweep.exit_code == 0, sweep.output


def test_the_app_runs_a_class_passed_in_python():
    from alliancesim.app.state import Settings, start_comparison, start_live

    live = start_live(Settings(model_class=MentoredAlliance))
    assert isinstance(live.models[0], MentoredAlliance)
    for _ in range(6):
        live.step()
    assert live.models[0].mentoring_sessions > 0
    pair = start_comparison(Settings(model_class=MentoredAlliance))
    assert all(isinstance(m, MentoredAlliance) for m in pair.models)


def test_no_file_ever_imports_a_class_by_itself(tmp_path):
    """Reading a scenario that names a module (the app's picker included), and running it
    without the flag, never imports that module: it would leave a mark."""
    mark = tmp_path / "imported"
    probe = f"""
import os, sys
os.environ["ALLIANCESIM_TRIPWIRE"] = {str(mark)!r}
sys.path.append({str(HERE)!r})
from alliancesim.app.scenarios import list_scenarios
from alliancesim.cli.main import app
choices = list_scenarios(__import__("pathlib").Path({str(HERE)!r}))
assert any(c.name == "Tripwire" for c in choices)
try:
    app(["run", {str(TRIPWIRE)!r}, "--out", {str(tmp_path / "out")!r}])
except SystemExit as end:
    print("STATUS", end.code)
"""
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          timeout=120)
    assert "STATUS 2" in done.stdout, done.stderr
    assert not mark.exists()
