"""The runner: same rows on every backend, resume after kill -9, Ctrl-C and lost workers,
failing runs recorded, per-step tables thinned."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import dask
import pandas as pd
import psutil
import pytest
from typer.testing import CliRunner

from alliancesim.cli.main import app
from alliancesim.engine.tasks import FAILED, OK
from alliancesim.sweeps import (
    ResultsError,
    ResultsStore,
    experiment_from_dict,
    load_results,
    load_steps,
    run_seed,
    run_sweep,
)

BASE = {
    "name": "small",
    "seed": 7,
    "replicates": 3,
    "horizon": 24,
    "vary": {"n_members": {"low": 3, "high": 9}, "management_mode": ["dedicated", "transversal"]},
    "design": {"kind": "lhs", "samples": 8},
}
# A timeline entry at month 20 that raises: every run still going then must fail cleanly.
FAILS_AT = 20
SPEC = {**BASE, "scenario": str(Path(__file__).parent / "data" / "absent_partner.toml")}
SLOW = """
name = "slow"
seed = 11
replicates = 4
horizon = 120
[vary]
cultural_diversity = {}
management_mode = ["dedicated", "transversal"]
[design]
kind = "random"
samples = 40
"""


def comparable(path: Path) -> pd.DataFrame:
    """The stored runs without their timings."""
    return load_results(path).drop(columns="duration_s")


def test_in_process_local_processes_and_dask_give_identical_rows(tmp_path):
    from dask.distributed import LocalCluster

    experiment = experiment_from_dict(SPEC)
    run_sweep(experiment, tmp_path / "inprocess", backend="inprocess")
    run_sweep(experiment, tmp_path / "processes", workers=2, runs_per_task=5)
    with LocalCluster(host="127.0.0.1", n_workers=2, processes=True, threads_per_worker=1,
                      dashboard_address=None) as cluster:
        summary = run_sweep(experiment, tmp_path / "dask", scheduler=cluster.scheduler_address,
                            runs_per_task=4)
    assert summary.backend == "dask" and summary.workers == 2
    reference = comparable(tmp_path / "inprocess")
    assert len(reference) == 16 * 3 and list(reference["run_id"]) == list(range(48))
    pd.testing.assert_frame_equal(comparable(tmp_path / "processes"), reference)
    pd.testing.assert_frame_equal(comparable(tmp_path / "dask"), reference)


def test_a_failing_run_is_recorded_and_the_rest_complete(tmp_path):
    summary = run_sweep(experiment_from_dict(SPEC), tmp_path, backend="inprocess")
    runs = load_results(tmp_path)
    failed = runs[runs["status"] == FAILED]
    assert len(runs) == summary.runs_total == 48
    assert len(failed) == summary.failures_total > 0 and len(failed) < len(runs)
    assert (runs.loc[runs["status"] == OK, "end_month"] < FAILS_AT).all()
    row = failed.iloc[0]
    assert row["error"].startswith("ScenarioError: ")
    assert "timeline[1].partner" in row["error"] and "'Nobody'" in row["error"]
    assert "Traceback (most recent call last)" in row["traceback"]
    assert row["seed_entropy"] == "7"
    assert list(row["seed_spawn_key"]) == [row["point"], row["replicate"]]
    assert runs.loc[runs["status"] == OK, "outcome"].notna().all()
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["failures_stored"] == len(failed) and manifest["status"] == "complete"


def test_each_run_reproduces_from_its_recorded_seed(tmp_path):
    from alliancesim import simulate

    spec = {**BASE, "replicates": 2}
    run_sweep(experiment_from_dict(spec), tmp_path, backend="inprocess")
    row = load_results(tmp_path).iloc[5]
    params = {"horizon": 24, "n_members": int(row["n_members"]),
              "management_mode": row["management_mode"]}
    seed = run_seed(int(row["seed_entropy"]), *map(int, row["seed_spawn_key"]))
    outcome = simulate(params, seed).outcome
    assert outcome["end_month"] == row["end_month"]
    assert outcome["value_total"] == row["value_total"]


def test_the_manifest_records_experiment_design_versions_and_seed(tmp_path):
    run_sweep(experiment_from_dict(SPEC), tmp_path, backend="inprocess")
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["root_seed"] == 7
    assert manifest["design"]["kind"] == "lhs" and manifest["design"]["points"] == 16
    assert manifest["experiment"]["vary"]["management_mode"]["values"] == [
        "dedicated", "transversal"]
    assert {"alliancesim", "mesa", "numpy", "pandas", "SALib", "dask"} <= set(
        manifest["versions"])
    assert manifest["runs_total"] == 48


def test_rerunning_a_finished_sweep_does_nothing_and_duplicates_nothing(tmp_path):
    experiment = experiment_from_dict(SPEC)
    run_sweep(experiment, tmp_path, backend="inprocess")
    again = run_sweep(experiment, tmp_path, backend="inprocess")
    assert again.runs_before == 48 and again.runs_now == 0
    assert load_results(tmp_path)["run_id"].is_unique


def test_a_changed_experiment_cannot_resume_in_the_same_folder(tmp_path):
    run_sweep(experiment_from_dict(SPEC), tmp_path, backend="inprocess")
    changed = experiment_from_dict({**SPEC, "replicates": 4})
    with pytest.raises(ResultsError, match="different experiment"):
        run_sweep(changed, tmp_path, backend="inprocess")


def test_leftovers_of_a_crash_mid_write_are_cleared_on_resume(tmp_path):
    experiment = experiment_from_dict({**SPEC, "record": {"steps": True, "every": 6}})
    run_sweep(experiment, tmp_path, backend="inprocess", flush_runs=10)
    # a crash while writing: a half-written temporary file, a steps part whose runs part
    # never landed, and the lock of the dead writer
    (tmp_path / "runs" / ".part-000099-abc.parquet.1234.tmp").write_bytes(b"half")
    (tmp_path / "steps" / "part-000099-abcdef.parquet").write_bytes(b"orphan")
    (tmp_path / ".lock").write_text(f"{os.uname().nodename} 999999999")
    before = load_steps(tmp_path)
    run_sweep(experiment, tmp_path, backend="inprocess")
    assert not list(tmp_path.rglob("*.tmp"))
    assert not (tmp_path / "steps" / "part-000099-abcdef.parquet").exists()
    pd.testing.assert_frame_equal(load_steps(tmp_path), before)


def test_a_live_writer_keeps_others_out(tmp_path):
    store = ResultsStore(tmp_path)
    store.open_for_writing()
    try:
        with pytest.raises(ResultsError, match="a sweep is writing here"):
            run_sweep(experiment_from_dict(SPEC), tmp_path, backend="inprocess")
    finally:
        store.close()


def test_step_tables_keep_every_kth_month_and_the_last(tmp_path):
    spec = {**BASE, "replicates": 1,
            "record": {"steps": True, "every": 5, "columns": ["phase", "trust_mean"]}}
    run_sweep(experiment_from_dict(spec), tmp_path, backend="inprocess")
    steps, runs = load_steps(tmp_path), load_results(tmp_path)
    assert list(steps.columns) == ["run_id", "point", "replicate", "month", "phase",
                                   "trust_mean"]
    for run_id, months in steps.groupby("run_id")["month"]:
        last = int(runs.loc[runs["run_id"] == run_id, "end_month"].iloc[0])
        expected = sorted({*range(0, last + 1, 5), last})
        assert list(months) == expected


# --- interruptions: a real CLI process, killed ------------------------------------------------
def start_sweep(experiment: Path, out: Path, *extra: str) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "alliancesim.cli.main", "sweep", str(experiment),
           "--out", str(out), "--no-progress", "--flush-runs", "8", *extra]
    # As from a terminal: Ctrl-C interrupts even when this test runs where SIGINT is ignored
    # (a background job's children inherit that, and would finish the sweep instead).
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=_default_sigint)


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def wait_for_parts(out: Path, parts: int, process: subprocess.Popen,
                   timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while len(list((out / "runs").glob("part-*.parquet"))) < parts:
        assert process.poll() is None, "the sweep ended before it could be interrupted"
        assert time.monotonic() < deadline, "no results appeared"
        time.sleep(0.05)


@pytest.fixture(scope="module")
def slow_experiment(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("experiment") / "slow.toml"
    path.write_text(SLOW)
    return path


@pytest.fixture(scope="module")
def uninterrupted(slow_experiment, tmp_path_factory) -> pd.DataFrame:
    """The rows of the sweep run once, start to end, in this process."""
    out = tmp_path_factory.mktemp("reference")
    run_sweep(slow_experiment, out, backend="inprocess")
    return comparable(out)


def pool_workers(process: subprocess.Popen, timeout: float = 180) -> list[psutil.Process]:
    """The worker processes of a running sweep (spawned children of its process)."""
    deadline = time.monotonic() + timeout
    while True:
        assert time.monotonic() < deadline and process.poll() is None, "no workers appeared"
        workers = [child for child in psutil.Process(process.pid).children()
                   if "spawn_main" in " ".join(child.cmdline())]
        if workers:
            return workers
        time.sleep(0.05)


def test_a_sweep_killed_midway_and_rerun_has_exactly_the_uninterrupted_runs(
        slow_experiment, uninterrupted, tmp_path):
    out = tmp_path / "killed"
    process = start_sweep(slow_experiment, out, "--workers", "2")
    wait_for_parts(out, 2, process)
    workers = pool_workers(process)
    process.send_signal(signal.SIGKILL)
    process.wait()
    _, alive = psutil.wait_procs(workers, timeout=15)
    assert not alive, "worker processes outlived the killed sweep"
    kept = len(load_results(out))
    assert 0 < kept < len(uninterrupted)
    result = CliRunner().invoke(app, ["sweep", str(slow_experiment), "--out", str(out),
                                      "--workers", "1", "--no-progress"])
    assert result.exit_code == 0, result.output
    pd.testing.assert_frame_equal(comparable(out), uninterrupted)


def test_ctrl_c_saves_finished_runs_and_the_rerun_completes(
        slow_experiment, uninterrupted, tmp_path):
    out = tmp_path / "interrupted"
    process = start_sweep(slow_experiment, out, "--workers", "2", "--flush-seconds", "0")
    wait_for_parts(out, 1, process)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=300)
    assert process.returncode == 130
    assert "rerun the same command to resume" in stderr and "Traceback" not in stderr
    assert json.loads((out / "manifest.json").read_text())["status"] == "interrupted"
    run_sweep(slow_experiment, out, workers=2)
    pd.testing.assert_frame_equal(comparable(out), uninterrupted)


def test_a_lost_worker_process_is_replaced_and_no_run_is_lost(
        slow_experiment, uninterrupted, tmp_path):
    out = tmp_path / "lost"
    process = start_sweep(slow_experiment, out, "--workers", "2")
    wait_for_parts(out, 1, process)
    pool_workers(process)[0].kill()
    _, stderr = process.communicate(timeout=300)
    assert process.returncode == 0, stderr
    pd.testing.assert_frame_equal(comparable(out), uninterrupted)


def test_an_unreachable_scheduler_is_reported_without_a_traceback(tmp_path):
    path = tmp_path / "small.toml"
    path.write_text(SLOW)
    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        result = CliRunner().invoke(app, ["sweep", str(path), "--out", str(tmp_path / "out"),
                                          "--scheduler", "tcp://127.0.0.1:9", "--no-progress"])
    assert result.exit_code == 2
    assert "cannot reach the Dask scheduler at 'tcp://127.0.0.1:9'" in result.output
    assert "Traceback" not in result.output
