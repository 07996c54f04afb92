"""One run engine under run, compare, validate and sweep: identical tables on every backend,
a comparison that resumes after kill -9, recordings streamed with the run id, a manifest in
every output folder, and replay of any run of any folder."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest
from typer.testing import CliRunner

from alliancesim import AllianceModel
from alliancesim.cli.main import app
from alliancesim.compare import IncompleteComparison, compare_scenarios
from alliancesim.engine.tasks import Recording
from alliancesim.single import replay
from alliancesim.sweeps import experiment_from_dict, load_table, run_sweep

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
PAIR = [SCENARIOS / "dedicated_manager.toml", SCENARIOS / "manager_departure.toml"]


def test_a_comparison_is_identical_on_one_worker_two_workers_and_dask(tmp_path):
    from dask.distributed import LocalCluster

    one = compare_scenarios(PAIR, replicates=5, seed=9, workers=1)
    two = compare_scenarios(PAIR, replicates=5, seed=9, workers=2, out=tmp_path / "two")
    with LocalCluster(host="127.0.0.1", n_workers=2, processes=True, threads_per_worker=1,
                      dashboard_address=None) as cluster:
        dask = compare_scenarios(PAIR, replicates=5, seed=9,
                                 scheduler=cluster.scheduler_address)
    assert (one.backend, two.backend, dask.backend) == ("inprocess", "processes", "dask")
    for other in (two, dask):
        pd.testing.assert_frame_equal(one.outcomes, other.outcomes)
        pd.testing.assert_frame_equal(one.trajectories, other.trajectories)
        pd.testing.assert_frame_equal(one.summary(n_resamples=200), other.summary(n_resamples=200))
    assert list(one.outcomes["run_id"]) == list(range(10))


def start_compare(out: Path, *extra: str) -> subprocess.Popen:
    command = [sys.executable, "-m", "alliancesim.cli.main", "compare", *map(str, PAIR),
               "--replicates", "150", "--seed", "4", "--out", str(out), *extra]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_a_comparison_killed_midway_resumes_and_ends_with_the_uninterrupted_tables(tmp_path):
    out = tmp_path / "killed"
    process = start_compare(out, "--workers", "2", "--flush-seconds", "0")
    deadline = time.monotonic() + 180
    while len(list((out / "runs").glob("part-*.parquet"))) < 2:
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "no results appeared"
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    kept = len(pd.read_parquet(out / "runs"))
    assert 0 < kept < 300
    resumed = CliRunner().invoke(app, ["compare", *map(str, PAIR), "--replicates", "150",
                                       "--seed", "4", "--out", str(out), "--workers", "1"])
    assert resumed.exit_code == 0, resumed.output
    assert "resuming the unfinished comparison" in resumed.output
    assert f"{kept} of 300 runs already stored" in resumed.output
    whole = compare_scenarios(PAIR, replicates=150, seed=4, workers=1)
    whole.outcomes.to_csv(tmp_path / "whole.csv", index=False)
    pd.testing.assert_frame_equal(pd.read_csv(out / "outcomes.csv"),
                                  pd.read_csv(tmp_path / "whole.csv"))


def test_a_different_comparison_in_the_folder_is_replaced_only_when_asked(tmp_path):
    from alliancesim.engine.store import ResultsError

    compare_scenarios(PAIR, replicates=2, seed=1, workers=1, out=tmp_path)
    with pytest.raises(ResultsError, match="holds a different comparison"):
        compare_scenarios(PAIR[:1], replicates=3, seed=1, workers=1, out=tmp_path)
    assert len(pd.read_parquet(tmp_path / "runs")) == 4
    again = compare_scenarios(PAIR[:1], replicates=3, seed=1, workers=1, out=tmp_path,
                              overwrite=True)
    assert len(again.outcomes) == 3
    assert len(pd.read_parquet(tmp_path / "runs")) == 3


def test_a_comparison_never_overwrites_a_sweep(tmp_path):
    spec = {"name": "tiny", "seed": 1, "replicates": 1, "horizon": 12,
            "vary": {"n_members": [4, 5]}, "design": {"kind": "grid"}}
    run_sweep(experiment_from_dict(spec), tmp_path, backend="inprocess")
    result = CliRunner().invoke(app, ["compare", str(PAIR[0]), "--replicates", "2",
                                      "--out", str(tmp_path), "--workers", "1"])
    assert result.exit_code == 2 and "holds the results of a sweep" in result.output
    assert len(pd.read_parquet(tmp_path / "runs")) == 2


def test_recordings_stream_with_the_run_id_and_name_members_by_stable_ids(tmp_path):
    record = Recording(panel=True, events=True, network_months=(0, 12))
    result = compare_scenarios(PAIR, replicates=2, seed=3, workers=2, out=tmp_path,
                               record=record)
    panel, events, network = (result.tables[k] for k in ("panel", "events", "network"))
    for table in (panel, events, network):
        assert set(table["run_id"]) == {0, 1, 2, 3}
        assert list(table.columns[:2]) == ["run_id", "scenario"]
    assert set(network["month"]) == {0, 12}
    run = 2
    names = panel[panel["run_id"] == run].drop_duplicates("member_id").set_index(
        "member_id")["name"]
    joined = events[(events["run_id"] == run) & (events["kind"] == "joined")]
    for actor, actor_id in zip(joined["actors"], joined["actor_ids"], strict=True):
        assert names[int(actor_id)] == actor  # ids in the log are the panel's ids
    assert (tmp_path / "panel").is_dir() and (tmp_path / "network").is_dir()
    edges = network[network["run_id"] == run]
    month0 = panel[(panel["run_id"] == run) & (panel["month"] == 0)]
    assert len(edges[edges["month"] == 0]) == len(month0) * (len(month0) - 1)


def test_one_month_of_the_trust_network_exports_as_graphml(tmp_path):
    from alliancesim.network import trust_network, write_graphml

    result = simulate_with_network()
    path = write_graphml(result.network, 12, tmp_path / "m12.graphml", result.panel)
    graph = nx.read_graphml(path)
    live = result.panel[(result.panel["month"] == 12) & result.panel["member"]]
    assert graph.number_of_nodes() == len(live)
    assert graph.number_of_edges() == len(live) * (len(live) - 1)
    some = next(iter(graph.nodes(data=True)))[1]
    assert {"name", "sector", "commitment_state"} <= set(some)
    with pytest.raises(ValueError, match="recorded months: 0, 12"):
        trust_network(result.network, 7)


def simulate_with_network():
    from alliancesim import simulate

    return simulate({"horizon": 24}, seed=6, record_panel=True, network_months=(0, 12))


def manifest(folder: Path) -> dict:
    return json.loads((folder / "manifest.json").read_text())


def check_provenance(data: dict, seed: int) -> None:
    prov = data["provenance"]
    assert prov["command"] and prov["python"]["version"].startswith("3.")
    assert {"version", "commit", "dirty"} <= set(prov["alliancesim"])
    assert {"mesa", "numpy", "pandas"} <= {name.lower() for name in prov["dependencies"]}
    assert prov["os"]["system"] and prov["seeds"]["root_seed"] == seed
    assert "SeedSequence" in prov["seed_scheme"]


def test_every_output_folder_holds_a_manifest_and_any_run_replays(tmp_path):
    invoke = CliRunner().invoke
    assert invoke(app, ["run", "hybrid", "--seed", "5", "--out", str(tmp_path / "run"),
                        "--replicate", "2"]).exit_code == 0
    assert invoke(app, ["compare", *map(str, PAIR), "--replicates", "2", "--seed", "6",
                        "--workers", "1", "--out", str(tmp_path / "cmp")]).exit_code == 0
    assert invoke(app, ["validate", "--replicates", "20", "--seed", "7", "--workers", "1",
                        "--out", str(tmp_path / "val")]).exit_code == 0
    experiment = tmp_path / "exp.toml"
    experiment.write_text('name = "e"\nseed = 8\nreplicates = 2\nhorizon = 24\n'
                          '[vary]\ncultural_diversity = {}\n[design]\nkind = "random"\n'
                          "samples = 3\n")
    assert invoke(app, ["sweep", str(experiment), "--out", str(tmp_path / "sweep"),
                        "--workers", "1", "--no-progress"]).exit_code == 0
    for name, seed, run_id in (("run", 5, 0), ("cmp", 6, 3), ("val", 7, 11), ("sweep", 8, 5)):
        folder = tmp_path / name
        check_provenance(manifest(folder), seed)
        again = replay(folder, run_id, tmp_path / f"replay-{name}")
        assert again.matches, (name, again.differences)
        assert len(again.steps) == again.outcome["end_month"] + 1 and len(again.events)
        check_provenance(manifest(tmp_path / f"replay-{name}"), seed)
    assert manifest(tmp_path / "run")["recipe"]["scenarios"][0]["parameters"][
        "management_mode"] == "hybrid"


def test_replay_on_the_command_line_writes_full_tables(tmp_path):
    spec = {"name": "tiny", "seed": 2, "replicates": 2, "horizon": 36,
            "vary": {"cultural_diversity": [0.5, 2.0]}, "design": {"kind": "grid"},
            "record": {"network_months": [12]}}
    run_sweep(experiment_from_dict(spec), tmp_path / "s", backend="inprocess")
    result = CliRunner().invoke(app, ["replay", str(tmp_path / "s"), "--run-id", "3",
                                      "--graphml", "12", "--format", "svg"])
    assert result.exit_code == 0, result.output
    assert "reproduced the stored outcome exactly" in result.output
    folder = tmp_path / "s" / "replay-3"
    for name in ("steps.csv", "events.csv", "panel.csv", "network.parquet",
                 "network_month_12.graphml", "run.svg", "manifest.json"):
        assert (folder / name).is_file(), name
    assert load_table(tmp_path / "s", "network")["run_id"].nunique() == 4
    missing = CliRunner().invoke(app, ["replay", str(tmp_path / "s"), "--run-id", "99"])
    assert missing.exit_code == 2 and "stored run ids: 0 to 3" in missing.output


class BrokenAlliance(AllianceModel):
    """Fails in its fifth month, as a model under development may."""

    def step(self) -> None:
        if self.month == 4:
            raise RuntimeError("broken on purpose")
        super().step()


def test_a_run_that_raises_stops_the_comparison_with_one_message_and_keeps_it(tmp_path):
    with pytest.raises(IncompleteComparison) as caught:
        compare_scenarios(PAIR, replicates=3, seed=1, workers=1, out=tmp_path,
                          model_class=BrokenAlliance)
    message = str(caught.value)
    assert "run 0 (replicate 0) failed: RuntimeError: broken on purpose" in message
    assert "traceback is stored" in message and caught.value.outcomes.empty
    stored = pd.read_parquet(tmp_path / "runs")
    assert "broken on purpose" in stored.loc[0, "traceback"]

