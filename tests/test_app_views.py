"""The teaching app's behaviour without a browser: seeds, layout, chart data, feed, scenarios."""

from __future__ import annotations

import time
from html import escape
from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest

from alliancesim.app.components import parameter_groups, slider_step, status_line
from alliancesim.app.layout import SPRING_LIMIT, alliance_layout, culture_layout, layout_seed
from alliancesim.app.moments import FeedItem, Story
from alliancesim.app.scenarios import list_scenarios
from alliancesim.app.state import (
    SeedError,
    Settings,
    parse_seed,
    start_comparison,
    start_live,
)
from alliancesim.app.views import (
    COMMITMENT_COLOURS,
    LIVE_PANELS,
    MARKER_SERIES,
    feed_html,
    network_option,
    phase_segments,
    step_columns,
    timeline_html,
    timeseries_option,
    trust_colour,
)
from alliancesim.model import AllianceModel, MemberOrganization
from alliancesim.params import PARAMETERS, ParameterError, validate_parameters
from alliancesim.scenarios.stories import TimelineLog


def run_until(model: AllianceModel, months: int) -> AllianceModel:
    while model.running and model.month < months:
        model.step()
    return model


@pytest.fixture(scope="module")
def lived() -> AllianceModel:
    """An alliance that has lived long enough to have exits, conflicts and phase changes."""
    for seed in range(1, 40):
        model = run_until(AllianceModel(rng=seed, n_members=12), 120)
        kinds = {e.kind for e in model.events}
        if {"exit", "conflict", "paradox"} <= kinds and len(model.phase_history) >= 3:
            return model
    pytest.fail("no seed in 1..39 gave an alliance with exits, conflicts and paradoxes")


# --- seeds ---------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "seed"), [("42", 42), (" 7 ", 7), ("0", 0), ("1_000", 1000)])
def test_seed_accepts_whole_numbers(text: str, seed: int) -> None:
    assert parse_seed(text) == seed


@pytest.mark.parametrize("text", ["abc", "-3", "1.5", "", "  ", "12e3", str(2**63)])
def test_seed_rejects_anything_else_with_a_message(text: str) -> None:
    with pytest.raises(SeedError, match=r"[Ss]eed"):
        parse_seed(text)


# --- layout --------------------------------------------------------------------------------
def test_layout_is_seeded_and_stable() -> None:
    model = AllianceModel(rng=3, n_members=12)
    first, again = alliance_layout(model, 3), alliance_layout(AllianceModel(rng=3, n_members=12), 3)
    assert first == again
    other = alliance_layout(model, 4)
    assert first.keys() == other.keys() and first != other
    xy = np.array(list(first.values()))
    assert xy.min() >= 0.0 and xy.max() <= 1.0


def test_layout_does_not_disturb_the_simulation() -> None:
    """The layout draws from its own stream: the run is the same with or without it."""
    plain = run_until(AllianceModel(rng=5, n_members=12), 40)
    drawn = AllianceModel(rng=5, n_members=12)
    alliance_layout(drawn, 5)
    run_until(drawn, 40)
    assert plain.step_table().equals(drawn.step_table())
    assert layout_seed(5) != 5 and layout_seed(5) == layout_seed(5)


def test_layout_places_everyone_who_ever_joins(lived: AllianceModel) -> None:
    layout = alliance_layout(lived, 0)
    everyone = lived.agents_by_type[MemberOrganization]
    assert all(m.name in layout for m in everyone)


def test_layout_puts_cultural_twins_closer_than_strangers() -> None:
    rng = np.random.default_rng(0)
    culture = np.vstack([rng.normal(20, 2, (10, 6)), rng.normal(80, 2, (10, 6))])
    names = [f"org{i}" for i in range(20)]
    xy = culture_layout(names, culture, seed=1)
    pos = np.array([xy[n] for n in names])
    within = np.linalg.norm(pos[:10, None] - pos[None, :10], axis=-1).mean()
    between = np.linalg.norm(pos[:10, None] - pos[None, 10:], axis=-1).mean()
    assert within < between / 2


def test_large_pools_are_laid_out_quickly_and_reproducibly() -> None:
    rng = np.random.default_rng(1)
    n = SPRING_LIMIT * 5
    culture, names = rng.uniform(0, 100, (n, 6)), [f"c{i}" for i in range(n)]
    start = time.process_time()  # this process's CPU time: other load does not count
    first = culture_layout(names, culture, seed=2)
    assert time.process_time() - start < 5.0
    assert first == culture_layout(names, culture, seed=2)


