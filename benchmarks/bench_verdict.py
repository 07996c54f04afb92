"""How long the shipped verdict takes: wall time and CPU time of ``alliancesim verdict``.

Runs the command in a child process (``--workers 2`` by default) and measures its wall time
and the CPU time of the whole process tree (the command and its worker processes, which it
waits for), so that on a machine shared with other work the CPU time still says what the
verdict costs: on two idle cores it takes about CPU time / 2 of wall time.

    python benchmarks/bench_verdict.py                       # experiments/verdict.toml
    python benchmarks/bench_verdict.py --out out/verdict     # keep the results there
    python benchmarks/bench_verdict.py --write               # docs/results/bench_verdict.json
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LIMIT_S = 20 * 60  # the target: the shipped verdict within 20 minutes on two cores


def children_cpu() -> float:
    """User + system CPU seconds of every finished, waited-for descendant."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(experiment: Path, out: Path, workers: int) -> dict:
    """Run the verdict once from scratch; wall and CPU seconds and the runs it made."""
    if out.exists() and any(out.iterdir()) and not (out / "runs").is_dir():
        sys.exit(f"{out} is not empty and not a verdict's folder: choose another --out")
    shutil.rmtree(out, ignore_errors=True)  # a benchmark times a verdict from scratch
    command = [sys.executable, "-m", "alliancesim.cli.main", "verdict", str(experiment),
               "--out", str(out), "--workers", str(workers), "--no-progress"]
    load_before = os.getloadavg()[0]
    cpu_before, started = children_cpu(), time.perf_counter()
    completed = subprocess.run(command, capture_output=True, text=True)
    wall, cpu = time.perf_counter() - started, children_cpu() - cpu_before
    if completed.returncode != 0:
        sys.exit(f"the verdict failed ({completed.returncode}):\n{completed.stderr}")
    timing = json.loads((out / "timing.json").read_text())
    return {"runs": timing["runs"], "wall_s": wall, "cpu_s": cpu, "workers": workers,
            "sweeps_s": timing["elapsed_s"], "load_before": load_before,
            "load_after": os.getloadavg()[0], "cores": os.cpu_count()}


def report(b: dict) -> str:
    """The figures in words."""
    idle = b["cpu_s"] / b["workers"]
    verdict = "within" if max(idle, 0) <= LIMIT_S else "above"
    return "\n".join([
        f"runs: {b['runs']:,} ({b['workers']} workers, {b['cores']} cores, load average "
        f"{b['load_before']:.1f} before, {b['load_after']:.1f} after)",
        f"wall time: {b['wall_s']:.0f} s ({b['wall_s'] / 60:.1f} min), of which sweeps "
        f"{b['sweeps_s']:.0f} s",
        f"CPU time: {b['cpu_s']:.0f} s; on {b['workers']} idle cores about {idle:.0f} s "
        f"({idle / 60:.1f} min): {verdict} the {LIMIT_S // 60}-minute target",
        f"runs per second: {b['runs'] / b['wall_s']:.1f} (wall), "
        f"{b['runs'] / b['wall_s'] / b['workers']:.1f} per core (wall), "
        f"{b['runs'] / b['cpu_s']:.1f} per CPU second",
    ])


def main() -> None:
    """Run the benchmark and print (or write) its figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("experiment", nargs="?", type=Path,
                        default=ROOT / "experiments" / "verdict.toml")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", type=Path, help="keep the verdict's folder here")
    parser.add_argument("--write", action="store_true",
                        help="write the figures to docs/results/bench_verdict.json")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        out = args.out if args.out is not None else Path(scratch) / "verdict"
        figures = run(args.experiment, out, args.workers)
    print(report(figures))
    if args.write:
        path = ROOT / "docs" / "results" / "bench_verdict.json"
        path.write_text(json.dumps({k: round(v, 3) if isinstance(v, float) else v
                                    for k, v in figures.items()}, indent=1) + "\n")
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
