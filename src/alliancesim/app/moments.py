"""Key moments and the feed: what the class should stop for, in one plain sentence each.

A :class:`Story` follows one alliance on screen. After every month it reads the events the
model logged since the last month and turns them into feed entries; the ones a lesson turns
on (a manager leaves or arrives, a partner leaves or joins, a shock, a phase change, the end,
a scheduled entry) also become :class:`Moment` s, each a sentence that says what happened
and why. It also knows the scenario's timeline as it was applied
(:class:`~alliancesim.scenarios.stories.TimelineLog`), so it can say when a planned entry
found nothing to act on, or when the alliance ended before one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from alliancesim.app.words import kind_words, parameter_label, sector_words, value_words, words
from alliancesim.model import AllianceModel
from alliancesim.model.events import Event
from alliancesim.model.timeline import Intervention
from alliancesim.params import PARAMETERS_BY_NAME
from alliancesim.scenarios.stories import EntryRecord, TimelineLog

THEORY_KINDS = ("conflict", "paradox", "stagnation")
PHASE_SHORT = {
    "forming": "finding partners and a shared ambition",
    "founding": "agreeing how to run the alliance",
    "evolving": "doing the joint work",
    "transforming": "re-evaluating: renew, complete or end",
}
PHASE_BECAUSE = {
    "a shared ambition took shape": "because the partners found a shared ambition",
    "governance agreed": "because the partners agreed how to govern it",
    "ambition reached": "because it reached its ambition",
    "major shock": "because a major shock hit it",
    "prolonged stagnation": "because its work had stalled for too long",
    "unresolved tension": "because unresolved tension had piled up",
    "renewed with a new ambition": "because the partners renewed it with a new ambition",
}
TROUBLE = {
    "major shock": "a major shock",
    "prolonged stagnation": "a long stagnation",
    "unresolved tension": "the unresolved tension that had piled up",
}
ENDED_BECAUSE = {
    "ambition fulfilled, ended as planned": "as planned, because it fulfilled its ambition",
    "too few members left": "because too few members were left",
    "forming dragged on without a shared ambition":
        "because the search for partners dragged on without a shared ambition",
    "negotiations on governance failed": "because the negotiations on how to run it failed",
}
EXIT_BECAUSE = {
    "commitment had drained away": "because its commitment had drained away",
    "left during the re-evaluation": "during the re-evaluation, as it was no longer committed",
    "left at the re-evaluation": "at the re-evaluation, when it chose not to go on",
}
ENTRY_WORDS = {
    "manager_leaves": "the manager's departure",
    "manager_replaced": "a new manager's appointment",
    "partner_joins": "a new partner joining",
    "partner_leaves": "a partner's withdrawal",
    "shock": "an external shock",
    "training": "a training programme",
}
WHY_NOT = {
    "manager_leaves": "no manager was in post",
    "manager_replaced": "this alliance has no manager's post to fill",
    "partner_joins": "no candidate organization was left to invite",
    "partner_leaves": "no member was left to withdraw",
}
AS_PLANNED = ", as this scenario plans"


@dataclass(frozen=True)
class Moment:
    """A key moment: its month, a category (for markers), one sentence and a short label."""

    month: int
    category: str  # phase, end, manager, partner, shock, scheduled
    sentence: str
    marker: str
    scheduled: bool = False  # set off by the scenario's timeline


@dataclass(frozen=True)
class FeedItem:
    """One line of the feed: a sentence, and for tensions a line of theory."""

    month: int
    kind: str
    sentence: str
    theory: str = ""
    key: bool = False

    @property
    def label(self) -> str:
        """The kind in words ('manager left')."""
        return kind_words(self.kind)


def entry_words(record: EntryRecord) -> str:
    """A scheduled entry as words: 'the manager's departure', 'a change of ...'."""
    return intervention_words(record.entry.intervention)


def intervention_words(intervention: Intervention) -> str:
    """A timeline intervention as words: 'the manager's departure', 'a change of ...'."""
    if intervention.kind == "set_parameter" and intervention.parameter in PARAMETERS_BY_NAME:
        return f"a change of {parameter_label(intervention.parameter).lower()}"
    if intervention.kind == "partner_leaves" and intervention.partner:
        return f"{intervention.partner}'s withdrawal"
    return ENTRY_WORDS.get(intervention.kind, words(intervention.kind))


