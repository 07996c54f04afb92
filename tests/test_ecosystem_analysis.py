"""The profession question's estimators recover effects planted in synthetic tables, say
"cannot tell" or "equivalent" where nothing is planted, and the report's numbers all come
from its CSVs. Nothing here says which practice wins in the model."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from alliancesim.cli.main import app
from alliancesim.ecosystem.analysis import (
    CANNOT_TELL,
    DOES_NOT_HOLD,
    EMERGES,
    EQUIVALENT_ANSWER,
    FUNCTION_BETTER,
    HOLDS,
    RECEDES,
    STABLE,
    alliance_practice_table,
    combine_runs,
    emergence_answers,
    emergence_factors,
    experience_curve,
    practice_effects,
    repeated_tie_effect,
)
from alliancesim.ecosystem.profession_report import REPORT, write_profession_report
from alliancesim.ecosystem.scenario import run_ecosystem

YEARS = 20
SECTORS = ("business", "ngo", "government", "knowledge")


# --- synthetic tables -----------------------------------------------------------------------
def synthetic_runs(effect: float, *, runs: int = 3, orgs: int = 600, alliances: int = 4000,
                   selection: bool = False, seed: int = 0) -> dict[str, pd.DataFrame]:
    """Organizations and alliances with a known effect of the lead's practice on early
    dissolution: ``effect`` added to the chance when the lead keeps a function. With
    ``selection``, organizations with a high baseline risk adopt a function halfway (so a
    comparison across organizations is biased, a comparison within them is not)."""
    rng = np.random.default_rng(seed)
    panels, tables = [], []
    for run in range(runs):
        risk = rng.uniform(0.2, 0.6, orgs)
        practice = np.tile(rng.choice(["function", "trained", "none"], orgs), (YEARS, 1))
        if selection:
            practice[:] = "trained"
            risky = risk > 0.45
            practice[YEARS // 2:, risky] = "function"
        panels.append(pd.DataFrame({
            "run_id": run, "point": 0, "replicate": run,
            "year": np.repeat(np.arange(1, YEARS + 1), orgs),
            "organization": np.tile(np.arange(orgs), YEARS),
            "sector": np.tile(rng.choice(SECTORS, orgs), YEARS),
            "size": np.tile(rng.uniform(0.5, 2.0, orgs), YEARS),
            "practice": practice.ravel(), "experience": 0.0,
            "judged_result": rng.uniform(0, 1, orgs * YEARS)}))
        tables.append(_alliances(rng, run, risk, practice, effect, orgs, alliances))
    return {"organizations": pd.concat(panels, ignore_index=True),
            "alliances": pd.concat(tables, ignore_index=True)}


def _alliances(rng: np.random.Generator, run: int, risk: np.ndarray, practice: np.ndarray,
               effect: float, orgs: int, n: int) -> pd.DataFrame:
    start = rng.integers(13, 12 * YEARS - 60 + 1, n)
    lead = rng.integers(0, orgs, n)
    partner = (lead + rng.integers(1, orgs, n)) % orgs
    year_before = (start - 1) // 12  # the panel's year whose practice holds at the start
    pairs = [f"{a};{b}" for a, b in zip(lead, partner, strict=True)]
    chance = risk[lead] + effect * (practice[year_before - 1, lead] == "function")
    dissolved = rng.random(n) < chance
    end = np.where(dissolved, rng.integers(1, 60, n), 100)
    return pd.DataFrame({
        "run_id": run, "point": 0, "replicate": run, "alliance_id": np.arange(n),
        "start_month": start, "close_month": start + end, "lead": lead,
        "mode": "transversal", "founder_ids": pairs, "member_ids_ever": pairs,
        "ended": True, "failed": dissolved, "objectives_met": ~dissolved,
        "governance": "lead organization", "outcome": np.where(dissolved, "dissolved",
                                                               "completed"),
        "end_month": end})


def headline(effects: pd.DataFrame, estimate: str = "answer") -> pd.Series:
    rows = effects[(effects["outcome"] == "dissolved_early")
                   & (effects["estimate"] == estimate)]
    return rows.iloc[0]


# --- 2. practice effects --------------------------------------------------------------------
def test_a_planted_lower_failure_of_function_led_alliances_is_recovered():
    data = synthetic_runs(-0.1)
    table = alliance_practice_table(data["alliances"], data["organizations"])
    effects = practice_effects(table)
    answer = headline(effects)
    assert answer["ci_low"] <= -0.1 <= answer["ci_high"]
    assert answer["answer"] == FUNCTION_BETTER
    per_run = effects[effects["estimate"].str.startswith("run ")
                      & (effects["outcome"] == "dissolved_early")]
    assert len(per_run) == 3 and per_run["effect"].lt(0).all()
    between = headline(effects, "between replicates")
    assert between["n"] == 3 and between["ci_low"] < between["effect"] < between["ci_high"]


def test_no_planted_effect_is_never_called_better():
    data = synthetic_runs(0.0, seed=1)
    table = alliance_practice_table(data["alliances"], data["organizations"])
    answer = headline(practice_effects(table))
    assert answer["answer"] in (EQUIVALENT_ANSWER, CANNOT_TELL)
    assert answer["ci_low"] <= 0.0 <= answer["ci_high"]


def test_few_alliances_give_cannot_tell_not_an_answer():
    data = synthetic_runs(-0.1, runs=1, orgs=40, alliances=60, seed=2)
    table = alliance_practice_table(data["alliances"], data["organizations"])
    assert headline(practice_effects(table))["answer"] == CANNOT_TELL


def test_within_organization_estimate_removes_selection_of_risky_organizations():
    data = synthetic_runs(-0.1, selection=True, alliances=6000, seed=3)
    table = alliance_practice_table(data["alliances"], data["organizations"])
    effects = practice_effects(table)
    pooled, within = headline(effects, "pooled"), headline(effects, "within organization")
    assert pooled["ci_low"] > -0.1  # risky organizations chose a function: biased upward
    assert within["ci_low"] <= -0.1 <= within["ci_high"]
    assert within["switchers"] > 0


def test_experience_and_repeated_ties_are_counted_from_earlier_closed_alliances():
    alliances = pd.DataFrame({
        "alliance_id": [0, 1, 2, 3], "start_month": [13, 30, 20, 40],
        "close_month": [25, 90, 70, 95], "lead": [1, 1, 1, 3], "mode": "transversal",
        "founder_ids": ["1;2", "1;2", "2;1", "3;4"],
        "member_ids_ever": ["1;2", "1;2;5", "1;2", "3;4"],
        "ended": True, "failed": False, "objectives_met": True,
        "governance": ["joint", "joint", "joint", None],
        "outcome": "completed", "end_month": [12, 60, 50, 55]})
    panel = pd.DataFrame({"year": np.repeat(np.arange(1, 11), 6),
                          "organization": np.tile(np.arange(6), 10), "sector": "ngo",
                          "size": 1.0, "practice": "trained"})
    table = alliance_practice_table(alliances, panel).set_index("alliance_id")
    # alliance 0 closed at month 25: it counts for 1 (started 30), not for 2 (started 20)
    assert table.loc[1, "lead_prior_alliances"] == 1 and table.loc[1, "repeated_tie"] == 1
    assert table.loc[2, "lead_prior_alliances"] == 0 and table.loc[2, "repeated_tie"] == 0
    assert table.loc[3, "lead_prior_alliances"] == 0


# --- 1. emergence -----------------------------------------------------------------------------
def trajectories(start: float, end: float, noise: float, replicates: int,
                 seed: int = 0, point: object = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    years = np.arange(1, 21)
    frames = []
    for r in range(replicates):
        share = np.linspace(start, end, len(years)) + rng.normal(0, noise, len(years))
        frames.append(pd.DataFrame({"run_id": f"{point}/{r}", "point": point, "replicate": r,
                                    "year": years, "share_function": share,
                                    "professionals_per_1000_orgs": 1000 * share,
                                    "wage": 1.0}))
    return pd.concat(frames, ignore_index=True)


@pytest.mark.parametrize(("start", "end", "noise", "replicates", "expected"), [
    (0.1, 0.3, 0.01, 5, EMERGES),
    (0.3, 0.1, 0.01, 5, RECEDES),
    (0.2, 0.2, 0.002, 5, STABLE),
    (0.2, 0.2, 0.1, 3, CANNOT_TELL),
    (0.1, 0.3, 0.01, 1, CANNOT_TELL),
])
def test_emergence_answer_on_synthetic_trajectories(start, end, noise, replicates, expected):
    answer = emergence_answers(trajectories(start, end, noise, replicates)).iloc[0]
    assert answer["answer"] == expected
    assert answer["runs"] == replicates


def test_a_swept_factor_that_moves_the_end_share_is_found_and_an_idle_one_is_not():
    frames = []
    for k, (rate, idle) in enumerate([(r, d) for r in (0.0, 0.5, 1.0) for d in (0, 1)]):
        frame = trajectories(0.1, 0.1 + 0.2 * rate, 0.01, 4, seed=k, point=k)
        frames.append(frame.assign(imitation_rate=rate, idle_factor=idle,
                                   seed=frame["replicate"] + 100 * k))
    factors = emergence_factors(pd.concat(frames, ignore_index=True)).set_index("factor")
    moving = factors.loc["imitation_rate"]
    assert moving["answer"] == "moves the end share" and moving["term"] == "imitation_rate"
    assert moving["ci_low"] <= 0.2 <= moving["ci_high"]
    assert factors.loc["idle_factor", "answer"] == "no clear effect"
    assert "seed" not in factors.index  # differs between replicates: not a condition's
    assert 0 < factors.loc["replicate noise", "effect"] < 0.05


# --- 3. pattern checks ------------------------------------------------------------------------
def pattern_table(success: np.ndarray, prior: np.ndarray, repeated: np.ndarray,
                  seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n = len(prior)
    return pd.DataFrame({"point": 0, "run_id": rng.integers(0, 3, n),
                         "lead": rng.integers(0, 2000, n), "lead_prior_alliances": prior,
                         "dissolved_early": (rng.random(n) >= success).astype(float),
                         "followed_up": True, "lead_size": rng.uniform(0.5, 2, n),
                         "lead_sector": rng.choice(SECTORS, n),
                         "start_year": rng.integers(2, 20, n),
                         "repeated_tie": repeated.astype(float),
                         "experience_band": "0"})


def test_diminishing_returns_hold_when_planted_and_fail_when_returns_rise():
    rng = np.random.default_rng(5)
    prior = rng.integers(0, 12, 20000).astype(float)
    concave = 0.3 + 0.08 * prior - 0.005 * prior**2
    checks = experience_curve(pattern_table(concave, prior, prior * 0)).set_index("term")
    assert checks.loc["overall", "answer"] == HOLDS
    assert checks.loc["slope at no experience", "ci_low"] <= 0.08 <= \
        checks.loc["slope at no experience", "ci_high"]
    convex = 0.3 + 0.002 * prior**2
    checks = experience_curve(pattern_table(convex, prior, prior * 0)).set_index("term")
    assert checks.loc["overall", "answer"] == DOES_NOT_HOLD


def test_repeated_ties_hold_when_planted_and_not_otherwise():
    rng = np.random.default_rng(6)
    repeated = rng.random(20000) < 0.3
    prior = np.zeros(20000)
    planted = repeated_tie_effect(pattern_table(0.5 + 0.1 * repeated, prior, repeated))
    assert planted["answer"].iloc[0] == HOLDS
    assert planted["ci_low"].iloc[0] <= -0.1 <= planted["ci_high"].iloc[0]
    none = repeated_tie_effect(pattern_table(np.full(20000, 0.5), prior, repeated, seed=1))
    assert none["answer"].iloc[0] in (DOES_NOT_HOLD, CANNOT_TELL)


# --- the report from real runs ----------------------------------------------------------------
@pytest.fixture(scope="module")
def three_runs() -> dict[str, pd.DataFrame]:
    results = [run_ecosystem(None, seed=seed, n_organizations=150, years=10)
               for seed in (11, 12, 13)]
    return combine_runs(results)


def test_combined_runs_carry_run_keys(three_runs):
    for table in three_runs.values():
        assert set(table["replicate"]) == {0, 1, 2} and set(table["point"]) == {0}


NUMBER = re.compile(r"-?\d+(?:,\d{3})*(?:\.\d+)?")
CITATION = re.compile(r"[A-Z][a-z]+ (?:19|20)\d{2}")


def csv_numbers(folder) -> np.ndarray:
    values = []
    for path in folder.glob("*.csv"):
        frame = pd.read_csv(path)
        for column in frame:
            if pd.api.types.is_numeric_dtype(frame[column]):
                values.extend(frame[column].dropna().astype(float).tolist())
            else:
                for text in frame[column].dropna().astype(str):
                    values.extend(float(n) for n in NUMBER.findall(text))
    return np.abs(np.array(values))


def test_the_report_is_written_and_every_number_in_it_comes_from_its_csvs(three_runs,
                                                                          tmp_path):
    written = write_profession_report(three_runs, tmp_path)
    names = {p.name for p in written}
    for name in (REPORT, "emergence.csv", "practice.csv", "patterns.csv", "portfolio.csv",
                 "share_function.png", "practice_outcomes.png", "pattern_checks.png"):
        assert name in names and (tmp_path / name).stat().st_size > 0, name
    text = CITATION.sub("", (tmp_path / REPORT).read_text())
    known = csv_numbers(tmp_path)
    tokens = NUMBER.findall(text)
    assert len(tokens) > 30
    for token in tokens:
        value = abs(float(token.replace(",", "")))
        digits = len(token.split(".")[1]) if "." in token else 0
        tolerance = 0.5 * 10**-digits + 1e-9
        assert (np.abs(known - value) <= tolerance).any() or \
            (np.abs(100 * known - value) <= tolerance).any(), token
    emergence = pd.read_csv(tmp_path / "emergence.csv")
    assert emergence["runs"].iloc[0] == 3
    assert emergence["answer"].iloc[0] in (EMERGES, RECEDES, STABLE, CANNOT_TELL)


def test_the_command_writes_the_report_of_a_single_run(tmp_path):
    path = tmp_path / "eco.toml"
    path.write_text("seed = 4\n[ecosystem]\nn_organizations = 80\nyears = 6\n")
    done = CliRunner().invoke(app, ["ecosystem", str(path), "--out", str(tmp_path / "o")])
    assert done.exit_code == 0, done.output
    report = (tmp_path / "o" / "report" / REPORT).read_text()
    assert "one run" in report.lower() and "cannot tell" in report


def test_a_run_without_alliances_gets_a_report_that_says_so(tmp_path):
    result = run_ecosystem(None, seed=1, n_organizations=50, years=3, alliance_rate=0.0)
    write_profession_report(result, tmp_path)
    report = (tmp_path / REPORT).read_text()
    assert "No alliance could be analysed" in report and "cannot tell" in report
