"""Sweeps over ecosystems: experiment files of kind "ecosystem", run by the sweep engine
(same rows on every backend, resumable), read back with the varied values on every row."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from alliancesim.cli.main import app
from alliancesim.ecosystem.scenario import run_ecosystem
from alliancesim.sweeps import ExperimentError, load_experiment, run_seed, run_sweep
from alliancesim.sweeps.analysis import analyze
from alliancesim.sweeps.ecosystem import (
    EcosystemExperiment,
    ecosystem_experiment_from_dict,
    load_any_experiment,
    read_ecosystem_sweep,
)

BASELINE = Path(__file__).parents[1] / "scenarios" / "ecosystems" / "baseline.toml"
TINY = {
    "kind": "ecosystem",
    "name": "tiny",
    "scenario": str(BASELINE),
    "seed": 11,
    "replicates": 2,
    "ecosystem": {"n_organizations": 40, "years": 4, "alliance_rate": 0.02},
    "vary": {"professional_skill_premium": {"low": -0.2, "high": 0.3},
             "mode_rule": ["lead", "majority"],
             "alliance": {"trust_initial": {"low": 0.3, "high": 0.7}}},
    "design": {"kind": "lhs", "samples": 3},
    "record": {"organizations": True, "every": 3},
}
RUNS = 3 * 2 * 2  # LHS points x crossed levels x replicates
FACTORS = ["professional_skill_premium", "alliance.trust_initial", "mode_rule"]
TABLES = ("profession", "alliances", "organizations")


def toml_value(value: object) -> str:
    """A value as TOML: tables inline, everything else as JSON writes it (valid TOML for
    the strings, numbers, booleans and arrays used here)."""
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {toml_value(v)}" for k, v in value.items()) + " }"
    return json.dumps(value)


def write(path: Path, spec: dict) -> Path:
    """``spec`` as an experiment file: scalars first, then one [table] per table."""
    lines = [f"{k} = {toml_value(v)}" for k, v in spec.items() if not isinstance(v, dict)]
    for name, table in ((k, v) for k, v in spec.items() if isinstance(v, dict)):
        lines += [f"[{name}]", *(f"{k} = {toml_value(v)}" for k, v in table.items())]
    path.write_text("\n".join(lines) + "\n")
    return path


def comparable(folder: Path) -> dict[str, pd.DataFrame]:
    """The stored runs (without their timings) and tables."""
    tables = read_ecosystem_sweep(folder)
    tables["runs"] = tables["runs"].drop(columns="duration_s")
    return tables


def assert_same(left: dict[str, pd.DataFrame], right: dict[str, pd.DataFrame]) -> None:
    assert set(left) == set(right)
    for name in left:
        pd.testing.assert_frame_equal(left[name], right[name], obj=name)


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> Path:
    """The tiny sweep, run once from start to end in this process."""
    out = tmp_path_factory.mktemp("reference")
    run_sweep(ecosystem_experiment_from_dict(TINY), out, backend="inprocess")
    return out


# --- the file ---------------------------------------------------------------------------
def test_an_ecosystem_file_is_read_with_its_scenario_and_alliance_factors(tmp_path):
    loaded = load_any_experiment(write(tmp_path / "eco.toml", TINY))
    assert isinstance(loaded, EcosystemExperiment)
    assert loaded.n_runs() == RUNS
    ranged, crossed = loaded.factors()
    assert sorted(f.name for f in (*ranged, *crossed)) == sorted(FACTORS)
    base = loaded.base_parameters()
    assert base["ecosystem"]["n_organizations"] == 40  # the file's own, over the scenario's
    assert base["ecosystem"]["initial_function_share"] == 0.1  # from the scenario
    assert base["alliance"]["country_set"] == "four_continents"  # from the scenario


def test_the_same_file_with_a_relative_scenario_and_dotted_alliance_factors(tmp_path):
    text = (f'kind = "ecosystem"\nscenario = "{BASELINE.name}"\n[ecosystem]\n'
            'n_organizations = 40\n[vary]\nalliance.trust_initial = { low = 0.3, high = 0.7 }'
            '\n[design]\nkind = "grid"\nlevels = 2\n')
    (tmp_path / BASELINE.name).write_text(BASELINE.read_text())
    path = tmp_path / "dotted.toml"
    path.write_text(text)
    loaded = load_any_experiment(path)
    assert list(loaded.vary) == ["alliance.trust_initial"] and loaded.n_runs() == 2


ERRORS = [
    ({"vary": {"yeers": {"low": 2, "high": 5}}}, "vary.yeers", "Did you mean 'years'"),
    ({"vary": {"alliance": {"manager_skill_premium": {}}}},
     "vary.alliance.manager_skill_premium", "set by the ecosystem"),
    ({"vary": {"alliance": {"trust_inital": {}}}}, "vary.alliance.trust_inital",
     "alliance.trust_initial"),
    ({"vary": {"imitation_rate": {"low": -0.1, "high": 0.5}}}, "vary.imitation_rate.low",
     "outside the range"),
    ({"vary": {"alliance_rate": {"low": 0.001, "high": 0.01}}}, "vary.alliance_rate",
     "both fixed in [ecosystem] and varied"),
    ({"record": {"organisations": True}}, "record.organisations", "Did you mean 'organizations'"),
    ({"kind": "ecosystems"}, "kind", "'alliance', 'ecosystem'"),
    ({"ecosystem": {"n_organizations": 40, "years": 2.5}}, "ecosystem.years",
     "must be an integer in [1, 100]"),
    ({"ecosystem": {"n_organisations": 40}}, "ecosystem.n_organisations",
     "unknown ecosystem parameter"),
    ({"alliance": {"horizon": 24}}, "alliance.horizon", "set by the ecosystem"),
    ({"analysis": {"outcomes": ["share_fuction_end"]}}, "analysis.outcomes[1]",
     "Did you mean 'share_function_end'"),
    ({"scenario": "nowhere.toml"}, "scenario", "no such file"),
    ({"design": {"kind": "lhs"}}, "design.samples", "needs a number of samples"),
    ({"limits": {"runs": 5}}, "limits.runs", "too large"),
]


@pytest.mark.parametrize(("change", "field", "fragment"), ERRORS,
                         ids=[field for _, field, _ in ERRORS])
def test_a_bad_file_is_refused_naming_the_file_the_field_and_what_is_allowed(
        tmp_path, change, field, fragment):
    path = write(tmp_path / "bad.toml", {**TINY, **change})
    with pytest.raises(ExperimentError) as caught:
        load_any_experiment(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: field {field!r}: "), message
    assert fragment in message and "\n" not in message


def test_a_single_alliance_loader_refuses_an_ecosystem_file_saying_where_it_runs(tmp_path):
    with pytest.raises(ExperimentError, match="field 'kind': an ecosystem experiment"):
        load_experiment(write(tmp_path / "eco.toml", TINY))


def test_a_single_alliance_file_may_say_its_kind(tmp_path):
    spec = {"kind": "alliance", "horizon": 12, "vary": {"n_members": [3, 4]},
            "design": {"kind": "grid"}}
    assert load_any_experiment(write(tmp_path / "plain.toml", spec)).n_runs() == 2


# --- the engine ---------------------------------------------------------------------------
def test_in_process_local_processes_and_dask_give_identical_rows_and_tables(
        reference, tmp_path):
    from dask.distributed import LocalCluster

    experiment = ecosystem_experiment_from_dict(TINY)
    run_sweep(experiment, tmp_path / "processes", workers=2)
    with LocalCluster(host="127.0.0.1", n_workers=2, processes=True, threads_per_worker=1,
                      dashboard_address=None) as cluster:
        summary = run_sweep(experiment, tmp_path / "dask", scheduler=cluster.scheduler_address)
    assert summary.backend == "dask" and summary.workers == 2
    expected = comparable(reference)
    assert list(expected["runs"]["run_id"]) == list(range(RUNS))
    assert (expected["runs"]["status"] == "ok").all()
    assert_same(comparable(tmp_path / "processes"), expected)
    assert_same(comparable(tmp_path / "dask"), expected)


def test_each_run_is_the_ecosystem_its_recorded_seed_gives(reference):
    runs = read_ecosystem_sweep(reference)["runs"]
    row = runs.iloc[7]
    assert row["seed_entropy"] == "11"
    assert list(row["seed_spawn_key"]) == [row["point"], row["replicate"]]
    seed = run_seed(int(row["seed_entropy"]), *map(int, row["seed_spawn_key"]))
    result = run_ecosystem(
        BASELINE, seed=seed, alliance={"trust_initial": float(row["alliance.trust_initial"])},
        **TINY["ecosystem"], mode_rule=row["mode_rule"],
        professional_skill_premium=float(row["professional_skill_premium"]))
    assert len(result.alliances) == row["alliances_formed"]
    assert result.profession["share_function"].iloc[-1] == row["share_function_end"]
    assert result.profession["wage"].iloc[-1] == row["wage_end"]


def test_an_interrupted_sweep_resumes_with_exactly_the_missing_runs(reference, tmp_path):
    experiment = ecosystem_experiment_from_dict(TINY)

    def stop_after_five(stored: int, total: int) -> None:
        if stored >= 5:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_sweep(experiment, tmp_path, backend="inprocess", flush_runs=1,
                  progress=stop_after_five)
    assert json.loads((tmp_path / "manifest.json").read_text())["status"] == "interrupted"
    kept = len(read_ecosystem_sweep(tmp_path)["runs"])
    assert 5 <= kept < RUNS
    resumed = run_sweep(experiment, tmp_path, backend="inprocess")
    assert (resumed.runs_before, resumed.runs_now) == (kept, RUNS - kept)
    assert_same(comparable(tmp_path), comparable(reference))


def test_a_folder_holding_another_experiment_is_refused(reference, tmp_path):
    result = CliRunner().invoke(app, ["sweep", str(write(tmp_path / "other.toml",
                                                         {**TINY, "replicates": 3})),
                                      "--out", str(reference), "--no-progress"])
    assert result.exit_code == 2
    assert "holds results of a different experiment" in result.output
    assert "Traceback" not in result.output


# --- the reader -------------------------------------------------------------------------
def test_every_table_row_carries_its_run_and_the_varied_values(reference):
    tables = read_ecosystem_sweep(reference)
    runs = tables["runs"]
    assert set(tables) == {"runs", *TABLES}
    head = ["run_id", "point", "replicate", *FACTORS]
    for name in TABLES:
        table = tables[name]
        assert list(table.columns[:len(head)]) == head, name
        pairs = table[head].drop_duplicates().reset_index(drop=True)
        pd.testing.assert_frame_equal(pairs, runs.loc[runs["run_id"].isin(pairs["run_id"]),
                                                      head].reset_index(drop=True), obj=name)
    assert (tables["profession"].groupby("run_id").size() == 4).all()
    assert sorted(tables["organizations"]["year"].unique()) == [1, 3, 4]  # first, 3rd, last
    assert (tables["organizations"].groupby(["run_id", "year"]).size() == 40).all()
    counted = tables["alliances"].groupby("run_id").size()
    assert counted.to_dict() == runs.set_index("run_id")["alliances_formed"].to_dict()


def test_the_tables_keep_the_columns_of_an_ecosystem_result(reference):
    tables = read_ecosystem_sweep(reference)
    result = run_ecosystem(BASELINE, n_organizations=40, years=2)
    for name in TABLES:
        own = list(getattr(result, name).columns)
        stored = [c for c in tables[name].columns if c not in ("lead_practice",)]
        assert stored[-len(own):] == own, name


def test_a_dedicated_alliance_under_the_lead_rule_has_a_lead_with_a_function(reference):
    alliances = read_ecosystem_sweep(reference)["alliances"]
    lead_rule = alliances[alliances["mode_rule"] == "lead"]
    dedicated = lead_rule[lead_rule["mode"] == "dedicated"]
    assert len(dedicated) > 0
    assert (dedicated["lead_practice"] == "function").all()
    assert set(alliances["lead_practice"]) <= {"none", "trained", "function"}


def test_the_summary_row_agrees_with_the_tables(reference):
    tables = read_ecosystem_sweep(reference)
    runs = tables["runs"].set_index("run_id")
    last = tables["profession"].groupby("run_id").last()
    pd.testing.assert_series_equal(runs["share_function_end"], last["share_function"],
                                   check_names=False)
    ended = tables["alliances"][tables["alliances"]["ended"]]
    failed = ended.groupby("run_id")["failed"].mean().astype(float)
    pd.testing.assert_series_equal(runs.loc[failed.index, "failed_share"], failed,
                                   check_names=False)


def test_analyze_reads_an_ecosystem_sweep_with_the_factors_labels(reference, tmp_path):
    report = analyze(reference, tmp_path / "analysis", plots=False)
    assert set(report.effects["factor"]) == set(FACTORS)
    assert set(report.effects["outcome"]) >= {"share_function_end", "wage_end"}


def test_the_sweep_command_runs_an_ecosystem_file(tmp_path):
    path = write(tmp_path / "cli.toml", {**TINY, "replicates": 1, "record": {}})
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["sweep", str(path), "--out", str(out), "--workers", "1",
                                      "--no-progress"])
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["experiment"]["kind"] == "ecosystem" and manifest["status"] == "complete"
    assert manifest["runs_stored"] == RUNS // 2 and manifest["experiment_fingerprint"]
    assert {"command", "created"} <= set(manifest["provenance"])
    assert set(read_ecosystem_sweep(out)) == {"runs", "profession", "alliances"}
    broken = write(tmp_path / "broken.toml", {**TINY, "vary": {"yeers": {}}})
    refused = CliRunner().invoke(app, ["sweep", str(broken), "--out", str(tmp_path / "x")])
    assert refused.exit_code == 2
    assert "field 'vary.yeers'" in refused.output and "Traceback" not in refused.output


def test_the_shipped_profession_experiment_is_valid():
    path = Path(__file__).parents[1] / "experiments" / "profession.toml"
    loaded = load_any_experiment(path)
    assert isinstance(loaded, EcosystemExperiment) and loaded.design.kind == "lhs"
    assert loaded.record.organizations and loaded.replicates > 1
    assert tomllib.loads(path.read_text())["kind"] == "ecosystem"


def test_every_summary_outcome_is_explained_in_the_docs():
    from alliancesim.ecosystem.runs import OUTCOMES

    page = (Path(__file__).parents[1] / "docs" / "ecosystem.md").read_text()
    assert [name for name in OUTCOMES if f"`{name}`" not in page] == []


def test_replay_refuses_an_ecosystem_run_saying_how_to_rerun_it(reference):
    result = CliRunner().invoke(app, ["replay", str(reference), "--run-id", "0"])
    assert result.exit_code == 2
    assert "a sweep of ecosystems" in result.output and "run_seed" in result.output
    assert "Traceback" not in result.output


def test_a_failing_run_is_stored_with_its_error_and_leaves_no_table_rows(
        tmp_path, monkeypatch):
    import alliancesim.ecosystem.runs as runs_module

    original = runs_module.summary_outcomes

    def fails_with_an_odd_number_of_alliances(tables):
        if len(tables["alliances"]) % 2:  # some runs, not all
            raise RuntimeError("a run that breaks")
        return original(tables)

    monkeypatch.setattr(runs_module, "summary_outcomes", fails_with_an_odd_number_of_alliances)
    summary = run_sweep(ecosystem_experiment_from_dict(TINY), tmp_path, backend="inprocess")
    tables = read_ecosystem_sweep(tmp_path)
    failed = tables["runs"][tables["runs"]["status"] == "failed"]
    assert 0 < len(failed) == summary.failures_total < RUNS
    assert (failed["error"] == "RuntimeError: a run that breaks").all()
    for name in TABLES:
        assert not set(tables[name]["run_id"]) & set(failed["run_id"]), name
    ok_only = read_ecosystem_sweep(tmp_path, include_failed=False)["runs"]
    assert set(ok_only["run_id"]) == set(tables["runs"]["run_id"]) - set(failed["run_id"])


def test_analyze_writes_the_profession_report_of_an_ecosystem_sweep(reference, tmp_path):
    out = tmp_path / "analysis"
    result = CliRunner().invoke(app, ["analyze", str(reference), "--out", str(out),
                                      "--no-plots"])
    assert result.exit_code == 0, result.output
    assert "a profession:" in result.output and "across the design's conditions" in result.output
    folder = out / "profession"
    by_condition = pd.read_csv(folder / "by_condition" / "emergence.csv")
    across = pd.read_csv(folder / "across_conditions" / "emergence.csv")
    runs = read_ecosystem_sweep(reference)["runs"]
    assert len(by_condition) == runs["point"].nunique()
    assert len(across) == 1 and across["runs"].iloc[0] == len(runs)
    assert "Across conditions" in (folder / "across_conditions" / "report.md").read_text()


def test_the_lead_practice_of_a_sweep_survives_a_thinned_panel(reference):
    from alliancesim.ecosystem.analysis import alliance_practice_table

    tables = read_ecosystem_sweep(reference)  # the panel keeps every third year only
    table = alliance_practice_table(tables["alliances"], tables["organizations"])
    assert len(table) == len(tables["alliances"])
    assert table["lead_practice"].tolist() == tables["alliances"]["lead_practice"].tolist()


def test_readme_answer_is_written_from_the_sweeps_committed_tables(reference, tmp_path):
    from alliancesim.report.profession_block import TAKEN, profession_answer, take_profession

    (tmp_path / "docs" / "results").mkdir(parents=True)
    (tmp_path / "docs" / "img").mkdir()
    take_profession(reference, tmp_path)
    for name in TAKEN.values():
        assert (tmp_path / "docs" / "results" / name).is_file()
    text = profession_answer(tmp_path)
    emergence = pd.read_csv(tmp_path / "docs" / "results" / "profession_emergence.csv")
    assert f"{100 * emergence['change'].iloc[0]:+.1f} points" in text
    assert f"runs {RUNS} whole ecosystems" in text and emergence["answer"].iloc[0] in text
