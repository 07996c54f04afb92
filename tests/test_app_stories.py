"""What the app tells a class, without a browser: words, key moments, the end summary, the
comparison over many seeds, the projector's sizes and the take-away files."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from alliancesim.app.channel import settings_for
from alliancesim.app.export import events_csv, months_csv, view_png
from alliancesim.app.many import ManyRequest, figures, run_many
from alliancesim.app.moments import Story
from alliancesim.app.scenarios import list_scenarios
from alliancesim.app.state import Run, Settings, start_comparison, start_live
from alliancesim.app.summary import divergence, end_summary, status_line
from alliancesim.app.views import (
    COMPARISON_PANELS,
    LIVE_PANELS,
    MARKER_COLOURS,
    PROJECTOR,
    many_option,
    network_option,
    step_columns,
    timeseries_option,
    year_bins,
)
from alliancesim.app.words import (
    derived_label,
    glossary_codes,
    kind_words,
    parameter_label,
    value_words,
)
from alliancesim.model import AllianceModel
from alliancesim.model.events import (
    CONFLICT_OUTCOMES,
    EVENT_KINDS,
    PARADOX_CATEGORIES,
    PARADOX_RESPONSES,
    PARADOX_TENSIONS,
    TK_MODES,
)
from alliancesim.model.mechanisms import COMMITMENT_STATES, GOVERNANCE_FORMS
from alliancesim.model.organizations import SECTORS
from alliancesim.model.phases import ENDINGS, LEGAL_BARRIER, PHASES
from alliancesim.params import MANAGEMENT_MODES, PARAMETERS, PARAMETERS_BY_NAME, defaults
from alliancesim.scenarios import scenario_from_dict, scheduled_entries
from alliancesim.scenarios.loading import scenarios_folder
from alliancesim.scenarios.stories import TimelineLog


def shipped(name: str) -> Settings:
    (choice,) = [c for c in list_scenarios(scenarios_folder()) if c.name == name]
    return settings_for(choice)


def run_to(run: Run, month: int) -> Run:
    while run.running and run.month < month:
        run.step()
    return run


def run_out(run: Run) -> Run:
    while run.running:
        run.step()
    return run


# --- words -------------------------------------------------------------------------------------
@pytest.mark.parametrize("param", PARAMETERS, ids=lambda p: p.name)
def test_every_parameter_has_a_label_in_words(param) -> None:
    label = parameter_label(param)
    assert "_" not in label and label != param.name and label[0].isupper()


def test_a_new_parameter_gets_a_label_from_its_meaning() -> None:
    label = derived_label("lambda_plus: share of the remaining gap closed by a unit signal")
    assert label.startswith("Share of the remaining gap") and "_" not in label
    assert len(derived_label("word " * 40)) <= 57


def test_values_read_as_words_with_their_units() -> None:
    by_name = PARAMETERS_BY_NAME
    assert value_words(by_name["n_members"], 8) == "8 organizations"
    assert value_words(by_name["cultural_diversity"], 1.0) == "1×"
    assert value_words(by_name["sector_mix"], "cross_sector") == "all four sectors"
    assert value_words(by_name["management_mode"], "none") == "nobody (no management)"


def test_every_event_kind_has_words() -> None:
    assert all("_" not in kind_words(kind) for kind in EVENT_KINDS)


def test_the_glossary_explains_every_term_the_app_shows() -> None:
    shown = {*PHASES, *ENDINGS, *COMMITMENT_STATES, *TK_MODES, *CONFLICT_OUTCOMES,
             *PARADOX_CATEGORIES, *PARADOX_TENSIONS, *PARADOX_RESPONSES, *GOVERNANCE_FORMS,
             *LEGAL_BARRIER, *MANAGEMENT_MODES, *SECTORS, "identity", "running"}
    assert shown - glossary_codes() == set()


# --- key moments ------------------------------------------------------------------------------
def test_the_managers_departure_says_when_the_successor_comes() -> None:
    run = run_to(start_live(shipped("Manager departure")), 25)
    story = run.watched[0].story
    (left,) = [m for m in story.moments if m.month == 24 and m.category == "manager"]
    assert "as this scenario plans" in left.sentence
    assert "until the successor this scenario appoints in month 30" in left.sentence
    assert "no manager in post since month 24" in status_line(run.models[0], story)
    # The entry's own 'intervention' event would repeat the departure: it is not in the feed.
    assert not [i for i in story.feed if i.month == 24 and i.kind == "intervention"]
    run_to(run, 30)
    arrived = [m for m in story.moments if m.month == 30 and m.category == "manager"]
    assert arrived and "after 6 months without one" in arrived[0].sentence


def test_staff_turnover_says_when_a_successor_normally_comes() -> None:
    for seed in range(1, 30):
        run = run_to(start_live(Settings(params={**defaults(), "manager_turnover": 0.3},
                                         seed=seed)), 40)
        left = [m for m in run.watched[0].story.moments if m.marker == "manager left"]
        if left:
            vacancy = int(defaults()["manager_vacancy"])
            assert "staff turnover" in left[0].sentence
            assert f"normally in month {left[0].month + vacancy}" in left[0].sentence
            return
    pytest.fail("no manager left in 40 months on seeds 1..29")


def test_an_entry_with_nothing_to_act_on_is_said() -> None:
    scenario = scenario_from_dict({"name": "x", "parameters": {"management_mode":
                                                               "transversal"},
                                   "timeline": [{"month": 2, "kind": "manager_leaves"}]})
    run = run_to(start_live(Settings(params=scenario.params(), seed=2,
                                     timeline=scheduled_entries(scenario))), 2)
    (skipped,) = [m for m in run.watched[0].story.moments if m.month == 2
                  and m.marker == "no effect"]
    assert "this alliance has no manager to lose" in skipped.sentence


def test_a_scheduled_change_says_what_it_was_before() -> None:
    run = run_to(start_live(shipped("Cross-sector sustainability alliance")), 60)
    (change,) = [m for m in run.watched[0].story.moments if m.month == 60 and m.scheduled]
    assert "scarcity of joint resources changed from 0.3 to 0.6" in change.sentence


def test_the_horizon_is_a_key_moment_with_the_summary() -> None:
    run = run_out(start_live(Settings(params={**defaults(), "horizon": 12}, seed=3)))
    story = run.watched[0].story
    assert story.moments[-1].marker == "horizon" and story.feed[-1].key
    summary = end_summary(run.models[0], story)
    assert summary is not None and summary.outcome == "still running"
    assert "still running" in summary.questions[0]


# --- the end summary ----------------------------------------------------------------------------
def test_the_summary_appears_only_at_the_end_with_facts_and_questions() -> None:
    run = start_live(shipped("Manager departure"))
    assert end_summary(run.models[0], run.watched[0].story) is None
    run_out(run)
    summary = end_summary(run.models[0], run.watched[0].story)
    assert summary is not None
    facts = dict(summary.facts)
    assert facts["Lifetime"].startswith(str(run.models[0].outcome_record()["end_month"]))
    assert "aimed for" in facts["Value against ambition"]
    assert 2 <= len(summary.questions) <= 3
    assert any("manager left in month 24" in q for q in summary.questions)
    assert [m.month for m in summary.turning_points] == sorted(
        m.month for m in summary.turning_points)


def test_the_comparison_says_from_when_its_members_differ() -> None:
    run = start_comparison(Settings(seed=2))  # a seed whose two alliances soon differ
    left, right = run.watched
    assert divergence(left.story, right.story, ("a", "b")).startswith("Both alliances")
    run_to(run, 6)
    text = divergence(left.story, right.story, ("a", "b"))
    assert "from month" in text and ("only in the a alliance" in text
                                     or "only in the b alliance" in text)


# --- the comparison over many seeds ---------------------------------------------------------
def test_the_panel_runs_every_paired_seed_once_and_reproducibly() -> None:
    request = ManyRequest(defaults(), (), seed=4, modes=("dedicated", "transversal"),
                          count=23)
    runs: list[Any] = []
    with ThreadPoolExecutor(2) as pool:
        assert run_many(request, runs.extend, pool=pool)
        again: list[Any] = []
        run_many(request, again.extend, pool=pool)
    assert sorted(r.index for r in runs) == list(range(23))
    assert sorted(runs, key=lambda r: r.index) == sorted(again, key=lambda r: r.index)
    result = figures(runs, request.modes)
    assert result.runs == 23 and sum(result.longer.values()) == 23
    assert all(sum(m.outcomes.values()) == 23 for m in result.modes)
    bins = year_bins(result.modes[0].lifetimes, 120)
    assert sum(bins) == 23
    assert bins[-1] == sum(1 for t in result.modes[0].lifetimes if t >= 120)


def test_a_cancelled_panel_stops() -> None:
    import threading

    cancel = threading.Event()
    cancel.set()
    request = ManyRequest(defaults(), (), seed=1, modes=("dedicated", "none"), count=40)
    with ThreadPoolExecutor(1) as pool:
        assert run_many(request, lambda runs: None, cancel, pool=pool) is False


# --- the projector's sizes and distinct colours -----------------------------------------------
def font_sizes(option: Any) -> Iterator[float]:
    if isinstance(option, dict):
        for key, value in option.items():
            if key == "fontSize":
                yield float(value)
            else:
                yield from font_sizes(value)
    elif isinstance(option, list):
        for item in option:
            yield from font_sizes(item)


def test_every_chart_text_on_the_projector_is_at_least_18_px() -> None:
    run = run_to(start_live(shipped("Manager departure")), 30)
    model, layout = run.models[0], run.watched[0].layout
    options = [
        network_option(model, layout, PROJECTOR),
        timeseries_option([("", step_columns(model))], LIVE_PANELS, 120,
                          {"value_target": 75.0}, run.watched[0].story.moments, PROJECTOR),
    ]
    request = ManyRequest(defaults(), (), seed=1, modes=("dedicated", "transversal"), count=5)
    with ThreadPoolExecutor(1) as pool:
        runs: list[Any] = []
        run_many(request, runs.extend, pool=pool)
    options.append(many_option(figures(runs, request.modes).modes, ("a", "b"), 120, 75.0,
                               PROJECTOR))
    for option in options:
        sizes = list(font_sizes(option))
        assert sizes and min(sizes) >= 18


def test_no_colour_means_two_things_in_the_live_charts() -> None:
    colours = [c for panel in LIVE_PANELS for c in panel.colours]
    assert len(colours) == len(set(colours))
    assert not set(colours) & set(MARKER_COLOURS.values())
    assert all(len(panel.colours) >= 2 for panel in COMPARISON_PANELS)


# --- take-away files --------------------------------------------------------------------------
def test_the_take_away_files_hold_the_run() -> None:
    run = run_to(start_live(shipped("Manager departure")), 26)
    story = run.watched[0].story
    events = list(csv.DictReader(io.StringIO(events_csv(run.watched))))
    assert len(events) == len(story.feed)
    assert any(r["month"] == "24" and r["key_moment"] == "yes" for r in events)
    months = list(csv.DictReader(io.StringIO(months_csv(run.watched))))
    assert [int(r["month"]) for r in months] == list(range(27))
    pair = run_to(start_comparison(shipped("Manager departure")), 5)
    rows = list(csv.DictReader(io.StringIO(months_csv(pair.watched))))
    assert {r["management"] for r in rows} == {"dedicated", "transversal"} and len(rows) == 12
    picture = view_png(run.watched, "Manager departure")
    assert picture.startswith(b"\x89PNG")


def test_a_story_can_be_read_after_the_fact() -> None:
    model = AllianceModel(rng=2)
    while model.running:
        model.step()
    story = Story(model, TimelineLog.of(()))
    assert story.moments and story.moments[-1].category == "end"
    assert [i.month for i in story.feed] == sorted(i.month for i in story.feed)


def test_a_long_run_keeps_its_life_cycle_among_the_turning_points() -> None:
    from alliancesim.app.moments import Moment
    from alliancesim.app.summary import TURNING_POINTS, turning_points

    moments = [Moment(m, "partner", f"Month {m}: someone joined.", "partner joined")
               for m in range(1, 30)]
    moments.insert(3, Moment(3, "phase", "Month 3: founding.", "founding"))
    moments.append(Moment(120, "end", "Month 120: the horizon.", "horizon"))
    kept = turning_points(moments)
    assert len(kept) == TURNING_POINTS
    assert {m.category for m in kept} >= {"phase", "end"}
    assert [m.month for m in kept] == sorted(m.month for m in kept)
