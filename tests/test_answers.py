"""Three answers about a paired difference: different (which way), equivalent within a
margin (TOST), or undecided with the runs that would decide it."""

from __future__ import annotations

import numpy as np
import pytest
from statsmodels.stats.weightstats import DescrStatsW

from alliancesim.compare.answers import (
    DIFFERENT,
    EQUIVALENT,
    UNDECIDED,
    judge_paired,
    tost_p,
)


def test_a_clear_gap_is_different_and_says_which_way():
    d = np.random.default_rng(1).normal(-0.25, 0.5, 200)
    answer = judge_paired(d, margin=0.05)
    assert answer.answer == DIFFERENT and answer.direction == -1
    assert answer.high < 0 and answer.more_runs == 0


def test_no_difference_on_many_runs_is_equivalent_not_merely_not_significant():
    d = np.random.default_rng(2).normal(0.0, 0.3, 2000)
    assert judge_paired(d, margin=0.05).answer == EQUIVALENT


def test_no_difference_on_few_runs_is_undecided_with_an_estimate_of_the_runs_needed():
    d = np.random.default_rng(3).normal(0.0, 0.5, 16)
    answer = judge_paired(d, margin=0.05)
    assert answer.answer == UNDECIDED
    # about (1.645 * 0.5 / (0.05 - |mean|))^2 pairs at least: hundreds more, not a handful
    assert answer.more_runs > 100


def test_the_runs_estimate_roughly_decides_the_question():
    rng = np.random.default_rng(4)
    first = judge_paired(rng.normal(0.3, 1.0, 20), margin=0.05)
    assert first.answer == UNDECIDED
    more = judge_paired(rng.normal(0.3, 1.0, 20 + int(4 * first.more_runs)), margin=0.05)
    assert more.answer == DIFFERENT


def test_tost_agrees_with_statsmodels():
    d = np.random.default_rng(5).normal(0.01, 0.3, 100)
    expected = DescrStatsW(d).ttost_mean(-0.05, 0.05)[0]
    se = d.std(ddof=1) / np.sqrt(len(d))
    assert tost_p(d.mean(), se, len(d) - 1, 0.05) == pytest.approx(expected)
    assert judge_paired(d, 0.05).p_equivalent == pytest.approx(expected)


def test_identical_pairs_are_equivalent_once_enough_and_a_constant_gap_needs_the_sign_test():
    # no pair differing in 5 could still hide a share of 45% that do: undecided
    few_equal = judge_paired(np.zeros(5), 0.05)
    assert few_equal.answer == UNDECIDED and few_equal.more_runs == 59 - 5
    assert judge_paired(np.zeros(59), 0.05).answer == EQUIVALENT
    assert judge_paired(np.ones(20), 0.05).answer == DIFFERENT
    few = judge_paired(np.ones(3), 0.05)
    assert few.answer == UNDECIDED and few.more_runs >= 1


def test_the_rule_applied_many_times_at_a_real_gap_rarely_says_equivalent():
    # the check: a gap of 25 points judged on 16 pairs, 40 times
    rng = np.random.default_rng(6)
    answers = [judge_paired(rng.binomial(1, 0.45, 16) - rng.binomial(1, 0.2, 16), 0.05).answer
               for _ in range(40)]
    assert answers.count(EQUIVALENT) == 0
    assert answers.count(DIFFERENT) + answers.count(UNDECIDED) == 40
