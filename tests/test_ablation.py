"""Every mechanism can be switched off through the parameter definition, and doing so
changes what it should (measured on the same seeds with the mechanism on and off)."""

from __future__ import annotations

import pandas as pd
import pytest

from alliancesim.params import MECHANISMS, PARAMETERS, mechanism_off
from alliancesim.validation.ablation import (
    CHECKS,
    CHECKS_BY_MECHANISM,
    AblationCheck,
    evaluate,
    measure,
    serial_runner,
)


def test_every_mechanism_has_a_switch_in_the_definition_and_a_check():
    tagged = {p.mechanism for p in PARAMETERS if p.mechanism}
    assert tagged == set(MECHANISMS)
    assert set(CHECKS_BY_MECHANISM) == set(MECHANISMS) and len(CHECKS) == len(MECHANISMS)
    for name in MECHANISMS:
        off = mechanism_off(name)
        assert off, name
        for param, value in off.items():
            assert value != next(p.default for p in PARAMETERS if p.name == param), param


def test_an_unknown_mechanism_is_refused_with_the_known_ones():
    with pytest.raises(KeyError, match="known: cultural_distance"):
        mechanism_off("culture")


def test_a_change_against_the_expected_direction_is_not_shown():
    check = AblationCheck("shocks", "value", lambda runs: runs["v"], "higher")
    on = pd.DataFrame({"v": [5.0, 6.0, 7.0, 8.0] * 10})
    assert evaluate(check, on, on - 3.0).shown is False  # lower, not higher
    assert evaluate(check, on, on + 3.0).shown is True
    assert evaluate(check, on, on).shown is False  # no change at all


def test_rates_of_rare_events_are_compared_pooled_over_runs():
    check = AblationCheck("legal_exit_barrier", "exits per month", lambda runs: runs["k"],
                          "higher", pooled=("k", "t"))
    on = pd.DataFrame({"k": [1, 0, 2, 1] * 10, "t": [10.0] * 40})  # 0.1 a month
    off = pd.DataFrame({"k": [2, 3, 1, 2] * 10, "t": [10.0] * 40})  # 0.2 a month
    result = evaluate(check, on, off)
    assert result.on == pytest.approx(0.1) and result.off == pytest.approx(0.2)
    assert result.shown and result.p_value < 0.001
    assert not evaluate(check, off, on).shown


@pytest.mark.slow
@pytest.mark.parametrize("mechanism", list(MECHANISMS))
def test_switching_a_mechanism_off_changes_what_it_should(mechanism: str):
    [result] = measure((CHECKS_BY_MECHANISM[mechanism],), runner=serial_runner)
    assert result.shown, (f"{mechanism}: {result.measure} on {result.on:.4g}, off "
                          f"{result.off:.4g} (expected {result.expect}), p {result.p_value:.3g}")
