"""The why panel: what management cost each alliance on screen, who did the work and how
well, and where two alliances differed, in plain sentences drawn from the run's own tables.

Every number comes from the model's monthly table (``management_cost``,
``management_time_used``, ``skill_mean``, ``manager_present``) or its event log (each
conflict names who mediated it and how it ended); nothing is estimated here. The sentences
say what happened in this run; they never say which way of managing is better.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from alliancesim.app.words import mode_phrase
from alliancesim.model import AllianceModel

RESOLVED = ("constructive", "compromise")  # a conflict settled, in the event log's words
WHO = ("manager", "third partner", "parties")
WHO_WORDS = {"manager": "by the manager", "third partner": "by a third partner",
             "parties": "by the two parties themselves"}
WHO_SHORT = {"manager": "the manager", "third partner": "a third partner",
             "parties": "the two parties"}  # the chart's labels
DIFFERENCES_SHOWN = 3


def mediator(handler: str) -> str:
    """Who led a conflict's mediation, from the event log's ``handler`` ('' if nobody)."""
    if handler.startswith("the alliance manager"):
        return "manager"
    if handler.startswith("a third partner"):
        return "third partner"
    if handler:
        return "parties"
    return ""


@dataclass(frozen=True)
class ManagementWork:
    """What management cost one alliance so far, who did it and how well."""

    mode: str
    month: int
    value: float  # value created so far
    cost: float  # value given up to pay for management time
    time_used: float  # management time used, in person-months
    conflicts: int
    mediated: dict[str, int]  # who led a mediation -> conflicts they mediated
    resolved: dict[str, int]  # who led a mediation -> of those, conflicts resolved
    escalated: int
    latent: int
    skill_start: float
    skill_now: float
    months_without_manager: int  # months a manager's post stood empty (dedicated, hybrid)

    @property
    def mediations(self) -> int:
        """Conflicts somebody mediated."""
        return sum(self.mediated.values())

    @property
    def mediations_resolved(self) -> int:
        """Mediated conflicts that were settled (constructively or by compromise)."""
        return sum(self.resolved.values())


def management_work(model: AllianceModel, mode: str = "") -> ManagementWork:
    """The management of ``model`` so far, from its monthly table and its event log."""
    table = model.datacollector.model_vars
    mediated = dict.fromkeys(WHO, 0)
    resolved = dict.fromkeys(WHO, 0)
    conflicts = escalated = latent = 0
    for event in model.events:
        if event.kind != "conflict":
            continue
        conflicts += 1
        escalated += event.outcome == "escalated"
        latent += event.outcome == "latent"
        who = mediator(event.handler)
        if who:
            mediated[who] += 1
            resolved[who] += event.outcome in RESOLVED
    mode = mode or str(model.p.get("management_mode", ""))
    with_post = mode in ("dedicated", "hybrid")
    # Month 0 is the founders' start: a post is filled from month 1 on.
    empty = sum(1 for present in table["manager_present"][1:] if not present) if with_post \
        else 0
    return ManagementWork(
        mode=mode, month=model.month, value=float(table["value_total"][-1]),
        cost=float(sum(table["management_cost"])),
        time_used=float(sum(table["management_time_used"])), conflicts=conflicts,
        mediated=mediated, resolved=resolved, escalated=escalated, latent=latent,
        skill_start=float(table["skill_mean"][0]), skill_now=float(table["skill_mean"][-1]),
        months_without_manager=empty)


# --- the sentences -------------------------------------------------------------------------------
def cost_sentence(work: ManagementWork) -> str:
    """What management cost: the value given up for management time."""
    if work.cost <= 0.0:
        return (f"Management cost nothing here: over {work.month} months no value was given "
                "up to pay for management time.")
    return (f"Management cost {work.cost:.1f} units of value over {work.month} months (given "
            f"up to pay for {work.time_used:.1f} person-months of management time); the "
            f"alliance created {work.value:.1f}.")


def work_sentence(work: ManagementWork) -> str:
    """Who mediated the conflicts, and how many of those were resolved."""
    if work.conflicts == 0:
        return "No conflict has arisen yet, so nobody has mediated one."
    if work.mediations == 0:
        return (f"None of the {work.conflicts} conflicts got mediation: each pair handled its "
                "own.")
    parts = [f"{work.mediated[w]} {WHO_WORDS[w]}" for w in WHO if work.mediated[w]]
    who = " and ".join(parts) if len(parts) <= 2 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return (f"{work.mediations} of the {work.conflicts} conflicts got mediation ({who}); "
            f"{work.mediations_resolved} of those {work.mediations} were resolved "
            f"(settled constructively or by compromise).")


def skill_sentence(work: ManagementWork) -> str:
    """How the members' management skill changed (learning by doing, training, newcomers)."""
    change = work.skill_now - work.skill_start
    if abs(change) < 0.005:
        return (f"The members' mean management skill stayed at {work.skill_now:.2f} "
                "(0 to 1).")
    how = "rose" if change > 0 else "fell"
    return (f"The members' mean management skill {how} by {abs(change):.2f}, from "
            f"{work.skill_start:.2f} to {work.skill_now:.2f} (0 to 1).")


