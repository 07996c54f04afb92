"""How long ``alliancesim compare`` takes, and how much memory it holds, for given scenarios.

Usage:
    python benchmarks/bench_compare.py [--replicates N] [--workers W] [SCENARIO ...]

Without scenarios it compares every shipped scenario. Prints the wall time of the runs, of
the statistics and of the report, runs per second, and the peak memory of this process
(worker processes hold one run at a time and are not counted).
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

from alliancesim.compare import compare_scenarios, write_report
from alliancesim.scenarios import shipped_scenarios


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenarios", nargs="*", help="scenario files (default: all shipped)")
    parser.add_argument("--replicates", type=int, default=200)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    scenarios = args.scenarios or [str(p) for p in shipped_scenarios()]
    total = len(scenarios) * args.replicates

    start = time.perf_counter()
    comparison = compare_scenarios(scenarios, args.replicates, args.seed, args.workers)
    runs_done = time.perf_counter()
    comparison.summary()
    stats_done = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        write_report(comparison, Path(folder))
    report_done = time.perf_counter()

    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"scenarios:        {len(scenarios)}")
    print(f"replicates:       {args.replicates} ({total} runs, {comparison.workers} workers)")
    print(f"runs:             {runs_done - start:.1f} s ({total / (runs_done - start):.0f} runs/s)")
    print(f"statistics:       {stats_done - runs_done:.1f} s")
    print(f"report:           {report_done - stats_done:.1f} s")
    print(f"total:            {report_done - start:.1f} s")
    print(f"trajectory rows:  {len(comparison.trajectories)}")
    print(f"peak memory:      {peak_mib:.0f} MiB (main process)")


if __name__ == "__main__":
    main()
