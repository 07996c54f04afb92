"""The parameters of the ecosystem: a population of organizations over decades.

They use the same :class:`~alliancesim.params.Parameter` definition as the single-alliance
model, in a separate tuple, :data:`ECOSYSTEM_PARAMETERS`. Each alliance in the ecosystem
still takes the single-alliance model's parameters (a scenario file's ``[alliance]`` table);
the ones here shape only what happens between and around alliances. Every mechanism has an
``off`` value, collected by :func:`ecosystem_mechanism_off`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from alliancesim.params import Parameter, ParameterError, suggest
from alliancesim.params.validation import coerce_value

PRACTICES = ("none", "trained", "function")
MODE_RULES = ("lead", "any_member", "majority")
UNTRAINED_MODES = ("transversal", "none")

ECOSYSTEM_MECHANISMS: dict[str, str] = {
    "population_turnover": "organizations leave the population (their alliances lose them, "
                           "their professionals go to the labour market) and newcomers take "
                           "their place",
    "planned_term": "an alliance that has not ended on its own ends at the term its "
                    "partners agreed, as a single run stops at its horizon",
    "experiential_learning": "organizations keep part of the skill their people gained in an "
                             "alliance",
    "diminishing_returns": "each further alliance adds less to what an organization learns",
    "codification": "codified practice (a dedicated function or a training programme) makes "
                    "what people learned transferable inside the organization",
    "forgetting": "skill above the organization's starting level fades in years without "
                  "alliance work",
    "prior_ties": "partners of past alliances trust each other more and seek each other out",
    "reputation": "an alliance's success or failure changes its members' reputation",
    "complementarity": "leads seek partners whose goals and sector complement their own",
    "cultural_screening": "leads avoid culturally distant partners",
    "reputation_screening": "leads prefer partners of good reputation",
    "people_turnover": "trained staff and professionals leave, taking what they learned",
    "poaching": "organizations that cannot fill a post hire professionals away from others",
    "wage_response": "professionals' wages rise with unfilled posts and fall with unemployment",
    "training": "a training programme raises the skill of those it trains, at a price",
    "training_cost": "a training programme is paid for, per person trained",
    "profession_entry": "newcomers enter the profession to fill open posts",
    "leaving_profession": "professionals without a post leave the profession",
    "cost_awareness": "organizations count what their practice costs when they judge it",
    "problemistic_search": "an organization whose alliances do worse than its aspiration "
                           "tries another practice",
    "mimetic_isomorphism": "organizations imitate the practice of peers that do better",
}

_P = Parameter
_E = "the ecosystem"
ECOSYSTEM_PARAMETERS: tuple[Parameter, ...] = (
    # --- population and time ---------------------------------------------------------------
    _P("n_organizations", "int", 1000, "Organizations in the population", "organizations",
       10, 200000, group=_E, setup_only=True),
    _P("years", "int", 30, "Years simulated (one step is one month)", "years", 1, 100,
       group=_E, setup_only=True),
    _P("alliance_rate", "float", 0.004,
       "Monthly chance that an organization with room in its portfolio founds a new alliance "
       "as its lead", "1/month", 0.0, 0.1,
       source="assumption: about one alliance led per organization every 20 years, so that "
       "an organization is in about one alliance at a time at the default size", group=_E),
    _P("alliance_size_mean", "float", 3.0,
       "Mean number of members the founders of an alliance aim for (2 + a Poisson draw), so "
       "that dyads are the most common size", "organizations", 2.0, 20.0,
       source="most alliances are dyads (Gulati 1995; Hagedoorn 2002); the mean is an "
       "assumption", group=_E),
    _P("alliance_term", "int", 120,
       "Planned duration of every alliance: one still running after this many months ends "
       "then (each alliance's own horizon), as a single run of the same horizon stops; 600 "
       "(the single model's longest horizon) leaves alliances without a planned end",
       "months", 12, 600,
       source="assumption: the single-alliance model's default horizon (120 months), so "
       "that each alliance is a single run as the single model reports it; alliances' "
       "average life span is about seven years (Bleeke & Ernst 1995), and the term caps "
       "the renewals of the longest-lived", group=_E, mechanism="planned_term", off=600),
    _P("max_portfolio", "int", 6,
       "Most alliances an organization is in at the same time", "alliances", 1, 100,
       group=_E),
    _P("candidate_sample", "int", 30,
       "Organizations a lead screens for partners when it founds an alliance",
       "organizations", 5, 1000, group=_E),
    _P("organization_turnover", "float", 0.0,
       "Yearly chance that an organization leaves the population; a newcomer, drawn as the "
       "first organizations were (its practice by the initial shares), takes its place, so "
       "the population keeps its size", "1/year", 0.0, 0.5,
       source="assumption: off by default, for want of a source on the entry and exit of "
       "alliance-active organizations", group=_E, mechanism="population_turnover", off=0.0),
    _P("initial_function_share", "float", 0.1,
       "Share of organizations that keep a dedicated alliance function at the start", "0-1",
       0.0, 1.0, source="assumption: a minority of firms had dedicated alliance functions "
       "around 2000 (Dyer, Kale & Singh 2001; Kale, Dyer & Singh 2002)", group=_E,
       setup_only=True),
    _P("initial_trained_share", "float", 0.2,
       "Share of organizations that train their staff in alliance management at the start",
       "0-1", 0.0, 1.0, group=_E, setup_only=True),
    # --- alliances' management mode --------------------------------------------------------
    _P("mode_rule", "choice", "lead",
       "Which members decide an alliance's management mode: the lead alone, any member, or "
       "a majority; a deciding function gives the dedicated mode, otherwise the members' "
       "own people hold the time", choices=MODE_RULES, group=_E),
    _P("untrained_mode", "choice", "transversal",
       "Management mode of alliances without a deciding function whose members have not "
       "trained their staff: members' people still hold the time (transversal) or nobody "
       "does (none)", choices=UNTRAINED_MODES, group=_E),
    _P("alliances_per_professional", "int", 1,
       "Alliances one professional manages at the same time (each alliance still budgets "
       "its own management_budget of time, so more than one shares a professional's time "
       "beyond what each alliance pays for)", "alliances", 1, 20,
       source="assumption: one, so that a professional's time is the post's one FTE",
       group=_E),
    # --- partner search --------------------------------------------------------------------
    _P("complementarity_weight", "float", 0.4,
       "Weight of complementary goals and a different sector in a lead's choice of partners",
       "-", 0.0, 2.0, source="complementary resources drive partner choice (Gulati 1995; "
       "Rothaermel & Boeker 2008); the size is an assumption", group=_E,
       mechanism="complementarity", off=0.0),
    _P("tie_weight", "float", 0.3,
       "Weight of the trust left from past alliances with a candidate in a lead's choice",
       "-", 0.0, 2.0, source="repeated ties (Gulati 1995; Gulati & Gargiulo 1999); the size "
       "is an assumption", group=_E, mechanism="prior_ties", off=0.0),
    _P("distance_weight", "float", 0.2,
       "Weight of the Kogut-Singh cultural distance against a candidate in a lead's choice",
       "per KS unit", 0.0, 2.0, source="cultural distance deters partnering (Kogut & Singh "
       "1988); the size is an assumption", group=_E, mechanism="cultural_screening", off=0.0),
    _P("reputation_weight", "float", 0.2,
       "Weight of a candidate's reputation in a lead's choice", "-", 0.0, 2.0,
       source="reputation as a signal of reliability (Dollinger, Golden & Saxton 1997); the "
       "size is an assumption", group=_E, mechanism="reputation_screening", off=0.0),
    _P("choice_noise", "float", 0.2,
       "Spread of the unobserved part of a lead's judgement of a candidate (Gumbel scale)",
       "-", 0.0, 2.0, group=_E),
    # --- what organizations carry ----------------------------------------------------------
    _P("experience_retention", "float", 0.3,
       "Share of the skill its people gained in an alliance that an organization (or a "
       "professional's career) keeps without codified practice", "0-1", 0.0, 1.0,
       source="alliance experience builds capability (Anand & Khanna 2000; Hoang & "
       "Rothaermel 2005); the size is an assumption", group=_E,
       mechanism="experiential_learning", off=0.0),
    _P("experience_half_alliances", "float", 5.0,
       "Alliances of experience after which a further alliance adds half as much", "alliances",
       0.5, 1000.0, source="diminishing returns to alliance experience (Anand & Khanna 2000; "
       "Hoang & Rothaermel 2005); the size is an assumption", group=_E,
       mechanism="diminishing_returns", off=1000.0),
    _P("codification_retention", "float", 0.4,
       "Share of the gained skill kept on top of experience_retention when the organization "
       "codifies its practice (keeps a function or runs a training programme)", "0-1", 0.0,
       1.0, source="articulation, codification and sharing of alliance know-how (Kale & "
       "Singh 2007; Heimeriks & Duysters 2007); the size is an assumption", group=_E,
       mechanism="codification", off=0.0),
    _P("forgetting", "float", 0.1,
       "Share of the skill above the starting level lost in a year without alliance work",
       "1/year", 0.0, 1.0, source="organizational forgetting (Argote 1999; Darr, Argote & "
       "Epple 1995); the size is an assumption", group=_E, mechanism="forgetting", off=0.0),
    _P("tie_trust_carry", "float", 0.5,
       "Share of the trust above the initial level at the end of a past alliance that two "
       "organizations bring into their next one", "0-1", 0.0, 1.0,
       source="trust from repeated ties (Gulati 1995); the size is an assumption", group=_E,
       mechanism="prior_ties", off=0.0),
    _P("tie_decay", "float", 0.1,
       "Share of a tie's trust above the initial level that fades each year", "1/year", 0.0,
       1.0, group=_E),
    _P("reputation_rate", "float", 0.3,
       "Share of the gap to an alliance's result (1 success, 0 failure) that each member's "
       "reputation closes when the alliance ends", "0-1", 0.0, 1.0,
       source="assumption", group=_E, mechanism="reputation", off=0.0),
    # --- people and the labour market ------------------------------------------------------
    _P("staff_turnover", "float", 0.1,
       "Yearly share of trained staff who leave, taking the skill above the organization's "
       "starting level with them", "1/year", 0.0, 1.0,
       source="assumption: the same rate as professionals' (symmetry)", group=_E,
       mechanism="people_turnover", off=0.0),
    _P("professional_turnover", "float", 0.1,
       "Yearly chance that a professional leaves the organization for the labour market",
       "1/year", 0.0, 1.0, source="assumption: about a ten-year tenure", group=_E,
       mechanism="people_turnover", off=0.0),
    _P("professional_skill_premium", "float", 0.0,
       "A new professional's skill above the population's mean starting staff skill",
       "skill (0-1)", -0.4, 0.5, source="assumption: 0 favours neither (as "
       "manager_skill_premium)", group=_E),
    _P("profession_entry_rate", "float", 0.5,
       "Share of unfilled posts that newcomers to the profession fill each year at the base "
       "wage (more at a higher wage)", "1/year", 0.0, 1.0, source="assumption", group=_E,
       mechanism="profession_entry", off=0.0),
    _P("supply_elasticity", "float", 1.0,
       "How strongly newcomers respond to the wage (entry x (wage / base)^elasticity)", "-",
       0.0, 5.0, source="assumption", group=_E, mechanism="wage_response", off=0.0),
    _P("poaching_rate", "float", 0.3,
       "Chance per year that an organization with a still unfilled post hires a "
       "professional away from another organization", "1/year", 0.0, 1.0,
       source="assumption", group=_E, mechanism="poaching", off=0.0),
    _P("wage_base", "float", 1.0,
       "A professional's yearly wage with balanced supply and demand", "FTE-years", 0.1, 10.0,
       source="assumption: one FTE-year, the price of staff time (symmetry)", group=_E),
    _P("wage_elasticity", "float", 0.5,
       "Yearly wage change per unfilled post (minus idle professionals) per post demanded",
       "-", 0.0, 5.0, source="assumption", group=_E, mechanism="wage_response", off=0.0),
    _P("leave_profession", "float", 0.3,
       "Yearly chance that a professional without a post leaves the profession", "1/year",
       0.0, 1.0, source="assumption", group=_E, mechanism="leaving_profession", off=0.0),
    _P("staff_per_size", "float", 3.0,
       "People an organization has in alliance work per unit of size (resources)", "people",
       0.5, 50.0, source="assumption", group=_E),
    _P("training_effect", "float", 0.2,
       "Share of the skill gap a year's training programme closes for those it trains (all "
       "staff in alliance work, or a function's professionals)", "1/year", 0.0, 1.0,
       source="assumption", group=_E, mechanism="training", off=0.0),
    _P("training_price", "float", 0.1,
       "Yearly price of training one person", "FTE-years", 0.0, 2.0, source="assumption",
       group=_E, mechanism="training_cost", off=0.0),
    # --- yearly decisions ------------------------------------------------------------------
    _P("memory_years", "int", 5,
       "Years of ended alliances an organization judges its practice by", "years", 1, 30,
       group=_E),
    _P("cost_weight", "float", 0.2,
       "Weight of management spending (FTE-years per unit of size) against the share of "
       "successful alliances in an organization's judgement", "-", 0.0, 5.0,
       source="assumption", group=_E, mechanism="cost_awareness", off=0.0),
    _P("aspiration", "float", 0.5,
       "Judged result below which an organization considers another practice", "-", -5.0,
       1.0, source="performance feedback against an aspiration level (Cyert & March 1963; "
       "Greve 2003); the level is an assumption", group=_E),
    _P("switch_rate", "float", 0.2,
       "Yearly chance that an organization below its aspiration tries another practice",
       "1/year", 0.0, 1.0, source="assumption", group=_E,
       mechanism="problemistic_search", off=0.0),
    _P("imitation_rate", "float", 0.2,
       "Yearly chance that an organization adopts the practice of the best of its sampled "
       "peers when that peer does better", "1/year", 0.0, 1.0,
       source="mimetic isomorphism (DiMaggio & Powell 1983; Haveman 1993); the size is an "
       "assumption", group=_E, mechanism="mimetic_isomorphism", off=0.0),
    _P("peer_sample", "int", 5, "Peers of its own sector an organization looks at each year",
       "organizations", 1, 100, group=_E),
)
ECOSYSTEM_PARAMETERS_BY_NAME = {p.name: p for p in ECOSYSTEM_PARAMETERS}


@dataclass(frozen=True)
class EcosystemParams:
    """Checked values of the ecosystem's parameters, read as attributes."""

    values: dict[str, Any]

    def __getattr__(self, name: str) -> Any:
        try:
            return self.values[name]
        except KeyError:
            raise AttributeError(name) from None

    def as_dict(self) -> dict[str, Any]:
        """Every ecosystem parameter's value, by name (a copy)."""
        return dict(self.values)


