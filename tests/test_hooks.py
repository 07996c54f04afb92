"""The hooks a subclass overrides (alliancesim.model.hooks): each changes behaviour when
overridden, work a hook asks for is paid as built-in work is, and a manager class passes
through every entry point: simulate, a scenario file, the command line, a comparison, a
sweep and replay."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from alliancesim import AllianceManager, AllianceModel, MemberOrganization, simulate
from alliancesim.cli.main import app
from alliancesim.compare import compare_scenarios
from alliancesim.engine.classes import ClassImportError, resolve_class
from alliancesim.model import hooks
from alliancesim.model.management import WorkDone
from alliancesim.scenarios import load_scenario, run_scenario
from alliancesim.single import replay
from alliancesim.sweeps import load_results, run_sweep

HERE = Path(__file__).parent / "data" / "hooks"
TIRELESS, RESTLESS = HERE / "tireless.toml", HERE / "restless.toml"
SWEEP = HERE / "tireless_sweep.toml"
if str(HERE) not in sys.path:
    sys.path.append(str(HERE))
from steady_managers import TirelessManager  # noqa: E402

SEEDS = range(6)
SHORT = {"horizon": 48}


def outcomes(seeds: range = SEEDS, params: dict[str, Any] | None = None,
             **classes: Any) -> list[dict[str, Any]]:
    return [simulate({**SHORT, **(params or {})}, seed=s, **classes).outcome for s in seeds]


def total(rows: list[dict[str, Any]], key: str) -> float:
    return float(sum(row[key] for row in rows))


# --- the list of hooks ---------------------------------------------------------------------
def test_every_listed_hook_is_a_method_of_its_class_and_named_in_the_module_text():
    for cls, names in ((AllianceModel, hooks.MODEL_HOOKS),
                       (MemberOrganization, hooks.MEMBER_HOOKS),
                       (AllianceManager, hooks.MANAGER_HOOKS)):
        for name in names:
            assert hasattr(cls, name), (cls, name)
            assert f"``{name}" in hooks.__doc__, name
    for cls in (AllianceModel, MemberOrganization, AllianceManager):
        assert cls.parameters == ()


# --- the manager class ---------------------------------------------------------------------
class BrilliantManager(AllianceManager):
    """Hired at full skill."""

    @classmethod
    def hiring_skill(cls, model: AllianceModel) -> float:
        return 1.0


def test_a_manager_hired_with_more_skill_changes_the_outcomes_on_the_same_seeds():
    model = AllianceModel(rng=1, manager_class=BrilliantManager)
    assert isinstance(model.management.manager, BrilliantManager)
    assert model.management.manager.skill == 1.0
    assert model.management.manager.hired_skill == 1.0
    own, base = outcomes(manager_class=BrilliantManager), outcomes()
    assert [o["value_total"] for o in own] != [o["value_total"] for o in base]
    assert total(own, "conflicts_resolved") / total(own, "conflicts_total") > \
        total(base, "conflicts_resolved") / total(base, "conflicts_total")


def test_the_manager_class_is_a_class_attribute_or_a_keyword_and_is_checked():
    class Brilliant(AllianceModel):
        manager_class = BrilliantManager

    for model in (Brilliant(rng=2), AllianceModel(rng=2, manager_class=BrilliantManager)):
        assert type(model.management.manager) is BrilliantManager
    assert type(AllianceModel(rng=2).management.manager) is AllianceManager
    with pytest.raises(TypeError, match="manager_class must be AllianceManager"):
        AllianceModel(manager_class=MemberOrganization)  # type: ignore[arg-type]
    with pytest.raises(ClassImportError, match="not a subclass of AllianceManager"):
        resolve_class(MemberOrganization, "manager_class")


def test_turnover_knowledge_and_skill_use_are_the_manager_class_s_own():
    params = {"manager_turnover": 0.3}
    restless = outcomes(params=params)
    tireless = outcomes(params=params, manager_class=TirelessManager)
    assert total(restless, "manager_departures") > 0
    assert total(tireless, "manager_departures") == 0
    assert total(tireless, "manager_vacancy_months") == 0

    assert AllianceModel(rng=3, manager_class=TirelessManager).management.manager.knowledge \
        == 1.0

    class Clumsy(AllianceManager):
        @property
        def effective_skill(self) -> float:
            return 0.0

    model = AllianceModel(rng=3, manager_class=Clumsy)
    model.step()
    assert model.management.work(0.01).quality == 0.0  # only the manager holds time
    assert AllianceModel(rng=3).management.work(0.01).quality > 0.0


# --- the model's hooks ---------------------------------------------------------------------
class AlwaysResolved(AllianceModel):
    def conflict_outcome(self, i: int, j: int, styles: tuple[str, str],
                         work: WorkDone) -> str:
        return "constructive"


class PerfectMediation(AllianceModel):
    def mediate_conflict(self, i: int, j: int, styles: tuple[str, str]) -> WorkDone:
        super().mediate_conflict(i, j, styles)  # the time is still spent
        return WorkDone(1.0, 1.0, 0.0)


def test_a_conflict_outcome_override_makes_every_conflict_constructive():
    own = outcomes(model_class=AlwaysResolved)
    assert total(own, "conflicts_total") > 0
    assert total(own, "constructive_total") == total(own, "conflicts_total")
    assert total(own, "conflicts_escalated") == 0
    base = outcomes()
    assert total(base, "conflicts_escalated") > 0


def test_a_mediation_override_changes_how_conflicts_end():
    own, base = outcomes(model_class=PerfectMediation), outcomes()
    assert total(own, "conflicts_resolved") / total(own, "conflicts_total") > \
        total(base, "conflicts_resolved") / total(base, "conflicts_total")


def test_a_hook_returning_what_is_not_allowed_stops_the_run_with_the_allowed_values():
    class Wrong(AllianceModel):
        def conflict_outcome(self, *args: Any) -> str:
            return "won"

    with pytest.raises(ValueError, match="conflict_outcome returned 'won'; allowed: "
                                         "constructive"):
        simulate(SHORT, seed=0, model_class=Wrong)


def test_a_paradox_response_override_works_every_paradox_through():
    calls: list[tuple[str, str, float, WorkDone]] = []

    class BothAnd(AllianceModel):
        def respond_to_paradox(self, tension: str, category: str, intensity: float,
                               work: WorkDone) -> str:
            calls.append((tension, category, intensity, work))
            return "both_and"

    own = outcomes(model_class=BothAnd)
    assert total(own, "paradoxes_total") == total(own, "paradoxes_both_and") > 0
    assert len(calls) == total(own, "paradoxes_total")
    assert all(isinstance(work, WorkDone) and intensity > 0 for _, _, intensity, work in calls)
    base = outcomes()
    assert total(base, "paradoxes_both_and") < total(base, "paradoxes_total")


def test_a_partner_fit_override_chooses_the_partners():
    ngo = 1  # SECTORS.index("ngo")

    class NgosOnly(AllianceModel):
        def partner_fit(self, rows: np.ndarray) -> np.ndarray:
            return (self.pool.sector[rows] == ngo).astype(float)

    def ngo_share(model_class: type[AllianceModel]) -> float:
        joined = []
        for seed in SEEDS:
            model = simulate(SHORT, seed=seed, model_class=model_class, keep_model=True).model
            joined += [m.sector for m in model.agents if isinstance(m, MemberOrganization)
                       and m.unique_id > 2]  # the two founders are not chosen
        return joined.count("ngo") / len(joined)

    assert ngo_share(NgosOnly) > ngo_share(AllianceModel) + 0.2


def test_governance_and_legal_form_overrides_are_what_the_alliance_adopts():
    fitting_seen: list[str] = []

    class LeadAlways(AllianceModel):
        def choose_governance_form(self, fitting: str, quality: float) -> str:
            fitting_seen.append(fitting)
            return "lead_organization"

        def choose_legal_form(self) -> str:
            return "foundation"

    own = outcomes(model_class=LeadAlways)
    chosen = [o for o in own if o["governance"]]
    assert chosen and fitting_seen
    assert {o["governance"] for o in chosen} == {"lead_organization"}
    assert {o["legal_form"] for o in chosen} == {"foundation"}

    class NoSuchForm(LeadAlways):
        def choose_governance_form(self, fitting: str, quality: float) -> str:
            return "anarchy"

    with pytest.raises(ValueError, match="allowed: shared, lead_organization"):
        for seed in SEEDS:
            simulate(SHORT, seed=seed, model_class=NoSuchForm)


def test_an_allocation_override_is_asked_for_every_kind_of_holder_and_checked():
    kinds: set[str] = set()

    class Recording(AllianceModel):
        def allocate_time(self, need: float, time: np.ndarray, skill: np.ndarray,
                          holders: str) -> np.ndarray:
            kinds.add(holders)
            return super().allocate_time(need, time, skill, holders)

    # Most skilled first: the built-in path and the hook do the same arithmetic.
    params = {"management_mode": "hybrid", "work_allocation": "most_skilled",
              "management_budget": 0.05}  # so little that spare attention is asked for
    own = outcomes(params=params, model_class=Recording)
    assert pd.DataFrame(own).equals(pd.DataFrame(outcomes(params=params)))  # NaN == NaN
    assert kinds == {"budget", "spare", "parties"}

    class CountingSpare(AllianceModel):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            self.spare_used = 0.0
            super().__init__(*args, **kwargs)

        def step(self) -> None:
            super().step()
            self.spare_used += self.management.spare_used_now

    class NoSpareAttention(CountingSpare):
        def allocate_time(self, need: float, time: np.ndarray, skill: np.ndarray,
                          holders: str) -> np.ndarray:
            if holders == "budget":
                return super().allocate_time(need, time, skill, holders)
            return np.zeros_like(time)  # members never take time from their own work

    lean = {**SHORT, "management_budget": 0.05, "management_mode": "transversal"}
    spare = [simulate(lean, seed=s, model_class=cls, keep_model=True).model.spare_used
             for s in SEEDS for cls in (CountingSpare, NoSpareAttention)]
    assert sum(spare[0::2]) > 0.0 and sum(spare[1::2]) == 0.0

    class Greedy(AllianceModel):
        def allocate_time(self, need: float, time: np.ndarray, skill: np.ndarray,
                          holders: str) -> np.ndarray:
            return time * 2.0 + 1.0

    with pytest.raises(ValueError, match=r"allocate_time gave .* allowed: each between 0"):
        simulate({**SHORT, "management_mode": "transversal"}, seed=0, model_class=Greedy)


# --- management time for a hook's own work -------------------------------------------------
class Debriefing(AllianceModel):
    """Asks for a piece of work of its own in its second month, and notes the accounts
    around it."""

    effort: float = 0.05
    parties: tuple[int, int] | None = None

    def monthly_work(self) -> None:
        if self.month != 2:
            return
        m = self.management
        self.before = (m.paid_fte, m.used_total, m.manager_used_now)
        self.done = m.request(self.effort, parties=self.parties)
        self.after = (m.paid_fte, m.used_total, m.manager_used_now)


def second_month(cls: type[Debriefing], mode: str) -> Debriefing:
    model = cls(rng=4, management_mode=mode)
    model.step()
    model.step()
    return model


def test_work_a_hook_requests_is_paid_as_built_in_work_is():
    # Members hold the budget: the time they give is paid as they give it.
    model = second_month(Debriefing, "transversal")
    (paid, used, _), (paid_after, used_after, _) = model.before, model.after
    given = (model.done.by_manager + model.done.by_members) * model.effort
    assert given == pytest.approx(model.effort) and model.done.by_members == pytest.approx(1.0)
    assert paid_after - paid == pytest.approx(given)
    assert used_after - used == pytest.approx(given)

    # A manager's post is paid whether used or not: its time costs nothing more.
    class Mediating(Debriefing):
        effort, parties = 0.01, (0, 1)

    model = second_month(Mediating, "dedicated")
    (paid, _, manager_used), (paid_after, _, manager_used_after) = model.before, model.after
    assert model.done.by_manager == pytest.approx(1.0)
    assert paid_after == paid and manager_used_after - manager_used == pytest.approx(0.01)


def test_a_request_outside_the_month_or_of_no_sensible_size_is_refused():
    model = AllianceModel(rng=4)
    model.step()
    with pytest.raises(RuntimeError, match=r"outside a month's work.*allowed: from a hook"):
        model.management.request(0.01)  # the month's value, and its cost, are settled

    class Asking(AllianceModel):
        def monthly_work(self) -> None:
            m = self.management
            for bad in (-1.0, float("nan"), "much", True):
                with pytest.raises(ValueError, match=r"request: effort=.*allowed: a number"):
                    m.request(bad)  # type: ignore[arg-type]
            with pytest.raises(ValueError, match=r"request: parties=.*allowed: two different"):
                m.request(0.01, parties=(0, 0))
            self.asked = True

    model = Asking(rng=4)
    model.step()
    assert model.asked


def test_a_hook_s_requested_time_shows_in_the_run_s_management_time_and_cost():
    class Mentoring(AllianceModel):
        def respond_to_paradox(self, tension: str, category: str, intensity: float,
                               work: WorkDone) -> str:
            self.management.request(0.2, bridging=True)  # a debrief after each paradox
            return super().respond_to_paradox(tension, category, intensity, work)

    params = {**SHORT, "management_mode": "transversal"}
    own = [simulate(params, seed=s, model_class=Mentoring).outcome for s in SEEDS]
    base = [simulate(params, seed=s).outcome for s in SEEDS]
    per_month = [o["management_time_used"] / max(o["end_month"], 1) for o in own]
    base_per_month = [o["management_time_used"] / max(o["end_month"], 1) for o in base]
    assert sum(per_month) > sum(base_per_month)
    cost = [o["management_cost_total"] / max(o["end_month"], 1) for o in own]
    base_cost = [o["management_cost_total"] / max(o["end_month"], 1) for o in base]
    assert sum(cost) > sum(base_cost)


# --- the manager class through every entry point -------------------------------------------
def test_simulate_and_a_scenario_file_run_the_manager_class():
    assert simulate({"horizon": 36, "manager_turnover": 0.3}, seed=2,
                    manager_class=TirelessManager).outcome["manager_departures"] == 0
    scenario = load_scenario(TIRELESS)
    with pytest.raises(ClassImportError, match="--allow-import") as refused:
        run_scenario(scenario, seed=2)
    assert refused.value.field == "manager_class" and str(TIRELESS) in str(refused.value)
    result = run_scenario(scenario, seed=2, allow_import=True)
    assert result.outcome["manager_departures"] == 0
    restless = run_scenario(load_scenario(RESTLESS), seed=2)
    assert restless.outcome["manager_departures"] > 0


def test_the_command_line_runs_and_replays_a_file_named_manager_class(tmp_path):
    out = tmp_path / "run"
    refused = CliRunner().invoke(app, ["run", str(TIRELESS), "--out", str(out)])
    assert refused.exit_code == 2 and "field 'manager_class'" in refused.output
    done = CliRunner().invoke(app, ["run", str(TIRELESS), "--seed", "3", "--out", str(out),
                                    "--allow-import"])
    assert done.exit_code == 0, done.output
    manifest = json.loads((out / "manifest.json").read_text())
    recipe = manifest["recipe"]["scenarios"][0]
    assert recipe["manager_class"] == "steady_managers:TirelessManager"
    assert "steady_managers" in json.dumps(manifest["provenance"])  # its code is recorded
    again = CliRunner().invoke(app, ["replay", str(out), "--run-id", "0"])
    assert again.exit_code == 2 and "--allow-import" in again.output
    replayed = replay(out, 0, tmp_path / "again", allow_import=True)
    assert replayed.matches and replayed.outcome["manager_departures"] == 0


@pytest.mark.parametrize("given", ["file", "python"])
def test_a_comparison_runs_the_manager_class(given, tmp_path):
    if given == "file":
        with pytest.raises(ClassImportError, match="allow-import"):
            compare_scenarios([RESTLESS, TIRELESS], replicates=2, seed=2, workers=1)
        result = compare_scenarios([RESTLESS, TIRELESS], replicates=2, seed=2, workers=1,
                                   allow_import=True, out=tmp_path)
        by = result.outcomes.groupby("scenario")["manager_departures"].sum()
        assert by["Tireless"] == 0 and by["Restless"] > 0
        manifest = json.loads((tmp_path / "manifest.json").read_text())
        recipes = {r["name"]: r for r in manifest["recipe"]["scenarios"]}
        assert recipes["Tireless"]["manager_class"] == "steady_managers:TirelessManager"
        assert "manager_class" not in recipes["Restless"]  # as before: older folders resume
    else:
        result = compare_scenarios([RESTLESS], replicates=2, seed=2, workers=1,
                                   manager_class=TirelessManager)
        assert result.outcomes["manager_departures"].eq(0).all()


def test_a_sweep_runs_an_experiment_named_manager_class(tmp_path):
    with pytest.raises(ClassImportError, match="allow-import"):
        run_sweep(SWEEP, tmp_path / "refused")
    run_sweep(SWEEP, tmp_path / "out", workers=1, allow_import=True)
    runs = load_results(tmp_path / "out")
    assert len(runs) == 4 and (runs["status"] == "ok").all()
    assert runs["manager_departures"].eq(0).all()
    again = replay(tmp_path / "out", 3, tmp_path / "again", allow_import=True)
    assert again.matches


def test_the_app_refuses_a_scenario_naming_a_manager_class():
    from alliancesim.app.scenarios import load_choice

    choice = load_choice(TIRELESS)
    assert "field 'manager_class'" in choice.error and "--allow-import" in choice.error


def test_a_sweep_varies_the_manager_class_as_a_factor(tmp_path):
    (tmp_path / "managers.toml").write_text(
        'name = "managers"\nseed = 3\nreplicates = 2\nhorizon = 24\n'
        "[parameters]\nmanager_turnover = 0.3\n[vary]\nmanager_class = { values = "
        '["alliancesim.model.agents:AllianceManager", "steady_managers:TirelessManager"] }\n'
        '[design]\nkind = "grid"\n')
    run_sweep(tmp_path / "managers.toml", tmp_path / "out", workers=1, allow_import=True)
    runs = load_results(tmp_path / "out")
    by = runs.groupby("manager_class")["manager_departures"].sum()
    assert by["steady_managers:TirelessManager"] == 0
    assert by["alliancesim.model.agents:AllianceManager"] > 0


def test_the_ema_model_runs_the_manager_class():
    from alliancesim.ema.model import RunReplicate

    runner = RunReplicate(0, ("manager_turnover",), (), True, ("manager_departures",),
                          manager_class=TirelessManager)
    assert runner(0, manager_turnover=0.3) == {"manager_departures": 0}
    plain = RunReplicate(0, ("manager_turnover",), (), True, ("manager_departures",))
    assert plain(0, manager_turnover=0.3)["manager_departures"] > 0
