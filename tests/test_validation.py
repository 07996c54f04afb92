"""The validation estimators, patterns, predictions and verdict on data with known answers."""

from __future__ import annotations

import math
import subprocess
import sys

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
    share_ended_within,
)
from alliancesim.validation.mixture import (
    CALIBRATION_MIX,
    Mix,
    median_from_survival,
    weighted_survival,
)
from alliancesim.validation.patterns import PATTERNS_BY_KEY, Pooled


def test_life_table_hazard_counts_events_over_those_at_risk():
    # 10 alliances: 2 dissolve in year 1, 3 in year 2, 1 censored in year 2, 4 survive.
    end = np.array([5, 10, 14, 15, 20, 22, 36, 36, 36, 36])
    event = np.array([1, 1, 1, 1, 1, 0, 0, 0, 0, 0], dtype=bool)
    table = hazard_by_age(end, event, width=12, horizon=36)
    assert table["at_risk"].tolist() == [10, 8, 4]
    assert table["events"].tolist() == [2, 3, 0]
    assert table["hazard"].tolist() == pytest.approx([0.2, 3 / 8, 0.0])


def _table(h, at_risk=100):
    h = np.asarray(h, dtype=float)
    return pd.DataFrame({"hazard": h, "at_risk": [at_risk] * len(h),
                         "events": np.round(h * at_risk).astype(int)})


def test_inverted_u_holds_for_a_hump_and_fails_for_flat_rising_or_falling_hazards():
    assert is_inverted_u(_table([0.01, 0.08, 0.12, 0.06, 0.04]))
    assert not is_inverted_u(_table([0.01, 0.03, 0.05, 0.08, 0.12]))  # rising only
    assert not is_inverted_u(_table([0.12, 0.08, 0.05, 0.03, 0.01]))  # falling only
    assert not is_inverted_u(_table([0.06, 0.07, 0.06, 0.07, 0.06]))  # flat
    assert not is_inverted_u(_table([0.08, 0.10, 0.05]))  # starts too high
    assert not is_inverted_u(_table([0.01, 0.12, 0.11, 0.12]))  # barely falls after the peak


def test_leading_years_without_any_dissolution_are_not_the_rising_side():
    # Dissolution impossible in the first two intervals, then a falling hazard: not a hump.
    assert not is_inverted_u(_table([0.0, 0.0, 0.2, 0.1, 0.05, 0.02]))
    # ... but a hazard that rises after those years still is one.
    assert is_inverted_u(_table([0.0, 0.0, 0.03, 0.2, 0.1, 0.05]))


def test_kaplan_meier_median_and_share_match_hand_computation():
    months = np.arange(1, 11)
    ended = np.ones(10, dtype=bool)
    assert median_lifetime(months, ended).value == 5
    assert share_ended_within(months, ended, 3).value == pytest.approx(0.3)


def test_weighted_survival_with_equal_weights_is_kaplan_meier():
    # Times 2, 4(censored), 6, 8: S(2)=3/4, S(6)=3/8 -> median 6; F(5) = 1/4.
    age = np.array([2.0, 4, 6, 8])
    ended = np.array([True, False, True, True])
    curve = weighted_survival(age, ended, np.full(4, 0.25), horizon=10)
    assert curve[2] == pytest.approx(0.75) and curve[5] == pytest.approx(0.75)
    assert curve[6] == pytest.approx(0.375)
    assert median_from_survival(curve) == 6
    assert median_lifetime(age, ended).value == 6


def test_failure_share_and_its_interval():
    est = failure_share(pd.DataFrame({"failed": [True] * 30 + [False] * 70}))
    assert est.value == pytest.approx(0.3)
    assert est.low < 0.3 < est.high


def _synthetic_runs(n: int, fail: dict[str, float], seed: int = 0) -> pd.DataFrame:
    """Runs of every mode: a dissolution hazard that rises then falls, a third censored."""
    rng = np.random.default_rng(seed)
    frames = []
    for mode, share in fail.items():
        age = np.clip(rng.gamma(3.0, 14.0, n).round(), 1, 110).astype(int)
        outcome = np.where(age >= 110, "running",
                           np.where(rng.random(n) < 0.75, "dissolved", "completed"))
        frames.append(pd.DataFrame({
            "management_mode": mode, "outcome": outcome, "months_forming": 4,
            "months_founding": 6, "months_evolving": age, "end_month": age + 10,
            "failed": rng.random(n) < share, "value_total": rng.gamma(2.0, 20.0, n)}))
    return pd.concat(frames, ignore_index=True)


