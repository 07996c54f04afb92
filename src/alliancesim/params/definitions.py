"""The single definition of every model parameter.

Everything that lists parameters (model validation, scenario files, CLI help, app sliders,
sweep bounds, the ODD table, the ablation switches) is derived from :data:`PARAMETERS`, so
nothing is listed twice.

A parameter that belongs to a mechanism names it (``mechanism``) and says which value
switches that mechanism off (``off``); :func:`mechanism_off` collects them, so every
mechanism can be ablated through the definition alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["float", "int", "choice"]
Value = float | int | str


@dataclass(frozen=True)
class Parameter:
    """One model parameter: what it means, its unit, default, allowed range and source."""

    name: str
    kind: Kind
    default: Value
    meaning: str
    unit: str = "-"
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] = field(default_factory=tuple)
    source: str = "assumption"
    group: str = "general"
    setup_only: bool = False  # read only when the alliance is set up; cannot change mid-run
    mechanism: str = ""  # the mechanism this parameter shapes (see MECHANISMS)
    off: Value | None = None  # the value that switches that mechanism off
    label: str = ""  # a short name in words for people (sliders, figures); derived if empty

    def allowed(self) -> str:
        """Human-readable description of the allowed values."""
        if self.kind == "choice":
            return "one of " + ", ".join(repr(c) for c in self.choices)
        kind = "an integer" if self.kind == "int" else "a number"
        return f"{kind} in [{self.low:g}, {self.high:g}]"

    @property
    def sweepable(self) -> bool:
        """Whether the parameter has numeric bounds a sweep design can sample."""
        return self.kind != "choice"

    @property
    def title(self) -> str:
        """A short name in plain words, e.g. 'Cultural diversity'."""
        text = self.label or self.name.replace("_", " ")
        return text[0].upper() + text[1:]


MANAGEMENT_MODES = ("none", "dedicated", "transversal", "hybrid")
# What a scenario's timeline can make happen in a given month (the model carries them out in
# alliancesim.model.timeline; scenario files describe them in alliancesim.scenarios.schema).
INTERVENTION_KINDS: dict[str, str] = {
    "partner_joins": "a new partner (the best-fitting candidate) joins",
    "partner_leaves": "a partner leaves (by name, or the largest contributor)",
    "manager_leaves": "the dedicated manager leaves; the post is vacant until a replacement",
    "manager_replaced": "a new dedicated manager is appointed at once",
    "shock": "an external shock of the given severity (0-1)",
    "set_parameter": "a parameter takes a new value from this month on",
    "training": "a training programme closes a share of every member's skill gap",
}
SECTOR_MIXES = ("cross_sector", "business", "public_private")
# Where candidate partners' national cultures come from (the countries and weights of each
# named set are in alliancesim.culture.partners).
SYNTHETIC = "synthetic"
COUNTRY_SETS: dict[str, str] = {
    SYNTHETIC: "no real countries: national culture drawn around each sector's profile, "
               "spread by cultural_diversity",
    "north_west_europe": "the Benelux, Germany, the British Isles and the Nordic countries",
    "four_continents": "Europe, North America, South America and Asia, a quarter each",
    "world": "every country of Hofstede's matrix, equally likely",
}
WORK_ALLOCATIONS = ("shared", "most_skilled")

# The mechanisms that can be switched off, each with what it stands for. A mechanism is off
# when every parameter tagged with it takes its ``off`` value.
MECHANISMS: dict[str, str] = {
    "cultural_distance": "cultural distance raises conflicts, slows negotiation and weakens "
                         "trust built by working together",
    "trust_asymmetry": "negative signals move trust more than positive ones",
    "cooperation_trust": "working together builds trust month by month",
    "escalation_spillover": "an escalated conflict lowers bystanders' trust in both parties",
    "commitment_hysteresis": "commitment states change only once a threshold is clearly crossed",
    "ambition_pooling": "members' ambitions converge through trust-weighted influence",
    "governance_fit": "a governance form that fits the alliance adds value and prevents "
                      "conflict",
    "legal_exit_barrier": "a legal entity (foundation, association, joint venture) makes "
                          "leaving harder than a contract",
    "conflict_mediation": "mediation with skill and time turns conflicts constructive",
    "paradox_work": "working through a paradox needs the skill and time of whoever does it",
    "paradox_consequences": "the tension and category of a paradox decide what a response "
                            "does to the alliance",
    "stagnation": "stagnation halves joint value and erodes commitment until it is discussed",
    "stagnation_discussion": "stagnation is overcome only when someone spots and discusses it",
    "relationship_upkeep": "keeping in touch across the member pairs coordinates joint work "
                           "and builds trust",
    "workload_growth": "the upkeep work grows with the cultural distance between partners",
    "facilitated_assessment": "a well-run assessment realigns ambitions",
    "expectation_adaptation": "members adjust their expectations to what the alliance "
                              "delivers",
    "partner_search": "a skilled search screens more candidates and finds better partners",
    "facilitated_renewal": "a facilitated re-evaluation helps partners recommit",
    "reevaluation": "at a transformation each partner weighs what the alliance delivered and "
                    "still promises",
    "management_cost": "management time is paid for out of joint work",
    "learning_by_doing": "whoever does management work gains skill from it",
    "skill_fade": "management skill fades when it is not used",
    "alliance_knowledge": "the effect of whoever holds management time (manager or members' "
                          "representatives) grows with knowledge of this alliance, lost when "
                          "that person leaves",
    "manager_turnover": "dedicated managers leave and posts stay vacant for a while",
    "representative_turnover": "members' representatives are replaced by colleagues, who "
                               "start from the organization's entry skill",
    "neutral_mediation": "a neutral third party (the manager or another member's "
                         "representative) mediates better than the parties themselves",
    "participation_ownership": "members who do management work gain commitment to the "
                               "alliance",
    "practice_openness": "working through conflicts and paradoxes across cultures opens up "
                         "those who do it",
    "peer_learning": "those who do management work together learn from the more skilled "
                     "among them, in a learning environment",
    "training_cost": "a training programme takes its trainees' time, paid from joint work",
    "openness_learning": "working across cultures makes members more open",
    "learning_environment": "accumulated experience supports value, paradox work and "
                            "discussing stagnation",
    "shocks": "external shocks cut resources and raise tension",
}

_P = Parameter
# The source of defaults set by the calibration (experiments/calibrate.py writes them): the
# patterns constrain the parameter ...
CALIBRATED = "calibrated (history matching, see docs/ODD.md)"
# ... or they do not: the default is a value of the plausible set, but an assumption.
PLAUSIBLE_ONLY = ("assumption: a value of the calibration's plausible set, which the patterns "
                  "do not constrain (history matching, see docs/ODD.md)")

PARAMETERS: tuple[Parameter, ...] = (
    # --- scales and composition -----------------------------------------------------------
    _P("n_members", "int", 8, "Number of member organizations the founders aim for",
       "organizations", 2, 1000, group="composition", label="number of members"),
    _P("horizon", "int", 120, "Months simulated unless the alliance ends earlier",
       "months", 12, 600, group="composition"),
    _P("sector_mix", "choice", "cross_sector", "Which sectors candidate partners come from",
       choices=SECTOR_MIXES, group="composition", setup_only=True),
    _P("candidate_pool", "float", 3.0, "Candidate organizations in the pool per sought seat",
       "candidates/seat", 1.5, 10.0, group="composition", setup_only=True),
    _P("country_set", "choice", SYNTHETIC,
       "Where candidates' national cultures come from: made up around each sector's profile "
       "(synthetic, spread by cultural_diversity) or the published Hofstede scores of their "
       "countries, drawn from a named set",
       choices=tuple(COUNTRY_SETS), source="Hofstede dimension data matrix (2015-12-08)",
       group="composition", setup_only=True, label="partners' countries"),
    _P("cultural_diversity", "float", 1.0,
       "Spread of national culture around each sector's typical profile (1 = a standard "
       "deviation of 10 points per dimension); synthetic partners only",
       "x", 0.0, 3.0, source="Hofstede (2001) dimension spreads", group="composition",
       setup_only=True),
    _P("openness_mean", "float", 0.5,
       "Mean openness (multicultural mindset) of member organizations at entry", "0-1",
       0.0, 1.0, group="composition", setup_only=True, label="members' openness"),
    _P("resource_scarcity", "float", 0.3,
       "How scarce joint resources are; raises conflict and paradox rates", "0-1", 0.0, 1.0,
       group="composition"),
    # --- organizations in the candidate pool -----------------------------------------------
    _P("organizational_culture_sd", "float", 5.0,
       "Spread of each organization's own culture around its sector and country profile",
       "points", 0.0, 20.0, group="organizations", setup_only=True),
    _P("trait_concentration", "float", 8.0,
       "Concentration of the beta distributions of openness and skill (higher: less spread)",
       "-", 2.0, 50.0, group="organizations", setup_only=True),
    _P("resource_spread", "float", 0.35,
       "Log-normal sigma of the resources organizations contribute (median 1)", "-",
       0.0, 1.0, group="organizations", setup_only=True),
    _P("expectation_mean", "float", 0.4,
       "Mean monthly value an organization expects the alliance to bring it", "value/month",
       0.1, 1.0, group="organizations", setup_only=True),
    _P("expectation_spread", "float", 0.15,
       "Half-width of the uniform spread of expectations around their mean", "value/month",
       0.0, 0.5, group="organizations", setup_only=True),
    # --- forming and founding ---------------------------------------------------------------
    _P("search_intensity", "float", 0.25,
       "Invitations sent per month, as a share of the seats sought", "1/month", 0.05, 1.0,
       group="forming"),
    _P("search_breadth", "float", 4.0,
       "Extra candidates screened per invitation at full search quality", "candidates",
       0.0, 10.0, group="forming", mechanism="partner_search", off=0.0),
    _P("fit_goal_weight", "float", 0.4,
       "Weight of goal complementarity in a candidate's fit (the rest: culture, repute)", "-",
       0.0, 1.0, group="forming"),
    _P("fit_culture_weight", "float", 0.3,
       "Weight of cultural proximity in a candidate's fit", "-", 0.0, 1.0, group="forming"),
    _P("acceptance_base", "float", 0.35,
       "Chance a candidate accepts an invitation regardless of fit", "0-1", 0.0, 1.0,
       group="forming"),
    _P("acceptance_fit_weight", "float", 0.5,
       "How much fit (times openness) raises the chance of accepting", "-", 0.0, 1.0,
       group="forming"),
    _P("influence_rate", "float", 0.15,
       "Monthly pull of each member's ambition toward its trusted partners'", "1/month",
       0.0, 1.0, source="DeGroot (1974) opinion pooling", group="forming",
       mechanism="ambition_pooling", off=0.0),
    _P("alignment_required", "float", 0.85,
       "Ambition alignment needed to move from forming to founding", "0-1", 0.5, 1.0,
       group="forming"),
    _P("founding_quorum", "float", 0.75,
       "Share of the sought seats that must be filled before founding", "0-1", 0.3, 1.0,
       group="forming"),
    _P("forming_max_months", "int", 18, "Forming longer than this dissolves the alliance",
       "months", 3, 60, group="forming"),
    _P("founding_speed", "float", 0.35,
       "Negotiation progress per month at full trust, no distance and skilled negotiation",
       "1/month", 0.02, 1.0, group="founding"),
    _P("founding_max_months", "int", 18,
       "Negotiating governance longer than this dissolves the alliance", "months", 3, 60,
       group="founding"),
    _P("negotiation_unaided", "float", 0.5,
       "Negotiation progress without skilled work, relative to the progress at a work "
       "quality of one half", "-", 0.0, 2.0, group="founding"),
    _P("founding_influence_share", "float", 0.5,
       "Ambition pooling while founding, as a share of influence_rate", "0-1", 0.0, 1.0,
       group="founding"),
    _P("negotiation_distance_weight", "float", 0.25,
       "How much cultural distance slows negotiations: progress / (1 + w * distance)", "-",
       0.0, 2.0, group="founding", mechanism="cultural_distance", off=0.0),
    _P("governance_insight", "float", 0.3,
       "Chance of choosing the fitting governance form without skilled deliberation", "0-1",
       0.0, 1.0, group="founding"),
    _P("shared_max_members", "int", 6,
       "Largest alliance for which shared participant governance fits", "organizations",
       3, 20, source="Provan & Kenis (2008): few members", group="founding"),
    _P("shared_min_trust", "float", 0.55,
       "Mean trust needed for shared participant governance to fit", "0-1", 0.0, 1.0,
       source="Provan & Kenis (2008): high trust density", group="founding"),
    _P("lead_max_members", "int", 15,
       "Largest alliance for which a lead organization fits; beyond it an administrative "
       "organization", "organizations", 5, 100,
       source="Provan & Kenis (2008): moderate size", group="founding"),
    _P("contract_max_members", "int", 5,
       "Largest alliance that keeps a plain contract; businesses alone below it form a joint "
       "venture", "organizations", 2, 20, group="founding"),
    _P("foundation_share", "float", 0.5,
       "Chance that a larger alliance with public or NGO members becomes a foundation rather "
       "than an association", "0-1", 0.0, 1.0, group="founding"),
    _P("legal_barrier_weight", "float", 1.0,
       "How much a legal entity damps leaving (1: the full barrier of the legal form)", "-",
       0.0, 1.0, source="Williamson (1991); Gulati (1995): equity ties raise exit costs",
       group="founding", mechanism="legal_exit_barrier", off=0.0),
    # --- trust ------------------------------------------------------------------------------
    _P("trust_initial", "float", 0.5, "Initial trust between new partners", "0-1", 0.0, 1.0,
       group="trust"),
    _P("trust_gain", "float", 0.06,
       "lambda_plus: share of the remaining gap closed by a unit positive signal", "-",
       0.0, 0.5, source="Slovic (1993); coopetition models", group="trust"),
    _P("trust_loss_ratio", "float", 3.0,
       "lambda_minus / lambda_plus: how much more negative signals weigh", "x", 1.0, 10.0,
       source="Slovic (1993): 3:1 in recent coopetition models", group="trust",
       mechanism="trust_asymmetry", off=1.0),
    _P("cooperation_signal", "float", 0.4,
       "Monthly trust signal from working together (before openness, proximity, upkeep)",
       "signal/month", 0.0, 2.0, group="trust", mechanism="cooperation_trust", off=0.0),
    _P("openness_trust_weight", "float", 1.0,
       "How much openness strengthens trust built by working together", "-", 0.0, 2.0,
       group="trust"),
    _P("proximity_decay", "float", 0.25,
       "How fast the trust built by working together falls with cultural distance: "
       "exp(-decay * distance)", "1/KS", 0.0, 2.0, source="Kogut & Singh (1988)",
       group="trust", mechanism="cultural_distance", off=0.0),
    _P("compromise_signal", "float", 0.4,
       "Trust signal of a compromise, relative to a constructive resolution (+1)", "-",
       0.0, 1.0, group="trust"),
    _P("spillover_signal", "float", 0.2,
       "Trust signal bystanders receive about both parties of an escalation", "-",
       0.0, 1.0, group="trust", mechanism="escalation_spillover", off=0.0),
    _P("reference_size", "int", 8,
       "Alliance size up to which one pair's conflict weighs fully on the whole alliance",
       "organizations", 2, 50, group="trust"),
    # --- commitment -------------------------------------------------------------------------
    _P("commitment_initial", "float", 0.7, "Commitment of a member when it joins", "0-1",
       0.3, 1.0, group="commitment"),
    _P("commitment_sensitivity", "float", 0.393,
       "How strongly an assessment moves commitment", "-", 0.0, 1.0,
       source=PLAUSIBLE_ONLY, group="commitment"),
    _P("assessment_interval", "int", 6, "Months between members' relationship assessments",
       "months", 1, 24, source="Ring & Van de Ven (1994)", group="commitment"),
    _P("efficiency_weight", "float", 0.6,
       "Weight of efficiency (value against expectations) in a member's satisfaction", "-",
       0.0, 1.0, source="Ring & Van de Ven (1994): efficiency and equity", group="commitment"),
    _P("equity_weight", "float", 0.4,
       "Weight of equity (the member's trust in its partners) in its satisfaction", "-",
       0.0, 1.0, source="Ring & Van de Ven (1994): efficiency and equity", group="commitment"),
    _P("identity_weight", "float", 0.2,
       "Weight of collective identity in a member's satisfaction", "-", 0.0, 1.0,
       group="commitment"),
    _P("identity_neutral", "float", 0.3,
       "Collective identity at which it neither adds to nor takes from satisfaction", "0-1",
       0.0, 1.0, group="commitment"),
    _P("assessment_noise", "float", 0.03,
       "Standard deviation of idiosyncratic changes in commitment at an assessment", "0-1",
       0.0, 0.2, group="commitment"),
    _P("committed_threshold", "float", 0.6,
       "Commitment at which a member counts as committed", "0-1", 0.3, 0.95,
       group="commitment", setup_only=True),
    _P("disengaged_threshold", "float", 0.3,
       "Commitment below which a member counts as disengaged", "0-1", 0.05, 0.5,
       group="commitment", setup_only=True),
    _P("commitment_hysteresis", "float", 0.05,
       "How far commitment must cross a threshold before the state changes", "0-1",
       0.0, 0.1, group="commitment", setup_only=True, mechanism="commitment_hysteresis", off=0.0),
    _P("exit_rate", "float", 0.25, "Monthly chance that a disengaged member leaves",
       "1/month", 0.0, 1.0, group="commitment"),
    _P("viability_share", "float", 0.35,
       "Share of the resources pooled at founding that the remaining partners must still "
       "bring for the alliance to pursue its ambition (and at least two partners)", "0-1",
       0.0, 1.0, source="assumption: an alliance ends when too few remain to pursue the "
       "pooled ambition; no source gives the share", group="commitment"),
    _P("identity_initial", "float", 0.1, "Collective identity of a new alliance", "0-1",
       0.0, 1.0, group="commitment"),
    _P("identity_loss_exit", "float", 0.02,
       "Collective identity lost when a member leaves", "0-1", 0.0, 0.2, group="commitment"),
    _P("expectation_adaptation", "float", 0.2,
       "Share of the gap between expected and received value a member closes at a "
       "well-run assessment", "-", 0.0, 1.0, source="adaptive expectations; assumption",
       group="commitment", mechanism="expectation_adaptation", off=0.0),
    # --- conflicts --------------------------------------------------------------------------
    _P("conflict_rate", "float", 0.0568,
       "Baseline conflicts per member per month before drivers", "1/month", 0.0, 0.5,
       source=PLAUSIBLE_ONLY, group="conflicts"),
    _P("culture_conflict_weight", "float", 0.5,
       "How strongly cultural distance raises a pair's conflict hazard: 1 + w * distance",
       "1/KS", 0.0, 3.0, source="Kogut & Singh (1988)", group="conflicts",
       mechanism="cultural_distance", off=0.0),
    _P("goal_conflict_weight", "float", 2.0,
       "How strongly goal divergence raises a pair's conflict hazard", "-", 0.0, 5.0,
       group="conflicts", setup_only=True),
    _P("distrust_conflict_weight", "float", 2.0,
       "How strongly low mutual trust raises a pair's conflict hazard", "-", 0.0, 5.0,
       group="conflicts"),
    _P("scarcity_conflict_weight", "float", 1.0,
       "How strongly scarcity raises the conflict and paradox rates", "-", 0.0, 3.0,
       group="conflicts"),
    _P("tension_conflict_weight", "float", 0.1,
       "How strongly accumulated tension raises the conflict hazard", "1/tension", 0.0, 1.0,
       group="conflicts"),
    _P("misfit_conflict_weight", "float", 0.5,
       "How strongly a governance misfit raises the conflict hazard", "-", 0.0, 2.0,
       source="Provan & Kenis (2008)", group="conflicts", mechanism="governance_fit",
       off=0.0),
    _P("style_noise", "float", 0.12,
       "Standard deviation of the situational noise in a party's conflict style", "0-1",
       0.0, 0.5, group="conflicts"),
    _P("style_band", "float", 0.075,
       "Half-width of the middle band of assertiveness and cooperativeness (compromising)",
       "0-1", 0.0, 0.3, source="Thomas (1992): compromising sits in the middle",
       group="conflicts"),
    _P("cooperativeness_openness_share", "float", 0.5,
       "Share of a party's cooperativeness that comes from openness (the rest from trust)",
       "0-1", 0.0, 1.0, group="conflicts"),
    _P("mediation_strength", "float", 0.8,
       "Share of the gap to a perfect resolution that fully skilled, fully timed mediation "
       "closes", "0-1", 0.0, 1.0, group="conflicts", mechanism="conflict_mediation",
       off=0.0),
    _P("trust_resolution_weight", "float", 0.4,
       "How much a pair's mutual trust helps resolve its conflict", "0-1", 0.0, 1.0,
       group="conflicts"),
    _P("openness_resolution_weight", "float", 0.3,
       "How much a pair's openness helps resolve its conflict", "0-1", 0.0, 1.0,
       group="conflicts"),
    _P("constructive_share", "float", 0.6,
       "Share of resolved conflicts that end constructively rather than by compromise",
       "0-1", 0.0, 1.0, group="conflicts"),
    _P("tension_escalation", "float", 1.0, "Tension added by an escalated conflict",
       "tension", 0.0, 5.0, group="conflicts"),
    _P("tension_latent", "float", 0.5, "Tension added by a conflict left latent", "tension",
       0.0, 5.0, group="conflicts"),
    _P("tension_relief_constructive", "float", 0.5,
       "Tension relieved by a constructive resolution", "tension", 0.0, 5.0,
       group="conflicts"),
    _P("tension_relief_compromise", "float", 0.2, "Tension relieved by a compromise",
       "tension", 0.0, 5.0, group="conflicts"),
    _P("escalation_commitment_loss", "float", 0.05,
       "Commitment each party loses in an escalation", "0-1", 0.0, 0.5, group="conflicts"),
    _P("identity_gain_constructive", "float", 0.02,
       "Collective identity gained by a constructive resolution", "0-1", 0.0, 0.2,
       group="conflicts"),
    _P("identity_loss_escalation", "float", 0.03,
       "Collective identity lost by an escalation", "0-1", 0.0, 0.2, group="conflicts"),
    # --- paradoxes --------------------------------------------------------------------------
    _P("paradox_rate", "float", 0.06, "Baseline paradox events per month", "1/month",
       0.0, 0.5, source="Das & Teng (2000); Smith & Lewis (2011)", group="paradoxes"),
    _P("change_salience_months", "int", 3,
       "Months after a phase change, shock or membership change during which paradoxes are "
       "more salient", "months", 0, 24, source="Smith & Lewis (2011): change", group="paradoxes"),
    _P("paradox_skill_weight", "float", 0.5,
       "Weight of the paradox work done (skill x time) in the chance of a both/and response",
       "0-1", 0.0, 1.0, source="Smith & Lewis (2011)", group="paradoxes",
       mechanism="paradox_work", off=0.0),
    _P("paradox_learning_weight", "float", 0.3,
       "Weight of the learning environment in the chance of a both/and response", "0-1",
       0.0, 1.0, group="paradoxes", mechanism="learning_environment", off=0.0),
    _P("paradox_openness_weight", "float", 0.2,
       "Weight of members' openness in the chance of a both/and response", "0-1", 0.0, 1.0,
       group="paradoxes"),
    _P("suppression_share", "float", 0.5,
       "Share of the remaining responses that suppress the tension, at zero identity", "0-1",
       0.0, 1.0, group="paradoxes"),
    _P("paradox_relief", "float", 1.0,
       "Tension relieved by working through a paradox, per unit of intensity", "tension",
       0.0, 5.0, group="paradoxes"),
    _P("paradox_either_or_tension", "float", 0.7,
       "Tension added by choosing one pole, per unit of intensity", "tension", 0.0, 5.0,
       group="paradoxes"),
    _P("paradox_suppressed_tension", "float", 0.5,
       "Tension added by suppressing a paradox, per unit of intensity", "tension", 0.0, 5.0,
       group="paradoxes"),
    _P("paradox_effect", "float", 0.05,
       "Effect of a paradox response on the state its category touches (identity, "
       "alignment, governance fit or experience), per unit of intensity", "-", 0.0, 0.3,
       source="Smith & Lewis (2011)", group="paradoxes", mechanism="paradox_consequences",
       off=0.0),
    # --- stagnation -------------------------------------------------------------------------
    _P("stagnation_latent_limit", "float", 3.0,
       "Open latent issues (latent conflicts weighted by size, suppressed paradoxes) that "
       "start stagnation", "issues", 1.0, 20.0, group="stagnation"),
    _P("stagnation_value_share", "float", 0.5,
       "Monthly value below this share of members' mean expectation starts stagnation",
       "0-1", 0.0, 1.0, group="stagnation"),
    _P("stagnation_limit", "int", 6,
       "Months of undiscussed stagnation that force the alliance into transforming",
       "months", 1, 36, group="stagnation"),
    _P("stagnation_learning_weight", "float", 0.6,
       "How much the learning environment helps spot and discuss stagnation", "0-1",
       0.0, 1.0, group="stagnation", mechanism="learning_environment", off=0.0),
    _P("stagnation_discussion", "float", 1.0,
       "Chance per month that fully skilled, fully timed work gets stagnation discussed, "
       "before the learning environment", "0-1", 0.0, 1.0, group="stagnation",
       mechanism="stagnation_discussion", off=0.0),
    _P("stagnation_value_loss", "float", 0.5,
       "Share of joint value lost while the alliance stagnates", "0-1", 0.0, 1.0,
       group="stagnation", mechanism="stagnation", off=0.0),
    _P("stagnation_commitment_loss", "float", 0.02,
       "Commitment every member loses per month of undiscussed stagnation", "1/month",
       0.0, 0.2, group="stagnation", mechanism="stagnation", off=0.0),
    _P("stagnation_relief", "float", 1.0,
       "Tension relieved when stagnation is discussed", "tension", 0.0, 5.0,
       group="stagnation"),
    _P("stagnation_recommitment", "float", 0.03,
       "Commitment every member regains when stagnation is discussed and work picks up",
       "0-1", 0.0, 0.3, group="stagnation"),
    _P("tension_limit", "float", 12.8,
       "Accumulated unresolved tension that forces the alliance into transforming", "tension",
       1.0, 30.0, source=PLAUSIBLE_ONLY, group="stagnation"),
    # --- shocks and entries -----------------------------------------------------------------
    _P("shock_rate", "float", 0.01, "External shocks per month", "1/month", 0.0, 0.2,
       group="shocks", mechanism="shocks", off=0.0),
    _P("shock_severity", "float", 0.35, "Mean severity of an external shock", "0-1",
       0.0, 1.0, group="shocks"),
    _P("shock_severity_sd", "float", 0.15, "Standard deviation of shock severity", "0-1",
       0.0, 0.5, group="shocks"),
    _P("major_shock_severity", "float", 0.5,
       "Severity from which a shock forces the alliance into transforming", "0-1", 0.0, 1.0,
       group="shocks"),
    _P("shock_resource_loss", "float", 0.5,
       "Share of resources a shock of severity 1 takes away", "0-1", 0.0, 1.0,
       group="shocks"),
    _P("shock_tension", "float", 2.0, "Tension added by a shock of severity 1", "tension",
       0.0, 10.0, group="shocks"),
    _P("resource_recovery", "float", 0.05,
       "Share of lost resources that returns each month", "1/month", 0.0, 1.0,
       group="shocks"),
    _P("scarcity_recovery", "float", 0.1,
       "Share of a shock's extra scarcity that fades each month", "1/month", 0.0, 1.0,
       group="shocks"),
    _P("entry_rate", "float", 0.01,
       "Monthly chance that a new partner joins while evolving", "1/month", 0.0, 0.2,
       group="shocks"),
    # --- value and ambition -----------------------------------------------------------------
    _P("ambition_months", "float", 226.0,
       "The founders' shared ambition (the objectives), in months of their mean expected "
       "monthly value: the objectives are this many months of what the founders expect",
       "months", 10.0, 500.0, source=CALIBRATED, group="value"),
    _P("fit_value_weight", "float", 0.4,
       "Share of joint value that depends on governance fit", "0-1", 0.0, 1.0,
       source="Provan & Kenis (2008)", group="value", mechanism="governance_fit", off=0.0),
    _P("learning_value_weight", "float", 0.3,
       "Extra joint value from a fully developed learning environment", "-", 0.0, 1.0,
       group="value", mechanism="learning_environment", off=0.0),
    _P("experience_half", "float", 5.0,
       "Accumulated experience at which the learning environment is half developed",
       "experience", 0.5, 50.0, group="value"),
    _P("renewal_propensity", "float", 0.522,
       "Chance that a partner who is content after the ambition was reached wants a new "
       "round rather than to complete", "0-1", 0.0, 1.0, source=PLAUSIBLE_ONLY,
       group="transforming"),
    _P("transform_months", "int", 2, "Months a re-evaluation takes", "months", 1, 12,
       source="Doz (1996)", group="transforming"),
    _P("stay_threshold", "float", 0.45,
       "Re-evaluation score a partner needs to stay in a renewed alliance", "0-1",
       0.0, 1.0, group="transforming"),
    _P("reevaluation_weight", "float", 0.5,
       "Weight of what the alliance delivered and still promises, against commitment, in a "
       "partner's re-evaluation", "0-1", 0.0, 1.0, source="Doz (1996)",
       group="transforming", mechanism="reevaluation", off=0.0),
    _P("promise_months", "int", 36,
       "Months within which partners want the rest of the ambition to be within reach",
       "months", 6, 120, group="transforming"),
    _P("reevaluation_noise", "float", 0.1,
       "Standard deviation of idiosyncratic judgement in a partner's re-evaluation", "0-1",
       0.0, 0.5, group="transforming"),
    _P("renewal_facilitation", "float", 0.15,
       "Commitment regained by partners who stay, at fully skilled, fully timed "
       "facilitation of the re-evaluation", "0-1", 0.0, 0.5, group="transforming",
       mechanism="facilitated_renewal", off=0.0),
    _P("renewal_tension_relief", "float", 0.5,
       "Share of accumulated tension a renewal clears", "0-1", 0.0, 1.0,
       group="transforming"),
    # --- management: who holds the time ----------------------------------------------------
    _P("management_mode", "choice", "dedicated",
       "Who holds the management time: nobody, a dedicated professional, the members, or both",
       choices=MANAGEMENT_MODES, group="management", setup_only=True),
    _P("management_budget", "float", 1.0,
       "Management time the alliance sets aside (the same budget in every mode)", "FTE",
       0.0, 5.0, group="management", setup_only=True),
    _P("hybrid_manager_share", "float", 0.5,
       "Share of the budget held by the manager in the hybrid mode", "0-1", 0.0, 1.0,
       group="management", setup_only=True),
    _P("work_allocation", "choice", "shared",
       "How work is divided among those with time left: in proportion to their time "
       "(shared) or by the most skilled first",
       choices=WORK_ALLOCATIONS, group="management"),
    _P("member_time", "float", 1.0,
       "Time each member organization gives the alliance in all (joint work and management)",
       "FTE", 0.1, 5.0, group="management", setup_only=True),
    _P("spare_attention", "float", 0.0613,
       "Share of a member's time it can find for management work beyond the budget (taken "
       "from joint work)", "0-1", 0.0, 0.5, source=PLAUSIBLE_ONLY, group="management"),
    _P("management_price", "float", 0.929,
       "Joint work given up per FTE of management time, as FTE of joint work (the same "
       "price for a manager's salary and for members' time)", "FTE/FTE", 0.0, 3.0,
       source=PLAUSIBLE_ONLY, group="management", mechanism="management_cost", off=0.0),
    # --- management work: what there is to do ----------------------------------------------
    _P("effort_conflict", "float", 0.03, "Time to mediate one conflict", "FTE-months",
       0.0, 0.5, group="management work"),
    _P("effort_paradox", "float", 0.05, "Time to work through one paradox", "FTE-months",
       0.0, 0.5, group="management work"),
    _P("effort_stagnation", "float", 0.05,
       "Time to spot and discuss stagnation, per month it lasts", "FTE-months", 0.0, 0.5,
       group="management work"),
    _P("effort_search", "float", 0.01, "Time to screen one candidate partner", "FTE-months",
       0.0, 0.2, group="management work"),
    _P("effort_negotiation", "float", 0.1,
       "Time per month of negotiating governance and legal form", "FTE-months", 0.0, 1.0,
       group="management work"),
    _P("effort_assessment", "float", 0.01,
       "Time per member to prepare and run a periodic assessment", "FTE-months", 0.0, 0.2,
       group="management work"),
    _P("effort_renewal", "float", 0.02,
       "Time per member to facilitate the re-evaluation at a transformation", "FTE-months",
       0.0, 0.2, group="management work"),
    _P("effort_contact", "float", 0.01,
       "Time per month to keep one pair of members in touch (one tie to the hub under a "
       "lead or administrative organization)", "FTE-months", 0.0, 0.1,
       group="management work", mechanism="relationship_upkeep", off=0.0),
    _P("contact_distance_weight", "float", 1.0,
       "How much cultural distance adds to the upkeep of a tie: 1 + w * distance", "1/KS",
       0.0, 3.0, source="Kogut & Singh (1988)", group="management work",
       mechanism="workload_growth", off=0.0),
    _P("effort_newcomer", "float", 0.03,
       "Extra upkeep per month for each member in its first months", "FTE-months",
       0.0, 0.3, group="management work"),
    _P("newcomer_months", "int", 6, "Months a new member needs extra upkeep", "months",
       0, 24, group="management work"),
    _P("coordination_value_weight", "float", 0.3,
       "Share of joint value that depends on keeping members in touch", "0-1", 0.0, 1.0,
       source="Gulati & Singh (1998): coordination costs", group="management work",
       mechanism="relationship_upkeep", off=0.0),
    _P("contact_trust_weight", "float", 0.5,
       "Share of the trust built by working together that depends on keeping in touch",
       "0-1", 0.0, 1.0, group="management work", mechanism="relationship_upkeep", off=0.0),
    _P("assessment_alignment", "float", 1.0,
       "Extra ambition pooling at an assessment, at fully skilled, fully timed facilitation",
       "x influence_rate", 0.0, 3.0, group="management work",
       mechanism="facilitated_assessment", off=0.0),
    # --- skill and learning -----------------------------------------------------------------
    _P("member_skill_mean", "float", 0.64,
       "Mean alliance-management skill of member organizations at entry", "0-1", 0.0, 1.0,
       source=PLAUSIBLE_ONLY, group="learning", setup_only=True, label="members' starting skill"),
    _P("skill_learning_rate", "float", 0.505,
       "Share of the skill gap a holder of management time (a member's representative or a "
       "manager) closes per FTE-month of management work it does",
       "1/FTE-month", 0.0, 2.0, source=PLAUSIBLE_ONLY, group="learning",
       mechanism="learning_by_doing", off=0.0),
    _P("skill_fade", "float", 0.01,
       "Monthly share of a holder's skill above its entry (or hiring) level that fades",
       "1/month",
       0.0, 0.2, source="forgetting curves; assumption", group="learning",
       mechanism="skill_fade", off=0.0),
    _P("experience_decay", "float", 0.02, "Monthly decay of the alliance's experience",
       "1/month", 0.0, 0.2, group="learning"),
    _P("openness_learning", "float", 0.02,
       "Share of the openness gap closed per month of working with partners one "
       "Kogut-Singh unit away", "1/month", 0.0, 0.2,
       source="contact hypothesis (Pettigrew & Tropp 2006)", group="learning",
       mechanism="openness_learning", off=0.0),
    _P("training_openness_share", "float", 0.5,
       "Share of a training's skill effect that it also has on openness", "0-1", 0.0, 1.0,
       group="learning"),
    # --- the dedicated manager --------------------------------------------------------------
    _P("manager_skill_premium", "float", 0.0,
       "A professional's starting skill above the members' mean starting skill (a manager "
       "is hired at members' mean + premium, spread by manager_skill_sd, within 0-1)",
       "skill (0-1)", -0.4, 0.5,
       source="assumption: no study measures how much more skilled a hired alliance "
       "professional is than the partners' own representatives; 0 is the choice that favours "
       "neither, and the answer is reported as the premium at which a professional pays off "
       "(the tie point)", group="manager", label="professional's skill premium"),
    _P("manager_skill_sd", "float", 0.05, "Spread of skill between hired managers", "0-1",
       0.0, 0.3, group="manager"),
    _P("knowledge_initial", "float", 0.3,
       "Knowledge of this alliance's people and history of anyone new to its management "
       "work (a manager, a member's representative, everyone at the start)", "0-1", 0.0, 1.0,
       source="assumption", group="learning"),
    _P("knowledge_gain", "float", 0.05,
       "Share of the knowledge gap a holder of management time closes each month in the "
       "alliance", "1/month", 0.0, 0.5, source="assumption", group="learning"),
    _P("knowledge_weight", "float", 0.4,
       "Share of the effective skill of a holder of management time that depends on knowing "
       "the alliance", "0-1", 0.0, 1.0, source="assumption; partner-specific experience "
       "(Hoang & Rothaermel 2005)", group="learning", mechanism="alliance_knowledge",
       off=0.0),
    _P("manager_turnover", "float", 0.0309,
       "Monthly chance that the dedicated manager leaves", "1/month", 0.0, 0.3,
       source=PLAUSIBLE_ONLY, group="manager", mechanism="manager_turnover",
       off=0.0),
    _P("manager_vacancy", "int", 6, "Months until a departed manager is replaced", "months",
       0, 36, group="manager", mechanism="manager_turnover", off=0),
    _P("representative_turnover", "float", 0.0309,
       "Monthly chance that a member's representative in the alliance's work is replaced by "
       "a colleague, who starts from the organization's entry skill and new to the alliance",
       "1/month", 0.0, 1.0, source="assumption: the default of a manager's turnover (the "
       "same people, the same labour market); the organization fills the seat at once",
       group="learning", mechanism="representative_turnover", off=0.0),
    _P("self_mediation_discount", "float", 0.3,
       "Share of their skill the parties to a conflict lose when they mediate it themselves "
       "rather than a neutral third party (the manager or another member's representative)",
       "0-1", 0.0, 0.8, source="third-party mediation settles more disputes than the parties "
       "alone (Wall & Dunne 2012; Bercovitch & Houston 1996); the size is an assumption",
       group="conflicts", mechanism="neutral_mediation", off=0.0),
    _P("participation_commitment", "float", 0.1,
       "Commitment a member gains per FTE-month of management work it does itself "
       "(ownership through participation)", "1/FTE-month", 0.0, 3.0,
       source="participation and procedural justice build commitment (Korsgaard, Schweiger "
       "& Sapienza 1995; Kim & Mauborgne 1998); the size is an assumption",
       group="learning", mechanism="participation_ownership", off=0.0),
    _P("practice_openness", "float", 0.5,
       "Share of its openness gap a member closes per FTE-month of conflict or paradox work, "
       "per Kogut-Singh unit of cultural distance it bridges", "1/(FTE-month KS)", 0.0, 10.0,
       source="cultural intelligence grows with intercultural practice (Earley & Ang 2003; "
       "Johnson, Lenartowicz & Apud 2006); the size is an assumption", group="learning",
       mechanism="practice_openness", off=0.0),
    _P("peer_learning_rate", "float", 0.5,
       "Share of the gap to the mean skill of everyone who did management work this month "
       "that a holder who worked closes per FTE-month worked, in a fully developed learning "
       "environment", "1/FTE-month", 0.0, 5.0,
       source="knowledge transfer between people who work together (Argote & Ingram 2000; "
       "Kale & Singh 2007); the size is an assumption", group="learning",
       mechanism="peer_learning", off=0.0),
    _P("training_time", "float", 0.5,
       "Time each trainee (members' representatives and the manager) spends on a training "
       "programme per unit of its effect (closing the whole skill gap), paid from joint work "
       "at the price of management time", "FTE-months", 0.0, 3.0, source="assumption",
       group="learning", mechanism="training_cost", off=0.0),
)

PARAMETERS_BY_NAME: dict[str, Parameter] = {p.name: p for p in PARAMETERS}


def defaults() -> dict[str, Value]:
    """A fresh dict of every parameter's default value."""
    return {p.name: p.default for p in PARAMETERS}


def mechanism_off(name: str) -> dict[str, Value]:
    """The parameter values that switch mechanism ``name`` off (see :data:`MECHANISMS`)."""
    if name not in MECHANISMS:
        raise KeyError(f"unknown mechanism {name!r}; known: {', '.join(MECHANISMS)}")
    return {p.name: p.off for p in PARAMETERS if p.mechanism == name and p.off is not None}
