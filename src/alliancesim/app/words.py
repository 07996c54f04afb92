"""Plain words for everything the app shows: parameter labels, choices, event kinds, terms.

The parameter definition gives each parameter a ``meaning`` and a ``unit``; a class needs a
short label too. Labels are kept here, in the app, for the parameters the app knows; any
other parameter (the definition grows) gets a label derived from its meaning, so the page
never shows a snake_case name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from alliancesim.params import PARAMETERS_BY_NAME, Parameter

LABELS = {
    "n_members": "Members sought",
    "horizon": "Months simulated",
    "sector_mix": "Where candidates come from",
    "candidate_pool": "Candidates per seat",
    "country_set": "Partners' countries",
    "cultural_diversity": "Cultural diversity",
    "openness_mean": "Openness of the members",
    "resource_scarcity": "Scarcity of joint resources",
    "search_intensity": "Invitations per month",
    "influence_rate": "Pull toward partners' ambitions",
    "alignment_required": "Agreement needed to found",
    "forming_max_months": "Longest search for partners",
    "founding_speed": "Speed of negotiations",
    "founding_max_months": "Longest negotiation",
    "trust_initial": "Trust at the start",
    "trust_gain": "Trust gained from a good experience",
    "trust_loss_ratio": "How much more a bad experience weighs",
    "commitment_initial": "Commitment of a newcomer",
    "commitment_sensitivity": "How much an assessment moves commitment",
    "assessment_interval": "Months between assessments",
    "exit_rate": "Chance a disengaged member leaves",
    "viability_share": "Resources needed to carry on",
    "conflict_rate": "Conflict rate",
    "culture_conflict_weight": "Weight of culture in conflicts",
    "paradox_rate": "Paradox rate",
    "shock_rate": "External shocks",
    "shock_severity": "Severity of a shock",
    "stagnation_limit": "Months of stagnation tolerated",
    "tension_limit": "Tension tolerated",
    "entry_rate": "Chance a newcomer joins",
    "ambition_months": "Ambition (months of expected value)",
    "renewal_propensity": "Chance to renew after success",
    "management_mode": "Who manages the alliance",
    "management_budget": "Management budget",
    "interventions_per_fte": "Interventions per full-time person",
    "manager_skill_premium": "Manager's skill premium",
    "manager_turnover": "Chance the manager leaves",
    "manager_vacancy": "Months before a new manager",
    "member_skill_mean": "Members' management skill",
    "skill_learning_rate": "Learning by doing",
    "experience_decay": "Fading of unused experience",
}
UNIT_WORDS = {
    "organizations": "organizations", "months": "months", "candidates/seat": "per seat",
    "x": "×", "1/month": "per month", "FTE": "full-time", "value units": "",
    "0-1": "", "-": "", "": "", "candidates": "candidates", "points": "points",
    "value/month": "value per month", "signal/month": "per month", "tension": "tension",
    "1/tension": "per unit of tension", "issues": "issues", "experience": "experience",
    "1/KS": "per unit of cultural distance", "FTE-months": "person-months",
    "1/FTE-month": "per person-month", "FTE/FTE": "per full-time person",
    "x influence_rate": "× the pull toward partners' ambitions",
}
CHOICE_WORDS = {
    "sector_mix": {"cross_sector": "all four sectors", "business": "businesses only",
                   "public_private": "public and private"},
    "country_set": {"synthetic": "made up (no real countries)",
                    "north_west_europe": "north-west Europe",
                    "four_continents": "four continents",
                    "world": "anywhere in the world"},
    "management_mode": {"none": "nobody (no management)", "dedicated": "a dedicated manager",
                        "transversal": "every partner (transversal skill)",
                        "hybrid": "a manager and the partners (hybrid)"},
}
MODE_NAMES = {"none": "No management", "dedicated": "Dedicated manager",
              "transversal": "Transversal skill", "hybrid": "Hybrid"}
MODE_PHRASES = {"none": "with no management", "dedicated": "with a dedicated manager",
                "transversal": "with transversal skill", "hybrid": "with hybrid management"}
KIND_WORDS = {
    "joined": "joined", "declined": "declined", "phase": "new phase",
    "governance": "governance", "conflict": "conflict", "paradox": "paradox",
    "stagnation": "stagnation", "shock": "shock", "exit": "left",
    "manager_left": "manager left", "manager_arrived": "new manager", "ended": "ended",
    "intervention": "scheduled", "skipped": "scheduled", "missed": "not reached",
    "reevaluation": "re-evaluation", "representative_changed": "new representative",
    "horizon": "horizon",
}
SECTOR_WORDS = {"business": "a business", "ngo": "an NGO", "government": "a government body",
                "knowledge_institute": "a knowledge institute"}
_MAX_DERIVED = 56


def words(code: str) -> str:
    """A code such as ``lead_organization`` as words (``lead organization``)."""
    return str(code).replace("_", " ")


def parameter_label(param: Parameter | str) -> str:
    """A short label in words for a parameter (never its snake_case name)."""
    param = PARAMETERS_BY_NAME[param] if isinstance(param, str) else param
    return LABELS.get(param.name) or derived_label(param.meaning)


def derived_label(meaning: str) -> str:
    """A label from a parameter's meaning: its first clause, without code-like words, cut
    at a word if it is long (the whole meaning is shown under the input anyway)."""
    # Meanings sometimes open with a symbol ("lambda_plus: share of ..."): drop it.
    text = re.sub(r"^\S*_\S*:\s*", "", meaning.strip())
    text = words(re.split(r"[;(]|, ", text)[0].strip())
    if len(text) > _MAX_DERIVED:
        text = text[:_MAX_DERIVED].rsplit(" ", 1)[0] + "…"
    return text[:1].upper() + text[1:]


def meaning_words(param: Parameter) -> str:
    """The parameter's meaning without code-like words, with its unit when it has one."""
    text = words(re.sub(r"^\S*_\S*:\s*", "", param.meaning))
    text = text[:1].upper() + text[1:]
    unit = unit_words(param)
    return f"{text} ({unit})" if unit and unit != "×" else text


