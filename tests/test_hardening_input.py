"""Inputs abused on purpose: files, command-line options and the Python API.

Each section reproduces one abuse and checks what must happen instead: one clean line
naming the file (or option, or argument), the field and what is allowed; exit status 2 on
the command line; never a traceback, and never a silent change of what runs.
"""

from __future__ import annotations

import json
import math
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from alliancesim.cli.main import app

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
DEEP = "a = " + "[" * 5000 + "]" * 5000 + "\n"


def invoke(*args: str | Path):
    """Run the command in this process; stdout and stderr together in ``output``."""
    return CliRunner().invoke(app, [str(a) for a in args])


def assert_refused(result, *words: str, code: int = 2) -> str:
    """Exit ``code``, one ``error:`` line holding ``words``, no traceback; the line."""
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        repr(result.exception)
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, result.output
    for word in words:
        assert word in errors[0], errors[0]
    return errors[0]


def write(folder: Path, text: str, name: str = "file.toml") -> Path:
    path = folder / name
    path.write_text(text)
    return path


# --- item 10: one TOML reader with a depth limit ---------------------------------------------
@pytest.mark.parametrize("command", ["run", "sweep", "verdict"])
def test_a_file_nested_5000_levels_is_refused_in_one_line(tmp_path, command):
    deep = write(tmp_path, DEEP, "deep.toml")
    extra = ["--out", tmp_path / "out"] if command != "sweep" else []
    result = invoke(command, deep, *extra)
    line = assert_refused(result, str(deep), "nested more than")
    assert len(result.output.splitlines()) < 5, result.output
    assert len(line) < 400


def test_every_toml_reader_goes_through_the_depth_limit(tmp_path):
    from alliancesim.scenarios import ScenarioError, load_scenario
    from alliancesim.sweeps import ExperimentError, load_experiment
    from alliancesim.validation.calibration import read_experiment_file

    deep = write(tmp_path, DEEP, "deep.toml")
    with pytest.raises(ScenarioError, match="nested more than"):
        load_scenario(deep)
    with pytest.raises(ExperimentError, match="nested more than"):
        load_experiment(deep)
    with pytest.raises(ValueError, match="nested more than"):
        read_experiment_file(deep)


def test_the_depth_scan_ignores_brackets_in_strings_and_comments():
    from alliancesim.tomlfile import nesting_depth, parse_toml

    text = ('a = "[[[[" # [[[[\nb = [[1], [2]]\nc = \'\'\'[[[\'\'\'\nd = """x\\\\"""\n'
            'f = "q\\"[[["\ne = [[[1]]]\n')
    assert nesting_depth(text) == 3
    assert parse_toml(text)["f"] == 'q"[[['
    for path in [*SCENARIOS.glob("*.toml"), *(ROOT / "experiments").glob("*.toml")]:
        assert nesting_depth(path.read_text()) <= 4, path


def test_the_app_lists_the_other_scenarios_beside_a_deep_one(tmp_path):
    from alliancesim.app.scenarios import list_scenarios

    write(tmp_path, DEEP, "deep.toml")
    write(tmp_path, (SCENARIOS / "hybrid.toml").read_text(), "hybrid.toml")
    choices = list_scenarios(tmp_path)
    assert len(choices) == 2
    broken = next(c for c in choices if c.error)
    assert "deep.toml" in broken.error and "nested more than" in broken.error
    assert any(not c.error and c.params for c in choices)


# --- item 13: a huge or endless file is refused before it is read -----------------------------
def test_run_dev_zero_is_refused_at_once(tmp_path):
    start = time.perf_counter()
    result = invoke("run", "/dev/zero", "--out", tmp_path / "out")
    assert_refused(result, "/dev/zero", "not a regular file")
    assert time.perf_counter() - start < 10  # it read nothing (it used to run 19 s, then fail)


