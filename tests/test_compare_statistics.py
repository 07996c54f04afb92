"""Comparison statistics agree with hand computations on small cases."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from alliancesim.compare.statistics import (
    OutcomeSpec,
    bootstrap_mean_ci,
    cliffs_delta,
    kaplan_meier,
    risk_difference,
    summarize,
    survival_contrast,
)


def runs(scenario: str, ends: list[tuple[int, str]], **columns: list) -> pd.DataFrame:
    """Outcome rows of one scenario from (end_month, outcome) pairs and extra columns."""
    frame = pd.DataFrame({"scenario": scenario,
                          "end_month": [e for e, _ in ends],
                          "outcome": [o for _, o in ends], **columns})
    return frame


def test_cliffs_delta_counts_pairs_as_by_hand():
    # x=1: below 2, 2, 5 (3 lower); x=2: ties 2, 2, below 5 (1 lower); x=3 and x=4: above
    # 2, 2, below 5 (2 higher, 1 lower each): 4 higher, 6 lower of 12 pairs.
    result = cliffs_delta(np.array([1, 2, 3, 4]), np.array([2, 2, 5]))
    assert result.effect == pytest.approx((4 - 6) / 12)
    assert result.statistic == pytest.approx(4 + 0.5 * 2)  # Mann-Whitney U of x


def test_mann_whitney_p_value_matches_the_exact_distribution():
    # x entirely below y: U = 0, which 1 of the C(5, 2) = 10 equally likely rankings gives;
    # two-sided p = 2/10.
    result = cliffs_delta(np.array([1.0, 2.0]), np.array([3.0, 4.0, 5.0]))
    assert result.effect == -1.0
    assert result.p_value == pytest.approx(0.2)


def test_identical_values_give_no_effect_and_p_one():
    result = cliffs_delta(np.full(5, 2.0), np.full(4, 2.0))
    assert (result.effect, result.p_value) == (0.0, 1.0)


def test_risk_difference_and_fisher_exact_as_by_hand():
    # 3/4 against 1/4; with 4 successes in 8, the hypergeometric weights of a = 0..4
    # successes in the first group are 1, 16, 36, 16, 1 (/70); the two-sided p sums those
    # no more likely than the observed a = 3: (1 + 16 + 16 + 1) / 70.
    result = risk_difference(np.array([1, 1, 1, 0]), np.array([1, 0, 0, 0]))
    assert result.effect == pytest.approx(0.5)
    assert result.p_value == pytest.approx(34 / 70)
    assert result.statistic == pytest.approx(9.0)  # odds ratio (3 * 3) / (1 * 1)


def test_kaplan_meier_matches_the_product_limit_by_hand():
    outcomes = runs("A", [(3, "dissolved"), (5, "dissolved"), (5, "dissolved"),
                          (7, "dissolved"), (4, "completed"), (10, "running"),
                          (10, "running")])
    curve = kaplan_meier(outcomes, np.array([2, 3, 4, 5, 7, 10])).set_index("month")
    # at 3: 7 at risk, 1 dissolves; 4: a completion is censored; at 5: 5 at risk, 2
    # dissolve; at 7: 3 at risk, 1 dissolves.
    expected = [1.0, 6 / 7, 6 / 7, 6 / 7 * 3 / 5, 6 / 7 * 3 / 5 * 2 / 3, 6 / 7 * 3 / 5 * 2 / 3]
    assert curve["survival"].tolist() == pytest.approx(expected)
    assert curve["at_risk"].tolist() == [7, 7, 6, 5, 3, 2]
    low, high = curve.loc[5, ["ci_low", "ci_high"]]
    assert low < curve.loc[5, "survival"] < high


def test_log_rank_matches_the_textbook_statistic():
    a = runs("A", [(2, "dissolved"), (4, "dissolved"), (6, "completed"), (8, "running")])
    b = runs("B", [(1, "dissolved"), (3, "dissolved"), (5, "dissolved"), (8, "running")])
    # by hand: at each dissolution time, observed minus expected dissolutions in A and the
    # hypergeometric variance
    o_minus_e = variance = 0.0
    for t in (1, 2, 3, 4, 5):
        n_a = (a["end_month"] >= t).sum()
        n_b = (b["end_month"] >= t).sum()
        d_a = ((a["end_month"] == t) & (a["outcome"] == "dissolved")).sum()
        d = d_a + ((b["end_month"] == t) & (b["outcome"] == "dissolved")).sum()
        n = n_a + n_b
        o_minus_e += d_a - d * n_a / n
        variance += d * (n_a / n) * (1 - n_a / n) * (n - d) / (n - 1)
    chi2 = o_minus_e**2 / variance
    result = survival_contrast(a, b, month=8)
    assert result.statistic**2 == pytest.approx(chi2)
    assert result.p_value == pytest.approx(stats.chi2.sf(chi2, df=1))
    # survival at 8: A = (3/4)(2/3) (4, then 3 at risk); B = (3/4)(2/3)(1/2)
    assert result.effect == pytest.approx(1 / 2 - 1 / 4)


def test_log_rank_is_undefined_without_any_dissolution():
    a = runs("A", [(120, "running"), (50, "completed")])
    result = survival_contrast(a, a.assign(scenario="B"), month=120)
    assert result.effect == 0.0 and math.isnan(result.p_value)


def test_bootstrap_interval_of_a_share_agrees_with_the_normal_approximation():
    rng = np.random.default_rng(5)
    values = (rng.random(400) < 0.3).astype(float)
    p = values.mean()
    half = 1.96 * math.sqrt(p * (1 - p) / len(values))
    low, high = bootstrap_mean_ci(values, np.random.default_rng(1))
    assert low == pytest.approx(p - half, abs=0.01)
    assert high == pytest.approx(p + half, abs=0.01)


def test_bootstrap_interval_of_constant_values_is_the_value():
    assert bootstrap_mean_ci(np.full(30, 0.25), np.random.default_rng(0)) == (0.25, 0.25)


def small_comparison() -> pd.DataFrame:
    a = runs("A", [(3, "dissolved"), (10, "running"), (8, "completed"), (10, "running")],
             failed=[True, False, False, True], value_total=[1.0, 4.0, 6.0, 2.0])
    b = runs("B", [(2, "dissolved"), (4, "dissolved"), (10, "running"), (6, "dissolved")],
             failed=[True, True, True, True], value_total=[0.5, 1.0, 5.0, 1.5])
    frame = pd.concat([a, b], ignore_index=True)
    frame["scenario"] = pd.Categorical(frame["scenario"], categories=["A", "B"], ordered=True)
    return frame


SPECS = (OutcomeSpec("failed", "Failed", "binary"),
         OutcomeSpec("value_total", "Value", "numeric"),
         OutcomeSpec("survival", "Survival", "survival"))


def test_summary_rows_agree_with_hand_computations():
    table = summarize(small_comparison(), outcome_specs=SPECS, seed=3, n_resamples=500,
                      survival_month=10).set_index(["outcome", "scenario"], drop=False)
    ref, other = table.loc[("failed", "A")], table.loc[("failed", "B")]
    assert (ref["estimate"], other["estimate"]) == (0.5, 1.0)
    assert math.isnan(ref["effect"]) and math.isnan(ref["p_value"])
    assert other["effect"] == pytest.approx(0.5)
    # Fisher on [[4, 0], [2, 2]]: with 6 failures in 8, the weights of a = 2, 3, 4 failures
    # in B are 6, 16, 6 (/28); p sums those no more likely than a = 4: (6 + 6) / 28.
    assert other["p_value"] == pytest.approx(12 / 28)
    assert (other["ci_low"], other["ci_high"]) == (1.0, 1.0)  # all failed: nothing to resample
    value = table.loc[("value_total", "B")]
    assert value["estimate"] == pytest.approx(2.0)
    # B = 0.5, 1, 5, 1.5 against A = 1, 4, 6, 2: 0.5 is below all four; 1 ties 1 and is
    # below three; 5 is above three and below 6; 1.5 is above 1 and below three:
    # 4 higher, 11 lower, 1 tie of 16 pairs
    assert value["effect"] == pytest.approx((4 - 11) / 16)
    assert value["ci_low"] <= value["estimate"] <= value["ci_high"]
    surv_a, surv_b = table.loc[("survival", "A")], table.loc[("survival", "B")]
    assert surv_a["estimate"] == pytest.approx(3 / 4)  # one dissolution of four, at month 3
    assert surv_b["estimate"] == pytest.approx((3 / 4) * (2 / 3) * (1 / 2))
    assert surv_b["effect"] == pytest.approx(surv_b["estimate"] - surv_a["estimate"])
    assert table["n"].tolist() == [4] * 6


def test_summary_is_reproducible_from_its_seed_and_equal_data_get_equal_intervals():
    data = small_comparison()
    data["failed_again"] = data["failed"]
    specs = (*SPECS, OutcomeSpec("failed_again", "Failed again", "binary"))
    first = summarize(data, outcome_specs=specs, seed=11, n_resamples=300)
    pd.testing.assert_frame_equal(first, summarize(data, outcome_specs=specs, seed=11,
                                                   n_resamples=300))
    by = first.set_index(["outcome", "scenario"])
    for name in ("A", "B"):
        assert by.loc[("failed", name), ["ci_low", "ci_high"]].tolist() == \
            by.loc[("failed_again", name), ["ci_low", "ci_high"]].tolist()


def test_summary_compares_with_the_reference_asked_for():
    table = summarize(small_comparison(), outcome_specs=SPECS[:1], reference="B",
                      n_resamples=200)
    rows = table.set_index("scenario")
    assert math.isnan(rows.loc["B", "effect"])
    assert rows.loc["A", "effect"] == pytest.approx(-0.5)
    with pytest.raises(ValueError, match="reference scenario 'C'"):
        summarize(small_comparison(), outcome_specs=SPECS[:1], reference="C")


def test_runs_without_a_value_are_left_out_of_that_outcome_only():
    data = small_comparison()
    data["value_total"] = data["value_total"].astype(float)
    data.loc[0, "value_total"] = float("nan")  # first run of A
    table = summarize(data, outcome_specs=SPECS, n_resamples=200).set_index(
        ["outcome", "scenario"])
    assert table.loc[("value_total", "A"), "n"] == 3
    assert table.loc[("value_total", "A"), "estimate"] == pytest.approx((4 + 6 + 2) / 3)
    assert table.loc[("failed", "A"), "n"] == 4
    assert math.isfinite(table.loc[("value_total", "B"), "p_value"])
