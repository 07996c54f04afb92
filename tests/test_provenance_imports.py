"""The code of one's own classes in a results folder: a run, comparison or sweep made with
--allow-import records each module's file, its SHA-256 and a copy of its source; replay
finds the module where the run found it (no PYTHONPATH needed), warns when it has changed,
and can use the saved copy instead."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import alliancesim
from alliancesim import AllianceModel
from alliancesim.cli.main import app
from alliancesim.engine.owncode import (
    code_search_folder,
    imported_code,
    loaded_code_differences,
)

MODULE = '''
from alliancesim import AllianceModel


class Coached(AllianceModel):
    """Members learn a little faster: one of one's own models."""

    def step(self):
        super().step()
        if self.running and len(self.state.skill) > 1:
            self.state.skill[int(self.state.skill.argmin())] += 0.01
'''
SCENARIO = '''
name = "Coached"
model_class = "{module}:Coached"

[parameters]
horizon = 24
'''
SWEEP = '''
name = "coached"
seed = 3
replicates = 1
horizon = 24
model_class = "{module}:Coached"

[vary]
n_members = [4, 5]

[design]
kind = "grid"
'''
VERDICT = '''
name = "tiny"
seed = 4
replicates = 2
horizon = 24
model_class = "prov_never:Coached"

[verdict]
modes = ["dedicated", "transversal", "hybrid"]
assumptions = ["skill_learning_rate"]

[vary]
n_members = { low = 3, high = 8 }
skill_learning_rate = { low = 0.1, high = 0.6 }

