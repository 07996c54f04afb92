"""The alliance-level state: phase, value, tension, identity, experience, stagnation, ...

Every process changes this state through the methods below, which keep each quantity in its
range in one place; nothing else writes these fields.
"""

from __future__ import annotations

from dataclasses import dataclass, field

FORMING = "forming"


def clamp01(value: float) -> float:
    """``value`` limited to [0, 1]."""
    return 0.0 if value < 0.0 else 1.0 if value > 1.0 else value


@dataclass(slots=True)
class AllianceState:
    """What the alliance as a whole is and has, month by month."""

    identity: float
    experience_half: float
    phase: str = FORMING
    months_in_phase: int = 0
    phase_history: list[tuple[int, str, str]] = field(default_factory=list)
    # value and ambition
    value_now: float = 0.0
    value_total: float = 0.0
    value_since_assessment: float = 0.0
    value_since_renewal: float = 0.0
    months_since_renewal: int = 0
    # The objectives: set when the founders pool their ambition (entering founding).
    value_target: float = float("inf")
    ambition_target: float = float("inf")
    pooled_resources: float = 0.0
    management_cost_now: float = 0.0
    management_cost_total: float = 0.0
    # founding and governance
    founding_progress: float = 0.0
    negotiation_quality_sum: float = 0.0
    negotiation_months: int = 0
    governance: str | None = None
    legal_form: str | None = None
    governance_fit: float | None = None
    exit_barrier: float = 1.0
    # climate
    experience: float = 0.0
    tension: float = 0.0
    upkeep: float = 0.0  # how well members were kept in touch this month (0-1)
    latent_open: int = 0
    suppressed_open: int = 0
    stagnating: bool = False
    stagnation_months: int = 0
    scarcity_shock: float = 0.0
    major_shock: bool = False
    last_change: int = 0
    # transformation
    transform_reason: str = ""
    decision: tuple[str, str] | None = None
    renewal_quality: float = 0.0
    renewals: int = 0

    # --- phase ----------------------------------------------------------------------------
    def enter_phase(self, month: int, phase: str, reason: str) -> None:
        """Record that the alliance moved into ``phase`` this month."""
        self.phase = phase
        self.months_in_phase = 0
        self.last_change = month
        self.phase_history.append((month, phase, reason))
        self.value_since_assessment = 0.0
        self.decision = None

    # --- value ----------------------------------------------------------------------------
    def add_value(self, gross: float, cost_share: float) -> None:
        """Joint work created ``gross`` value; ``cost_share`` of it paid for management."""
        cost = gross * clamp01(cost_share)
        self.value_now = gross - cost
        self.management_cost_now = cost
        self.management_cost_total += cost
        self.value_total += self.value_now
        self.value_since_assessment += self.value_now
        self.value_since_renewal += self.value_now

    def close_assessment(self) -> float:
        """The value created since the last assessment, which starts a new period."""
        value, self.value_since_assessment = self.value_since_assessment, 0.0
        return value

    def no_value(self) -> None:
        """A month without joint work (forming, founding)."""
        self.value_now = 0.0
        self.management_cost_now = 0.0

    def pool_ambition(self, target: float, resources: float) -> None:
        """The founders pool their ambition (the objectives) and their resources."""
        self.value_target = self.ambition_target = target
        self.pooled_resources = resources

    def raise_ambition(self, extra: float) -> None:
        """A renewal after success sets a new ambition ``extra`` beyond what was reached."""
        self.ambition_target = self.value_total + extra

    def start_round(self) -> None:
        """A renewal starts a new round: what it delivers is counted afresh."""
        self.value_since_renewal = 0.0
        self.months_since_renewal = 0
        self.renewals += 1

    # --- founding -------------------------------------------------------------------------
    def negotiate(self, progress: float, quality: float) -> None:
        """A month of negotiations made ``progress`` with work of ``quality``."""
        self.founding_progress += max(0.0, progress)
        self.negotiation_quality_sum += quality
        self.negotiation_months += 1

    @property
    def negotiation_quality(self) -> float:
        """Mean quality of the negotiation work done so far (0 before any)."""
        months = self.negotiation_months
        return self.negotiation_quality_sum / months if months else 0.0

    def set_governance(self, form: str, legal_form: str, fit: float, barrier: float) -> None:
        """The partners chose a governance form and a legal form."""
        self.governance = form
        self.legal_form = legal_form
        self.governance_fit = clamp01(fit)
        self.exit_barrier = clamp01(barrier)

    def change_fit(self, delta: float) -> None:
        """Governance fits better (or worse) after an organizing paradox."""
        if self.governance_fit is not None:
            self.governance_fit = clamp01(self.governance_fit + delta)

    @property
    def fit(self) -> float:
        """Governance fit, neutral (1) before a governance form is chosen."""
        return 1.0 if self.governance_fit is None else self.governance_fit

    # --- climate --------------------------------------------------------------------------
    def add_tension(self, amount: float) -> None:
        """Unresolved tension grows by ``amount`` (or falls, never below zero)."""
        self.tension = max(0.0, self.tension + amount)

    def scale_tension(self, factor: float) -> None:
        """Tension is cut to ``factor`` of itself (a renewal clears old grievances)."""
        self.tension = max(0.0, self.tension * factor)

    def change_identity(self, delta: float) -> None:
        """Collective identity grows (or falls) by ``delta``, within [0, 1]."""
        self.identity = clamp01(self.identity + delta)

    def add_experience(self, amount: float) -> None:
        """Shared experience grows (never below zero)."""
        self.experience = max(0.0, self.experience + amount)

    def decay_experience(self, rate: float) -> None:
        """Unused experience fades by ``rate`` a month."""
        self.experience *= 1.0 - rate

    def scale_experience(self, factor: float) -> None:
        """Experience grows or shrinks by a share of itself (a learning paradox)."""
        self.experience *= max(0.0, factor)

    @property
    def learning_environment(self) -> float:
        """How much accumulated experience supports learning, in [0, 1)."""
        return self.experience / (self.experience + self.experience_half)

    def set_upkeep(self, quality: float) -> None:
        """How well the members were kept in touch this month."""
        self.upkeep = clamp01(quality)

    def leave_latent(self) -> None:
        """A conflict was avoided and stays latent."""
        self.latent_open += 1

    def suppress(self) -> None:
        """A paradox was kept off the table."""
        self.suppressed_open += 1

    def clear_open_issues(self) -> None:
        """Latent conflicts and suppressed paradoxes were put on the table."""
        self.latent_open = 0
        self.suppressed_open = 0

    # --- stagnation -----------------------------------------------------------------------
    def start_stagnation(self) -> None:
        """Progress stalled."""
        self.stagnating = True
        self.stagnation_months = 0

    def stagnate_another_month(self) -> None:
        """Stagnation went undiscussed for another month."""
        self.stagnation_months += 1

    def end_stagnation(self) -> None:
        """Stagnation was discussed (or a renewal cleared it)."""
        self.stagnating = False
        self.stagnation_months = 0

    # --- shocks and change ----------------------------------------------------------------
    def hit_by_shock(self, month: int, severity: float, tension: float, major: bool) -> None:
        """An external shock raised scarcity and tension."""
        self.scarcity_shock += severity
        self.add_tension(tension)
        self.last_change = month
        self.major_shock = self.major_shock or major

    def recover_scarcity(self, rate: float) -> None:
        """The extra scarcity of past shocks fades."""
        self.scarcity_shock *= 1.0 - rate

    def mark_change(self, month: int) -> None:
        """Membership or circumstances changed this month (paradoxes become salient)."""
        self.last_change = month

    def begin_transformation(self, reason: str) -> None:
        """A re-evaluation starts for ``reason``."""
        self.transform_reason = reason
        self.major_shock = False

    def decide(self, phase: str, reason: str) -> None:
        """The re-evaluation reached its decision (taken at the month's transition)."""
        self.decision = (phase, reason)

    def note_facilitation(self, quality: float) -> None:
        """How well the re-evaluation was facilitated (used to refit governance)."""
        self.renewal_quality = clamp01(quality)

    def tick(self) -> None:
        """A month passed."""
        self.months_in_phase += 1
        self.months_since_renewal += 1
