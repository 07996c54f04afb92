"""Paired statistics for paired runs: compare tests scenarios that share seeds with paired
tests (exact McNemar, Wilcoxon signed-rank, log-rank stratified by seed), names them, and
gives each difference one of three answers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from alliancesim.compare.statistics import OutcomeSpec, is_paired, summarize

SPECS = (OutcomeSpec("failed", "Failed", "binary"),
         OutcomeSpec("survival", "Survival (KM)", "survival"),
         OutcomeSpec("value_total", "Value created", "numeric"))


def runs(shift: float, n: int = 200, shared_seeds: bool = True, seed: int = 1) -> pd.DataFrame:
    """Two scenarios whose runs share most of their fate (common random numbers): the second
    fails a little more often and creates a little less value."""
    rng = np.random.default_rng(seed)
    fate = rng.random(n)
    value = rng.normal(50, 15, n)
    frames = []
    for k, name in enumerate(("ref", "other")):
        failed = fate < 0.4 + k * shift
        dissolved = failed & (fate < 0.3 + k * shift)
        frames.append(pd.DataFrame({
            "scenario": name, "replicate": np.arange(n),
            "seed_entropy": 7 if shared_seeds else 7 + k,
            "seed_spawn_key": [str(r) for r in range(n)],
            "failed": failed.astype(float),
            "outcome": np.where(dissolved, "dissolved", "completed"),
            "end_month": np.where(dissolved, (fate * 300).astype(int) + 1, 120),
            "value_total": value - 100 * k * shift + rng.normal(0, 1, n)}))
    return pd.concat(frames, ignore_index=True)


def _row(table: pd.DataFrame, outcome: str) -> pd.Series:
    return table[(table["outcome"] == outcome) & (table["scenario"] == "other")].iloc[0]


def test_shared_seeds_are_recognised_and_different_ones_are_not():
    assert is_paired(runs(0.05))
    assert not is_paired(runs(0.05, shared_seeds=False))


def test_paired_runs_get_paired_tests_named_in_the_table():
    table = summarize(runs(0.05), outcome_specs=SPECS, n_resamples=200)
    assert _row(table, "failed")["test"] == "exact McNemar"
    assert _row(table, "value_total")["test"] == "Wilcoxon signed-rank"
    assert _row(table, "survival")["test"] == "log-rank stratified by seed"
    assert table["paired"].all()
    unpaired = summarize(runs(0.05, shared_seeds=False), outcome_specs=SPECS, n_resamples=200)
    assert _row(unpaired, "failed")["test"] == "Fisher's exact"


def test_pairing_finds_a_small_shift_that_the_unpaired_test_misses():
    # 5 more points of failure, on 200 common seeds: 10 discordant pairs, all one way
    paired = _row(summarize(runs(0.05), outcome_specs=SPECS, n_resamples=200), "failed")
    assert paired["p_value"] < 0.01 and paired["answer"] == "different"
    as_if_unpaired = summarize(runs(0.05, shared_seeds=False), outcome_specs=SPECS,
                               n_resamples=200)
    assert _row(as_if_unpaired, "failed")["p_value"] > 0.1
    assert _row(as_if_unpaired, "failed")["answer"] == "undecided"
    assert _row(as_if_unpaired, "failed")["more_runs"] > 0


def test_the_same_scenario_twice_is_equivalent_within_the_margin():
    table = summarize(runs(0.0, n=400), outcome_specs=SPECS, n_resamples=200)
    for outcome in ("failed", "survival", "value_total"):
        assert _row(table, outcome)["answer"] == "equivalent", outcome
    assert _row(table, "failed")["margin"] == pytest.approx(0.05)


def test_the_margin_is_the_callers():
    # a 5-point shift is within a 10-point margin, and clearly there: the margin decides
    table = summarize(runs(0.05, n=2000), outcome_specs=SPECS[:1], n_resamples=200,
                      margin=0.10)
    assert _row(table, "failed")["answer"] == "equivalent"


def test_a_comparison_report_names_its_paired_tests_and_answers(tmp_path):
    from alliancesim.compare import compare_scenarios, write_report

    comparison = compare_scenarios(["dedicated_manager", "transversal_skill"], replicates=12,
                                   workers=1)
    table = comparison.summary(n_resamples=200)
    assert table["paired"].all()
    other = table[table["scenario"] == "transversal_skill"]
    assert set(other["answer"]) <= {"different", "equivalent", "undecided"}
    write_report(comparison, tmp_path)
    report = (tmp_path / "report.md").read_text()
    assert "| Answer |" in report and "exact McNemar" in report
    assert "paired, since replicate r of every scenario ran on the same seed" in report
