"""Hardening of the results store and of the compare and validate commands: nothing finished
is ever deleted without --overwrite, every stored part is verified against its checksum, a
part that does not belong to the folder is never counted, and SIGTERM, a full disk or a
deleted folder end in one line."""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from alliancesim.cli.main import app
from alliancesim.compare import compare_scenarios
from alliancesim.compare.runner import InterruptedComparison
from alliancesim.engine.store import ResultsError, ResultsStore
from alliancesim.sweeps import load_results, run_sweep

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
PAIR = [SCENARIOS / "dedicated_manager.toml", SCENARIOS / "manager_departure.toml"]
TINY = """
name = "tiny"
seed = {seed}
replicates = 2
horizon = 12
[vary]
n_members = [4, 6]
management_mode = ["dedicated", "transversal"]
[design]
kind = "grid"
"""


def invoke(*args: str | Path):
    """Run the command in this process; stdout and stderr together in ``output``."""
    return CliRunner().invoke(app, [str(a) for a in args])


def error_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("error:")]


def parts(folder: Path, table: str = "runs") -> list[Path]:
    return sorted((folder / table).glob("part-*.parquet"))


def comparable(path: Path) -> pd.DataFrame:
    return load_results(path).drop(columns="duration_s")


def tiny_sweep(folder: Path, seed: int = 5) -> tuple[Path, Path]:
    """A finished sweep of 8 runs in 4 parts: (experiment file, results folder)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "exp.toml"
    path.write_text(TINY.format(seed=seed))
    out = folder / "results"
    run_sweep(path, out, backend="inprocess", flush_runs=2)
    assert len(parts(out)) == 4
    return path, out


def compare_cli(out: Path, *extra: str | Path, replicates: int = 2):
    return invoke("compare", *PAIR, "--replicates", str(replicates), "--seed", "3",
                  "--out", out, "--workers", "1", *extra)


# --- item 1: compare and validate never delete finished runs -----------------------------------
def test_compare_rerun_with_another_format_keeps_the_finished_runs(tmp_path):
    first = compare_cli(tmp_path, "--flush-runs", "1")
    assert first.exit_code == 0, first.output
    before = {p.name: p.stat().st_mtime_ns for p in parts(tmp_path)}
    outcomes = (tmp_path / "outcomes.csv").read_text()
    again = compare_cli(tmp_path, "--format", "svg")
    assert again.exit_code == 0, again.output
    assert {p.name: p.stat().st_mtime_ns for p in parts(tmp_path)} == before
    assert (tmp_path / "outcomes.csv").read_text() == outcomes
    assert (tmp_path / "survival.svg").exists()


def test_compare_with_other_replicates_is_refused_and_keeps_the_finished_runs(tmp_path):
    assert compare_cli(tmp_path).exit_code == 0
    before = [p.name for p in parts(tmp_path)]
    report = (tmp_path / "report.md").read_text()
    refused = compare_cli(tmp_path, replicates=3)
    assert refused.exit_code == 2, refused.output
    (line,) = error_lines(refused.output)
    assert "holds a different comparison" in line and "replicates 2 then, 3 now" in line
    assert "--overwrite" in line and "4 runs stored; they are kept" in line
    assert [p.name for p in parts(tmp_path)] == before
    assert (tmp_path / "report.md").read_text() == report
    replaced = compare_cli(tmp_path, "--overwrite", replicates=3)
    assert replaced.exit_code == 0, replaced.output
    assert len(load_results(tmp_path)) == 6
    assert len(pd.read_csv(tmp_path / "outcomes.csv")) == 6


def test_validate_with_other_replicates_is_refused_and_keeps_the_finished_runs(tmp_path):
    from alliancesim.validation.run import mix_runs

    first = mix_runs(2, 7, workers=1, out=tmp_path)
    with pytest.raises(ResultsError, match="holds a different validation"):
        mix_runs(3, 7, workers=1, out=tmp_path)
    with pytest.raises(ResultsError, match="holds a different validation"):
        mix_runs(2, 8, workers=1, out=tmp_path)
    again = mix_runs(2, 7, workers=1, out=tmp_path)  # the same one: read back, not rerun
    pd.testing.assert_frame_equal(again, first)
    assert len(mix_runs(3, 7, workers=1, out=tmp_path, overwrite=True)) == 3 * 4


def test_an_overwritten_comparison_stopped_early_leaves_no_report_of_the_old_runs(tmp_path):
    assert compare_cli(tmp_path).exit_code == 0
    assert (tmp_path / "report.md").exists() and (tmp_path / "outcomes.csv").exists()

    def interrupt(done: int, total: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(InterruptedComparison):
        compare_scenarios(PAIR, replicates=5, seed=3, workers=1, out=tmp_path,
                          progress=interrupt, overwrite=True, flush_runs=1)
    assert not (tmp_path / "report.md").exists()
    assert not (tmp_path / "outcomes.csv").exists()
    assert 0 < len(load_results(tmp_path)) < 10


def test_a_finished_comparison_is_read_back_without_running_again(tmp_path):
    first = compare_scenarios(PAIR, replicates=2, seed=1, workers=1, out=tmp_path)
    again = compare_scenarios(PAIR, replicates=2, seed=1, workers=1, out=tmp_path)
    pd.testing.assert_frame_equal(first.outcomes, again.outcomes)
    sessions = json.loads((tmp_path / "manifest.json").read_text())["sessions"]
    assert [s["runs"] for s in sessions] == [4, 0]


# --- items 2 and 3: every part verified, foreign parts never counted --------------------------
def test_a_duplicated_part_is_not_counted_and_is_moved_aside(tmp_path):
    path, out = tiny_sweep(tmp_path)
    before = comparable(out)
    copy = out / "runs" / f"{parts(out)[1].stem} (1).parquet"
    shutil.copy(parts(out)[1], copy)
    assert len(comparable(out)) == 8, "a copy is never read"
    result = invoke("sweep", path, "--out", out, "--workers", "1", "--no-progress")
    assert result.exit_code == 0, result.output
    assert "8 / 8" in result.output
    assert f"runs/{copy.name}" in result.output and "does not belong" in result.output
    assert not copy.exists() and (out / "rejected" / f"runs-{copy.name}").exists()
    pd.testing.assert_frame_equal(comparable(out), before)


def test_a_part_from_another_sweep_is_not_counted_by_analyze_or_resume(tmp_path):
    path, out = tiny_sweep(tmp_path / "a", seed=5)
    _, other = tiny_sweep(tmp_path / "b", seed=6)
    before = comparable(out)
    foreign = out / "runs" / "part-000009-abcdef.parquet"
    shutil.copy(parts(other)[0], foreign)
    analysed = invoke("analyze", out, "--no-plots", "-o", "value_total")
    assert analysed.exit_code == 0, analysed.output
    assert "8 runs" in analysed.output and f"skipped runs/{foreign.name}" in analysed.output
    resumed = invoke("sweep", path, "--out", out, "--workers", "1", "--no-progress")
    assert resumed.exit_code == 0, resumed.output
    assert f"runs/{foreign.name}" in resumed.output and "does not belong" in resumed.output
    assert (out / "rejected" / f"runs-{foreign.name}").exists()
    pd.testing.assert_frame_equal(comparable(out), before)


def change_a_value(part: Path) -> None:
    """Rewrite the part whole and well formed, with one run's value_total changed: the
    footer, the row count and the run ids all still check out."""
    table = pq.read_table(part)
    values = table.column("value_total").to_pylist()
    values[0] += 108.0
    index = table.schema.get_field_index("value_total")
    pq.write_table(table.set_column(index, "value_total", [values]), part)


def flip_a_bit(part: Path) -> None:
    data = bytearray(part.read_bytes())
    data[len(data) // 3] ^= 0x10
    part.write_bytes(bytes(data))


@pytest.mark.parametrize("damage", [change_a_value, flip_a_bit], ids=["value", "bit"])
def test_a_part_whose_bytes_changed_is_set_aside_and_its_runs_run_again(tmp_path, damage):
    path, out = tiny_sweep(tmp_path)
    before = comparable(out)
    part = parts(out)[2]
    damage(part)
    result = invoke("sweep", path, "--out", out, "--workers", "1", "--no-progress")
    assert result.exit_code == 0, result.output
    assert f"runs/{part.name}" in result.output and "is damaged" in result.output
    assert (out / "corrupt" / f"runs-{part.name}").exists() and not part.exists()
    pd.testing.assert_frame_equal(comparable(out), before)


def test_analyze_skips_a_part_whose_value_changed_and_names_it(tmp_path):
    _, out = tiny_sweep(tmp_path)
    part = parts(out)[0]
    change_a_value(part)
    result = invoke("analyze", out, "--no-plots", "-o", "value_total")
    assert result.exit_code == 0, result.output
    assert f"skipped runs/{part.name} (checksum mismatch" in result.output
    assert "6 runs" in result.output


def test_a_folder_written_before_parts_were_indexed_is_indexed_and_keeps_its_runs(tmp_path):
    path, out = tiny_sweep(tmp_path)
    before = comparable(out)
    (out / "runs" / "_index.json").unlink()
    duplicate = out / "runs" / "part-000007-aaaaaa.parquet"
    shutil.copy(parts(out)[0], duplicate)
    result = invoke("sweep", path, "--out", out, "--workers", "1", "--no-progress")
    assert result.exit_code == 0, result.output
    assert "run now" in result.output and "0 in" in result.output  # nothing ran again
    assert (out / "rejected" / f"runs-{duplicate.name}").exists()
    pd.testing.assert_frame_equal(comparable(out), before)


def test_a_crash_between_the_index_and_the_runs_part_leaves_nothing_counted(tmp_path):
    path, out = tiny_sweep(tmp_path)
    before = comparable(out)
    last = parts(out)[-1]
    last.unlink()  # as if the process died after writing the index, before the rename
    run_sweep(path, out, backend="inprocess")
    pd.testing.assert_frame_equal(comparable(out), before)
    assert not (out / "rejected").exists()


# --- item 4: a symlinked runs/ ------------------------------------------------------------------
def test_a_symlinked_runs_folder_in_a_compare_folder_is_refused(tmp_path):
    first, second = tmp_path / "seed1", tmp_path / "seed2"
    assert invoke("compare", *PAIR, "--replicates", "2", "--seed", "1", "--out", first,
                  "--workers", "1").exit_code == 0
    kept = comparable(first)
    second.mkdir()
    (second / "runs").symlink_to(first / "runs", target_is_directory=True)
    result = invoke("compare", *PAIR, "--replicates", "2", "--seed", "2", "--out", second,
                    "--workers", "1")
    assert result.exit_code == 2, result.output
    (line,) = error_lines(result.output)
    assert "is a symbolic link" in line and "Traceback" not in result.output
    assert not (second / "report.md").exists()
    pd.testing.assert_frame_equal(comparable(first), kept)


# --- item 7: a verdict name that is not a plain folder name -----------------------------------
TINY_VERDICT = """
name = "tiny"
seed = 4
replicates = 2
horizon = 24

