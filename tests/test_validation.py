"""The validation estimators on synthetic data with known answers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from alliancesim.validation import (
    PATTERNS,
    evaluate,
    failure_share,
    hazard_by_age,
    is_inverted_u,
    median_lifetime,
    score,
    share_ended_within,
    trust_asymmetry,
)


def test_life_table_hazard_counts_events_over_those_at_risk():
    # 10 alliances: 2 dissolve in year 1, 3 in year 2, 1 censored in year 2, 4 survive.
    end = np.array([5, 10, 14, 15, 20, 22, 36, 36, 36, 36])
    event = np.array([1, 1, 1, 1, 1, 0, 0, 0, 0, 0], dtype=bool)
    table = hazard_by_age(end, event, width=12, horizon=36)
    assert table["at_risk"].tolist() == [10, 8, 4]
    assert table["events"].tolist() == [2, 3, 0]
    assert table["hazard"].tolist() == pytest.approx([0.2, 3 / 8, 0.0])
    assert (table["low"] <= table["hazard"]).all() and (table["hazard"] <= table["high"]).all()


def test_inverted_u_is_recognised_and_monotone_hazards_are_not():
    def table(h):
        return pd.DataFrame({"hazard": h, "at_risk": [100] * len(h)})

    assert is_inverted_u(table([0.01, 0.08, 0.12, 0.06, 0.04]))
    assert not is_inverted_u(table([0.01, 0.03, 0.05, 0.08, 0.12]))  # rising only
    assert not is_inverted_u(table([0.12, 0.08, 0.05, 0.03, 0.01]))  # falling only
    assert not is_inverted_u(table([0.08, 0.10, 0.05]))  # starts too high
    sparse = pd.DataFrame({"hazard": [0.01, 0.1, 0.02, 0.9], "at_risk": [100, 90, 80, 5]})
    assert is_inverted_u(sparse)  # the last interval has too few at risk to count


def test_kaplan_meier_median_and_share_match_hand_computation():
    # Without censoring, KM is the empirical distribution: median of 1..10 months is 5.
    months = np.arange(1, 11)
    ended = np.ones(10, dtype=bool)
    assert median_lifetime(months, ended).value == 5
    assert share_ended_within(months, ended, 3).value == pytest.approx(0.3)


def test_kaplan_meier_accounts_for_censoring():
    # Times 2, 4(censored), 6, 8: S(2)=3/4, S(6)=3/4*1/2=3/8 -> median 6; F(5) = 1/4.
    months = np.array([2, 4, 6, 8])
    ended = np.array([True, False, True, True])
    assert median_lifetime(months, ended).value == 6
    assert share_ended_within(months, ended, 5).value == pytest.approx(0.25)


def test_median_is_undefined_when_fewer_than_half_end():
    months = np.array([3, 120, 120, 120])
    ended = np.array([True, False, False, False])
    assert np.isnan(median_lifetime(months, ended).value)


def test_failure_share_and_its_interval():
    runs = pd.DataFrame({"failed": [True] * 30 + [False] * 70})
    est = failure_share(runs)
    assert est.value == pytest.approx(0.3)
    assert est.low < 0.3 < est.high and est.high - est.low < 0.2


def test_trust_asymmetry_ratio_of_mean_fall_to_mean_rise():
    rises = np.array([0.02, 0.04, np.nan, 0.03])
    falls = np.array([0.06, 0.12, 0.5, 0.09])  # the NaN run is dropped as a pair
    est = trust_asymmetry(rises, falls)
    assert est.value == pytest.approx(0.27 / 0.09)
    assert est.low <= est.value <= est.high


def _synthetic_runs(n: int, failed_share: float, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    # a dissolution hazard that rises then falls, and a third of runs censored at 120
    end = np.clip(rng.gamma(4.0, 18.0, n).round(), 1, 120).astype(int)
    outcome = np.where(end >= 120, "running",
                       np.where(rng.random(n) < 0.6, "dissolved", "completed"))
    return pd.DataFrame({
        "outcome": outcome, "end_month": end,
        "failed": rng.random(n) < failed_share,
        "trust_rise_per_constructive": rng.uniform(0.02, 0.04, n),
        "trust_fall_per_escalation": rng.uniform(0.08, 0.12, n),
    })


def test_evaluate_reports_every_pattern_with_target_and_verdict():
    table = evaluate(_synthetic_runs(2000, 0.5))
    assert table["pattern"].tolist() == [p.key for p in PATTERNS]
    assert {"target", "source", "value", "low", "high", "inside"} <= set(table.columns)
    row = table.set_index("pattern").loc["failure_share"]
    assert row["inside"] and row["low"] <= row["value"] <= row["high"]


def test_score_grows_with_distance_outside_the_targets():
    good, bad = _synthetic_runs(2000, 0.5), _synthetic_runs(2000, 0.95)
    assert score(bad) > score(good)
    assert score(bad) - score(good) == pytest.approx((0.95 - 0.70) / 0.40, abs=0.05)


def test_validate_command_prints_the_table_and_writes_the_report(tmp_path):
    from typer.testing import CliRunner

    from alliancesim.cli.main import app

    out = tmp_path / "validation"
    result = CliRunner().invoke(app, ["validate", "--replicates", "24", "--workers", "1",
                                      "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "patterns inside their target" in result.output
    for name in ("report.md", "patterns.csv", "runs.parquet", "hazard_by_age.png",
                 "survival.png", "failure_share.png"):
        assert (out / name).stat().st_size > 0
    patterns = pd.read_csv(out / "patterns.csv")
    assert patterns["pattern"].tolist() == [p.key for p in PATTERNS]
    assert len(pd.read_parquet(out / "runs.parquet")) == 24
