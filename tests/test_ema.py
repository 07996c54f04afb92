"""The EMA Workbench as a neighbour: the model as an EMA ReplicatorModel and a sweep folder as
EMA's (experiments, outcomes) pair, each usable by PRIM and feature scoring."""

from __future__ import annotations

import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from alliancesim.ema import (
    BOOKKEEPING,
    RunReplicate,
    available_outcomes,
    ema_model,
    inputs_of,
    sweep_to_ema,
)
from alliancesim.params import MANAGEMENT_MODES, PARAMETERS_BY_NAME, Parameter, ParameterError
from alliancesim.sweeps import experiment_from_dict, load_results, run_sweep

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message=".*ipyparallel.*")
    from ema_workbench import Sample, SequentialEvaluator, perform_experiments
    from ema_workbench.analysis import feature_scoring, prim

UNCERTAIN = ["cultural_diversity", "openness_mean", "resource_scarcity", "n_members"]
SMALL = {"n_members": (3, 8)}
OUTCOMES = ["failed", "value_total", "survived", "end_month"]
SHORT = {"horizon": 24}  # two years: enough for alliances to form, found and differ
HERE = Path(__file__).parent
if str(HERE / "data" / "own_model") not in sys.path:
    sys.path.append(str(HERE / "data" / "own_model"))


def small_model(**options):
    settings = {"uncertainties": UNCERTAIN, "ranges": SMALL, "constants": SHORT,
                "outcomes": OUTCOMES, "replicates": 2, "seed": 11, **options}
    return ema_model(**settings)


@pytest.fixture(scope="module")
def performed():
    """12 scenarios x 2 management modes x 2 replicates, one process."""
    model = small_model()
    with SequentialEvaluator(model) as evaluator:
        experiments, outcomes = evaluator.perform_experiments(scenarios=12, policies=2)
    return model, experiments, outcomes


# --- the model --------------------------------------------------------------------------
def test_perform_experiments_gives_every_outcome_for_every_experiment(performed):
    _, experiments, outcomes = performed
    assert len(experiments) == 24
    assert {*UNCERTAIN, "management_mode", "scenario", "policy", "model"} == set(experiments)
    assert set(experiments["management_mode"]) <= set(MANAGEMENT_MODES)
    assert experiments["n_members"].between(3, 8).all()
    assert experiments["cultural_diversity"].between(0, 3).all()
    assert list(outcomes) == OUTCOMES
    for name in OUTCOMES:
        assert outcomes[name].shape == (24,) and np.isfinite(outcomes[name]).all()
    # means over two replicates: shares of yes/no outcomes are 0, 1/2 or 1
    assert set(np.unique(outcomes["survived"])) <= {0.0, 0.5, 1.0}
    assert (outcomes["end_month"] <= SHORT["horizon"]).all()
    assert np.unique(outcomes["value_total"]).size > 12  # experiments differ


def test_an_experiment_gives_the_same_outcomes_when_run_again(performed):
    model, experiments, outcomes = performed
    row = experiments.iloc[5]
    values = {**{name: row[name] for name in [*UNCERTAIN, "management_mode"]}, **SHORT}
    rerun = [model.function(replicate=r, **values) for r in range(2)]
    assert np.mean([run["value_total"] for run in rerun]) == pytest.approx(
        outcomes["value_total"][5], rel=1e-12)
    assert np.mean([run["end_month"] for run in rerun]) == outcomes["end_month"][5]


def test_replicates_differ_and_policies_of_a_scenario_share_seeds():
    runner = RunReplicate(3, ("cultural_diversity",), ("management_mode",), True, ("failed",))
    dedicated = {"cultural_diversity": 1.5, "management_mode": "dedicated"}
    transversal = {"cultural_diversity": 1.5, "management_mode": "transversal"}
    other = {"cultural_diversity": 1.6, "management_mode": "dedicated"}

    def state(values, replicate, of=runner):
        return of.seed_of(values, replicate).generate_state(4).tolist()

    assert state(dedicated, 0) == state(transversal, 0)
    assert state(dedicated, 0) != state(dedicated, 1)
    assert state(dedicated, 0) != state(other, 0)
    assert state(dedicated, 0) != state(dedicated, 0, RunReplicate(
        4, ("cultural_diversity",), ("management_mode",), True, ("failed",)))
    apart = RunReplicate(3, ("cultural_diversity",), ("management_mode",), False, ("failed",))
    assert state(dedicated, 0, apart) != state(transversal, 0, apart)