[verdict]
modes = ["dedicated", "transversal"]
assumptions = ["skill_learning_rate"]

[vary]
n_members = { low = 3, high = 8 }
member_skill_mean = { low = 0.1, high = 0.7 }
skill_learning_rate = { low = 0.1, high = 0.6 }

[design]
kind = "sobol"
samples = 4
"""


@pytest.mark.parametrize("name", ["..", ".", "a/b"])
def test_a_verdict_whose_name_is_not_a_plain_folder_name_is_refused(tmp_path, monkeypatch,
                                                                     name):
    work = tmp_path / "work" / "here"
    work.mkdir(parents=True)
    path = work / "v.toml"
    path.write_text(TINY_VERDICT.replace('name = "tiny"', f"name = {json.dumps(name)}"))
    monkeypatch.chdir(work)
    result = invoke("verdict", path, "--workers", "1", "--no-progress")
    assert result.exit_code == 2, result.output
    (line,) = error_lines(result.output)
    assert "is not a plain folder name" in line and "name" in line
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["here", "v.toml", "work"]


# --- item 8: the writability probe --------------------------------------------------------------
def test_the_writability_probe_does_not_follow_a_planted_symlink(tmp_path):
    from alliancesim.folders import unwritable

    out, target = tmp_path / "out", tmp_path / "elsewhere" / "victim"
    out.mkdir()
    target.parent.mkdir()
    (out / ".write-test").symlink_to(target)
    assert unwritable(out) is None
    assert not target.exists(), "the probe created the link's target"
    assert (out / ".write-test").is_symlink()
    assert sorted(p.name for p in out.iterdir()) == [".write-test"]


# --- item 12 (and 20): a full disk or a deleted folder in compare and validate -------------------
def failing_writes(monkeypatch, after: int, action) -> None:
    """Make the store's ``after``-th write of a chunk (from 0) call ``action(store)`` first."""
    original = ResultsStore.write_chunk
    calls = {"n": 0}

    def write_chunk(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] > after:
            action(self)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(ResultsStore, "write_chunk", write_chunk)