def test_pooling_weights_each_mode_by_the_mix_not_by_its_number_of_runs():
    runs = pd.concat([_synthetic_runs(400, {"dedicated": 0.2}),
                      _synthetic_runs(100, {"none": 0.8}, seed=1)])
    mix = Mix("two", {"dedicated": 0.5, "none": 0.5}, "test")
    pooled = Pooled.of(runs, mix)
    share = PATTERNS_BY_KEY["failure_share"].statistic(pooled, np.arange(len(pooled.age)))
    by_mode = runs.groupby("management_mode")["failed"].mean()
    assert share == pytest.approx(by_mode.mean())


def test_runs_that_never_reached_an_agreement_are_not_alliances_of_the_population():
    runs = _synthetic_runs(200, {m: 0.5 for m in CALIBRATION_MIX.modes})
    attempts = runs.head(50).assign(months_evolving=0, outcome="dissolved", failed=True)
    both = pd.concat([runs, attempts], ignore_index=True)
    assert len(Pooled.of(both).age) == len(runs)


def test_evaluate_reports_every_pattern_with_band_and_implausibility():
    table = evaluate(_synthetic_runs(300, {m: 0.5 for m in CALIBRATION_MIX.modes}),
                     replicates=50)
    assert table["pattern"].tolist() == [p.key for p in PATTERNS]
    assert {"target", "band", "source", "value", "low", "high", "inside",
            "implausibility"} <= set(table.columns)
    row = table.set_index("pattern").loc["failure_share"]
    assert row["inside"] and row["low"] <= row["value"] <= row["high"]
    assert row["implausibility"] < 1


def test_implausibility_is_the_distance_over_the_combined_standard_deviation():
    p = PATTERNS_BY_KEY["failure_share"]
    assert p.implausibility(0.5, 0.0) == 0
    assert p.implausibility(p.target + 3 * p.sd, 0.0) == pytest.approx(3)
    # model noise widens what is plausible
    assert p.implausibility(0.8, 0.01) < p.implausibility(0.8, 0.0)
    assert p.low == pytest.approx(0.30, abs=0.005) and p.high == pytest.approx(0.70, abs=0.005)
    assert math.isinf(PATTERNS_BY_KEY["inverted_u_hazard"].implausibility(0.0, 0.0))


def test_predictions_on_counts_worked_by_hand():
    from alliancesim.validation.predictions import Counts, intended_share, success_ratio

    counts = Counts(n={m: 100 for m in CALIBRATION_MIX.modes},
                    failed={"dedicated": 40, "hybrid": 40, "transversal": 50, "none": 50},
                    completed={m: 10 for m in CALIBRATION_MIX.modes},
                    dissolved={m: 30 for m in CALIBRATION_MIX.modes})
    assert success_ratio(counts) == pytest.approx(0.6 / 0.5)
    assert intended_share(counts) == pytest.approx(0.25)


def test_the_calibration_never_reads_the_out_of_sample_predictions():
    code = ("import sys, runpy; sys.argv = ['calibrate.py', '--help']\n"
            "import alliancesim.validation.calibration, alliancesim.validation.breaks\n"
            "try:\n    runpy.run_path('experiments/calibrate.py', run_name='__main__')\n"
            "except SystemExit:\n    pass\n"
            "assert 'alliancesim.validation.predictions' not in sys.modules, 'read'\n")
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    done = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stderr
    for path in ("src/alliancesim/validation/calibration.py",
                 "src/alliancesim/validation/breaks.py", "experiments/calibrate.py"):
        assert "predictions import" not in (root / path).read_text()


def _points(k: int, fail: dict[str, float], value: dict[str, float]) -> pd.DataFrame:
    row = {}
    for m in CALIBRATION_MIX.modes:
        row |= {f"n_{m}": 100, f"failed_{m}": fail[m] * 100, f"value_{m}": value[m],
                f"value_sd_{m}": 1.0}
    return pd.DataFrame([row] * k)


