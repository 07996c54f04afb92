"""The same sweep of the reference model by this runner and by ``mesa.batch_run``, side by side.

The sweep: the default parameters, every management mode, replicated to the requested number
of runs, each run to its end or the default horizon. Each measurement runs in a fresh child
process (batch_run forces the "spawn" start method globally, so it must not share a process
with the runner); the parent samples the resident memory of the child's whole process tree
every 50 ms and reports its peak: the sum of RSS over the processes (shared libraries counted
once per process: an upper bound) and the sum of PSS (shared pages split between processes).
Wall time is measured by the parent and includes starting Python and importing the packages.
The machine's load average is printed first: on a shared machine the times are only
comparable within one invocation.

    python benchmarks/bench_sweep.py                    # 1,000 and 10,000 runs, both tools
    python benchmarks/bench_sweep.py --runs 1000        # quicker
    python benchmarks/bench_sweep.py --flat 100000      # also the runner alone at 100,000 runs
    python benchmarks/bench_sweep.py --no-batch-run     # runner only
    python benchmarks/bench_sweep.py --write            # also docs/results/bench_sweep.json

Targets: faster than batch_run; peak memory flat in the number of runs (< 500 MB at 100,000);
>= 1.8x speed-up on 2 cores over one; 10,000 runs in < 3 minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

MODES = ["none", "dedicated", "transversal", "hybrid"]
ROOT_SEED = 20240917


def experiment(runs: int) -> dict:
    """The reference sweep as an experiment: every management mode, runs / 4 replicates."""
    return {"name": "reference", "seed": ROOT_SEED, "replicates": max(1, runs // len(MODES)),
            "vary": {"management_mode": MODES}, "design": {"kind": "grid"}}


def child_runner(runs: int, workers: int) -> dict:
    """Run the sweep with this package's runner (results to a temporary folder)."""
    from alliancesim.sweeps import experiment_from_dict, run_sweep

    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        summary = run_sweep(experiment_from_dict(experiment(runs)), out, workers=workers)
        elapsed = time.perf_counter() - started
        parts = len(list((Path(out) / "runs").glob("*.parquet")))
    return {"runs": summary.runs_now, "failures": summary.failures_now, "inner_s": elapsed,
            "parts": parts, "backend": summary.backend}


