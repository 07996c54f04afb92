"""The ecosystem: a population of organizations running AllianceModel alliances."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from alliancesim import AllianceModel
from alliancesim.cli.main import app
from alliancesim.ecosystem import (
    ECOSYSTEM_MECHANISMS,
    ECOSYSTEM_PARAMETERS,
    EcosystemModel,
    ecosystem_mechanism_off,
    yearly,
)
from alliancesim.ecosystem.model import LiveAlliance, _advance
from alliancesim.ecosystem.outputs import collect
from alliancesim.ecosystem.population import (
    FUNCTION,
    NONE,
    TRAINED,
    ProfessionalManager,
    appoint,
)
from alliancesim.ecosystem.scenario import (
    EcosystemScenarioError,
    load_ecosystem_scenario,
    run_ecosystem,
)
from alliancesim.model.organizations import draw_pool
from alliancesim.params.values import make_params

# A small, busy population: enough alliances in a few years for every mechanism to act.
SMALL = {"n_organizations": 120, "years": 5, "alliance_rate": 0.02}
WORLD = {"country_set": "four_continents"}
# Everything that changes skill between alliances, switched off.
NO_SKILL_CHANGE = {"experience_retention": 0.0, "codification_retention": 0.0,
                   "training_effect": 0.0, "forgetting": 0.0, "staff_turnover": 0.0}


def ecosystem(seed: int = 1, **params) -> EcosystemModel:
    return EcosystemModel(seed, alliance=WORLD, **{**SMALL, **params}).run()


def same_record(a: dict, b: dict) -> bool:
    """Outcome records equal value for value (NaN equal to NaN)."""
    if a.keys() != b.keys():
        return False
    for key, value in a.items():
        other = b[key]
        if isinstance(value, float) and math.isnan(value):
            if not (isinstance(other, float) and math.isnan(other)):
                return False
        elif value != other:
            return False
    return True


# --- the alliance model's hook ---------------------------------------------------------------
def test_a_pool_given_from_outside_supplies_the_founders_and_their_traits():
    pool = draw_pool(np.random.default_rng(5), 14, make_params({}))
    pool.skill[:] = 0.9
    model = AllianceModel(rng=2, pool=pool, n_members=4)
    assert [m.name for m in model.members] == pool.names[:2]
    assert model.state.skill.tolist() == [0.9, 0.9]


def test_a_pool_too_small_for_two_founders_is_refused():
    pool = draw_pool(np.random.default_rng(5), 1, make_params({}))
    with pytest.raises(ValueError, match="at least 2 founders"):
        AllianceModel(rng=2, pool=pool)


# --- determinism and the alliance mechanics --------------------------------------------------
def test_one_seed_gives_the_same_ecosystem_and_another_seed_another():
    first, again, other = (collect(ecosystem(seed)) for seed in (4, 4, 5))
    pd.testing.assert_frame_equal(first.alliances, again.alliances)
    pd.testing.assert_frame_equal(first.organizations, again.organizations)
    pd.testing.assert_frame_equal(first.profession, again.profession)
    assert not first.alliances.equals(other.alliances)


@pytest.mark.parametrize("organization_turnover", [0.0, 0.2])
def test_every_alliance_record_is_what_alliance_model_produces_from_its_pool_and_seed(
        organization_turnover):
    model = EcosystemModel(3, alliance=WORLD, keep_alliance_specs=True,
                           **{**SMALL, "tie_trust_carry": 0.0, "initial_function_share": 0.4,
                              "professional_turnover": 0.3,
                              "organization_turnover": organization_turnover})
    model.run()
    assert len(model.specs) == len(model.records) > 50
    by_id = {r["alliance_id"]: r for r in model.records}
    extra = {"alliance_id", "start_month", "close_month", "closed_at_term", "lead", "mode",
             "professional", "first_professional",
             "founder_ids", "member_ids_ever", "member_ids_final"}
    changes = 0
    for spec in model.specs:
        alone = AllianceModel(rng=spec["seed"], collect_steps=False, pool=spec["pool"],
                              manager_class=spec["manager_class"], **spec["params"])
        if spec["appointed_skill"] is not None:
            appoint(alone, spec["appointed_skill"])
        # The professionals' moves the ecosystem made, at the months it made them.
        planned = spec.get("interventions", [])
        changes += len(planned)
        for _ in range(spec["months"]):
            alone.step()
            yearly.replay_changes(alone, planned)
        ecosystem_record = {k: v for k, v in by_id[spec["alliance_id"]].items()
                            if k not in extra}
        assert same_record(alone.outcome_record(), ecosystem_record), spec["alliance_id"]
    assert changes > 0  # professionals left some of the alliances they managed


def test_each_alliance_draws_from_its_own_stream_of_the_ecosystem_seed():
    model = EcosystemModel(3, alliance=WORLD, keep_alliance_specs=True, **SMALL).run()
    keys = {spec["seed"].spawn_key for spec in model.specs}
    assert len(keys) == len(model.specs)
    assert all(spec["seed"].entropy == model.seed.entropy for spec in model.specs)


def test_the_management_mode_follows_the_lead_organizations_practice():
    model = ecosystem(6, initial_function_share=0.5, initial_trained_share=0.5)
    table = collect(model).alliances
    dedicated = table[table["mode"] == "dedicated"]
    assert len(dedicated) and (dedicated["first_professional"] >= 0).all()
    others = table[table["mode"] != "dedicated"]
    assert (others["first_professional"] == -1).all() and (others["professional"] == -1).all()
    assert (dedicated["manager_work_share"] > 0).any()
    assert (table.loc[table["mode"] == "transversal", "manager_work_share"] == 0).all()


# --- organizations carry what they learn -----------------------------------------------------
def test_organizations_carry_skill_and_experience_from_alliance_to_alliance():
    model = ecosystem(2, **{**NO_SKILL_CHANGE, "experience_retention": 0.5})
    table = collect(model).alliances
    founded = table[table["governance"] != ""]
    counted = np.zeros(len(model.orgs))
    for members in founded["member_ids_ever"]:
        for org in str(members).split(";"):
            counted[int(org)] += 1
    assert np.array_equal(model.orgs.experience, counted)
    gained = model.orgs.staff_skill - model.orgs.base_skill
    assert (gained >= 0).all() and (gained[counted > 0] > 0).mean() > 0.5
    assert (gained[counted == 0] == 0).all()


def test_without_learning_staff_skill_stays_where_it_started():
    model = ecosystem(2, **NO_SKILL_CHANGE)
    assert np.array_equal(model.orgs.staff_skill, model.orgs.base_skill)


def test_the_next_alliance_starts_from_the_skill_the_organization_carried():
    model = EcosystemModel(2, alliance=WORLD, keep_alliance_specs=True,
                           **{**SMALL, **NO_SKILL_CHANGE, "experience_retention": 1.0})
    model.run()
    raised = [s for s in model.specs
              if (s["pool"].skill[:2] > model.orgs.base_skill[_founders(model, s)]).any()]
    assert raised, "no alliance started from a skill its founders had learned"


def _founders(model: EcosystemModel, spec: dict) -> list[int]:
    names = {name: k for k, name in enumerate(model.orgs.traits.names)}
    return [names[n] for n in spec["pool"].names[:2]]


# --- mechanisms switched off change what they should ----------------------------------------
def test_every_ecosystem_mechanism_has_parameters_with_off_values_in_range():
    for name in ECOSYSTEM_MECHANISMS:
        off = ecosystem_mechanism_off(name)
        assert off, name
        for param in ECOSYSTEM_PARAMETERS:
            if param.name in off:
                assert param.low <= off[param.name] <= param.high
    assert all(p.source for p in ECOSYSTEM_PARAMETERS)


def _gain(model: EcosystemModel) -> float:
    return float((model.orgs.staff_skill - model.orgs.base_skill).mean())


def test_codification_makes_organizations_with_a_practice_keep_more():
    base = {**NO_SKILL_CHANGE, "experience_retention": 0.2, "codification_retention": 0.6,
            "initial_trained_share": 0.5, "switch_rate": 0.0, "imitation_rate": 0.0}
    on = ecosystem(8, **base)
    off = ecosystem(8, **{**base, **ecosystem_mechanism_off("codification")})
    codified = on.orgs.practice != NONE
    gain_on = on.orgs.staff_skill - on.orgs.base_skill
    gain_off = off.orgs.staff_skill - off.orgs.base_skill
    assert gain_on[codified].mean() > gain_off[codified].mean()


def test_diminishing_returns_slow_what_experienced_organizations_learn():
    assert yearly.diminishing(0, 5.0) == 1.0 and yearly.diminishing(5, 5.0) == 0.5
    base = {**NO_SKILL_CHANGE, "experience_retention": 0.5}
    on = ecosystem(9, **base)
    off = ecosystem(9, **{**base, **ecosystem_mechanism_off("diminishing_returns")})
    assert _gain(off) > _gain(on)


def test_forgetting_and_turnover_take_away_unused_skill():
    model = EcosystemModel(1, alliance=WORLD, **{**SMALL, "alliance_rate": 0.0})
    model.orgs.staff_skill[:] = np.minimum(model.orgs.base_skill + 0.2, 1.0)
    before = model.orgs.staff_skill.copy()
    yearly._forget_and_lose_people(model)
    assert (model.orgs.staff_skill < before)[before > model.orgs.base_skill].all()
    quiet = EcosystemModel(1, alliance=WORLD, **{**SMALL, "alliance_rate": 0.0,
                                                 **ecosystem_mechanism_off("forgetting"),
                                                 **ecosystem_mechanism_off("people_turnover")})
    quiet.orgs.staff_skill[:] = before
    yearly._forget_and_lose_people(quiet)
    assert np.array_equal(quiet.orgs.staff_skill, before)


def _founders_with_a_past(model: EcosystemModel) -> int:
    """Alliances whose founders had been in an earlier alliance together."""
    table = collect(model).alliances.sort_values("start_month")
    together: dict[tuple[str, str], int] = {}  # pair -> month their first alliance closed
    count = 0
    for row in table.itertuples():
        pair = tuple(sorted(row.founder_ids.split(";")))
        count += together.get(pair, 10**9) < row.start_month
        members = row.member_ids_ever.split(";")
        for i, a in enumerate(members):
            for b in members[i + 1:]:
                key = tuple(sorted((a, b)))
                together[key] = min(together.get(key, 10**9), row.close_month)
    return count


def test_prior_ties_bring_past_partners_together_again():
    on = ecosystem(4, years=8, tie_weight=1.0)
    off = ecosystem(4, years=8, **ecosystem_mechanism_off("prior_ties"))
    assert _founders_with_a_past(on) > 2 * max(_founders_with_a_past(off), 1)
    assert len(on.ties) > 0


def test_prior_trust_is_carried_into_a_new_alliance_between_past_partners():
    model = EcosystemModel(1, alliance=WORLD, **{**SMALL, "alliance_rate": 0.0})
    model.ties.remember(0, 1, 0.9, 0)
    model.ties.remember(1, 0, 0.8, 0)
    model._found = EcosystemModel._found.__get__(model)  # as the monthly draw calls it
    model._candidates = lambda lead: np.array([1])
    model._found(0)
    trust = model.live[0].model.state.trust
    initial = model.alliance_params.trust_initial
    assert trust[0, 1] == pytest.approx(initial + 0.5 * (0.9 - initial))
    assert trust[1, 0] == pytest.approx(initial + 0.5 * (0.8 - initial))


def test_reputation_moves_with_alliance_results_only_when_switched_on():
    off = ecosystem(3, **ecosystem_mechanism_off("reputation"))
    assert np.array_equal(off.orgs.reputation, off.orgs.traits.reputation)
    on = ecosystem(3)
    assert not np.array_equal(on.orgs.reputation, on.orgs.traits.reputation)


def _founder_pairs(model: EcosystemModel) -> list[tuple[int, int]]:
    return [tuple(int(o) for o in f.split(";")) for f in collect(model).alliances["founder_ids"]]


def test_complementarity_makes_leads_choose_partners_of_other_sectors():
    def other_sector_share(model):
        sector = model.orgs.traits.sector
        return np.mean([sector[a] != sector[b] for a, b in _founder_pairs(model)])
    on = ecosystem(5, complementarity_weight=2.0, choice_noise=0.1)
    off = ecosystem(5, choice_noise=0.1, **ecosystem_mechanism_off("complementarity"))
    assert other_sector_share(on) > other_sector_share(off)


def test_cultural_screening_makes_leads_choose_closer_partners():
    def mean_distance(model):
        return np.mean([model._distances(a, np.array([b]))[0] for a, b in _founder_pairs(model)])
    on = ecosystem(5, distance_weight=2.0, choice_noise=0.1)
    off = ecosystem(5, choice_noise=0.1, **ecosystem_mechanism_off("cultural_screening"))
    assert mean_distance(on) < mean_distance(off)


def test_reputation_screening_makes_leads_choose_reputed_partners():
    def partner_reputation(model):
        return np.mean([model.orgs.traits.reputation[b] for _, b in _founder_pairs(model)])
    off_reputation = ecosystem_mechanism_off("reputation")
    on = ecosystem(5, reputation_weight=2.0, choice_noise=0.1, **off_reputation)
    off = ecosystem(5, choice_noise=0.1, **off_reputation,
                    **ecosystem_mechanism_off("reputation_screening"))
    assert partner_reputation(on) > partner_reputation(off)


def _profession(model: EcosystemModel) -> pd.DataFrame:
    return collect(model).profession


def test_professionals_leave_only_with_turnover_switched_on():
    many = {"initial_function_share": 0.5}
    assert _profession(ecosystem(2, **many))["professionals_left"].sum() > 0
    off = ecosystem(2, **many, **ecosystem_mechanism_off("people_turnover"))
    assert _profession(off)["professionals_left"].sum() == 0


def _new_functions(**params) -> EcosystemModel:
    """A quiet market: every professional employed, nobody idle, new posts opened."""
    model = EcosystemModel(1, alliance=WORLD, **{**SMALL, "alliance_rate": 0.0,
                                                 "initial_function_share": 0.3, **params})
    model.orgs.practice[model.orgs.practice == NONE] = FUNCTION  # new functions open posts
    yearly.staff_functions(model)
    return model


def test_poaching_fills_posts_only_when_switched_on():
    on = _new_functions(profession_entry_rate=0.0, poaching_rate=1.0)
    assert on.year_counts["poached"] > 0 and on.year_counts["hired"] == 0
    assert on.people.employers.max() == 2  # a poached professional's second employer
    off = _new_functions(profession_entry_rate=0.0, **ecosystem_mechanism_off("poaching"))
    assert off.year_counts["poached"] == 0 and off.year_counts["unfilled"] > 0


def test_wages_respond_to_unfilled_posts_only_when_switched_on():
    on = _new_functions(profession_entry_rate=0.0, poaching_rate=0.0)
    assert on.year_counts["unfilled"] > 0 and on.wage > on.params.wage_base
    off = _new_functions(profession_entry_rate=0.0, poaching_rate=0.0,
                         **ecosystem_mechanism_off("wage_response"))
    assert off.wage == off.params.wage_base


def test_a_higher_wage_draws_more_newcomers_into_the_profession():
    low = _new_functions(profession_entry_rate=0.3, poaching_rate=0.0)
    high = EcosystemModel(1, alliance=WORLD, **{**SMALL, "alliance_rate": 0.0,
                                                "initial_function_share": 0.3,
                                                "profession_entry_rate": 0.3, "poaching_rate": 0.0})
    high.wage = 3.0 * high.params.wage_base
    high.orgs.practice[high.orgs.practice == NONE] = FUNCTION
    yearly.staff_functions(high)
    assert high.year_counts["hired"] > low.year_counts["hired"]


def test_training_raises_skill_of_trained_staff_and_professionals_alike():
    quiet = {**SMALL, "alliance_rate": 0.0, "initial_trained_share": 0.5,
             "initial_function_share": 0.3}
    model = EcosystemModel(1, alliance=WORLD, **quiet)
    staff, pros = model.orgs.staff_skill.copy(), model.people.skill.copy()
    yearly._train(model)
    trained = model.orgs.practice == TRAINED
    assert (model.orgs.staff_skill[trained] > staff[trained]).all()
    assert np.array_equal(model.orgs.staff_skill[~trained], staff[~trained])
    assert (model.people.skill > pros).all()
    assert (model.orgs.spend[trained] > 0).all()
    off = EcosystemModel(1, alliance=WORLD, **quiet, **ecosystem_mechanism_off("training"))
    staff = off.orgs.staff_skill.copy()
    yearly._train(off)
    assert np.array_equal(off.orgs.staff_skill, staff)


def test_without_search_or_imitation_no_organization_changes_its_practice():
    off = {**ecosystem_mechanism_off("problemistic_search"),
           **ecosystem_mechanism_off("mimetic_isomorphism")}
    model = ecosystem(7, **off)
    assert _profession(model)["practice_changes"].sum() == 0
    assert _profession(ecosystem(7))["practice_changes"].sum() > 0


def test_imitation_alone_adopts_only_practices_that_peers_use():
    model = ecosystem(7, imitation_rate=1.0, initial_function_share=0.0,
                      initial_trained_share=0.0, **ecosystem_mechanism_off("problemistic_search"))
    assert (model.orgs.practice == NONE).all()  # nobody to imitate but 'none'
    mixed = ecosystem(7, imitation_rate=1.0, **ecosystem_mechanism_off("problemistic_search"))
    assert _profession(mixed)["practice_changes"].sum() > 0


def test_closing_a_function_frees_its_professionals():
    model = EcosystemModel(1, alliance=WORLD, **{**SMALL, "alliance_rate": 0.0,
                                                 "initial_function_share": 0.5})
    org = int(np.flatnonzero(model.orgs.practice == FUNCTION)[0])
    assert len(model.people.of(org)) >= 1
    model.orgs.practice[org] = NONE
    yearly.staff_functions(model)
    assert len(model.people.of(org)) == 0


# --- files and the command line ----------------------------------------------------------------
SCENARIO = """
seed = 3
[ecosystem]
n_organizations = 60
years = 3
alliance_rate = 0.02
[alliance]
country_set = "four_continents"
"""


def test_the_command_writes_every_table_and_the_figure(tmp_path):
    path = tmp_path / "eco.toml"
    path.write_text(SCENARIO)
    out = tmp_path / "out"
    done = CliRunner().invoke(app, ["ecosystem", str(path), "--out", str(out)])
    assert done.exit_code == 0, done.output
    for name in ("organizations.csv", "alliances.csv", "network.csv", "profession.csv",
                 "professionals.csv", "network_summary.csv", "profession.png",
                 "summary.json"):
        assert (out / name).stat().st_size > 0, name
    panel = pd.read_csv(out / "organizations.csv")
    assert len(panel) == 60 * 3 and set(panel["year"]) == {1, 2, 3}
    assert len(pd.read_csv(out / "profession.csv")) == 3
    alliances = pd.read_csv(out / "alliances.csv")
    network = pd.read_csv(out / "network.csv")
    assert len(alliances) > 0 and len(network) > 0
    assert (network["organization_a"] < network["organization_b"]).all()
    shape = pd.read_csv(out / "network_summary.csv")
    counted = network.groupby("year").size()
    assert shape.set_index("year")["ties"].to_dict() == counted.to_dict()
    assert shape["largest_component_share"].between(0, 1).all()


def test_run_ecosystem_in_python_matches_the_file(tmp_path):
    path = tmp_path / "eco.toml"
    path.write_text(SCENARIO)
    from_file = run_ecosystem(path)
    from_dict = run_ecosystem({"seed": 3, "ecosystem": {"n_organizations": 60, "years": 3,
                                                        "alliance_rate": 0.02},
                               "alliance": {"country_set": "four_continents"}})
    pd.testing.assert_frame_equal(from_file.alliances, from_dict.alliances)


def test_the_shipped_scenario_file_is_valid():
    scenario = load_ecosystem_scenario("scenarios/ecosystems/baseline.toml")
    assert scenario.ecosystem["n_organizations"] >= 1000


@pytest.mark.parametrize(("text", "message"), [
    ("seed = 1\n[ecosytem]\nyears = 2\n", "unknown field 'ecosytem'; allowed: name"),
    ("[ecosystem]\nyeers = 2\n", "ecosystem.yeers: unknown ecosystem parameter 'yeers'. "
                                 "Did you mean 'years'?"),
    ("[ecosystem]\nmode_rule = 'boss'\n", "ecosystem.mode_rule: parameter 'mode_rule' got "
                                          "'boss'; allowed: one of 'lead'"),
    ("[ecosystem]\nalliance_rate = 2.0\n", "ecosystem.alliance_rate: parameter "
                                           "'alliance_rate' must be a number in [0, 0.1]"),
    ("[alliance]\nmanagement_mode = 'dedicated'\n", "alliance.management_mode: alliance "
                                                   "parameter 'management_mode' is set by"),
    ("[alliance]\ntrust_gainn = 0.1\n", "alliance.trust_gainn: unknown parameter"),
    ("seed = -1\n", "seed must be a whole number >= 0"),
    ("[ecosystem\n", "not a valid TOML file"),
    ("[partners]\ncountries = ['Narnia']\n", "partners.countries[1]: "),
])
def test_a_bad_scenario_file_is_refused_naming_file_and_field(tmp_path, text, message):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(EcosystemScenarioError, match=f"^{path}: ") as caught:
        load_ecosystem_scenario(path)
    assert message in str(caught.value)
    done = CliRunner().invoke(app, ["ecosystem", str(path), "--out", str(tmp_path / "o")])
    assert done.exit_code != 0 and message in done.output.replace("\n", "")


def test_the_user_page_lists_every_ecosystem_parameter_once():
    from pathlib import Path

    text = (Path(__file__).resolve().parents[1] / "docs" / "ecosystem.md").read_text()
    for param in ECOSYSTEM_PARAMETERS:
        assert text.count(f"| `{param.name}` |") == 1, param.name


def test_without_experiential_learning_only_codified_practice_keeps_skill():
    base = {"training_effect": 0.0, "forgetting": 0.0, "staff_turnover": 0.0,
            "switch_rate": 0.0, "imitation_rate": 0.0}
    off = ecosystem(2, **base, **ecosystem_mechanism_off("experiential_learning"))
    gained = off.orgs.staff_skill - off.orgs.base_skill
    uncodified = off.orgs.practice == NONE
    assert (gained[uncodified] == 0).all() and (gained[~uncodified] > 0).any()
    on = ecosystem(2, **base)
    assert (on.orgs.staff_skill - on.orgs.base_skill)[on.orgs.practice == NONE].max() > 0


def test_problemistic_search_alone_changes_only_practices_that_fall_short():
    model = ecosystem(7, switch_rate=1.0, aspiration=0.6,
                      **ecosystem_mechanism_off("mimetic_isomorphism"))
    panel = collect(model).organizations.sort_values(["organization", "year"])
    previous = panel.groupby("organization")["practice"].shift()
    changed = panel[previous.notna() & (panel["practice"] != previous)]
    assert len(changed) > 0
    assert (changed["judged_result"] < 0.6).all()


@pytest.mark.parametrize(("rule", "expected"), [("lead", "transversal"),
                                                 ("any_member", "dedicated"),
                                                 ("majority", "dedicated")])
def test_the_mode_rule_says_whose_function_makes_an_alliance_dedicated(rule, expected):
    model = EcosystemModel(1, alliance=WORLD, **{**SMALL, "alliance_rate": 0.0,
                                                 "initial_function_share": 0.0,
                                                 "mode_rule": rule})
    model.orgs.practice[1] = FUNCTION
    yearly.staff_functions(model)  # the new function hires its professional
    mode, professional = model._management(np.array([0, 1]))
    assert mode == expected
    assert (professional >= 0) == (expected == "dedicated")
    if professional >= 0:
        assert model.people.employer[professional] == 1


def test_training_is_free_only_with_its_cost_switched_off():
    quiet = {**SMALL, "alliance_rate": 0.0, "initial_trained_share": 0.5,
             "initial_function_share": 0.0}
    paid = EcosystemModel(1, alliance=WORLD, **quiet)
    yearly._train(paid)
    free = EcosystemModel(1, alliance=WORLD, **quiet, **ecosystem_mechanism_off("training_cost"))
    yearly._train(free)
    trained = paid.orgs.practice == TRAINED
    assert (paid.orgs.spend[trained] > 0).all() and (free.orgs.spend == 0).all()
    assert np.array_equal(paid.orgs.staff_skill, free.orgs.staff_skill)


def test_without_cost_awareness_organizations_judge_by_results_alone():
    model = ecosystem(3, initial_function_share=0.3,
                      **ecosystem_mechanism_off("cost_awareness"))
    judged, known = yearly.judged_results(model)
    year, first = model.year, max(1, model.year - model.params.memory_years + 1)
    share = model.results_sum[first:year + 1].sum(axis=0)[known] \
        / model.results_n[first:year + 1].sum(axis=0)[known]
    assert np.allclose(judged[known], share)
    aware = ecosystem(3, initial_function_share=0.3)
    judged, known = yearly.judged_results(aware)
    spends = aware.spend_history.sum(axis=0) > 0
    assert (judged[known & spends] < 1.0).all()


def test_newcomers_enter_and_idle_professionals_leave_only_when_switched_on():
    closed = _new_functions(profession_entry_rate=1.0, poaching_rate=0.0)
    assert closed.year_counts["hired"] > 0  # nobody was idle: newcomers filled the posts
    assert closed.year_counts["unfilled"] == 0
    shut = _new_functions(poaching_rate=0.0, **ecosystem_mechanism_off("profession_entry"))
    assert shut.year_counts["hired"] == 0
    for off, left in ((ecosystem_mechanism_off("leaving_profession"), False), ({}, True)):
        model = EcosystemModel(1, alliance=WORLD, **{**SMALL, "alliance_rate": 0.0,
                                                     "initial_function_share": 0.5,
                                                     "leave_profession": 1.0, **off})
        model.orgs.practice[:] = NONE  # every function closes: all professionals idle
        yearly.staff_functions(model)
        assert (model.people.employer == -2).any() == left


# --- alliances' planned term -------------------------------------------------------------------
def _live_growth(model: EcosystemModel) -> float:
    """Alliances alive in years 9-12 over those alive in years 4-7."""
    live = np.array([row["alliances_live"] for row in model.profession], dtype=float)
    return float(live[8:12].mean() / live[3:7].mean())


def test_alliances_end_at_their_term_so_the_live_count_stops_growing():
    steady = {"n_organizations": 400, "years": 12, "alliance_rate": 0.01}
    on = EcosystemModel(2, alliance=WORLD, **{**steady, "alliance_term": 36}).run()
    table = collect(on).alliances
    assert (table["end_month"] <= 36).all()
    at_term = table[table["closed_at_term"]]
    assert len(at_term) and (at_term["end_month"] == 36).all()
    assert not at_term["ended"].any()  # still running at its term, as a single run
    off = EcosystemModel(2, alliance=WORLD,
                         **{**steady, **ecosystem_mechanism_off("planned_term")}).run()
    assert not collect(off).alliances["closed_at_term"].any()
    # At a constant founding rate, a term caps how long alliances live, so their number
    # levels off once the term has passed; without it, renewed alliances pile up.
    assert 0.75 < _live_growth(on) < 1.33
    assert _live_growth(off) > _live_growth(on) + 0.25


# --- a professional taking over an alliance ------------------------------------------------------
def _dedicated_alliance(**params) -> tuple[EcosystemModel, LiveAlliance]:
    """An ecosystem with one dedicated alliance, led by organization 0's function."""
    model = EcosystemModel(1, alliance=WORLD, **{**SMALL, "alliance_rate": 0.0,
                                                 "initial_function_share": 0.0, **params})
    model.orgs.practice[0] = FUNCTION
    model.people.add(0, 0.3)
    model._candidates = lambda lead: np.arange(1, 12)
    model._found(0)
    return model, model.live[0]


