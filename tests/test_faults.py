"""Fault injection: the command line deliberately abused, point by point.

Each section reproduces one way of breaking the sweep runner or the commands around it and
checks what must happen instead: the exit status, one clean message, no traceback, and
nothing already computed lost.
"""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from alliancesim.cli.main import app
from alliancesim.engine.backends import ProcessBackend
from alliancesim.parallel import available_cores, cap_workers
from alliancesim.sweeps import ExperimentError, experiment_from_dict, load_results, run_sweep
from alliancesim.sweeps.design import BLOCK, Factor, make_design

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
ABSENT_PARTNER = Path(__file__).parent / "data" / "absent_partner.toml"
TINY = """
name = "tiny"
seed = 5
replicates = 2
horizon = 12
[vary]
n_members = [4, 6]
management_mode = ["dedicated", "transversal"]
[design]
kind = "grid"
"""
SLOW = """
name = "slow"
seed = 11
replicates = 4
horizon = 120
[vary]
cultural_diversity = {}
[design]
kind = "random"
samples = 40
"""


def write(folder: Path, text: str, name: str = "exp.toml") -> Path:
    path = folder / name
    path.write_text(text)
    return path


def invoke(*args: str | Path):
    """Run the command in this process; stdout and stderr together in ``output``."""
    return CliRunner().invoke(app, [str(a) for a in args])


def assert_refused(result, *words: str, code: int = 2) -> None:
    """Exit ``code``, one ``error:`` line holding ``words``, no traceback."""
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, result.output
    for word in words:
        assert word in errors[0], errors[0]