def planned_words(records: Sequence[EntryRecord]) -> str:
    """'the manager's departure planned for month 24 and ... planned for month 30'."""
    parts = [f"{entry_words(r)} planned for month {r.month}" for r in records]
    return " and ".join(parts) if len(parts) <= 2 else ", ".join(parts[:-1]) + " and " + parts[-1]


class Story:
    """What one alliance on screen has shown so far: its feed and its key moments."""

    def __init__(self, model: AllianceModel, log: TimelineLog) -> None:
        self.log = log
        self.feed: list[FeedItem] = []
        self.moments: list[Moment] = []
        self.roster: list[tuple[int, str, str]] = []  # (month, joined/left, name)
        self.peak_members = 0
        self.manager_gone: int | None = None
        self._seen = 0
        self._reported: set[int] = set()
        self._finished = False
        self.update(model)

    # --- reading the model ---------------------------------------------------------------------
    def update(self, model: AllianceModel) -> list[Moment]:
        """Read what happened since the last call; returns the new key moments."""
        before = len(self.moments)
        events = model.events
        for event in events[self._seen:]:
            self._take(model, event)
        self._seen = len(events)
        self._note_skipped(model)
        self.peak_members = max(self.peak_members, len(model.members))
        if not model.running and not self._finished:
            self._finished = True
            if model.outcome == "running":
                self._add_moment(self._horizon(model), "horizon")
        return self.moments[before:]

    def latest(self, month: int) -> list[Moment]:
        """The key moments of ``month``."""
        return [m for m in self.moments if m.month == month]

    def _take(self, model: AllianceModel, event: Event) -> None:
        record = self.log.caused(event)
        if event.kind in ("joined", "exit"):
            self.roster.append((event.month, "joined" if event.kind == "joined" else "left",
                                event.actors[0]))
        if event.kind == "intervention" and record is not None and any(
                e.kind != "intervention" for e in record.events):
            return  # the entry's own event (a manager leaving, ...) tells it already
        moment = self._moment(model, event, record)
        if moment is not None and record is not None:
            moment = replace(moment, scheduled=True)
        if moment is None:
            theory = event.theory() if event.kind in THEORY_KINDS else ""
            self.feed.append(FeedItem(event.month, event.kind, event.sentence(), theory))
            return
        self.moments.append(moment)
        self.feed.append(FeedItem(event.month, event.kind, moment.sentence, key=True))

    def _add_moment(self, moment: Moment, kind: str) -> None:
        self.moments.append(moment)
        self.feed.append(FeedItem(moment.month, kind, moment.sentence, key=True))

    def _note_skipped(self, model: AllianceModel) -> None:
        for record in self.log.without_effect():
            if id(record) in self._reported:
                continue
            self._reported.add(id(record))
            why = WHY_NOT.get(record.kind, "it changed nothing")
            if record.kind == "manager_leaves" and _mode(model) in ("none", "transversal"):
                why = "this alliance has no manager to lose"
            elif record.kind == "manager_leaves" and self.manager_gone is not None:
                why += f" (the last one had left in month {self.manager_gone})"
            sentence = (f"Month {record.month}: this scenario planned {entry_words(record)}, "
                        f"but {why}.")
            self._add_moment(Moment(record.month, "scheduled", sentence, "no effect"),
                             "skipped")

    # --- the sentences -------------------------------------------------------------------------
    def _moment(self, model: AllianceModel, event: Event, record: EntryRecord | None,
                ) -> Moment | None:
        plan = AS_PLANNED if record is not None else ""
        m = event.month
        if event.kind == "phase":
            return _phase_moment(event)
        if event.kind == "ended":
            return self._end_moment(event)
        if event.kind == "manager_left":
            return self._manager_left(model, event, plan)
        if event.kind == "manager_arrived":
            gone, self.manager_gone = self.manager_gone, None
            after = f", after {m - gone} months without one" if gone is not None else ""
            return Moment(m, "manager", f"Month {m}: {event.actors[0]} started as the new "
                          f"alliance manager{plan}{after}.", "new manager")
        if event.kind == "exit":
            return _exit_moment(event, record)
        if event.kind == "joined" and event.phase != "forming":
            how = ("was brought in as a new partner" + plan if record is not None
                   else "joined the alliance")
            where = f" from {event.country}" if event.country else ""
            return Moment(m, "partner", f"Month {m}: {event.actors[0]} "
                          f"({sector_words(_sector(event))}{where}) {how}.", "partner joined")
        if event.kind == "shock":
            return _shock_moment(event, plan)
        if event.kind == "intervention" and record is not None:
            return _scheduled_moment(event, record)
        return None

    def _manager_left(self, model: AllianceModel, event: Event, plan: str) -> Moment | None:
        m, name, reason = event.month, event.actors[0], event.outcome
        if reason == "replaced":
            return None  # the successor's arrival, in the same month, tells it
        self.manager_gone = m
        why = plan or (" (staff turnover: managers move on)" if reason == "turnover" else "")
        who = ("only the partners manage the alliance" if _mode(model) == "hybrid"
               else "nobody manages the alliance")
        return Moment(m, "manager", f"Month {m}: the alliance manager {name} left{why}; "
                      f"{who} {self._until_successor(model, m)}.", "manager left")

    def _until_successor(self, model: AllianceModel, month: int) -> str:
        vacancy = int(model.p.get("manager_vacancy", 0))
        normal = month + max(vacancy, 1)
        planned = [r.month for r in self.log.records
                   if r.kind == "manager_replaced" and not r.applied and r.month > month]
        if planned and min(planned) <= normal:
            return f"until the successor this scenario appoints in month {min(planned)}"
        return f"until a successor arrives, normally in month {normal}"

    def _end_moment(self, event: Event) -> Moment:
        m, reason = event.month, event.detail
        if reason.startswith("could not recover from "):
            trouble = reason.removeprefix("could not recover from ")
            because = f"because it could not recover from {TROUBLE.get(trouble, trouble)}"
        else:
            because = ENDED_BECAUSE.get(reason, f"({reason})")
        missed = [r for r in self.log.records if not r.applied]
        before = f", before {planned_words(missed)} could happen" if missed else ""
        return Moment(m, "end", f"Month {m}: the alliance {event.outcome} {because}{before}.",
                      event.outcome)

    def _horizon(self, model: AllianceModel) -> Moment:
        m = model.month
        missed = [r for r in self.log.records if not r.applied]
        before = f"; {planned_words(missed)} lay beyond it" if missed else ""
        return Moment(m, "end", f"Month {m}: the simulation stops at its horizon of {m} "
                      f"months and the alliance is still running, in its {model.phase} "
                      f"phase{before}.", "horizon")