def mechanism_sentences(work: ManagementWork) -> list[str]:
    """The mechanisms this run shows: an empty manager's post, escalated and latent
    conflicts."""
    lines = []
    if work.months_without_manager:
        lines.append(f"For {work.months_without_manager} months no manager was in post.")
    if work.escalated or work.latent:
        lines.append(f"{work.escalated} conflicts escalated (trust and commitment fell) and "
                     f"{work.latent} were left latent (adding to the tension).")
    return lines


def why_sentences(work: ManagementWork) -> list[str]:
    """The why panel of one alliance: cost, who did the work and how well, skill gained and
    the mechanisms its run shows."""
    return [cost_sentence(work), work_sentence(work), skill_sentence(work),
            *mechanism_sentences(work)]


@dataclass(frozen=True)
class Difference:
    """One figure on which two alliances differ, and the sentence that says so."""

    size: float  # the difference relative to the larger figure (0-1), to rank them
    sentence: str


def resolved_share(work: ManagementWork) -> float:
    """The share of mediated conflicts that were resolved (0 when none was mediated)."""
    return work.mediations_resolved / work.mediations if work.mediations else 0.0


def lifetime_sentence(left: ManagementWork, right: ManagementWork) -> str:
    """How long each alliance has run: the counts below cover different spans of time."""
    return (f"So far the alliance {mode_phrase(left.mode)} has run {left.month} months, the "
            f"one {mode_phrase(right.mode)} {right.month}.")


def differences(left: ManagementWork, right: ManagementWork) -> list[str]:
    """Where two alliances' management differed most in this run (at most
    ``DIFFERENCES_SHOWN``), largest first; [] when they did not differ."""
    figures = (
        ("value given up to management", left.cost, right.cost, ".1f"),
        ("mediated conflicts", left.mediations, right.mediations, "d"),
        ("share of mediated conflicts resolved", resolved_share(left),
         resolved_share(right), ".0%"),
        ("escalated conflicts", left.escalated, right.escalated, "d"),
        ("conflicts left latent", left.latent, right.latent, "d"),
        ("months without a manager", left.months_without_manager,
         right.months_without_manager, "d"),
        ("members' mean skill now", left.skill_now, right.skill_now, ".2f"),
    )
    found = []
    for label, a, b, form in figures:
        larger = max(abs(a), abs(b))
        if larger == 0 or f"{a:{form}}" == f"{b:{form}}":
            continue
        found.append(Difference(abs(a - b) / larger,
                                f"{label[:1].upper() + label[1:]}: {a:{form}} "
                                f"{mode_phrase(left.mode)}, {b:{form}} "
                                f"{mode_phrase(right.mode)}."))
    found.sort(key=lambda d: -d.size)
    return [d.sentence for d in found[:DIFFERENCES_SHOWN]]


def who_counts(works: Sequence[ManagementWork]) -> list[tuple[str, list[int], list[int]]]:
    """Per mediator (manager, third partner, the parties): the mediations and the resolved
    ones of each alliance, for the panel's chart."""
    return [(WHO_SHORT[w], [x.mediated[w] for x in works], [x.resolved[w] for x in works])
            for w in WHO]