def cli(*args: str | Path, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run ``alliancesim`` as its own process, as from a terminal."""
    return subprocess.run([sys.executable, "-m", "alliancesim.cli.main", *map(str, args)],
                          capture_output=True, text=True, timeout=timeout)


def comparable(path: Path) -> pd.DataFrame:
    return load_results(path).drop(columns="duration_s")


# --- 1. workers are capped at the cores available ---------------------------------------------
def test_more_workers_than_cores_are_capped_with_a_warning():
    cores = available_cores()
    assert cap_workers(1000).workers == cores
    assert "asked for 1000 workers" in cap_workers(1000).warning
    assert cap_workers(None) == cap_workers(cores) and cap_workers(cores).warning is None
    backend = ProcessBackend(1000)
    try:
        assert backend.workers == cores
        pool = backend._pool
        assert pool is None if cores == 1 else pool._max_workers == cores - 1
    finally:
        backend.close()


def test_sweep_with_1000_workers_runs_and_reports_the_cap(tmp_path):
    result = invoke("sweep", write(tmp_path, TINY), "--out", tmp_path / "out",
                    "--workers", "1000", "--no-progress")
    cores = available_cores()
    assert result.exit_code == 0, result.output
    assert "asked for 1000 workers" in result.output
    assert f"({cores} workers)" in result.output and "1000 workers)" not in result.output
    assert len(load_results(tmp_path / "out")) == 8


def test_compare_with_1000_workers_reports_what_ran(tmp_path):
    result = invoke("compare", SCENARIOS / "dedicated_manager.toml",
                    SCENARIOS / "transversal_skill.toml", "--replicates", "2",
                    "--workers", "1000", "--out", tmp_path)
    assert result.exit_code == 0, result.output
    assert "asked for 1000 workers" in result.output
    assert f"on {available_cores()} process(es)" in result.output
    assert "1000 process" not in result.output


# --- 2. huge designs are refused at load; designs are drawn block by block -------------------
HUGE = [
    ("grid of 10^9 points", TINY.replace('kind = "grid"', 'kind = "grid"\nlevels = 1000000000')
     .replace("n_members = [4, 6]", "trust_initial = {}"), "2,000,000,000 design points"),
    ("lhs of 10^9 samples", TINY.replace('kind = "grid"', 'kind = "lhs"\nsamples = 1000000000')
     .replace("n_members = [4, 6]", "trust_initial = {}"), "2,000,000,000 design points"),
    ("10^12 replicates", TINY.replace("replicates = 2", "replicates = 1000000000000"),
     "1,000,000,000,000 replicates"),
]


@pytest.mark.parametrize(("text", "size"), [h[1:] for h in HUGE], ids=[h[0] for h in HUGE])
def test_a_huge_design_is_refused_with_its_size_before_anything_is_written(tmp_path, text,
                                                                           size):
    out = tmp_path / "out"
    result = invoke("sweep", write(tmp_path, text), "--out", out, "--no-progress")
    assert_refused(result, "field 'limits.runs'", "too large", size, "[limits] runs =")
    assert not out.exists()


def test_a_design_above_the_disk_limit_is_refused_and_a_raised_limit_allows_it(tmp_path):
    # 400,000 runs (below the run limit) of up to 600 recorded months: about 20 GB
    text = (TINY.replace("replicates = 2", "replicates = 100000").replace("horizon = 12",
                                                                          "horizon = 600")
            + "[record]\nsteps = true\n")
    result = invoke("sweep", write(tmp_path, text), "--out", tmp_path / "out")
    assert_refused(result, "field 'limits.disk_gb'", "GB of results", "[limits] disk_gb =")
    allowed = experiment_from_dict({**_tiny_dict(), "replicates": 100000, "horizon": 600,
                                    "record": {"steps": True}, "limits": {"disk_gb": 100}})
    assert allowed.n_runs() == 400_000 and 10 < allowed.disk_estimate_gb() < 100


def _tiny_dict() -> dict:
    import tomllib

    return tomllib.loads(TINY)


def test_a_billion_point_grid_is_counted_without_drawing_it_and_drawn_a_block_at_a_time():
    design = make_design("grid", [Factor("trust_initial", "float", low=0.0, high=1.0)],
                         levels=10**9)
    assert design.n_points == 10**9
    first = next(design.iter_points())
    assert len(first) == BLOCK and list(first["point"][:3]) == [0, 1, 2]


def test_points_drawn_block_by_block_equal_the_points_drawn_at_once():
    ranged = [Factor("trust_initial", "float", low=0.1, high=0.9),
              Factor("n_members", "int", low=4, high=12)]
    modes = Factor("management_mode", "choice", values=("dedicated", "hybrid"))
    for kind, options in (("random", {"samples": 30}), ("grid", {"levels": 7}),
                          ("lhs", {"samples": 20})):
        whole = make_design(kind, ranged, [modes], seed=4, **options).points
        blocks = make_design(kind, ranged, [modes], seed=4, **options).iter_points(block=8)
        pd.testing.assert_frame_equal(pd.concat(list(blocks), ignore_index=True), whole)


# --- 3. a results folder heals ------------------------------------------------------------------
@pytest.fixture
def finished(tmp_path) -> tuple[Path, Path, pd.DataFrame]:
    """A finished tiny sweep in several parts: (experiment file, results folder, its runs)."""
    path = write(tmp_path, TINY)
    out = tmp_path / "results"
    run_sweep(path, out, backend="inprocess", flush_runs=2)
    assert len(list((out / "runs").glob("part-*.parquet"))) == 4
    return path, out, comparable(out)


def truncate(part: Path) -> None:
    data = part.read_bytes()
    part.write_bytes(data[: len(data) // 2])


def test_a_truncated_part_is_set_aside_and_its_runs_run_again(finished):
    path, out, before = finished
    part = sorted((out / "runs").glob("part-*.parquet"))[1]
    truncate(part)
    result = invoke("sweep", path, "--out", out, "--workers", "1", "--no-progress")
    assert result.exit_code == 0, result.output
    assert f"runs/{part.name}" in result.output and "is damaged" in result.output
    assert "Traceback" not in result.output
    assert (out / "corrupt" / f"runs-{part.name}").exists() and not part.exists()
    pd.testing.assert_frame_equal(comparable(out), before)


def test_a_part_that_lost_rows_is_caught_by_its_row_count(finished):
    import pyarrow.parquet as pq

    path, out, before = finished
    part = sorted((out / "runs").glob("part-*.parquet"))[2]
    table = pq.read_table(part)  # keeps the row count it was written with in its metadata
    pq.write_table(table.slice(0, 1), part)
    run_sweep(path, out, backend="inprocess")
    assert (out / "corrupt" / f"runs-{part.name}").exists()
    pd.testing.assert_frame_equal(comparable(out), before)


def test_a_damaged_steps_part_sends_its_whole_chunk_back_to_be_run(tmp_path):
    from alliancesim.sweeps import load_steps

    path = write(tmp_path, TINY + "[record]\nsteps = true\nevery = 6\n")
    out = tmp_path / "results"
    run_sweep(path, out, backend="inprocess", flush_runs=2)
    runs, steps = comparable(out), load_steps(out)
    part = sorted((out / "steps").glob("part-*.parquet"))[1]
    truncate(part)
    run_sweep(path, out, backend="inprocess")
    assert (out / "corrupt" / f"steps-{part.name}").exists()
    assert (out / "corrupt" / f"runs-{part.name}").exists()
    pd.testing.assert_frame_equal(comparable(out), runs)
    pd.testing.assert_frame_equal(load_steps(out), steps)


def test_a_missing_design_is_drawn_again_from_the_manifest(finished):
    path, out, before = finished
    design = pd.read_parquet(out / "design.parquet")
    (out / "design.parquet").unlink()
    result = invoke("sweep", path, "--out", out, "--workers", "1", "--no-progress")
    assert result.exit_code == 0, result.output
    assert "design file is missing" in result.output and "drew it again" in result.output
    pd.testing.assert_frame_equal(pd.read_parquet(out / "design.parquet"), design)
    pd.testing.assert_frame_equal(comparable(out), before)


def test_analyze_refuses_a_folder_without_results_at_once(tmp_path):
    result = cli("analyze", tmp_path / "nothing", timeout=60)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "not a results folder (no manifest.json)" in result.stderr


def test_analyze_skips_an_unreadable_part_and_says_which(finished):
    _, out, before = finished
    part = sorted((out / "runs").glob("part-*.parquet"))[0]
    truncate(part)
    (out / "design.parquet").unlink()
    result = invoke("analyze", out, "--no-plots", "-o", "value_total")
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    assert f"skipped runs/{part.name}" in result.output
    assert "drew it again from the manifest" in result.output
    assert f"{len(before) - 2} runs" in result.output


# --- 4. unwritable output folders ---------------------------------------------------------------
def unwritable(tmp_path: Path) -> list[Path]:
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    return [Path("/proc/alliancesim-test"), blocker / "sub"]


def test_sweep_and_analyze_refuse_an_unwritable_out(tmp_path, finished):
    experiment, results, _ = finished
    for out in unwritable(tmp_path):
        assert_refused(invoke("sweep", experiment, "--out", out, "--no-progress"),
                       str(out), "cannot write")
        assert_refused(invoke("analyze", results, "--out", out), str(out), "cannot write")


# --- 5. negative seeds ---------------------------------------------------------------------------
@pytest.mark.parametrize("command", [["run"], ["compare", "baseline", "hybrid"], ["validate"]])
def test_a_negative_seed_is_refused_with_status_2(command, tmp_path):
    result = invoke(*command, "--seed", "-5", "--out", tmp_path / "out")
    assert_refused(result, "--seed -5", "cannot be negative", "0 or more")
    assert not (tmp_path / "out").exists()


def test_a_negative_seed_in_an_experiment_file_is_refused(tmp_path):
    result = invoke("sweep", write(tmp_path, TINY.replace("seed = 5", "seed = -5")))
    assert_refused(result, "field 'seed'")


# --- 6. schedulers: malformed, missing, lost ------------------------------------------------------
def test_a_malformed_scheduler_address_fails_at_once_without_a_traceback(tmp_path):
    started = time.monotonic()
    result = cli("sweep", write(tmp_path, TINY), "--out", tmp_path / "out", "--no-progress",
                 "--scheduler", "nonsense:://x", timeout=50)
    assert result.returncode == 2, result.stderr
    assert "error: --scheduler 'nonsense:://x': not an address" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert time.monotonic() - started < 45  # it used to hang for 60 s on the way out


def test_the_dask_backend_without_a_scheduler_is_refused(tmp_path):
    result = invoke("sweep", write(tmp_path, TINY), "--backend", "dask")
    assert_refused(result, "--backend dask needs --scheduler")
    with pytest.raises(Exception, match="needs the address of a running scheduler"):
        run_sweep(write(tmp_path, TINY), tmp_path / "out", backend="dask")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(*command: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen(list(command), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, **kwargs)


def wait_for_parts(out: Path, parts: int, process: subprocess.Popen,
                   timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while len(list((out / "runs").glob("part-*.parquet"))) < parts:
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "no results appeared"
        time.sleep(0.05)


@pytest.mark.parametrize("verbose", [False, True], ids=["quiet", "verbose"])
def test_a_scheduler_lost_mid_sweep_gives_one_message_and_keeps_the_runs(tmp_path, verbose):
    bin_dir = Path(sys.executable).parent
    address = f"tcp://127.0.0.1:{free_port()}"
    scheduler = start(str(bin_dir / "dask"), "scheduler", "--host", "127.0.0.1", "--port",
                      address.rsplit(":", 1)[1], "--no-dashboard")
    worker = None
    try:
        worker = start(str(bin_dir / "dask"), "worker", address, "--nworkers", "1",
                       "--nthreads", "1", "--no-dashboard")
        out = tmp_path / "out"
        sweep = start(sys.executable, "-m", "alliancesim.cli.main", "sweep",
                      str(write(tmp_path, SLOW)), "--out", str(out), "--no-progress",
                      "--flush-runs", "4", "--scheduler", address,
                      *(["--verbose"] if verbose else []))
        wait_for_parts(out, 1, sweep)
        scheduler.kill()
        _, stderr = sweep.communicate(timeout=120)
    finally:
        for process in (scheduler, worker):
            if process is not None:
                process.kill()
                process.communicate()
    assert sweep.returncode == 1, stderr
    assert stderr.strip().splitlines()[-1].startswith(
        "error: lost the connection to the Dask scheduler")
    assert 0 < len(load_results(out)) < 160
    if verbose:  # Dask's own report, as asked
        assert "distributed.client" in stderr
    else:
        assert "Traceback" not in stderr and "distributed" not in stderr
        assert stderr.count("\n") <= 2, stderr


# --- 7. the experiment name is a folder name ------------------------------------------------------
@pytest.mark.parametrize("name", ["/tmp/elsewhere", "../outside", "..", "a/b"])
def test_an_experiment_name_that_is_a_path_is_refused(tmp_path, name, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = invoke("sweep", write(tmp_path, f'name = "{name}"\n' + TINY.replace(
        'name = "tiny"', "")))
    assert_refused(result, "field 'name'", "not a plain folder name")
    assert not (tmp_path / "results").exists() and not (tmp_path / "outside").exists()


# --- 8. files are read strictly -------------------------------------------------------------------
STRICT = [
    ("replicates = true", ("replicates = 2", "replicates = true"), "replicates",
     "whole number"),
    ('seed = "5"', ("seed = 5", 'seed = "5"'), "seed", "whole number"),
    ("samples = 4.0", ('kind = "grid"', 'kind = "random"\nsamples = 4.0'), "design.samples",
     "whole number"),
    ("integer bounds 3.5..9.9", ("n_members = [4, 6]", "n_members = { low = 3.5, high = 9.9 }"),
     "vary.n_members.low", "whole numbers"),
    ("an integer written 8.0", ("n_members = [4, 6]", "n_members = [4.0, 6]"),
     "vary.n_members.values", "without a decimal point"),
    ("horizon fixed and varied", ("n_members = [4, 6]", "horizon = [24, 36]"), "vary.horizon",
     "both fixed in the top-level 'horizon' and varied"),
    ("shared_max_members above a varied lead_max_members",
     ("[vary]\nn_members = [4, 6]",
      "[parameters]\nshared_max_members = 12\n[vary]\nlead_max_members = [10, 14]"),
     "vary.lead_max_members", "'shared_max_members' <= 'lead_max_members'"),
    ("steps = 1", ('kind = "grid"', 'kind = "grid"\n[record]\nsteps = 1'), "record.steps",
     "true or false"),
]


@pytest.mark.parametrize(("change", "field", "words"), [s[1:] for s in STRICT],
                         ids=[s[0] for s in STRICT])
def test_experiment_files_are_read_as_written(tmp_path, change, field, words):
    path = write(tmp_path, TINY.replace(*change))
    result = invoke("sweep", path, "--out", tmp_path / "out")
    assert_refused(result, f"field {field!r}", words)
    assert not (tmp_path / "out").exists()


def test_a_scenario_file_refuses_an_integer_written_as_a_decimal(tmp_path):
    path = write(tmp_path, 'name = "x"\n[parameters]\nn_members = 8.0\n', "scenario.toml")
    assert_refused(invoke("run", path, "--out", tmp_path / "out"),
                   "field 'parameters.n_members'", "without a decimal point")


def test_constraints_are_checked_at_every_reachable_point_not_just_the_base():
    spec = {**_tiny_dict(), "parameters": {"shared_max_members": 12}}
    spec["vary"] = {**spec["vary"], "lead_max_members": {"low": 10, "high": 14}}
    with pytest.raises(ExperimentError, match="'lead_max_members' goes down to 10"):
        experiment_from_dict(spec)
    spec["vary"] = {"lead_max_members": {"low": 12, "high": 16}}
    # every point keeps 12 <= lead_max_members
    assert experiment_from_dict(spec).n_points() == 5


# --- 9. failed runs and warnings ----------------------------------------------------------------
def test_a_sweep_with_failed_runs_exits_3_and_says_how_many_and_where(tmp_path):
    text = f'scenario = "{ABSENT_PARTNER}"\n' + TINY.replace("horizon = 12", "horizon = 24")
    out = tmp_path / "out"
    result = invoke("sweep", write(tmp_path, text), "--out", out, "--no-progress")
    runs = load_results(out)
    failed = int((runs["status"] == "failed").sum())
    assert result.exit_code == 3, result.output
    assert 0 < failed <= len(runs) == 8
    assert f"{failed} of 8 runs failed" in result.output and str(out / "runs") in result.output


def test_a_comparison_too_small_for_trajectories_warns_nothing(tmp_path):
    result = cli("compare", SCENARIOS / "dedicated_manager.toml",
                 SCENARIOS / "transversal_skill.toml", "--replicates", "2", "--workers", "1",
                 "--out", tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Warning" not in result.stderr and "warn" not in result.stderr.lower()


def test_a_sweep_killed_with_kill_9_leaves_no_warning_from_the_resource_tracker(tmp_path):
    out = tmp_path / "out"
    sweep = start(sys.executable, "-m", "alliancesim.cli.main", "sweep",
                  str(write(tmp_path, SLOW)), "--out", str(out), "--no-progress",
                  "--flush-runs", "8", "--workers", "2")
    wait_for_parts(out, 1, sweep)
    sweep.send_signal(signal.SIGKILL)
    _, stderr = sweep.communicate(timeout=60)  # the tracker holds stderr until it is done
    assert "resource_tracker" not in stderr and "leaked" not in stderr, stderr


# --- 10. a fast start ---------------------------------------------------------------------------
HEAVY = ("pandas", "matplotlib", "dask", "distributed", "solara", "scipy", "mesa", "pyarrow",
         "ema_workbench", "statsmodels", "numba")
PROBE = """
import sys
from alliancesim.cli.main import app
try:
    app(sys.argv[1:])
except SystemExit as end:
    code = end.code
heavy = [m for m in {heavy!r} if m in sys.modules]
print("LOADED", ",".join(heavy), "STATUS", code, file=sys.stderr)
"""


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["sweep", "{broken}"],
                                  ["run", "{broken}"], ["compare", "{broken}", "{broken}"],
                                  ["sweep", "--help"], ["verdict", "{broken}"],
                                  ["verdict", "--help"]],
                         ids=["help", "version", "broken experiment", "broken scenario",
                              "broken comparison", "sweep help", "broken verdict",
                              "verdict help"])
def test_help_version_and_broken_files_load_no_heavy_library(tmp_path, args):
    broken = write(tmp_path, "[vary", "broken.toml")
    command = [a.format(broken=broken) for a in args]
    result = subprocess.run([sys.executable, "-c", PROBE.format(heavy=HEAVY), *command],
                            capture_output=True, text=True, timeout=60)
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("LOADED  STATUS"), result.stderr
    assert last.endswith("STATUS 2" if "{broken}" in " ".join(args) else "STATUS 0")


def test_version_comes_from_the_package_metadata():
    from importlib import metadata

    result = invoke("--version")
    assert result.exit_code == 0
    assert result.output.strip() == f"alliancesim {metadata.version('alliancesim')}"


def test_the_command_line_defaults_match_the_library():
    from alliancesim import compare as library
    from alliancesim.cli import compare as command
    from alliancesim.model.timeline import INTERVENTION_KINDS
    from alliancesim.scenarios.loading import INTERVENTION_KINDS as kinds_read

    assert (command.DEFAULT_REPLICATES, command.DEFAULT_SEED) == (
        library.DEFAULT_REPLICATES, library.DEFAULT_SEED)
    assert list(kinds_read) == list(INTERVENTION_KINDS)  # the schema knows every kind