def _phase_moment(event: Event) -> Moment:
    m, phase, reason = event.month, event.outcome, event.detail
    if reason.startswith("renewed after "):
        trouble = reason.removeprefix("renewed after ")
        because = f"because the partners chose to carry on after {TROUBLE.get(trouble, trouble)}"
    else:
        because = PHASE_BECAUSE.get(reason, f"({reason})")
    again = " again" if reason.startswith("renewed") else ""
    return Moment(m, "phase", f"Month {m}: the alliance moved into {phase}{again} "
                  f"({PHASE_SHORT.get(phase, phase)}) {because}.", phase)


def _exit_moment(event: Event, record: EntryRecord | None) -> Moment:
    m, name = event.month, event.actors[0]
    if record is not None:
        which = "" if record.entry.intervention.partner else ", the largest contributor,"
        return Moment(m, "partner", f"Month {m}: {name}{which} withdrew from the alliance"
                      f"{AS_PLANNED}.", "partner left")
    because = EXIT_BECAUSE.get(event.detail, f"({event.detail})")
    return Moment(m, "partner", f"Month {m}: {name} left the alliance {because}.",
                  "partner left")


def _shock_moment(event: Event, plan: str) -> Moment:
    m = event.month
    what = event.detail.split(",")[0]
    forced = ("; a shock this big forces the alliance to re-evaluate itself"
              if event.outcome == "major" and event.phase == "evolving" else "")
    return Moment(m, "shock", f"Month {m}: an external shock hit{plan}: a {what} (severity "
                  f"{event.severity:.2f}) cut the members' resources and raised tension"
                  f"{forced}.", "shock")


