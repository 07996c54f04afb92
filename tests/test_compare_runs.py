"""Comparisons: reproducible from the seed, the same on one worker or many, common random
numbers recorded per run, a complete report, and nothing lost when a run fails."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from alliancesim.cli.main import app
from alliancesim.compare import (
    Comparison,
    IncompleteComparison,
    compare_scenarios,
    write_report,
)
from alliancesim.compare.runner import InterruptedComparison
from alliancesim.scenarios import replicate_seed, run_scenario, scenario_from_dict

SCENARIO_DIR = Path(__file__).resolve().parents[1] / "scenarios"
DEDICATED = SCENARIO_DIR / "dedicated_manager.toml"
TRANSVERSAL = SCENARIO_DIR / "transversal_skill.toml"


@pytest.fixture(scope="module")
def small() -> Comparison:
    return compare_scenarios([DEDICATED, TRANSVERSAL], replicates=6, seed=5, workers=1)


def test_same_seed_same_tables_and_another_seed_other_tables(small):
    again = compare_scenarios([DEDICATED, TRANSVERSAL], replicates=6, seed=5, workers=1)
    pd.testing.assert_frame_equal(small.outcomes, again.outcomes)
    pd.testing.assert_frame_equal(small.trajectories, again.trajectories)
    pd.testing.assert_frame_equal(small.summary(n_resamples=300), again.summary(n_resamples=300))
    other = compare_scenarios([DEDICATED, TRANSVERSAL], replicates=6, seed=6, workers=1)
    assert not small.outcomes["value_total"].equals(other.outcomes["value_total"])


def test_parallel_workers_give_the_same_tables_as_one(small):
    seen: list[int] = []
    parallel = compare_scenarios([DEDICATED, TRANSVERSAL], replicates=6, seed=5, workers=2,
                                 progress=lambda done, total: seen.append(done))
    assert parallel.workers == 2
    assert len(seen) > 1 and seen == sorted(seen) and seen[-1] == 12  # the bar moves
    pd.testing.assert_frame_equal(small.outcomes, parallel.outcomes)
    pd.testing.assert_frame_equal(small.trajectories, parallel.trajectories)


def test_replicate_r_of_every_scenario_shares_seed_child_r(small):
    outcomes = small.outcomes
    assert list(outcomes["scenario"].cat.categories) == ["Dedicated manager",
                                                         "Transversal skill"]
    for _, rows in outcomes.groupby("replicate"):
        assert rows["seed_spawn_key"].nunique() == 1 and len(rows) == 2
    assert set(outcomes["seed_entropy"]) == {"5"}
    assert sorted(outcomes["seed_spawn_key"].unique()) == [str(r) for r in range(6)]


def test_a_recorded_run_is_reproduced_from_its_seed(small):
    row = small.outcomes.iloc[8]  # some replicate of the second scenario
    scenario = small.scenarios[small.names.index(row["scenario"])]
    seed = replicate_seed(int(row["seed_entropy"]), int(row["seed_spawn_key"]))
    rerun = run_scenario(scenario, seed).outcome
    for key in ("outcome", "end_month", "value_total", "conflicts_total"):
        assert rerun[key] == row[key]


def test_trajectories_hold_every_month_of_every_run(small):
    lengths = small.trajectories.groupby(["scenario", "replicate"], observed=True).size()
    ends = small.outcomes.set_index(["scenario", "replicate"])["end_month"]
    assert (lengths.sort_index() == ends.sort_index() + 1).all()


def test_common_random_numbers_make_identical_scenarios_identical():
    twin = scenario_from_dict({"name": "Twin", "parameters": {"management_mode": "dedicated"}})
    result = compare_scenarios([DEDICATED, twin], replicates=4, seed=2, workers=1)
    by = result.outcomes.drop(columns="run_id").set_index(["scenario", "replicate"])
    pd.testing.assert_frame_equal(by.loc["Dedicated manager"], by.loc["Twin"])
    effects = result.summary(n_resamples=200).set_index(["outcome", "scenario"])["effect"]
    assert effects.xs("Twin", level="scenario").abs().max() == 0.0


def test_the_report_folder_has_tables_figures_and_a_page(small, tmp_path: Path):
    written = write_report(small, tmp_path)
    names = {p.name for p in written}
    assert names >= {"outcomes.csv", "trajectories.parquet", "summary.csv", "survival.csv",
                     "phases.csv", "survival.png", "phases.png", "trajectories.png",
                     "report.md"}
    for path in written:
        assert path.stat().st_size > 0
    assert pd.read_csv(tmp_path / "outcomes.csv").shape[0] == 12
    pd.testing.assert_frame_equal(
        pd.read_parquet(tmp_path / "trajectories.parquet").astype({"scenario": str}),
        small.trajectories.astype({"scenario": str}))
    page = (tmp_path / "report.md").read_text(encoding="utf-8")
    for figure in ("survival.png", "phases.png", "trajectories.png"):
        assert f"]({figure})" in page
    assert "Transversal skill" in page and "SeedSequence(5)" in page
    survival = pd.read_csv(tmp_path / "survival.csv")
    assert survival.groupby("scenario")["survival"].apply(
        lambda s: s.is_monotonic_decreasing).all()


def test_compare_command_prints_the_table_and_writes_the_report(tmp_path: Path):
    out = tmp_path / "cmp"
    result = CliRunner().invoke(app, ["compare", str(DEDICATED), str(TRANSVERSAL),
                                      "--replicates", "3", "--workers", "1", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "reference: Dedicated manager" in result.output
    assert "Survival (KM)" in result.output
    assert (out / "report.md").is_file() and (out / "survival.png").is_file()


def test_compare_command_rejects_too_few_replicates(tmp_path: Path):
    result = CliRunner().invoke(app, ["compare", str(DEDICATED), "--replicates", "1",
                                      "--out", str(tmp_path / "x")])
    assert result.exit_code == 2


def test_a_failing_run_keeps_the_finished_runs(tmp_path: Path):
    broken = tmp_path / "broken.toml"
    broken.write_text('name = "Broken"\n[[timeline]]\nmonth = 1\nkind = "partner_leaves"\n'
                      'partner = "Nobody Ltd"\n', encoding="utf-8")
    with pytest.raises(IncompleteComparison) as caught:
        compare_scenarios([DEDICATED, broken], replicates=3, seed=1, workers=1)
    assert caught.value.field == "timeline[1].partner"
    assert len(caught.value.outcomes) == 3  # the reference's runs, all finished
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["compare", str(DEDICATED), str(broken),
                                      "--replicates", "3", "--workers", "1", "--out", str(out)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output and "Nobody Ltd" in result.output
    assert len(pd.read_csv(out / "outcomes_partial.csv")) == 3


def test_run_command_on_a_scenario_writes_tables_and_figure(tmp_path: Path):
    out = tmp_path / "run"
    result = CliRunner().invoke(app, ["run", str(SCENARIO_DIR / "partner_exit_shock.toml"),
                                      "--seed", "3", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Partner-exit shock, seed 3" in result.output
    steps = pd.read_csv(out / "steps.csv")
    events = pd.read_csv(out / "events.csv")
    assert len(steps) > 1 and "sentence" in events.columns
    assert (out / "run.png").stat().st_size > 0


def test_run_command_without_a_scenario_runs_the_defaults(tmp_path: Path):
    result = CliRunner().invoke(app, ["run", "--seed", "2", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "Default alliance, seed 2" in result.output
    assert (tmp_path / "steps.csv").is_file()


def test_run_command_reruns_a_replicate_of_a_comparison(small, tmp_path: Path):
    row = small.outcomes.iloc[3]
    result = CliRunner().invoke(app, ["run", str(DEDICATED), "--seed", "5", "--replicate",
                                      str(row["replicate"]), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    steps = pd.read_csv(tmp_path / "steps.csv")
    assert steps["month"].iloc[-1] == row["end_month"]
    assert steps["value_total"].iloc[-1] == pytest.approx(row["value_total"])


@pytest.mark.parametrize("workers", [1, 2])
def test_an_interrupted_comparison_keeps_the_finished_runs(workers: int):
    def interrupt_after_some_runs(done: int, total: int) -> None:
        if done >= 4:
            raise KeyboardInterrupt

    with pytest.raises(InterruptedComparison) as caught:
        compare_scenarios([DEDICATED, TRANSVERSAL], replicates=40, seed=3, workers=workers,
                          progress=interrupt_after_some_runs)
    kept = caught.value.outcomes
    assert 4 <= len(kept) < 80  # the queued runs were dropped, not run to the end
    full = compare_scenarios([DEDICATED, TRANSVERSAL], replicates=40, seed=3, workers=1)
    merged = kept.merge(full.outcomes, on=["scenario", "replicate"], suffixes=("", "_full"))
    assert (merged["value_total"] == merged["value_total_full"]).all()