def make_ecosystem_params(values: Mapping[str, Any] | None = None) -> EcosystemParams:
    """The defaults with ``values`` over them, each checked against its definition.

    Raises :class:`~alliancesim.params.ParameterError` naming an unknown parameter (with a
    did-you-mean) or a value of the wrong type or out of range (with the allowed values).
    """
    known = list(ECOSYSTEM_PARAMETERS_BY_NAME)
    checked = {p.name: p.default for p in ECOSYSTEM_PARAMETERS}
    for name, value in (values or {}).items():
        if name not in ECOSYSTEM_PARAMETERS_BY_NAME:
            raise ParameterError(name, f"unknown ecosystem parameter {name!r}."
                                       f"{suggest(name, known)}")
        checked[name] = coerce_value(ECOSYSTEM_PARAMETERS_BY_NAME[name], value)
    return EcosystemParams(checked)


def ecosystem_mechanism_off(name: str) -> dict[str, Any]:
    """The parameter values that switch ecosystem mechanism ``name`` off."""
    if name not in ECOSYSTEM_MECHANISMS:
        raise KeyError(f"unknown ecosystem mechanism {name!r}; known: "
                       f"{', '.join(ECOSYSTEM_MECHANISMS)}")
    return {p.name: p.off for p in ECOSYSTEM_PARAMETERS
            if p.mechanism == name and p.off is not None}


def markdown_table() -> str:
    """Every ecosystem parameter in one Markdown table: name, meaning, unit, default, range
    (with the value that switches its mechanism off), source."""
    lines = ["| name | meaning | unit | default | range | mechanism (off) | source |",
             "|---|---|---|---|---|---|---|"]
    for p in ECOSYSTEM_PARAMETERS:
        allowed = ", ".join(p.choices) if p.kind == "choice" else f"{p.low:g} – {p.high:g}"
        off = f"{p.mechanism} ({p.off:g})" if p.mechanism and p.off is not None else ""
        meaning = p.meaning + (" (set-up only)" if p.setup_only else "")
        lines.append(f"| `{p.name}` | {meaning} | {p.unit} | {p.default} | {allowed} | "
                     f"{off} | {p.source} |")
    return "\n".join(lines)

