"""Time and peak memory of ecosystem runs: 1,000 and 10,000 organizations (and 50,000 with
``--large``, over ``--large-years`` if given) over 30 years, monthly, at the default alliance
rate, each in a fresh process.

Target: 10,000 organizations over 30 years in at most 10 minutes on one core and under
2 GB, with a cost about linear in organizations at a fixed alliance rate. Time is reported
as the process's CPU time (one core; a busy shared machine stretches the wall clock) and as
wall-clock time.

    python benchmarks/bench_ecosystem.py [--years N] [--large] [--large-years N]
                                         [--sizes 1000,10000] [--write]

Alliances end at their planned term (``alliance_term``), so the number alive levels off
within about a term and each further year costs about the same: a run over fewer years
measures the cost per organization-year as well as a long one once past the term.

``--write`` also stores the figures in docs/results/bench_ecosystem.json (one entry per size
and horizon, replacing an earlier one), from which the speed table of docs/ecosystem.md is
written by ``python -m alliancesim.report.blocks``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parents[1] / "docs" / "results" / "bench_ecosystem.json"
TARGET_SECONDS, TARGET_MB = 600.0, 2048.0


def one_run(organizations: int, years: int, seed: int) -> dict[str, float]:
    """Run one ecosystem in this process and measure it (peak memory of this process)."""
    from alliancesim.ecosystem import EcosystemModel
    from alliancesim.ecosystem.outputs import collect

    started, cpu = time.perf_counter(), time.process_time()
    model = EcosystemModel(seed, n_organizations=organizations, years=years,
                           alliance={"country_set": "four_continents"}).run()
    ran, ran_cpu = time.perf_counter() - started, time.process_time() - cpu
    result = collect(model)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    months = sum(int(r["end_month"]) for r in model.records)
    return {"organizations": organizations, "years": years, "seconds": ran,
            "cpu_seconds": ran_cpu,
            "seconds_with_tables": time.perf_counter() - started, "peak_mb": peak_mb,
            "alliances": len(result.alliances), "alliance_months": months,
            "panel_rows": len(result.organizations), "network_rows": len(result.network)}


def main() -> None:
    """Run each size in a fresh process and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, default=30)
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--large", action="store_true", help="also 50,000 organizations")
    parser.add_argument("--large-years", type=int,
                        help="years of the 50,000-organization run (default: --years)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--write", action="store_true",
                        help="store the figures in docs/results/bench_ecosystem.json")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one is not None:
        print(json.dumps(one_run(args.one, args.years, args.seed)))
        return
    runs = [(int(s), args.years) for s in args.sizes.split(",")]
    if args.large:
        large_years = args.large_years or args.years
        runs.append((50000, large_years))
        if large_years != args.years:
            print(f"note: 50,000 organizations run over {large_years} years, not "
                  f"{args.years} (a shorter horizon keeps the run within minutes)", flush=True)
    for size, years in runs:
        done = subprocess.run([sys.executable, __file__, "--one", str(size), "--years",
                               str(years), "--seed", str(args.seed)],
                              capture_output=True, text=True, check=True)
        figures = json.loads(done.stdout.strip().splitlines()[-1])
        verdict = ""
        if size == 10000 and years == 30:
            ok = figures["cpu_seconds"] <= TARGET_SECONDS and figures["peak_mb"] <= TARGET_MB
            verdict = "  (target met)" if ok else "  (target NOT met)"
        print(f"{size:>7,} organizations, {years} years: {figures['cpu_seconds']:7.1f} s "
              f"on one core ({figures['seconds']:.1f} s wall clock, "
              f"{figures['seconds_with_tables']:.1f} s with tables), peak "
              f"{figures['peak_mb']:.0f} MB, {figures['alliances']:,} alliances, "
              f"{figures['alliance_months']:,} alliance-months{verdict}", flush=True)
        if args.write:
            store(figures)


def store(figures: dict[str, float]) -> None:
    """Add one run's figures to the results file (replacing a run of the same size and
    horizon), with the machine's load while it ran."""
    runs = json.loads(RESULTS.read_text())["runs"] if RESULTS.exists() else []
    runs = [r for r in runs if (r["organizations"], r["years"])
            != (figures["organizations"], figures["years"])]
    load = os.getloadavg()[0]
    runs.append({**figures, "machine": f"{os.cpu_count()} cores, load average {load:.1f}"})
    runs.sort(key=lambda r: (r["years"], r["organizations"]))
    RESULTS.write_text(json.dumps({"runs": runs}, indent=1) + "\n")


if __name__ == "__main__":
    main()
