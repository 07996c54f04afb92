"""Whether a scenario's story happens on a seed: the timeline takes effect, the comparison is
typical.

A scenario shows something (a manager who leaves, a partner who withdraws, a shock) through
its timeline. On many seeds the alliance ends before an entry's month, or the entry finds
nothing to act on (no manager in post any more), and the class sees nothing of what the
scenario is about. This module watches a timeline as it is applied, and checks a seed for
the story a class is shown: in the scenario's own run and in the comparison of two
management modes, and against the same comparison over many paired seeds, so that the one
run the class watches is not an outlier of the many.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from alliancesim.model import AllianceModel
from alliancesim.model.events import Event
from alliancesim.scenarios.errors import ScenarioError
from alliancesim.scenarios.running import ScheduledEntry, replicate_seed

# The comparison a class is shown first: a dedicated profession against a transversal skill.
COMPARED_MODES = ("dedicated", "transversal")
# Paired seeds the comparison is set against, in the app's panel and in the story check.
SAMPLE_SEEDS = 100
# Which side of a comparison lived longer (or neither): the result a class reads off one run.
LEFT, RIGHT, SAME = "left", "right", "same"


# --- watching a timeline as it is applied ------------------------------------------------------
@dataclass(eq=False)
class EntryRecord:
    """One scheduled entry of one run: whether the run reached it and what it set off."""

    entry: ScheduledEntry
    applied: bool = False
    events: list[Event] = field(default_factory=list)
    error: str = ""
    before: Any = None  # a set_parameter entry: the parameter's value before it applied

    @property
    def month(self) -> int:
        """The month the entry is scheduled for."""
        return self.entry.month

    @property
    def kind(self) -> str:
        """The intervention kind (``manager_leaves``, ``shock``, ...)."""
        return self.entry.intervention.kind

    @property
    def took_effect(self) -> bool:
        """Applied, and it changed something the event log records."""
        return self.applied and bool(self.events) and not self.error


class TrackedEntry:
    """A scheduled entry that notes in its :class:`EntryRecord` what applying it did.

    Every intervention that acts logs an event (a manager leaving, a partner joining, a
    shock, a scheduled change); one that finds nothing to act on logs none. The events
    appended while it applies are what it set off.
    """

    def __init__(self, record: EntryRecord) -> None:
        self.record = record

    @property
    def month(self) -> int:
        """The month the entry happens, as :meth:`AllianceModel.schedule` expects."""
        return self.record.month

    def apply(self, model: AllianceModel) -> None:
        """Apply the entry, keeping the events it set off (or its error, re-raised)."""
        before = len(model.events)
        self.record.applied = True
        parameter = self.record.entry.intervention.parameter
        if parameter is not None:
            self.record.before = model.p.get(parameter)
        try:
            self.record.entry.apply(model)
        except ScenarioError as error:
            self.record.error = str(error)
            raise
        finally:
            self.record.events = list(model.events[before:])


@dataclass(eq=False)
class TimelineLog:
    """The records of one run's scheduled entries, in timeline order."""

    records: list[EntryRecord]

    @classmethod
    def of(cls, entries: Iterable[ScheduledEntry]) -> TimelineLog:
        """A fresh log for ``entries`` (nothing applied yet)."""
        return cls([EntryRecord(entry) for entry in entries])

    def tracked(self) -> list[TrackedEntry]:
        """The entries to hand to :meth:`AllianceModel.schedule`."""
        return [TrackedEntry(record) for record in self.records]

    def missed(self, model: AllianceModel) -> list[EntryRecord]:
        """Entries the run will never reach: it has ended (or stopped) before their month."""
        if model.running:
            return []
        return [r for r in self.records if not r.applied]

    def without_effect(self) -> list[EntryRecord]:
        """Entries applied that found nothing to act on."""
        return [r for r in self.records if r.applied and not r.took_effect]

    def caused(self, event: Event) -> EntryRecord | None:
        """The entry that set off ``event``, if a scheduled entry did."""
        for record in self.records:
            if any(e is event for e in record.events):
                return record
        return None


