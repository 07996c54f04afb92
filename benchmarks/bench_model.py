"""Time the alliance model against a bare Mesa skeleton, and at 10, 100 and 1,000 members.

Skeleton: a Mesa model of 8 agents that each draw a random number in ``shuffle_do`` and an
8 x 8 numpy trust update, stepped 120 times: the least any Mesa model of an 8-member alliance
costs. The model's default runs (until the alliance ends, or 120 months) are timed in the
same process, interleaved with the skeleton so that a busy machine slows both alike, in
CPU time of this process (time another process takes on a shared core is not counted), and
reported as ratios. They are made as the run engine makes runs that keep no event log
(``record_events=False``): the same simulation, draw for draw, without an event built for
every conflict. Targets: a default run that records only its outcome at most 5 times
the skeleton; with the per-month table at most 6 times (the floor of the readable Python
model's bookkeeping; one source of truth is kept rather than a second, compiled engine).
Each ratio comes with a 95% bootstrap interval over the seeds, and a target counts as met
only when the whole interval is below it (missed when the whole interval is above it, and
"cannot tell" otherwise).

    python benchmarks/bench_model.py [--quick] [--write]

``--write`` also stores the figures in docs/results/bench_model.json, from which the
speed paragraph of docs/model.md is written.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path

import mesa
import numpy as np

from alliancesim import AllianceModel

# Keep large alliances running to the horizon: they renew after reaching their ambition.
LONG_LIVED = {"renewal_propensity": 1.0}
TARGET_OUTCOME_ONLY, TARGET_WITH_TABLE = 5.0, 6.0


class _Member(mesa.Agent):
    def step(self) -> None:
        self.draw = self.model.rng.random()


class Skeleton(mesa.Model):
    """Eight agents, an 8 x 8 trust matrix, nothing else."""

    def __init__(self, rng: int) -> None:
        super().__init__(rng=rng)
        for _ in range(8):
            _Member(self)
        self.trust = np.full((8, 8), 0.5)

    def step(self) -> None:
        self.agents.shuffle_do("step")
        self.trust += 0.024 * (1.0 - self.trust)


def time_skeleton(seed: int) -> float:
    """CPU seconds for 120 steps of the skeleton."""
    start = time.process_time()
    model = Skeleton(seed)
    for _ in range(120):
        model.step()
    return time.process_time() - start


def timed_run(seed: int, collect_steps: bool = True, **params) -> tuple[float, int]:
    """CPU seconds and months of one run until it ends (or reaches its horizon)."""
    start = time.process_time()
    model = AllianceModel(rng=seed, collect_steps=collect_steps, record_events=False, **params)
    while model.running:
        model.step()
    return time.process_time() - start, model.month


def ratio_interval(runs: list[float], skeleton: list[float], draws: int = 2000,
                   level: float = 0.95) -> tuple[float, float]:
    """Bootstrap interval of median(runs) / median(skeleton) over seeds: each seed's run
    and skeleton were timed together, so they are resampled together. It holds both the
    timing noise and how much default runs differ from seed to seed."""
    rng = np.random.default_rng(0)
    rows = rng.integers(0, len(runs), (draws, len(runs)))
    ratios = (np.median(np.asarray(runs)[rows], axis=1)
              / np.median(np.asarray(skeleton)[rows], axis=1))
    low, high = np.quantile(ratios, [(1 - level) / 2, (1 + level) / 2])
    return float(low), float(high)


def verdict(low: float, high: float, target: float) -> str:
    """Whether the interval shows the target met, missed, or cannot tell."""
    if high <= target:
        return "met"
    if low > target:
        return "missed"
    return "cannot tell"


def against_skeleton(runs: int) -> dict[str, float]:
    """Median seconds per run of the skeleton and of default runs, their ratios, the
    ratios' 95% bootstrap intervals and what those say of the targets."""
    skeleton, outcome_only, with_table, months = [], [], [], []
    for seed in range(runs):
        skeleton.append(time_skeleton(seed))
        seconds, month = timed_run(seed, collect_steps=False)
        outcome_only.append(seconds)
        months.append(month)
        with_table.append(timed_run(seed, collect_steps=True)[0])
    base = statistics.median(skeleton)
    print(f"skeleton (8 agents, 120 steps): median {base * 1e3:.2f} ms over {runs} runs")
    figures = {"skeleton_ms": base * 1e3, "runs": runs,
               "runs_per_second": runs / sum(outcome_only),
               "median_months": statistics.median(months)}
    figures |= _against_target("outcome", "outcome only:    ", outcome_only, skeleton,
                               TARGET_OUTCOME_ONLY)
    print(f"  median {figures['median_months']:.0f} months, "
          f"{figures['runs_per_second']:.0f} runs per second per core")
    figures |= _against_target("table", "per-month table: ", with_table, skeleton,
                               TARGET_WITH_TABLE)
    return figures


def _against_target(kind: str, label: str, times: list[float], skeleton: list[float],
                    target: float) -> dict[str, float | str]:
    """One kind of run against the skeleton: its median, ratio, interval and verdict,
    printed and returned under keys that start with ``kind``."""
    median = statistics.median(times)
    ratio = median / statistics.median(skeleton)
    low, high = ratio_interval(times, skeleton)
    said = verdict(low, high, target)
    print(f"default run, {label} median {median * 1e3:.2f} ms = {ratio:.2f} x skeleton "
          f"(95% interval {low:.2f}-{high:.2f}; target <= {target}: {said})")
    return {f"{kind}_ms": median * 1e3, f"{kind}_ratio": ratio, f"{kind}_ratio_low": low,
            f"{kind}_ratio_high": high, f"{kind}_target": target, f"{kind}_verdict": said}


def scaling(sizes: tuple[int, ...], tries: int = 4) -> dict[str, float]:
    """Time one run per size, trying a few seeds for one that lasts all 120 months."""
    figures = {}
    for n in sizes:
        for seed in range(tries):
            seconds, months = timed_run(seed, n_members=n, **LONG_LIVED)
            if months == 120:
                break
        print(f"{n:>5} members: {seconds:.2f} s for {months} months "
              f"({seconds / months * 1e3:.1f} ms per month, seed {seed})")
        figures[f"members_{n}_s"] = seconds
    return figures


def main() -> None:
    quick = "--quick" in sys.argv
    # The first model of a process loads (or compiles) the compiled monthly updates.
    first, _ = timed_run(0, collect_steps=False)
    print(f"first run in this process: {first:.2f} s (loading the compiled updates included)")
    figures = {"first_run_s": first}
    figures |= against_skeleton(60 if quick else 1200)
    figures |= scaling((10, 100) if quick else (10, 100, 1000))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory: {peak:.0f} MB")
    load = os.getloadavg()[0]
    print(f"load average at the end: {load:.1f}")
    if "--write" in sys.argv:
        figures["peak_mb"] = peak
        figures["machine"] = f"{os.cpu_count()} cores, load average {load:.1f}"
        path = Path(__file__).parents[1] / "docs" / "results" / "bench_model.json"
        path.write_text(json.dumps(figures, indent=1) + "\n")
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