def test_per_replicate_outcomes_are_the_values_the_means_average(performed):
    _, experiments, outcomes = performed
    model = small_model(replicates_as="array")
    rows = experiments[experiments["management_mode"] == experiments["management_mode"].iloc[0]]
    rows = rows.iloc[:3]
    scenarios = [Sample(**{name: row[name] for name in UNCERTAIN}) for _, row in rows.iterrows()]
    policy = Sample(name="mode", management_mode=rows["management_mode"].iloc[0])
    _, replicated = perform_experiments(model, scenarios=scenarios, policies=[policy])
    assert replicated["value_total"].shape == (3, 2)
    assert replicated["failed"].dtype == bool
    np.testing.assert_allclose(replicated["value_total"].mean(axis=1),
                               outcomes["value_total"][rows.index], rtol=1e-12)


# EMA's evaluator starts a thread that reads its workers' logs before it forks them.
@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
def test_worker_processes_give_the_outcomes_of_one_process():
    from ema_workbench import MultiprocessingEvaluator

    model = small_model(outcomes=["value_total"])
    scenarios = [Sample(cultural_diversity=d, openness_mean=0.5, resource_scarcity=0.3,
                        n_members=5) for d in (0.5, 2.5)]
    policies = [Sample(name=mode, management_mode=mode) for mode in ("dedicated", "hybrid")]
    with MultiprocessingEvaluator(model, n_processes=2) as evaluator:
        _, apart = evaluator.perform_experiments(scenarios=scenarios, policies=policies)
    _, together = perform_experiments(model, scenarios=scenarios, policies=policies)
    np.testing.assert_array_equal(apart["value_total"], together["value_total"])


def test_prim_finds_a_box_in_the_experiments(performed):
    _, experiments, outcomes = performed
    x = inputs_of(experiments)
    assert set(x) == {*UNCERTAIN, "management_mode"}
    y = outcomes["value_total"] > np.median(outcomes["value_total"])
    box = prim.Prim(x, y, peel_alpha=0.1).find_box()
    trajectory = box.peeling_trajectory
    assert len(trajectory) >= 1
    assert trajectory["coverage"].between(0, 1).all() and trajectory["density"].between(0, 1).all()
    assert set(box.box_lims[-1].columns) <= set(x)


def test_feature_scoring_scores_every_input(performed):
    _, experiments, outcomes = performed
    x = inputs_of(experiments)
    scores = feature_scoring.get_feature_scores_all(
        x, {"value_total": outcomes["value_total"]})
    assert set(scores.index) == set(x)
    assert scores["value_total"].sum() == pytest.approx(1.0)


def test_a_model_class_of_ones_own_runs_and_gives_its_own_outcomes():
    from mentoring import MentoredAlliance

    assert "mentoring_sessions" in available_outcomes(MentoredAlliance)
    assert "mentoring_sessions" not in available_outcomes()
    model = ema_model(uncertainties=["openness_mean"], constants=SHORT,
                      outcomes=["mentoring_sessions", "value_total"],
                      model_class=MentoredAlliance)
    _, outcomes = perform_experiments(model, scenarios=2)
    assert (outcomes["mentoring_sessions"] > 0).all()


def test_parameters_a_class_declares_can_be_varied():
    from mentoring import MentoredAlliance

    class Declaring(MentoredAlliance):
        parameters = (Parameter("mentoring_share", "float", 0.1, "Share of the skill gap "
                                "closed per session", low=0.0, high=0.5),)

    model = ema_model(uncertainties=["mentoring_share", "openness_mean"], constants=SHORT,
                      outcomes=["failed"], model_class=Declaring)
    share = model.uncertainties["mentoring_share"]
    assert (share.lower_bound, share.upper_bound) == (0.0, 0.5)
    with pytest.raises(ParameterError, match="unknown parameter 'mentoring_share'"):
        ema_model(uncertainties=["mentoring_share"], model_class=MentoredAlliance)


# --- which parameters are what --------------------------------------------------------
def test_by_default_every_other_parameter_is_uncertain_unless_a_constraint_forbids_it():
    model = ema_model(constants=SHORT, outcomes=["failed"])
    uncertain = {p.name for p in model.uncertainties}
    assert [p.name for p in model.levers] == ["management_mode"]
    assert {p.name for p in model.constants} == {"horizon"}
    held = set(model.held_at_default)
    assert {"fit_goal_weight", "fit_culture_weight"} <= held
    assert uncertain | held | {"management_mode", "horizon"} == set(PARAMETERS_BY_NAME)
    assert not uncertain & held
    lever = model.levers["management_mode"]
    assert set(lever.categories.keys()) == set(MANAGEMENT_MODES)