def run_tracked(params: Mapping[str, Any], seed: int | np.random.SeedSequence,
                entries: Sequence[ScheduledEntry]) -> tuple[AllianceModel, TimelineLog]:
    """Run one alliance to its end (outcome only), watching its timeline."""
    log = TimelineLog.of(entries)
    model = AllianceModel(rng=seed, collect_steps=False, **dict(params))
    model.schedule(log.tracked())
    while model.running:
        model.step()
    return model, log


# --- one comparison and many ---------------------------------------------------------------------
@dataclass(frozen=True)
class PairedRun:
    """One seed under two management modes: how each side ended, when, and its value."""

    index: int
    outcomes: tuple[str, str]
    lifetimes: tuple[int, int]
    values: tuple[float, float]
    error: str = ""

    @property
    def longer(self) -> str:
        """Which side lived longer: :data:`LEFT`, :data:`RIGHT` or :data:`SAME`."""
        left, right = self.lifetimes
        return LEFT if left > right else RIGHT if right > left else SAME


def lifetime(model: AllianceModel) -> int:
    """Months the alliance lived: to its ending, or to the month it reached (the horizon)."""
    record = model.outcome_record()
    return int(record["end_month"])


def paired_run(params: Mapping[str, Any], entries: Sequence[ScheduledEntry],
               seed: int | np.random.SeedSequence, modes: Sequence[str] = COMPARED_MODES,
               index: int = 0) -> PairedRun:
    """Run ``seed`` under both ``modes`` (same seed, same parameters otherwise)."""
    outcomes, lifetimes, values = [], [], []
    for mode in modes:
        try:
            model, _ = run_tracked({**params, "management_mode": mode}, seed, entries)
        except ScenarioError as error:
            return PairedRun(index, ("", ""), (0, 0), (0.0, 0.0), error=str(error))
        record = model.outcome_record()
        outcomes.append(str(record["outcome"]))
        lifetimes.append(lifetime(model))
        values.append(float(record["value_total"]))
    return PairedRun(index, (outcomes[0], outcomes[1]), (lifetimes[0], lifetimes[1]),
                     (values[0], values[1]))


def paired_sample(params: Mapping[str, Any], entries: Sequence[ScheduledEntry], seed: int,
                  indices: Iterable[int], modes: Sequence[str] = COMPARED_MODES,
                  ) -> list[PairedRun]:
    """The paired runs of children ``indices`` of ``SeedSequence(seed)`` (common seeds: child
    ``i`` is the same for both modes, so each pair differs only in management)."""
    return [paired_run(params, entries, replicate_seed(seed, i), modes, index=i)
            for i in indices]


def most_common_result(runs: Iterable[PairedRun]) -> set[str]:
    """The result(s) (:data:`LEFT`, :data:`RIGHT`, :data:`SAME`) seen on most seeds."""
    counts = Counter(run.longer for run in runs if not run.error)
    if not counts:
        return {LEFT, RIGHT, SAME}
    top = max(counts.values())
    return {result for result, n in counts.items() if n == top}


# --- the story check ---------------------------------------------------------------------------
# The event an entry sets off, by entry kind: the class should see the scheduled one first.
FIRST_OF_KIND = {"manager_leaves": "manager_left", "manager_replaced": "manager_arrived",
                 "partner_leaves": "exit", "partner_joins": "joined", "shock": "shock"}


def preempted(model: AllianceModel, log: TimelineLog) -> list[tuple[EntryRecord, Event]]:
    """Entries that acted after the same thing had already happened unplanned (a manager
    leaving by turnover before the planned departure), each with that earlier event: the
    class would see the unplanned one first and take it for the story."""
    planned = {id(e) for record in log.records for e in record.events}
    found = []
    for record in log.records:
        kind = FIRST_OF_KIND.get(record.kind)
        if kind is None or not record.took_effect:
            continue
        earlier = [e for e in model.events if e.kind == kind and e.month < record.month
                   and id(e) not in planned and not (kind == "joined" and e.phase == "forming")]
        if earlier:
            found.append((record, earlier[0]))
    return found