# --- the network ---------------------------------------------------------------------------
def test_network_shows_members_by_state_size_and_trust(lived: AllianceModel) -> None:
    option = network_option(lived, alliance_layout(lived, 0))
    series = option["series"][0]
    nodes = {n["name"]: n for n in series["data"] if not n["name"].startswith("__anchor")}
    states = list(COMMITMENT_COLOURS)
    for member in lived.agents_by_type[MemberOrganization]:
        node = nodes[member.name]
        assert states[node["category"]] == member.commitment_state
        if not member.active:
            assert "left" in node["label"]["formatter"]
    active = lived.members
    assert len(series["links"]) == len(active) * (len(active) - 1) // 2
    by_size = sorted(active, key=lambda m: m.resources)
    assert nodes[by_size[0].name]["symbolSize"] <= nodes[by_size[-1].name]["symbolSize"]
    widest = max(series["links"], key=lambda link: link["lineStyle"]["width"])
    assert widest["value"] == max(link["value"] for link in series["links"])


def test_exited_members_stay_on_the_picture_as_gone(lived: AllianceModel) -> None:
    gone = [m for m in lived.agents_by_type[MemberOrganization] if not m.active]
    assert gone, "the fixture alliance has exits"
    option = network_option(lived, alliance_layout(lived, 0))
    names_in_links = {x for link in option["series"][0]["links"]
                      for x in (link["source"], link["target"])}
    assert not names_in_links & {m.name for m in gone}


def test_trust_colour_runs_from_red_to_green() -> None:
    def rgb(colour: str) -> tuple[int, ...]:
        return tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))

    low, high = rgb(trust_colour(0.0)), rgb(trust_colour(1.0))
    assert low[0] > low[1] and high[1] > high[0]


# --- charts, timeline, feed ------------------------------------------------------------------
def data_series(option: dict) -> list[dict]:
    """The series that plot the alliance (not the one carrying key-moment lines)."""
    return [s for s in option["series"] if s["name"] != MARKER_SERIES]


def test_charts_follow_the_months(lived: AllianceModel) -> None:
    option = timeseries_option([("", step_columns(lived))], LIVE_PANELS, horizon=120)
    assert len(option["grid"]) == 4 and all(ax["max"] == 120 for ax in option["xAxis"])
    for series in data_series(option):
        assert len(series["data"]) == lived.month + 1
    trust = next(s for s in option["series"] if s["name"] == "mean trust")
    assert trust["data"][-1][1] == pytest.approx(lived.trust_mean(), abs=1e-3)


def test_chart_axes_keep_shares_at_zero_to_one_and_the_ambition_in_view() -> None:
    model = run_until(AllianceModel(rng=2), 3)
    target = model.objectives()
    option = timeseries_option([("", step_columns(model))], LIVE_PANELS, horizon=120,
                               targets={"value_target": target})
    trust_axis, _, value_axis, _ = option["yAxis"]
    assert (trust_axis["min"], trust_axis["max"]) == (0, 1)
    assert value_axis["max"] >= target > max(step_columns(model)["value_total"])
    value_series = next(s for s in option["series"] if s["name"] == "value so far")
    assert value_series["markLine"]["data"] == [{"yAxis": target}]


def test_comparison_charts_draw_one_line_per_alliance() -> None:
    run = start_comparison(Settings())
    for _ in range(5):
        run.step()
    runs = [(w.label, step_columns(w.model)) for w in run.watched]
    option = timeseries_option(runs, LIVE_PANELS[:2], horizon=120)
    names = {s["name"] for s in data_series(option)}
    assert names == {"dedicated", "transversal"}
    dashed = {s["lineStyle"]["type"] for s in data_series(option)}
    assert dashed == {"solid", "dashed"}


def test_phase_segments_cover_the_months_so_far(lived: AllianceModel) -> None:
    segments = phase_segments(lived)
    assert segments[0].start == 0 and segments[-1].current
    assert all(a.end == b.start for a, b in pairwise(segments))
    assert segments[-1].end == lived.month
    html = timeline_html(segments)
    assert html.count("as-segment-current") == 1
    assert all(f'data-phase="{s.phase}"' in html for s in segments)