def test_a_professional_taking_over_an_alliance_is_hired_at_its_own_skill():
    model, live = _dedicated_alliance()
    assert live.mode == "dedicated" and live.model.management.manager.skill == 0.3
    for _ in range(6):
        _advance(live.model)
    successor = model.people.add(0, 0.8)
    model.people.employer[live.professional] = -1  # the first professional left
    yearly._reassign_managers(model)
    manager = live.model.management.manager
    assert live.professional == successor
    assert manager.skill == manager.hired_skill == 0.8
    assert manager.knowledge == live.model.params.knowledge_initial  # new to this alliance
    assert model.people.experience[0] == 1.0  # the first one counts the alliance it managed


def test_the_professional_manager_without_an_appointment_is_the_single_models_manager():
    plain = AllianceModel(rng=4, collect_steps=False, management_mode="dedicated")
    own = AllianceModel(rng=4, collect_steps=False, management_mode="dedicated",
                        manager_class=ProfessionalManager)
    for _ in range(60):
        plain.step()
        own.step()
    assert same_record(plain.outcome_record(), own.outcome_record())


# --- members who leave early -------------------------------------------------------------------
def _founded_alliance(**params) -> tuple[EcosystemModel, LiveAlliance]:
    """An ecosystem with one alliance stepped until its governance is agreed."""
    for seed in range(1, 30):
        model = EcosystemModel(seed, alliance=WORLD, **{**SMALL, "alliance_rate": 0.0,
                                                        "initial_function_share": 0.0,
                                                        "initial_trained_share": 0.0,
                                                        **params})
        model._candidates = lambda lead: np.arange(1, 12)
        model._found(0)
        live = model.live[0]
        while live.model.running and not live.model.alliance.governance:
            _advance(live.model)
            model._membership_changed(live)  # as the ecosystem's month does
        if live.model.running and len(live.model.members) > 2:
            return model, live
    raise AssertionError("no alliance got past founding")