def entry_name(record: EntryRecord) -> str:
    """'timeline[2] (manager_replaced, month 30)': how a problem names an entry."""
    return f"timeline[{record.entry.number}] ({record.kind}, month {record.month})"


def live_problems(params: Mapping[str, Any], seed: int,
                  entries: Sequence[ScheduledEntry]) -> list[str]:
    """What keeps the scenario's own run from showing its story on ``seed``."""
    model, log = run_tracked(params, seed, entries)
    ended = lifetime(model)
    problems = [f"{entry_name(r)}: the alliance ended in month {ended} before it"
                for r in log.missed(model)]
    problems += [f"{entry_name(r)}: had no effect" for r in log.without_effect()]
    problems += [f"{entry_name(r)}: an unplanned {e.kind.replace('_', ' ')} event came first, "
                 f"in month {e.month}" for r, e in preempted(model, log)]
    if int(model.outcome_record()["months_evolving"]) == 0:
        problems.append(f"the alliance ended in month {ended} without ever evolving "
                        "(no joint work to watch)")
    return problems


def comparison_problems(params: Mapping[str, Any], seed: int,
                        entries: Sequence[ScheduledEntry],
                        modes: Sequence[str] = COMPARED_MODES) -> list[str]:
    """What keeps the comparison from showing the timeline on both sides on ``seed``:
    each side must still be running when every entry falls due, and every entry must act
    on at least one side (a manager's departure acts only where there is a manager)."""
    problems: list[str] = []
    logs = []
    for mode in modes:
        model, log = run_tracked({**params, "management_mode": mode}, seed, entries)
        logs.append(log)
        problems += [f"{entry_name(r)}: the {mode} side ended in month {lifetime(model)} "
                     "before it" for r in log.missed(model)]
    for number, records in enumerate(zip(*(log.records for log in logs), strict=True)):
        if all(r.applied for r in records) and not any(r.took_effect for r in records):
            problems.append(f"{entry_name(logs[0].records[number])}: had no effect on "
                            "either side")
    return problems


def typical_problems(params: Mapping[str, Any], seed: int, entries: Sequence[ScheduledEntry],
                     modes: Sequence[str] = COMPARED_MODES,
                     sample: int = SAMPLE_SEEDS) -> list[str]:
    """Whether the comparison on ``seed`` shows the result most of ``sample`` paired seeds
    show (children of ``SeedSequence(seed)``, as the app's panel runs them)."""
    watched = paired_run(params, entries, seed, modes)
    # Scenarios that differ only in their own mode share one comparison: run it once.
    compared = tuple(sorted((k, v) for k, v in params.items() if k != "management_mode"))
    common = _most_common(compared, tuple(entries), seed, tuple(modes), sample)
    if watched.longer in common:
        return []
    return [f"the comparison shows {_result_words(watched.longer, modes)}, while over "
            f"{sample} paired seeds most show "
            + " or ".join(_result_words(r, modes) for r in sorted(common))]


@functools.lru_cache(maxsize=64)
def _most_common(params: tuple[tuple[str, Any], ...], entries: tuple[ScheduledEntry, ...],
                 seed: int, modes: tuple[str, ...], sample: int) -> frozenset[str]:
    runs = paired_sample(dict(params), entries, seed, range(sample), modes)
    return frozenset(most_common_result(runs))


def _result_words(result: str, modes: Sequence[str]) -> str:
    if result == SAME:
        return "both sides living equally long"
    winner = modes[0] if result == LEFT else modes[1]
    return f"the {winner} side living longer"


def story_problems(params: Mapping[str, Any], seed: int, entries: Sequence[ScheduledEntry],
                   modes: Sequence[str] = COMPARED_MODES, sample: int = SAMPLE_SEEDS,
                   ) -> list[str]:
    """Everything that keeps ``seed`` from showing the scenario's story; empty if it does.

    Cheap checks first: the many-seed comparison runs only when the single runs pass.
    """
    problems = live_problems(params, seed, entries)
    problems += comparison_problems(params, seed, entries, modes)
    if problems or sample <= 0:
        return problems
    return typical_problems(params, seed, entries, modes, sample)
