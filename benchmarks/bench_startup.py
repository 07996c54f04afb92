"""How long the ``alliancesim`` command takes to start: help, version and a broken file.

Usage:
    python benchmarks/bench_startup.py [--repeat N]

Each case runs the installed command in a fresh process ``N`` times (default 5) and prints
the fastest, median and slowest wall time, Python's own start-up included. The broken files
are an empty experiment and an empty scenario: the answer is one error line, so the time is
all start-up and checking.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def command() -> list[str]:
    """The installed ``alliancesim`` script next to this Python, else the module."""
    script = Path(sys.executable).with_name("alliancesim")
    if script.exists():
        return [str(script)]
    found = shutil.which("alliancesim")
    return [found] if found else [sys.executable, "-m", "alliancesim.cli.main"]


def timings(args: list[str], repeat: int) -> list[float]:
    """Wall times of ``repeat`` runs of the command with ``args``."""
    seconds = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run([*command(), *args], capture_output=True, check=False)
        seconds.append(time.perf_counter() - start)
    return seconds


def main() -> None:
    """Time each case and print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        empty = Path(folder) / "empty.toml"
        empty.write_text("")
        cases = {
            "alliancesim --help": ["--help"],
            "alliancesim --version": ["--version"],
            "alliancesim sweep empty.toml": ["sweep", str(empty)],
            "alliancesim run empty.toml": ["run", str(empty)],
        }
        print(f"{'case':32} {'fastest':>8} {'median':>8} {'slowest':>8}  ({args.repeat} runs)")
        for label, case in cases.items():
            seconds = timings(case, args.repeat)
            print(f"{label:32} {min(seconds):7.2f}s {statistics.median(seconds):7.2f}s "
                  f"{max(seconds):7.2f}s")


if __name__ == "__main__":
    main()
