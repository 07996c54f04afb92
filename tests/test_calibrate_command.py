"""``alliancesim calibrate``: a researcher's targets file in, plausible sets, report and
manifest out; verdict and compare read those sets; bad files are refused in one line; the
shipped calibration is a targets file with the patterns the code defines."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from alliancesim.cli.main import app
from alliancesim.sweeps.experiment import ExperimentError
from alliancesim.validation.targets import TargetsError, load_targets, targets_from_dict

ROOT = Path(__file__).resolve().parents[1]
PARAMETERS = ("conflict_rate", "tension_limit")
# Targets loose enough that the answer does not hang on the model's details: the test is
# about the machinery, not about which points pass.
TARGETS = """
name = "mine"
seed = 5
replicates = 4
horizon = 120

[population]
modes = { dedicated = 0.5, transversal = 0.5 }

[vary]
conflict_rate = { low = 0.02, high = 0.09 }
tension_limit = { low = 4.0, high = 16.0 }

[design]
samples = 6
waves = 2

[[pattern]]
name = "failure"
statistic = "failure_share"
target = 0.5
variance = 0.25
source = "a survey of my own"

[[pattern]]
name = "value"
column = "value_total"
aggregate = "mean"
target = 60.0
variance = 10000.0
source = "a survey of my own"
"""


def invoke(*args: str | Path):
    return CliRunner().invoke(app, [str(a) for a in args])


def package_data() -> dict[str, float]:
    folder = ROOT / "src" / "alliancesim" / "data"
    return {p.name: p.stat().st_mtime for p in folder.iterdir()}


@pytest.fixture(scope="module")
def calibrated(tmp_path_factory) -> Path:
    """The small calibration, run once (two waves of 6 points x 4 runs x 2 modes)."""
    folder = tmp_path_factory.mktemp("calibrate")
    (folder / "targets.toml").write_text(TARGETS)
    before = package_data()
    result = invoke("calibrate", folder / "targets.toml", "--out", folder / "out",
                    "--workers", "1", "--no-progress")
    assert result.exit_code == 0, result.output
    assert package_data() == before  # nothing written into the package
    return folder / "out"


def test_the_plausible_sets_report_and_manifest_are_written(calibrated):
    plausible = pd.read_parquet(calibrated / "plausible_sets.parquet")
    manifest = json.loads((calibrated / "manifest.json").read_text())
    assert len(plausible) == manifest["accepted"] > 0
    assert set(PARAMETERS) <= set(plausible.columns)
    assert plausible["representative"].sum() == 1 and plausible["representative"].iloc[0]
    assert plausible["distance"].is_monotonic_increasing
    for p, (low, high) in zip(PARAMETERS, [(0.02, 0.09), (4.0, 16.0)], strict=True):
        assert plausible[p].between(low, high).all()
    assert [w["wave"] for w in manifest["waves"]] == [1, 2]
    assert manifest["waves"][0]["seed"] == 5 != manifest["waves"][1]["seed"]
    assert manifest["runs"] == 2 * 6 * 4 * 2
    assert [p["name"] for p in manifest["patterns"]] == ["failure", "value"]
    assert len(manifest["targets_sha256"]) == 64
    report = (calibrated / "report.md").read_text()
    for words in ("failure", "value", "0.5 ± 0.5", *PARAMETERS, "constrained",
                  "a survey of my own"):
        assert words in report
    snippet = (calibrated / "parameter_sets.toml").read_text()
    assert "[parameter_sets]" in snippet and "plausible_sets.parquet" in snippet


def test_a_later_wave_searches_inside_the_box_of_the_plausible_points(calibrated):
    manifest = json.loads((calibrated / "manifest.json").read_text())
    first, second = (w["ranges"] for w in manifest["waves"])
    for p in PARAMETERS:
        assert first[p][0] <= second[p][0] < second[p][1] <= first[p][1]
    scores = pd.read_parquet(calibrated / "scores.parquet")
    inside = scores[scores["wave"] == 2]
    for p in PARAMETERS:
        assert inside[p].between(*second[p]).all()


def test_the_same_runs_scored_against_other_targets_resume_without_running(calibrated,
                                                                          tmp_path):
    out = tmp_path / "strict"
    shutil.copytree(calibrated, out)
    strict = TARGETS.replace("target = 60.0", "target = -1000.0").replace(
        "variance = 10000.0", "variance = 1.0")  # no alliance destroys value
    (tmp_path / "strict.toml").write_text(strict)
    result = invoke("calibrate", tmp_path / "strict.toml", "--out", out, "--workers", "1",
                    "--no-progress")
    assert result.exit_code == 1, result.output
    assert "no design point is consistent" in result.output
    assert "closest point" in (out / "report.md").read_text()
    assert not (out / "plausible_sets.parquet").exists()  # none left from the earlier scoring
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["accepted"] == 0 and manifest["waves"][0]["runs"] == 6 * 4 * 2
    assert "no further wave" in manifest["notes"][0]


def test_a_verdict_draws_its_parameters_from_the_plausible_sets(calibrated, tmp_path):
    sets = calibrated / "plausible_sets.parquet"
    text = f"""
