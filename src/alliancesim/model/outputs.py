"""What the model records: the per-step table, the per-run outcome, declared in one place."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from mesa import DataCollector

from alliancesim.model.events import PARADOX_CATEGORIES, PARADOX_RESPONSES
from alliancesim.model.mechanisms import AMBIVALENT, COMMITTED, DISENGAGED

if TYPE_CHECKING:
    from alliancesim.model.model import AllianceModel

STEP_COLUMNS: dict[str, str] = {
    "month": "Month (one step is one month)",
    "phase": "Life-cycle phase at the end of the month",
    "members": "Active member organizations",
    "trust_mean": "Mean directed trust over member pairs",
    "trust_min": "Lowest directed trust over member pairs",
    "commitment_mean": "Mean commitment of active members",
    "committed": "Members in the committed state",
    "ambivalent": "Members in the ambivalent state",
    "disengaged": "Members in the disengaged state",
    "exited": "Members that have left so far",
    "cultural_distance": "Mean pairwise Kogut-Singh distance",
    "alignment": "Ambition alignment (1 - mean distance to the shared ambition)",
    "value": "Value created this month",
    "value_total": "Value created so far",
    "conflicts_new": "Conflicts that arose this month",
    "conflicts_resolved": "Conflicts resolved this month (constructively or by compromise)",
    "conflicts_escalated": "Conflicts that escalated this month",
    "conflicts_latent": "Conflicts avoided this month, left latent",
    "latent_open": "Latent conflicts not yet surfaced",
    "paradoxes_new": "Paradox events this month",
    **{f"paradox_{c}": f"{c.capitalize()} paradoxes this month" for c in PARADOX_CATEGORIES},
    **{f"paradox_{r}": f"Paradoxes met with a {r.replace('_', '/')} response this month"
       for r in PARADOX_RESPONSES},
    "stagnating": "Whether the alliance is stagnating",
    "stagnation_months": "Months the current stagnation has gone undiscussed",
    "shocks": "External shocks this month",
    "manager_present": "Whether a dedicated manager is in post",
    "management_time": "Management time held this month by those in post (FTE)",
    "management_time_used": "Management time used this month, spare attention included (FTE)",
    "management_cost": "Value given up this month to pay for management time",
    "upkeep": "How well members were kept in touch this month (0-1)",
    "skill_mean": "Mean alliance-management skill of members",
    "openness_mean": "Mean openness of members",
    "experience": "Accumulated alliance experience",
    "identity": "Collective identity (0-1)",
    "tension": "Accumulated unresolved tension",
    "entries": "Members that joined this month",
    "exits": "Members that left this month",
}


def snapshot(model: AllianceModel) -> dict[str, Any]:
    """The per-step record of ``model`` now, one value per :data:`STEP_COLUMNS` entry."""
    s, c, a, m = model.state, model.month_counts, model.alliance, model.management
    states = np.bincount(s.cstate, minlength=4) if len(s) else np.zeros(4, dtype=int)
    row = {
        "month": model.month,
        "phase": a.phase,
        "members": len(s),
        "trust_mean": model.trust_mean(),
        "trust_min": s.min_offdiagonal(s.trust),
        "commitment_mean": model.commitment_mean(),
        "committed": int(states[COMMITTED]),
        "ambivalent": int(states[AMBIVALENT]),
        "disengaged": int(states[DISENGAGED]),
        "exited": model.exited_total,
        "cultural_distance": model.cultural_distance(),
        "alignment": model.alignment(),
        "value": a.value_now,
        "value_total": a.value_total,
        "latent_open": a.latent_open,
        "stagnating": a.stagnating,
        "stagnation_months": a.stagnation_months,
        "manager_present": m.manager_present,
        "management_time": m.time_in_post,
        "management_time_used": m.used_now,
        "management_cost": a.management_cost_now,
        "upkeep": a.upkeep,
        "skill_mean": s.mean(s.skill),
        "openness_mean": s.mean(s.openness),
        "experience": a.experience,
        "identity": a.identity,
        "tension": a.tension,
    }
    for key in STEP_COLUMNS:
        if key not in row:
            row[key] = c.get(key, 0)
    return row


class StepCollector(DataCollector):
    """A Mesa DataCollector that records :func:`snapshot` once per step.

    Values are plain numbers and strings, so they are appended without the deep copies the
    generic collector makes; ``mesa.batch_run`` and ``get_model_vars_dataframe`` work as usual.
    """

    def __init__(self) -> None:
        super().__init__(model_reporters={name: name for name in STEP_COLUMNS})

    def collect(self, model: AllianceModel) -> None:  # type: ignore[override]
        """Append this step's snapshot."""
        self._collection_steps.append(model.time)
        for key, value in snapshot(model).items():
            self.model_vars[key].append(value)