def child_batch_run(runs: int, workers: int) -> dict:
    """Run the same sweep with mesa.batch_run (results kept in memory, as it does)."""
    import numpy as np
    from mesa.batchrunner import batch_run

    from alliancesim import AllianceModel

    seeds = np.random.SeedSequence(ROOT_SEED).spawn(max(1, runs // len(MODES)))
    started = time.perf_counter()
    results = batch_run(AllianceModel, {"management_mode": MODES}, number_processes=workers,
                        rng=seeds, data_collection_period=-1, max_steps=10_000,
                        display_progress=False)
    elapsed = time.perf_counter() - started
    return {"runs": len(results), "failures": 0, "inner_s": elapsed, "parts": 0,
            "backend": "mesa.batch_run"}


def tree_memory(process: psutil.Process) -> tuple[int, int]:
    """Resident memory of a process and all its descendants, in bytes: the sum of RSS (pages
    shared between processes counted in each) and the sum of PSS (shared pages split)."""
    rss = pss = 0
    try:
        tree = [process, *process.children(recursive=True)]
    except psutil.Error:  # the measured process has just exited
        return 0, 0
    for proc in tree:
        with contextlib.suppress(psutil.Error):  # it may have just exited
            info = proc.memory_full_info()
            rss += info.rss
            pss += info.pss
    return rss, pss


def children_cpu() -> float:
    """CPU seconds (user + system) of all finished descendants: unlike wall time, not
    inflated when other programs compete for the cores."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure(tool: str, runs: int, workers: int) -> dict:
    """Run one measurement in a child process; wall time and peak tree RSS."""
    cmd = [sys.executable, __file__, "--child", tool, "--runs", str(runs),
           "--workers", str(workers)]
    cpu_before = children_cpu()
    started = time.perf_counter()
    child = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    proc = psutil.Process(child.pid)
    peak_rss = peak_pss = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak_rss, peak_pss
        while not stop.is_set():
            rss, pss = tree_memory(proc)
            peak_rss, peak_pss = max(peak_rss, rss), max(peak_pss, pss)
            stop.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, _ = child.communicate()
    wall = time.perf_counter() - started
    cpu = children_cpu() - cpu_before
    stop.set()
    sampler.join()
    if child.returncode != 0:
        raise SystemExit(f"{tool} failed with exit status {child.returncode}")
    data = json.loads(out.strip().splitlines()[-1])
    return {"tool": tool, "runs": data["runs"], "workers": workers, "wall_s": wall,
            "inner_s": data["inner_s"], "runs_per_s": data["runs"] / wall, "cpu_s": cpu,
            "peak_mb": peak_rss / 2**20, "peak_pss_mb": peak_pss / 2**20,
            "failures": data["failures"], "parts": data["parts"]}


def report(row: dict) -> None:
    """One line per measurement."""
    print(f"{row['tool']:<10} runs={row['runs']:>7} workers={row['workers']} "
          f"wall={row['wall_s']:8.1f} s (inside {row['inner_s']:7.1f} s) "
          f"{row['runs_per_s']:7.1f} runs/s  CPU={row['cpu_s']:7.1f} s  "
          f"peak tree RSS={row['peak_mb']:6.0f} MB "
          f"(PSS {row['peak_pss_mb']:4.0f} MB)"
          + (f"  parts={row['parts']}" if row["tool"] == "runner" else "")
          + f"  load average {psutil.getloadavg()[0]:.1f}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, nargs="+", default=[1000, 10_000])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--flat", type=int, nargs="*", default=[],
                        help="extra run counts for the runner alone (memory flatness)")
    parser.add_argument("--no-batch-run", action="store_true")
    parser.add_argument("--no-scaling", action="store_true",
                        help="skip the one-worker run of the largest size")
    parser.add_argument("--write", action="store_true",
                        help="store the measurements in docs/results/bench_sweep.json, from "
                             "which the table in docs/commands.md is written")
    parser.add_argument("--child", choices=["runner", "batch_run"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run = child_runner if args.child == "runner" else child_batch_run
        print(json.dumps(run(args.runs[0], args.workers)))
        return
    load_before = psutil.getloadavg()[0]
    print(f"machine: {psutil.cpu_count()} cores, {psutil.virtual_memory().total / 2**30:.0f} GiB;"
          f" load average before: {load_before:.2f}")
    rows = []
    for runs in args.runs:
        for tool in ("runner", *(() if args.no_batch_run else ("batch_run",))):
            rows.append(measure(tool, runs, args.workers))
            report(rows[-1])
    if not args.no_scaling:
        largest = max(args.runs)
        one = measure("runner", largest, 1)
        report(one)
        rows.append(one)
        two = next(r for r in rows if r["tool"] == "runner" and r["runs"] == largest
                   and r["workers"] == args.workers)
        print(f"speed-up of the runner on {args.workers} workers over 1 at {largest} runs: "
              f"{one['wall_s'] / two['wall_s']:.2f}x (wall), "
              f"{one['inner_s'] / two['inner_s']:.2f}x (inside the sweep call)")
    for runs in args.flat:
        rows.append(measure("runner", runs, args.workers))
        report(rows[-1])
    for runs in args.runs:
        pair = {r["tool"]: r for r in rows if r["runs"] == runs // 4 * 4 and r["workers"]
                == args.workers}
        if "runner" in pair and "batch_run" in pair:
            ours, theirs = pair["runner"], pair["batch_run"]
            print(f"{runs} runs: runner {theirs['wall_s'] / ours['wall_s']:.2f}x as fast as "
                  f"batch_run; peak memory {ours['peak_mb']:.0f} MB vs {theirs['peak_mb']:.0f} MB")
    if args.write:
        write(rows, args.workers, load_before)


def write(rows: list[dict], workers: int, load_before: float) -> None:
    """Store the measurements for docs/commands.md (``python -m alliancesim.report.blocks``)."""
    path = Path(__file__).resolve().parents[1] / "docs" / "results" / "bench_sweep.json"
    data = {"cores": psutil.cpu_count(), "workers": workers,
            "load_before": round(load_before, 2),
            "load_after": round(psutil.getloadavg()[0], 2), "rows": rows}
    path.write_text(json.dumps(data, indent=1) + "\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