def disk_full(store: ResultsStore) -> None:
    raise OSError(errno.ENOSPC, "No space left on device", str(store.runs_dir / "x.tmp"))


def folder_removed(store: ResultsStore) -> None:
    shutil.rmtree(store.root, ignore_errors=True)


def test_compare_on_a_full_disk_ends_in_one_line_and_keeps_the_runs(tmp_path, monkeypatch):
    failing_writes(monkeypatch, 2, disk_full)
    result = compare_cli(tmp_path, "--flush-runs", "1")
    assert result.exit_code == 1, result.output
    (line,) = error_lines(result.output)
    assert "No space left on device" in line and "every run written before is kept" in line
    assert "Traceback" not in result.output
    assert len(load_results(tmp_path)) == 2
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["status"] == "stopped" and manifest["runs_stored"] >= 2


def test_validate_on_a_full_disk_ends_in_one_line(tmp_path, monkeypatch):
    failing_writes(monkeypatch, 0, disk_full)
    result = invoke("validate", "--replicates", "20", "--workers", "1", "--out", tmp_path)
    assert result.exit_code == 1, result.output
    (line,) = error_lines(result.output)
    assert "No space left on device" in line and "Traceback" not in result.output


@pytest.mark.parametrize("command", ["compare", "sweep"])
def test_a_results_folder_deleted_mid_run_ends_in_one_line_that_says_so(tmp_path, monkeypatch,
                                                                        command):
    failing_writes(monkeypatch, 1, folder_removed)
    out = tmp_path / "out"
    if command == "compare":
        result = compare_cli(out, "--flush-runs", "1")
    else:
        (tmp_path / "exp.toml").write_text(TINY.format(seed=5))
        result = invoke("sweep", tmp_path / "exp.toml", "--out", out, "--workers", "1",
                        "--no-progress", "--flush-runs", "2")
    assert result.exit_code == 1, result.output
    (line,) = error_lines(result.output)
    assert "was removed while the work ran" in line
    assert "kept" not in line and "Traceback" not in result.output


