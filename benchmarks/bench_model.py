"""Time the alliance model: a reference run and runs at 10, 100 and 1,000 members.

Reference run: 8 members, per-step data collection on, horizon 120 months. Most default
alliances end before month 120, so two figures are given: runs on the defaults until they
end, and runs that last the full 120 months (seeds found by a first pass). Targets on a
2-core machine: median reference run <= 20 ms; 1,000 members x 120 months <= 10 s.

    python benchmarks/bench_model.py [--quick]
"""

from __future__ import annotations

import resource
import statistics
import sys
import time

from alliancesim import AllianceModel

# Keep large alliances running to the horizon: they renew after reaching their ambition.
LONG_LIVED = {"renewal_propensity": 1.0}


def timed_run(seed: int, **params) -> tuple[float, int]:
    """Seconds and months of one run, with per-step data collection on."""
    start = time.perf_counter()
    model = AllianceModel(rng=seed, **params)
    while model.running:
        model.step()
    return time.perf_counter() - start, model.month


def reference(runs: int) -> None:
    results = [timed_run(seed) for seed in range(runs)]
    seconds = [s for s, _ in results]
    months = [m for _, m in results]
    print(f"reference, defaults until the alliance ends ({runs} seeds): "
          f"median {statistics.median(seconds) * 1e3:.1f} ms per run "
          f"(median {statistics.median(months):.0f} months), "
          f"{runs / sum(seconds):.0f} runs per second per core")
    full = [seed for seed, (_, m) in enumerate(results) if m == 120]
    repeats = [timed_run(seed)[0] for _ in range(5) for seed in full]
    per_month = statistics.median(s / m for s, m in results) * 1e6
    print(f"reference, full 120-month runs ({len(full)} seeds x 5): "
          f"median {statistics.median(repeats) * 1e3:.1f} ms per run; "
          f"median {per_month:.0f} us per month over all runs")


def scaling(sizes: tuple[int, ...], tries: int = 4) -> None:
    """Time one run per size, trying a few seeds for one that lasts all 120 months."""
    for n in sizes:
        for seed in range(tries):
            seconds, months = timed_run(seed, n_members=n, **LONG_LIVED)
            if months == 120:
                break
        print(f"{n:>5} members: {seconds:.2f} s for {months} months "
              f"({seconds / months * 1e3:.1f} ms per month, seed {seed})")


def main() -> None:
    quick = "--quick" in sys.argv
    reference(40 if quick else 300)
    scaling((10, 100) if quick else (10, 100, 1000))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory: {peak:.0f} MB")


if __name__ == "__main__":
    main()
