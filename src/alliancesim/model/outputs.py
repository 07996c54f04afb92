"""What the model records: the per-step table, the per-run outcome, the per-member panel
and the trust network, declared in one place."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from mesa import DataCollector

from alliancesim.model.agents import MemberOrganization
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


# The step columns :func:`snapshot_values` reads from the model, in its order; the other step
# columns are this month's counts (``model.month_counts``).
_READ = (
    "month", "phase", "members", "trust_mean", "trust_min", "commitment_mean", "committed",
    "ambivalent", "disengaged", "exited", "cultural_distance", "alignment", "value",
    "value_total", "latent_open", "stagnating", "stagnation_months", "manager_present",
    "management_time", "management_time_used", "management_cost", "upkeep", "skill_mean",
    "openness_mean", "experience", "identity", "tension",
)
_COUNTED = tuple(key for key in STEP_COLUMNS if key not in _READ)
SNAPSHOT_KEYS = (*_READ, *_COUNTED)
_NONE_COUNTED = (0,) * len(_COUNTED)
if set(SNAPSHOT_KEYS) != set(STEP_COLUMNS):
    raise ImportError("the snapshot's columns do not match STEP_COLUMNS")


def snapshot_values(model: AllianceModel) -> list[Any]:
    """The per-step record of ``model`` now, as values in the order of :data:`SNAPSHOT_KEYS`
    (a list, which the collector appends without building a dict every month)."""
    s, c, a, m = model.state, model.month_counts, model.alliance, model.management
    n = s.size
    states = s.cstate.tolist()  # counted as plain ints: cheaper than np.bincount for a few
    values = [
        model.month, a.phase, n, model.trust_mean(), s.min_offdiagonal(s.trust),
        model.commitment_mean(), states.count(COMMITTED), states.count(AMBIVALENT),
        states.count(DISENGAGED),
        model.exited_total, model.cultural_distance(), model.alignment(), a.value_now,
        a.value_total, a.latent_open, a.stagnating, a.stagnation_months, m.manager_present,
        m.time_in_post, m.used_now, a.management_cost_now, a.upkeep, s.mean(s.skill),
        s.mean(s.openness), a.experience, a.identity, a.tension,
    ]
    values.extend(map(c.get, _COUNTED, _NONE_COUNTED))  # c.get(key, 0) for every key
    return values


def snapshot(model: AllianceModel) -> dict[str, Any]:
    """The per-step record of ``model`` now, one value per :data:`STEP_COLUMNS` entry."""
    return dict(zip(SNAPSHOT_KEYS, snapshot_values(model), strict=True))


# The seed every run reports on each row, so that any row of mesa.batch_run can be rerun.
SEED_COLUMNS: dict[str, str] = {
    "seed_entropy": "Entropy of the run's numpy SeedSequence (rerun: AllianceModel(rng="
                    "SeedSequence(int(entropy), spawn_key=...)))",
    "seed_spawn_key": "Spawn key of the run's SeedSequence, comma-separated (empty: none)",
}
MEMBER_COLUMNS: dict[str, str] = {
    "month": "Month",
    "name": "Name of the organization",
    "sector": "Sector (business, ngo, government, knowledge)",
    "country": "Country as named in Hofstede's matrix ('' for a synthetic national culture)",
    "member": "Whether it is still a member at the end of the month",
    "trust_given": "Mean trust it places in the other active members",
    "trust_received": "Mean trust the other active members place in it",
    "commitment": "Commitment (0-1)",
    "commitment_state": "committed / ambivalent / disengaged, or exited",
    "skill": "Alliance-management skill (0-1)",
    "openness": "Openness, the multicultural mindset (0-1)",
    "resources": "Resources it contributes",
    "expectations": "Monthly value it expects the alliance to bring it",
}
EDGE_COLUMNS: dict[str, str] = {
    "month": "Month",
    "source_id": "Member id (Mesa unique_id) of the member who trusts",
    "target_id": "Member id of the member trusted",
    "source": "Name of the member who trusts",
    "target": "Name of the member trusted",
    "trust": "Directed trust of source toward target (0-1)",
}


def member_records(model: AllianceModel) -> list[tuple[Any, ...]]:
    """One record per member organization now, exited ones included, in Mesa's agent-record
    layout: ``(time, unique_id, *values of MEMBER_COLUMNS)``."""
    s = model.state
    n = len(s)
    given = received = np.full(n, np.nan)
    if n > 1:
        off = s.trust.sum(axis=1) - np.diagonal(s.trust)
        given = off / (n - 1)
        received = (s.trust.sum(axis=0) - np.diagonal(s.trust)) / (n - 1)
    records = []
    for agent in model.agents:
        if not isinstance(agent, MemberOrganization):
            continue  # the manager, and other agents a subclass may add
        slot = agent.slot
        active = slot is not None
        records.append((
            model.time, agent.unique_id, model.month, agent.name, agent.sector, agent.country,
            active,
            float(given[slot]) if active else float("nan"),
            float(received[slot]) if active else float("nan"),
            agent.commitment, agent.commitment_state, agent.skill, agent.openness,
            agent.resources, agent.expectations,
        ))
    return records


def member_panel(collector: DataCollector) -> pd.DataFrame:
    """The recorded per-member rows as a DataFrame: ``member_id`` and the member columns."""
    rows = [record[1:] for records in collector._agent_records.values() for record in records]
    return pd.DataFrame(rows, columns=["member_id", *MEMBER_COLUMNS])


def trust_edges(model: AllianceModel) -> pd.DataFrame:
    """Directed trust between every ordered pair of active members, now."""
    members = model.members
    trust = model.state.trust
    rows = [(model.month, a.unique_id, b.unique_id, a.name, b.name,
             float(trust[a.slot, b.slot]))
            for a in members for b in members if a is not b]
    return pd.DataFrame(rows, columns=list(EDGE_COLUMNS))


class StepCollector(DataCollector):
    """A Mesa DataCollector that records :func:`snapshot` once per step.

    Values are plain numbers and strings, so they are kept without the deep copies the
    generic collector makes; ``mesa.batch_run`` and ``get_model_vars_dataframe`` work as usual.
    Each month's values are kept as one row and moved into the columns (``model_vars``) when
    those are read: one append a month instead of one per column.
    Besides the step columns it reports the run's seed on every row and, on the row
    collected when the run ends, the outcome record (``None`` on earlier rows), so
    ``mesa.batch_run(AllianceModel, ...)`` returns both. With ``record_members`` it also
    reports every member organization through agent reporters (:data:`MEMBER_COLUMNS`).
    """

    def __init__(self, record_members: bool = False) -> None:
        self._rows: list[list[Any]] = []  # months collected and not yet moved into columns
        super().__init__(
            model_reporters={name: name for name in (*STEP_COLUMNS, *SEED_COLUMNS)},
            agent_reporters={name: name for name in MEMBER_COLUMNS} if record_members
            else None)
        self.record_members = record_members
        # The columns in snapshot order, looked up once, not every month (the lists
        # themselves, so that copies of the collector keep to their own columns).
        self._columns = [self._model_vars[key] for key in (*SNAPSHOT_KEYS, *SEED_COLUMNS)]

    @property  # type: ignore[override]
    def model_vars(self) -> dict[str, list[Any]]:
        """The recorded columns by name (the months collected so far moved into them)."""
        if self._rows:
            rows, self._rows = self._rows, []
            for column, values in zip(self._columns, zip(*rows, strict=True), strict=True):
                column.extend(values)
        return self._model_vars

    @model_vars.setter
    def model_vars(self, columns: dict[str, list[Any]]) -> None:
        self._model_vars = columns

    def collect(self, model: AllianceModel) -> None:  # type: ignore[override]
        """Keep this step's snapshot (and the outcome record once the run has ended)."""
        self._collection_steps.append(model.time)
        values = snapshot_values(model)
        values.extend((model.seed_entropy, model.seed_spawn_key))
        self._rows.append(values)
        if not model.running:
            self._collect_outcome(model)
        if self.record_members:
            self._agent_records[model.time] = member_records(model)

    def _collect_outcome(self, model: AllianceModel) -> None:
        """Add the outcome record as model variables on this (the last) row."""
        rows = len(self._collection_steps)
        columns = self.model_vars
        for key, value in model.outcome_record().items():
            if key in STEP_COLUMNS:  # value_total: the step column holds the same number
                continue
            column = columns.setdefault(key, [])
            column.extend([None] * (rows - 1 - len(column)))
            column.append(value)