name = "tiny"
seed = 4
replicates = 2
horizon = 48

[verdict]
modes = ["dedicated", "transversal"]
map_replicates = 0

[vary]
n_members = {{ low = 3, high = 8 }}
member_skill_mean = {{ low = 0.1, high = 0.7 }}

[design]
kind = "sobol"
samples = 2

[parameter_sets]
file = {json.dumps(str(sets))}
"""
    (tmp_path / "tiny.toml").write_text(text)
    result = invoke("verdict", tmp_path / "tiny.toml", "--out", tmp_path / "out",
                    "--workers", "1", "--no-progress")
    assert result.exit_code == 0, result.output
    summary = json.loads((tmp_path / "out" / "verdict.json").read_text())
    assert summary["parameter_sets"]["rows"] == len(pd.read_parquet(sets))
    assert summary["parameter_sets"]["columns"] == list(PARAMETERS)


def test_compare_runs_every_scenario_over_the_plausible_sets_on_common_seeds(calibrated,
                                                                             tmp_path):
    sets = pd.read_parquet(calibrated / "plausible_sets.parquet")
    result = invoke("compare", "dedicated_manager", "transversal_skill", "--replicates", "4",
                    "--workers", "1", "--out", tmp_path / "cmp", "--parameter-sets",
                    calibrated / "plausible_sets.parquet")
    assert result.exit_code == 0, result.output
    outcomes = pd.read_csv(tmp_path / "cmp" / "outcomes.csv")
    assert (outcomes["parameter_set"] == outcomes["replicate"] % len(sets)).all()
    for _, runs in outcomes.groupby("replicate"):
        assert runs["conflict_rate"].nunique() == 1 and runs["seed_spawn_key"].nunique() == 1
    row = sets.iloc[1]
    taken = outcomes[outcomes["replicate"] == 1].iloc[0]
    assert math.isclose(taken["tension_limit"], row["tension_limit"])
    from alliancesim.single import replay

    rerun = replay(tmp_path / "cmp", run_id=5, out=tmp_path / "replayed")
    assert rerun.matches, rerun.differences  # the run's set is taken again
    bad = invoke("compare", "dedicated_manager", "--replicates", "2", "--out",
                 tmp_path / "bad", "--parameter-sets", tmp_path / "missing.parquet")
    assert bad.exit_code == 2 and "--parameter-sets" in bad.output


# --- bad targets files ----------------------------------------------------------------------
def _targets(**change) -> dict:
    import tomllib

    data = tomllib.loads(TARGETS)
    for path, value in change.items():
        *parents, last = path.split("__")
        table = data
        for key in parents:
            table = table[int(key)] if key.isdigit() else table[key]
        if value is None:
            del table[last]
        else:
            table[last] = value
    return data


@pytest.mark.parametrize(("change", "field", "words"), [
    ({"pattern__0__statistic": "failure_shar"}, "pattern[1].statistic",
     "unknown statistic 'failure_shar'. Did you mean 'failure_share'?"),
    ({"pattern__1__target": None}, "pattern[2].target", "this field is required"),
    ({"vary__conflict_rate": {"low": 0.09, "high": 0.02}}, "vary.conflict_rate",
     "must be below high"),
    ({"vary__tension_limit": {"low": 4.0, "high": 1e6}}, "vary.tension_limit.high",
     "outside the range"),
    ({"vary__tension_limit": [4.0, 8.0]}, "vary.tension_limit", "must be a range"),
    ({"vary__sector_mix": {"low": 0, "high": 1}}, "vary.sector_mix", "choice parameter"),
    ({"pattern__1__column": "value_totl"}, "pattern[2].column", "Did you mean 'value_total'"),
    ({"pattern__1__aggregate": "median"}, "pattern[2].aggregate", "mean, share, quantile"),
    ({"pattern__1__aggregate": "quantile"}, "pattern[2].q", "between 0 and 1"),
    ({"pattern__0__column": "value_total"}, "pattern[1]", "not both"),
    ({"pattern__0__variance": None}, "pattern[1].variance", "observation variance"),
    ({"pattern__0__target": 1.5}, "pattern[1].target", "share"),
    ({"pattern__1__name": "failure"}, "pattern[2].name", "names two patterns"),
    ({"pattern__1__name": "conflict_rate"}, "pattern[2].name", "names a parameter"),
    ({"population__modes": {"dedicated": 0.5, "transversal": 0.4}}, "population.modes",
     "sum to 1"),
    ({"population__modes": {"dedicated": 0.5, "manager": 0.5}}, "population.modes.manager",
     "allowed: none, dedicated, transversal, hybrid"),
    ({"vary__management_mode": {"low": 0, "high": 1}}, "vary.management_mode",
     "[population] modes"),
    ({"design__cutoff": 0}, "design.cutoff", "allowed: above 0"),
    ({"design__waves": 11}, "design.waves", "allowed: at most 10"),
    ({"population__modes__dedicated": "half"}, "population.modes.dedicated",
     "must be a number"),
    ({"name": "a/b"}, "name", "not a plain folder name"),
    ({"design__samples": 2.5}, "design.samples", "whole number"),
    ({"design__bins": 3}, "design.bins", "unknown field 'bins'"),
    ({"seed": None}, "seed", "this field is required"),
])
def test_a_bad_targets_file_is_refused_naming_the_field(change, field, words):
    with pytest.raises(TargetsError) as error:
        targets_from_dict(_targets(**change), source="t.toml")
    assert error.value.field == field, str(error.value)
    assert words in str(error.value)
    assert isinstance(error.value, ExperimentError)  # the commands' one-line handling


def test_the_command_refuses_a_bad_file_in_one_line_with_status_2(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text(TARGETS.replace('statistic = "failure_share"', 'statistic = "nope"'))
    result = invoke("calibrate", path, "--out", tmp_path / "out")
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "pattern[1].statistic" in lines[0] and "Traceback" not in (
        result.output)
    missing = invoke("calibrate", tmp_path / "none.toml", "--out", tmp_path / "out")
    assert missing.exit_code == 2 and "targets file not found" in missing.output


def test_calibrate_is_a_command_with_help():
    result = invoke("calibrate", "--help")
    assert result.exit_code == 0
    assert "history matching" in result.output and "--scheduler" in result.output


# --- the shipped calibration ----------------------------------------------------------------
def test_the_shipped_targets_file_has_the_patterns_and_mix_the_code_defines():
    from alliancesim.validation.mixture import CALIBRATION_MIX
    from alliancesim.validation.patterns import PATTERNS

    shipped = load_targets(ROOT / "experiments" / "calibration.toml")
    assert [p.key for p in shipped.patterns] == [p.key for p in PATTERNS]
    for mine, code in zip(shipped.patterns, PATTERNS, strict=True):
        assert mine.target == code.target
        assert math.isclose(mine.sd_obs, code.sd_obs) and math.isclose(mine.sd_disc,
                                                                       code.sd_disc)
        assert mine.statistic is code.statistic and mine.unit == code.unit
        assert (mine.description, mine.source, mine.uncertainty) == (
            code.description, code.source, code.uncertainty)
    assert shipped.mix.weights == CALIBRATION_MIX.weights
    assert shipped.cutoff == 3.0 and shipped.spec.design.waves == 1
    assert shipped.spec.design.samples == 320 and shipped.spec.replicates == 20


# --- the pieces -----------------------------------------------------------------------------
def test_a_weighted_quantile_and_the_column_aggregates():
    from alliancesim.validation.patterns import Pooled, column_statistic, weighted_quantile

    values = np.array([1.0, 2.0, 3.0, 4.0])
    assert weighted_quantile(values, np.ones(4), 0.5) == 2.0
    assert weighted_quantile(values, np.array([0.1, 0.1, 0.1, 0.7]), 0.5) == 4.0
    flags = np.zeros(4, dtype=bool)
    pooled = Pooled(np.array(["a"] * 4), np.array([0.1, 0.1, 0.1, 0.7]), values, flags,
                    flags, flags, flags, {"x": np.array([0.0, 1.0, np.nan, 2.0])})
    every = np.arange(4)
    assert math.isclose(column_statistic("x", "mean")(pooled, every), (0.1 + 1.4) / 0.9)
    assert math.isclose(column_statistic("x", "share")(pooled, every), 0.8 / 0.9)
    assert column_statistic("x", "quantile", 0.9)(pooled, every) == 2.0


def test_refocusing_keeps_the_box_inside_the_searched_ranges():
    from alliancesim.validation.calibration import refocused

    accepted = pd.DataFrame({"a": [0.2, 0.4], "b": [0.0, 1.0]})
    box = refocused(accepted, {"a": (0.0, 1.0), "b": (0.0, 1.0)})
    assert box["a"] == pytest.approx((0.18, 0.42)) and box["b"] == (0.0, 1.0)


def test_a_point_where_a_mode_formed_no_alliance_is_ruled_out_not_a_crash():
    from alliancesim.validation.calibration import score_point
    from alliancesim.validation.mixture import Mix

    runs = pd.DataFrame({
        "management_mode": ["dedicated"] * 3 + ["transversal"] * 3,
        "months_evolving": [10, 20, 30, 0, 0, 0],  # no transversal alliance got formed
        "months_forming": [2] * 6, "months_founding": [3] * 6, "end_month": [40] * 6,
        "outcome": ["dissolved"] * 6, "failed": [True] * 6, "value_total": [1.0] * 6})
    mix = Mix("two", {"dedicated": 0.5, "transversal": 0.5}, "test")
    patterns = load_targets_text(TARGETS).patterns
    row = score_point(runs, mix, patterns=patterns)
    assert row["accepted"] is False and math.isinf(row["I_failure"])
    formed = runs.assign(months_evolving=10)
    assert score_point(formed, mix, patterns=patterns)["accepted"] in (True, False)


def load_targets_text(text: str):
    import tomllib

    return targets_from_dict(tomllib.loads(text), source="t.toml")


def test_the_targets_file_shown_in_the_docs_is_valid():
    import re
    import tomllib

    text = (ROOT / "docs" / "calibrate.md").read_text()
    example = re.search(r"```toml\n(.*?)```", text, re.DOTALL)
    assert example is not None
    calibration = targets_from_dict(tomllib.loads(example.group(1)), source="calibrate.md")
    assert [p.key for p in calibration.patterns] == ["failure", "value"]
    from alliancesim.validation.patterns import STATISTICS

    for name in STATISTICS:  # every statistic is documented
        assert f"| `{name}` |" in text
