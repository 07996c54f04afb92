"""The page's shared state: the settings, the two views' alliances, and how play is paced.

``Channel`` is what a view's controls drive and its panels show; ``AppState`` holds both
channels and the page's switches (speed, projector mode, pausing at key moments) and the
comparison over many seeds.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from typing import Any

import solara

from alliancesim.app.ecosystem_state import (
    EcoRun,
    EcoSettings,
    opening_eco_settings,
    start_ecosystem,
)
from alliancesim.app.many import ManyState
from alliancesim.app.moments import DEFAULT_PAUSE_KINDS
from alliancesim.app.scenarios import ScenarioChoice, list_scenarios
from alliancesim.app.state import (
    DEFAULT_MODES,
    DEFAULT_SEED,
    Run,
    Settings,
    start_comparison,
    start_live,
)

# Months per second, as measured on the project's 2-core machine with a 12-member alliance
# in projector mode (benchmarks/bench_app.py --play prints the rates): each speed is one the
# page keeps up with, so its label is true.
SPEED_RATES = {"slow": 1.0, "normal": 4.0, "fast": 10.0}
SPEEDS = {f"{name} ({rate:g} month{'s' if rate != 1 else ''}/s)": rate
          for name, rate in SPEED_RATES.items()}
DEFAULT_SPEED = next(label for label in SPEEDS if label.startswith("normal"))
# Years per second in the ecosystem view. A year of 300 organizations takes about 0.15 s
# here and one of 1,000 up to 1.6 s late in a run, so "fast" promises no rate: it plays as
# fast as the machine runs (docs/app.md gives the measured times).
ECO_SPEEDS = {"slow (1 year every 2 s)": 0.5, "normal (1 year/s)": 1.0,
              "fast (as fast as it runs)": 50.0}
ECO_DEFAULT_SPEED = "normal (1 year/s)"
OPENING_SCENARIO = "baseline"  # the file stem the app opens on, when it is there


class Pacer:
    """Keeps play at a steady number of months per second.

    The time a step and its redraw take counts toward the wait for the next one, so the
    rate is the one the speed names. Time lost to a slow step is made up by taking the
    next step sooner, but never more than one interval's worth: after a stall play goes on
    at its pace instead of racing to catch up.
    """

    def __init__(self, rate: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.interval = 1.0 / rate
        self.clock = clock
        self.due = clock() + self.interval

    def wait(self) -> float:
        """Seconds until the next step is due (0 when late)."""
        return max(0.0, self.due - self.clock())

    def stepped(self) -> None:
        """Note that a step was taken: the next is due one interval after this one was due,
        or one interval before now if play has fallen further behind than that."""
        self.due = max(self.due + self.interval, self.clock() - self.interval)


@dataclass(frozen=True, eq=False)
class Channel:
    """One view's alliances and their play state: what its controls drive and views show.

    ``tick`` counts steps: the models are mutated in place, so the views that show them read
    ``tick`` to redraw on every step, while the controls read only ``playing`` and
    ``running`` and so stay untouched by a step.
    """

    run: solara.Reactive[Run]
    tick: solara.Reactive[int]
    playing: solara.Reactive[bool]
    running: solara.Reactive[bool]
    start: Callable[[], Run]

    def advance(self, batch: AbstractContextManager[Any] | None = None) -> bool:
        """Step the alliances one month and tell the views; returns whether any still runs.

        ``batch`` is the page's render context: inside it, the views that read ``tick`` are
        redrawn in one render pass instead of one pass each.
        """
        still_running = self.run.value.step()
        with batch or nullcontext():
            self.tick.set(self.tick.value + 1)
            self.running.set(still_running)
        return still_running

    def restart(self) -> None:
        """Stop playing and start fresh alliances from the current settings."""
        self.playing.set(False)
        run = self.start()
        self.run.set(run)
        self.running.set(run.running)
        self.tick.set(self.tick.value + 1)


@dataclass(frozen=True, eq=False)
class EcoChannel:
    """The ecosystem view's run and its play state (as :class:`Channel` for alliances):
    ``tick`` counts years shown, so only the pieces that read it redraw on a step."""

    settings: solara.Reactive[EcoSettings]
    run: solara.Reactive[EcoRun]
    tick: solara.Reactive[int]
    playing: solara.Reactive[bool]
    running: solara.Reactive[bool]
    speed: solara.Reactive[str]
    chart: solara.Reactive[str]  # the chart the projector's stage shows
    ties: solara.Reactive[str]  # which alliances' ties the network draws (TIES_SHOWN)

    def advance(self, batch: AbstractContextManager[Any] | None = None) -> bool:
        """Run the ecosystem one year and tell the views; returns whether a year is left."""
        still_running = self.run.value.step_year()
        with batch or nullcontext():
            self.tick.set(self.tick.value + 1)
            self.running.set(still_running)
        return still_running

    def restart(self, settings: EcoSettings | None = None) -> None:
        """Stop playing and start a fresh ecosystem (from ``settings`` when given)."""
        self.playing.set(False)
        if settings is not None:
            self.settings.set(settings)
        run = start_ecosystem(self.settings.value)
        self.run.set(run)
        self.running.set(run.running)
        self.tick.set(self.tick.value + 1)


def use_eco_channel() -> EcoChannel:
    """The ecosystem view's state, made once per page: a 300-organization ecosystem at
    year 0 is made in milliseconds, so it is ready before the tab is opened."""
    first = solara.use_memo(opening_eco_settings, [])
    run = solara.use_memo(lambda: start_ecosystem(first), [])
    return EcoChannel(settings=solara.use_reactive(first), run=solara.use_reactive(run),
                      tick=solara.use_reactive(0), playing=solara.use_reactive(False),
                      running=solara.use_reactive(run.running),
                      speed=solara.use_reactive(ECO_DEFAULT_SPEED),
                      chart=solara.use_reactive("practices"),
                      ties=solara.use_reactive("alive"))


@dataclass(frozen=True, eq=False)
class AppState:
    """Everything the page shares between its components (one instance per browser tab)."""

    settings: solara.Reactive[Settings]
    live: Channel
    pair: Channel
    modes: solara.Reactive[tuple[str, str]]
    speed: solara.Reactive[str]
    projector: solara.Reactive[bool]
    pause: solara.Reactive[bool]
    many: solara.Reactive[ManyState]
    # The kinds of key moment play stops at (see moments.PAUSE_KINDS), when pausing is on.
    pause_kinds: solara.Reactive[frozenset[str]]
    # In projector mode: the feed, all charts and the why panel below the one-screen stage.
    details: solara.Reactive[bool]
    # The ecosystem tab's population, stepped a year at a time.
    ecosystem: EcoChannel
    # The tab on show, kept when projector mode redraws the page around the tabs.
    tab: solara.Reactive[int]


def _use_channel(start: Callable[[], Run]) -> Channel:
    first = solara.use_memo(start, [])
    return Channel(run=solara.use_reactive(first), tick=solara.use_reactive(0),
                   playing=solara.use_reactive(False), running=solara.use_reactive(True),
                   start=start)


def settings_for(choice: ScenarioChoice, base: Settings | None = None) -> Settings:
    """Settings that open ``choice`` on its teaching seed (else keep the seed of ``base``)."""
    base = base or Settings()
    seed = choice.teaching_seed if choice.teaching_seed is not None else base.seed
    return Settings(params=choice.params, seed=seed, timeline=choice.timeline,
                    scenario=choice.name, teaching_seed=choice.teaching_seed,
                    partners=choice.partners, description=choice.description)


def opening_settings() -> Settings:
    """The baseline scenario on its teaching seed, if the scenario folder has it; else the
    defaults on seed 1."""
    for choice in list_scenarios():
        if choice.path is not None and choice.path.stem == OPENING_SCENARIO and not choice.error:
            return settings_for(choice)
    return Settings(seed=DEFAULT_SEED)


def use_app_state(settings: Settings | None = None) -> AppState:
    """Create the page's state once per page instance (the hook keeps it across renders)."""
    first = solara.use_memo(lambda: settings or opening_settings(), [])
    chosen = solara.use_reactive(first)
    modes = solara.use_reactive(DEFAULT_MODES)
    speed = solara.use_reactive(DEFAULT_SPEED)
    projector = solara.use_reactive(False)
    pause = solara.use_reactive(True)
    many = solara.use_reactive(ManyState())
    pause_kinds = solara.use_reactive(DEFAULT_PAUSE_KINDS)
    details = solara.use_reactive(False)
    live = _use_channel(lambda: start_live(chosen.value, projector.value))
    pair = _use_channel(lambda: start_comparison(chosen.value, modes.value, projector.value))
    ecosystem = use_eco_channel()
    tab = solara.use_reactive(0)
    # One AppState object for the page's lifetime, so components given it are not redrawn
    # just because the page function ran again.
    return solara.use_memo(lambda: AppState(chosen, live, pair, modes, speed, projector, pause,
                                            many, pause_kinds, details, ecosystem, tab), [])