def _scheduled_moment(event: Event, record: EntryRecord) -> Moment:
    m, intervention = event.month, record.entry.intervention
    if record.kind == "training":
        return Moment(m, "scheduled", f"Month {m}: a training programme closed "
                      f"{intervention.amount:.0%} of every member's management-skill gap"
                      f"{AS_PLANNED}.", "training")
    name = intervention.parameter
    if record.kind == "set_parameter" and name in PARAMETERS_BY_NAME:
        param = PARAMETERS_BY_NAME[name]
        after = value_words(param, intervention.value)
        before = (f" from {value_words(param, record.before)}"
                  if record.before is not None else "")
        return Moment(m, "scheduled", f"Month {m}: {parameter_label(param).lower()} changed"
                      f"{before} to {after}{AS_PLANNED}.", "change")
    return Moment(m, "scheduled", f"Month {m}: {event.detail}{AS_PLANNED}.", "scheduled")


def _sector(event: Event) -> str:
    return event.detail.replace(" ", "_").lower()


def _mode(model: AllianceModel) -> str:
    return str(model.p.get("management_mode", ""))



# --- which key moments stop play ------------------------------------------------------------
# The kinds of key moment a teacher can choose to stop at, in the order the control lists
# them. A moment the scenario's timeline set off always counts as "scheduled", whatever it
# did, because the lesson is built around those.
PAUSE_KINDS: dict[str, str] = {
    "scheduled": "planned in the scenario",
    "phase": "new phase",
    "manager_left": "manager leaves",
    "manager_arrived": "new manager arrives",
    "partner_left": "partner leaves",
    "partner_joined": "partner joins",
    "shock": "external shock",
    "end": "the end",
}
# At most about ten stops in a ten-year run of every shipped teaching scenario on its
# teaching seed (tests/test_app_pauses.py counts them): the moments of the life cycle, the
# scenario's own timeline and a manager's departure, the moment the lesson's question is
# about. Partners coming and going and a new manager stay in the feed and the banner.
DEFAULT_PAUSE_KINDS: frozenset[str] = frozenset({"scheduled", "phase", "manager_left", "end"})


def pause_kind(moment: Moment) -> str:
    """The kind of key moment ``moment`` is, as the pause control names it."""
    if moment.scheduled or moment.category == "scheduled":
        return "scheduled"
    if moment.category == "manager":
        return "manager_left" if moment.marker == "manager left" else "manager_arrived"
    if moment.category == "partner":
        return "partner_left" if moment.marker == "partner left" else "partner_joined"
    return moment.category


def pauses_at(moments: Sequence[Moment], kinds: frozenset[str] | set[str]) -> bool:
    """Whether any of a month's key moments is of a kind the teacher chose to stop at."""
    return any(pause_kind(m) in kinds for m in moments)


# The rest of a busy month, in a few words: (one of them, several of them).
REST_WORDS = {
    "scheduled": ("a planned event", "{n} planned events"),
    "phase": ("a new phase", "{n} phase changes"),
    "manager_left": ("the manager left", "{n} managers left"),
    "manager_arrived": ("a new manager arrived", "{n} new managers arrived"),
    "partner_left": ("a partner left", "{n} partners left"),
    "partner_joined": ("a partner joined", "{n} partners joined"),
    "shock": ("an external shock", "{n} external shocks"),
    "end": ("the end", "the end"),
}


def headline(moments: Sequence[Moment], kinds: frozenset[str] | set[str], limit: int,
             ) -> tuple[list[Moment], str]:
    """The ``limit`` key moments a banner spells out (the kinds play stops at first, then in
    the order they happened) and the rest of them in a few words ('' if none is left), so a
    busy month fits a projector's screen: 'also 3 partners left and a partner joined'."""
    ranked = sorted(range(len(moments)),
                    key=lambda i: (pause_kind(moments[i]) not in kinds, i))
    shown = sorted(ranked[:limit])
    rest: dict[str, int] = {}
    for i in sorted(ranked[limit:]):
        # In a few words, a planned shock is still a shock: say what it was.
        kind = pause_kind(replace(moments[i], scheduled=False))
        rest[kind] = rest.get(kind, 0) + 1
    parts = [REST_WORDS[k][0 if n == 1 else 1].format(n=n) for k, n in rest.items()]
    also = ""
    if parts:
        also = "also " + (" and ".join(parts) if len(parts) <= 2
                          else ", ".join(parts[:-1]) + " and " + parts[-1])
    return [moments[i] for i in shown], also
