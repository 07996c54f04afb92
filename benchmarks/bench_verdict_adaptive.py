"""How far the adaptive verdict gets: share of design points decided, runs spent, time.

Runs ``experiments/verdict.toml`` (or another verdict file) adaptively from scratch: every
point starts with ``start_replicates`` per mode and only the points still undecided get
more, up to ``max_replicates`` (or until ``stop_share`` of the points is decided). A point its
own runs leave open may be decided by the metamodel over the design (unless
``--no-metamodel``); the benchmark prints how many points each decided and the metamodel's
cross-validation coverage per pair of modes. Prints the share of points decided (a mode, or
two tied, clearly ahead of the rest, or every pair of modes clearly different or equivalent
within the margin, on the deciding outcome), the runs spent
against a fixed design reaching the same decisions, and the wall and CPU time. The target:
at least 90% of the shipped verdict's points decided within 20 minutes on two cores.

    python benchmarks/bench_verdict_adaptive.py                    # the shipped verdict
    python benchmarks/bench_verdict_adaptive.py --samples 8 --cap 64   # a reduced design
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LIMIT_S = 20 * 60
TARGET_SHARE = 0.9


def cpu_seconds() -> float:
    """CPU seconds of this process and its finished workers."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def load(args: argparse.Namespace):
    """The verdict, with the benchmark's overrides of its design and rounds."""
    from alliancesim.sweeps.experiment import read_experiment_toml
    from alliancesim.verdict.spec import verdict_from_dict

    data = read_experiment_toml(args.experiment)
    table = dict(data.get("verdict", {}))
    for key, value in (("start_replicates", args.start), ("max_replicates", args.cap),
                       ("stop_share", args.stop_share)):
        if value is not None:
            table[key] = value
    if not args.map:
        table["map_replicates"] = 0
    if args.no_metamodel:
        table["metamodel"] = False
    data["verdict"] = table
    if args.samples is not None:
        data["design"] = {**data["design"], "samples": args.samples}
    return verdict_from_dict(data, source=str(args.experiment),
                             base_dir=Path(args.experiment).parent)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--experiment", type=Path, default=ROOT / "experiments" / "verdict.toml")
    parser.add_argument("--samples", type=int, help="Sobol base sample (default: the file's)")
    parser.add_argument("--start", type=int, help="replicates per mode in the first round")
    parser.add_argument("--cap", type=int, help="most replicates per mode at a point")
    parser.add_argument("--stop-share", type=float, help="stop once this share of the "
                        "points is decided (default: the file's)")
    parser.add_argument("--no-metamodel", action="store_true", help="decide every point "
                        "from its own runs alone")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--map", action="store_true", help="also run the map at the defaults")
    parser.add_argument("--out", type=Path, help="keep the results here (default: a "
                        "temporary folder, removed)")
    args = parser.parse_args()
    from alliancesim.verdict.run import run_verdict

    verdict = load(args)
    out = args.out or Path(tempfile.mkdtemp(prefix="bench-verdict-adaptive-"))
    shutil.rmtree(out, ignore_errors=True)  # a benchmark times a verdict from scratch
    load_before = os.getloadavg()[0]
    cpu, started = cpu_seconds(), time.perf_counter()
    result = run_verdict(verdict, out, adaptive=True, workers=args.workers, progress=False)
    wall, cpu = time.perf_counter() - started, cpu_seconds() - cpu
    a = result.adaptive
    assert a is not None
    spec = result.verdict.spec
    print(f"design: {a['points']:,} points, {len(spec.modes)} modes, "
          f"start {spec.start_replicates}, cap {spec.max_replicates} replicates per mode, "
          f"margin {result.verdict.margins[spec.decide_by]:g} on {spec.decide_by}")
    print(f"decided: {a['decided']:,} of {a['points']:,} points ({a['decided_share']:.1%}) "
          f"in {a['rounds']} rounds; {a['undecided_at_cap']} undecided at the cap")
    metamodel = a.get("metamodel") or {}
    if metamodel:
        print(f"decided by own runs: {metamodel['decided_own']:,}; by the metamodel: "
              f"{metamodel['decided_metamodel']:,}; own runs and metamodel disagree at "
              f"{metamodel['disagreements']} point-pairs")
        for pair, check in metamodel["checks"].items():
            print(f"  {pair}: " + ("too few points" if check is None else
                  f"leave-one-out coverage {check['coverage']:.1%} (nominal "
                  f"{check['nominal']:.0%}, floor {check['floor']:.1%}): "
                  f"{'used' if check['passed'] else 'check failed, not used'}"))
    print(f"runs: {a['runs']:,} adaptive against {a['fixed_runs']:,} for a fixed design "
          f"reaching the same decisions ({a['fixed_replicates']} replicates at every point)")
    print(f"time: {wall:.0f} s wall, {cpu:.0f} s CPU ({args.workers} workers, "
          f"{os.cpu_count()} cores, load average {load_before:.1f} before, "
          f"{os.getloadavg()[0]:.1f} after); CPU / {args.workers} = {cpu / args.workers:.0f} s")
    within = cpu / args.workers <= LIMIT_S and a["decided_share"] >= TARGET_SHARE
    print(f"target (>= {TARGET_SHARE:.0%} decided within {LIMIT_S // 60} minutes on two idle "
          f"cores): {'met' if within else 'not met'}")
    if args.out is None:
        shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
