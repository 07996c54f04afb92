"""The why panel, against the run's own tables; and the fixes to the charts and the network:
one colour per management mode, every bar named, former members' names on hover, a banner
that fits a busy month, and a successor manager who never carries the departed one's name."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

import pytest

from alliancesim.app.channel import settings_for
from alliancesim.app.layout import alliance_layout
from alliancesim.app.many import ModeFigures
from alliancesim.app.moments import DEFAULT_PAUSE_KINDS, Moment, headline
from alliancesim.app.panels import why_lines
from alliancesim.app.scenarios import list_scenarios
from alliancesim.app.state import Run, Settings, start_comparison, start_live
from alliancesim.app.views import (
    COMPARISON_PANELS,
    LIVE_PANELS,
    MODE_COLOURS,
    OUTCOME_COLOURS,
    many_option,
    network_option,
    panel_for,
    step_columns,
    timeseries_option,
    why_option,
)
from alliancesim.app.why import (
    ManagementWork,
    differences,
    management_work,
    mediator,
    who_counts,
    why_sentences,
)
from alliancesim.model import AllianceModel, MemberOrganization
from alliancesim.params import MANAGEMENT_MODES
from alliancesim.scenarios.loading import scenarios_folder

CHOICES = [c for c in list_scenarios(scenarios_folder()) if not c.error]


def shipped(name: str) -> Settings:
    (choice,) = [c for c in CHOICES if c.name == name]
    return settings_for(choice)


def played(run: Run) -> Run:
    while run.step():
        pass
    return run


@pytest.fixture(scope="module")
def departure() -> AllianceModel:
    """Manager departure on its teaching seed, played to its end."""
    return played(start_live(shipped("Manager departure"))).models[0]


@pytest.fixture(scope="module")
def pair() -> Run:
    """The comparison of Manager departure (dedicated manager, transversal skill), ended."""
    return played(start_comparison(shipped("Manager departure")))


# --- the numbers, against the run's tables ----------------------------------------------------
def test_the_work_matches_the_monthly_table_the_event_log_and_the_outcome_record(
        departure: AllianceModel) -> None:
    work = management_work(departure)
    table = departure.step_table()
    record = departure.outcome_record()
    events = departure.event_log()
    conflicts = events[events["kind"] == "conflict"]
    assert work.mode == "dedicated"
    assert work.cost == pytest.approx(table["management_cost"].sum())
    assert work.cost == pytest.approx(record["management_cost_total"])
    assert work.time_used == pytest.approx(record["management_time_used"])
    assert work.value == pytest.approx(record["value_total"])
    assert work.conflicts == len(conflicts) == record["conflicts_total"]
    assert work.escalated == record["conflicts_escalated"]
    assert work.latent == record["conflicts_latent"]
    assert work.mediations == int((conflicts["handler"] != "").sum())
    settled = conflicts["outcome"].isin(["constructive", "compromise"])
    assert work.mediations_resolved == int((settled & (conflicts["handler"] != "")).sum())
    by_manager = conflicts["handler"].str.startswith("the alliance manager")
    assert work.mediated["manager"] == int(by_manager.sum())
    assert work.skill_start == pytest.approx(table["skill_mean"].iloc[0])
    assert work.skill_now == pytest.approx(table["skill_mean"].iloc[-1])
    assert work.months_without_manager == record["manager_vacancy_months"] == 6


def test_the_sentences_say_the_numbers(departure: AllianceModel) -> None:
    work = management_work(departure)
    cost, who, skill, *mechanisms = why_sentences(work)
    assert f"{work.cost:.1f} units of value" in cost
    assert f"{work.time_used:.1f} person-months" in cost
    assert f"created {work.value:.1f}" in cost
    assert f"{work.mediations} of the {work.conflicts} conflicts got mediation" in who
    assert f"{work.mediated['manager']} by the manager" in who
    assert f"{work.mediations_resolved} of those {work.mediations} were resolved" in who
    assert f"{work.skill_start:.2f}" in skill and f"{work.skill_now:.2f}" in skill
    assert "For 6 months no manager was in post." in mechanisms
    assert any(f"{work.escalated} conflicts escalated" in line for line in mechanisms)
    assert not any(word in " ".join(why_sentences(work)).lower()
                   for word in ("better", "worse", "wins"))


def test_without_management_time_the_cost_is_nothing_and_nobody_mediates() -> None:
    work = ManagementWork("none", 12, 4.0, 0.0, 0.0, 3, dict.fromkeys(
        ("manager", "third partner", "parties"), 0), dict.fromkeys(
        ("manager", "third partner", "parties"), 0), 1, 2, 0.5, 0.5, 0)
    cost, who, skill = why_sentences(work)[:3]
    assert cost.startswith("Management cost nothing here")
    assert who == "None of the 3 conflicts got mediation: each pair handled its own."
    assert skill == "The members' mean management skill stayed at 0.50 (0 to 1)."


def test_who_mediated_is_read_from_the_event_logs_words() -> None:
    assert mediator("the alliance manager Sam") == "manager"
    assert mediator("a third partner, River Trust") == "third partner"
    assert mediator("the two partners themselves") == "parties"
    assert mediator("") == ""


def test_the_comparison_says_where_the_two_differed_in_this_run(pair: Run) -> None:
    left, right = (management_work(w.model, w.label) for w in pair.watched)
    assert (left.mode, right.mode) == ("dedicated", "transversal")
    found = differences(left, right)
    assert 1 <= len(found) <= 3
    assert any(f"{left.months_without_manager:d} with a dedicated manager, "
               f"{right.months_without_manager:d} with transversal skill" in line
               for line in found)
    lines = why_lines(pair)
    assert lines[0] == (f"So far the alliance with a dedicated manager has run {left.month} "
                        f"months, the one with transversal skill {right.month}.")
    assert any(line.startswith("Dedicated manager: Management cost") for line in lines)
    assert any(line.startswith("Transversal skill: ") for line in lines)


def test_the_chart_counts_who_mediated_in_each_modes_colour(pair: Run) -> None:
    works = [management_work(w.model, w.label) for w in pair.watched]
    who = who_counts(works)
    for r, work in enumerate(works):
        assert sum(mediated[r] for _, mediated, _ in who) == work.mediations
        assert sum(resolved[r] for _, _, resolved in who) == work.mediations_resolved
    option = why_option(who, ["dedicated", "transversal"], ["Dedicated manager",
                                                             "Transversal skill"])
    colours = [s["itemStyle"]["color"] for s in option["series"]]
    assert colours == [MODE_COLOURS["dedicated"]] * 2 + [MODE_COLOURS["transversal"]] * 2
    assert option["xAxis"]["data"] == ["the manager", "a third partner", "the two parties"]


# --- colours and names in the charts ----------------------------------------------------------
def test_a_mode_keeps_its_colour_in_every_chart_and_no_outcome_wears_one() -> None:
    assert not set(OUTCOME_COLOURS.values()) & set(MODE_COLOURS.values())
    assert set(MODE_COLOURS) == set(MANAGEMENT_MODES)
    assert len(set(MODE_COLOURS.values())) == len(MODE_COLOURS)
    run = start_comparison(Settings(seed=3), ("hybrid", "none"))
    for _ in range(6):
        run.step()
    option = timeseries_option([(w.label, step_columns(w.model)) for w in run.watched],
                               COMPARISON_PANELS, 120,
                               colours=[MODE_COLOURS["hybrid"], MODE_COLOURS["none"]])
    by_name = Counter((s["name"], s["itemStyle"]["color"]) for s in option["series"]
                      if s["name"] in ("hybrid", "none"))
    assert set(by_name) == {("hybrid", MODE_COLOURS["hybrid"]), ("none", MODE_COLOURS["none"])}
    modes = [ModeFigures(m, Counter({"completed": 3, "dissolved": 2}), (30, 120), (10.0, 50.0))
             for m in ("hybrid", "none")]
    many = many_option(modes, ["Hybrid", "No management"], 120, 80.0)
    assert many["xAxis"][0]["axisLabel"]["interval"] == 0, "every bar keeps its name"
    bars = {s["name"]: s["itemStyle"]["color"] for s in many["series"][3:]}
    assert bars == {"Hybrid": MODE_COLOURS["hybrid"], "No management": MODE_COLOURS["none"]}


def test_former_members_names_show_on_hover_only(departure: AllianceModel) -> None:
    option = network_option(departure, alliance_layout(departure, 15))
    nodes = {n["name"]: n for n in option["series"][0]["data"]}
    everyone = departure.agents_by_type[MemberOrganization]
    gone = [m for m in everyone if not m.active]
    assert gone
    for member in gone:
        assert nodes[member.name]["label"]["show"] is False
        assert "left in month" in nodes[member.name]["tooltip"]["formatter"]
    for member in departure.members:
        assert nodes[member.name]["label"].get("show", True)


def test_the_chart_that_matters_follows_the_kind_of_moment() -> None:
    titles = {p.title for p in LIVE_PANELS}
    for category in ("manager", "partner", "shock", "phase", "end", "scheduled"):
        assert panel_for(Moment(1, category, "", "")).title in titles
    assert panel_for(Moment(1, "manager", "", "manager left")).title == "Conflicts per month"
    assert panel_for(None).title == "Value"


# --- the banner of a busy month -----------------------------------------------------------------
def test_a_busy_month_spells_out_what_stopped_play_and_sums_up_the_rest() -> None:
    moments = [Moment(32, "partner", f"Month 32: P{i} left.", "partner left") for i in range(3)]
    moments += [Moment(32, "partner", "Month 32: Q joined.", "partner joined"),
                Moment(32, "phase", "Month 32: the alliance moved into evolving.", "evolving")]
    shown, also = headline(moments, DEFAULT_PAUSE_KINDS, limit=1)
    assert [m.marker for m in shown] == ["evolving"]
    assert also == "also 3 partners left and a partner joined"
    planned_shock = Moment(30, "shock", "Month 30: a shock.", "shock", scheduled=True)
    shown, also = headline([moments[0], planned_shock], DEFAULT_PAUSE_KINDS, limit=1)
    assert shown == [planned_shock] and also == "also a partner left"
    shown, also = headline([planned_shock, planned_shock], DEFAULT_PAUSE_KINDS, limit=1)
    assert also == "also an external shock"
    shown, also = headline(moments[:1], DEFAULT_PAUSE_KINDS, limit=2)
    assert shown == moments[:1] and also == ""


# --- managers -----------------------------------------------------------------------------------
@pytest.mark.parametrize("choice", CHOICES, ids=lambda c: c.name)
def test_a_successor_never_carries_the_departed_managers_name(choice) -> None:
    for seed in (choice.teaching_seed, 1, 2, 3):
        model = played(start_live(replace(settings_for(choice), seed=seed))).models[0]
        last_left = None
        for event in model.events:
            if event.kind == "manager_left":
                last_left = event.actors[0]
            elif event.kind == "manager_arrived" and last_left is not None:
                assert event.actors[0] != last_left, (choice.name, seed, event.month)