[design]
kind = "sobol"
samples = 4
'''


def study(tmp_path: Path, module: str) -> Path:
    """A folder holding one's own module and a scenario naming its class; ``module`` is
    unique to the test, so that no other test's import of it is reused."""
    folder = tmp_path / "study"
    folder.mkdir()
    (folder / f"{module}.py").write_text(MODULE)
    (folder / "coached.toml").write_text(SCENARIO.format(module=module))
    return folder


def invoke(*args: object):
    return CliRunner().invoke(app, [str(a) for a in args])


def cli(*args: object, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The command line in a fresh process whose Python path holds only alliancesim (the
    source under test), never the folder of one's own module."""
    env = {**os.environ, "PYTHONPATH": str(Path(alliancesim.__file__).parents[1])}
    code = "from alliancesim.cli.main import app; app()"
    return subprocess.run([sys.executable, "-c", code, *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


def recorded(folder: Path) -> dict:
    manifest = json.loads((folder / "manifest.json").read_text())
    return manifest["provenance"]["imported_code"]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> Path:
    """One run of one's own model, made in a fresh process from the study's parent folder."""
    root = tmp_path_factory.mktemp("made")
    folder = study(root, "prov_made")
    done = cli("run", folder / "coached.toml", "--allow-import", "--out", "study/results/run",
               cwd=root)
    assert done.returncode == 0, done.stderr
    return folder


def test_the_manifest_holds_the_file_its_hash_and_a_copy_of_the_source(made):
    results = made / "results" / "run"
    code = recorded(results)
    assert list(code) == ["prov_made:Coached"]
    entry = code["prov_made:Coached"]
    assert entry["roles"] == ["model_class"]
    (module,) = entry["modules"]
    source = made / "prov_made.py"
    assert module["module"] == "prov_made"
    assert module["file"] == str(source.resolve()) and module["root"] == str(made.resolve())
    assert module["file_from_working_directory"] == "study/prov_made.py"
    assert module["file_from_scenario"] == "prov_made.py"
    assert module["file_from_results"] == "../../prov_made.py"
    assert module["sha256"] == sha256(source)
    assert module["copy"] == "imported_code/prov_made.py"
    assert (results / module["copy"]).read_bytes() == source.read_bytes()


def test_replay_from_another_folder_finds_the_module_without_pythonpath(made, tmp_path):
    done = cli("replay", made / "results" / "run", "--run-id", "0", "--allow-import",
               "--out", tmp_path / "again", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "reproduced the stored outcome exactly" in done.stdout
    assert "warning" not in done.stderr
    # the replay's own manifest records the code it used
    assert recorded(tmp_path / "again")["prov_made:Coached"]["modules"][0]["sha256"] == \
        sha256(made / "prov_made.py")


def test_replay_without_the_flag_is_refused_naming_it(made, tmp_path):
    refused = invoke("replay", made / "results" / "run", "--run-id", "0", "--out", tmp_path)
    assert refused.exit_code == 2 and "--allow-import" in refused.output
    alone = invoke("replay", made / "results" / "run", "--run-id", "0", "--use-recorded-code")
    assert alone.exit_code == 2 and "--allow-import" in alone.output


def test_a_changed_module_is_reported_and_the_saved_copy_can_be_used(tmp_path):
    folder = study(tmp_path, "prov_changed")
    results = folder / "results"
    assert cli("run", folder / "coached.toml", "--allow-import", "--out", results,
               cwd=tmp_path).returncode == 0
    source = folder / "prov_changed.py"
    before = sha256(source)
    source.write_text(MODULE + "\n# changed after the run\n")
    done = cli("replay", results, "--run-id", "0", "--allow-import", "--out",
               tmp_path / "r1", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    (line,) = [w for w in done.stderr.splitlines() if w.startswith("warning: module")]
    assert "'prov_changed' is not the code recorded" in line
    assert before in line and sha256(source) in line and str(source.resolve()) in line
    saved = cli("replay", results, "--run-id", "0", "--allow-import", "--use-recorded-code",
                "--out", tmp_path / "r2", cwd=tmp_path)
    assert saved.returncode == 0, saved.stderr
    assert "warning" not in saved.stderr
    assert "reproduced the stored outcome exactly" in saved.stdout


def test_a_module_gone_from_its_folder_names_the_saved_copy(tmp_path):
    folder = study(tmp_path, "prov_gone")
    results = tmp_path / "results"
    assert cli("run", folder / "coached.toml", "--allow-import", "--out", results,
               cwd=tmp_path).returncode == 0
    (folder / "prov_gone.py").unlink()
    done = cli("replay", results, "--run-id", "0", "--allow-import", "--out",
               tmp_path / "r", cwd=tmp_path)
    assert done.returncode == 2
    assert "cannot import module 'prov_gone'" in done.stderr
    assert "--use-recorded-code" in done.stderr and "\n" not in done.stderr.strip()


def test_a_project_moved_with_its_results_is_found_from_the_results_folder(tmp_path):
    folder = study(tmp_path, "prov_moved")
    assert cli("run", folder / "coached.toml", "--allow-import", "--out", "study/results",
               cwd=tmp_path).returncode == 0
    moved = tmp_path / "elsewhere" / "project"
    moved.parent.mkdir()
    folder.rename(moved)
    done = cli("replay", moved / "results", "--run-id", "0", "--allow-import", "--out",
               tmp_path / "r", cwd=tmp_path / "elsewhere")
    assert done.returncode == 0, done.stderr
    assert "warning" not in done.stderr  # the same code, found where the results are
    assert recorded(tmp_path / "r")["prov_moved:Coached"]["modules"][0]["file"] == \
        str((moved / "prov_moved.py").resolve())


def test_a_hand_edited_record_of_the_code_is_refused_in_one_line(made, tmp_path):
    import shutil

    results = tmp_path / "copy"
    shutil.copytree(made / "results" / "run", results)
    manifest = json.loads((results / "manifest.json").read_text())
    manifest["provenance"]["imported_code"] = {"prov_made:Coached": "junk"}
    (results / "manifest.json").write_text(json.dumps(manifest))
    refused = invoke("replay", results, "--run-id", "0", "--allow-import", "--out",
                     tmp_path / "r")
    assert refused.exit_code == 2
    assert "cannot import module 'prov_made'" in refused.output
    assert "Traceback" not in refused.output


def test_a_comparison_and_a_sweep_record_the_code_they_import(tmp_path):
    folder = study(tmp_path, "prov_engine")
    (folder / "plain.toml").write_text('name = "Plain"\n[parameters]\nhorizon = 24\n')
    (folder / "sweep.toml").write_text(SWEEP.format(module="prov_engine"))
    compared = invoke("compare", folder / "coached.toml", folder / "plain.toml",
                      "--replicates", 2,
                      "--workers", 1, "--allow-import", "--out", tmp_path / "cmp")
    assert compared.exit_code == 0, compared.output
    swept = invoke("sweep", folder / "sweep.toml", "--workers", 1, "--no-progress",
                   "--allow-import", "--out", tmp_path / "sweep")
    assert swept.exit_code == 0, swept.output
    for results in (tmp_path / "cmp", tmp_path / "sweep"):
        (module,) = recorded(results)["prov_engine:Coached"]["modules"]
        assert module["sha256"] == sha256(folder / "prov_engine.py")
        assert (results / module["copy"]).is_file()
    # resumed after the module changed: said in one line, and the record is the first one's
    first = sha256(folder / "prov_engine.py")
    (folder / "prov_engine.py").write_text(MODULE + "\n# changed\n")
    resumed = invoke("sweep", folder / "sweep.toml", "--workers", 1, "--no-progress",
                     "--allow-import", "--out", tmp_path / "sweep")
    assert resumed.exit_code == 0, resumed.output
    assert "module 'prov_engine' is not the code recorded: this session imports" in \
        resumed.output
    assert first in resumed.output
    assert recorded(tmp_path / "sweep")["prov_engine:Coached"]["modules"][0]["sha256"] == first


def test_a_sweep_varying_the_class_records_every_level(tmp_path):
    folder = study(tmp_path, "prov_level_a")
    (folder / "prov_level_b.py").write_text(MODULE.replace("Coached", "Other"))
    (folder / "sweep.toml").write_text(SWEEP.format(module="prov_level_a").replace(
        "[vary]", '[vary]\nmodel_class = { values = ["prov_level_a:Coached", '
        '"prov_level_b:Other"] }'))
    swept = invoke("sweep", folder / "sweep.toml", "--workers", 1, "--no-progress",
                   "--allow-import", "--out", tmp_path / "sweep")
    assert swept.exit_code == 0, swept.output
    code = recorded(tmp_path / "sweep")
    assert set(code) == {"prov_level_a:Coached", "prov_level_b:Other"}
    for key, entry in code.items():
        (module,) = entry["modules"]
        assert module["sha256"] == sha256(folder / f"{key.partition(':')[0]}.py")
        assert (tmp_path / "sweep" / module["copy"]).is_file()


@pytest.mark.parametrize("command", ["run", "compare", "sweep", "verdict", "replay"])
def test_every_command_that_imports_a_class_has_the_flag_its_refusal_names(command):
    shown = invoke(command, "--help")
    assert "--allow-import" in shown.output


def test_a_verdict_refuses_a_named_class_with_a_flag_it_has(tmp_path):
    (tmp_path / "v.toml").write_text(VERDICT)
    refused = invoke("verdict", tmp_path / "v.toml", "--out", tmp_path / "out", "--workers",
                     1, "--no-progress")
    assert refused.exit_code == 2
    assert "field 'model_class'" in refused.output and "--allow-import" in refused.output
    assert "prov_never" not in sys.modules


# --- the record itself ---------------------------------------------------------------------
def test_the_package_s_own_classes_are_not_recorded_and_any_role_is():
    assert imported_code({"model_class": AllianceModel, "member_class": None}) == {}

    class Local(AllianceModel):
        pass

    code = imported_code({"manager_class": Local, "model_class": Local})
    (entry,) = code.values()
    assert entry["roles"] == ["manager_class", "model_class"]
    assert entry["modules"][0]["file"] == str(Path(__file__).resolve())


def test_a_package_module_keeps_its_package_and_its_own_base_classes(tmp_path, monkeypatch):
    package = tmp_path / "prov_pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "base.py").write_text("from alliancesim import AllianceModel\n\n\n"
                                     "class Base(AllianceModel):\n    pass\n")
    (package / "model.py").write_text("from prov_pkg.base import Base\n\n\n"
                                      "class Mine(Base):\n    pass\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    from prov_pkg.model import Mine

    (entry,) = imported_code({"model_class": Mine}).values()
    modules = {m["module"]: m for m in entry["modules"]}
    assert list(modules) == ["prov_pkg.model", "prov_pkg", "prov_pkg.base"]
    assert modules["prov_pkg"]["copy"] == "imported_code/prov_pkg/__init__.py"
    assert modules["prov_pkg.model"]["copy"] == "imported_code/prov_pkg/model.py"
    assert {m["root"] for m in modules.values()} == {str(tmp_path.resolve())}
    code = imported_code({"model_class": Mine})
    assert loaded_code_differences(code, [Mine]) == []
    # named through the package (re-exported there), it is found by the package's record
    for spec in ("prov_pkg.model:Mine", "prov_pkg:Mine"):
        assert code_search_folder(code, spec, tmp_path) == tmp_path.resolve()
    (package / "base.py").write_text((package / "base.py").read_text() + "# changed\n")
    (line,) = loaded_code_differences(code, [Mine])
    assert "'prov_pkg.base'" in line
