"""The status line, the end-of-run summary with questions for the class, and how two
compared alliances came to differ.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from alliancesim.app.moments import Moment, Story, planned_words
from alliancesim.app.words import months_words
from alliancesim.model import AllianceModel

TURNING_POINTS = 12
QUESTIONS = 3


# --- the status line ---------------------------------------------------------------------------
def manager_name(model: AllianceModel) -> str | None:
    """The name of the manager in post, or None."""
    manager = getattr(getattr(model, "management", None), "manager", None)
    return None if manager is None else str(manager.name)


def management_words(model: AllianceModel, story: Story | None = None) -> str:
    """Who manages the alliance right now, in words ('managed by Jesse', 'no manager in post
    since month 24')."""
    mode = str(model.p.get("management_mode", ""))
    if mode == "none":
        return "no management"
    if mode == "transversal":
        return "managed by every partner"
    name = manager_name(model)
    partners = " and the partners" if mode == "hybrid" else ""
    if name is not None:
        return f"managed by {name}{partners}"
    since = f" since month {story.manager_gone}" if story and story.manager_gone is not None \
        else ""
    if mode == "hybrid":
        return f"managed by the partners; no manager in post{since}"
    return f"no manager in post{since}"


def members_words(model: AllianceModel) -> str:
    """'6 members', '4 members (aiming for 8)' while forming."""
    count = len(model.members)
    text = f"{count} member{'s' if count != 1 else ''}"
    if model.phase == "forming" and model.outcome == "running":
        text += f" (aiming for {int(model.p['n_members'])})"
    return text


def status_line(model: AllianceModel, story: Story | None = None) -> str:
    """'Month 14 · evolving · 9 members · managed by Jesse', or how it ended."""
    missed = story.log.missed(model) if story is not None else []
    before = f" · ended before {planned_words(missed)}" if missed else ""
    if model.outcome != "running":
        return (f"Month {model.month} · {model.outcome}: {model.end_reason} · "
                f"{members_words(model)}{before}")
    if not model.running:
        return (f"Month {model.month} · still running at the horizon · {model.phase} · "
                f"{members_words(model)}{before}")
    return (f"Month {model.month} · {model.phase} · {members_words(model)} · "
            f"{management_words(model, story)}")


# --- the end summary ---------------------------------------------------------------------------
@dataclass(frozen=True)
class EndSummary:
    """How an alliance ended, in facts, turning points and questions for the class."""

    outcome: str
    headline: str
    facts: tuple[tuple[str, str], ...]
    turning_points: tuple[Moment, ...]
    questions: tuple[str, ...]
    more_turning_points: int = 0


def end_summary(model: AllianceModel, story: Story) -> EndSummary | None:
    """The summary once the alliance has ended or reached its horizon; None before."""
    if model.running:
        return None
    ending = next((m for m in reversed(story.moments) if m.category == "end"), None)
    headline = ending.sentence.split(": ", 1)[1] if ending else status_line(model, story)
    turning = turning_points(story.moments)
    return EndSummary(
        outcome=model.outcome if model.outcome != "running" else "still running",
        headline=headline[:1].upper() + headline[1:],
        facts=tuple(_facts(model, story)),
        turning_points=turning,
        questions=tuple(discussion_questions(model, story)),
        more_turning_points=len(story.moments) - len(turning),
    )


# Which key moments a summary keeps when there are too many: the life cycle and the
# management first, partners coming and going last.
TURNING_PRIORITY = {"end": 0, "phase": 0, "manager": 1, "scheduled": 1, "shock": 2,
                    "partner": 3}


def turning_points(moments: list[Moment], limit: int = TURNING_POINTS) -> tuple[Moment, ...]:
    """The ``limit`` most telling key moments, in the order they happened."""
    ranked = sorted(range(len(moments)),
                    key=lambda i: (TURNING_PRIORITY.get(moments[i].category, 4), i))
    return tuple(moments[i] for i in sorted(ranked[:limit]))


def _facts(model: AllianceModel, story: Story) -> list[tuple[str, str]]:
    record = model.outcome_record()
    target = model.objectives()
    value = float(record["value_total"])
    renewals = int(record["renewals"])
    renewed = f"; renewed {renewals} time{'s' if renewals != 1 else ''}" if renewals else ""
    left = [(month, name) for month, change, name in story.roster if change == "left"]
    lost = (f"{len(left)} left: " + ", ".join(f"{name} (month {month})" for month, name in left)
            if left else "none left")
    facts = [
        ("Lifetime", months_words(int(record["end_month"]))),
        ("Value against ambition", f"{value:.1f} created of the {target:g} aimed for "
                                   f"({value / target:.0%}){renewed}"),
        ("Members", f"at most {story.peak_members}, {len(model.members)} at the end; {lost}"),
        ("Conflicts", f"{record['conflicts_total']}: {record['conflicts_resolved']} resolved, "
                      f"{record['conflicts_escalated']} escalated, "
                      f"{record['conflicts_latent']} left latent"),
        ("Management", _management_fact(model, story)),
    ]
    missed = story.log.missed(model)
    if missed:
        facts.append(("Never reached", planned_words(missed)))
    return facts


def _management_fact(model: AllianceModel, story: Story) -> str:
    mode = str(model.p.get("management_mode", ""))
    departures = [m.month for m in story.moments if m.marker == "manager left"]
    text = {"none": "nobody was paid to manage it", "dedicated": "a dedicated manager",
            "transversal": "every partner practised it", "hybrid": "a manager and the partners"
            }.get(mode, mode)
    if len(departures) == 1:
        text += f"; the manager left in month {departures[0]}"
    elif departures:
        months = ", ".join(str(m) for m in departures[:-1]) + f" and {departures[-1]}"
        text += f"; managers left in months {months}"
    return text


# --- questions for the class -------------------------------------------------------------------
def discussion_questions(model: AllianceModel, story: Story) -> list[str]:
    """Two or three questions tied to what happened: the ending, the management, then the
    most telling of the rest (an entry never reached, latent or escalated conflicts, a
    shock)."""
    questions = [_ending_question(model, story), _management_question(model, story)]
    for rule in _OTHER_RULES:
        question = rule(model, story)
        if question:
            questions.append(question)
            break
    return questions[:QUESTIONS]


def _ending_question(model: AllianceModel, story: Story) -> str:
    month, reason = model.month, model.end_reason
    if model.outcome == "completed":
        return (f"The alliance reached its ambition and ended as planned in month {month}. "
                "Is ending a sign of success here, and what made it work?")
    if model.outcome == "running":
        share = float(model.value_total) / model.objectives()
        return (f"After {months_words(month)} the alliance is still running, with {share:.0%} "
                "of its ambition created. Would you call it a success?")
    left = [name for _, change, name in story.roster if change == "left"]
    if "tension" in reason:
        return (f"Unresolved tension piled up until the alliance broke apart in month {month}. "
                "Which conflicts and paradoxes fed it, and who could have stepped in earlier?")
    if "stagnation" in reason:
        return ("The joint work stalled until the alliance gave up. Who should have noticed, "
                "and what would it have taken to put the stagnation on the table?")
    if "shock" in reason:
        return ("A shock hit and the partners could not recover. What would have made this "
                "alliance more resilient?")
    if "few members" in reason:
        return (f"Partners kept leaving ({', '.join(left) or 'one after another'}) until too "
                "few were left. What made them leave, and could anyone have kept them?")
    if "forming" in reason:
        return ("The founders never found enough partners with a shared ambition. What makes "
                "a shared dream hard to build between these organizations?")
    return (f"The alliance dissolved in month {month} ({reason}). What could the partners "
            "have done differently, and when?")


def _management_question(model: AllianceModel, story: Story) -> str:
    mode = str(model.p.get("management_mode", ""))
    departures = [m for m in story.moments if m.marker == "manager left"]
    # The departure the scenario is about, if it planned one; else the first.
    departures.sort(key=lambda m: not m.scheduled)
    if departures:
        gone = departures[0].month
        back = next((m.month for m in story.moments
                     if m.marker == "new manager" and m.month > gone), None)
        until = f"month {back}" if back else "the end"
        return (f"The manager left in month {gone} and the post stayed empty until {until}. "
                "What changed while nobody managed the alliance? Would it have coped better "
                "if every partner practised managing it?")
    return {
        "none": "Nobody was paid to manage this alliance. Which moments would a manager, or "
                "a partner with management skill, have handled differently?",
        "transversal": "Every partner shared the management work here. Where did that help, "
                       "and where did it fall short?",
        "hybrid": "A manager and the partners shared the management here. Who did what, and "
                  "did it work?",
    }.get(mode, "A professional manager handled this alliance's conflicts. What did the "
                "partners learn themselves, and what would be lost if the manager left?")


def _missed_question(model: AllianceModel, story: Story) -> str:
    missed = story.log.missed(model)
    if not missed:
        return ""
    return (f"The alliance ended before {planned_words(missed)} could happen. What did you "
            "expect it to show, and why did the alliance not last that long?")


def _conflict_question(model: AllianceModel, story: Story) -> str:
    record = model.outcome_record()
    latent, escalated = int(record["conflicts_latent"]), int(record["conflicts_escalated"])
    if latent >= 3 and latent >= escalated:
        return (f"{latent} conflicts were avoided and left latent. When is avoiding a conflict "
                "wise, and when does it store up trouble?")
    if escalated >= 3:
        return (f"{escalated} conflicts escalated. Look at the feed: which Thomas-Kilmann "
                "styles met in them, and what might have changed the outcome?")
    return ""


def _shock_question(model: AllianceModel, story: Story) -> str:
    shocks = [m.month for m in story.moments if m.category == "shock"]
    if not shocks:
        return ""
    return (f"An external shock hit in month {shocks[0]}. How did the partners respond, and "
            "what helped or hurt them?")


_OTHER_RULES: tuple[Callable[[AllianceModel, Story], str], ...] = (
    _missed_question, _conflict_question, _shock_question)


# --- two alliances compared ------------------------------------------------------------------
def divergence(left: Story, right: Story, labels: tuple[str, str]) -> str:
    """Whether two compared alliances still have the same members, and if not, from when and
    who joined or left on one side only."""
    first = _first_difference(left.roster, right.roster)
    if first is None:
        return "Both alliances have had the same members so far."
    only_left = _changes_from(left.roster, right.roster, first)
    only_right = _changes_from(right.roster, left.roster, first)
    parts = [f"{text} only in the {label} alliance"
             for text, label in ((only_left, labels[0]), (only_right, labels[1])) if text]
    same = f"until month {first - 1}" if first > 1 else "only at the start (the founders)"
    return (f"The two alliances had the same members {same}; from month {first} they differ: "
            + "; ".join(parts) + ".")


def _first_difference(a: list[tuple[int, str, str]], b: list[tuple[int, str, str]],
                      ) -> int | None:
    months = sorted({m for m, _, _ in a} | {m for m, _, _ in b})
    for month in months:
        if sorted(x for x in a if x[0] <= month) != sorted(x for x in b if x[0] <= month):
            return month
    return None


def _changes_from(mine: list[tuple[int, str, str]], theirs: list[tuple[int, str, str]],
                  month: int) -> str:
    other = set(theirs)
    joined = [n for m, c, n in mine if m >= month and c == "joined" and (m, c, n) not in other]
    left = [n for m, c, n in mine if m >= month and c == "left" and (m, c, n) not in other]
    parts = []
    if joined:
        parts.append(f"{_names(joined)} joined")
    if left:
        parts.append(f"{_names(left)} left")
    return " and ".join(parts)


def _names(names: list[str]) -> str:
    if len(names) > 3:
        return ", ".join(names[:3]) + f" and {len(names) - 3} more"
    return " and ".join(names) if len(names) <= 2 else ", ".join(names[:-1]) + " and " + names[-1]