def test_parameters_and_ranges_choose_what_is_varied():
    chosen = [PARAMETERS_BY_NAME[n] for n in ("n_members", "openness_mean", "management_mode")]
    model = ema_model(parameters=chosen, ranges={"n_members": (4, 6),
                                                 "management_mode": ["none", "hybrid"]},
                      outcomes=["failed"])
    assert {p.name for p in model.uncertainties} == {"n_members", "openness_mean"}
    n_members = model.uncertainties["n_members"]
    assert (n_members.lower_bound, n_members.upper_bound) == (4, 6)
    assert set(model.levers["management_mode"].categories.keys()) == {"none", "hybrid"}


@pytest.mark.parametrize(("options", "message"), [
    ({"uncertainties": ["cultural_diversty"]},
     "uncertainties: unknown parameter 'cultural_diversty'. Did you mean 'cultural_diversity'"),
    ({"levers": ["management"]}, "levers: unknown parameter 'management'"),
    ({"constants": {"horizont": 24}}, "constants: unknown parameter 'horizont'"),
    ({"uncertainties": ["horizon"], "constants": {"horizon": 24}},
     "'horizon' is given both in uncertainties and in constants"),
    ({"constants": {"horizon": 5}}, r"'horizon' must be an integer in \[12, 600\]"),
    ({"uncertainties": ["openness_mean"], "ranges": {"openness_mean": (0.5, 1.5)}},
     r"'openness_mean' must be a number in \[0, 1\]"),
    ({"uncertainties": ["openness_mean"], "ranges": {"trust_gain": (0.1, 0.2)}},
     "'trust_gain' is neither an uncertainty nor a lever"),
    ({"uncertainties": ["fit_goal_weight", "fit_culture_weight"]},
     r"'fit_goal_weight' \+ 'fit_culture_weight' <= 1"),
    ({"uncertainties": ["openness_mean"], "outcomes": ["value"]},
     "unknown outcome 'value'. Did you mean 'value_total'"),
    ({"uncertainties": ["openness_mean"], "replicates_as": "median"},
     "replicates_as 'median' is not known; allowed: mean, array"),
    ({"uncertainties": ["openness_mean"], "replicates": 0}, "replicates must be"),
    ({"uncertainties": ["openness_mean"], "seed": -1}, "seed must be a whole number"),
])
def test_a_wrong_setting_is_refused_in_one_line_naming_it(options, message):
    with pytest.raises((ParameterError, ValueError), match=message) as error:
        ema_model(**options)
    assert "\n" not in str(error.value)


def test_narrowed_ranges_make_constrained_parameters_uncertain():
    model = ema_model(uncertainties=["fit_goal_weight", "fit_culture_weight"],
                      ranges={"fit_goal_weight": (0.0, 0.5), "fit_culture_weight": (0.0, 0.5)},
                      outcomes=["failed"])
    assert {p.name for p in model.uncertainties} == {"fit_goal_weight", "fit_culture_weight"}


# --- a sweep folder ---------------------------------------------------------------------
SWEEP = {
    "name": "tiny", "seed": 7, "replicates": 2, "horizon": 24,
    "vary": {"n_members": {"low": 3, "high": 9}, "cultural_diversity": {},
             "management_mode": ["dedicated", "transversal"]},
    "design": {"kind": "lhs", "samples": 4},
}


@pytest.fixture(scope="module")
def sweep(tmp_path_factory):
    out = tmp_path_factory.mktemp("sweep")
    run_sweep(experiment_from_dict(SWEEP), out, backend="inprocess")
    return out


def test_a_sweep_exports_one_row_per_run(sweep):
    runs = load_results(sweep)
    experiments, outcomes = sweep_to_ema(sweep)
    assert len(experiments) == len(runs) == 16
    assert list(experiments) == ["n_members", "cultural_diversity", "management_mode",
                                 *BOOKKEEPING]
    assert experiments["management_mode"].dtype == "category"
    assert experiments["n_members"].dtype == np.int64
    np.testing.assert_array_equal(experiments["scenario"].astype(int), runs["point"])
    np.testing.assert_array_equal(experiments["replicate"], runs["replicate"])
    np.testing.assert_array_equal(experiments["cultural_diversity"], runs["cultural_diversity"])
    for name in ("value_total", "failed", "end_month"):
        assert len(outcomes[name]) == 16
        np.testing.assert_array_equal(outcomes[name], runs[name].to_numpy())
    np.testing.assert_array_equal(outcomes["survived"], runs["outcome"] != "dissolved")
    assert outcomes["failed"].dtype == bool