def test_verdict_counts_how_often_each_mode_comes_first():
    from alliancesim.validation.verdict import robustness

    fail = {"none": 0.9, "dedicated": 0.3, "transversal": 0.6, "hybrid": 0.5}
    value = {"none": 5.0, "dedicated": 50.0, "transversal": 30.0, "hybrid": 40.0}
    result = robustness(_points(20, fail, value), replicates=100)
    assert result["lowest_failure"]["dedicated"]["share"] == 1.0
    assert result["highest_value"]["dedicated"]["share"] == 1.0
    pair = next(p for p in result["pairs"] if p["a"] == "dedicated" and p["b"] == "transversal")
    assert pair["fails_less"]["share"] == 1.0 and pair["fails_less"]["low"] > 0.9


def test_write_defaults_rewrites_value_and_source(tmp_path):
    from pathlib import Path

    from alliancesim.params import definitions
    from alliancesim.validation.calibration import write_defaults

    path = tmp_path / "definitions.py"
    path.write_text(Path(definitions.__file__).read_text())
    changes = write_defaults({"conflict_rate": 0.0512, "spare_attention": 0.031}, path)
    assert changes["conflict_rate"][1] == 0.0512
    text = path.read_text()
    assert '_P("conflict_rate", "float", 0.0512,' in text
    entry = text[text.index('_P("spare_attention"'):text.index('_P("management_price"')]
    assert "source=CALIBRATED" in entry and "0.031" in entry
    compile(text, str(path), "exec")


def test_validate_prints_calibration_predictions_and_verdict(tmp_path):
    from typer.testing import CliRunner

    from alliancesim.cli.main import app

    out = tmp_path / "validation"
    result = CliRunner().invoke(app, ["validate", "--replicates", "20", "--workers", "1",
                                      "--out", str(out)], terminal_width=250)
    assert result.exit_code == 0, result.output
    for title in ("Calibration patterns", "Out-of-sample predictions", "plausible parameter"):
        assert title in result.output
    for name in ("report.md", "patterns.csv", "predictions.csv", "verdict.json",
                 "runs.parquet", "hazard_by_age.png", "survival.png"):
        assert (out / name).stat().st_size > 0
    assert pd.read_csv(out / "patterns.csv")["pattern"].tolist() == [p.key for p in PATTERNS]
    assert len(pd.read_parquet(out / "runs.parquet")) == 20 * len(CALIBRATION_MIX.modes)


def test_breaking_candidates_push_a_pattern_away_from_its_band():
    from alliancesim.validation.breaks import candidates

    rng = np.random.default_rng(0)
    ranges = {"ambition_months": (60.0, 360.0), "tension_limit": (4.0, 16.0)}
    x = rng.random((200, 2))
    scores = pd.DataFrame({
        "ambition_months": 60 + 300 * x[:, 0], "tension_limit": 4 + 12 * x[:, 1],
        # failure rises with the ambition; the hump needs a high tension limit
        "failure_share": 0.3 + 0.5 * x[:, 0] + rng.normal(0, 0.02, 200),
        "inverted_u_hazard": (x[:, 1] > 0.5).astype(float)})
    first = candidates(scores, ranges, "failure_share")[0]
    assert first == ("ambition_months", 360.0)
    assert candidates(scores, ranges, "inverted_u_hazard")[0] == ("tension_limit", 4.0)


def test_the_plausible_set_ships_with_its_representative_and_per_mode_counts():
    from alliancesim.params import PARAMETERS_BY_NAME
    from alliancesim.validation.calibration import (
        OPEN_ASSUMPTIONS,
        calibrated_factors,
        load_plausible_set,
    )

    points = load_plausible_set()
    assert len(points) > 0 and points["accepted"].all()
    assert (points[[f"I_{p.key}" for p in PATTERNS]] < 3).all().all()
    representative = points[points["representative"]]
    assert len(representative) == 1
    for name in set(calibrated_factors()) - set(OPEN_ASSUMPTIONS):
        # the defaults are the representative, rounded to three significant figures (the
        # open assumptions keep theirs: they are the answer's conditions)
        assert PARAMETERS_BY_NAME[name].default == pytest.approx(
            representative[name].iloc[0], rel=5e-3)
    for mode in CALIBRATION_MIX.modes:
        assert (points[f"n_{mode}"] > 0).all()