def test_feed_is_newest_first_and_explains_tensions(lived: AllianceModel) -> None:
    items = Story(lived, TimelineLog.of(())).feed[::-1]
    months = [i.month for i in items]
    assert months == sorted(months, reverse=True)
    html = feed_html(items)
    for kind in ("conflict", "paradox"):
        item = next(i for i in items if i.kind == kind)
        assert item.theory and escape(item.theory) in html
    joined = next(i for i in items if i.kind == "joined")
    assert not joined.theory


def test_feed_escapes_text() -> None:
    html = feed_html([FeedItem(1, "conflict", "Month 1: <b>x</b> & y", "why <i>", key=True)])
    assert "<b>" not in html and "&lt;b&gt;" in html and "&amp;" in html


# --- parameters ----------------------------------------------------------------------------
def test_every_parameter_gets_an_input_in_its_group() -> None:
    groups = parameter_groups()
    listed = [p.name for params in groups.values() for p in params]
    assert sorted(listed) == sorted(p.name for p in PARAMETERS)
    assert all(p.group == group for group, params in groups.items() for p in params)


@pytest.mark.parametrize("param", [p for p in PARAMETERS if p.kind == "float"],
                         ids=lambda p: p.name)
def test_float_sliders_reach_the_default_and_both_ends(param) -> None:
    step = slider_step(param)
    positions = (param.high - param.low) / step
    assert 10 <= positions <= 1_000_000
    offset = (float(param.default) - param.low) / step
    assert offset == pytest.approx(round(offset), abs=1e-6)


def test_a_bad_parameter_combination_is_refused_with_its_name() -> None:
    settings = Settings()
    with pytest.raises(ParameterError, match="shared_max_members"):
        settings.with_parameter("shared_max_members", 20).with_parameter("lead_max_members", 10)


# --- runs ------------------------------------------------------------------------------------
def test_a_new_parameter_and_seed_start_a_different_alliance() -> None:
    first = start_live(Settings())
    settings = Settings(params=validate_parameters({"n_members": 12}), seed=9)
    second = start_live(settings)
    assert second.models[0].p["n_members"] == 12
    assert status_line(second.models[0]).startswith("Month 0 · forming")
    assert "aiming for 12" in status_line(second.models[0])
    assert [m.name for m in first.models[0].members] != [m.name for m in second.models[0].members]


def test_comparison_runs_the_same_alliance_under_two_modes_in_step() -> None:
    run = start_comparison(Settings(seed=11), ("dedicated", "transversal"))
    left, right = run.models
    assert (left.management.mode, right.management.mode) == ("dedicated", "transversal")
    assert list(left.pool.names) == list(right.pool.names)
    assert [m.name for m in left.members] == [m.name for m in right.members]
    for _ in range(12):
        run.step()
    assert left.month == right.month == 12


# --- scenarios -----------------------------------------------------------------------------
GOOD = """
name = "Twelve and a departure"
description = "Twelve members; the manager leaves at month 3."
[parameters]
n_members = 12
management_mode = "dedicated"
[[timeline]]
month = 3
kind = "manager_leaves"
"""
BAD = """
name = "Broken"
[parameters]
n_members = "many"
"""


def test_scenarios_load_and_broken_files_say_why(tmp_path: Path) -> None:
    (tmp_path / "good.toml").write_text(GOOD)
    (tmp_path / "bad.toml").write_text(BAD)
    choices = {c.name: c for c in list_scenarios(tmp_path)}
    good = choices["Twelve and a departure"]
    assert good.params["n_members"] == 12 and not good.error
    assert [(e.month, e.intervention.kind) for e in good.timeline] == [(3, "manager_leaves")]
    bad = choices["bad"]
    assert "bad.toml" in bad.error and "n_members" in bad.error


def test_a_scenario_timeline_acts_in_the_live_run(tmp_path: Path) -> None:
    (tmp_path / "good.toml").write_text(GOOD)
    (choice,) = list_scenarios(tmp_path)
    run = start_live(Settings(params=choice.params, timeline=choice.timeline, scenario="x"))
    model = run.models[0]
    for _ in range(3):
        run.step()
    assert model.management.departures == 1
    assert any(e.kind == "intervention" and e.month == 3 for e in model.events)


def test_the_shipped_scenarios_all_load() -> None:
    choices = list_scenarios()
    assert choices, "the project ships scenario files"
    assert all(not c.error for c in choices), [c.error for c in choices if c.error]