@pytest.mark.parametrize("learning", [True, False])
def test_members_that_leave_early_keep_what_their_people_learned(learning):
    off = {} if learning else {**ecosystem_mechanism_off("experiential_learning"),
                               **ecosystem_mechanism_off("codification")}
    model, live = _founded_alliance(**{**NO_SKILL_CHANGE, "experience_retention": 0.5, **off})
    leaver = live.model.members[-1]
    org = int(live.orgs[live.row_of[leaver.name]])
    before = float(model.orgs.staff_skill[org])
    live.model.state.skill[leaver.slot] = live.model.state.skill_entry[leaver.slot] + 0.2
    live.model.remove_partner(leaver.name)
    model._membership_changed(live)
    kept = float(model.orgs.staff_skill[org]) - before
    # Half of what its representative gained, at no experience yet (the rule at the end).
    assert kept == (pytest.approx(0.1) if learning else 0.0)


def test_a_member_leaving_before_the_alliance_is_founded_keeps_nothing():
    model = EcosystemModel(1, alliance=WORLD, **{**SMALL, **NO_SKILL_CHANGE,
                                                 "experience_retention": 1.0,
                                                 "alliance_rate": 0.0})
    model._candidates = lambda lead: np.arange(1, 12)
    model._found(0)
    live = model.live[0]
    leaver = live.model.members[-1]
    live.model.state.skill[leaver.slot] += 0.2
    before = model.orgs.staff_skill.copy()
    live.model.remove_partner(leaver.name)
    model._membership_changed(live)
    assert np.array_equal(model.orgs.staff_skill, before)


