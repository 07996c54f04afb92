"""The event log: what happened each month, as data and as plain sentences for teaching."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass

import pandas as pd

CONFLICT_TOPICS = {
    "culture": "working styles and decision-making",
    "goals": "the direction of the joint work",
    "trust": "sharing information",
    "scarcity": "resource allocation",
    "tension": "old grievances",
    "misfit": "who decides what",
}
TK_MODES = ("competing", "collaborating", "compromising", "avoiding", "accommodating")
CONFLICT_OUTCOMES = ("constructive", "compromise", "latent", "escalated")

# Das & Teng (2000) tensions and the Smith & Lewis (2011) categories each can show up as.
PARADOX_TENSIONS = {
    "cooperation_vs_competition": ("belonging", "performing"),
    "rigidity_vs_flexibility": ("organizing", "learning"),
    "short_vs_long_term": ("performing", "learning"),
}
PARADOX_CATEGORIES = ("performing", "organizing", "belonging", "learning")
PARADOX_RESPONSES = ("both_and", "either_or", "suppressed")

TENSION_TEXT = {
    "cooperation_vs_competition": "cooperating with partners who are also competitors",
    "rigidity_vs_flexibility": "keeping agreed rules versus adapting to new situations",
    "short_vs_long_term": "quick results versus the long-term ambition",
}
CATEGORY_THEORY = {
    "performing": "a performing paradox: plural goals and stakeholders pull apart",
    "organizing": "an organizing paradox: structure and flexibility compete",
    "belonging": "a belonging paradox: members' own identity against the alliance's",
    "learning": "a learning paradox: building on the past while renewing it",
}
RESPONSE_TEXT = {
    "both_and": "the partners accepted both sides and worked through the tension",
    "either_or": "the partners chose one side, which eases things now but lets tension build",
    "suppressed": "the tension was kept off the table, a risk of stagnation",
}
OUTCOME_TEXT = {
    "constructive": "resolved constructively",
    "compromise": "settled by compromise",
    "latent": "avoided, so it stays latent",
    "escalated": "escalated",
}
MODE_THEORY = {
    "competing": "competing (assertive, uncooperative)",
    "collaborating": "collaborating (assertive and cooperative)",
    "compromising": "compromising (middle ground)",
    "avoiding": "avoiding (neither assertive nor cooperative)",
    "accommodating": "accommodating (cooperative, unassertive)",
}


@dataclass(slots=True)
class Event:
    """One thing that happened in the alliance in a given month."""

    month: int
    kind: str
    phase: str
    actors: tuple[str, ...] = ()
    topic: str = ""
    modes: tuple[str, ...] = ()
    outcome: str = ""
    handler: str = ""
    tension: str = ""
    category: str = ""
    response: str = ""
    severity: float = 0.0
    detail: str = ""
    trust_change: float = 0.0
    country: str = ""  # of the organization that joined or declined, when it has one

    def sentence(self) -> str:
        """The event as one plain sentence ("Month 14: conflict between ...")."""
        return f"Month {self.month}: {_BODY[self.kind](self)}"

    def theory(self) -> str:
        """A line of theory explaining the event, or '' when there is none."""
        if self.kind == "conflict":
            # Name who responded how, so the class can tell the parties' styles apart.
            stances = " and ".join(f"{actor} was {MODE_THEORY[mode]}"
                                   for actor, mode in zip(self.actors, self.modes, strict=False))
            return f"Thomas-Kilmann: {stances}; {OUTCOME_TEXT[self.outcome]}."
        if self.kind == "paradox":
            response = RESPONSE_TEXT[self.response]
            return (f"Das & Teng: {TENSION_TEXT[self.tension]}. Smith & Lewis: "
                    f"{CATEGORY_THEORY[self.category]}. {response[0].upper()}{response[1:]}.")
        if self.kind == "stagnation":
            return ("Stagnation must be identified and discussed to be overcome; "
                    "left alone it erodes commitment.")
        return ""


def _join(names: tuple[str, ...]) -> str:
    return " and ".join(names) if len(names) <= 2 else ", ".join(names[:-1]) + " and " + names[-1]


def _outcome(e: Event) -> str:
    """How a conflict ended, and who mediated: a mediator did not cause an escalation."""
    how = OUTCOME_TEXT[e.outcome]
    if not e.handler:
        return how
    if e.outcome in ("constructive", "compromise"):
        return f"{how}, mediated by {e.handler}"
    return f"{how}, even though {e.handler} tried to mediate"


def _from(e: Event) -> str:
    """An organization's sector and, when it has one, country: 'business, Japan'."""
    return f"{e.detail}, {e.country}" if e.country else e.detail


def _conflict(e: Event) -> str:
    return f"conflict between {_join(e.actors)} over {e.topic}, {_outcome(e)}"


def _paradox(e: Event) -> str:
    short = {"both_and": "worked through", "either_or": "one side chosen",
             "suppressed": "suppressed"}[e.response]
    return f"{e.category} paradox ({TENSION_TEXT[e.tension]}): {short}"


_BODY = {
    "joined": lambda e: f"{e.actors[0]} ({_from(e)}) joined the alliance",
    "declined": lambda e: f"{e.actors[0]} ({_from(e)}) declined the invitation",
    "phase": lambda e: f"the alliance moved into {e.outcome} ({e.detail})",
    "governance": lambda e: f"the partners chose {e.detail}",
    "conflict": _conflict,
    "paradox": _paradox,
    "stagnation": lambda e: f"the alliance is stagnating; {e.detail}",
    "shock": lambda e: f"external shock ({e.detail}, severity {e.severity:.2f})",
    "exit": lambda e: f"{e.actors[0]} left the alliance ({e.detail})",
    "manager_left": lambda e: f"the alliance manager {e.actors[0]} left; {e.detail}",
    "manager_arrived": lambda e: f"{e.actors[0]} started as alliance manager",
    "representative_changed": lambda e: f"{e.actors[0]} sent a new representative to the "
                                        "alliance's work, who starts afresh",
    "reevaluation": lambda e: f"the partners re-evaluated the alliance: {e.detail}",
    "ended": lambda e: f"the alliance {e.outcome} ({e.detail})",
    "intervention": lambda e: f"intervention: {e.detail}",
}
EVENT_KINDS = tuple(_BODY)


def events_frame(events: list[Event], ids: Mapping[str, int] | None = None) -> pd.DataFrame:
    """The event log as a DataFrame with a ``sentence`` and a ``theory`` column.

    ``ids`` maps names to stable ids (the agents' ``unique_id``); ``actor_ids`` then lists
    the ids of the actors in the order of ``actors`` ("" for a candidate that never joined).
    """
    columns = list(Event.__dataclass_fields__)
    ids = ids or {}
    rows = []
    for e in events:
        row = asdict(e)
        row["actors"] = "; ".join(e.actors)
        row["actor_ids"] = "; ".join(str(ids.get(name, "")) for name in e.actors)
        row["modes"] = "; ".join(e.modes)
        row["sentence"] = e.sentence()
        row["theory"] = e.theory()
        rows.append(row)
    return pd.DataFrame(rows, columns=[*columns, "actor_ids", "sentence", "theory"])
