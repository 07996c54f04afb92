"""The verdict: pairing, the "no clear winner" rule, PRIM on a known box, the experiment file,
identical tables on every backend, and resuming after kill -9."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from alliancesim.cli.main import app
from alliancesim.sweeps import ExperimentError, load_manifest, load_results
from alliancesim.sweeps.design import DUMMY
from alliancesim.verdict import NO_WINNER, PairingError, find_box, verdict_from_dict, winner
from alliancesim.verdict.analysis import mode_folder
from alliancesim.verdict.paired import column, differences, mean_interval, paired_runs
from alliancesim.verdict.report import TABLES
from alliancesim.verdict.spec import OUTCOMES

MODES = ["dedicated", "transversal", "hybrid"]
TINY = """
name = "tiny"
seed = 4
replicates = 3
horizon = 48

[verdict]
modes = ["dedicated", "transversal", "hybrid"]
assumptions = ["skill_learning_rate"]
map_levels = 3
map_replicates = 2

[vary]
n_members = { low = 3, high = 8 }
member_skill_mean = { low = 0.1, high = 0.7 }
sector_mix = { sample = true }
skill_learning_rate = { low = 0.1, high = 0.6 }

[design]
kind = "sobol"
samples = 4
"""


def write_experiment(folder: Path, text: str = TINY, name: str = "tiny.toml") -> Path:
    path = folder / name
    path.write_text(text)
    return path


def invoke(*args: str):
    return CliRunner().invoke(app, list(args))


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> Path:
    """The tiny verdict run once, in this process."""
    folder = tmp_path_factory.mktemp("tiny")
    experiment = write_experiment(folder)
    result = invoke("verdict", str(experiment), "--out", str(folder / "out"), "--workers", "1",
                    "--no-progress")
    assert result.exit_code == 0, result.output
    return folder / "out"


# --- pairing ----------------------------------------------------------------------------
def test_every_mode_of_a_design_point_shares_its_seeds_and_its_parameter_values(tiny):
    runs = {m: load_results(mode_folder(tiny, m)).set_index("run_id") for m in MODES}
    first = runs["dedicated"]
    assert len(first) == 4 * (5 + 2) * 3  # sobol points (the dummy factor among them) x replicates
    shared = ["point", "replicate", "seed_entropy", "n_members", "member_skill_mean",
              "sector_mix", "skill_learning_rate"]
    for mode in MODES[1:]:
        pd.testing.assert_frame_equal(runs[mode][shared], first[shared])
        keys = list(zip(runs[mode]["seed_spawn_key"].map(tuple),
                        first["seed_spawn_key"].map(tuple), strict=True))
        assert all(a == b for a, b in keys)
    # ... and the modes do differ in what they ran and, somewhere, in what came out
    ran = {load_manifest(mode_folder(tiny, m))["base_parameters"]["management_mode"]
           for m in MODES}
    assert ran == set(MODES)
    values = pd.concat({m: runs[m]["value_total"] for m in MODES}, axis=1)
    assert (values.nunique(axis=1) > 1).any()


def test_runs_that_do_not_share_their_seeds_are_refused():
    base = pd.DataFrame({"point": [0, 0], "replicate": [0, 1], "status": "ok",
                         "seed_entropy": "7", "seed_spawn_key": [[0, 0], [0, 1]],
                         "outcome": "dissolved", "failed": True, "objectives_met": False,
                         "value_total": [1.0, 2.0], "n_members": 5})
    shifted = base.assign(seed_spawn_key=[[1, 0], [1, 1]])
    with pytest.raises(PairingError, match="seed_spawn_key"):
        paired_runs({"dedicated": base, "transversal": shifted}, ["failed"])
    other_values = base.assign(n_members=6)
    with pytest.raises(PairingError, match="n_members"):
        paired_runs({"dedicated": base, "transversal": other_values}, ["failed"],
                    shared=["n_members"])
    paired = paired_runs({"dedicated": base, "transversal": base}, ["failed"],
                         shared=["n_members"])
    assert len(paired) == 2


# --- the "no clear winner" rule ---------------------------------------------------------------
def synthetic(values: dict[str, dict[int, np.ndarray]], outcome: str) -> pd.DataFrame:
    """A paired table from outcome values per mode and point (one entry per replicate)."""
    frames = []
    for point in values[MODES[0]]:
        n = len(values[MODES[0]][point])
        frame = pd.DataFrame({"point": point, "replicate": np.arange(n)})
        for mode in MODES:
            frame[column(outcome, mode)] = values[mode][point]
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def verdicts(paired: pd.DataFrame, outcome: str, margin: float = 0.01) -> dict[int, str]:
    # a margin of equivalence far below the gaps these tests plant
    diffs = differences(paired, MODES, [OUTCOMES[outcome]], 0.95, margins={outcome: margin})
    return {int(p): winner(zip(g["a"], g["b"], g["better"], strict=True), MODES)
            for p, g in diffs.groupby("point")}


def test_the_rule_finds_the_known_winners_and_forces_no_side():
    rng = np.random.default_rng(1)
    n = 30
    noise = {m: rng.normal(0, 1, (6, n)) for m in MODES}
    common = rng.normal(0, 1, (6, n))  # common random numbers: shared by every mode
    truth = {  # the true mean value created per point and mode
        0: (5.0, 5.0, 5.0),   # the same: no clear winner
        1: (8.0, 5.0, 5.0),   # dedicated clearly best
        2: (5.0, 8.0, 8.0),   # transversal and hybrid tied ahead
        3: (5.05, 5.0, 5.0),  # a difference far inside the noise: no clear winner
        4: (5.0, 5.0, 9.0),   # hybrid clearly best
        5: (8.0, 5.0, 2.0),   # an order: dedicated best
    }
    values = {m: {p: common[p] + truth[p][i] + 0.5 * noise[m][p] for p in truth}
              for i, m in enumerate(MODES)}
    found = verdicts(synthetic(values, "value_total"), "value_total")
    assert found == {0: NO_WINNER, 1: "dedicated", 2: "transversal or hybrid", 3: NO_WINNER,
                     4: "hybrid", 5: "dedicated"}


def test_identical_outcomes_are_no_clear_winner_and_a_constant_gap_is_judged_by_its_size():
    same = np.zeros(20)
    assert mean_interval(same, 0.95)["clear"] is False
    assert mean_interval(np.ones(20), 0.95)["clear"] is True  # 20 of 20 pairs one way
    assert mean_interval(np.ones(3), 0.95)["clear"] is False  # 3 of 3: could be chance
    failed = {m: {0: np.zeros(20)} for m in MODES}
    failed["transversal"][0] = np.ones(20)
    failed["hybrid"][0] = np.ones(20)
    assert verdicts(synthetic(failed, "failed"), "failed") == {0: "dedicated"}


def test_without_a_true_difference_few_points_have_a_winner_and_with_one_most_do():
    rng = np.random.default_rng(2)
    points, n = 400, 16
    null = np.array([mean_interval(rng.normal(0, 1, n), 0.95)["clear"] for _ in range(points)])
    real = np.array([mean_interval(rng.normal(1, 1, n), 0.95)["clear"] for _ in range(points)])
    assert 0.01 < null.mean() < 0.09  # about 5% by chance, as the interval promises
    assert real.mean() > 0.95


def test_a_cycle_or_a_partial_order_has_no_clear_winner():
    cycle = [("dedicated", "transversal", "dedicated"), ("transversal", "hybrid", "transversal"),
             ("dedicated", "hybrid", "hybrid")]
    assert winner(cycle, MODES) == NO_WINNER
    partial = [("dedicated", "transversal", "dedicated"),
               ("dedicated", "hybrid", NO_WINNER), ("transversal", "hybrid", NO_WINNER)]
    assert winner(partial, MODES) == NO_WINNER
    assert winner([("dedicated", "transversal", "transversal")], MODES[:2]) == "transversal"


# --- PRIM -------------------------------------------------------------------------------------
def test_prim_finds_a_known_box():
    rng = np.random.default_rng(3)
    n = 2000
    x = pd.DataFrame({"a": rng.random(n), "b": rng.random(n), "c": rng.random(n),
                      "members": rng.integers(3, 17, n),
                      "mix": rng.choice(["cross_sector", "business", "public_private"], n)
                      .astype(object)})
    y = ((x["a"] < 0.3) & (x["b"] > 0.6)).to_numpy()
    box = find_box(x, y, "known")
    limits = {limit["factor"]: limit for limit in box.limits}
    assert set(limits) == {"a", "b"}
    assert limits["a"]["low"] is None and limits["a"]["high"] == pytest.approx(0.3, abs=0.03)
    assert limits["b"]["high"] is None and limits["b"]["low"] == pytest.approx(0.6, abs=0.03)
    assert box.coverage > 0.9 and box.density > 0.9
    assert len(box.trajectory) > 10  # the trade-off curve the box was picked from


def test_prim_finds_a_box_over_whole_numbers_and_choices():
    rng = np.random.default_rng(4)
    n = 2000
    x = pd.DataFrame({"members": rng.integers(3, 17, n), "a": rng.random(n),
                      "mix": rng.choice(["cross_sector", "business", "public_private"], n)
                      .astype(object)})
    y = ((x["members"] <= 6) & (x["mix"] != "business")).to_numpy()
    box = find_box(x, y, "known")
    limits = {limit["factor"]: limit for limit in box.limits}
    assert set(limits) == {"members", "mix"}
    assert limits["members"]["high"] == 6
    assert limits["mix"]["values"] == ["cross_sector", "public_private"]


def test_prim_says_when_there_is_nothing_to_box():
    x = pd.DataFrame({"a": np.linspace(0, 1, 100)})
    box = find_box(x, np.zeros(100, dtype=bool), "never")
    assert not box.found and "too few cases" in box.note


# --- the experiment file ----------------------------------------------------------------------
def spec(**changes) -> dict:
    import tomllib

    data = tomllib.loads(TINY)
    for key, value in changes.items():
        data[key] = value
    return data


@pytest.mark.parametrize(("change", "field", "words"), [
    ({"parameters": {"management_mode": "dedicated"}}, "parameters.management_mode",
     "the verdict runs every mode"),
    ({"verdict": {"modes": ["dedicated", "boss"]}}, "verdict.modes[1]", "allowed"),
    ({"verdict": {"decide_by": "value_total", "outcomes": ["failed"]}}, "verdict",
     "must be one of the outcomes"),
    ({"verdict": {"mode": ["dedicated"]}}, "verdict.mode", "unknown field"),
    ({"verdict": {"assumptions": ["manager_skill_premium"]}}, "verdict.assumptions[0]",
     "not a factor"),
    ({"design": {"kind": "lhs", "samples": 8}}, "design.kind", "allowed: sobol, morris"),
    ({"vary": {"n_members": [4, 8], "member_skill_mean": {}}}, "vary.n_members",
     "sample = true"),
    ({"vary": {"n_members": {}}}, "vary", "at least two factors"),
])
def test_a_bad_verdict_file_is_refused_naming_the_field(change, field, words):
    with pytest.raises(ExperimentError, match=rf"field '{re.escape(field)}'.*{words}"):
        verdict_from_dict(spec(**change), source="v.toml")


def test_each_mode_is_its_own_sweep_of_the_same_design_and_seed():
    verdict = verdict_from_dict(spec())
    assert list(verdict.sweeps) == MODES
    designs = [e.make_design(e.seed).points for e in verdict.sweeps.values()]
    for other in designs[1:]:
        pd.testing.assert_frame_equal(other, designs[0])
    assert {e.base_parameters()["management_mode"] for e in verdict.sweeps.values()} == set(MODES)


def test_the_command_refuses_a_bad_file_in_one_line_with_status_2(tmp_path):
    path = write_experiment(tmp_path, TINY.replace("[vary]", "[vary]\nmanagement_mode = {}"))
    result = invoke("verdict", str(path), "--out", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert result.output.strip().startswith("error: ") and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_the_shipped_experiment_is_valid_and_fits_its_budget():
    from alliancesim.verdict import load_verdict

    root = Path(__file__).resolve().parents[1]
    verdict = load_verdict(root / "experiments" / "verdict.toml")
    assert verdict.first.design.kind == "sobol"
    # benchmarks/bench_verdict.py: within 20 minutes on 2 cores (about 9,000 runs a minute)
    assert verdict.n_runs() + verdict.n_map_runs() <= 80_000


# --- the report -------------------------------------------------------------------------------
def test_the_report_answers_first_and_every_table_and_figure_is_written(tiny):
    report = (tiny / "report.md").read_text()
    paragraphs = report.split("\n\n")
    # the report opens with the design-wide paired difference and the three answers
    assert paragraphs[1].startswith("Design-wide paired difference a − b")
    assert "| dedicated − transversal |" in paragraphs[2] and "equivalent" in paragraphs[2]
    first = paragraphs[3]
    assert first.startswith("**Is alliance management best as a profession, a shared skill, "
                            "or both?**")
    assert "Caveats:" in first
    for name in [*TABLES, "map_failed.png", "pairs_failed.png", "prim_tradeoff.png"]:
        assert (tiny / name).is_file(), name
    summary = json.loads((tiny / "verdict.json").read_text())
    assert summary["answer"] == first
    assert summary["map"]["x"] != summary["map"]["y"]


# --- backends and interruptions ---------------------------------------------------------------
def tables(folder: Path) -> dict[str, bytes]:
    return {name: (folder / name).read_bytes() for name in TABLES}


@pytest.mark.slow
def test_one_worker_two_workers_and_dask_give_identical_tables(tiny, tmp_path):
    from dask.distributed import LocalCluster

    experiment = tiny.parent / "tiny.toml"  # the same file: verdict.json names it
    result = invoke("verdict", str(experiment), "--out", str(tmp_path / "two"), "--workers", "2",
                    "--no-progress")
    assert result.exit_code == 0, result.output
    with LocalCluster(host="127.0.0.1", n_workers=2, processes=True, threads_per_worker=1,
                      dashboard_address=None) as cluster:
        result = invoke("verdict", str(experiment), "--out", str(tmp_path / "dask"),
                        "--scheduler", cluster.scheduler_address, "--no-progress")
    assert result.exit_code == 0, result.output
    reference = tables(tiny)
    assert tables(tmp_path / "two") == reference
    assert tables(tmp_path / "dask") == reference
    timing = json.loads((tmp_path / "dask" / "timing.json").read_text())
    assert {s["backend"] for s in timing["sessions"]} == {"dask"}


def comparable(folder: Path) -> pd.DataFrame:
    return load_results(folder).drop(columns="duration_s")


@pytest.mark.slow
def test_a_verdict_killed_with_kill_9_resumes_without_losing_or_repeating_a_run(tiny, tmp_path):
    experiment = tiny.parent / "tiny.toml"
    out = tmp_path / "killed"
    command = [sys.executable, "-m", "alliancesim.cli.main", "verdict", str(experiment),
               "--out", str(out), "--workers", "2", "--no-progress", "--flush-runs", "4"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    first = mode_folder(out, MODES[0]) / "runs"
    deadline = time.monotonic() + 240
    while len(list(first.glob("part-*.parquet"))) < 2:
        assert process.poll() is None, "the verdict ended before it could be killed"
        assert time.monotonic() < deadline, "no results appeared"
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait()
    kept = sum(len(load_results(mode_folder(out, m))) for m in MODES
               if (mode_folder(out, m) / "manifest.json").exists())
    assert 0 < kept < 3 * 72
    result = invoke("verdict", str(experiment), "--out", str(out), "--workers", "1",
                    "--no-progress")
    assert result.exit_code == 0, result.output
    for mode in MODES:
        pd.testing.assert_frame_equal(comparable(mode_folder(out, mode)),
                                      comparable(mode_folder(tiny, mode)))
    assert tables(out) == tables(tiny)


# --- a calibration's plausible set ------------------------------------------------------------
def test_a_verdict_over_plausible_sets_samples_one_set_per_point_and_boxes_their_values(
        tmp_path):
    from alliancesim.verdict import run_verdict

    pd.DataFrame({"manager_skill_premium": [-0.2, 0.35, 0.1],
                  "skill_learning_rate": [0.1, 0.6, 0.3],
                  "member_skill_mean": [0.2, 0.4, 0.3],  # varied by the design instead
                  "I_max": [1.0, 2.0, 2.5]}).to_parquet(tmp_path / "plausible.parquet")
    text = (TINY.replace('assumptions = ["skill_learning_rate"]\n', "")
            .replace("map_replicates = 2", "map_replicates = 0")
            .replace("skill_learning_rate = { low = 0.1, high = 0.6 }\n", "")
            .replace("samples = 4", "samples = 2")
            + '\n[parameter_sets]\nfile = "plausible.parquet"\n')
    result = run_verdict(write_experiment(tmp_path, text), tmp_path / "out", workers=1)
    analysis = result.analysis
    assert [f.name for f in analysis.design.ranged][-2:] == ["parameter_set", DUMMY]
    from alliancesim.verdict.analysis import box_inputs

    inputs = box_inputs(analysis.verdict, analysis.design, analysis.paired)
    assert {"manager_skill_premium", "skill_learning_rate"} <= set(inputs.columns)
    assert "parameter_set" not in inputs.columns  # a row number is no condition
    summary = json.loads((tmp_path / "out" / "verdict.json").read_text())
    assert summary["parameter_sets"]["left_to_experiment"] == ["member_skill_mean"]
    assert summary["map"] is None and "3 plausible parameter sets" in summary["answer"]
    assert "parameter_set" not in (summary["averaged_map"]["x"], summary["averaged_map"]["y"])