# --- the alliance's public month -----------------------------------------------------------------
def test_advance_month_is_the_month_step_runs():
    stepped, advanced = AllianceModel(rng=8), AllianceModel(rng=8)
    for _ in range(48):
        stepped.step()
        advanced.advance_month()
    assert same_record(stepped.outcome_record(), advanced.outcome_record())
    pd.testing.assert_frame_equal(stepped.step_table(), advanced.step_table())


def test_a_partners_function_keeps_managing_the_alliance_it_made_dedicated():
    # Under any_member, a founder's function that is not the lead's supplies the manager;
    # without turnover, poaching or practice changes, nobody should be replaced.
    still = {**ecosystem_mechanism_off("people_turnover"), "poaching_rate": 0.0,
             "switch_rate": 0.0, "imitation_rate": 0.0}
    model = ecosystem(3, years=3, mode_rule="any_member", initial_function_share=0.3, **still)
    table = collect(model).alliances
    dedicated = table[table["mode"] == "dedicated"]
    employer = model.people.employer[dedicated["first_professional"].to_numpy()]
    assert (employer != dedicated["lead"].to_numpy()).any()  # some managed by a partner
    assert _profession(model)["managers_changed"].sum() == 0


# --- organizations entering and leaving the population ------------------------------------------
def test_organizations_leave_and_newcomers_take_their_place_only_when_switched_on():
    on = ecosystem(5, organization_turnover=0.2)
    off = ecosystem(5, **ecosystem_mechanism_off("population_turnover"))
    panel_on, panel_off = collect(on).organizations, collect(off).organizations
    assert _profession(on)["organizations_replaced"].sum() > 0
    assert (panel_on.groupby("year").size() == SMALL["n_organizations"]).all()
    assert panel_on["entered"].max() > 0 and panel_off["entered"].max() == 0
    assert _profession(off)["organizations_replaced"].sum() == 0
    # Each occupant of an index keeps its own name through the years it is in the panel.
    assert (panel_on.groupby(["organization", "entered"])["name"].nunique() == 1).all()
    # Newcomers start without alliance experience, so turnover dilutes what the
    # population has accumulated.
    assert on.orgs.experience.mean() < off.orgs.experience.mean()


def test_an_organization_leaving_the_population_leaves_its_alliances_and_ties():
    model = EcosystemModel(2, alliance=WORLD, **{**SMALL, "organization_turnover": 0.5})
    for _ in range(12):  # to the first year's end, where half the organizations leave
        model.step()
    gone = set(np.flatnonzero(model.orgs.entered == 1).tolist())
    assert gone and model.live
    assert all(not (live.current & gone) for live in model.live)
    assert (model.orgs.portfolio[list(gone)] == 0).all()
    assert all(model.ties.partners(org).size == 0 for org in gone)
    assert all(not (set(model.ties.partners(org).tolist()) & gone) for org in range(120))
    # Candidates that left can no longer be invited into the alliances they were offered to.
    for live in model.live:
        rows = np.isin(live.orgs, list(gone))
        assert not live.model.pool.available[rows].any()


def test_no_ecosystem_parameter_shares_a_name_with_a_single_alliance_parameter():
    # A sweep's labels, units and ranges are looked up by name: one name, one meaning.
    from alliancesim.params import PARAMETERS_BY_NAME

    assert not [p.name for p in ECOSYSTEM_PARAMETERS if p.name in PARAMETERS_BY_NAME]
