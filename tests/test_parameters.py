"""Bad parameters raise clear errors naming the parameter and what is allowed."""

from __future__ import annotations

import pytest

from alliancesim import AllianceModel, ParameterError
from alliancesim.params import PARAMETERS, defaults, validate_parameters


def test_every_parameter_has_a_default_inside_its_range_and_a_meaning():
    for p in PARAMETERS:
        assert p.meaning and p.unit
        if p.kind == "choice":
            assert p.default in p.choices
        else:
            assert p.low <= p.default <= p.high
    assert validate_parameters({}) == defaults()


def test_unknown_parameter_names_suggest_the_closest_one():
    with pytest.raises(ParameterError, match=r"unknown parameter 'n_member'.*'n_members'"):
        AllianceModel(n_member=8)


def test_wrong_types_name_the_parameter_and_its_allowed_values():
    with pytest.raises(ParameterError, match=r"'n_members' must be an integer in \[2, 1000\]"):
        AllianceModel(n_members="8")
    with pytest.raises(ParameterError, match=r"'n_members' must be an integer"):
        AllianceModel(n_members=8.5)
    with pytest.raises(ParameterError, match=r"'trust_gain' must be a number"):
        AllianceModel(trust_gain=True)


def test_out_of_range_values_name_the_range():
    with pytest.raises(ParameterError, match=r"'trust_initial' must be a number in \[0, 1\], "
                                             r"got 1.5"):
        AllianceModel(trust_initial=1.5)


def test_choices_list_the_allowed_values():
    with pytest.raises(ParameterError, match=r"'management_mode'.*'none', 'dedicated', "
                                             r"'transversal', 'hybrid'"):
        AllianceModel(management_mode="outsourced")


def test_shared_governance_cannot_fit_larger_alliances_than_a_lead_organization():
    with pytest.raises(ParameterError, match="shared_max_members"):
        AllianceModel(shared_max_members=12, lead_max_members=10)


def test_floats_are_refused_for_integer_parameters_as_files_refuse_them():
    with pytest.raises(ParameterError, match="whole number"):
        AllianceModel(n_members=6.0)
    assert AllianceModel(n_members=6).p["n_members"] == 6


def test_setting_a_parameter_mid_run_is_validated_too():
    model = AllianceModel(rng=1)
    with pytest.raises(ParameterError, match="conflict_rate"):
        model.set_parameter("conflict_rate", 2.0)


def test_set_up_only_parameters_cannot_change_mid_run():
    model = AllianceModel(rng=1)
    with pytest.raises(ParameterError, match="'management_mode' only shapes the alliance"):
        model.set_parameter("management_mode", "transversal")
    with pytest.raises(ParameterError, match="Did you mean 'conflict_rate'"):
        model.set_parameter("conflict_rat", 0.1)