def unit_words(param: Parameter) -> str:
    """The parameter's unit as the class reads it after a value ('' when none is needed)."""
    return UNIT_WORDS.get(param.unit, words(param.unit))


def value_words(param: Parameter, value: Any) -> str:
    """A parameter's value with its unit: '8 organizations', '1×', 'all four sectors'."""
    if param.kind == "choice":
        return CHOICE_WORDS.get(param.name, {}).get(str(value), words(str(value)))
    number = f"{int(value)}" if param.kind == "int" else f"{float(value):g}"
    unit = unit_words(param)
    if unit == "×":
        return f"{number}×"
    return f"{number} {unit}".strip()


def choice_items(param: Parameter) -> list[dict[str, str]]:
    """The choices of a choice parameter as select items: words shown, the code kept."""
    return [{"text": value_words(param, c), "value": c} for c in param.choices]


def mode_name(mode: str) -> str:
    """A management mode's name as a heading ('Dedicated manager')."""
    return MODE_NAMES.get(mode, words(mode).capitalize())


def mode_phrase(mode: str) -> str:
    """A management mode after 'the alliance': 'with a dedicated manager'."""
    return MODE_PHRASES.get(mode, f"with {words(mode)} management")


def kind_words(kind: str) -> str:
    """An event kind as a word or two for the feed ('manager left')."""
    return KIND_WORDS.get(kind, words(kind))


def sector_words(sector: str) -> str:
    """'a business', 'an NGO', ..."""
    return SECTOR_WORDS.get(sector, words(sector))


def months_words(months: int) -> str:
    """'22 months (1 year 10 months)', '7 months', '120 months (10 years)'."""
    years, rest = divmod(int(months), 12)
    if years == 0:
        return f"{months} month{'s' if months != 1 else ''}"
    span = f"{years} year{'s' if years != 1 else ''}"
    if rest:
        span += f" {rest} month{'s' if rest != 1 else ''}"
    return f"{months} months ({span})"