def test_a_file_above_the_size_limit_is_refused_unread(tmp_path):
    from alliancesim.bounds import MAX_FILE_BYTES

    big = write(tmp_path, 'name = "big"\n' + "# padding\n" * (MAX_FILE_BYTES // 10 + 1),
                "big.toml")
    assert_refused(invoke("run", big, "--out", tmp_path / "out"), str(big),
                   f"{MAX_FILE_BYTES:,} bytes")
    assert_refused(invoke("sweep", big), str(big), "larger than")


# --- item 5: country weights are finite and bounded -------------------------------------------
def test_country_weights_that_overflow_their_sum_are_refused(tmp_path):
    from alliancesim.bounds import MAX_COUNTRY_WEIGHT
    from alliancesim.scenarios import ScenarioError, scenario_from_dict

    mix = write(tmp_path, 'name = "mix"\n[partners]\n'
                          "country_mix = {Japan = 1e308, Germany = 1e308}\n", "mix.toml")
    assert_refused(invoke("run", mix, "--out", tmp_path / "out"), str(mix),
                   "partners.country_mix.Japan", f"at most {MAX_COUNTRY_WEIGHT:g}")
    with pytest.raises(ScenarioError, match="at most"):
        scenario_from_dict({"name": "x", "partners": {"country_mix": {"Japan": 2e9}}})
    ok = scenario_from_dict({"name": "x", "partners": {"country_mix": {
        "Japan": MAX_COUNTRY_WEIGHT, "Germany": MAX_COUNTRY_WEIGHT}}})
    assert ok.partners["country_mix"] == {"JPN": MAX_COUNTRY_WEIGHT, "GER": MAX_COUNTRY_WEIGHT}


def test_the_largest_weights_still_draw_both_countries():
    import numpy as np

    from alliancesim.bounds import MAX_COUNTRY_WEIGHT
    from alliancesim.culture.partners import make_partners, pool_countries

    partners = make_partners(country_mix={"Japan": MAX_COUNTRY_WEIGHT,
                                          "Germany": MAX_COUNTRY_WEIGHT})
    rows = pool_countries(partners, "synthetic", np.linspace(0.01, 0.99, 50))
    assert len(set(rows.tolist())) == 2


# --- item 20: a huge name is not echoed back whole ---------------------------------------------
@pytest.mark.parametrize("where", ["country_mix", "countries", "parameters"])
def test_a_2mb_name_is_not_echoed_whole(tmp_path, where):
    huge = "Q" * 900_000  # 2 MB would be refused as a file; the Python API takes it
    text = {"country_mix": f'[partners]\ncountry_mix = {{"{huge}" = 1}}\n',
            "countries": f'[partners]\ncountries = ["{huge}"]\n',
            "parameters": f'[parameters]\n"{huge}" = 1\n'}[where]
    path = write(tmp_path, 'name = "huge"\n' + text, "huge.toml")
    line = assert_refused(invoke("run", path, "--out", tmp_path / "out"), str(path))
    assert "Q" * 100 not in line and len(line) < 5000


def test_a_2mb_country_name_in_python_is_not_echoed_whole():
    from alliancesim.culture import make_partners
    from alliancesim.culture.partners import PartnersError

    with pytest.raises(PartnersError) as raised:
        make_partners(country_mix={"Q" * 2_000_000: 1.0})
    assert "Q" * 100 not in str(raised.value) and len(str(raised.value)) < 1000


# --- items 13 and 17: one bounds check for every size ----------------------------------------
def test_compare_with_10_18_replicates_is_refused_naming_the_limit(tmp_path):
    result = invoke("compare", "baseline", "hybrid", "--replicates", 10**18,
                    "--out", tmp_path / "out")
    assert_refused(result, "--replicates", "1,000,000 runs", "allowed: 2 to 500,000")
    assert not (tmp_path / "out").exists()  # refused before anything was made


def test_compare_with_a_billion_replicates_is_refused(tmp_path):
    result = invoke("compare", "baseline", "hybrid", "dedicated_manager", "no_management",
                    "--replicates", 1_000_000_000, "--out", tmp_path / "out")
    assert_refused(result, "--replicates", "4,000,000,000 runs", "limit of 1,000,000 runs")


def test_validate_with_10_10_replicates_is_refused(tmp_path):
    result = invoke("validate", "--replicates", 10**10, "--out", tmp_path / "out")
    assert_refused(result, "--replicates", "limit of 1,000,000 runs", "management modes")


def test_the_python_api_of_compare_goes_through_the_same_check(tmp_path):
    from alliancesim.bounds import SizeError
    from alliancesim.compare.runner import run_comparison
    from alliancesim.scenarios import load_scenario

    scenario = load_scenario(SCENARIOS / "baseline.toml")
    with pytest.raises(SizeError, match=r"replicates.*limit of 1,000,000 runs"):
        run_comparison([scenario], 10**18, 1, out=tmp_path / "out")
    with pytest.raises(SizeError, match="whole number"):
        run_comparison([scenario], 2.5, 1, out=tmp_path / "out")  # type: ignore[arg-type]


LHS = """
name = "huge"
replicates = 1
[vary]
cultural_diversity = {{}}
[design]
kind = "lhs"
samples = {samples}
[limits]
runs = {runs}
"""


@pytest.mark.parametrize(("samples", "runs", "field", "limit"), [
    (10**12, 10**13, "limits.runs", "at most 100,000,000"),
    (10**12, 10**8, "limits.runs", "can allow at most 100,000,000"),
    (2**21, 10**8, "design.samples", "allowed: 1 to 1,048,576"),
])
def test_an_lhs_of_10_12_samples_under_raised_limits_is_refused(tmp_path, samples, runs,
                                                                 field, limit):
    path = write(tmp_path, LHS.format(samples=samples, runs=runs), "huge.toml")
    assert_refused(invoke("sweep", path, "--out", tmp_path / "out"), str(path), field, limit)


def test_replicates_above_the_ceiling_are_refused_in_a_sweep_file(tmp_path):
    text = LHS.format(samples=10, runs=1000).replace("replicates = 1", "replicates = 10000000000")
    path = write(tmp_path, text, "huge.toml")
    assert_refused(invoke("sweep", path, "--out", tmp_path / "out"), "limits.runs",
                   "10,000,000,000 replicates", "can allow at most 100,000,000")


@pytest.mark.parametrize("command", ["run", "compare"])
def test_network_months_beyond_the_run_are_refused(tmp_path, command):
    scenarios = ["baseline"] if command == "run" else ["baseline", "hybrid"]
    result = invoke(command, *scenarios, "--network-months", "0,1000000000",
                    "--out", tmp_path / "out")
    assert_refused(result, "--network-months", "1,000,000,000", "allowed: whole numbers")
    result = invoke(command, *scenarios, "--network-months", "130", "--out", tmp_path / "out")
    assert_refused(result, "--network-months", "130", "horizon (120 months)")


# --- items 11 and 14: analyze and replay on folders they do not expect -----------------------
TINY = """
name = "tiny"
seed = 5
replicates = 2
horizon = 12
[vary]
n_members = [4, 6]
cultural_diversity = {}
[design]
kind = "random"
samples = 2
"""


@pytest.fixture(scope="module")
def folders(tmp_path_factory) -> dict[str, Path]:
    """A sweep, a comparison and a single run, made once."""
    root = tmp_path_factory.mktemp("folders")
    made = {"sweep": root / "sweep", "compare": root / "compare", "run": root / "run"}
    assert invoke("sweep", write(root, TINY, "tiny.toml"), "--out", made["sweep"],
                  "--workers", 1, "--no-progress").exit_code == 0
    assert invoke("compare", "baseline", "hybrid", "--replicates", 2, "--workers", 1,
                  "--out", made["compare"]).exit_code == 0
    assert invoke("run", "baseline", "--out", made["run"]).exit_code == 0
    return made


@pytest.mark.parametrize(("kind", "words"), [
    ("compare", ["a comparison written by 'alliancesim compare'", "report.md"]),
    ("run", ["a single run written by 'alliancesim run'", "replay"]),
])
def test_analyze_on_a_compare_or_run_folder_says_what_the_folder_is(folders, kind, words):
    assert_refused(invoke("analyze", folders[kind]), str(folders[kind]), "not a sweep", *words)


def tampered(folders: dict[str, Path], kind: str, tmp_path: Path, change) -> Path:
    """A copy of one folder whose manifest ``change`` edits (or replaces, by returning)."""
    import shutil

    copy = tmp_path / kind
    shutil.copytree(folders[kind], copy)
    manifest = json.loads((copy / "manifest.json").read_text())
    changed = change(manifest)
    (copy / "manifest.json").write_text(json.dumps(manifest if changed is None else changed))
    return copy


def _scenario0(manifest):
    return manifest["recipe"]["scenarios"][0]


REPLAY_TAMPERED = {
    "scenarios=[]": ("compare", lambda m: m["recipe"].update(scenarios=[]),
                     "recipe.scenarios"),
    "unknown timeline key": ("compare", lambda m: _scenario0(m).update(
        timeline=[{"month": 3, "kind": "shock", "bogus": 1}]), "unknown key 'bogus'"),
    "unknown timeline kind": ("compare", lambda m: _scenario0(m).update(
        timeline=[{"month": 3, "kind": "nope"}]), "unknown kind 'nope'"),
    "severity 5": ("compare", lambda m: _scenario0(m).update(
        timeline=[{"month": 3, "kind": "shock", "severity": 5}]), "severity"),
    "month 10**9": ("compare", lambda m: _scenario0(m).update(
        timeline=[{"month": 10**9, "kind": "shock"}]), "timeline[1].month"),
    "network_months=['a']": ("compare", lambda m: _scenario0(m)["record"].update(
        network_months=["a"]), "network_months"),
    "list manifest": ("compare", lambda m: [1], "not a results manifest"),
    "null manifest": ("compare", lambda m: "null-marker", "not a results manifest"),
    "bad parameter": ("compare", lambda m: _scenario0(m).update(
        parameters={"n_members": "x"}), "n_members"),
    "recipe a list": ("compare", lambda m: m.update(recipe=[]), "'recipe'"),
    "record a list": ("compare", lambda m: _scenario0(m).update(record=[1]), "cannot be read"),
    "unknown factor": ("sweep", lambda m: m["recipe"].update(factors=["nope"]),
                       "unknown factor 'nope'"),
    "base parameters a list": ("sweep", lambda m: m["recipe"].update(base_parameters=[1]),
                               "cannot be read"),
    "unknown country": ("sweep", lambda m: m["recipe"].update(
        partners={"countries": ["Atlantis"]}), "Atlantis"),
}


@pytest.mark.parametrize("case", list(REPLAY_TAMPERED))
def test_replay_on_a_tampered_manifest_is_one_line(folders, tmp_path, case):
    kind, change, words = REPLAY_TAMPERED[case]
    copy = tampered(folders, kind, tmp_path, change)
    if case == "null manifest":
        (copy / "manifest.json").write_text("null")
    result = invoke("replay", copy, "--run-id", 0, "--out", tmp_path / "replayed")
    assert_refused(result, "manifest.json", words)


ANALYZE_TAMPERED = {
    "list manifest": (lambda m: [1], "not a results manifest"),
    "no design": (lambda m: m.pop("design") and None, "field 'design'"),
    "unknown factor": (lambda m: m["design"]["ranged"][0].update(name="nope"),
                       "unknown factor 'nope'"),
    "factors not a list": (lambda m: m["design"].update(ranged="abc"), "field 'design'"),
    "unknown design kind": (lambda m: m["design"].update(kind="bogus"), "design.kind"),
    "outcomes not a list": (lambda m: m["experiment"].update(analysis={"outcomes": "x"}),
                            "experiment.analysis.outcomes"),
}


@pytest.mark.parametrize("case", list(ANALYZE_TAMPERED))
def test_analyze_on_a_tampered_manifest_is_one_line(folders, tmp_path, case):
    change, words = ANALYZE_TAMPERED[case]
    copy = tampered(folders, "sweep", tmp_path, change)
    assert_refused(invoke("analyze", copy, "--no-plots"), "manifest.json", words)


def test_replay_of_an_untampered_folder_still_reproduces_the_run(folders, tmp_path):
    result = invoke("replay", folders["compare"], "--run-id", 1, "--out", tmp_path / "r")
    assert result.exit_code == 0, result.output
    assert "reproduced the stored outcome exactly" in result.output


# --- items 6 and 18: a class named by the base scenario, and verdict --allow-import -----------
OWN_MODEL = ROOT / "tests" / "data" / "own_model"
SCENARIO_WITH_CLASS = """
name = "mentored_base"
seed = 3
replicates = 1
scenario = "{scenario}"
[vary]
n_members = [4, 5]
[design]
kind = "grid"
"""
VERDICT_WITH_CLASS = """
name = "own"
seed = 4
replicates = 1
horizon = 24
{line}
[verdict]
modes = ["dedicated", "transversal"]
map_replicates = 0
[vary]
n_members = {{ low = 3, high = 8 }}
member_skill_mean = {{ low = 0.1, high = 0.7 }}
[design]
kind = "sobol"
samples = 2
"""


def test_a_base_scenario_naming_a_model_class_is_run_with_it_or_refused(tmp_path):
    import shutil

    from alliancesim.engine.classes import ClassImportError
    from alliancesim.sweeps import load_experiment, load_results, run_sweep

    shutil.copy(OWN_MODEL / "mentoring.py", tmp_path / "mentoring.py")
    shutil.copy(OWN_MODEL / "mentored.toml", tmp_path / "mentored.toml")
    path = write(tmp_path, SCENARIO_WITH_CLASS.format(scenario="mentored.toml"), "exp.toml")
    experiment = load_experiment(path)
    assert experiment.recipe()["model_class"] == "mentoring:MentoredAlliance"
    with pytest.raises(ClassImportError, match="--allow-import"):
        run_sweep(experiment, tmp_path / "refused", workers=1)
    assert_refused(invoke("sweep", path, "--out", tmp_path / "refused2", "--workers", 1),
                   "model_class", "--allow-import")
    run_sweep(experiment, tmp_path / "out", workers=1, allow_import=True)
    runs = load_results(tmp_path / "out")
    assert len(runs) == 2 and runs["mentoring_sessions"].gt(0).all()


@pytest.mark.parametrize("how", ["verdict file", "base scenario"])
def test_verdict_has_allow_import_and_runs_the_named_class(tmp_path, how):
    import shutil

    shutil.copy(OWN_MODEL / "mentoring.py", tmp_path / "mentoring.py")
    shutil.copy(OWN_MODEL / "mentored.toml", tmp_path / "mentored.toml")
    line = ('model_class = "mentoring:MentoredAlliance"' if how == "verdict file"
            else 'scenario = "mentored.toml"')
    path = write(tmp_path, VERDICT_WITH_CLASS.format(line=line), "own.toml")
    refused = invoke("verdict", path, "--out", tmp_path / "refused", "--workers", 1,
                     "--no-progress")
    assert_refused(refused, "model_class", "add --allow-import")
    done = invoke("verdict", path, "--out", tmp_path / "out", "--workers", 1, "--no-progress",
                  "--allow-import")
    assert done.exit_code == 0, done.output
    from alliancesim.sweeps import load_results

    runs = load_results(tmp_path / "out" / "runs" / "dedicated")
    assert runs["mentoring_sessions"].gt(0).all()


def test_the_app_refuses_a_scenario_naming_a_class_and_never_imports_it(tmp_path):
    import shutil
    import sys

    from alliancesim.app.scenarios import list_scenarios

    shutil.copy(OWN_MODEL / "mentored.toml", tmp_path / "mentored.toml")
    (tmp_path / "tripwire_mod.py").write_text("raise SystemExit('imported!')\n")
    (tmp_path / "trip.toml").write_text('name = "Trip"\nmodel_class = "tripwire_mod:X"\n')
    write(tmp_path, (SCENARIOS / "hybrid.toml").read_text(), "hybrid.toml")
    choices = {c.path.name: c for c in list_scenarios(tmp_path)}
    for name, named in (("mentored.toml", "mentoring:MentoredAlliance"),
                        ("trip.toml", "tripwire_mod:X")):
        assert named in choices[name].error and "model_class" in choices[name].error
        assert not choices[name].params  # nothing to run: never the default model instead
    assert "tripwire_mod" not in sys.modules
    assert not choices["hybrid.toml"].error and choices["hybrid.toml"].params


# --- item 19: the Python API checks its arguments as files are checked ------------------------
def _api_cases():
    from alliancesim import AllianceModel, Intervention, simulate

    return {
        "n_members=nan": (lambda: simulate({"n_members": math.nan}, seed=1), ValueError,
                          ["n_members", "integer in [2, 1000]"]),
        "n_members=inf": (lambda: simulate({"n_members": math.inf}, seed=1), ValueError,
                          ["n_members", "integer in [2, 1000]"]),
        "severity=5.0": (lambda: Intervention(5, "shock", severity=5.0), ValueError,
                         ["severity", "[0, 1]"]),
        "amount=-1.0": (lambda: Intervention(5, "training", amount=-1.0), ValueError,
                        ["amount", "(0, 1]"]),
        "month 10**9": (lambda: Intervention(10**9, "shock"), ValueError,
                        ["month", "1 to 600"]),
        "severity=nan": (lambda: Intervention(5, "shock", severity=math.nan), ValueError,
                         ["severity", "[0, 1]"]),
        "member_class=int": (lambda: simulate({}, seed=1, member_class=int), TypeError,
                             ["member_class", "MemberOrganization"]),
        "step_columns": (lambda: simulate({}, seed=1, record_steps=True,
                                          step_columns=["nope"]), ValueError,
                         ["step_columns", "'nope'", "trust_mean"]),
        "n_members=8.0": (lambda: AllianceModel(rng=1, n_members=8.0), ValueError,
                          ["n_members", "whole number", "8.0"]),
        "seed=True": (lambda: simulate({}, seed=True), TypeError, ["seed", "bool", "0 or more"]),
        "unknown kind": (lambda: Intervention(5, "explode"), ValueError,
                         ["kind", "'explode'", "shock"]),
        "field of another kind": (lambda: Intervention(5, "shock", amount=0.9), ValueError,
                                  ["amount", "does not apply", "'shock'"]),
    }


@pytest.mark.parametrize("case", list(_api_cases()))
def test_the_python_api_refuses_bad_arguments_naming_them(case):
    call, error, words = _api_cases()[case]
    with pytest.raises(error) as raised:
        call()
    for word in words:
        assert word in str(raised.value), str(raised.value)


def test_the_python_api_still_takes_what_files_take():
    import numpy as np

    from alliancesim import AllianceModel, Intervention, simulate

    assert AllianceModel(rng=np.int64(3), n_members=np.int64(6)).params.n_members == 6
    result = simulate({"n_members": 5, "horizon": 24}, seed=2, record_steps=True,
                      step_columns=["trust_mean"],
                      interventions=[Intervention(3, "shock", severity=1.0),
                                     Intervention(4, "training", amount=1.0),
                                     Intervention(5, "set_parameter", parameter="trust_gain",
                                                  value=0.1)])
    assert list(result.steps.columns) == ["month", "trust_mean"] or \
        "trust_mean" in result.steps.columns


# --- item 20: loose checks ---------------------------------------------------------------------
def test_a_verdict_named_with_a_number_is_refused(tmp_path):
    text = VERDICT_WITH_CLASS.format(line="").replace('name = "own"', "name = 5")
    path = write(tmp_path, text, "five.toml")
    assert_refused(invoke("verdict", path, "--out", tmp_path / "out"), str(path),
                   "field 'name'", "must be text", "int 5")


def test_a_manager_event_without_a_manager_is_warned(tmp_path):
    path = write(tmp_path, 'name = "idle"\n[parameters]\nmanagement_mode = "none"\nhorizon = 24'
                           '\n[[timeline]]\nmonth = 5\nkind = "manager_leaves"\n', "idle.toml")
    result = invoke("run", path, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert "warning:" in result.output and "timeline[1] (manager_leaves, month 5) does " \
        "nothing" in " ".join(result.output.split())
    from alliancesim.scenarios import scenario_from_dict

    dedicated = scenario_from_dict({"name": "x", "timeline": [
        {"month": 5, "kind": "manager_leaves"}]})
    assert dedicated.idle_entries() == []


def test_unknown_analysis_outcomes_are_refused_in_the_experiment_file(tmp_path):
    path = write(tmp_path, TINY + '[analysis]\noutcomes = ["value_total", "valu_total"]\n',
                 "outcomes.toml")
    assert_refused(invoke("sweep", path, "--out", tmp_path / "out"), str(path),
                   "analysis.outcomes[2]", "'valu_total'", "Did you mean 'value_total'")
    good = write(tmp_path, TINY + '[analysis]\noutcomes = ["dissolved", "value_total"]\n',
                 "good.toml")
    from alliancesim.sweeps import load_experiment

    assert load_experiment(good).analysis.outcomes == ["dissolved", "value_total"]


def test_scenario_names_are_plain_text_in_the_comparison_report(tmp_path):
    names = ['<script>alert(1)</script>', '<b>bold</b>\n# injected heading']
    paths = [write(tmp_path, f'name = """{name}"""\n[parameters]\nhorizon = 12\n',
                   f"s{i}.toml") for i, name in enumerate(names)]
    result = invoke("compare", *paths, "--replicates", 2, "--workers", 1,
                    "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    report = (tmp_path / "out" / "report.md").read_text()
    assert "<script>" not in report and "<b>" not in report
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in report
    assert not any(line.startswith("# injected") for line in report.splitlines())


# --- item 15: a script without .py and without a main guard is caught --------------------------
def test_an_unguarded_script_without_py_is_refused_at_once(tmp_path):
    import subprocess
    import sys

    for name in ("scenarios", "experiments"):
        (tmp_path / name).symlink_to(ROOT / name)
    script = tmp_path / "myscript"  # no .py: Python runs it, and so does every worker
    script.write_text("from alliancesim.compare import compare_scenarios\n\n"
                      'compare_scenarios(["dedicated_manager", "hybrid"], replicates=4, '
                      "workers=2)\nprint('finished')\n")
    started = time.monotonic()
    done = subprocess.run([sys.executable, str(script)], cwd=tmp_path, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode != 0 and "finished" not in done.stdout
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("alliancesim.engine.guard.MainGuardError"), done.stderr[-3000:]
    assert "line 3 would run again" in last and "myscript" in last
    assert done.stderr.count("Traceback") == 1 and "rerun" not in done.stderr
    assert time.monotonic() - started < 120  # no pool was started, broken and restarted


def test_network_months_in_python_go_through_the_same_bounds():
    from alliancesim import Recording, simulate
    from alliancesim.bounds import SizeError

    with pytest.raises(SizeError, match=r"network_months.*0 to 24"):
        simulate({"horizon": 24}, seed=1, network_months=[10**9])
    with pytest.raises(SizeError, match=r"network_months.*whole number"):
        Recording(network_months=("a",))
    with pytest.raises(SizeError, match="every"):
        Recording(every=0)
    assert Recording(network_months=(12, 0, 12)).network_months == (0, 12)