# --- item 16: SIGTERM in compare and validate ----------------------------------------------------
def wait_for_status(out: Path, status: str, process: subprocess.Popen,
                    timeout: float = 180) -> None:
    """Wait until the manifest in ``out`` has ``status`` (the runs have started)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if json.loads((out / "manifest.json").read_text()).get("status") == status:
                return
        except (FileNotFoundError, json.JSONDecodeError):
            pass
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, f"the manifest never said {status!r}"
        time.sleep(0.05)


@pytest.mark.parametrize("command", [
    ["compare", *map(str, PAIR), "--replicates", "400", "--flush-runs", "100000",
     "--flush-seconds", "1000"],
    ["validate", "--replicates", "400"],
], ids=["compare", "validate"])
def test_sigterm_is_handled_like_ctrl_c(tmp_path, command):
    out = tmp_path / "out"
    process = subprocess.Popen(
        [sys.executable, "-m", "alliancesim.cli.main", *command, "--workers", "1",
         "--out", str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "COLUMNS": "200"})
    wait_for_status(out, "running", process)
    process.send_signal(signal.SIGTERM)
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stdout + stderr
    assert "interrupted; every finished run is saved" in stderr
    assert "Traceback" not in stdout + stderr
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "interrupted"
    stored = len(load_results(out)) if parts(out) else 0
    assert manifest["runs_stored"] == stored


# --- item 20: the lock names what holds the folder -------------------------------------------
def test_a_folder_held_by_a_compare_says_a_compare_holds_it(tmp_path):
    from alliancesim.sweeps import experiment_from_dict

    holder = ResultsStore(tmp_path)
    holder.open_for_writing(holder="compare")
    try:
        spec = {"name": "t", "seed": 1, "replicates": 1, "horizon": 12,
                "vary": {"n_members": [4, 5]}, "design": {"kind": "grid"}}
        with pytest.raises(ResultsError, match="a compare is writing here") as caught:
            run_sweep(experiment_from_dict(spec), tmp_path, backend="inprocess")
        assert "sweep" not in str(caught.value)
    finally:
        holder.close()
