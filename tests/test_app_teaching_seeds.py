"""Teaching seeds: every shipped scenario names a seed on which its story happens."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from alliancesim.scenarios import ScenarioError, load_scenario, scenario_from_dict
from alliancesim.scenarios.loading import scenarios_folder, shipped_scenarios
from alliancesim.scenarios.running import scheduled_entries
from alliancesim.scenarios.stories import (
    LEFT,
    RIGHT,
    SAME,
    PairedRun,
    comparison_problems,
    live_problems,
    most_common_result,
    preempted,
    run_tracked,
)
from alliancesim.scenarios.teaching_seeds import (
    TABLE_END,
    TABLE_START,
    TEACHING_DOC,
    NoTeachingSeed,
    find_teaching_seed,
    named_picks,
    seed_problems,
    seeds_table,
    with_teaching_seed,
)

SHIPPED = shipped_scenarios(scenarios_folder())


@pytest.mark.slow
@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_each_shipped_scenario_shows_its_story_on_its_teaching_seed(path: Path) -> None:
    scenario = load_scenario(path)
    assert scenario.teaching_seed is not None, f"{path.name} names no teaching_seed"
    assert seed_problems(scenario, scenario.teaching_seed) == []


def test_the_teaching_seed_of_manager_departure_lets_the_manager_leave_and_return() -> None:
    scenario = load_scenario(scenarios_folder() / "manager_departure.toml")
    model, log = run_tracked(scenario.params(), scenario.teaching_seed,
                             scheduled_entries(scenario))
    kinds = {r.kind: r for r in log.records}
    assert kinds["manager_leaves"].took_effect and kinds["manager_replaced"].took_effect
    left = [e for e in kinds["manager_leaves"].events if e.kind == "manager_left"]
    assert left and left[0].month == 24
    assert model.outcome_record()["end_month"] > 30


DEPARTURE = {
    "name": "Departure at two years",
    "parameters": {"management_mode": "dedicated"},
    "timeline": [{"month": 24, "kind": "manager_leaves"}],
}


def early_ending_seed() -> int:
    """A seed on which the default alliance ends before month 24."""
    scenario = scenario_from_dict(DEPARTURE)
    for seed in range(1, 200):
        model, _ = run_tracked(scenario.params(), seed, ())
        if model.outcome_record()["end_month"] < 24:
            return seed
    pytest.fail("no seed in 1..199 ends before month 24")


def test_an_alliance_that_ends_before_an_entry_does_not_show_the_story() -> None:
    scenario = scenario_from_dict(DEPARTURE)
    seed = early_ending_seed()
    problems = live_problems(scenario.params(), seed, scheduled_entries(scenario))
    assert any("manager_leaves, month 24" in p and "ended in month" in p for p in problems)


def test_an_entry_that_acts_on_nothing_does_not_show_the_story() -> None:
    # A transversal alliance has no manager to lose: the entry can never take effect.
    scenario = scenario_from_dict({**DEPARTURE, "parameters": {"management_mode":
                                                               "transversal"}})
    for seed in range(1, 200):
        model, _ = run_tracked(scenario.params(), seed, ())
        if model.outcome_record()["end_month"] > 24:
            break
    problems = live_problems(scenario.params(), seed, scheduled_entries(scenario))
    assert "timeline[1] (manager_leaves, month 24): had no effect" in problems
    with pytest.raises(NoTeachingSeed):
        find_teaching_seed(scenario, limit=seed, sample=0)


def test_the_comparison_needs_both_sides_alive_when_an_entry_falls_due() -> None:
    scenario = scenario_from_dict(DEPARTURE)
    seed = early_ending_seed()
    problems = comparison_problems(scenario.params(), seed, scheduled_entries(scenario))
    assert any("side ended in month" in p for p in problems)


def test_the_most_common_result_counts_paired_seeds() -> None:
    def run(left: int, right: int) -> PairedRun:
        return PairedRun(0, ("dissolved", "dissolved"), (left, right), (0.0, 0.0))

    assert most_common_result([run(50, 40), run(60, 20), run(10, 90)]) == {LEFT}
    assert most_common_result([run(50, 40), run(10, 90), run(120, 120)]) == {LEFT, RIGHT, SAME}


# --- writing seeds into files ------------------------------------------------------------------
def test_a_seed_is_written_into_a_file_and_read_back(tmp_path: Path) -> None:
    text = 'name = "X"\ndescription = "y"\n\n# overrides\n[parameters]\nn_members = 5\n'
    written = with_teaching_seed(text, 17)
    assert "# overrides" in written
    path = tmp_path / "x.toml"
    path.write_text(written)
    assert load_scenario(path).teaching_seed == 17
    again = with_teaching_seed(written, 4)
    assert again.count("teaching_seed") == 1
    path.write_text(again)
    assert load_scenario(path).teaching_seed == 4


@pytest.mark.parametrize("value", ["-1", "true", '"5"', "2.0"])
def test_a_bad_teaching_seed_is_refused_with_its_field(tmp_path: Path, value: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(f'name = "Bad"\nteaching_seed = {value}\n')
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert caught.value.field == "teaching_seed"


def test_the_lesson_plan_lists_the_seeds_the_files_name() -> None:
    text = TEACHING_DOC.read_text(encoding="utf-8")
    start, end = text.index(TABLE_START) + len(TABLE_START), text.index(TABLE_END)
    assert text[start:end].strip() == seeds_table(named_picks(scenarios_folder())), (
        "docs/teaching.md is out of date: run python -m alliancesim.scenarios.teaching_seeds "
        "--write")


def test_the_lesson_plan_shows_pictures_that_exist() -> None:
    text = TEACHING_DOC.read_text(encoding="utf-8")
    pictures = re.findall(r"\]\((img/[^)]+\.png)\)", text)
    assert len(pictures) >= 3
    assert all((TEACHING_DOC.parent / picture).is_file() for picture in pictures)


def test_a_planned_event_that_already_happened_unplanned_does_not_show_the_story() -> None:
    # With a restless manager and a quick successor, the planned departure often comes after
    # an unplanned one: the class would see that one first.
    scenario = scenario_from_dict({
        "name": "Restless", "parameters": {"management_mode": "dedicated",
                                           "manager_turnover": 0.2, "manager_vacancy": 1},
        "timeline": [{"month": 24, "kind": "manager_leaves"}]})
    entries = scheduled_entries(scenario)
    for seed in range(1, 100):
        model, log = run_tracked(scenario.params(), seed, entries)
        if log.records[0].took_effect and preempted(model, log):
            problems = live_problems(scenario.params(), seed, entries)
            assert any("an unplanned manager left event came first" in p for p in problems)
            return
    pytest.fail("no seed in 1..99 has a turnover before the planned departure")
