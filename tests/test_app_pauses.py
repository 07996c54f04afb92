"""Which key moments stop play: the teacher's choice of kinds, and the default's stops on
every shipped teaching scenario (a ten-year run should stop about ten times, not twenty)."""

from __future__ import annotations

import pytest

from alliancesim.app.channel import settings_for
from alliancesim.app.moments import (
    DEFAULT_PAUSE_KINDS,
    PAUSE_KINDS,
    Moment,
    pause_kind,
    pauses_at,
)
from alliancesim.app.scenarios import list_scenarios
from alliancesim.app.state import Settings, start_live
from alliancesim.scenarios.loading import scenarios_folder

# "At most about ten stops in a ten-year run": the default must keep every shipped
# teaching scenario at or under this many.
MOST_STOPS = 11


def stop_months(settings: Settings, kinds: frozenset[str]) -> list[int]:
    """The months play stops at, playing ``settings`` to its end as the play loop does."""
    run = start_live(settings, projector=True)
    stops = []
    while True:
        still_running = run.step()
        if not still_running or pauses_at(run.fresh, kinds):
            stops.append(run.month)
        if not still_running:
            return stops


TEACHING = [c for c in list_scenarios(scenarios_folder()) if not c.error]


def by_name(name: str) -> Settings:
    (choice,) = [c for c in TEACHING if c.name == name]
    return settings_for(choice)


@pytest.mark.parametrize("choice", TEACHING, ids=lambda c: c.name)
def test_the_default_stops_about_ten_times_on_each_teaching_scenario(choice) -> None:
    settings = settings_for(choice)
    assert settings.on_teaching_seed
    every_kind = stop_months(settings, frozenset(PAUSE_KINDS))
    default = stop_months(settings, DEFAULT_PAUSE_KINDS)
    print(f"{choice.name}: {len(default)} stops by default, {len(every_kind)} at every kind")
    assert 1 <= len(default) <= MOST_STOPS, default
    assert set(default) <= set(every_kind)


def test_every_kind_of_moment_has_a_name_in_the_control() -> None:
    moments = [Moment(5, "manager", "", "manager left"), Moment(5, "manager", "", "new manager"),
               Moment(5, "partner", "", "partner left"),
               Moment(5, "partner", "", "partner joined"), Moment(5, "shock", "", "shock"),
               Moment(5, "phase", "", "evolving"), Moment(5, "end", "", "dissolved"),
               Moment(5, "scheduled", "", "training"),
               Moment(5, "partner", "", "partner left", scheduled=True)]
    kinds = [pause_kind(m) for m in moments]
    assert kinds == ["manager_left", "manager_arrived", "partner_left", "partner_joined",
                     "shock", "phase", "end", "scheduled", "scheduled"]
    assert set(kinds) == set(PAUSE_KINDS)
    assert set(PAUSE_KINDS) >= DEFAULT_PAUSE_KINDS


def test_only_the_chosen_kinds_stop_play() -> None:
    settings = by_name("Manager departure")
    only_manager = stop_months(settings, frozenset({"manager_left"}))
    scheduled = stop_months(settings, frozenset({"scheduled"}))
    # The end always stops play; the planned departure counts as planned, not as a
    # manager leaving of its own accord.
    assert only_manager[-1] == scheduled[-1]
    assert 24 in scheduled and 30 in scheduled
    assert 24 not in only_manager


def test_the_lesson_plan_step_back_to_the_live_alliance_is_one_stop_from_the_end() -> None:
    """docs/teaching.md: the class steps Manager departure to month 30, compares, then goes
    back to the live alliance and plays on to its end summary."""
    settings = by_name("Manager departure")
    stops = stop_months(settings, DEFAULT_PAUSE_KINDS)
    assert 24 in stops and 30 in stops
    after = [m for m in stops if m > 30]
    assert len(after) == 1, f"stops after month 30: {after}"
    run = start_live(settings, projector=True)
    while run.step():
        pass
    assert after == [run.month], "the one stop left is the end"