def test_a_sweep_exports_means_and_per_replicate_arrays_per_design_point(sweep):
    runs = load_results(sweep)
    means_x, means = sweep_to_ema(sweep, replicates_as="mean", outcomes=["value_total"])
    array_x, arrays = sweep_to_ema(sweep, replicates_as="array", outcomes=["value_total"])
    assert list(means) == list(arrays) == ["value_total"]
    assert len(means_x) == len(array_x) == 8 and "replicate" not in means_x
    expected = runs.groupby("point")["value_total"].mean().to_numpy()
    np.testing.assert_allclose(means["value_total"], expected)
    assert arrays["value_total"].shape == (8, 2)
    np.testing.assert_allclose(arrays["value_total"].mean(axis=1), expected)
    pd.testing.assert_frame_equal(means_x, array_x)


def test_prim_runs_on_a_sweep_export(sweep):
    experiments, outcomes = sweep_to_ema(sweep)
    y = outcomes["value_total"] > np.median(outcomes["value_total"])
    box = prim.Prim(inputs_of(experiments), y, peel_alpha=0.1).find_box()
    assert len(box.peeling_trajectory) >= 1


def test_failed_runs_are_left_out_of_rows_and_missing_in_arrays(tmp_path):
    # the sweep runner's own failing sweep: some runs end before month 20, the rest fail
    failing = {"name": "absent", "seed": 7, "replicates": 3, "horizon": 24,
               "vary": {"n_members": {"low": 3, "high": 9},
                        "management_mode": ["dedicated", "transversal"]},
               "design": {"kind": "lhs", "samples": 8},
               "scenario": str(HERE / "data" / "absent_partner.toml")}
    run_sweep(experiment_from_dict(failing), tmp_path, backend="inprocess")
    runs = load_results(tmp_path)
    ok = runs["status"] == "ok"
    assert 0 < ok.sum() < len(runs)  # runs still going at month 20 fail
    experiments, outcomes = sweep_to_ema(tmp_path)
    assert len(experiments) == len(outcomes["value_total"]) == ok.sum()
    _, arrays = sweep_to_ema(tmp_path, replicates_as="array")
    assert arrays["value_total"].shape == (16, 3)
    assert np.isnan(arrays["value_total"]).sum() == (~ok).sum()
    means_x, means = sweep_to_ema(tmp_path, replicates_as="mean")
    assert len(means_x) == runs.loc[ok, "point"].nunique()
    assert not np.isnan(means["value_total"]).any()


def test_the_parameters_a_table_of_parameter_sets_sets_are_inputs(tmp_path):
    with_sets = {"name": "sets", "seed": 3, "replicates": 1, "horizon": 24,
                 "parameter_sets": {"file": "plausible_sets.parquet"},
                 "vary": {"cultural_diversity": {}}, "design": {"kind": "lhs", "samples": 4}}
    run_sweep(experiment_from_dict(with_sets), tmp_path, backend="inprocess")
    runs = load_results(tmp_path)
    experiments, outcomes = sweep_to_ema(tmp_path)
    inputs = list(inputs_of(experiments))
    assert inputs[0] == "cultural_diversity" and len(inputs) > 2
    assert set(inputs) <= set(PARAMETERS_BY_NAME) and not set(inputs) & set(outcomes)
    for name in inputs[1:]:
        np.testing.assert_array_equal(experiments[name], runs[name])


def test_a_wrong_export_option_is_refused(sweep):
    with pytest.raises(ValueError, match="replicates_as 'runs' is not known; allowed: rows, "
                                         "mean, array"):
        sweep_to_ema(sweep, replicates_as="runs")
    with pytest.raises(ValueError, match=r"unknown outcome 'valeu_total'\. Did you mean"):
        sweep_to_ema(sweep, outcomes=["valeu_total"])


def test_importing_the_package_or_exporting_a_sweep_does_not_load_ema_workbench(sweep):
    code = ("import sys, alliancesim, alliancesim.ema\n"
            "from alliancesim.ema import sweep_to_ema\n"
            f"sweep_to_ema({str(sweep)!r})\n"
            "assert 'ema_workbench' not in sys.modules, 'loaded'\n")
    subprocess.run([sys.executable, "-c", code], check=True)
