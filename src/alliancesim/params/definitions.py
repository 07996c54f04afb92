"""The single definition of every model parameter.

Everything that lists parameters (model validation, scenario files, CLI help, app sliders,
sweep bounds, the ODD table) is derived from :data:`PARAMETERS`, so nothing is listed twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["float", "int", "choice"]


@dataclass(frozen=True)
class Parameter:
    """One model parameter: what it means, its unit, default, allowed range and source."""

    name: str
    kind: Kind
    default: float | int | str
    meaning: str
    unit: str = "-"
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] = field(default_factory=tuple)
    source: str = "assumption"
    group: str = "general"
    setup_only: bool = False  # read only when the alliance is set up; cannot change mid-run

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


MANAGEMENT_MODES = ("none", "dedicated", "transversal", "hybrid")
SECTOR_MIXES = ("cross_sector", "business", "public_private")

_P = Parameter

PARAMETERS: tuple[Parameter, ...] = (
    # --- scales and composition -----------------------------------------------------------
    _P("n_members", "int", 8, "Number of member organizations the founders aim for",
       "organizations", 3, 1000, group="composition"),
    _P("horizon", "int", 120, "Months simulated unless the alliance ends earlier",
       "months", 12, 600, group="composition"),
    _P("sector_mix", "choice", "cross_sector", "Which sectors candidate partners come from",
       choices=SECTOR_MIXES, group="composition", setup_only=True),
    _P("candidate_pool", "float", 3.0, "Candidate organizations in the pool per sought seat",
       "candidates/seat", 1.5, 10.0, group="composition", setup_only=True),
    _P("cultural_diversity", "float", 1.0,
       "Spread of national culture around each sector's typical profile (scales deviations)",
       "x", 0.0, 3.0, source="Hofstede (2001) dimension spreads", group="composition",
       setup_only=True),
    _P("openness_mean", "float", 0.5,
       "Mean openness (multicultural mindset) of member organizations", "0-1", 0.0, 1.0,
       group="composition", setup_only=True),
    _P("resource_scarcity", "float", 0.3,
       "How scarce joint resources are; raises conflict and paradox rates", "0-1", 0.0, 1.0,
       group="composition"),
    # --- forming and founding ---------------------------------------------------------------
    _P("search_intensity", "float", 0.25,
       "Invitations sent per month, as a share of the seats sought", "1/month", 0.05, 1.0,
       group="forming"),
    _P("influence_rate", "float", 0.15,
       "Monthly pull of each member's ambition toward its trusted partners'", "1/month",
       0.0, 1.0, source="DeGroot (1974) opinion pooling", group="forming"),
    _P("alignment_required", "float", 0.85,
       "Ambition alignment needed to move from forming to founding", "0-1", 0.5, 1.0,
       group="forming"),
    _P("forming_max_months", "int", 18, "Forming longer than this dissolves the alliance",
       "months", 3, 60, group="forming"),
    _P("founding_speed", "float", 0.35,
       "Negotiation progress per month at full trust, average skill and no distance",
       "1/month", 0.02, 1.0, group="founding"),
    _P("founding_max_months", "int", 18,
       "Negotiating governance longer than this dissolves the alliance", "months", 3, 60,
       group="founding"),
    # --- trust and commitment ---------------------------------------------------------------
    _P("trust_initial", "float", 0.5, "Initial trust between new partners", "0-1", 0.0, 1.0,
       group="trust"),
    _P("trust_gain", "float", 0.06,
       "lambda_plus: share of the remaining gap closed by a unit positive signal", "-",
       0.0, 0.5, source="Slovic (1993); coopetition models", group="trust"),
    _P("trust_loss_ratio", "float", 3.0,
       "lambda_minus / lambda_plus: how much more negative signals weigh", "x", 1.0, 10.0,
       source="Slovic (1993): 3:1 in recent coopetition models", group="trust"),
    _P("commitment_initial", "float", 0.7, "Commitment of a member when it joins", "0-1",
       0.3, 1.0, group="commitment"),
    _P("commitment_sensitivity", "float", 0.29,
       "How strongly an assessment moves commitment", "-", 0.0, 1.0,
       source="Ring & Van de Ven (1994); calibrated", group="commitment"),
    _P("assessment_interval", "int", 6, "Months between members' relationship assessments",
       "months", 1, 24, source="Ring & Van de Ven (1994)", group="commitment"),
    _P("exit_rate", "float", 0.25, "Monthly chance that a disengaged member leaves",
       "1/month", 0.0, 1.0, group="commitment"),
    _P("min_members", "int", 3, "Fewer active members than this dissolves the alliance",
       "organizations", 2, 20, group="commitment"),
    # --- events -----------------------------------------------------------------------------
    _P("conflict_rate", "float", 0.088,
       "Baseline conflicts per member per month before drivers", "1/month", 0.0, 0.5,
       source="Thomas (1992); calibrated", group="events"),
    _P("culture_conflict_weight", "float", 1.0,
       "How strongly cultural distance raises the conflict rate", "-", 0.0, 5.0,
       source="Kogut & Singh (1988)", group="events"),
    _P("paradox_rate", "float", 0.06, "Baseline paradox events per month", "1/month",
       0.0, 0.5, source="Das & Teng (2000); Smith & Lewis (2011)", group="events"),
    _P("shock_rate", "float", 0.01, "External shocks per month", "1/month", 0.0, 0.2,
       group="events"),
    _P("shock_severity", "float", 0.35, "Mean severity of an external shock", "0-1",
       0.0, 1.0, group="events"),
    _P("stagnation_limit", "int", 6,
       "Months of unresolved stagnation that force the alliance into transforming", "months",
       1, 36, group="events"),
    _P("tension_limit", "float", 6.8,
       "Accumulated unresolved tension that forces the alliance into transforming", "-",
       1.0, 30.0, source="calibrated", group="events"),
    _P("entry_rate", "float", 0.01,
       "Monthly chance that a new partner joins while evolving", "1/month", 0.0, 0.2,
       group="events"),
    # --- value and ambition -----------------------------------------------------------------
    _P("value_target", "float", 75.0,
       "Joint value that fulfils the shared ambition (objectives met)", "value units",
       5.0, 200.0, source="calibrated", group="value"),
    _P("renewal_propensity", "float", 0.46,
       "Chance that an alliance that reached its ambition renews rather than completes",
       "0-1", 0.0, 1.0, source="Doz (1996); calibrated", group="value"),
    # --- management -------------------------------------------------------------------------
    _P("management_mode", "choice", "dedicated",
       "Who manages the alliance: nobody, a dedicated professional, every member, or both",
       choices=MANAGEMENT_MODES, group="management", setup_only=True),
    _P("management_budget", "float", 1.0,
       "Management effort the alliance funds (same budget across modes)", "FTE",
       0.0, 5.0, group="management", setup_only=True),
    _P("interventions_per_fte", "float", 3.0,
       "Conflict or stagnation interventions one FTE can make per month", "1/month",
       0.5, 20.0, group="management"),
    _P("manager_skill", "float", 0.8, "Skill of a dedicated professional manager", "0-1",
       0.0, 1.0, group="management"),
    _P("manager_turnover", "float", 0.025,
       "Monthly chance that the dedicated manager leaves", "1/month", 0.0, 0.3,
       source="mean tenure about 3 years", group="management"),
    _P("manager_vacancy", "int", 6, "Months until a departed manager is replaced", "months",
       0, 36, group="management"),
    _P("member_skill_mean", "float", 0.3,
       "Mean alliance-management skill of member organizations at entry", "0-1", 0.0, 1.0,
       group="management", setup_only=True),
    _P("skill_learning_rate", "float", 0.08,
       "Share of the skill gap a member closes per experience when it practises management",
       "-", 0.0, 0.5, source="learning-curve assumption", group="management"),
    _P("experience_decay", "float", 0.02, "Monthly decay of unused alliance experience",
       "1/month", 0.0, 0.2, group="management"),
)

PARAMETERS_BY_NAME: dict[str, Parameter] = {p.name: p for p in PARAMETERS}


def defaults() -> dict[str, float | int | str]:
    """A fresh dict of every parameter's default value."""
    return {p.name: p.default for p in PARAMETERS}
