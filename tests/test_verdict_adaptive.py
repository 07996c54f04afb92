"""The adaptive verdict: rounds add replicates only at undecided points, resume, and give the
same decisions (the metamodel's included) on one worker, two worker processes and a local
Dask scheduler."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pytest

from alliancesim.sweeps import load_results
from alliancesim.verdict import load_verdict, run_verdict
from alliancesim.verdict.adaptive import ANSWERS, STATE, next_targets
from alliancesim.verdict.analysis import mode_folder

SMALL = """
name = "adaptive"
seed = 4
replicates = 3
horizon = 120

[verdict]
modes = ["dedicated", "transversal"]
outcomes = ["failed", "value_total"]
map_replicates = 0
start_replicates = 4
max_replicates = 16
margin = 0.15

[vary]
n_members = { low = 3, high = 8 }
member_skill_mean = { low = 0.1, high = 0.7 }
management_budget = { low = 0.25, high = 4.0 }  # a large post costs much: clear answers

[design]
kind = "sobol"
samples = 8  # 8 x (3 + 2) = 40 points: enough for the metamodel
"""


def _experiment(folder: Path) -> Path:
    path = folder / "adaptive.toml"
    path.write_text(SMALL)
    return path


def _rounds(out: Path) -> list[dict]:
    return json.loads((out / STATE).read_text())["rounds"]


@pytest.fixture(scope="module")
def serial(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("serial")
    run_verdict(load_verdict(_experiment(folder)), folder / "out", adaptive=True, workers=1)
    return folder / "out"


def test_rounds_add_replicates_only_where_the_answer_is_still_open(serial):
    rounds = _rounds(serial)
    assert len(rounds) >= 2 and all(r["status"] == "done" for r in rounds)
    first = np.array(rounds[0]["targets"])
    assert (first == 4).all()
    for before, after in itertools.pairwise(rounds):
        grew = np.array(after["targets"]) > np.array(before["targets"])
        undecided = np.ones(before["points"], dtype=bool)
        undecided[before["decided_points"]] = False
        assert (grew == (undecided & (np.array(before["targets"]) < 16))).all()
    assert rounds[-1]["decided"] > rounds[0]["decided"]  # more runs decided more points
    runs = load_results(mode_folder(serial, "dedicated"))
    targets = np.array(rounds[-1]["targets"])
    per_point = runs.groupby("point").size().reindex(range(len(targets)), fill_value=0)
    assert (per_point.to_numpy() == targets).all()  # no run beyond a point's target
    assert int(runs["replicate"].max()) < 16
    report = (serial / "report.md").read_text()
    assert "## Adaptive rounds" in report and "fixed design" in report


def test_every_round_records_the_metamodel_check_and_the_source_of_each_decision(serial):
    for done in _rounds(serial):
        metamodel = done["metamodel"]
        assert metamodel["decided_own"] + metamodel["decided_metamodel"] == done["decided"]
        check = metamodel["checks"]["dedicated - transversal"]
        assert 0 <= check["coverage"] <= 1 and check["points"] == done["points"]
        assert check["passed"] == (check["coverage"] >= check["floor"])
    answers = (serial / ANSWERS).read_text()
    assert "own runs" in answers
    report = (serial / "report.md").read_text()
    assert "### Metamodel" in report and "held-out points" in report


def test_the_decisions_do_not_depend_on_workers_or_the_scheduler(serial, tmp_path):
    from dask.distributed import LocalCluster

    experiment = load_verdict(_experiment(tmp_path))
    run_verdict(experiment, tmp_path / "two", adaptive=True, workers=2)
    with LocalCluster(host="127.0.0.1", n_workers=2, processes=True, threads_per_worker=1,
                      dashboard_address=None) as cluster:
        run_verdict(experiment, tmp_path / "dask", adaptive=True,
                    scheduler=cluster.scheduler_address)
    expected = _rounds(serial)
    for other in ("two", "dask"):
        assert _rounds(tmp_path / other) == expected, other
        points = (tmp_path / other / "points.csv").read_text()
        assert points == (serial / "points.csv").read_text(), other
        answers = (tmp_path / other / ANSWERS).read_text()
        assert answers == (serial / ANSWERS).read_text(), other


def test_next_targets_grow_the_undecided_points_up_to_the_cap():
    targets = np.array([4, 4, 8, 16])
    decided = np.array([True, False, False, False])
    assert next_targets(targets, decided, cap=16, growth=2).tolist() == [4, 8, 16, 16]