# --- the glossary ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Term:
    """One glossary entry: the term as shown, a plain explanation, the codes it covers."""

    term: str
    meaning: str
    codes: tuple[str, ...] = ()


GLOSSARY: tuple[tuple[str, tuple[Term, ...]], ...] = (
    ("The life of an alliance", (
        Term("forming", "The founders look for partners and build a shared dream (ambition). "
             "It ends when enough partners agree on it, or the search drags on too long.",
             ("forming",)),
        Term("founding", "The partners negotiate how to run the alliance: who decides "
             "(governance), its legal form, its goals and who does what.", ("founding",)),
        Term("evolving", "The joint work: the partners create value together, meet "
             "conflicts, paradoxes and stagnation, and learn.", ("evolving",)),
        Term("transforming", "A pause to re-evaluate, when the ambition is reached or "
             "trouble has piled up: the alliance renews itself, completes or dissolves.",
             ("transforming",)),
        Term("completed", "Ended as planned, after reaching its ambition: a success.",
             ("completed",)),
        Term("dissolved", "Ended early, without reaching what it set out to do: a failure.",
             ("dissolved",)),
        Term("still running at the horizon", "The simulation stops after the months set "
             "(ten years by default); the alliance itself had not ended.", ("running",)),
        Term("ambition and value", "The value the partners set out to create together, and "
             "the value created so far by their joint work.", ()),
    )),
    ("Members", (
        Term("committed", "Willing to keep investing in the alliance.", ("committed",)),
        Term("ambivalent", "In two minds: still in, but less willing to invest.",
             ("ambivalent",)),
        Term("disengaged", "Has stopped caring; likely to leave soon.", ("disengaged",)),
        Term("left (exited)", "No longer a member; shown greyed out where it stood.",
             ("exited",)),
        Term("trust", "How much one member expects another to act in good faith (0 to 1). "
             "It grows slowly and falls fast.", ()),
        Term("lowest trust", "The trust of the least-trusting pair: where the alliance is "
             "weakest.", ()),
        Term("collective identity", "How much the members feel part of one alliance rather "
             "than only their own organization (0 to 1).", ("identity",)),
        Term("cultural distance", "How different two organizations' national and "
             "organizational cultures are (Kogut & Singh index). Culturally similar members "
             "sit close together in the network picture.", ()),
        Term("sectors", "Business (circle), NGO (diamond), government (square) and knowledge "
             "institute (triangle): each brings its own culture and goals.",
             ("business", "ngo", "government", "knowledge_institute")),
    )),
    ("Conflicts", (
        Term("resolved conflict", "Settled constructively (trust grows) or by compromise.",
             ("constructive", "compromise")),
        Term("escalated conflict", "Got worse: trust and commitment fall, and others start "
             "to doubt both parties.", ("escalated",)),
        Term("latent conflict", "A conflict avoided rather than settled: it goes "
             "underground, adds to the tension and can feed stagnation.", ("latent",)),
        Term("Thomas-Kilmann modes", "Five ways to respond to a conflict, from how assertive "
             "and how cooperative a party is.", ()),
        Term("competing", "Assertive and uncooperative: I win, you lose.", ("competing",)),
        Term("collaborating", "Assertive and cooperative: look for a solution that serves "
             "both.", ("collaborating",)),
        Term("compromising", "Middle ground: each gives up something.", ("compromising",)),
        Term("avoiding", "Neither assertive nor cooperative: stay out of it.", ("avoiding",)),
        Term("accommodating", "Cooperative, unassertive: give the other what they want.",
             ("accommodating",)),
        Term("mediated", "Someone with management time helped the parties: the alliance "
             "manager, or the members themselves when management is their shared skill.", ()),
    )),
    ("Paradoxes and stagnation", (
        Term("paradox", "A tension between two things that are both needed and cannot be "
             "solved once and for all (Das & Teng; Smith & Lewis).", ()),
        Term("cooperation versus competition", "Working with partners who are also "
             "competitors.", ("cooperation_vs_competition",)),
        Term("rigidity versus flexibility", "Keeping the agreed rules versus adapting to new "
             "situations.", ("rigidity_vs_flexibility",)),
        Term("short versus long term", "Quick results versus the long-term ambition.",
             ("short_vs_long_term",)),
        Term("performing paradox", "Different goals and stakeholders pull the alliance "
             "apart.", ("performing",)),
        Term("organizing paradox", "Structure and flexibility compete.", ("organizing",)),
        Term("belonging paradox", "Members' own identity against the alliance's.",
             ("belonging",)),
        Term("learning paradox", "Building on the past while renewing it.", ("learning",)),
        Term("worked through (both/and)", "The partners accepted both sides and worked "
             "through the tension; builds identity and learning.", ("both_and",)),
        Term("one side chosen (either/or)", "Relief now, but the tension builds up.",
             ("either_or",)),
        Term("suppressed", "The tension was kept off the table: a risk of stagnation.",
             ("suppressed",)),
        Term("stagnation", "The joint work stalls. It must be noticed and discussed to be "
             "overcome; left alone it erodes commitment.", ()),
        Term("tension", "Unresolved trouble (escalations, latent conflicts, paradoxes) that "
             "piles up; too much forces a re-evaluation.", ()),
        Term("external shock", "Something from outside (a funding cut, a market downturn, a "
             "policy change, a scandal) that cuts resources and raises tension.", ()),
    )),
    ("Management and governance", (
        Term("no management", "Nobody has time set aside to manage the alliance: each pair "
             "handles its own conflicts.", ("none",)),
        Term("dedicated manager", "Management as a profession: a trained alliance manager "
             "paid from the budget. When the manager leaves, the post stays empty until a "
             "successor arrives.", ("dedicated",)),
        Term("transversal skill", "Management as a skill every partner practises, with the "
             "same budget spent on the members' own time; representatives who leave are "
             "replaced by colleagues, who start again.",
             ("transversal",)),
        Term("hybrid", "Half the budget pays a manager, half is the members' own time.",
             ("hybrid",)),
        Term("shared governance", "All partners decide together; suits a few members who "
             "trust each other.", ("shared",)),
        Term("lead organization", "One partner leads and coordinates; suits a moderate "
             "number of members.", ("lead_organization",)),
        Term("network administrative organization", "A separate body runs the alliance; "
             "suits many members.", ("network_administrative_organization",)),
        Term("legal forms", "A contract, an association, a foundation or a joint venture: "
             "how hard it is to leave.",
             ("contract", "association", "foundation", "joint_venture")),
    )),
    ("The ecosystem", (
        Term("ecosystem", "A population of organizations founding, living through and "
             "ending alliances with each other over decades, carrying what they learn from "
             "one alliance to the next (the Ecosystem tab).", ()),
        Term("dedicated alliance function", "An organization's own team of alliance "
             "professionals: alliances it leads get one of them as a dedicated manager.",
             ("function",)),
        Term("trained staff", "An organization that trains all its staff in alliance work: "
             "its alliances are managed as a transversal skill.", ("trained",)),
        Term("alliance professionals", "People whose career is managing alliances, hired on "
             "a labour market; their wage rises when posts go unfilled and falls when "
             "professionals are idle.", ()),
        Term("FTE-year", "A full-time person's work for a year: the unit of the "
             "professionals' wage.", ()),
        Term("failed share and its interval", "Of the alliances that ended in a year, the "
             "share that failed; the pale band is its 95% interval (Wilson): with few "
             "endings it is wide, and where two modes' bands overlap the class cannot tell "
             "them apart.", ()),
    )),
    ("Using the app", (
        Term("seed", "The number that fixes every chance event: the same seed gives the same "
             "alliance again.", ()),
        Term("teaching seed", "The seed a scenario opens on, chosen because what the scenario "
             "shows happens on it.", ()),
        Term("over 100 seeds", "The same comparison run on 100 other seeds, so that one run "
             "is seen against many.", ()),
    )),
)


def glossary_codes() -> set[str]:
    """Every code some glossary entry explains."""
    return {code for _, terms in GLOSSARY for term in terms for code in term.codes}
